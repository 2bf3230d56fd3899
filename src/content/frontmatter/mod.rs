//! Front matter: split off the block (YAML `---`, TOML `+++` or a JSON object), deserialize it
//! with serde-saphyr, validate it.
//!
//! Key names follow what Hugo, Hexo and Jekyll users already write, and their spellings of the
//! same things are read too (`math: mathjax`, Hexo's nested categories, Jekyll's dated file
//! names). Unknown keys are warnings, not errors: archives migrated from other tools carry keys
//! lemma has no use for. Every line reported is a line of the whole file, not of the block.

mod split;
mod terms;
mod toml;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

pub(crate) use self::toml::to_json as toml_as_json;
use crate::config::{MathConfig, yaml_error_at, yaml_position};
use crate::content::SourceFile;
use crate::content::xml_chars;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, Position};
use split::{Block, Split};
use terms::{Terms, not_text};

/// The keys lemma reads; others are warned about.
pub const KNOWN_KEYS: [&str; 17] = [
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
    "permalink",
    "excerpt_separator",
];

/// Other generators' spellings of keys lemma reads: Jekyll's `category`, `published`,
/// `redirect_from`, `last_modified_at`; Hugo's `lastmod`, `url`; Hexo's `mathjax`.
const READ_SPELLINGS: [&str; 9] = [
    "category",
    "published",
    "redirect_from",
    "last_modified_at",
    "lastmod",
    "url",
    "mathjax",
    "katex",
    "use_math",
];

/// Keys that Hugo, Hexo and Jekyll themes read and lemma has no use for: one warning per
/// key for the whole site, with a count, instead of one per article.
pub(crate) const PEER_KEYS: [&str; 39] = [
    "layout",
    "description",
    "comments",
    "comment",
    "authors",
    "keywords",
    "cover",
    "thumbnail",
    "image",
    "images",
    "sticky",
    "top",
    "weight",
    "type",
    "sidebar",
    "share",
    "related",
    "header",
    "excerpt",
    "featured",
    "featured_image",
    "hidden",
    "password",
    "copyright",
    "reward",
    "photos",
    "banner",
    "subtitle",
    "menu",
    "showToc",
    "ShowToc",
    "TocOpen",
    "disqus",
    "lang",
    "mermaid",
    "highlight",
    "tocOpen",
    "index_img",
    "banner_img",
];

/// `math:` as written: on or off (`true`, `false`, and `katex` or `mathjax`, which themes
/// read as on), or the settings mapping.
#[derive(Debug)]
enum MathSetting {
    Switch(bool),
    Settings(MathConfig),
}

impl<'de> Deserialize<'de> for MathSetting {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MathVisitor)
    }
}

struct MathVisitor;

