//! The event-stream rewrite behind [`super::render`], and the mode-aware HTML writer.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::highlight;
use super::links::{self, Resolution};
use super::mkdocs::Shifts;
use super::refused;
use super::tags::Edits;
use super::{Formula, Heading, Input, Mode, RenderedBody, heading_id, placeholder};
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, Position};

/// The environments that number their equations; a paragraph that is one of these, written
/// without `$$`, is display math too.
pub(super) const NUMBERED_ENVIRONMENTS: [&str; 10] = [
    "equation",
    "equation*",
    "align",
    "align*",
    "gather",
    "gather*",
    "multline",
    "multline*",
    "eqnarray",
    "eqnarray*",
];

type Stream<'a> = Vec<(Event<'a>, Range<usize>)>;

/// The text of an article a [`Rewriter`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// The Markdown body, at [`Input::body_offset`]; its formulas are numbered.
    Body,
    /// The value of `summary:`, starting at byte `offset` of the file.
    Summary { offset: usize },
}

/// Walks the event stream once, rewriting it in place and recording what it finds.
pub(super) struct Rewriter<'i, 'f> {
    input: &'i Input<'i>,
    lines: &'i LineIndex,
    source: &'i str,
    /// Byte offset of `source` in the file.
    source_base: usize,
    formulas: &'f mut Vec<Formula>,
    diagnostics: &'f mut Diagnostics,
    in_body: bool,
    /// Index in the rewritten stream where `<!--more-->` cuts the excerpt.
    pub more_marker: Option<usize>,
    pub footnotes: BTreeMap<String, Footnote>,
    /// Maps offsets of `source` back to the text with tags rewritten (see `mkdocs`).
    pub shifts: Shifts,
    /// Maps those back to the author's text (see `tags`).
    pub edits: Edits,
    ids: UniqueIds,
}

impl<'i, 'f> Rewriter<'i, 'f> {
    pub(super) fn new(
        input: &'i Input<'i>,
        lines: &'i LineIndex,
        source: &'i str,
        part: Part,
        formulas: &'f mut Vec<Formula>,
        diagnostics: &'f mut Diagnostics,
    ) -> Self {
        let (source_base, in_body) = match part {
            Part::Body => (input.body_offset, true),
            Part::Summary { offset } => (offset, false),
        };
        Rewriter {
            input,
            lines,
            source,
            source_base,
            formulas,
            diagnostics,
            in_body,
            more_marker: None,
            footnotes: BTreeMap::new(),
            shifts: Shifts::default(),
            edits: Edits::default(),
            ids: UniqueIds::default(),
        }
    }

    /// The file offset of an offset in `source`.
    fn file_offset(&self, offset_in_source: usize) -> usize {
        self.source_base
            + self
                .edits
                .to_original(self.shifts.to_original(offset_in_source))
    }

    fn position(&self, offset_in_source: usize) -> Position {
        self.lines
            .position(&self.input.file.text, self.file_offset(offset_in_source))
    }

    fn error(&self, offset_in_source: usize, message: String) -> Diagnostic {
        Diagnostic::error(
            &self.input.file.path,
            self.position(offset_in_source),
            message,
        )
        .with_snippet_at(&self.input.file.text, self.file_offset(offset_in_source))
    }

