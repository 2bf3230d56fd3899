//! WordPress exports (WXR, which Typecho and most blog engines also write): each post and
//! page becomes an article with its id, date, slug, categories, tags and draft status, its
//! old URL as an alias, and its HTML as Markdown (htmd). Formulas written as `$…$`, `\(…\)`,
//! `\[…\]`, `$$…$$`, `[latex]…[/latex]` or `$latex …$` are set aside before the conversion, so
//! that no escaping touches them, and come back as lemma's `$…$` and `$$…$$`. Images are
//! listed for download; shortcodes and what else cannot be converted are reported at the
//! line of their item.

use std::collections::BTreeSet;

use roxmltree::{Document, Node};

use super::{Front, Import};
use crate::diagnostics::{Diagnostic, LineIndex, Position};
use crate::permalink::slugify;

/// The namespaces of the WordPress elements (`…/export/1.2/`; older exports say 1.0 or 1.1).
const WP: &str = "http://wordpress.org/export/";
const CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";
const EXCERPT: &str = "http://wordpress.org/export/1.2/excerpt/";

/// WordPress shortcodes that have no Markdown; they are reported and left as text.
const SHORTCODES: [&str; 9] = [
    "caption",
    "gallery",
    "embed",
    "audio",
    "video",
    "playlist",
    "code",
    "sourcecode",
    "contact-form",
];

/// Converts the WXR document `text`, the file shown as `shown`.
pub(crate) fn import(shown: &str, text: &str) -> Import {
    let mut import = Import::default();
    let doc = match Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let at = e.pos();
            let message = format!("not a readable WordPress export (XML): {e}");
            let position = Position::new(at.row as usize, at.col as usize);
            import
                .problems
                .push(Diagnostic::error(shown, position, message).with_snippet(text));
            return import;
        }
    };
    let mut reader = Reader {
        shown,
        text,
        lines: LineIndex::new(text),
        taken: BTreeSet::new(),
        downloads: BTreeSet::new(),
    };
    for item in doc.descendants().filter(|n| n.has_tag_name("item")) {
        reader.item(item, &mut import);
    }
    import.downloads = reader.downloads.into_iter().collect();
    import.files.sort_by(|a, b| a.path.cmp(&b.path));
    import
}

/// The text of `node`'s child named `name` in a namespace starting with `namespace` (`""`
/// for none).
fn child_text<'a>(node: Node<'a, '_>, namespace: &str, name: &str) -> Option<&'a str> {
    node.children()
        .find(|c| {
            c.tag_name().name() == name
                && match c.tag_name().namespace() {
                    Some(ns) => !namespace.is_empty() && ns.starts_with(namespace),
                    None => namespace.is_empty(),
                }
        })
        .and_then(|c| c.text())
        .map(str::trim)
}

struct Reader<'t> {
    shown: &'t str,
    text: &'t str,
    lines: LineIndex,
    /// Paths already planned, so that two slugs never share a file.
    taken: BTreeSet<String>,
    downloads: BTreeSet<String>,
}

