//! The math stage: number, label and reference an article's formulas, render every distinct
//! formula of the site once, and put the HTML back in place of the Markdown stage's placeholders.

pub(crate) mod cache;
pub(crate) mod engine;
mod macros;
pub(crate) mod numbering;
pub(crate) mod store;
pub(crate) mod tex;
mod texmap;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{MathConfig, MathOutput};
use crate::content::SourceFile;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex};
use crate::markdown::{Formula, Mode};
use crate::progress::{Progress, Silent, Stage};
use cache::DiskCache;
use numbering::{Label, Numbered};
use store::Compressed;
pub(crate) use store::FormulaStore;
use texmap::TexMap;

/// Commands that could make a formula reach outside the page; formulas are untrusted input.
const FORBIDDEN: [&str; 7] = [
    "\\href",
    "\\url",
    "\\includegraphics",
    "\\htmlClass",
    "\\htmlId",
    "\\htmlStyle",
    "\\htmlData",
];

/// Identity of a rendering: KaTeX version, options (the output mode among them), macros in
/// effect, display flag and TeX.
pub(crate) type JobKey = [u8; 32];

/// One KaTeX call to make.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub key: JobKey,
    pub tex: String,
    pub display: bool,
    pub trust: bool,
    pub output: MathOutput,
    pub macros: Arc<BTreeMap<String, String>>,
}

/// One formula of an article, ready for rendering.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// `None` when the formula was already rejected (a diagnostic says why).
    pub job: Option<Job>,
    /// Element ids of the equations' labels, placed before the formula on the article page.
    pub anchors: Vec<String>,
    /// The equations this formula links to (`\eqref`, `\ref`), in order.
    pub links: Vec<EqLink>,
    /// The formula is one reference and nothing else: it is written as a plain HTML link, not
    /// rendered by KaTeX (whose link would sit in its `aria-hidden` half).
    pub link_only: bool,
    /// The tags of its numbered rows as shown, which KaTeX's MathML leaves out.
    row_tags: Vec<String>,
    /// From the TeX sent to KaTeX back to the TeX as written (applied last to first).
    maps: Vec<TexMap>,
    /// The TeX as written, and its byte offset in the file.
    original: String,
    offset: usize,
    delimiter_offset: usize,
}

/// An article's formulas after numbering.
#[derive(Debug, Clone, Default)]
pub(crate) struct ArticleMath {
    pub formulas: Vec<Prepared>,
    /// Ids of every labelled equation (`eq-<label>`).
    pub anchors: Vec<String>,
}

/// A link to a labelled equation: `href="#{anchor}"`, showing `text`, e.g. `(3)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EqLink {
    pub anchor: String,
    pub text: String,
}

/// The element id of equation label `key`.
pub(crate) fn anchor_id(key: &str) -> String {
    format!("eq-{key}")
}

/// Numbers an article's formulas, resolves its references and fixes the macros for each;
/// the problems found go to `diagnostics`.
pub(crate) fn prepare(
    file: &SourceFile,
    formulas: &[Formula],
    site: &MathConfig,
    article_macros: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) -> ArticleMath {
    let mut article = Preparation {
        file,
        output: site.output,
        lines: LineIndex::new(&file.text),
        labels: BTreeMap::new(),
        math: ArticleMath::default(),
        diagnostics,
    };
    // Every formula is numbered before any reference is resolved: `\eqref` may cite an
    // equation further down.
    let mut next_number = 1;
    let numbered: Vec<Numbered> = formulas
        .iter()
        .map(|formula| article.number(formula, &mut next_number))
        .collect();
    article.math.anchors = article.labels.keys().map(|k| anchor_id(k)).collect();
    let mut macros = Arc::new(
        site.macros
            .iter()
            .chain(article_macros)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    );
    for (formula, result) in formulas.iter().zip(numbered) {
        article.link(formula, result, &macros);
        // KaTeX forgets a formula's `\newcommand`s; the formulas after it are given them.
        let defined = macros::definitions(&formula.tex);
        if !defined.is_empty() {
            let mut next = (*macros).clone();
            next.extend(defined);
            macros = Arc::new(next);
        }
    }
    article.math
}