    pub(super) fn rewrite<'a>(&mut self, stream: &mut Stream<'a>, out: &mut RenderedBody) {
        self.number_footnotes(stream, out);
        let original = std::mem::take(stream);
        let mut walk = Walk {
            original: &original,
            rewritten: Vec::with_capacity(original.len()),
            depth: 0,
            block_start: 0,
        };
        let mut i = 0;
        while i < original.len() {
            if walk.depth == 0 {
                walk.block_start = walk.rewritten.len();
            }
            i = match self.rewrite_event(&mut walk, i, out) {
                Step::One => {
                    walk.step_over(i);
                    i + 1
                }
                Step::To(next) => next,
            };
        }
        *stream = walk.rewritten;
    }

    /// Rewrites event `i`, or the group of events it starts.
    fn rewrite_event<'a>(
        &mut self,
        walk: &mut Walk<'_, 'a>,
        i: usize,
        out: &mut RenderedBody,
    ) -> Step {
        let original = walk.original;
        let (event, range) = &original[i];
        match event {
            Event::Start(Tag::Heading { .. }) => return self.heading(walk, i, out),
            Event::Start(Tag::Paragraph)
                if walk.depth == 0
                    && self.input.math
                    && bare_environment(&self.source[range.clone()]).is_some() =>
            {
                return self.environment_paragraph(walk, i);
            }
            Event::Start(Tag::Paragraph) => {
                if let Some((figure, end)) = self.figure(original, i, out) {
                    walk.push(Event::Html(figure.into()), i);
                    return Step::To(end + 1);
                }
                walk.keep(i);
            }
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                let mut tag = tag.clone();
                if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &mut tag {
                    *dest_url = self.resolve(dest_url, range.start, out);
                }
                walk.push(Event::Start(tag), i);
            }
            Event::InlineMath(tex) | Event::DisplayMath(tex) => {
                let display = matches!(event, Event::DisplayMath(_))
                    && !(self.input.kramdown_inline_math && in_sentence(original, i));
                let placeholder = self.math(tex, display, range);
                walk.push(placeholder, i);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                self.html(html, matches!(event, Event::Html(_)), walk, out);
                walk.keep(i);
            }
            Event::FootnoteReference(label) => {
                if !self.footnotes.contains_key(label.as_ref()) {
                    let error = self.error(
                        range.start,
                        format!("footnote `[^{label}]` has no definition"),
                    );
                    self.diagnostics.push(error);
                }
                walk.keep(i);
            }
            Event::Text(_) => return self.text_run(walk, i),
            Event::Start(Tag::CodeBlock(kind)) => {
                return code_block(walk, i, kind, self.input.highlight);
            }
            Event::TaskListMarker(done) => {
                walk.push(Event::InlineHtml(task_marker(*done).into()), i)
            }
            _ => walk.keep(i),
        }
        Step::One
    }

    /// A heading gets a unique id; the first `#` heading becomes the title, and is dropped
    /// when it opens the article and the title comes from it.
    fn heading<'a>(&mut self, walk: &mut Walk<'_, 'a>, i: usize, out: &mut RenderedBody) -> Step {
        let original = walk.original;
        let (
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }),
            range,
        ) = &original[i]
        else {
            // Only a heading's start comes here.
            walk.keep(i);
            return Step::One;
        };
        let end = matching_end(original, i);
        let text = plain_text(&original[i + 1..end]);
        if *level == HeadingLevel::H1 && out.first_heading.is_none() {
            out.first_heading = Some(text.clone());
            if self.input.drop_first_heading && walk.rewritten.is_empty() {
                return Step::To(end + 1);
            }
        }
        let id = self.ids.claim(
            id.as_ref()
                .map_or_else(|| heading_id(&text), |id| id.to_string()),
            &mut out.anchors,
        );
        out.headings.push(Heading {
            level: *level as u8,
            id: id.clone(),
            text: text.trim().to_string(),
        });
        let tag = Tag::Heading {
            level: *level,
            id: Some(id.into()),
            classes: classes.clone(),
            attrs: attrs.clone(),
        };
        walk.rewritten.push((Event::Start(tag), range.clone()));
        Step::One
    }

    /// A top-level paragraph that is a bare `\begin{equation}…\end{equation}` is display math.
    fn environment_paragraph(&mut self, walk: &mut Walk, i: usize) -> Step {
        let range = &walk.original[i].1;
        let raw = &self.source[range.clone()];
        let tex = raw.trim();
        let start = range.start + (raw.len() - raw.trim_start().len());
        let index = self.push_formula(tex.to_string(), true, start, start);
        walk.push(
            Event::Html(format!("<p>{}</p>\n", placeholder(index)).into()),
            i,
        );
        Step::To(matching_end(walk.original, i) + 1)
    }

    /// Records a formula and returns the placeholder that stands for it until math is rendered.
    fn math<'a>(&mut self, tex: &str, display: bool, range: &Range<usize>) -> Event<'a> {
        let raw = &self.source[range.clone()];
        // In a blockquote the TeX is not a verbatim slice of the source: it starts
        // after the opening `$` or `$$` all the same.
        let opening = if display { 2 } else { 1 };
        let start = raw
            .find(tex)
            .map_or(range.start + opening, |at| range.start + at);
        let index = self.push_formula(tex.to_string(), display, start, range.start);
        Event::InlineHtml(placeholder(index).into())
    }

    /// Raw HTML may be the `<!--more-->` marker, and may carry anchors.
    fn html(&mut self, html: &str, block: bool, walk: &Walk, out: &mut RenderedBody) {
        let marker = html.trim();
        let is_marker =
            marker == "<!--more-->" || Some(marker) == self.input.excerpt_separator.map(str::trim);
        if is_marker && self.more_marker.is_none() {
            // A marker on its own line is an HTML block: cut before the block.
            self.more_marker = Some(if block {
                walk.block_start
            } else {
                walk.rewritten.len()
            });
        }
        collect_html_ids(html, out);
    }

    /// Copies the run of text and line breaks starting at `i`, which is checked as a whole
    /// for math pulldown-cmark refused (one formula may span several of its events).
    fn text_run(&mut self, walk: &mut Walk, i: usize) -> Step {
        let original = walk.original;
        let end = original[i..]
            .iter()
            .position(|(e, _)| !matches!(e, Event::Text(_) | Event::SoftBreak | Event::HardBreak))
            .map_or(original.len(), |n| i + n);
        if self.input.math {
            self.refused_math(&original[i..end]);
        }
        walk.rewritten.extend(original[i..end].iter().cloned());
        Step::To(end)
    }

    /// Reports the formulas of a run of text and line breaks that pulldown-cmark refused as
    /// math (see [`refused`]). A formula broken by other inline markup (`*`, a code span) is
    /// beyond this check.
    fn refused_math(&mut self, run: &[(Event, Range<usize>)]) {
        let start = run[0].1.start;
        let source = &self.source[start..run[run.len() - 1].1.end];
        for formula in refused::find(source) {
            let opening = self.position(start + formula.opening);
            let error = self.error(start + formula.brace, formula.message(opening));
            self.diagnostics.push(error);
        }
    }

    /// Numbers footnotes in the order they are first cited, and gives each a unique id.
    fn number_footnotes(&mut self, stream: &Stream, out: &mut RenderedBody) {
        let defined: Vec<&str> = stream
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Start(Tag::FootnoteDefinition(label)) => Some(label.as_ref()),
                _ => None,
            })
            .collect();
        let is_defined: HashSet<&str> = defined.iter().copied().collect();
        let cited = stream.iter().filter_map(|(e, _)| match e {
            Event::FootnoteReference(label) if is_defined.contains(label.as_ref()) => {
                Some(label.as_ref())
            }
            _ => None,
        });
        let cited: Vec<&str> = cited.collect();
        for &label in cited.iter().chain(defined.iter()) {
            if !self.footnotes.contains_key(label) {
                let number = self.footnotes.len() + 1;
                let id = self
                    .ids
                    .claim(format!("fn-{}", heading_id(label)), &mut out.anchors);
                self.footnotes.insert(
                    label.to_string(),
                    Footnote {
                        number,
                        id,
                        references: Vec::new(),
                    },
                );
            }
        }
        for label in cited {
            let Some(footnote) = self.footnotes.get(label) else {
                continue;
            };
            let count = footnote.references.len() + 1;
            let base = if count == 1 {
                format!("{}-ref", footnote.id)
            } else {
                format!("{}-ref-{count}", footnote.id)
            };
            let reference = self.ids.claim(base, &mut out.anchors);
            if let Some(footnote) = self.footnotes.get_mut(label) {
                footnote.references.push(reference);
            }
        }
    }

    fn push_formula(
        &mut self,
        tex: String,
        display: bool,
        tex_start: usize,
        delimiter_start: usize,
    ) -> usize {
        self.formulas.push(Formula {
            tex,
            display,
            offset: self.file_offset(tex_start),
            delimiter_offset: self.file_offset(delimiter_start),
            in_body: self.in_body,
        });
        self.formulas.len() - 1
    }

    fn resolve<'a>(
        &mut self,
        dest: &CowStr<'a>,
        offset: usize,
        out: &mut RenderedBody,
    ) -> CowStr<'a> {
        let current = &self.input.file.content_path;
        match links::resolve(dest, current, self.input.targets) {
            Resolution::Keep => {
                if links::is_external(dest) {
                    out.external_links.push(links::ExternalLink {
                        path: self.input.file.path.clone(),
                        position: self.position(offset),
                        url: dest.to_string(),
                    });
                }
                dest.clone()
            }
            Resolution::Rewrite { url, check } => {
                if let Some(target) = check {
                    let position = self.position(offset);
                    out.checks
                        .push(target.at(position, self.file_offset(offset)));
                }
                url.into()
            }
            Resolution::Broken(message) => {
                let error = self.error(offset, message);
                self.diagnostics.push(error);
                dest.clone()
            }
        }
    }

    /// An image alone in its paragraph becomes a figure captioned with its alt text.
    fn figure(
        &mut self,
        stream: &[(Event, Range<usize>)],
        start: usize,
        out: &mut RenderedBody,
    ) -> Option<(String, usize)> {
        let (
            Event::Start(Tag::Image {
                dest_url, title, ..
            }),
            range,
        ) = &stream.get(start + 1)?
        else {
            return None;
        };
        let image_end = matching_end(stream, start + 1);
        if !matches!(
            stream.get(image_end + 1),
            Some((Event::End(TagEnd::Paragraph), _))
        ) {
            return None;
        }
        let alt = plain_text(&stream[start + 2..image_end]);
        let src = self.resolve(dest_url, range.start, out);
        let mut html = String::from("<figure><img src=\"");
        let _ = escape_href(&mut html, &src);
        html.push_str("\" alt=\"");
        let _ = escape_html(&mut html, &alt);
        if !title.is_empty() {
            html.push_str("\" title=\"");
            let _ = escape_html(&mut html, title);
        }
        html.push_str("\" loading=\"lazy\">");
        if !alt.is_empty() {
            html.push_str("<figcaption>");
            let _ = escape_html(&mut html, &alt);
            html.push_str("</figcaption>");
        }
        html.push_str("</figure>\n");
        Some((html, image_end + 1))
    }
}

