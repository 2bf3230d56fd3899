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
use crate::content::xml_chars;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, Position};

/// The keys lemma reads; others are warned about.
pub const KNOWN_KEYS: [&str; 15] = [
    "title",
    "author",
    "toc",
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

/// `tags:` and `categories:`: one string or a list of strings. Anything else is kept, with
/// its position, so that the error names the item and what it is instead of a string.
#[derive(Debug, Default)]
struct Terms {
    items: Vec<Term>,
}

#[derive(Debug)]
struct Term {
    /// The text, or the value that is not a string.
    value: Result<String, serde_json::Value>,
    /// 1-based place in the list, with its line and column in the YAML; `None` for a lone value.
    place: Option<(usize, u64, u64)>,
}

impl<'de> Deserialize<'de> for Terms {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Terms, D::Error> {
        deserializer.deserialize_any(TermsVisitor)
    }
}

struct TermsVisitor;

impl TermsVisitor {
    fn lone<E>(value: serde_json::Value) -> Result<Terms, E> {
        let value = match value {
            serde_json::Value::String(text) => Ok(text),
            other => Err(other),
        };
        Ok(Terms {
            items: vec![Term { value, place: None }],
        })
    }
}

impl<'de> serde::de::Visitor<'de> for TermsVisitor {
    type Value = Terms;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string or a list of strings")
    }

    fn visit_str<E>(self, text: &str) -> Result<Terms, E> {
        Self::lone(text.into())
    }

    fn visit_bool<E>(self, value: bool) -> Result<Terms, E> {
        Self::lone(value.into())
    }

    fn visit_i64<E>(self, value: i64) -> Result<Terms, E> {
        Self::lone(value.into())
    }

    fn visit_u64<E>(self, value: u64) -> Result<Terms, E> {
        Self::lone(value.into())
    }

    fn visit_f64<E>(self, value: f64) -> Result<Terms, E> {
        Self::lone(value.into())
    }

    fn visit_unit<E>(self) -> Result<Terms, E> {
        Ok(Terms::default())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Terms, A::Error> {
        let value =
            serde_json::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Self::lone(value)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Terms, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<serde_json::Value>>()? {
            let place = Some((
                items.len() + 1,
                item.referenced.line(),
                item.referenced.column(),
            ));
            let value = match item.value {
                serde_json::Value::String(text) => Ok(text),
                other => Err(other),
            };
            items.push(Term { value, place });
        }
        Ok(Terms { items })
    }
}

/// What a term that is not a string is, and how to fix it.
fn not_text(value: &serde_json::Value, singular: &str) -> (&'static str, String) {
    use serde_json::Value;
    let quote =
        |shown: String| format!("write it in quotes to use it as a {singular}: \"{shown}\"");
    match value {
        Value::Null => ("null", "remove it".into()),
        Value::Number(n) => ("a number", quote(n.to_string())),
        Value::Bool(b) => ("true or false", quote(b.to_string())),
        Value::Array(_) | Value::Object(_) => {
            let what = if value.is_array() {
                "a list"
            } else {
                "a mapping"
            };
            (
                what,
                format!("write each {singular} as a string item of its own"),
            )
        }
        Value::String(_) => ("a string", String::new()),
    }
}

#[derive(Debug, Deserialize)]
struct RawFrontMatter {
    title: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    toc: Option<bool>,
    date: Option<Spanned<String>>,
    updated: Option<Spanned<String>>,
    id: Option<Spanned<u64>>,
    slug: Option<Spanned<String>>,
    categories: Option<Spanned<Terms>>,
    tags: Option<Spanned<Terms>>,
    series: Option<Spanned<String>>,
    #[serde(default)]
    draft: bool,
    summary: Option<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    extra: Option<Spanned<serde_json::Value>>,
    math: Option<Spanned<MathConfig>>,
}

/// A value with the place in the file it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located<T> {
    pub value: T,
    pub position: Position,
}