/// What [`prepare`] keeps while it walks an article's formulas.
struct Preparation<'a> {
    file: &'a SourceFile,
    output: MathOutput,
    lines: LineIndex,
    /// The valid labels of the article so far, each with the equation that first took it.
    labels: BTreeMap<String, Label>,
    math: ArticleMath,
    diagnostics: &'a mut Diagnostics,
}

impl Preparation<'_> {
    /// Numbers one formula, keeps its labels and reports what is wrong with it on its own.
    fn number(&mut self, formula: &Formula, next_number: &mut usize) -> Numbered {
        let result = if formula.in_body {
            numbering::number(&formula.tex, formula.display, next_number)
        } else {
            // A `summary:` is shown apart from the article: its formulas take no numbers.
            let mut unused = 1;
            numbering::number(&formula.tex, false, &mut unused)
        };
        for (offset, problem) in &result.problems {
            self.error(formula, *offset, problem.clone());
        }
        for label in &result.labels {
            if let Some(first) = self.labels.get(&label.key) {
                let message = format!(
                    "duplicate label `{}` (first used for equation ({}))",
                    label.key, first.tag
                );
                self.error(formula, label.offset, message);
            } else {
                self.labels.insert(label.key.clone(), label.clone());
            }
        }
        if !formula.display {
            for (offset, warning) in cjk_pitfalls(&formula.tex) {
                self.warning(formula, offset, warning);
            }
        }
        result
    }

    /// Turns a numbered formula's references into links and makes its KaTeX job, unless
    /// something is wrong with it.
    fn link(
        &mut self,
        formula: &Formula,
        result: Numbered,
        macros: &Arc<BTreeMap<String, String>>,
    ) {
        let refs = references::resolve(&result.tex, &self.labels);
        for (offset, key) in &refs.missing {
            let original = result.map.to_original(*offset);
            self.error(
                formula,
                original,
                format!("reference to unknown label `{key}`"),
            );
        }
        let forbidden = refs
            .linked
            .then(|| forbidden_command(formula, &refs, macros))
            .flatten();
        if let Some(command) = forbidden {
            self.refuse_forbidden(formula, command);
        }
        let ok = result.problems.is_empty() && refs.missing.is_empty() && forbidden.is_none();
        let link_only = ok && refs.whole && !formula.display;
        let job = (ok && !link_only)
            .then(|| Job::new(refs.tex, formula.display, refs.linked, self.output, macros));
        let anchors = self.anchors_before(formula, &result);
        self.math.formulas.push(Prepared {
            job,
            anchors,
            links: refs.links,
            link_only,
            row_tags: result.row_tags,
            maps: vec![result.map, refs.map],
            original: formula.tex.clone(),
            offset: formula.offset,
            delimiter_offset: formula.delimiter_offset,
        });
    }

    fn refuse_forbidden(&mut self, formula: &Formula, command: &str) {
        let (at, through) = match formula.tex.find(command) {
            Some(at) => (at, ""),
            None => (
                0,
                " (it comes from a macro or a referenced equation's `\\tag`)",
            ),
        };
        self.error(
            formula,
            at,
            format!(
                "`{command}` cannot share a formula with `\\eqref`/`\\ref`{through}: math is rendered untrusted"
            ),
        );
    }

    /// The ids of the labels this formula was first to take (a duplicate took no id).
    fn anchors_before(&self, formula: &Formula, result: &Numbered) -> Vec<String> {
        if !formula.in_body {
            return Vec::new();
        }
        result
            .labels
            .iter()
            .filter(|l| {
                self.labels
                    .get(&l.key)
                    .is_some_and(|first| first.offset == l.offset && first.tag == l.tag)
            })
            .map(|l| anchor_id(&l.key))
            .collect()
    }

    fn error(&mut self, formula: &Formula, tex_offset: usize, message: String) {
        self.report(formula, tex_offset, message, true);
    }

    fn warning(&mut self, formula: &Formula, tex_offset: usize, message: String) {
        self.report(formula, tex_offset, message, false);
    }

    /// Reports `message` at byte `tex_offset` of the formula's TeX, placed in the file.
    fn report(&mut self, formula: &Formula, tex_offset: usize, message: String, error: bool) {
        let file = self.file;
        let offset = source_offset(file, formula, tex_offset);
        let position = self.lines.position(&file.text, offset);
        let d = if error {
            Diagnostic::error(&file.path, position, message)
        } else {
            Diagnostic::warning(&file.path, position, message)
        };
        self.diagnostics.push(d.with_snippet_at(&file.text, offset));
    }
}