/// The event stream in the middle of [`Rewriter::rewrite`]: the events read, the events
/// written so far, and where the walk is in the nesting of tags.
struct Walk<'s, 'a> {
    original: &'s [(Event<'a>, Range<usize>)],
    rewritten: Stream<'a>,
    /// How many tags are open.
    depth: usize,
    /// Where the current top-level block starts in `rewritten`.
    block_start: usize,
}

impl<'a> Walk<'_, 'a> {
    /// Writes event `i` unchanged.
    fn keep(&mut self, i: usize) {
        self.rewritten.push(self.original[i].clone());
    }

    /// Writes `event` in place of event `i`.
    fn push(&mut self, event: Event<'a>, i: usize) {
        self.rewritten.push((event, self.original[i].1.clone()));
    }

    /// Follows the nesting of tags past event `i`.
    fn step_over(&mut self, i: usize) {
        match &self.original[i].0 {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }
}

/// A task list's box as a symbol: a disabled `<input>` would be a form control without a
/// label or a use, while `☑`/`☐` is read out by screen readers as checked or not.
fn task_marker(done: bool) -> &'static str {
    if done {
        "<span class=\"task-marker\">\u{2611}</span> "
    } else {
        "<span class=\"task-marker\">\u{2610}</span> "
    }
}