impl<'de> serde::de::Visitor<'de> for MathVisitor {
    type Value = MathSetting;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("true, false, katex, mathjax, or a mapping with `macros`")
    }

    fn visit_bool<E>(self, on: bool) -> Result<MathSetting, E> {
        Ok(MathSetting::Switch(on))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<MathSetting, E> {
        match text.trim().to_ascii_lowercase().as_str() {
            "katex" | "mathjax" | "true" => Ok(MathSetting::Switch(true)),
            "false" => Ok(MathSetting::Switch(false)),
            _ => Err(E::custom(format!(
                "`math` must be true, false, katex, mathjax or a mapping with `macros`, not `{text}`"
            ))),
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<MathSetting, A::Error> {
        let deserializer = serde::de::value::MapAccessDeserializer::new(map);
        MathConfig::deserialize(deserializer).map(MathSetting::Settings)
    }
}

#[derive(Debug, Deserialize)]
struct RawFrontMatter {
    title: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    toc: Option<bool>,
    date: Option<Spanned<String>>,
    #[serde(alias = "lastmod", alias = "last_modified_at")]
    updated: Option<Spanned<String>>,
    id: Option<Spanned<u64>>,
    slug: Option<Spanned<String>>,
    #[serde(alias = "category")]
    categories: Option<Spanned<Terms>>,
    tags: Option<Spanned<Terms>>,
    series: Option<Spanned<String>>,
    #[serde(default)]
    draft: bool,
    /// Jekyll's `published: false` is a draft.
    published: Option<bool>,
    summary: Option<Spanned<String>>,
    #[serde(default, alias = "redirect_from")]
    aliases: Vec<Spanned<String>>,
    extra: Option<Spanned<serde_json::Value>>,
    math: Option<Spanned<MathSetting>>,
    /// Hexo's and hexo-filter-katex's switches, and Jekyll themes' `use_math`.
    mathjax: Option<bool>,
    katex: Option<bool>,
    use_math: Option<bool>,
    #[serde(alias = "url")]
    permalink: Option<Spanned<String>>,
    excerpt_separator: Option<String>,
}

/// A value with the place in the file it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located<T> {
    pub value: T,
    pub position: Position,
}

/// The validated front matter of one article.
#[derive(Debug, Clone)]
pub(crate) struct FrontMatter {
    pub title: Option<String>,
    /// The article's author, when not the site's.
    pub author: Option<String>,
    /// `toc: false` leaves the table of contents out; `true` or nothing follows the config.
    pub toc: Option<bool>,
    /// Whether a date was given, valid or not (in `date:` or a Jekyll file name): a wrong one
    /// is an error of its own, not a missing date.
    pub date_given: bool,
    pub date: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub id: Option<Located<u64>>,
    pub slug: Option<Located<String>>,
    /// Each category as its path of names: `[GPU, CUDA]` for a nested one, one name otherwise.
    pub categories: Vec<Located<Vec<String>>>,
    /// Whether `categories` was a flat list of two or more names, which Hexo reads as one path.
    pub categories_flat_list: bool,
    pub tags: Vec<Located<String>>,
    pub series: Option<String>,
    pub draft: bool,
    /// Where its value starts, for the problems found in it by the Markdown stage.
    pub summary: Option<Located<String>>,
    pub aliases: Vec<Located<String>>,
    pub extra: serde_json::Value,
    pub macros: BTreeMap<String, String>,
    /// `false` when `math: false` (or `mathjax: false`): `$` is plain text in the article.
    pub math: bool,
    /// The article's own URL path, instead of the site's pattern.
    pub permalink: Option<Located<String>>,
    /// Where the excerpt ends, instead of `<!--more-->`.
    pub excerpt_separator: Option<String>,
}

impl Default for FrontMatter {
    fn default() -> Self {
        FrontMatter {
            title: None,
            author: None,
            toc: None,
            date_given: false,
            date: None,
            updated: None,
            id: None,
            slug: None,
            categories: Vec::new(),
            categories_flat_list: false,
            tags: Vec::new(),
            series: None,
            draft: false,
            summary: None,
            aliases: Vec::new(),
            extra: serde_json::Value::Object(Default::default()),
            macros: BTreeMap::new(),
            math: true,
            permalink: None,
            excerpt_separator: None,
        }
    }
}

impl FrontMatter {
    /// The line a problem with the article's page is blamed on: the permalink's, else the
    /// slug's, else the id's.
    pub(crate) fn page_line(&self) -> Option<usize> {
        let own = self.permalink.as_ref().map(|p| p.position.line);
        let slug = self.slug.as_ref().map(|s| s.position.line);
        own.or(slug).or(self.id.as_ref().map(|id| id.position.line))
    }

    /// Reads a flat category list `[Diary, Life]` as one path, Life under Diary (Hexo's
    /// reading), instead of two categories.
    pub(crate) fn read_categories_as_path(&mut self) {
        if !self.categories_flat_list {
            return;
        }
        let mut names = std::mem::take(&mut self.categories).into_iter();
        if let Some(mut first) = names.next() {
            first.value.extend(names.flat_map(|c| c.value));
            self.categories = vec![first];
        }
        self.categories_flat_list = false;
    }
}

/// A file split into front matter and Markdown body.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
    /// Keys of [`PEER_KEYS`] it holds, for one warning per key over the site.
    pub peer_keys: Vec<Located<String>>,
}