/// Equation links need KaTeX's `trust`, which would also let the author's own `\href` through,
/// in this formula, a macro or a cited equation's `\tag{…}`: such a formula is refused.
/// Elsewhere KaTeX renders these untrusted.
fn forbidden_command(
    formula: &Formula,
    refs: &references::Resolved,
    macros: &BTreeMap<String, String>,
) -> Option<&'static str> {
    FORBIDDEN
        .iter()
        .find(|command| {
            mentions(&formula.tex, command)
                || macros.values().any(|body| mentions(body, command))
                || refs.cited_tags.iter().any(|tag| mentions(tag, command))
        })
        .copied()
}

mod references {
    //! `\eqref{key}` and `\ref{key}` become links to the labelled equation.
    use super::EqLink;
    use super::numbering::Label;
    use super::tex::{braced, control_sequence_end};
    use super::texmap::TexMap;
    use std::collections::BTreeMap;

    pub(super) struct Resolved {
        pub tex: String,
        pub map: TexMap,
        /// Whether a link was inserted (the formula must be rendered with `trust`).
        pub linked: bool,
        /// The tags of the equations linked to, which become TeX of this formula.
        pub cited_tags: Vec<String>,
        /// The links, in order.
        pub links: Vec<EqLink>,
        /// The formula is one resolved reference, with nothing but spaces around it.
        pub whole: bool,
        pub missing: Vec<(usize, String)>,
    }

    pub(super) fn resolve(tex: &str, labels: &BTreeMap<String, Label>) -> Resolved {
        let mut out = Resolved {
            tex: String::with_capacity(tex.len()),
            map: TexMap::default(),
            linked: false,
            cited_tags: Vec::new(),
            links: Vec::new(),
            whole: false,
            missing: Vec::new(),
        };
        let mut copied_to = 0;
        let mut search = 0;
        while let Some(relative) = tex[search..].find('\\') {
            let at = search + relative;
            let after_name = control_sequence_end(tex, at);
            search = after_name;
            let command = &tex[at..after_name];
            if command != "\\eqref" && command != "\\ref" {
                continue;
            }
            let (key, after) = braced(tex, after_name);
            let Some(key) = key else {
                continue;
            };
            search = after;
            let key = key.trim();
            // Only keys that passed the label check are in `labels`: a key reaches the link's
            // URL only when it is known to be safe there.
            let Some(label) = labels.get(key) else {
                out.missing.push((at, key.to_string()));
                continue;
            };
            let text = if command == "\\eqref" {
                format!("({})", label.tag)
            } else {
                label.tag.clone()
            };
            let link = format!(
                "\\href{{#{}}}{{\\text{{{}}}}}",
                super::anchor_id(key),
                escape_text(&text)
            );
            out.tex.push_str(&tex[copied_to..at]);
            out.map.copy(copied_to, at - copied_to);
            out.map.skip(after - at);
            out.map.insert(link.len());
            out.tex.push_str(&link);
            copied_to = after;
            out.linked = true;
            out.cited_tags.push(label.tag.clone());
            out.whole = tex[..at].trim().is_empty() && tex[after..].trim().is_empty();
            out.links.push(EqLink {
                anchor: super::anchor_id(key),
                text,
            });
        }
        out.tex.push_str(&tex[copied_to..]);
        out.map.copy(copied_to, tex.len() - copied_to);
        out
    }

    fn escape_text(text: &str) -> String {
        text.chars()
            .flat_map(|c| {
                if "#$%&_{}".contains(c) {
                    vec!['\\', c]
                } else {
                    vec![c]
                }
            })
            .collect()
    }
}

