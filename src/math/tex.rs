//! The little TeX lexing the math stage needs: control sequences, `{…}` groups, escapes.
//!
//! Formulas are untrusted text in any script. Every offset these functions return lies on a
//! character boundary of the TeX, so callers can slice with it: a control symbol is a backslash
//! and one *character* (`\，` is four bytes, not two).

/// End of the control sequence whose backslash is at `start`: `\frac` (letters), `\{` or `\，`
/// (one character of any width), or just the backslash at the end of the TeX.
pub(crate) fn control_sequence_end(tex: &str, start: usize) -> usize {
    let rest = &tex[start + 1..];
    let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    let name_len = if letters == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        letters
    };
    start + 1 + name_len
}

/// Whether the character at `at` follows an odd number of backslashes.
pub(crate) fn is_escaped(tex: &str, at: usize) -> bool {
    tex[..at].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// The content of a `{…}` group after optional spaces at `from`, and the offset after it;
/// `(None, from)` when there is no group or it is never closed.
pub(crate) fn braced(tex: &str, from: usize) -> (Option<&str>, usize) {
    let skipped = tex[from..].len() - tex[from..].trim_start().len();
    let open = from + skipped;
    if !tex[open..].starts_with('{') {
        return (None, from);
    }
    let mut depth = 0usize;
    for (i, c) in tex[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return (Some(&tex[open + 1..open + i]), open + i + 1);
                }
            }
            _ => {}
        }
    }
    (None, from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_symbols_are_one_character_of_any_width() {
        let tex = "a\\，b";
        let end = control_sequence_end(tex, 1);
        assert_eq!(&tex[1..end], "\\，");
        assert_eq!(control_sequence_end("\\frac{1}", 0), 5);
        assert_eq!(control_sequence_end("x\\", 1), 2);
    }

    #[test]
    fn groups_nest_and_may_be_unclosed() {
        assert_eq!(braced("  {a{b}}c", 0), (Some("a{b}"), 8));
        assert_eq!(braced("{a", 0), (None, 0));
        assert_eq!(braced("x", 0), (None, 0));
    }
}