/// The validated front matter of one article.
#[derive(Debug, Clone, Default)]
pub(crate) struct FrontMatter {
    pub title: Option<String>,
    /// The article's author, when not the site's.
    pub author: Option<String>,
    /// `toc: false` leaves the table of contents out; `true` or nothing follows the config.
    pub toc: Option<bool>,
    /// Whether a `date:` was written, valid or not: a wrong one is an error of its own, not
    /// a missing date.
    pub date_given: bool,
    pub date: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub id: Option<Located<u64>>,
    pub slug: Option<Located<String>>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub series: Option<String>,
    pub draft: bool,
    /// Where its value starts, for the problems found in it by the Markdown stage.
    pub summary: Option<Located<String>>,
    pub aliases: Vec<Located<String>>,
    pub extra: serde_json::Value,
    pub macros: BTreeMap<String, String>,
}

impl FrontMatter {
    /// The line a problem with the article's page is blamed on: the slug's, else the id's.
    pub(crate) fn page_line(&self) -> Option<usize> {
        let slug = self.slug.as_ref().map(|s| s.position.line);
        slug.or(self.id.as_ref().map(|id| id.position.line))
    }
}

/// A file split into front matter and Markdown body.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
}

/// Splits and parses `file`. `None` means the front matter is unusable (errors say why).
pub(crate) fn parse(
    file: &SourceFile,
    timezone: FixedOffset,
    diagnostics: &mut Diagnostics,
) -> Option<Parsed> {
    let Some(block) = split(&file.text) else {
        return Some(Parsed {
            front: FrontMatter::default(),
            body_offset: 0,
        });
    };
    let Some(block) = block else {
        let d = Diagnostic::error(
            &file.path,
            Position::line_start(1),
            "front matter opened with `---` is never closed",
        )
        .with_snippet(&file.text);
        diagnostics.push(d);
        return None;
    };
    let raw: RawFrontMatter = match serde_saphyr::from_str(block.yaml) {
        Ok(raw) => raw,
        Err(e) => {
            diagnostics.push(yaml_error(&file.path, &e, block.yaml_start, &file.text));
            return None;
        }
    };
    warn_unknown_keys(file, &block, diagnostics);
    let front = validate(raw, file, &block, timezone, diagnostics);
    Some(Parsed {
        front,
        body_offset: block.body_offset,
    })
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

fn warn_unknown_keys(file: &SourceFile, block: &Block, diagnostics: &mut Diagnostics) {
    let warnings = block
        .yaml
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let key = line.split_once(':')?.0;
            let is_top_level_key = !key.is_empty() && !key.starts_with([' ', '\t', '#', '-']) && !key.contains(' ');
            (is_top_level_key && !KNOWN_KEYS.contains(&key)).then(|| {
                let known = KNOWN_KEYS.join(", ");
                Diagnostic::warning(&file.path, Position::line_start(block.first_line + i), format!("unknown front matter key `{key}` is ignored (known keys: {known}; put your own under `extra:`)")).with_line(line)
            })
        });
    diagnostics.extend(warnings);
}

fn validate(
    raw: RawFrontMatter,
    file: &SourceFile,
    block: &Block,
    timezone: FixedOffset,
    diagnostics: &mut Diagnostics,
) -> FrontMatter {
    let mut check = Checker {
        file,
        shift: block.first_line - 1,
        lines: LineIndex::new(&file.text),
        yaml_start: block.yaml_start,
        diagnostics,
    };
    let text = |check: &mut Checker, field, value: Option<Spanned<String>>| {
        value.map(|v| check.text(field, v))
    };
    let title = text(&mut check, "title", raw.title).map(|t| t.value);
    let author = text(&mut check, "author", raw.author).map(|t| t.value);
    let slug = text(&mut check, "slug", raw.slug);
    let series = text(&mut check, "series", raw.series).map(|t| t.value);
    let summary = text(&mut check, "summary", raw.summary);
    let id = raw.id.map(|id| Located {
        position: check.place(&id),
        value: id.value,
    });
    FrontMatter {
        title: title.filter(|t| !t.trim().is_empty()),
        author: author.filter(|a| !a.trim().is_empty()),
        toc: raw.toc,
        date_given: raw.date.is_some(),
        date: check.date("date", raw.date, timezone),
        updated: check.date("updated", raw.updated, timezone),
        id,
        slug,
        categories: check.terms("categories", "category", raw.categories),
        tags: check.terms("tags", "tag", raw.tags),
        series: series.filter(|s| !s.trim().is_empty()),
        draft: raw.draft,
        summary,
        aliases: raw
            .aliases
            .into_iter()
            .map(|a| check.text("aliases", a))
            .collect(),
        extra: check.extra(raw.extra),
        macros: check.macros(raw.math),
    }
}