/// Whether `tex` uses the control sequence `command` (not just a longer one starting with it).
fn mentions(tex: &str, command: &str) -> bool {
    tex.match_indices(command)
        .any(|(at, _)| !tex[at + command.len()..].starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// Inline math that probably is not math: pulldown-cmark pairs any two `$`, so
/// `这本书$5，那本$10` becomes a formula `5，那本`.
fn cjk_pitfalls(tex: &str) -> Vec<(usize, String)> {
    let mut warnings = Vec::new();
    if let Some(at) = tex.find('\n') {
        warnings.push((at, "inline math spans a line break; if the `$` were meant as dollar signs, escape them as `\\$`".to_string()));
    }
    if let Some(at) = cjk_outside_text(tex) {
        warnings.push((at, "inline math holds CJK text outside `\\text{}`; if the `$` were meant as dollar signs, escape them as `\\$`".to_string()));
    }
    warnings
}

fn cjk_outside_text(tex: &str) -> Option<usize> {
    let mut depth_in_text: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut chars = tex.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                let rest = &tex[at + 1..];
                let name: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
                // Label keys are names and `\tag` is text, not math: `\eqref{式:一}` is fine.
                if [
                    "label",
                    "ref",
                    "eqref",
                    "tag",
                    "text",
                    "textrm",
                    "textbf",
                    "textit",
                    "mbox",
                    "textsf",
                    "texttt",
                    "hbox",
                    "textnormal",
                ]
                .contains(&name.as_str())
                {
                    depth_in_text.push(depth + 1);
                }
                for _ in 0..name.chars().count().max(1) {
                    chars.next();
                }
            }
            '{' => depth += 1,
            '}' => {
                if depth_in_text.last() == Some(&depth) {
                    depth_in_text.pop();
                }
                depth = depth.saturating_sub(1);
            }
            c if is_cjk(c) && depth_in_text.is_empty() => return Some(at),
            _ => {}
        }
    }
    None
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x3000..=0x303F | 0xFF00..=0xFFEF | 0xF900..=0xFAFF)
}

/// The compression dictionary is part of every key; hashed once, not once per formula.
fn dictionary_hash() -> &'static [u8; 32] {
    static HASH: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    HASH.get_or_init(|| *blake3::hash(store::DICTIONARY).as_bytes())
}

impl Job {
    fn new(
        tex: String,
        display: bool,
        trust: bool,
        output: MathOutput,
        macros: &Arc<BTreeMap<String, String>>,
    ) -> Job {
        let mut hasher = blake3::Hasher::new();
        hasher.update(katex::KATEX_VERSION.as_bytes());
        hasher.update(dictionary_hash());
        hasher.update(&[0, display as u8, trust as u8]);
        // Each mode has its own entries, so switching modes never serves the other's HTML;
        // the default adds nothing, so caches written before there was a choice stay valid.
        let output_code = match output {
            MathOutput::HtmlAndMathml => None,
            MathOutput::Mathml => Some(1),
            MathOutput::Html => Some(2),
        };
        if let Some(code) = output_code {
            hasher.update(&[b'o', code]);
        }
        hasher.update(&engine::MAX_EXPAND.to_le_bytes());
        for (name, body) in macros.iter() {
            for part in [name, body] {
                hasher.update(&(part.len() as u64).to_le_bytes());
                hasher.update(part.as_bytes());
            }
        }
        hasher.update(&[1]);
        hasher.update(tex.as_bytes());
        Job {
            key: *hasher.finalize().as_bytes(),
            tex,
            display,
            trust,
            output,
            macros: Arc::clone(macros),
        }
    }

    /// KaTeX's answer for this job.
    fn render(&self) -> Result<String, engine::Failure> {
        engine::render(
            &self.tex,
            self.display,
            &self.macros,
            self.trust,
            self.output,
        )
    }
}

/// How the formulas of a build were obtained.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// Different formulas (TeX and options) in the build.
    pub distinct: usize,
    /// Of those, how many the formula cache had.
    pub from_cache: usize,
    /// Of those, how many KaTeX rendered.
    pub rendered: usize,
}

/// KaTeX's answer for every job: each distinct formula once, from the cache when it has it,
/// otherwise rendered on all cores (and added to the cache).
pub(crate) fn render_all<'a>(
    jobs: impl Iterator<Item = &'a Job>,
    cache: Option<&DiskCache>,
) -> (FormulaStore, RenderStats) {
    render_all_told(jobs, cache, &Silent)
}

