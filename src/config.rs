//! `lemma.yaml`: read as a strict raw shape, then validated into [`Config`].
//!
//! The raw shape denies unknown keys (a typo like `paginte:` must not be silently ignored);
//! free-form data belongs under `extra:`. Everything after this module sees parsed values only:
//! a URL with a known base path, a compiled permalink pattern, a fixed UTC offset.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::FixedOffset;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::content::xml_chars;
use crate::diagnostics::{Diagnostic, LineIndex, Position};
use crate::permalink::Permalink;

pub(crate) const CONFIG_FILE: &str = "lemma.yaml";

/// lemma's own folder in a site: rendered formulas, what each output folder holds, locks.
pub(crate) const CACHE_DIR: &str = ".lemma-cache";

/// The cache folder of the site at `root`.
pub(crate) fn cache_dir(root: &Path) -> PathBuf {
    root.join(CACHE_DIR)
}

/// The formula cache of the site at `root`, shared by `build`, `check` and `serve`.
pub(crate) fn formula_cache_dir(root: &Path) -> PathBuf {
    cache_dir(root).join("katex")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_permalink")]
    permalink: String,
    #[serde(default = "default_paginate")]
    paginate: usize,
    #[serde(default = "default_feed_limit")]
    feed_limit: usize,
    #[serde(default = "default_timezone")]
    timezone: String,
    #[serde(default)]
    ui: Ui,
    #[serde(default)]
    math: MathConfig,
    #[serde(default)]
    compat: Compat,
    #[serde(default)]
    reader: Reader,
    #[serde(default)]
    extra: Option<serde_json::Value>,
}

/// How to read what other generators write where they disagree with each other.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Compat {
    /// How a flat list `categories: [Diary, Life]` reads.
    pub category_lists: CategoryLists,
    /// kramdown's `$$…$$` inside a sentence is inline math (Jekyll archives).
    pub kramdown_inline_math: bool,
}

/// How a flat category list reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CategoryLists {
    /// Several categories, as Hugo and Jekyll read it (the default).
    #[default]
    Several,
    /// One path, Life under Diary, as Hexo reads it.
    Path,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_permalink() -> String {
    "/archives/{id}/".into()
}
fn default_paginate() -> usize {
    10
}
fn default_feed_limit() -> usize {
    20
}
fn default_timezone() -> String {
    "+08:00".into()
}

/// Interface strings of the theme; Chinese by default, as the archives lemma is built for.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Ui {
    pub read_more: String,
    pub home: String,
    pub archives: String,
    pub categories: String,
    pub tags: String,
    pub series: String,
    pub previous: String,
    pub next: String,
    pub previous_page: String,
    pub next_page: String,
    /// `{position}` and `{total}` are filled in per article.
    pub series_position: String,
    pub draft: String,
    pub updated: String,
    pub not_found: String,
    pub feed: String,
    pub redirecting: String,
    pub search: String,
    pub search_placeholder: String,
    /// Shown when a search finds nothing.
    pub search_none: String,
    /// `{count}` is filled in with the number of articles found.
    pub search_found: String,
    pub contents: String,
    pub cite: String,
    pub backlinks: String,
    /// `{chars}` and `{minutes}` are filled in per article.
    pub reading_time: String,
}

impl Default for Ui {
    fn default() -> Self {
        Ui {
            read_more: "点击阅读全文...".into(),
            home: "首页".into(),
            archives: "归档".into(),
            categories: "分类".into(),
            tags: "标签".into(),
            series: "系列".into(),
            previous: "上一篇".into(),
            next: "下一篇".into(),
            previous_page: "上一页".into(),
            next_page: "下一页".into(),
            series_position: "第 {position} 篇 / 共 {total} 篇".into(),
            draft: "草稿".into(),
            updated: "更新于".into(),
            not_found: "页面不存在".into(),
            feed: "订阅".into(),
            redirecting: "页面已移至".into(),
            search: "搜索".into(),
            search_placeholder: "搜索文章".into(),
            search_none: "没有找到相关文章".into(),
            search_found: "找到 {count} 篇文章".into(),
            contents: "目录".into(),
            cite: "如果您需要引用本文，请参考".into(),
            backlinks: "被以下文章引用".into(),
            reading_time: "全文约 {chars} 字，阅读约 {minutes} 分钟".into(),
        }
    }
}