/// Checks values one by one, reporting at their file positions.
struct Checker<'a> {
    file: &'a SourceFile,
    /// File lines before the YAML block.
    shift: usize,
    lines: LineIndex,
    /// Byte offset of the YAML block in the file.
    yaml_start: usize,
    diagnostics: &'a mut Diagnostics,
}

impl Checker<'_> {
    fn place<T>(&self, value: &Spanned<T>) -> Position {
        yaml_position(
            &value.referenced,
            self.yaml_start,
            &self.file.text,
            &self.lines,
        )
    }

    fn at(&self, line: u64, column: u64) -> Position {
        Position::new(line as usize + self.shift, column as usize)
    }

    fn error(&mut self, at: Position, message: String) {
        let d = Diagnostic::error(&self.file.path, at, message);
        self.diagnostics.push(d.with_snippet(&self.file.text));
    }

    /// Warns when a value held characters XML forbids (they came from YAML escapes).
    fn warn_replaced(&mut self, place: Position, field: &str, found: &[char]) {
        if !found.is_empty() {
            let d = xml_chars::warning(&self.file.path, place, Some(field), found);
            self.diagnostics.push(d.with_snippet(&self.file.text));
        }
    }

    /// A string value, with the characters XML forbids replaced.
    fn text(&mut self, field: &str, value: Spanned<String>) -> Located<String> {
        let position = self.place(&value);
        let mut text = value.value;
        let found = xml_chars::replace_in_value(&mut text);
        self.warn_replaced(position, field, &found);
        Located {
            value: text,
            position,
        }
    }

    fn date(
        &mut self,
        field: &str,
        value: Option<Spanned<String>>,
        timezone: FixedOffset,
    ) -> Option<DateTime<FixedOffset>> {
        let value = value?;
        let date = parse_date(&value.value, timezone);
        if date.is_none() {
            let written = value.value.trim();
            let message = match calendar_problem(written) {
                Some(problem) => {
                    format!("`{field}` is not a day of the calendar: `{written}` ({problem})")
                }
                None => format!(
                    "`{field}` is not a date: `{written}` (write 2024-03-17, 2024-03-17 10:00, or 2024-03-17T10:00:00+08:00)"
                ),
            };
            self.error(self.place(&value), message);
        }
        date
    }

    /// `tags:` or `categories:`; every item that is not a string is an error of its own.
    fn terms(&mut self, field: &str, singular: &str, value: Option<Spanned<Terms>>) -> Vec<String> {
        let Some(value) = value else {
            return Vec::new();
        };
        let field_place = self.place(&value);
        let mut texts = Vec::new();
        for term in value.value.items {
            let (place, which) = match term.place {
                Some((index, line, column)) => (self.at(line, column), format!("item {index}")),
                None => (field_place, "it".to_string()),
            };
            match term.value {
                Ok(mut text) => {
                    let found = xml_chars::replace_in_value(&mut text);
                    self.warn_replaced(place, field, &found);
                    texts.push(text);
                }
                Err(other) => {
                    let (what, fix) = not_text(&other, singular);
                    let message = format!(
                        "`{field}` must be a string or a list of strings; {which} is {what} ({fix})"
                    );
                    self.error(place, message);
                }
            }
        }
        texts
    }

    fn extra(&mut self, value: Option<Spanned<serde_json::Value>>) -> serde_json::Value {
        let Some(value) = value else {
            return serde_json::Value::Object(Default::default());
        };
        let place = self.place(&value);
        let mut found = Vec::new();
        let extra = clean_json(value.value, &mut found);
        self.warn_replaced(place, "extra", &found);
        extra
    }

    fn macros(&mut self, value: Option<Spanned<MathConfig>>) -> BTreeMap<String, String> {
        let Some(value) = value else {
            return BTreeMap::new();
        };
        let place = self.place(&value);
        let mut found = Vec::new();
        let macros = value
            .value
            .macros
            .into_iter()
            .map(|(name, tex)| {
                (
                    clean_string(name, &mut found),
                    clean_string(tex, &mut found),
                )
            })
            .collect();
        self.warn_replaced(place, "math", &found);
        macros
    }
}

