//! Finding the front matter: YAML between `---` lines, TOML between `+++` lines (Hugo, Zola),
//! or a JSON object at the top of the file (Hugo).
//!
//! All three are read by serde-saphyr: JSON is YAML already, and TOML is rewritten as JSON
//! with an [`OffsetMap`] back to where each value was written, so that one validation serves
//! every format and every problem is reported at its line and column in the file.

use std::borrow::Cow;

use crate::diagnostics::{Diagnostic, LineIndex, Position};

/// The syntax of a front-matter block between fence lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Yaml,
    Toml,
}

impl Format {
    /// The delimiter line, for messages.
    fn fence(self) -> &'static str {
        match self {
            Format::Yaml => "---",
            Format::Toml => "+++",
        }
    }
}

/// Maps offsets of TOML rewritten as JSON back to the TOML: each entry is the start of a key
/// or value in the JSON and where it starts in the TOML.
#[derive(Debug, Clone, Default)]
pub(crate) struct OffsetMap {
    pub(super) points: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The TOML offset of the key or value that JSON offset `offset` is in.
    pub(crate) fn to_source(&self, offset: usize) -> usize {
        let index = self.points.partition_point(|&(json, _)| json <= offset);
        index.checked_sub(1).map_or(0, |i| self.points[i].1)
    }
}

/// One front-matter block.
#[derive(Debug, Clone)]
pub(crate) struct Block<'a> {
    /// What serde-saphyr reads: the YAML or JSON as written, or the TOML rewritten as JSON.
    pub yaml: Cow<'a, str>,
    /// Byte offset in the file of the text the block was written as.
    pub start: usize,
    /// For TOML: where each part of `yaml` was written.
    pub map: Option<OffsetMap>,
    pub body_offset: usize,
}

/// What the top of a file holds.
pub(crate) enum Split<'a> {
    /// No front matter: the whole file is body.
    None,
    Block(Block<'a>),
    /// Front matter that cannot be read at all; the error says why and where.
    Broken(Diagnostic),
}

/// Splits `text`, the file at `path`, into its front matter and body.
pub(crate) fn split<'a>(path: &str, text: &'a str) -> Split<'a> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    if looks_like_json(rest) {
        return json_block(path, text, start);
    }
    let format = if fence_line(rest, "---").is_some() {
        Format::Yaml
    } else if fence_line(rest, "+++").is_some() {
        Format::Toml
    } else {
        return Split::None;
    };
    let opening = fence_line(rest, format.fence()).unwrap_or(0);
    let inner_start = start + opening;
    let Some((inner_end, body_offset)) = closing_fence(text, inner_start, format) else {
        let message = format!(
            "front matter opened with `{}` is never closed (end it with a `{}` line)",
            format.fence(),
            format.fence()
        );
        let d = Diagnostic::error(path, Position::line_start(1), message).with_snippet(text);
        return Split::Broken(d);
    };
    let inner = &text[inner_start..inner_end];
    if format == Format::Yaml {
        return Split::Block(Block {
            yaml: Cow::Borrowed(inner),
            start: inner_start,
            map: None,
            body_offset,
        });
    }
    match super::toml::to_json(inner) {
        Ok((json, map)) => Split::Block(Block {
            yaml: Cow::Owned(json),
            start: inner_start,
            map: Some(map),
            body_offset,
        }),
        Err(e) => Split::Broken(toml_error(path, text, inner_start, &e)),
    }
}

/// Whether `text` opens a JSON object: `{` and then a key or `}`, not a Liquid `{%` tag or a
/// `{{` template that a body may start with.
fn looks_like_json(text: &str) -> bool {
    text.strip_prefix('{')
        .map(str::trim_start)
        .is_some_and(|rest| rest.starts_with(['"', '}']))
}

/// The length of the opening line when `text` starts with `fence` alone on its line
/// (trailing blanks allowed).
fn fence_line(text: &str, fence: &str) -> Option<usize> {
    let line = text.split_inclusive('\n').next()?;
    (line.trim_end() == fence).then_some(line.len())
}

