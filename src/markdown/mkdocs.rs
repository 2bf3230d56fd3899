//! Source preparation before pulldown-cmark sees an article, for two kinds of text that
//! CommonMark's block rules would wreck.
//!
//! A `$$` block is one paragraph to pulldown-cmark, whose block rules apply inside it: a line
//! `=` after `\end{bmatrix}` turns the formula into a setext heading, a line `- b` into a list.
//! lemma indents such lines by four more spaces, which CommonMark reads as the paragraph going on.
//!
//! MkDocs' admonitions (`!!! note`, `??? tip`) and content tabs (`=== "Tab"`) indent their
//! bodies by four spaces, which CommonMark reads as a code block: every formula inside would
//! become literal text. lemma turns each such block into a blockquote whose first line is the
//! block's kind and title, by replacing the marker and each body line's indent with a `>` of
//! the same width. Only an empty line inside a block grows (by its `>`); [`Shifts`] maps
//! offsets back, so every diagnostic still points at the author's source.

use std::borrow::Cow;

const MARKERS: [&str; 4] = ["!!!", "???+", "???", "==="];

/// The marker of a block opener line and the column it starts at.
fn opener(line: &str) -> Option<(usize, &'static str)> {
    // Blocks nest: an inner opener sits behind the quotes its outer block got.
    let indent = line.len() - line.trim_start_matches([' ', '>']).len();
    let rest = &line[indent..];
    let marker = MARKERS.iter().find(|m| rest.starts_with(**m))?;
    let after = &rest[marker.len()..];
    after
        .starts_with(' ')
        .then_some((indent, *marker))
        .filter(|_| !after.trim().is_empty())
}

/// Maps offsets of the prepared text back to the original: lines keep their numbers, and a
/// line may have gained bytes at its start.
#[derive(Debug, Clone, Default)]
pub(super) struct Shifts {
    /// Per line with a shift: (prepared line start, original line start, bytes added).
    lines: Vec<(usize, usize, usize)>,
}

impl Shifts {
    pub(super) fn to_original(&self, prepared: usize) -> usize {
        let index = self
            .lines
            .partition_point(|&(start, _, _)| start <= prepared);
        match index.checked_sub(1).map(|i| self.lines[i]) {
            Some((start, original, added)) => original + (prepared - start).saturating_sub(added),
            None => prepared,
        }
    }
}

/// The body with MkDocs blocks rewritten as blockquotes, and the map back to the original.
pub(super) fn prepare(body: &str) -> (Cow<'_, str>, Shifts) {
    if !body.lines().any(|line| opener(line).is_some()) && !has_block_syntax_in_display_math(body) {
        return (Cow::Borrowed(body), Shifts::default());
    }
    let mut lines: Vec<String> = body.split_inclusive('\n').map(str::to_owned).collect();
    let original_lengths: Vec<usize> = lines.iter().map(String::len).collect();
    let mut i = 0;
    while i < lines.len() {
        if let Some((column, marker)) = opener(&lines[i]) {
            let quote = format!("{:<width$}", ">", width = marker.len());
            lines[i].replace_range(column..column + marker.len(), &quote);
            quote_body(&mut lines[i + 1..], column);
        }
        i += 1;
    }
    protect_display_math(&mut lines);
    let mut shifts = Shifts::default();
    let (mut prepared_start, mut original_start) = (0, 0);
    for (line, original_length) in lines.iter().zip(original_lengths) {
        shifts
            .lines
            .push((prepared_start, original_start, line.len() - original_length));
        prepared_start += line.len();
        original_start += original_length;
    }
    (Cow::Owned(lines.concat()), shifts)
}

/// The line without the indent and quotes in front of it.
fn content(line: &str) -> &str {
    line.trim_start_matches([' ', '>'])
}

fn is_fence(line: &str) -> bool {
    let content = content(line);
    content.starts_with("```") || content.starts_with("~~~")
}

/// Whether a line inside a `$$` block would start a block of its own.
fn starts_block(line: &str) -> bool {
    let content = content(line);
    let Some(first) = content.chars().next() else {
        return false;
    };
    let numbered = content.trim_start_matches(|c: char| c.is_ascii_digit());
    "=-+*#>`~|<_".contains(first)
        || (numbered.len() < content.len()
            && (numbered.starts_with(". ") || numbered.starts_with(") ")))
}