/// Splits and parses `file`. `None` means the front matter is unusable (errors say why).
pub(crate) fn parse(
    file: &SourceFile,
    timezone: FixedOffset,
    diagnostics: &mut Diagnostics,
) -> Option<Parsed> {
    let block = match split::split(&file.path, &file.text) {
        Split::None => {
            let mut front = FrontMatter::default();
            from_file_name(file, &mut front, timezone);
            return Some(Parsed {
                front,
                body_offset: 0,
                peer_keys: Vec::new(),
            });
        }
        Split::Broken(d) => {
            diagnostics.push(d);
            return None;
        }
        Split::Block(block) => block,
    };
    let mut check = Checker {
        file,
        lines: LineIndex::new(&file.text),
        block: &block,
        diagnostics,
    };
    let raw: RawFrontMatter = match serde_saphyr::from_str(&block.yaml) {
        Ok(raw) => raw,
        Err(e) => {
            let at = e.location().map(|l| check.locate(&l));
            let at = at.unwrap_or_else(|| check.lines.position(&file.text, block.start));
            let d = yaml_error_at(&file.path, &e, at, &file.text);
            check.diagnostics.push(d);
            return None;
        }
    };
    let peer_keys = check.warn_unknown_keys();
    let mut front = check.validate(raw, timezone);
    from_file_name(file, &mut front, timezone);
    Some(Parsed {
        front,
        body_offset: block.body_offset,
        peer_keys,
    })
}

/// The date and name of a Jekyll post, `2022-10-09-title.md`: `(2022-10-09, "title")`.
pub(crate) fn dated_file_name(content_path: &str) -> Option<(NaiveDate, &str)> {
    let name = content_path.rsplit('/').next()?;
    let stem = name.strip_suffix(".md")?;
    let (day, rest) = (stem.get(..10)?, stem.get(10..)?);
    let slug = rest.strip_prefix('-').filter(|s| !s.is_empty())?;
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    Some((date, slug))
}

/// Jekyll's readings of a dated file name: the date when the front matter has none, and
/// `categories: a b` split on spaces.
fn from_file_name(file: &SourceFile, front: &mut FrontMatter, timezone: FixedOffset) {
    let Some((day, _)) = dated_file_name(&file.content_path) else {
        return;
    };
    if !front.date_given {
        front.date = day
            .and_hms_opt(0, 0, 0)
            .and_then(|t| timezone.from_local_datetime(&t).single());
        front.date_given = true;
    }
    let split_words = |names: Vec<String>| -> Vec<String> {
        names
            .iter()
            .flat_map(|n| n.split_whitespace())
            .map(str::to_owned)
            .collect()
    };
    if front.categories.len() == 1 && front.categories[0].value.len() == 1 {
        let lone = front.categories.remove(0);
        let position = lone.position;
        front.categories = split_words(lone.value)
            .into_iter()
            .map(|name| Located {
                value: vec![name],
                position,
            })
            .collect();
    }
    if front.tags.len() == 1 {
        let lone = front.tags.remove(0);
        front.tags = split_words(vec![lone.value])
            .into_iter()
            .map(|value| Located {
                value,
                position: lone.position,
            })
            .collect();
    }
}

/// Front matter as written, for `lemma import`: each top-level key with its place and value.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawEntries {
    pub entries: Vec<(Located<String>, serde_json::Value)>,
    pub body_offset: usize,
}

/// The front matter of `file` as written, whatever its format; an error when it cannot be
/// read.
pub(crate) fn raw_entries(file: &SourceFile) -> Result<RawEntries, Diagnostic> {
    let block = match split::split(&file.path, &file.text) {
        Split::None => return Ok(RawEntries::default()),
        Split::Broken(d) => return Err(d),
        Split::Block(block) => block,
    };
    let mut diagnostics = Diagnostics::new();
    let check = Checker {
        file,
        lines: LineIndex::new(&file.text),
        block: &block,
        diagnostics: &mut diagnostics,
    };
    let entries = match serde_saphyr::from_str::<Entries>(&block.yaml) {
        Ok(Entries(entries)) => entries,
        Err(e) => {
            let at = e.location().map(|l| check.locate(&l));
            let at = at.unwrap_or_else(|| check.lines.position(&file.text, block.start));
            return Err(yaml_error_at(&file.path, &e, at, &file.text));
        }
    };
    let entries = entries
        .into_iter()
        .map(|(key, value)| {
            let position = check.place(&key);
            (
                Located {
                    value: key.value,
                    position,
                },
                value,
            )
        })
        .collect();
    Ok(RawEntries {
        entries,
        body_offset: block.body_offset,
    })
}