/// [`render_all`], telling `progress` how many formulas KaTeX has to render, and of each done.
pub(crate) fn render_all_told<'a>(
    jobs: impl Iterator<Item = &'a Job>,
    cache: Option<&DiskCache>,
    progress: &dyn Progress,
) -> (FormulaStore, RenderStats) {
    let mut distinct: BTreeMap<JobKey, &Job> = BTreeMap::new();
    for job in jobs {
        distinct.entry(job.key).or_insert(job);
    }
    let wanted: HashSet<JobKey> = distinct.keys().copied().collect();
    let cached = cache.map(|c| c.load(&wanted)).unwrap_or_default();
    let missing: Vec<&Job> = distinct
        .values()
        .filter(|job| !cached.contains_key(&job.key))
        .copied()
        .collect();
    progress.start(Stage::Formulas, missing.len());
    let fresh: Vec<(JobKey, Result<Compressed, engine::Failure>)> = missing
        .par_iter()
        .map(|job| {
            let result = job.render().map(|html| Compressed::new(&html));
            progress.step();
            (job.key, result)
        })
        .collect();
    if let Some(cache) = cache {
        // A cache that cannot be written or pruned only costs time on the next build.
        let _ = cache.store(
            fresh
                .iter()
                .filter_map(|(key, result)| result.as_ref().ok().map(|c| (key, c))),
        );
        let used_bytes: u64 = cached
            .values()
            .chain(fresh.iter().filter_map(|(_, r)| r.as_ref().ok()))
            .map(|c| c.as_raw().len() as u64)
            .sum();
        let _ = cache.prune(&wanted, used_bytes);
    }
    let stats = RenderStats {
        distinct: distinct.len(),
        from_cache: cached.len(),
        rendered: fresh.len(),
    };
    let mut store = FormulaStore::default();
    for (key, compressed) in cached {
        store.insert(key, Ok(compressed));
    }
    for (key, result) in fresh {
        store.insert(key, result);
    }
    (store, stats)
}

/// Where stitched formulas are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// The site's pages, which load KaTeX's CSS: KaTeX's HTML beside its MathML.
    Site(Mode),
    /// A feed, whose readers load no KaTeX CSS and would show KaTeX's HTML as a second, broken
    /// copy of each formula: the MathML alone, with the equation numbers it leaves out.
    Feed(Mode),
}

impl From<Mode> for Place {
    fn from(mode: Mode) -> Place {
        Place::Site(mode)
    }
}

/// Replaces the placeholders of `html` with rendered formulas.
pub(crate) fn stitch(
    html: &str,
    math: &ArticleMath,
    rendered: &FormulaStore,
    place: impl Into<Place>,
    url: &str,
) -> String {
    let mut out = String::with_capacity(html.len() * 2);
    stitch_into(&mut out, html, math, rendered, place, url);
    out
}

/// [`stitch`], appending to `out`: a page is assembled in one buffer, not copied from another.
pub(crate) fn stitch_into(
    out: &mut String,
    html: &str,
    math: &ArticleMath,
    rendered: &FormulaStore,
    place: impl Into<Place>,
    url: &str,
) {
    let place = place.into();
    let mut rest = html;
    while let Some(open) = rest.find('\0') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('\0') else { break };
        let index: Option<usize> = after[..close].parse().ok();
        if let Some(prepared) = index.and_then(|i| math.formulas.get(i)) {
            push_formula(out, prepared, rendered, place, url);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

fn push_formula(
    out: &mut String,
    prepared: &Prepared,
    rendered: &FormulaStore,
    place: Place,
    url: &str,
) {
    let (mode, feed) = match place {
        Place::Site(mode) => (mode, false),
        Place::Feed(mode) => (mode, true),
    };
    if mode == Mode::Page {
        for anchor in &prepared.anchors {
            out.push_str(&format!(
                "<span id=\"{anchor}\" class=\"eq-anchor\"></span>"
            ));
        }
    }
    // In-page links of an excerpt go to the article's page.
    let page = if mode == Mode::Excerpt { url } else { "" };
    if prepared.link_only {
        push_links(out, &prepared.links, page);
        return;
    }
    let job = prepared.job.as_ref();
    let found = job.and_then(|job| Some((job, rendered.html(&job.key)?)));
    match found {
        Some((_, html)) if feed => push_mathml(out, &html, &prepared.row_tags),
        Some((job, html)) => {
            let shown = for_pages(&html, job.output, &prepared.row_tags);
            // MathML's links are real HTML links already; only KaTeX's HTML half hides them.
            let hidden_links = match job.output {
                MathOutput::Mathml => &[][..],
                _ => &prepared.links[..],
            };
            push_katex(out, &shown, hidden_links, page);
        }
        None => {
            // A failed formula stays readable as its source; the build fails anyway.
            out.push_str("<code class=\"math-error\">");
            let _ = pulldown_cmark_escape::escape_html(&mut *out, &prepared.original);
            out.push_str("</code>");
        }
    }
}

/// What a page shows of KaTeX's `html` in `output` mode. `htmlAndMathml`: all of it. `html`:
/// the HTML half alone, which is what KaTeX's `output: "html"` gives (the MathML half was
/// rendered for the feed). `mathml`: the MathML with its equation numbers and links made real,
/// as no KaTeX CSS fills them in.
fn for_pages<'h>(html: &'h str, output: MathOutput, row_tags: &[String]) -> Cow<'h, str> {
    match output {
        MathOutput::HtmlAndMathml => Cow::Borrowed(html),
        MathOutput::Html => Cow::Owned(without_mathml(html)),
        MathOutput::Mathml => {
            let mut out = String::with_capacity(html.len() + 64);
            push_with_row_tags(&mut out, html, row_tags);
            Cow::Owned(mathml_links(&out))
        }
    }
}