/// The lines strictly inside multi-line `$$` blocks, outside code fences.
fn display_math_inner_lines<S: AsRef<str>>(lines: &[S]) -> Vec<usize> {
    let mut inner = Vec::new();
    let (mut in_fence, mut in_math) = (false, false);
    for (i, line) in lines.iter().enumerate() {
        let line = line.as_ref();
        if !in_math && is_fence(line) {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let dollars = line.matches("$$").count();
        if in_math {
            if dollars % 2 == 1 {
                in_math = false;
            } else if !line.trim().is_empty() {
                inner.push(i);
            }
        } else if dollars % 2 == 1 {
            in_math = true;
        }
    }
    inner
}

fn has_block_syntax_in_display_math(body: &str) -> bool {
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    display_math_inner_lines(&lines)
        .into_iter()
        .any(|i| starts_block(lines[i]))
}

fn protect_display_math(lines: &mut [String]) {
    for i in display_math_inner_lines(lines) {
        if starts_block(&lines[i]) {
            let at = lines[i].len() - content(&lines[i]).len();
            lines[i].insert_str(at, "    ");
        }
    }
}

/// Quotes the block's body lines: the four-space indent at `column` becomes `>   `, and blank
/// lines between body lines get a `>` so the quote does not end there.
fn quote_body(lines: &mut [String], column: usize) {
    let mut blank = Vec::new();
    for i in 0..lines.len() {
        let line = &lines[i];
        if is_blank(line) {
            blank.push(i);
            continue;
        }
        let in_block = line
            .get(..column)
            .is_some_and(|prefix| prefix.bytes().all(|b| b == b' ' || b == b'>'));
        // MkDocs reads a tab as four spaces of indent.
        let indent = if line.get(column..column + 4) == Some("    ") {
            4
        } else if line.get(column..column + 1) == Some("\t") {
            1
        } else {
            0
        };
        if !in_block || indent == 0 {
            break;
        }
        lines[i].replace_range(column..column + indent, ">   ");
        for b in blank.drain(..) {
            quote_blank(&mut lines[b], column);
        }
    }
}

/// A CommonMark blank line: spaces and tabs only. (`str::trim` would also take an ideographic
/// space for blank, and the column arithmetic below would then cut into it.)
fn is_blank(line: &str) -> bool {
    line.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// A blank line inside a block: `>` at the block's column, growing the line only if it is
/// too short to hold it.
fn quote_blank(line: &mut String, column: usize) {
    let ending = line.len() - line.trim_end_matches(['\n', '\r']).len();
    let content_length = line.len() - ending;
    if content_length > column {
        line.replace_range(column..column + 1, ">");
    } else {
        let padding = " ".repeat(column - content_length);
        line.insert_str(content_length, &format!("{padding}>"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admonition_body_becomes_a_blockquote() {
        let body = "text\n\n!!! note \"标题\"\n    公式 $x$\n\n    第二段\n\nafter\n";
        let (prepared, shifts) = prepare(body);
        assert_eq!(
            prepared,
            "text\n\n>   note \"标题\"\n>   公式 $x$\n>\n>   第二段\n\nafter\n"
        );
        let dollar = prepared.find('$').unwrap();
        assert_eq!(shifts.to_original(dollar), body.find('$').unwrap());
        let second = prepared.find("第二段").unwrap();
        assert_eq!(shifts.to_original(second), body.find("第二段").unwrap());
    }

    #[test]
    fn tab_indented_bodies_count_as_four_spaces() {
        let body = "!!! info \"Definition\"\n\tThe $x$ here\n";
        let (prepared, shifts) = prepare(body);
        assert_eq!(prepared, ">   info \"Definition\"\n>   The $x$ here\n");
        assert_eq!(
            shifts.to_original(prepared.find('$').unwrap()),
            body.find('$').unwrap()
        );
    }

    #[test]
    fn nested_blocks_nest_quotes() {
        let body = "??? tip\n    outer\n    === \"Tab\"\n        inner\n";
        assert_eq!(
            prepare(body).0,
            ">   tip\n>   outer\n>   >   \"Tab\"\n>   >   inner\n"
        );
    }

    #[test]
    fn block_syntax_inside_display_math_is_indented_away() {
        let body = "$$\n\\begin{bmatrix}a\\end{bmatrix}\n=\n- b\n$$\n\n```\n$$\n= code\n```\n";
        let (prepared, shifts) = prepare(body);
        assert_eq!(
            prepared,
            "$$\n\\begin{bmatrix}a\\end{bmatrix}\n    =\n    - b\n$$\n\n```\n$$\n= code\n```\n"
        );
        assert_eq!(
            shifts.to_original(prepared.find("- b").unwrap()),
            body.find("- b").unwrap()
        );
    }

    #[test]
    fn a_line_of_ideographic_spaces_is_text_not_a_blank_line() {
        let body = " !!! note\n     x\n\u{3000}\n     y\n";
        let (prepared, _) = prepare(body);
        assert_eq!(prepared, " >   note\n >   x\n\u{3000}\n     y\n");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let body = "惊叹!!! 不是块\n    code\n";
        assert!(matches!(prepare(body).0, Cow::Borrowed(_)));
    }
}