/// A code block, written whole as HTML, highlighted unless `highlight` is off; its text is
/// never searched for math.
fn code_block<'a>(
    walk: &mut Walk<'_, 'a>,
    i: usize,
    kind: &CodeBlockKind,
    highlight: bool,
) -> Step {
    let end = matching_end(walk.original, i);
    let code: String = walk.original[i + 1..end]
        .iter()
        .filter_map(|(event, _)| match event {
            Event::Text(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect();
    let language = match kind {
        CodeBlockKind::Fenced(info) => highlight::fence_language(info),
        CodeBlockKind::Indented => "",
    };
    walk.push(
        Event::Html(highlight::code_block(language, &code, highlight).into()),
        i,
    );
    Step::To(end + 1)
}

/// How far one step of the rewrite went.
enum Step {
    /// Past the one event it was given.
    One,
    /// Past a whole group of events, to this index: the nesting inside it balances out.
    To(usize),
}

/// Element ids made unique the GitHub way: `x`, then the first free of `x-1`, `x-2`, …
///
/// Where to go on looking is remembered per base: ids are only ever taken, never freed, so
/// every suffix up to the last one given out is still taken. A thousand headings `## Proof`
/// then cost a thousand lookups, not half a million.
#[derive(Debug, Default)]
struct UniqueIds {
    /// Base → the suffix of the last id given out for it.
    last_suffix: HashMap<String, usize>,
    /// Lookups in the taken set, counted for the test that keeps them linear.
    probes: usize,
}

impl UniqueIds {
    /// The first free id for `base` (`section` when empty), now taken.
    fn claim(&mut self, base: String, taken: &mut BTreeSet<String>) -> String {
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        self.probes += 1;
        if !taken.contains(&base) {
            taken.insert(base.clone());
            return base;
        }
        let mut suffix = self.last_suffix.get(&base).copied().unwrap_or(0);
        loop {
            suffix += 1;
            self.probes += 1;
            let id = format!("{base}-{suffix}");
            if !taken.contains(&id) {
                taken.insert(id.clone());
                self.last_suffix.insert(base, suffix);
                return id;
            }
        }
    }
}

/// Whether the formula at `i` shares its paragraph with text (kramdown reads such a `$$…$$`
/// as inline math), rather than standing alone in it.
fn in_sentence(stream: &[(Event, Range<usize>)], i: usize) -> bool {
    let alone = i > 0
        && matches!(stream[i - 1].0, Event::Start(Tag::Paragraph))
        && matches!(stream.get(i + 1), Some((Event::End(TagEnd::Paragraph), _)));
    !alone
}

/// The environment name if `raw` is exactly one `\begin{env}…\end{env}` of a numbered kind.
pub(super) fn bare_environment(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    let name = raw.strip_prefix("\\begin{")?.split('}').next()?;
    (NUMBERED_ENVIRONMENTS.contains(&name) && raw.ends_with(&format!("\\end{{{name}}}")))
        .then_some(name)
}

/// Index of the `End` that closes the `Start` at `start`.
pub(super) fn matching_end(stream: &[(Event, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (event, _)) in stream.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    stream.len().saturating_sub(1)
}

/// The text a reader sees in a run of inline events, formulas as their TeX.
fn plain_text(events: &[(Event, Range<usize>)]) -> String {
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                text.push_str(t)
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// Raw HTML can carry anchors of its own (`<a id="x">`, `<a name="x">`).
fn collect_html_ids(html: &str, out: &mut RenderedBody) {
    for attribute in [" id=\"", " name=\"", " id='", " name='"] {
        let quote = attribute.chars().last().unwrap_or('"');
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            if let Some(end) = rest.find(quote) {
                out.anchors.insert(rest[..end].to_string());
            }
        }
    }
}

/// A footnote's number and element id in its article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Footnote {
    pub number: usize,
    pub id: String,
    /// The ids of its references, in order, for links back from the note.
    pub references: Vec<String>,
}

/// The range of the first top-level paragraph, for an excerpt.
pub(super) fn first_paragraph(stream: &[(Event, Range<usize>)]) -> Option<Range<usize>> {
    let mut i = 0;
    while i < stream.len() {
        match &stream[i].0 {
            Event::Start(Tag::Paragraph) => return Some(i..matching_end(stream, i) + 1),
            Event::Start(_) => i = matching_end(stream, i) + 1,
            _ => i += 1,
        }
    }
    None
}

pub(super) fn has_content_outside(
    stream: &[(Event, Range<usize>)],
    excerpt: &Range<usize>,
) -> bool {
    stream.iter().enumerate().any(|(i, (event, _))| {
        !excerpt.contains(&i) && !matches!(event, Event::Html(h) if h.trim().is_empty())
    })
}

/// Writes the stream as HTML for `mode`.
pub(super) fn write(
    stream: &[(Event, Range<usize>)],
    mode: Mode,
    url: &str,
    footnotes: &BTreeMap<String, Footnote>,
) -> String {
    let mut html = String::with_capacity(stream.len() * 16);
    let mut writer = ModeWriter {
        mode,
        url,
        footnotes,
        seen: BTreeMap::new(),
        open_note: None,
    };
    let events = stream
        .iter()
        .filter_map(|(event, _)| writer.for_mode(event));
    pulldown_cmark::html::push_html(&mut html, events);
    // Bodies live until their pages are written; the growth slack of a whole archive adds up.
    html.shrink_to_fit();
    html
}

/// Turns the events of the rewritten stream into the events to write for one mode.
struct ModeWriter<'s> {
    mode: Mode,
    url: &'s str,
    footnotes: &'s BTreeMap<String, Footnote>,
    /// How often each footnote has been cited so far.
    seen: BTreeMap<&'s str, usize>,
    /// The footnote whose definition is being written, on a page.
    open_note: Option<&'s Footnote>,
}

impl<'s> ModeWriter<'s> {
    /// The event to write for `event`, if any.
    fn for_mode<'a>(&mut self, event: &'s Event<'a>) -> Option<Event<'a>> {
        let excerpt = self.mode == Mode::Excerpt;
        match event {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) if excerpt => Some(Event::Start(Tag::Heading {
                level: *level,
                id: None,
                classes: classes.clone(),
                attrs: attrs.clone(),
            })),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if excerpt && dest_url.starts_with('#') => {
                let dest = format!("{}{dest_url}", self.url);
                Some(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest.into(),
                    title: title.clone(),
                    id: id.clone(),
                }))
            }
            Event::FootnoteReference(_) if excerpt => None,
            Event::FootnoteReference(label) => self.footnote_reference(label),
            Event::Start(Tag::FootnoteDefinition(label)) => Some(self.open_footnote(label)),
            Event::End(TagEnd::FootnoteDefinition) => Some(self.close_footnote()),
            other => Some(other.clone()),
        }
    }

    /// A citation links to its note; each has its own id for the note's link back.
    fn footnote_reference<'a>(&mut self, label: &'s str) -> Option<Event<'a>> {
        let footnote = self.footnotes.get(label)?;
        let occurrence = self.seen.entry(label).or_insert(0);
        let reference = footnote
            .references
            .get(*occurrence)
            .map(|r| format!(" id=\"{r}\""))
            .unwrap_or_default();
        *occurrence += 1;
        let (id, number) = (&footnote.id, footnote.number);
        Some(Event::InlineHtml(
            format!("<sup class=\"footnote-ref\"><a href=\"#{id}\"{reference}>{number}</a></sup>")
                .into(),
        ))
    }

    /// A note's definition carries its id and number; only a page links to and from it.
    fn open_footnote<'a>(&mut self, label: &str) -> Event<'a> {
        let footnote = self.footnotes.get(label);
        self.open_note = footnote.filter(|_| self.mode == Mode::Page);
        let mut open = String::from("<div class=\"footnote-definition\"");
        if let (Mode::Page, Some(footnote)) = (self.mode, footnote) {
            let _ = write!(open, " id=\"{}\"", footnote.id);
        }
        let number = footnote.map_or(0, |f| f.number);
        let _ = write!(
            open,
            "><sup class=\"footnote-definition-label\">{number}</sup>"
        );
        Event::Html(open.into())
    }

    /// A note ends with a link back to its first citation.
    fn close_footnote<'a>(&mut self) -> Event<'a> {
        let back = self.open_note.take().and_then(|f| f.references.first());
        let back = back
            .map(|r| {
                format!("<a class=\"footnote-backref\" href=\"#{r}\" aria-label=\"back\">↩</a>")
            })
            .unwrap_or_default();
        Event::Html(format!("{back}</div>\n").into())
    }
}