/// The end of the front matter that starts at byte `from`, and where the body starts.
fn closing_fence(text: &str, from: usize, format: Format) -> Option<(usize, usize)> {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        // Trailing spaces and tabs after the closing fence are invisible to authors.
        let bare = line.trim_end();
        if bare == format.fence() || (format == Format::Yaml && bare == "...") {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

/// A JSON object at the top of the file: it ends where the object does (Hugo's rule).
fn json_block<'a>(path: &str, text: &'a str, start: usize) -> Split<'a> {
    let mut values =
        serde_json::Deserializer::from_str(&text[start..]).into_iter::<serde::de::IgnoredAny>();
    match values.next() {
        Some(Ok(_)) => {
            let end = start + values.byte_offset();
            let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
            Split::Block(Block {
                yaml: Cow::Borrowed(&text[start..end]),
                start,
                map: None,
                body_offset: line_end,
            })
        }
        Some(Err(e)) => {
            // serde_json counts lines from the object, which starts the file, and columns
            // in bytes.
            let at = json_error_position(text, start, e.line(), e.column());
            let message = format!("JSON front matter: {e}");
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.clone(), |(m, _)| m.to_string());
            Split::Broken(Diagnostic::error(path, at, message).with_snippet(text))
        }
        None => Split::None,
    }
}

/// The file position of serde_json's `line` and byte `column` in the JSON at `start`.
fn json_error_position(text: &str, start: usize, line: usize, column: usize) -> Position {
    let mut line_start = start;
    for (i, content) in text[start..].split_inclusive('\n').enumerate() {
        if i + 1 == line.max(1) {
            break;
        }
        line_start += content.len();
    }
    let line_text = text[line_start..].split('\n').next().unwrap_or("");
    let mut offset = line_start + column.saturating_sub(1).min(line_text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    LineIndex::new(text).position(text, offset)
}

fn toml_error(path: &str, text: &str, start: usize, error: &toml::de::Error) -> Diagnostic {
    let offset = start + error.span().map_or(0, |span| span.start);
    let position = LineIndex::new(text).position(text, offset);
    let message = error.message().trim().to_string();
    Diagnostic::error(path, position, format!("TOML: {message}")).with_snippet(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(text: &str) -> Block<'_> {
        match split("a.md", text) {
            Split::Block(block) => block,
            Split::None => panic!("no front matter"),
            Split::Broken(d) => panic!("{d}"),
        }
    }

    #[test]
    fn yaml_toml_and_json_are_found() {
        let yaml = block("---\ntitle: a\n---\nbody\n");
        assert_eq!((&*yaml.yaml, yaml.map.is_none()), ("title: a\n", true));
        let toml = block("+++\ntitle = \"a\"\n+++\nbody\n");
        assert_eq!(&*toml.yaml, "{\"title\":\"a\"}");
        let json = block("{\n  \"title\": \"a\"\n}\nbody\n");
        assert_eq!(
            (&*json.yaml, json.map.is_none()),
            ("{\n  \"title\": \"a\"\n}", true)
        );
        let text = "{\n  \"title\": \"a\"\n}\nbody\n";
        assert_eq!(&text[block(text).body_offset..], "body\n");
    }

    #[test]
    fn toml_values_map_back_to_their_place() {
        let text = "+++\ntitle = \"a\"\ntags = [\"x\", \"y\"]\n+++\n";
        let b = block(text);
        let map = b.map.as_ref().unwrap();
        let json_y = b.yaml.find("\"y\"").unwrap();
        assert_eq!(&text[b.start + map.to_source(json_y)..][..3], "\"y\"");
    }

    #[test]
    fn syntax_errors_are_at_their_file_line() {
        let Split::Broken(d) = split("a.md", "+++\ntitle = \"a\"\ntags = [x\n+++\n") else {
            panic!("TOML error not reported");
        };
        assert_eq!(d.position.line, 3, "{d}");
        let Split::Broken(d) = split("a.md", "{\n  \"title\": \"a\",\n  oops\n}\n") else {
            panic!("JSON error not reported");
        };
        assert_eq!(d.position.line, 3, "{d}");
    }
}
