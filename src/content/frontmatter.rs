//! YAML front matter: split off the `---` block, deserialize it with serde-saphyr, validate it.
//!
//! Key names follow what Hugo, Hexo and Jekyll users already write. Unknown keys are warnings,
//! not errors: archives migrated from other tools carry keys lemma has no use for. Every line
//! reported is a line of the whole file, not of the YAML block.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::config::{MathConfig, yaml_error, yaml_position};
use crate::content::SourceFile;
use crate::diagnostics::{Diagnostic, LineIndex};

/// The keys lemma reads; others are warned about.
pub const KNOWN_KEYS: [&str; 13] = [
    "title",
    "date",
    "updated",
    "id",
    "slug",
    "categories",
    "tags",
    "series",
    "draft",
    "summary",
    "aliases",
    "extra",
    "math",
];

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

#[derive(Debug, Deserialize)]
struct RawFrontMatter {
    title: Option<String>,
    date: Option<Spanned<String>>,
    updated: Option<Spanned<String>>,
    id: Option<Spanned<u64>>,
    slug: Option<String>,
    categories: Option<OneOrMany>,
    tags: Option<OneOrMany>,
    series: Option<String>,
    #[serde(default)]
    draft: bool,
    summary: Option<String>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    extra: Option<serde_json::Value>,
    math: Option<MathConfig>,
}

/// A value with the file line it was written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
    pub column: usize,
}

/// The validated front matter of one article.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub id: Option<Located<u64>>,
    pub slug: Option<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub series: Option<String>,
    pub draft: bool,
    pub summary: Option<String>,
    pub aliases: Vec<Located<String>>,
    pub extra: serde_json::Value,
    pub macros: BTreeMap<String, String>,
}

/// A file split into front matter and Markdown body.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
}

/// Splits and parses `file`. `None` means the front matter is unusable (errors say why).
pub fn parse(file: &SourceFile, timezone: FixedOffset) -> (Option<Parsed>, Vec<Diagnostic>) {
    let Some(block) = split(&file.text) else {
        return (
            Some(Parsed {
                front: FrontMatter::default(),
                body_offset: 0,
            }),
            Vec::new(),
        );
    };
    let Some(block) = block else {
        let d = Diagnostic::error(
            &file.path,
            1,
            1,
            "front matter opened with `---` is never closed",
        )
        .with_snippet(&file.text);
        return (None, vec![d]);
    };
    let raw: RawFrontMatter = match serde_saphyr::from_str(block.yaml) {
        Ok(raw) => raw,
        Err(e) => {
            return (
                None,
                vec![yaml_error(&file.path, &e, block.yaml_start, &file.text)],
            );
        }
    };
    let mut diagnostics = unknown_key_warnings(file, &block);
    let front = validate(raw, file, &block, timezone, &mut diagnostics);
    (
        Some(Parsed {
            front,
            body_offset: block.body_offset,
        }),
        diagnostics,
    )
}

struct Block<'a> {
    yaml: &'a str,
    /// Byte offset of the YAML in the file.
    yaml_start: usize,
    /// File line of the first YAML line.
    first_line: usize,
    body_offset: usize,
}

/// `None`: no front matter. `Some(None)`: opened but never closed.
fn split(text: &str) -> Option<Option<Block<'_>>> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let after_open = text[start..]
        .strip_prefix("---\n")
        .or_else(|| text[start..].strip_prefix("---\r\n"))?;
    let yaml_start = text.len() - after_open.len();
    let mut offset = yaml_start;
    for line in after_open.split_inclusive('\n') {
        // Trailing spaces and tabs after the closing `---` are invisible to authors.
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            return Some(Some(Block {
                yaml: &text[yaml_start..offset],
                yaml_start,
                first_line: 2,
                body_offset: offset + line.len(),
            }));
        }
        offset += line.len();
    }
    Some(None)
}

fn unknown_key_warnings(file: &SourceFile, block: &Block) -> Vec<Diagnostic> {
    block
        .yaml
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let key = line.split_once(':')?.0;
            let is_top_level_key = !key.is_empty() && !key.starts_with([' ', '\t', '#', '-']) && !key.contains(' ');
            (is_top_level_key && !KNOWN_KEYS.contains(&key)).then(|| {
                let known = KNOWN_KEYS.join(", ");
                Diagnostic::warning(&file.path, block.first_line + i, 1, format!("unknown front matter key `{key}` is ignored (known keys: {known}; put your own under `extra:`)")).with_snippet(&file.text)
            })
        })
        .collect()
}

fn validate(
    raw: RawFrontMatter,
    file: &SourceFile,
    block: &Block,
    timezone: FixedOffset,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let lines = LineIndex::new(&file.text);
    let located =
        |at: &serde_saphyr::Location| yaml_position(at, block.yaml_start, &file.text, &lines);
    let mut date_field = |field: Option<Spanned<String>>, name: &str| {
        let field = field?;
        let (line, column) = located(&field.referenced);
        match parse_date(&field.value, timezone) {
            Some(date) => Some(date),
            None => {
                let message = format!(
                    "`{name}` is not a date: `{}` (write 2024-03-17, 2024-03-17 10:00, or 2024-03-17T10:00:00+08:00)",
                    field.value
                );
                diagnostics.push(
                    Diagnostic::error(&file.path, line, column, message).with_snippet(&file.text),
                );
                None
            }
        }
    };
    let date = date_field(raw.date, "date");
    let updated = date_field(raw.updated, "updated");
    let id = raw.id.map(|id| {
        let (line, column) = located(&id.referenced);
        Located {
            value: id.value,
            line,
            column,
        }
    });
    let aliases = raw
        .aliases
        .into_iter()
        .map(|alias| {
            let (line, column) = located(&alias.referenced);
            Located {
                value: alias.value,
                line,
                column,
            }
        })
        .collect();
    FrontMatter {
        title: raw.title.filter(|t| !t.trim().is_empty()),
        date,
        updated,
        id,
        slug: raw.slug,
        categories: raw.categories.map(OneOrMany::into_vec).unwrap_or_default(),
        tags: raw.tags.map(OneOrMany::into_vec).unwrap_or_default(),
        series: raw.series.filter(|s| !s.trim().is_empty()),
        draft: raw.draft,
        summary: raw.summary,
        aliases,
        extra: raw
            .extra
            .unwrap_or(serde_json::Value::Object(Default::default())),
        macros: raw.math.map(|m| m.macros).unwrap_or_default(),
    }
}