impl Reader<'_> {
    fn position(&self, node: Node) -> Position {
        self.lines.position(self.text, node.range().start)
    }

    fn warn(&self, import: &mut Import, node: Node, message: String) {
        let d = Diagnostic::warning(self.shown, self.position(node), message);
        import.problems.push(d.with_snippet(self.text));
    }

    fn item(&mut self, item: Node, import: &mut Import) {
        let kind = child_text(item, WP, "post_type").unwrap_or("post");
        let status = child_text(item, WP, "status").unwrap_or("publish");
        let title = child_text(item, "", "title").unwrap_or("");
        if kind == "attachment" {
            if let Some(url) = child_text(item, WP, "attachment_url") {
                self.downloads.insert(url.to_string());
            }
            return;
        }
        if kind != "post" && kind != "page" {
            let message =
                format!("`{title}` is a WordPress `{kind}`, not a post or a page: not converted");
            return self.warn(import, item, message);
        }
        if status == "trash" {
            let message = format!("`{title}` is in the trash: not converted");
            return self.warn(import, item, message);
        }
        let (front, path) = self.front(item, kind, status);
        let html = child_text(item, CONTENT, "encoded").unwrap_or("");
        for name in shortcodes(html) {
            let message =
                format!("the shortcode `[{name}]` in `{title}` has no Markdown: left as text");
            self.warn(import, item, message);
        }
        self.downloads.extend(images(html));
        let body = to_markdown(html);
        import.add_article(path, format!("{}{body}\n", front.to_yaml()));
    }

    /// The front matter of `item`, and the file it goes to.
    fn front(&mut self, item: Node, kind: &str, status: &str) -> (Front, String) {
        let id = child_text(item, WP, "post_id").and_then(|id| id.parse::<u64>().ok());
        let date = child_text(item, WP, "post_date").filter(|d| !d.starts_with("0000"));
        let name = child_text(item, WP, "post_name").unwrap_or("");
        let slug = percent_encoding::percent_decode_str(name)
            .decode_utf8_lossy()
            .to_string();
        let mut front = Front {
            title: child_text(item, "", "title").map(str::to_owned),
            date: date.map(str::to_owned),
            id,
            slug: Some(slug.clone()).filter(|s| !s.is_empty()),
            draft: status != "publish",
            ..Front::default()
        };
        for term in item.children().filter(|c| c.has_tag_name("category")) {
            let Some(name) = term.text().map(str::trim).filter(|n| !n.is_empty()) else {
                continue;
            };
            match term.attribute("domain") {
                Some("post_tag") => front.tags.push(name.to_string()),
                Some("category") => front.categories.push(vec![name.to_string()]),
                _ => {}
            }
        }
        if let Some(excerpt) = child_text(item, EXCERPT, "encoded").filter(|e| !e.is_empty()) {
            front.summary = Some(to_markdown(excerpt).trim().to_string());
        }
        if let Some(old) = child_text(item, "", "link").and_then(old_path) {
            front.aliases.push(old);
        }
        let path = self.file_for(kind, date, &slug, id);
        (front, path)
    }

    /// `content/2020/fourier-series.md`, `content/pages/about.md`; never a path taken.
    fn file_for(&mut self, kind: &str, date: Option<&str>, slug: &str, id: Option<u64>) -> String {
        let folder = match kind {
            "page" => "pages",
            _ => date.and_then(|d| d.get(..4)).unwrap_or("undated"),
        };
        let id = id.map_or_else(|| "post".to_string(), |id| id.to_string());
        let stem = Some(slugify(slug))
            .filter(|s| !s.is_empty())
            .unwrap_or(id.clone());
        let mut path = format!("content/{folder}/{stem}.md");
        if self.taken.contains(&path) {
            path = format!("content/{folder}/{stem}-{id}.md");
        }
        self.taken.insert(path.clone());
        path
    }
}

/// The path of an old URL, for an alias: `https://x.org/2020/01/a/` → `/2020/01/a/`. A URL
/// that only says `?p=12` has no path of its own.
fn old_path(link: &str) -> Option<String> {
    let url = url::Url::parse(link).ok()?;
    (url.path() != "/" && url.query().is_none()).then(|| url.path().to_string())
}

/// The names of the shortcodes `html` uses, in order, each once.
fn shortcodes(html: &str) -> Vec<&'static str> {
    SHORTCODES
        .iter()
        .filter(|name| html.contains(&format!("[{name} ")) || html.contains(&format!("[{name}]")))
        .copied()
        .collect()
}

/// The absolute `src` of every `<img>`.
fn images(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        rest = &rest[at + 4..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        let src = tag.split_once("src=").and_then(|(_, value)| {
            let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            value[1..].split(quote).next()
        });
        if let Some(src) = src.filter(|s| s.starts_with("http")) {
            found.push(src.to_string());
        }
    }
    found
}

/// A formula set aside while the HTML becomes Markdown.
struct Formula {
    tex: String,
    display: bool,
}

/// What the placeholder of a formula starts with.
const PLACEHOLDER: &str = "LEMMAFORMULA";

/// The placeholder for formula `index`: letters and digits, which no Markdown escaping touches.
fn placeholder(index: usize) -> String {
    format!("{PLACEHOLDER}{index}X")
}