/// `html` without KaTeX's `<span class="katex-mathml">…</span>`.
fn without_mathml(html: &str) -> String {
    const OPEN: &str = "<span class=\"katex-mathml\">";
    const CLOSE: &str = "</math></span>";
    let Some(start) = html.find(OPEN) else {
        return html.to_string();
    };
    match html[start..].find(CLOSE) {
        Some(end) => format!("{}{}", &html[..start], &html[start + end + CLOSE.len()..]),
        None => html.to_string(),
    }
}

/// KaTeX writes a link around text as `<mtext href="…">`, which browsers following MathML Core
/// ignore; the links lemma makes (`\eqref`, `\ref`) become HTML links inside the `<mtext>`.
fn mathml_links(math: &str) -> String {
    const OPEN: &str = "<mtext href=\"";
    let mut out = String::with_capacity(math.len() + 16);
    let mut rest = math;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len()..];
        let link = after.split_once("\">").and_then(|(href, inner)| {
            let (text, tail) = inner.split_once("</mtext>")?;
            (!href.contains('<') && !text.contains('<')).then_some((href, text, tail))
        });
        match link {
            Some((href, text, tail)) => {
                out.push_str(&format!("<mtext><a href=\"{href}\">{text}</a></mtext>"));
                rest = tail;
            }
            None => {
                out.push_str(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// KaTeX's `html` on a page of the site, made usable without a mouse:
/// - a display formula wider than the page scrolls sideways in its own box (style.css), so
///   the box takes keyboard focus;
/// - KaTeX's equation links in its `aria-hidden` half (`links`, empty for MathML, whose links
///   are reachable as they are) are kept for the mouse but taken out of the tab order, and
///   written again after the formula (shown when focused) for keyboards and screen readers.
fn push_katex(out: &mut String, html: &str, links: &[EqLink], page: &str) {
    const DISPLAY: &str = "<span class=\"katex-display\"><span class=\"katex\">";
    let html = match html.strip_prefix(DISPLAY) {
        Some(rest) => {
            out.push_str("<span class=\"katex-display\"><span class=\"katex\" tabindex=\"0\">");
            rest
        }
        None => html,
    };
    // Only a formula with an equation link has one to point at the page; most have none.
    let html = if page.is_empty() || !html.contains("href=\"#eq-") {
        Cow::Borrowed(html)
    } else {
        Cow::Owned(html.replace("href=\"#eq-", &format!("href=\"{page}#eq-")))
    };
    if links.is_empty() {
        out.push_str(&html);
        return;
    }
    out.push_str(&html.replace("<a href=", "<a tabindex=\"-1\" href="));
    out.push_str("<span class=\"eqref-keys\">");
    push_links(out, links, page);
    out.push_str("</span>");
}

/// `links` as HTML links, one after another; `page` is put before each `#anchor`.
fn push_links(out: &mut String, links: &[EqLink], page: &str) {
    for link in links {
        out.push_str("<a class=\"eqref\" href=\"");
        let _ = pulldown_cmark_escape::escape_href(&mut *out, page);
        out.push('#');
        let _ = pulldown_cmark_escape::escape_html(&mut *out, &link.anchor);
        out.push_str("\">");
        let _ = pulldown_cmark_escape::escape_html(&mut *out, &link.text);
        out.push_str("</a>");
    }
}

/// The `<math>` element of KaTeX's `html`, with `row_tags` in the equation-number cells its
/// MathML leaves empty; all of `html` when it holds no `<math>`.
fn push_mathml(out: &mut String, html: &str, row_tags: &[String]) {
    let Some(start) = html.find("<math") else {
        out.push_str(html);
        return;
    };
    let end = html[start..]
        .find("</math>")
        .map_or(html.len(), |end| start + end + "</math>".len());
    push_with_row_tags(out, &html[start..end], row_tags);
}

/// `math` with `row_tags` in the equation-number cells KaTeX's MathML leaves empty. The cells
/// are filled only when there is one tag for each, so a number never lands on the wrong row.
fn push_with_row_tags(out: &mut String, math: &str, row_tags: &[String]) {
    const EMPTY_NUMBER: &str = "<mtd class =\"mml-eqn-num\"></mtd>";
    let cells = if row_tags.is_empty() {
        0
    } else {
        math.matches(EMPTY_NUMBER).count()
    };
    if cells == 0 || cells != row_tags.len() {
        out.push_str(math);
        return;
    }
    for (i, piece) in math.split(EMPTY_NUMBER).enumerate() {
        if i > 0 {
            out.push_str("<mtd><mtext>");
            let _ = pulldown_cmark_escape::escape_html(&mut *out, &row_tags[i - 1]);
            out.push_str("</mtext></mtd>");
        }
        out.push_str(piece);
    }
}

/// Reports KaTeX's rejections at the formulas' places in the file.
pub(crate) fn report_failures(
    file: &SourceFile,
    math: &ArticleMath,
    rendered: &FormulaStore,
    diagnostics: &mut Diagnostics,
) {
    let lines = LineIndex::new(&file.text);
    let failures = math.formulas.iter().filter_map(|prepared| {
        let job = prepared.job.as_ref()?;
        let failure = rendered.failure(&job.key)?;
        let edited = failure.position.map(|p| engine::byte_offset(&job.tex, p));
        let original = edited.map(|e| {
            prepared
                .maps
                .iter()
                .rev()
                .fold(e, |at, map| map.to_original(at))
        });
        let offset = original
            .and_then(|at| file_offset(&file.text, prepared.offset, &prepared.original, at))
            .unwrap_or(prepared.delimiter_offset);
        let position = lines.position(&file.text, offset);
        let message = format!("KaTeX: {}", failure.message);
        Some(Diagnostic::error(&file.path, position, message).with_snippet_at(&file.text, offset))
    });
    diagnostics.extend(failures);
}

/// File offset of `tex_offset` in `formula`.
fn source_offset(file: &SourceFile, formula: &Formula, tex_offset: usize) -> usize {
    file_offset(&file.text, formula.offset, &formula.tex, tex_offset)
        .unwrap_or(formula.delimiter_offset)
}

/// File offset of byte `tex_offset` of a formula's TeX, which starts at `start` in `text`.
/// In a list or a blockquote, pulldown-cmark hands over the TeX without the indentation and
/// `>` markers of its continuation lines: the TeX is walked along the file, skipping those.
fn file_offset(text: &str, start: usize, tex: &str, tex_offset: usize) -> Option<usize> {
    let mut source = text.get(start..)?.char_indices();
    let mut last = 0;
    for (tex_byte, tex_char) in tex.char_indices() {
        let position = loop {
            let (byte, c) = source.next()?;
            if c == tex_char {
                break byte;
            }
            if !matches!(c, ' ' | '\t' | '>' | '\r') {
                return None;
            }
        };
        if tex_byte >= tex_offset {
            return Some(start + position);
        }
        last = position + tex_char.len_utf8();
    }
    Some(start + last)
}

/// Renders one formula exactly as it would appear on a page of an article holding only it.
/// For tools and tests; the pipeline renders a whole site's formulas at once.
pub fn render_standalone(
    tex: &str,
    display: bool,
    macros: &BTreeMap<String, String>,
) -> Result<String, String> {
    render_standalone_as(tex, display, macros, MathOutput::default())
}

/// [`render_standalone`] with `math.output` set to `output`.
pub fn render_standalone_as(
    tex: &str,
    display: bool,
    macros: &BTreeMap<String, String>,
    output: MathOutput,
) -> Result<String, String> {
    let file = SourceFile::new("formula".into(), "formula.md".into(), tex.to_string());
    let formula = Formula {
        tex: tex.to_string(),
        display,
        offset: 0,
        delimiter_offset: 0,
        in_body: true,
    };
    let mut problems = Diagnostics::new();
    let math = prepare(
        &file,
        std::slice::from_ref(&formula),
        &MathConfig {
            output,
            ..MathConfig::default()
        },
        macros,
        &mut problems,
    );
    if let Some(problem) = problems.iter().find(|d| d.is_error()) {
        return Err(problem.message.clone());
    }
    let (store, _) = render_all(math.formulas.iter().filter_map(|f| f.job.as_ref()), None);
    let mut failures = Diagnostics::new();
    report_failures(&file, &math, &store, &mut failures);
    if let Some(failure) = failures.into_iter().next() {
        return Err(failure.message);
    }
    Ok(stitch(
        &crate::markdown::placeholder(0),
        &math,
        &store,
        Mode::Page,
        "",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_inside_a_blockquote_skip_the_markers() {
        let text = "> $$\n> a +\n> \\xyz\n> $$\n";
        let tex = "\na +\n\\xyz\n";
        let start = text.find("$$").unwrap() + 2;
        let at = file_offset(text, start, tex, tex.find("\\xyz").unwrap()).unwrap();
        assert_eq!(&text[at..at + 4], "\\xyz");
    }

    const NUMBERED: &str = "<span class=\"katex\"><span class=\"katex-mathml\"><math display=\"block\"><mtr><mtd>a</mtd><mtd class =\"mml-eqn-num\"></mtd></mtr></math></span><span class=\"katex-html\" aria-hidden=\"true\">a(1)</span></span>";

    fn mathml(html: &str, row_tags: &[&str]) -> String {
        let mut out = String::new();
        let tags: Vec<String> = row_tags.iter().map(|t| t.to_string()).collect();
        push_mathml(&mut out, html, &tags);
        out
    }

    #[test]
    fn feeds_take_the_mathml_alone_with_its_numbers() {
        assert_eq!(
            mathml(NUMBERED, &["(1<)"]),
            "<math display=\"block\"><mtr><mtd>a</mtd><mtd><mtext>(1&lt;)</mtext></mtd></mtr></math>"
        );
    }

    #[test]
    fn numbers_that_do_not_match_the_cells_are_left_out() {
        assert_eq!(
            mathml(NUMBERED, &["(1)", "(2)"]),
            "<math display=\"block\"><mtr><mtd>a</mtd><mtd class =\"mml-eqn-num\"></mtd></mtr></math>"
        );
        assert_eq!(mathml("<b>no math</b>", &[]), "<b>no math</b>");
    }

    #[test]
    fn html_pages_drop_the_mathml_half() {
        assert_eq!(
            without_mathml(NUMBERED),
            "<span class=\"katex\"><span class=\"katex-html\" aria-hidden=\"true\">a(1)</span></span>"
        );
        assert_eq!(without_mathml("<b>x</b>"), "<b>x</b>");
    }

    #[test]
    fn mathml_pages_get_numbers_and_html_links() {
        let mathml = "<span class=\"katex\"><math><mtr><mtd>a</mtd><mtd class =\"mml-eqn-num\"></mtd></mtr><mtext href=\"#eq-k\">(1)</mtext></math></span>";
        let page = for_pages(mathml, MathOutput::Mathml, &["(1)".to_string()]);
        assert_eq!(
            page,
            "<span class=\"katex\"><math><mtr><mtd>a</mtd><mtd><mtext>(1)</mtext></mtd></mtr><mtext><a href=\"#eq-k\">(1)</a></mtext></math></span>"
        );
        // Anything else KaTeX made stays as it was.
        let odd = "<mtext href=\"#x\"><b>y</b></mtext><mtext href=\"#z";
        assert_eq!(mathml_links(odd), odd);
    }

    #[test]
    fn offsets_give_up_when_the_tex_is_not_in_the_file() {
        assert_eq!(file_offset("$a$", 1, "b", 0), None);
    }
}