/// Top-level keys with their places, and their values.
struct Entries(Vec<(Spanned<String>, serde_json::Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value::<serde_json::Value>()?));
                }
                Ok(Entries(entries))
            }
            fn visit_unit<E>(self) -> Result<Entries, E> {
                Ok(Entries(Vec::new()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Checks values one by one, reporting at their file positions.
struct Checker<'a> {
    file: &'a SourceFile,
    lines: LineIndex,
    block: &'a Block<'a>,
    diagnostics: &'a mut Diagnostics,
}

impl Checker<'_> {
    /// The file position of a place in the text serde-saphyr read.
    fn locate(&self, location: &Location) -> Position {
        let Some(map) = &self.block.map else {
            return yaml_position(location, self.block.start, &self.file.text, &self.lines);
        };
        let span = location.span();
        let json = &self.block.yaml;
        let offset = span.byte_offset().map(|b| b as usize).unwrap_or_else(|| {
            json.char_indices()
                .nth(span.offset() as usize)
                .map_or(json.len(), |(byte, _)| byte)
        });
        let in_file = self.block.start + map.to_source(offset);
        self.lines.position(&self.file.text, in_file)
    }

    fn place<T>(&self, value: &Spanned<T>) -> Position {
        self.locate(&value.referenced)
    }

    /// Warns once per unknown key, at its line; returns the keys of other generators that
    /// lemma ignores, for one warning per key over the whole site.
    fn warn_unknown_keys(&mut self) -> Vec<Located<String>> {
        let Ok(Entries(entries)) = serde_saphyr::from_str::<Entries>(&self.block.yaml) else {
            return Vec::new();
        };
        let mut peers = Vec::new();
        for (key, _) in entries {
            let position = self.place(&key);
            let name = key.value;
            if KNOWN_KEYS.contains(&name.as_str()) || READ_SPELLINGS.contains(&name.as_str()) {
                continue;
            }
            if PEER_KEYS.contains(&name.as_str()) {
                peers.push(Located {
                    value: name,
                    position,
                });
                continue;
            }
            let known = KNOWN_KEYS.join(", ");
            let message = format!(
                "unknown front matter key `{name}` is ignored (known keys: {known}; put your own under `extra:`)"
            );
            let d = Diagnostic::warning(&self.file.path, position, message);
            self.diagnostics.push(d.with_snippet(&self.file.text));
        }
        peers
    }

    fn validate(&mut self, raw: RawFrontMatter, timezone: FixedOffset) -> FrontMatter {
        let title = raw.title.map(|t| self.text("title", t).value);
        let author = raw.author.map(|t| self.text("author", t).value);
        let slug = raw.slug.map(|t| self.text("slug", t));
        let series = raw.series.map(|t| self.text("series", t).value);
        let summary = raw.summary.map(|t| self.text("summary", t));
        let permalink = raw.permalink.map(|t| self.text("permalink", t));
        let id = raw.id.map(|id| Located {
            position: self.place(&id),
            value: id.value,
        });
        let math_off = [raw.mathjax, raw.katex, raw.use_math].contains(&Some(false));
        let (math, macros) = self.math(raw.math);
        let (categories, categories_flat_list) = self.categories(raw.categories);
        FrontMatter {
            title: title.filter(|t| !t.trim().is_empty()),
            author: author.filter(|a| !a.trim().is_empty()),
            toc: raw.toc,
            date_given: raw.date.is_some(),
            date: self.date("date", raw.date, timezone),
            updated: self.date("updated", raw.updated, timezone),
            id,
            slug,
            categories,
            categories_flat_list,
            tags: self.tags(raw.tags),
            series: series.filter(|s| !s.trim().is_empty()),
            draft: raw.draft || raw.published == Some(false),
            summary,
            aliases: raw
                .aliases
                .into_iter()
                .map(|a| self.text("aliases", a))
                .collect(),
            extra: self.extra(raw.extra),
            macros,
            math: math && !math_off,
            permalink,
            excerpt_separator: raw.excerpt_separator.filter(|s| !s.trim().is_empty()),
        }
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

    /// `tags:` or `categories:` as paths of names; every item that is neither a string nor
    /// a list of strings is an error of its own.
    fn terms(
        &mut self,
        field: &str,
        singular: &str,
        value: Option<Spanned<Terms>>,
    ) -> (Vec<Located<Vec<String>>>, bool) {
        let Some(value) = value else {
            return (Vec::new(), false);
        };
        let field_place = self.place(&value);
        let mut paths = Vec::new();
        for term in value.value.items {
            let (place, which) = match &term.place {
                Some((index, location)) => (self.locate(location), format!("item {index}")),
                None => (field_place, "it".to_string()),
            };
            match term.value {
                Ok(names) => {
                    let mut found = Vec::new();
                    let names = names
                        .into_iter()
                        .map(|n| clean_string(n, &mut found))
                        .collect();
                    self.warn_replaced(place, field, &found);
                    paths.push(Located {
                        value: names,
                        position: place,
                    });
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
        (paths, value.value.flat_list)
    }

    fn categories(&mut self, value: Option<Spanned<Terms>>) -> (Vec<Located<Vec<String>>>, bool) {
        self.terms("categories", "category", value)
    }

    /// Tags do not nest: a list item that is a list is an error.
    fn tags(&mut self, value: Option<Spanned<Terms>>) -> Vec<Located<String>> {
        let (paths, _) = self.terms("tags", "tag", value);
        let mut tags = Vec::new();
        for path in paths {
            match <[String; 1]>::try_from(path.value) {
                Ok([name]) => tags.push(Located {
                    value: name,
                    position: path.position,
                }),
                Err(_) => self.error(
                    path.position,
                    "`tags` must be a string or a list of strings; this item is a list (tags do not nest: write each tag as a string item of its own)".into(),
                ),
            }
        }
        tags
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

    /// Whether math is on, and the article's macros.
    fn math(&mut self, value: Option<Spanned<MathSetting>>) -> (bool, BTreeMap<String, String>) {
        let Some(value) = value else {
            return (true, BTreeMap::new());
        };
        let place = self.place(&value);
        let settings = match value.value {
            MathSetting::Switch(on) => return (on, BTreeMap::new()),
            MathSetting::Settings(settings) => settings,
        };
        let mut found = Vec::new();
        let macros = settings
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
        (true, macros)
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

    fn categories(front: &FrontMatter) -> Vec<Vec<&str>> {
        front
            .categories
            .iter()
            .map(|c| c.value.iter().map(String::as_str).collect())
            .collect()
    }

    fn tags(front: &FrontMatter) -> Vec<&str> {
        front.tags.iter().map(|t| t.value.as_str()).collect()
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
        assert_eq!(categories(&parsed.front), [vec!["数学研究"]]);
        assert_eq!(tags(&parsed.front), ["a", "b"]);
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
        let (parsed, diagnostics) = parse_file(&file("---\ntitle: ok\nmathjx: true\n---\n"), tz());
        assert!(parsed.is_some());
        assert_eq!(diagnostics.len(), 1);
        assert!(!diagnostics[0].is_error());
        assert_eq!(diagnostics[0].position, Position::new(3, 1));
        assert!(diagnostics[0].message.contains("mathjx"));
    }

    #[test]
    fn keys_of_other_generators_are_kept_for_one_summary() {
        let text = "---\ntitle: ok\nlayout: post\ncomments: true\n---\n";
        let (parsed, diagnostics) = parse_file(&file(text), tz());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let keys: Vec<(String, usize)> = parsed
            .unwrap()
            .peer_keys
            .into_iter()
            .map(|k| (k.value, k.position.line))
            .collect();
        assert_eq!(keys, [("layout".into(), 3), ("comments".into(), 4)]);
    }

    #[test]
    fn math_is_a_switch_an_engine_or_settings() {
        for (value, on) in [
            ("math: true", true),
            ("math: false", false),
            ("math: mathjax", true),
            ("math: katex", true),
            ("mathjax: false", false),
            ("math:\n  macros:\n    \"\\\\R\": \"\\\\mathbb{R}\"", true),
        ] {
            let text = format!("---\ntitle: t\n{value}\n---\n");
            let (parsed, diagnostics) = parse_file(&file(&text), tz());
            assert!(diagnostics.is_empty(), "{value}: {diagnostics:?}");
            assert_eq!(parsed.unwrap().front.math, on, "{value}");
        }
        let (parsed, diagnostics) = parse_file(&file("---\nmath: maybe\n---\n"), tz());
        assert!(parsed.is_none());
        assert_eq!(diagnostics[0].position.line, 2, "{}", diagnostics[0]);
        assert!(
            diagnostics[0].message.contains("katex, mathjax"),
            "{}",
            diagnostics[0]
        );
    }

    #[test]
    fn hexo_hierarchical_categories_are_paths() {
        let text = "---\ncategories: [[GPU, CUDA], [GPU, 虚拟化]]\ntags: [KVM]\n---\n";
        let (parsed, diagnostics) = parse_file(&file(text), tz());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let front = parsed.unwrap().front;
        assert_eq!(
            categories(&front),
            [vec!["GPU", "CUDA"], vec!["GPU", "虚拟化"]]
        );
        let text = "---\ncategories:\n- [Diary, PlayStation]\n- Life\n---\n";
        let (parsed, _) = parse_file(&file(text), tz());
        let front = parsed.unwrap().front;
        assert_eq!(
            categories(&front),
            [vec!["Diary", "PlayStation"], vec!["Life"]]
        );
        assert_eq!(front.categories[1].position, Position::new(4, 3));
        let (parsed, _) = parse_file(&file("---\ncategories: [Diary, Life]\n---\n"), tz());
        let mut front = parsed.unwrap().front;
        assert_eq!(categories(&front), [vec!["Diary"], vec!["Life"]]);
        front.read_categories_as_path();
        assert_eq!(categories(&front), [vec!["Diary", "Life"]]);
    }

    #[test]
    fn toml_and_json_front_matter_report_file_positions() {
        let text = "+++\ntitle = \"T\"\ndate = 2024-03-17\ntags = [\"a\", 3]\n+++\nbody\n";
        let (parsed, diagnostics) = parse_file(&file(text), tz());
        let parsed = parsed.unwrap();
        assert_eq!(parsed.front.title.as_deref(), Some("T"));
        assert_eq!(
            parsed.front.date.unwrap().to_rfc3339(),
            "2024-03-17T00:00:00+08:00"
        );
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(
            diagnostics[0].position,
            Position::new(4, 14),
            "{}",
            diagnostics[0]
        );
        assert_eq!(&text[parsed.body_offset..], "body\n");
        let text = "+++\ntitle = \"T\"\nid = \"x\"\n+++\n";
        let (parsed, diagnostics) = parse_file(&file(text), tz());
        assert!(parsed.is_none());
        assert_eq!(
            diagnostics[0].position,
            Position::new(3, 6),
            "{}",
            diagnostics[0]
        );
        let text = "{\n  \"title\": \"J\",\n  \"categories\": [\"Dev\", \"VIM\"],\n  \"layout\": \"x\"\n}\nbody\n";
        let (parsed, diagnostics) = parse_file(&file(text), tz());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let parsed = parsed.unwrap();
        assert_eq!(categories(&parsed.front), [vec!["Dev"], vec!["VIM"]]);
        assert_eq!(parsed.peer_keys[0].position, Position::new(4, 3));
        assert_eq!(&text[parsed.body_offset..], "body\n");
    }

    #[test]
    fn indented_yaml_is_read() {
        let text = "---\n  title: T\n  tags: [a]\n  bogus: 1\n---\n";
        let (parsed, diagnostics) = parse_file(&file(text), tz());
        assert_eq!(tags(&parsed.unwrap().front), ["a"]);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].position, Position::new(4, 3));
    }

    #[test]
    fn jekyll_file_names_give_date_and_split_categories() {
        let post = |text: &str| {
            SourceFile::new(
                "content/_posts/2022-10-09-hello.md".into(),
                "_posts/2022-10-09-hello.md".into(),
                text.into(),
            )
        };
        let (parsed, diagnostics) = parse_file(&post("---\ncategories: math notes\n---\n"), tz());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let front = parsed.unwrap().front;
        assert_eq!(
            front.date.unwrap().to_rfc3339(),
            "2022-10-09T00:00:00+08:00"
        );
        assert!(front.date_given);
        assert_eq!(categories(&front), [vec!["math"], vec!["notes"]]);
        let (parsed, _) = parse_file(
            &post("---\ndate: 2023-01-02\npublished: false\n---\n"),
            tz(),
        );
        let front = parsed.unwrap().front;
        assert_eq!(
            front.date.unwrap().to_rfc3339(),
            "2023-01-02T00:00:00+08:00"
        );
        assert!(front.draft);
        assert_eq!(
            dated_file_name("a/2022-10-09-hello.md"),
            NaiveDate::from_ymd_opt(2022, 10, 9).map(|d| (d, "hello"))
        );
        assert_eq!(dated_file_name("a/2022-10-09.md"), None);
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
        assert_eq!(tags(&parsed.unwrap().front), ["a"]);
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