/// What the default theme offers readers beyond the text (`reader:` in `lemma.yaml`); each is
/// on unless switched off.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Reader {
    /// A full-text index under `pagefind/`, a search box and a search page.
    pub search: bool,
    /// A table of contents on articles with at least three headings.
    pub toc: bool,
    /// A citation block (plain text and BibTeX) at the end of each article.
    pub citation: bool,
    /// The articles linking to each article.
    pub backlinks: bool,
    /// Length and reading time on article pages.
    pub reading_time: bool,
    /// Fenced code in a known language highlighted at build time.
    pub highlight: bool,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            search: true,
            toc: true,
            citation: true,
            backlinks: true,
            reading_time: true,
            highlight: true,
        }
    }
}

/// Math settings shared by the whole site.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MathConfig {
    /// TeX macros available in every formula, e.g. `"\\R": "\\mathbb{R}"`.
    #[serde(default)]
    pub macros: BTreeMap<String, String>,
    /// What KaTeX puts into pages.
    #[serde(default)]
    pub output: MathOutput,
}

/// `math.output`: KaTeX's `output` option, under its own names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MathOutput {
    /// KaTeX's HTML for display beside MathML for assistive technology (KaTeX's default).
    #[default]
    HtmlAndMathml,
    /// MathML only, shown by the browser with an OpenType math font: faster, smaller pages.
    Mathml,
    /// KaTeX's HTML only.
    Html,
}

impl MathOutput {
    /// The name written in `lemma.yaml`.
    pub fn name(self) -> &'static str {
        match self {
            MathOutput::HtmlAndMathml => "htmlAndMathml",
            MathOutput::Mathml => "mathml",
            MathOutput::Html => "html",
        }
    }
}

/// Validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) root: PathBuf,
    pub(crate) title: String,
    /// Always ends with `/`.
    pub(crate) base_url: Url,
    /// The path of `base_url`, starting and ending with `/`.
    pub(crate) base_path: String,
    pub(crate) language: String,
    pub(crate) author: String,
    pub(crate) description: String,
    pub(crate) permalink: Permalink,
    pub(crate) paginate: usize,
    pub(crate) feed_limit: usize,
    pub(crate) timezone: FixedOffset,
    pub(crate) ui: Ui,
    pub(crate) math: MathConfig,
    pub(crate) compat: Compat,
    pub(crate) reader: Reader,
    pub(crate) extra: serde_json::Value,
}