/// `value` with the characters XML forbids replaced in every string and key; those found
/// are added to `found`.
fn clean_json(value: serde_json::Value, found: &mut Vec<char>) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(text) => Value::String(clean_string(text, found)),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| clean_json(v, found)).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, v)| (clean_string(key, found), clean_json(v, found)))
                .collect(),
        ),
        other => other,
    }
}

fn clean_string(mut text: String, found: &mut Vec<char>) -> String {
    for c in xml_chars::replace_in_value(&mut text) {
        if !found.contains(&c) {
            found.push(c);
        }
    }
    text
}

/// Why `YYYY-MM-DD…` that did not parse is no day: `2024-02 has 29 days`. `None` when the
/// text does not start with a date of that shape, or its day exists (the time is wrong).
fn calendar_problem(text: &str) -> Option<String> {
    let day = text.get(..10)?;
    let mut parts = day.split('-');
    let (year, month, dom) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || dom.len() != 2 {
        return None;
    }
    let (year, month, dom): (i32, u32, u32) =
        (year.parse().ok()?, month.parse().ok()?, dom.parse().ok()?);
    if NaiveDate::from_ymd_opt(year, month, dom).is_some() {
        return None;
    }
    if !(1..=12).contains(&month) {
        return Some(format!("there is no month {month}"));
    }
    let days = (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())?;
    Some(format!("{year}-{month:02} has {days} days"))
}

