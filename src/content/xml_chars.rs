//! Characters XML 1.0 forbids: the C0 control characters other than tab, line feed and
//! carriage return, and the noncharacters U+FFFE and U+FFFF. One of them in `atom.xml` or
//! `sitemap.xml` makes the whole file ill-formed, and feed readers then drop the feed.
//!
//! Authors never mean them: a form feed comes from text pasted out of a PDF, an escape
//! sequence from a terminal. So the text of every source file is cleaned as it is read, each
//! such character replaced by one of the same UTF-8 length (a space, or U+FFFD), which keeps
//! every byte offset, line and column of the file as the author sees them; the author is told
//! where they were. Values built by YAML escapes (`"\f"`) are cleaned the same way, and the
//! render stage removes any that remain (from a template or `lemma.yaml`) from XML output.

use std::borrow::Cow;

use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, Position};

/// One character replaced in a source file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replaced {
    /// Byte offset in the file.
    pub offset: usize,
    pub char: char,
}

pub(crate) fn is_forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Cheap test for the common case: most files hold none.
fn has_forbidden(text: &str) -> bool {
    text.bytes()
        .any(|b| b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r'))
        || text.contains(['\u{FFFE}', '\u{FFFF}'])
}

/// The replacement, of the same UTF-8 length: a space for a control, U+FFFD for the others.
fn substitute(c: char) -> char {
    if c < ' ' { ' ' } else { '\u{FFFD}' }
}

/// Replaces every forbidden character of `text` in place; returns what was replaced.
pub(crate) fn replace_in_text(text: &mut String) -> Vec<Replaced> {
    if !has_forbidden(text) {
        return Vec::new();
    }
    let mut replaced = Vec::new();
    let mut clean = String::with_capacity(text.len());
    for (offset, c) in text.char_indices() {
        if is_forbidden(c) {
            replaced.push(Replaced { offset, char: c });
            clean.push(substitute(c));
        } else {
            clean.push(c);
        }
    }
    *text = clean;
    replaced
}

/// Replaces the forbidden characters of a value; returns the distinct ones found, in order.
pub(crate) fn replace_in_value(value: &mut String) -> Vec<char> {
    let replaced = replace_in_text(value);
    let mut found: Vec<char> = Vec::new();
    for r in replaced {
        if !found.contains(&r.char) {
            found.push(r.char);
        }
    }
    found
}

/// `text` without its forbidden characters: the last line of defence for XML output.
pub(crate) fn remove_forbidden(text: &str) -> Cow<'_, str> {
    if has_forbidden(text) {
        Cow::Owned(text.chars().filter(|&c| !is_forbidden(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// `U+000C FORM FEED`.
pub(crate) fn describe(c: char) -> String {
    const C0: [&str; 32] = [
        "NULL",
        "START OF HEADING",
        "START OF TEXT",
        "END OF TEXT",
        "END OF TRANSMISSION",
        "ENQUIRY",
        "ACKNOWLEDGE",
        "BELL",
        "BACKSPACE",
        "CHARACTER TABULATION",
        "LINE FEED",
        "LINE TABULATION",
        "FORM FEED",
        "CARRIAGE RETURN",
        "SHIFT OUT",
        "SHIFT IN",
        "DATA LINK ESCAPE",
        "DEVICE CONTROL ONE",
        "DEVICE CONTROL TWO",
        "DEVICE CONTROL THREE",
        "DEVICE CONTROL FOUR",
        "NEGATIVE ACKNOWLEDGE",
        "SYNCHRONOUS IDLE",
        "END OF TRANSMISSION BLOCK",
        "CANCEL",
        "END OF MEDIUM",
        "SUBSTITUTE",
        "ESCAPE",
        "INFORMATION SEPARATOR FOUR",
        "INFORMATION SEPARATOR THREE",
        "INFORMATION SEPARATOR TWO",
        "INFORMATION SEPARATOR ONE",
    ];
    let name = C0.get(c as usize).copied().unwrap_or("NONCHARACTER");
    format!("U+{:04X} {name}", c as u32)
}

/// `U+000C FORM FEED, U+0001 START OF HEADING`.
pub(crate) fn describe_all(chars: &[char]) -> String {
    chars
        .iter()
        .map(|&c| describe(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The warning for forbidden characters found at a place of a file: in the value of `field`
/// (written with YAML escapes such as `"\f"`), or in the text itself when `field` is `None`.
pub(crate) fn warning(path: &str, at: Position, field: Option<&str>, found: &[char]) -> Diagnostic {
    let place = field.map(|f| format!(" in `{f}`")).unwrap_or_default();
    let (each, them) = match found.len() {
        1 => ("it", "it"),
        _ => ("each", "them"),
    };
    Diagnostic::warning(
        path,
        at,
        format!(
            "{}{place}: control characters cannot appear in XML (the feed, the sitemap), so lemma reads {each} as a space; delete {them} from the source",
            describe_all(found)
        ),
    )
}

/// Warns once per line of `text` that held replaced characters, at the first of them.
pub(crate) fn warn_replaced_in_text(
    path: &str,
    text: &str,
    replaced: &[Replaced],
    diagnostics: &mut Diagnostics,
) {
    if replaced.is_empty() {
        return;
    }
    let lines = LineIndex::new(text);
    let mut warnings: Vec<(Position, Vec<char>)> = Vec::new();
    for r in replaced {
        let position = lines.position(text, r.offset);
        match warnings.last_mut() {
            Some((last, chars)) if last.line == position.line => {
                if !chars.contains(&r.char) {
                    chars.push(r.char);
                }
            }
            _ => warnings.push((position, vec![r.char])),
        }
    }
    diagnostics.extend(
        warnings
            .into_iter()
            .map(|(place, chars)| warning(path, place, None, &chars).with_snippet(text)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_spaces_and_offsets_stay() {
        let mut text = String::from("a\x0cb\tc\n\u{FFFF}d\x00");
        let replaced = replace_in_text(&mut text);
        assert_eq!(text, "a b\tc\n\u{FFFD}d ");
        assert_eq!(
            replaced,
            [
                Replaced {
                    offset: 1,
                    char: '\x0c'
                },
                Replaced {
                    offset: 6,
                    char: '\u{FFFF}'
                },
                Replaced {
                    offset: 10,
                    char: '\0'
                },
            ]
        );
    }

    #[test]
    fn clean_text_is_left_alone() {
        let mut text = String::from("数学\r\n\tx");
        assert!(replace_in_text(&mut text).is_empty());
        assert_eq!(remove_forbidden("ok\u{7f}"), "ok\u{7f}");
        assert_eq!(remove_forbidden("o\x1bk\u{FFFE}"), "ok");
    }

    #[test]
    fn characters_are_named() {
        assert_eq!(describe('\x0c'), "U+000C FORM FEED");
        assert_eq!(describe('\x1b'), "U+001B ESCAPE");
        assert_eq!(describe('\u{FFFE}'), "U+FFFE NONCHARACTER");
    }

    #[test]
    fn one_warning_per_line_at_the_first_character() {
        let mut text = String::from("ok\na\x0cb\x0c\x01\nfine\n\x1b");
        let replaced = replace_in_text(&mut text);
        let mut found = Diagnostics::new();
        warn_replaced_in_text("a.md", &text, &replaced, &mut found);
        let warnings: Vec<Diagnostic> = found.into_iter().collect();
        let places: Vec<(usize, usize)> = warnings
            .iter()
            .map(|w| (w.position.line, w.position.column))
            .collect();
        assert_eq!(places, [(2, 2), (4, 1)]);
        assert!(
            warnings[0]
                .message
                .starts_with("U+000C FORM FEED, U+0001 START OF HEADING")
        );
    }
}