impl Config {
    /// `content/`: the articles and the files beside them.
    pub(crate) fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }
    /// `templates/`: the site's own templates, over the built-in ones.
    pub(crate) fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }
    /// `static/`: files copied to the output as they are.
    pub(crate) fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }

    /// Reads `lemma.yaml` under `root`; `base_url_override` is the `--base-url` flag.
    pub fn load(root: &Path, base_url_override: Option<&Url>) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![Diagnostic::whole_file_error(
                CONFIG_FILE,
                format!("cannot read site config: {e}"),
            )]
        })?;
        Self::parse(root, &text, base_url_override)
    }

    /// Validates the text of `lemma.yaml` of the site at `root`.
    pub(crate) fn parse(
        root: &Path,
        text: &str,
        base_url_override: Option<&Url>,
    ) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig =
            serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(CONFIG_FILE, &e, 0, text)])?;
        let at_key = |key: &str, message: String| {
            let line = top_level_key_line(text, key).unwrap_or(0);
            Diagnostic::error(CONFIG_FILE, Position::line_start(line), message).with_snippet(text)
        };
        let mut errors = Vec::new();
        // The flag was checked as the command line was read: a bad one is the flag's fault.
        let base_url = match base_url_override {
            Some(url) => Some(url.clone()),
            None => parse_base_url(&raw.base_url)
                .map_err(|m| errors.push(at_key("base_url", format!("`base_url`: {m}"))))
                .ok(),
        };
        let permalink = Permalink::parse(&raw.permalink)
            .map_err(|m| errors.push(at_key("permalink", m)))
            .ok();
        let timezone = parse_offset(&raw.timezone)
            .map_err(|m| errors.push(at_key("timezone", m)))
            .ok();
        if raw.paginate == 0 {
            errors.push(at_key("paginate", "`paginate` must be at least 1".into()));
        }
        let (Some(base_url), Some(permalink), Some(timezone), true) =
            (base_url, permalink, timezone, errors.is_empty())
        else {
            return Err(errors);
        };
        Ok(Config {
            root: root.to_path_buf(),
            title: raw.title,
            base_path: base_url.path().to_string(),
            base_url,
            language: raw.language,
            author: raw.author,
            description: raw.description,
            permalink,
            paginate: raw.paginate,
            feed_limit: raw.feed_limit,
            timezone,
            ui: raw.ui,
            math: raw.math,
            compat: raw.compat,
            reader: raw.reader,
            extra: raw
                .extra
                .unwrap_or(serde_json::Value::Object(Default::default())),
        })
    }
}