/// `prefix` with an `End` for every tag it leaves open, so an excerpt cut mid-paragraph is
/// still well-formed.
pub(super) fn closed<'a>(prefix: &[(Event<'a>, Range<usize>)]) -> Vec<(Event<'a>, Range<usize>)> {
    let mut open: Vec<TagEnd> = Vec::new();
    for (event, _) in prefix {
        match event {
            Event::Start(tag) => open.push(tag.to_end()),
            Event::End(_) => {
                open.pop();
            }
            _ => {}
        }
    }
    let mut events = prefix.to_vec();
    events.extend(open.into_iter().rev().map(|end| (Event::End(end), 0..0)));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::tests::with_input;

    /// The ids as they were made before [`UniqueIds`]: probing from `-1` every time.
    fn claim_by_probing(base: &str, taken: &mut BTreeSet<String>) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let mut id = base.to_string();
        let mut n = 0;
        while taken.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        taken.insert(id.clone());
        id
    }

    #[test]
    fn unique_ids_are_the_ids_of_probing_from_one() {
        let bases = ["a", "a-1", "", "section", "b", "a-1-1"];
        let raw_ids = ["a-2", "section-1", "b-1", "a-1-2"];
        let (mut ids, mut taken, mut expected_taken) =
            (UniqueIds::default(), BTreeSet::new(), BTreeSet::new());
        let mut seed = 7u64;
        for _ in 0..2000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let pick = (seed >> 33) as usize;
            if pick.is_multiple_of(5) {
                // Raw HTML takes an id in between, as `collect_html_ids` does.
                let raw = raw_ids[pick / 5 % raw_ids.len()].to_string();
                taken.insert(raw.clone());
                expected_taken.insert(raw);
                continue;
            }
            let base = bases[pick % bases.len()];
            assert_eq!(
                ids.claim(base.to_string(), &mut taken),
                claim_by_probing(base, &mut expected_taken)
            );
        }
        assert_eq!(taken, expected_taken);
    }

    /// Runs the rewriter over `text`; returns the anchors and the id lookups made.
    fn rewrite(text: &str) -> (BTreeSet<String>, usize) {
        with_input(text, |input| {
            let lines = LineIndex::new(text);
            let (mut formulas, mut diagnostics) = (Vec::new(), Diagnostics::new());
            let mut rewriter = Rewriter::new(
                input,
                &lines,
                text,
                Part::Body,
                &mut formulas,
                &mut diagnostics,
            );
            let mut stream: Stream = pulldown_cmark::Parser::new_ext(text, super::super::options())
                .into_offset_iter()
                .collect();
            let mut out = RenderedBody::default();
            rewriter.rewrite(&mut stream, &mut out);
            (out.anchors, rewriter.ids.probes)
        })
    }

    #[test]
    fn identical_headings_cost_a_few_id_lookups_each() {
        let headings = 20_000;
        let (anchors, probes) = rewrite(&"## Proof\n\n".repeat(headings));
        assert_eq!(anchors.len(), headings);
        assert!(anchors.contains("proof") && anchors.contains(&format!("proof-{}", headings - 1)));
        // Probing from `-1` each time made 200 million lookups.
        assert!(
            probes <= 2 * headings,
            "{probes} lookups for {headings} headings"
        );
    }

    #[test]
    fn many_footnotes_cost_a_few_id_lookups_each() {
        let notes = 5_000;
        let mut text = String::new();
        for i in 0..notes {
            text.push_str(&format!("Cited[^n{i}] and again[^n{i}].\n\n"));
        }
        for i in 0..notes {
            text.push_str(&format!("[^n{i}]: Note {i}.\n"));
        }
        let (anchors, probes) = rewrite(&text);
        // Each note has its id and two reference ids.
        assert_eq!(anchors.len(), 3 * notes);
        assert!(anchors.contains(&format!("fn-n{}-ref-2", notes - 1)));
        assert!(
            probes <= 2 * anchors.len(),
            "{probes} lookups for {notes} notes"
        );
    }
}
