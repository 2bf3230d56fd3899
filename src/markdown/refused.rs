//! Formulas pulldown-cmark refused: it reads `$…$` and `$$…$$` as math only when their braces
//! balance, and otherwise leaves them as text. The author meant a formula, so lemma finds such
//! spans in the text and reports the brace that is wrong, instead of publishing raw TeX.
//!
//! The scan reads the Markdown source, not the text events: CommonMark escapes (`\{`, `\\`,
//! `\$`) are TeX to the author, and the events have already undone them.

use crate::diagnostics::Position;
use crate::math::tex::is_escaped;

/// One refused formula: where its offending brace is, and where the formula opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refused {
    pub brace: usize,
    pub opening: usize,
    pub display: bool,
    /// `true` for a `}` that closes nothing, `false` for a `{` never closed.
    pub stray_close: bool,
}

impl Refused {
    /// The message, given the position of the formula's opening.
    pub(super) fn message(&self, opening: Position) -> String {
        let formula = if self.display { "`$$…$$`" } else { "`$…$`" };
        let Position { line, column } = opening;
        let (what, fix) = if self.stray_close {
            (
                "this `}` closes nothing",
                "remove it, or write `\\}` for a literal brace",
            )
        } else {
            (
                "this `{` is never closed",
                "add the matching `}`, or write `\\{` for a literal brace",
            )
        };
        format!(
            "{what}, so the {formula} formula around it (from line {line}, column {column}) is not read as math; {fix}"
        )
    }
}

/// The refused formulas in `source`, a run of text (and line breaks) of one paragraph.
pub(super) fn find(source: &str) -> Vec<Refused> {
    let dollars: Vec<usize> = source
        .match_indices('$')
        .map(|(at, _)| at)
        .filter(|&at| !is_escaped(source, at))
        .collect();
    let mut refused = Vec::new();
    let mut i = 0;
    while i + 1 < dollars.len() {
        let open = dollars[i];
        if dollars[i + 1] == open + 1 {
            // `$$`: display math up to the next `$$`; with none, the rest is text.
            let Some(close) =
                (i + 2..dollars.len() - 1).find(|&j| dollars[j + 1] == dollars[j] + 1)
            else {
                break;
            };
            let inner = open + 2..dollars[close];
            refused.extend(check(source, inner, open, true));
            i = close + 2;
            continue;
        }
        let inner = open + 1..dollars[i + 1];
        let text = &source[inner.clone()];
        // Prose with two prices (`$5 and $10`) is not a formula: math hugs its dollars.
        let looks_like_math = !text.is_empty()
            && !text.starts_with(char::is_whitespace)
            && !text.ends_with(char::is_whitespace);
        match looks_like_math
            .then(|| check(source, inner, open, false))
            .flatten()
        {
            Some(found) => {
                refused.push(found);
                i += 2;
            }
            None => i += 1,
        }
    }
    refused
}

fn check(
    source: &str,
    inner: std::ops::Range<usize>,
    opening: usize,
    display: bool,
) -> Option<Refused> {
    let (at, stray_close) = unbalanced_brace(&source[inner.clone()])?;
    Some(Refused {
        brace: inner.start + at,
        opening,
        display,
        stray_close,
    })
}

/// The first `}` that closes nothing, or else the last `{` never closed; `\{` and `\}` are
/// literal braces.
fn unbalanced_brace(tex: &str) -> Option<(usize, bool)> {
    let mut open: Vec<usize> = Vec::new();
    let mut chars = tex.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => open.push(at),
            '}' if open.pop().is_none() => return Some((at, true)),
            _ => {}
        }
    }
    open.pop().map(|at| (at, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn braces(source: &str) -> Vec<(&str, bool)> {
        find(source)
            .iter()
            .map(|r| (&source[r.brace..], r.display))
            .collect()
    }

    #[test]
    fn unclosed_and_stray_braces_in_both_kinds() {
        assert_eq!(braces("由 $\\frac{1}{$ 可得"), [("{$ 可得", false)]);
        assert_eq!(braces("$$\nx = \\frac{1}{2\n$$"), [("{2\n$$", true)]);
        assert_eq!(braces("$$a}$$ and $b$"), [("}$$ and $b$", true)]);
    }

    #[test]
    fn escaped_braces_and_dollars_are_literal() {
        assert!(find("$$\n\\{ a\n$$").is_empty());
        assert_eq!(braces("$$\n\\{ a }\n$$"), [("}\n$$", true)]);
        assert!(find("costs \\$5 {or} \\$6").is_empty());
        assert!(find("$a\\\\{b}$").is_empty());
    }

    #[test]
    fn prices_are_not_formulas() {
        assert!(find("from $5 {to} $10").is_empty());
        assert!(find("just $$ and { text").is_empty());
    }

    #[test]
    fn message_names_the_formula_and_the_fix() {
        let r = &find("$$\n{a\n$$")[0];
        let message = r.message(Position::new(6, 1));
        assert!(message.contains("never closed"), "{message}");
        assert!(message.contains("`$$…$$` formula"), "{message}");
        assert!(message.contains("from line 6, column 1"), "{message}");
    }
}