/// A site's address, ending with `/`; the error says what is wrong with `text`, for the
/// caller to say where it was written (`lemma.yaml` or `--base-url`).
pub(crate) fn parse_base_url(text: &str) -> Result<Url, String> {
    const EXAMPLE: &str = "write the whole address, e.g. https://example.org/blog/";
    let mut url = Url::parse(text)
        .map_err(|e| format!("`{text}` is not an absolute URL ({e}); {EXAMPLE}"))?;
    if url.cannot_be_a_base() {
        return Err(format!("`{text}` is not an http(s) URL; {EXAMPLE}"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// Parses `+08:00`, `-05:30`, `Z` or `UTC`.
pub(crate) fn parse_offset(text: &str) -> Result<FixedOffset, String> {
    let bad = || format!("`timezone` must be a UTC offset such as +08:00, not `{text}`");
    if text.eq_ignore_ascii_case("utc") || text == "Z" {
        return FixedOffset::east_opt(0).ok_or_else(bad);
    }
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => return Err(bad()),
    };
    let (hours, minutes) = rest.split_once(':').ok_or_else(bad)?;
    let hours: i32 = hours.parse().map_err(|_| bad())?;
    let minutes: i32 = minutes.parse().map_err(|_| bad())?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).ok_or_else(bad)
}

/// A YAML error as a diagnostic. `yaml_start` is the byte offset of the YAML in `file_text`,
/// the whole file (front matter begins after `---`).
pub(crate) fn yaml_error(
    path: &str,
    error: &serde_saphyr::Error,
    yaml_start: usize,
    file_text: &str,
) -> Diagnostic {
    let lines = LineIndex::new(file_text);
    let position = match error.location() {
        Some(location) => yaml_position(&location, yaml_start, file_text, &lines),
        None => lines.position(file_text, yaml_start),
    };
    yaml_error_at(path, error, position, file_text)
}

/// A YAML error at `position` of `file_text`, the whole file, as a diagnostic.
pub(crate) fn yaml_error_at(
    path: &str,
    error: &serde_saphyr::Error,
    position: Position,
    file_text: &str,
) -> Diagnostic {
    let Position { line, column } = position;
    let found = file_text
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(|text| text.chars().nth(column.saturating_sub(1)));
    let message = match found.filter(|&c| xml_chars::is_forbidden(c)) {
        Some(c) => format!(
            "{} is not allowed in YAML (a control character, often pasted from a PDF); delete it",
            xml_chars::describe(c)
        ),
        None => limit_message(error)
            .or_else(|| kind_message(error, owning_key(file_text, line)))
            .unwrap_or_else(|| plain_yaml_message(error)),
    };
    Diagnostic::error(path, position, message).with_snippet(file_text)
}

/// The file position of a place in YAML starting at byte `yaml_start` of `file_text`. Taken
/// from serde-saphyr's offsets (in bytes, or in characters where it has no bytes, as for
/// scanner errors), not its lines: YAML also ends a line at a lone `\r`, and its line numbers
/// then drift from the file's.
pub(crate) fn yaml_position(
    location: &serde_saphyr::Location,
    yaml_start: usize,
    file_text: &str,
    lines: &LineIndex,
) -> Position {
    let span = location.span();
    let yaml = file_text.get(yaml_start..).unwrap_or("");
    let offset = match span.byte_offset() {
        Some(byte) => Some(byte as usize),
        None if span != serde_saphyr::Span::UNKNOWN => Some(
            yaml.char_indices()
                .nth(span.offset() as usize)
                .map_or(yaml.len(), |(byte, _)| byte),
        ),
        None => None,
    };
    match offset {
        Some(offset) => lines.position(file_text, yaml_start.saturating_add(offset)),
        None => {
            let first_line = lines.position(file_text, yaml_start).line;
            let line = (location.line() as usize).max(1);
            Position::new(first_line + line - 1, (location.column() as usize).max(1))
        }
    }
}

/// serde-saphyr's message without its own position suffix and snippet: lemma prints both itself.
fn plain_yaml_message(error: &serde_saphyr::Error) -> String {
    let text = error.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    let first = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    format!("YAML: {first}")
}

/// A value of the wrong kind, in words and named by its top-level `key` (serde-saphyr words
/// these for Rust programmers: `use Option<String>`, `invalid u64`, `expected sequence start`).
fn kind_message(error: &serde_saphyr::Error, key: Option<&str>) -> Option<String> {
    use serde_saphyr::Error as E;
    let problem = match error {
        E::WithSnippet { error, .. } => return kind_message(error, key),
        E::DuplicateMappingKey {
            key: Some(twice), ..
        } => {
            return Some(format!("`{twice}` is written twice; keep one"));
        }
        E::DuplicateMappingKey { key: None, .. } => {
            return Some("a key is written twice; keep one".into());
        }
        E::NullIntoString { .. } => {
            "has an empty (null) value where text is needed; write the text, or remove it".into()
        }
        E::InvalidScalar { ty, .. } => match *ty {
            "bool" | "boolean" => "must be true or false".into(),
            "f32" | "f64" => "must be a number".into(),
            ty if ty.starts_with(['u', 'i']) => "must be a whole number".into(),
            ty => format!("must be a {ty}"),
        },
        E::Unexpected { expected, .. } => match *expected {
            "sequence start" => "must be a list (`[a, b]`, or lines starting with `- `)".into(),
            "mapping start" => "must be a mapping (`key: value` lines)".into(),
            "string scalar" => "must be a string".into(),
            "scalar" => "must be a single value".into(),
            _ => return None,
        },
        _ => return None,
    };
    Some(match key {
        Some(key) => format!("`{key}` {problem}"),
        None => format!("this value {problem}"),
    })
}

/// The top-level key whose value holds file line `line`: the nearest `key:` line at or above
/// it, within the YAML (front matter stops at its opening `---`).
fn owning_key(text: &str, line: usize) -> Option<&str> {
    let above: Vec<&str> = text.lines().take(line).collect();
    above
        .into_iter()
        .rev()
        .take_while(|l| l.trim_end() != "---")
        .find_map(|l| {
            let (key, _) = l.split_once(':')?;
            let top_level = !key.is_empty() && !key.starts_with([' ', '\t', '#', '-']);
            (top_level && !key.contains(' ')).then_some(key)
        })
}

/// "The YAML holds more than 250000 values, …": `count` is where the reader stopped.
fn over(count: usize, what: &str, fix: &str) -> String {
    let limit = count.saturating_sub(1);
    format!("the YAML holds more than {limit} {what}, too many for lemma to read; {fix}")
}

/// The reader's safety limits in words (serde-saphyr shows them as Rust debug text).
fn limit_message(error: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    const ALIASES: &str = "aliases (`*name`) repeat everything their anchor (`&name`) holds; write the values out, or remove the aliases";
    const NESTING: &str = "flatten the structure";
    let message = match error {
        E::WithSnippet { error, .. } => return limit_message(error),
        E::AliasError { error, .. } => return limit_message(error),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => {
            format!("the YAML expands too much through aliases; {ALIASES}")
        }
        E::ExternalMessage { msg, .. } if msg.starts_with("recursion limit exceeded") => {
            format!("values are nested too deeply for lemma to read; {NESTING}")
        }
        E::Budget { breach, .. } => match breach {
            B::Nodes { nodes: n } | B::Events { events: n } => over(*n, "values", ALIASES),
            B::Aliases { aliases: n } => over(*n, "aliases (`*name`)", "write the values out"),
            B::Anchors { anchors: n } => over(*n, "anchors (`&name`)", "write the values out"),
            B::AliasAnchorRatio { .. } => format!("too many aliases for so few anchors; {ALIASES}"),
            B::Depth { depth } => format!(
                "values are nested more than {} levels deep, too deep for lemma to read; {NESTING}",
                depth.saturating_sub(1)
            ),
            B::ScalarBytes {
                total_scalar_bytes: n,
            }
            | B::InputBytes { input_bytes: n } => over(*n, "bytes", "shorten it"),
            _ => "the YAML is too large or nested too deeply for lemma to read safely; simplify it"
                .to_string(),
        },
        _ => return None,
    };
    Some(message)
}

/// The line of a top-level `key:` in block-style YAML, for problems found after parsing.
pub(crate) fn top_level_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(Path::new("/site"), text, None)
    }

    #[test]
    fn defaults_fill_in_and_base_path_is_derived() {
        let config = parse("title: T\nbase_url: https://x.org/blog\n").unwrap();
        assert_eq!(config.base_url.as_str(), "https://x.org/blog/");
        assert_eq!(config.base_path, "/blog/");
        assert_eq!(config.paginate, 10);
        assert_eq!(config.ui.read_more, "点击阅读全文...");
        assert_eq!(config.language, "zh-CN");
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let errors = parse("title: T\nbase_url: https://x.org/\npaginte: 3\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].position.line, 3, "{}", errors[0]);
        assert!(errors[0].message.contains("paginte"), "{}", errors[0]);
    }

    #[test]
    fn extra_is_free_form() {
        let config =
            parse("title: T\nbase_url: https://x.org/\nextra:\n  anything: [1, 2]\n").unwrap();
        assert_eq!(config.extra["anything"][1], 2);
    }

    #[test]
    fn bad_values_point_at_their_key() {
        let errors = parse("title: T\nbase_url: not a url\ntimezone: Mars\n").unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.position.line).collect();
        assert_eq!(lines, vec![2, 3]);
    }

    #[test]
    fn reader_limits_are_told_in_words() {
        let deep = (0..100).fold(
            String::from("title: T\nbase_url: https://x.org/\nextra:\n"),
            |yaml, depth| format!("{yaml}{}k{depth}:\n", "  ".repeat(depth + 1)),
        );
        let errors = parse(&deep).unwrap_err();
        assert!(
            errors[0].message.starts_with("values are nested more than"),
            "{}",
            errors[0]
        );
        let errors = parse("title: \"a\x0cb\"\nbase_url: https://x.org/\n").unwrap_err();
        assert_eq!(
            (errors[0].position.line, errors[0].position.column),
            (1, 10)
        );
        assert!(
            errors[0]
                .message
                .starts_with("U+000C FORM FEED is not allowed"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn offsets_parse() {
        assert_eq!(parse_offset("+08:00").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(
            parse_offset("-05:30").unwrap().local_minus_utc(),
            -(5 * 3600 + 1800)
        );
        assert!(parse_offset("8").is_err());
    }
}
