//! What an article page offers readers beyond its text, as template views: the table of
//! contents, the citation block (plain text and BibTeX), the backlinks and the reading time.
//! Each is `None` (or empty) when switched off under `reader:` in `lemma.yaml`.

use serde::Serialize;

use super::view::LinkView;
use crate::site::{Article, Site};

/// Fewer headings than this make no table of contents.
const TOC_MIN_HEADINGS: usize = 3;

/// One line of the table of contents.
#[derive(Serialize)]
pub(crate) struct TocEntry<'a> {
    /// The heading's level, 1 to 6.
    pub level: u8,
    /// How far it is indented: 0 for the article's highest heading level.
    pub depth: u8,
    pub id: &'a str,
    pub text: &'a str,
}

/// The table of contents of `article`, if it gets one: at least three headings, not switched
/// off by its front matter (`toc: false`) or, unless the front matter asks for one, the config.
pub(crate) fn toc<'a>(site: &Site, article: &'a Article) -> Option<Vec<TocEntry<'a>>> {
    let wanted = article.toc.unwrap_or(site.config.reader.toc);
    if !wanted || article.headings.len() < TOC_MIN_HEADINGS {
        return None;
    }
    let top = article.headings.iter().map(|h| h.level).min().unwrap_or(1);
    Some(
        article
            .headings
            .iter()
            .map(|h| TocEntry {
                level: h.level,
                depth: h.level - top,
                id: &h.id,
                text: &h.text,
            })
            .collect(),
    )
}

/// How to cite an article.
#[derive(Serialize)]
pub(crate) struct CitationView {
    /// The front matter's `author`, else the site's.
    pub author: String,
    /// A plain-text reference: author, date, title, site, URL.
    pub text: String,
    /// The BibTeX key: stable, and unique in the site.
    pub key: String,
    /// An `@online` entry with author, title, date, url and urldate.
    pub bibtex: String,
}

/// The citation block of article `index`, unless citations are switched off.
pub(crate) fn citation(site: &Site, index: usize) -> Option<CitationView> {
    if !site.config.reader.citation {
        return None;
    }
    let article = &site.articles[index];
    let author = article
        .author
        .clone()
        .unwrap_or_else(|| site.config.author.clone());
    let url = site.permalink(&article.path);
    let date = article.date.map(|d| d.format("%Y-%m-%d").to_string());
    // The day the page last changed: a build on another day must give the same bytes.
    let seen = article
        .updated
        .max(article.date)
        .map(|d| d.format("%Y-%m-%d").to_string());
    let mut text = String::new();
    if !author.is_empty() {
        text.push_str(&format!("{author}. "));
    }
    if let Some(date) = &date {
        text.push_str(&format!("({date}). "));
    }
    text.push_str(&format!("{}. {}. {url}", article.title, site.config.title));
    let key = citation_key(site, article);
    let mut fields = vec![
        ("author", tex_text(&author)),
        ("title", format!("{{{}}}", tex_title(&article.title))),
    ];
    fields.extend(date.map(|d| ("date", d)));
    fields.push(("url", url));
    fields.extend(seen.map(|d| ("urldate", d)));
    let mut bibtex = format!("@online{{{key},\n");
    for (name, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        bibtex.push_str(&format!("  {name:<7} = {{{value}}},\n"));
    }
    bibtex.push('}');
    Some(CitationView {
        author,
        text,
        key,
        bibtex,
    })
}

/// `host-id` (`example-9785`) from the site's host and the article's id; an article without
/// an id gets a hash of its page path instead, unique as the path is.
fn citation_key(site: &Site, article: &Article) -> String {
    let host = site.config.base_url.host_str().unwrap_or("");
    let label: String = host
        .trim_start_matches("www.")
        .split('.')
        .next()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let label = if label.is_empty() {
        "lemma".into()
    } else {
        label
    };
    match article.id {
        Some(id) => format!("{label}-{id}"),
        None => {
            let hash = xxhash_rust::xxh3::xxh3_64(article.path.as_str().as_bytes());
            format!("{label}-{:08x}", hash as u32)
        }
    }
}

/// `text` as TeX text: the characters TeX gives a meaning to are escaped.
pub(crate) fn tex_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '$' | '&' | '%' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\~{}"),
            _ => out.push(c),
        }
    }
    out
}

/// A title as TeX: text escaped, and each `$…$` formula kept as TeX when the title's dollars
/// pair up and each formula's braces balance (else the dollars are text too).
pub(crate) fn tex_title(title: &str) -> String {
    let parts: Vec<&str> = title.split('$').collect();
    let formulas_ok = parts.len() % 2 == 1
        && parts
            .iter()
            .skip(1)
            .step_by(2)
            .all(|f| !f.is_empty() && braces_balance(f));
    if !formulas_ok {
        return tex_text(title);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| match i % 2 {
            0 => tex_text(part),
            _ => format!("${part}$"),
        })
        .collect()
}

/// Whether the unescaped braces of TeX `formula` pair up.
fn braces_balance(formula: &str) -> bool {
    let mut depth = 0usize;
    let mut escaped = false;
    for c in formula.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => depth += 1,
            '}' if depth == 0 => return false,
            '}' => depth -= 1,
            _ => {}
        }
    }
    depth == 0
}

/// The articles linking to article `index`, newest first, unless backlinks are switched off.
pub(crate) fn backlinks(site: &Site, index: usize) -> Vec<LinkView<'_>> {
    if !site.config.reader.backlinks {
        return Vec::new();
    }
    site.backlinks
        .get(index)
        .map(|sources| {
            sources
                .iter()
                .map(|&i| LinkView::article(site, &site.articles[i]))
                .collect()
        })
        .unwrap_or_default()
}

/// An article's length and reading time.
#[derive(Serialize)]
pub(crate) struct LengthView {
    /// CJK characters plus Latin words: what a Chinese reader calls the number of 字.
    pub chars: usize,
    pub cjk: usize,
    pub words: usize,
    pub minutes: usize,
    /// `ui.reading_time` filled in.
    pub label: String,
}

/// The length of article `index`, unless reading time is switched off.
pub(crate) fn length(site: &Site, index: usize) -> Option<LengthView> {
    if !site.config.reader.reading_time {
        return None;
    }
    let length = site.articles[index].length;
    let (chars, minutes) = (length.count(), length.minutes());
    let label = site
        .config
        .ui
        .reading_time
        .replace("{chars}", &chars.to_string())
        .replace("{minutes}", &minutes.to_string());
    Some(LengthView {
        chars,
        cjk: length.cjk,
        words: length.words,
        minutes,
        label,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tex_text_escapes_every_special_character() {
        assert_eq!(
            tex_text(r"50% of {a_b} & #1 costs $2 ~ x^2 \ y"),
            r"50\% of \{a\_b\} \& \#1 costs \$2 \~{} x\^{}2 \textbackslash{} y"
        );
        assert_eq!(tex_text("随机投影与 JL 引理"), "随机投影与 JL 引理");
    }

    #[test]
    fn formulas_in_titles_stay_tex_and_the_rest_is_escaped() {
        assert_eq!(
            tex_title(r"Why divide by $\sqrt{d}$ & not 100%"),
            r"Why divide by $\sqrt{d}$ \& not 100\%"
        );
        // Unpaired dollars, or a formula whose braces do not pair, are text.
        assert_eq!(tex_title("costs $5"), r"costs \$5");
        assert_eq!(tex_title("a $x}$ b"), r"a \$x\}\$ b");
        assert_eq!(tex_title("$$"), r"\$\$");
    }
}
