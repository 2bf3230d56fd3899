//! Markdown → HTML for one article, with formulas left as placeholders for the math stage.
//!
//! pulldown-cmark does the parsing and the HTML writing; this module rewrites the event stream in
//! between: heading ids, article links, figures, footnotes, `<!--more-->`, and math. Formulas are
//! replaced by a NUL-delimited placeholder. Every NUL of the input was replaced when the file was
//! read (see `content::xml_chars`), so a placeholder never comes from an author.

mod events;
mod highlight;
mod length;

pub(crate) use highlight::{
    load_store as load_highlight_store, save_store as save_highlight_store,
};
mod links;
mod mkdocs;
mod refused;
pub(crate) mod tags;

use std::collections::BTreeSet;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser};

use crate::content::SourceFile;
use crate::content::frontmatter::Located;
use crate::content::xml_chars;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex};
use events::Part;
pub(crate) use length::{TextLength, text_length};
pub(crate) use links::{ExternalLink, LinkCheck, LinkTarget, LinkTargets};

/// One formula as written, before numbering and rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Formula {
    pub tex: String,
    pub display: bool,
    /// Byte offset of the TeX in the file.
    pub offset: usize,
    /// Byte offset of the opening delimiter in the file.
    pub delimiter_offset: usize,
    /// Whether the formula belongs to the article's numbered flow (not to a `summary:`).
    pub in_body: bool,
}

/// Where the writer is putting HTML: the article page, or a listing's excerpt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Page,
    /// Excerpts sit on pages with other excerpts: no element ids, and in-page links go to the
    /// article's own URL.
    Excerpt,
}

/// What the Markdown stage knows of one article.
#[derive(Debug, Clone, Default)]
pub(crate) struct RenderedBody {
    /// The article's HTML, with formula placeholders.
    pub html: String,
    /// The excerpt's HTML, with formula placeholders; `None` when the article has no text.
    pub excerpt: Option<String>,
    /// Whether the article says more than its excerpt.
    pub has_more: bool,
    /// Text of the first `# heading`, the title fallback.
    pub first_heading: Option<String>,
    /// Element ids the page will have: headings, footnotes, raw HTML ids.
    pub anchors: BTreeSet<String>,
    /// The headings of the body, in order (a title heading dropped from the body is not one).
    pub headings: Vec<Heading>,
    pub checks: Vec<LinkCheck>,
    /// Links to other sites, in source order; never fetched.
    pub external_links: Vec<ExternalLink>,
}

/// A heading of an article's body, for its table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The element id, unique in the page.
    pub id: String,
    /// Its text as written, formulas as their TeX.
    pub text: String,
}

/// What an article gives the Markdown stage.
pub(crate) struct Input<'a> {
    pub file: &'a SourceFile,
    /// Byte offset of the Markdown in `file.text`.
    pub body_offset: usize,
    /// The URL of the article itself, for links in excerpts.
    pub url: &'a str,
    /// Drop the first `# heading`, because it became the page title.
    pub drop_first_heading: bool,
    pub targets: &'a LinkTargets,
    /// `false` when the article said `math: false`: `$` is plain text.
    pub math: bool,
    /// kramdown's reading: `$$…$$` inside a sentence is inline math.
    pub kramdown_inline_math: bool,
    /// Fenced code in a known language is highlighted (`reader.highlight`).
    pub highlight: bool,
    /// The article's own excerpt marker, besides `<!--more-->`.
    pub excerpt_separator: Option<&'a str>,
}

pub(crate) fn options() -> Options {
    Options::ENABLE_MATH | text_options()
}

/// The options of `input`'s article.
fn options_for(input: &Input) -> Options {
    if input.math {
        options()
    } else {
        text_options()
    }
}

/// The options of an article with `math: false`: `$` is text.
fn text_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The placeholder for formula number `index` of an article.
pub(crate) fn placeholder(index: usize) -> String {
    format!("\0{index}\0")
}