/// Accepts a date, a local date-time (read in the site's timezone) or one with an offset.
pub fn parse_date(text: &str, timezone: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date);
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%d %H:%M:%S %:z",
        "%Y-%m-%d %H:%M%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(date) = DateTime::parse_from_str(text, format) {
            return Some(date);
        }
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return timezone.from_local_datetime(&local).single();
        }
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    timezone
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .single()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "content/a.md".into(),
            content_path: "a.md".into(),
            text: text.into(),
        }
    }

    fn tz() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    #[test]
    fn parses_the_usual_keys() {
        let text = "---\ntitle: 标题\ndate: 2024-03-17\nid: 9119\ncategories: 数学研究\ntags: [a, b]\nseries: S\n---\nbody\n";
        let (parsed, diagnostics) = parse(&file(text), tz());
        let parsed = parsed.unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(parsed.front.title.as_deref(), Some("标题"));
        assert_eq!(parsed.front.id.as_ref().unwrap().value, 9119);
        assert_eq!(parsed.front.id.as_ref().unwrap().line, 4);
        assert_eq!(parsed.front.categories, ["数学研究"]);
        assert_eq!(parsed.front.tags, ["a", "b"]);
        assert_eq!(
            parsed.front.date.unwrap().to_rfc3339(),
            "2024-03-17T00:00:00+08:00"
        );
        assert_eq!(&text[parsed.body_offset..], "body\n");
    }

    #[test]
    fn no_front_matter_means_the_whole_file_is_body() {
        let (parsed, diagnostics) = parse(&file("# T\n\ntext\n"), tz());
        assert_eq!(parsed.unwrap().body_offset, 0);
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn yaml_errors_carry_file_lines() {
        let (parsed, diagnostics) = parse(&file("---\ntitle: ok\nid: [unclosed\n---\n"), tz());
        assert!(parsed.is_none());
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].line >= 3, "{}", diagnostics[0]);
        assert!(diagnostics[0].is_error());
    }

    #[test]
    fn type_errors_carry_file_lines() {
        let (parsed, diagnostics) = parse(&file("---\ntitle: ok\nid: abc\n---\n"), tz());
        assert!(parsed.is_none());
        assert_eq!(diagnostics[0].line, 3, "{}", diagnostics[0]);
    }

    #[test]
    fn unknown_keys_warn_with_their_line() {
        let (parsed, diagnostics) = parse(&file("---\ntitle: ok\nmathjax: true\n---\n"), tz());
        assert!(parsed.is_some());
        assert_eq!(diagnostics.len(), 1);
        assert!(!diagnostics[0].is_error());
        assert_eq!(diagnostics[0].line, 3);
        assert!(diagnostics[0].message.contains("mathjax"));
    }

    #[test]
    fn bad_date_is_an_error_at_its_value() {
        let (_, diagnostics) = parse(&file("---\ntitle: ok\ndate: yesterday\n---\n"), tz());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            (diagnostics[0].line, diagnostics[0].column),
            (3, 7),
            "{}",
            diagnostics[0]
        );
    }

    #[test]
    fn a_lone_carriage_return_does_not_shift_yaml_positions() {
        // YAML ends a line at a lone `\r`, the file's lines do not.
        let (_, diagnostics) = parse(&file("---\nslug: \r#\ndate: never\n---\n"), tz());
        assert_eq!(
            (diagnostics[0].line, diagnostics[0].column),
            (3, 7),
            "{}",
            diagnostics[0]
        );
        // A scanner error has no byte offset, only a character offset (of the scalar).
        let (_, diagnostics) = parse(&file("---\nslug: \r#\ntitle: 中\u{11}\n---\n"), tz());
        assert_eq!(
            (diagnostics[0].line, diagnostics[0].column),
            (3, 8),
            "{}",
            diagnostics[0]
        );
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let (parsed, diagnostics) = parse(&file("---\ntitle: x\n"), tz());
        assert!(parsed.is_none());
        assert_eq!(diagnostics[0].line, 1);
    }

    #[test]
    fn closing_line_may_carry_trailing_whitespace() {
        let (parsed, diagnostics) = parse(&file("---\ntitle: x\n---\t\nbody\n"), tz());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(parsed.unwrap().front.title.as_deref(), Some("x"));
    }

    #[test]
    fn dates_in_several_spellings() {
        let tz = tz();
        assert_eq!(
            parse_date("2022-06-13 10:21:00+08:00", tz)
                .unwrap()
                .to_rfc3339(),
            "2022-06-13T10:21:00+08:00"
        );
        assert_eq!(
            parse_date("2022-06-13T10:21:00Z", tz).unwrap().to_rfc3339(),
            "2022-06-13T10:21:00+00:00"
        );
        assert_eq!(
            parse_date("2022-06-13 10:21", tz).unwrap().to_rfc3339(),
            "2022-06-13T10:21:00+08:00"
        );
        assert!(parse_date("13/06/2022", tz).is_none());
    }
}