/// Accepts a date, a local date-time (read in the site's timezone) or one with an offset.
pub(crate) fn parse_date(text: &str, timezone: FixedOffset) -> Option<DateTime<FixedOffset>> {
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
        SourceFile::new("content/a.md".into(), "a.md".into(), text.into())
    }

    fn tz() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    /// [`parse`], with the diagnostics as a list to index.
    fn parse_file(file: &SourceFile, timezone: FixedOffset) -> (Option<Parsed>, Vec<Diagnostic>) {
        let mut diagnostics = Diagnostics::new();
        let parsed = parse(file, timezone, &mut diagnostics);
        (parsed, diagnostics.into_iter().collect())
    }

    #[test]
    fn parses_the_usual_keys() {
        let text = "---\ntitle: 标题\ndate: 2024-03-17\nid: 9119\ncategories: 数学研究\ntags: [a, b]\nseries: S\n---\nbody\n";
        let (parsed, diagnostics) = parse_file(&file(text), tz());
        let parsed = parsed.unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(parsed.front.title.as_deref(), Some("标题"));
        assert_eq!(parsed.front.id.as_ref().unwrap().value, 9119);
        assert_eq!(parsed.front.id.as_ref().unwrap().position.line, 4);
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
        let (parsed, diagnostics) = parse_file(&file("# T\n\ntext\n"), tz());
        assert_eq!(parsed.unwrap().body_offset, 0);
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn yaml_errors_carry_file_lines() {
        let (parsed, diagnostics) = parse_file(&file("---\ntitle: ok\nid: [unclosed\n---\n"), tz());
        assert!(parsed.is_none());
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].position.line >= 3, "{}", diagnostics[0]);
        assert!(diagnostics[0].is_error());
    }

    #[test]
    fn type_errors_carry_file_lines() {
        let (parsed, diagnostics) = parse_file(&file("---\ntitle: ok\nid: abc\n---\n"), tz());
        assert!(parsed.is_none());
        assert_eq!(diagnostics[0].position.line, 3, "{}", diagnostics[0]);
    }

    #[test]
    fn unknown_keys_warn_with_their_line() {
        let (parsed, diagnostics) = parse_file(&file("---\ntitle: ok\nmathjax: true\n---\n"), tz());
        assert!(parsed.is_some());
        assert_eq!(diagnostics.len(), 1);
        assert!(!diagnostics[0].is_error());
        assert_eq!(diagnostics[0].position.line, 3);
        assert!(diagnostics[0].message.contains("mathjax"));
    }

    #[test]
    fn bad_date_is_an_error_at_its_value() {
        let (_, diagnostics) = parse_file(&file("---\ntitle: ok\ndate: yesterday\n---\n"), tz());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics[0].position,
            Position::new(3, 7),
            "{}",
            diagnostics[0]
        );
    }

    #[test]
    fn impossible_days_say_why() {
        assert_eq!(
            calendar_problem("2024-02-30").unwrap(),
            "2024-02 has 29 days"
        );
        assert_eq!(
            calendar_problem("2023-02-29 10:00").unwrap(),
            "2023-02 has 28 days"
        );
        assert_eq!(
            calendar_problem("2024-13-01").unwrap(),
            "there is no month 13"
        );
        assert_eq!(calendar_problem("2024-02-01 25:00"), None);
        assert_eq!(calendar_problem("yesterday"), None);
    }

    #[test]
    fn terms_that_are_not_strings_are_errors_at_the_item() {
        let text = "---\ntitle: t\ntags:\n  - a\n  - ~\ncategories: c\n---\n";
        let (parsed, diagnostics) = parse_file(&file(text), tz());
        assert_eq!(parsed.unwrap().front.tags, ["a"]);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].position, Position::new(5, 5));
        assert!(
            diagnostics[0].message.contains("item 2 is null"),
            "{}",
            diagnostics[0]
        );
    }

    #[test]
    fn a_lone_carriage_return_does_not_shift_yaml_positions() {
        // YAML ends a line at a lone `\r`, the file's lines do not.
        let (_, diagnostics) = parse_file(&file("---\nslug: \r#\ndate: never\n---\n"), tz());
        assert_eq!(
            diagnostics[0].position,
            Position::new(3, 7),
            "{}",
            diagnostics[0]
        );
        // A scanner error has no byte offset, only a character offset (of the scalar).
        let (_, diagnostics) = parse_file(&file("---\nslug: \r#\ntitle: \"中\\q\"\n---\n"), tz());
        assert_eq!(
            diagnostics[0].position,
            Position::new(3, 8),
            "{}",
            diagnostics[0]
        );
    }

    #[test]
    fn escaped_control_characters_are_replaced_with_a_warning() {
        let text = "---\ntitle: \"a\\fb\"\nextra:\n  k: \"x\\u0001\"\n---\n";
        let (parsed, diagnostics) = parse_file(&file(text), tz());
        let front = parsed.unwrap().front;
        assert_eq!(front.title.as_deref(), Some("a b"));
        assert_eq!(front.extra["k"], "x ");
        let places: Vec<Position> = diagnostics.iter().map(|d| d.position).collect();
        assert_eq!(
            places,
            [Position::new(2, 8), Position::new(4, 3)],
            "{diagnostics:?}"
        );
        assert!(diagnostics.iter().all(|d| !d.is_error()));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let (parsed, diagnostics) = parse_file(&file("---\ntitle: x\n"), tz());
        assert!(parsed.is_none());
        assert_eq!(diagnostics[0].position.line, 1);
    }

    #[test]
    fn closing_line_may_carry_trailing_whitespace() {
        let (parsed, diagnostics) = parse_file(&file("---\ntitle: x\n---\t\nbody\n"), tz());
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