/// Renders an article body; its formulas are appended to `formulas`, its problems to
/// `diagnostics`.
pub(crate) fn render(
    input: &Input,
    formulas: &mut Vec<Formula>,
    diagnostics: &mut Diagnostics,
) -> RenderedBody {
    let lines = LineIndex::new(&input.file.text);
    let tagged = tags::rewrite(
        &input.file.text[input.body_offset..],
        &input.file.content_path,
        input.targets,
    );
    report_tag_problems(input, &lines, &tagged.problems, diagnostics);
    let (body, shifts) = mkdocs::prepare(&tagged.text);
    let body = body.as_ref();
    let mut stream: Vec<(Event, Range<usize>)> = Parser::new_ext(body, options_for(input))
        .into_offset_iter()
        .collect();
    let mut out = RenderedBody::default();
    // Characters replaced as the file was read: told here, the stage every article's new
    // text passes through on each build and rebuild.
    let file = input.file;
    xml_chars::warn_replaced_in_text(&file.path, &file.text, &file.replaced, diagnostics);
    let mut state = events::Rewriter::new(input, &lines, body, Part::Body, formulas, diagnostics);
    state.shifts = shifts;
    state.edits = tagged.edits;
    state.rewrite(&mut stream, &mut out);
    let footnotes = std::mem::take(&mut state.footnotes);
    let more_marker = state.more_marker.filter(|&cut| cut > 0);
    out.html = events::write(&stream, Mode::Page, input.url, &footnotes);
    let (excerpt, has_more) = match more_marker {
        Some(cut) => (Some(events::closed(&stream[..cut])), true),
        None => match events::first_paragraph(&stream) {
            Some(paragraph) => {
                let more =
                    state.more_marker.is_some() || events::has_content_outside(&stream, &paragraph);
                (Some(stream[paragraph].to_vec()), more)
            }
            None => (None, false),
        },
    };
    out.excerpt =
        excerpt.map(|events| events::write(&events, Mode::Excerpt, input.url, &footnotes));
    out.has_more = has_more;
    out
}

/// The tags left as text, warned about at their places in the file.
fn report_tag_problems(
    input: &Input,
    lines: &LineIndex,
    problems: &[tags::Problem],
    diagnostics: &mut Diagnostics,
) {
    let text = &input.file.text;
    for problem in problems {
        let offset = input.body_offset + problem.offset;
        let at = lines.position(text, offset);
        let d = Diagnostic::warning(&input.file.path, at, problem.message.clone());
        diagnostics.push(d.with_snippet_at(text, offset));
    }
}

/// Renders a `summary:` front-matter field as an excerpt.
pub(crate) fn render_summary(
    input: &Input,
    summary: &Located<String>,
    formulas: &mut Vec<Formula>,
    body: &mut RenderedBody,
    diagnostics: &mut Diagnostics,
) -> String {
    // YAML can spell a NUL (`"\0"`) in a file that has none: see `SourceFile::new`.
    let text = &summary.value.replace('\0', "\u{FFFD}");
    let mut stream: Vec<(Event, Range<usize>)> = Parser::new_ext(text, options_for(input))
        .into_offset_iter()
        .collect();
    let lines = LineIndex::new(&input.file.text);
    let mut scratch = RenderedBody::default();
    // Offsets in the value are taken as offsets from its start in the file: exact for a
    // plain one-line value, close for one with quotes, escapes or folded lines.
    let part = Part::Summary {
        offset: lines.offset(&input.file.text, summary.position),
    };
    let mut state = events::Rewriter::new(input, &lines, text, part, formulas, diagnostics);
    state.rewrite(&mut stream, &mut scratch);
    let footnotes = std::mem::take(&mut state.footnotes);
    // The summary's links are checked and listed like the body's.
    body.checks.extend(scratch.checks);
    body.external_links.extend(scratch.external_links);
    events::write(&stream, Mode::Excerpt, input.url, &footnotes)
}

/// GitHub's heading ids: lower case, punctuation dropped, spaces to `-`, CJK kept.
pub(crate) fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            id.push(c);
        } else if c == ' ' {
            id.push('-');
        }
    }
    id
}

#[cfg(test)]
mod tests;