/// `markdown` with each placeholder replaced by its formula in lemma's syntax, in one pass.
fn restore_formulas(markdown: &str, formulas: &[Formula]) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find(PLACEHOLDER) {
        out.push_str(&rest[..at]);
        let after = &rest[at + PLACEHOLDER.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let formula = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|_| after[digits..].starts_with('X'))
            .and_then(|index| formulas.get(index));
        match formula {
            Some(formula) => {
                let tex = unescape(formula.tex.trim());
                match formula.display {
                    true => out.push_str(&format!("$${tex}$$")),
                    false => out.push_str(&format!("${tex}$")),
                }
                rest = &after[digits + 1..];
            }
            None => {
                out.push_str(PLACEHOLDER);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// WordPress's HTML (paragraphs as blank lines when it has no `<p>`) as Markdown, formulas as
/// lemma's.
pub(crate) fn to_markdown(html: &str) -> String {
    let html = if html.contains("<p") || html.contains("<div") {
        html.to_string()
    } else {
        paragraphs(html)
    };
    let (protected, formulas) = set_aside(&html);
    let markdown = htmd::convert(&protected).unwrap_or(protected);
    // A dollar that is no formula stays a dollar in lemma.
    let markdown = markdown.replace('$', "\\$");
    restore_formulas(&markdown, &formulas).trim().to_string()
}

/// Text whose paragraphs are separated by blank lines, as `<p>` elements (WordPress adds
/// them only when it shows a post).
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{p}</p>\n"))
        .collect()
}

/// The delimiters of formulas: (opening, closing, display). Longer openings first.
const DELIMITERS: [(&str, &str, bool); 6] = [
    ("[latex]", "[/latex]", false),
    ("$latex ", "$", false),
    ("$$", "$$", true),
    ("\\[", "\\]", true),
    ("\\(", "\\)", false),
    ("$", "$", false),
];

/// `html` with each formula replaced by its placeholder, and the formulas.
fn set_aside(html: &str) -> (String, Vec<Formula>) {
    let mut out = String::with_capacity(html.len());
    let mut formulas = Vec::new();
    let mut rest = html;
    while let Some((start, (open, close, display))) = next_opening(rest) {
        let after = &rest[start + open.len()..];
        let end = after.find(close).filter(|&end| {
            let tex = &after[..end];
            *open != "$" || is_single_dollar_formula(tex, &after[end + 1..])
        });
        let Some(end) = end else {
            out.push_str(&rest[..start + open.len()]);
            rest = after;
            continue;
        };
        out.push_str(&rest[..start]);
        out.push_str(&placeholder(formulas.len()));
        formulas.push(Formula {
            tex: after[..end].to_string(),
            display: *display,
        });
        rest = &after[end + close.len()..];
    }
    out.push_str(rest);
    (out, formulas)
}

/// The first formula opening in `text`, with its delimiters.
fn next_opening(text: &str) -> Option<(usize, &'static (&'static str, &'static str, bool))> {
    DELIMITERS
        .iter()
        .filter_map(|d| text.find(d.0).map(|at| (at, d)))
        .min_by_key(|(at, d)| (*at, std::cmp::Reverse(d.0.len())))
}

/// Pandoc's rule for `$…$`: no space just inside the dollars, no digit just after, one
/// line: `$5 and $10` is no formula.
fn is_single_dollar_formula(tex: &str, after: &str) -> bool {
    !tex.is_empty()
        && !tex.starts_with(char::is_whitespace)
        && !tex.ends_with(char::is_whitespace)
        && !tex.contains('\n')
        && !after.starts_with(|c: char| c.is_ascii_digit())
}

/// The HTML entities a formula may hold, as the characters they stand for.
fn unescape(tex: &str) -> String {
    tex.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_survive_the_conversion() {
        let html = "<p>Sum \\(a_1 + b_*\\) and $c_n$ and $latex x^2$, then</p><p>\\[ \\int_0^1 f &lt; 1 \\]</p><p>Costs $5 and $10.</p>";
        let markdown = to_markdown(html);
        assert_contains(&markdown, "Sum $a_1 + b_*$ and $c_n$ and $x^2$, then");
        assert_contains(&markdown, "$$\\int_0^1 f < 1$$");
        assert_contains(&markdown, "Costs \\$5 and \\$10.");
    }

    #[test]
    fn text_without_paragraph_tags_gets_paragraphs() {
        let markdown = to_markdown("One $$x$$.\n\nTwo [latex]y[/latex].");
        assert_eq!(markdown, "One $$x$$.\n\nTwo $y$.");
    }

    #[test]
    fn eleven_formulas_each_come_back_in_place() {
        let html: String = (0..11)
            .map(|i| format!("<p>F{i} $x_{{{i}}}$.</p>"))
            .collect();
        let markdown = to_markdown(&html);
        for i in 0..11 {
            assert_contains(&markdown, &format!("F{i} $x_{{{i}}}$."));
        }
        assert!(!markdown.contains(PLACEHOLDER), "{markdown}");
        // Text that only looks like a placeholder is left as it is.
        assert_eq!(
            restore_formulas("LEMMAFORMULA7 and LEMMAFORMULA9X", &[]),
            "LEMMAFORMULA7 and LEMMAFORMULA9X"
        );
    }

    fn assert_contains(haystack: &str, needle: &str) {
        assert!(haystack.contains(needle), "{needle:?} not in {haystack:?}");
    }

    #[test]
    fn old_urls_keep_their_path() {
        assert_eq!(
            old_path("https://x.org/2020/01/a/").as_deref(),
            Some("/2020/01/a/")
        );
        assert_eq!(old_path("https://x.org/?p=30"), None);
    }
}
