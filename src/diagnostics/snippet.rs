//! The piece of a source line printed under a diagnostic.
//!
//! A line can be megabytes long (a minified table, a pasted data dump), and one such line can
//! hold thousands of problems. Each diagnostic therefore keeps a window of at most
//! [`WIDTH`] columns around its column, never the whole line, and finds that window from a
//! byte offset by looking only at the characters it shows: the cost of a snippet does not grow
//! with the line or the file.

/// The most display columns a snippet shows (an East Asian wide character counts two).
pub(super) const WIDTH: usize = 120;

/// Marks the end where a snippet cuts its line.
const CUT: char = '…';

/// A source line, or the window of it around a problem, and where the caret goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The line as written when it is short; otherwise a window with `…` at each cut end.
    /// (Boxed: every diagnostic carries one, and diagnostics travel in `Result`s.)
    pub text: Box<str>,
    /// 1-based character column of the caret within `text`.
    pub caret: usize,
}

impl Snippet {
    /// The line around byte `offset` of `text`, looking at no more than [`WIDTH`] columns on
    /// each side of it.
    pub fn around(text: &str, offset: usize) -> Snippet {
        let mut at = offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let before = Side::before(text, at);
        let after = Side::after(text, at);
        if !before.cut && !after.cut && before.width + after.width <= WIDTH {
            return Snippet {
                text: text[before.start()..after.end()].into(),
                caret: before.chars.len() + 1,
            };
        }
        // Centre the caret, unless the line ends soon after it: then show more before.
        let left_budget = (WIDTH / 2).max(WIDTH.saturating_sub(after.width));
        let (left, left_width) = before.take(left_budget);
        let (right, _) = after.take(WIDTH - left_width);
        let left_cut = before.cut || left < before.chars.len();
        let right_cut = after.cut || right < after.chars.len();
        let start = if left == 0 {
            at
        } else {
            before.chars[left - 1].0
        };
        let end = if right == 0 {
            at
        } else {
            let (index, c) = after.chars[right - 1];
            index + c.len_utf8()
        };
        let mut shown = String::with_capacity(end - start + 2 * CUT.len_utf8());
        if left_cut {
            shown.push(CUT);
        }
        shown.push_str(&text[start..end]);
        if right_cut {
            shown.push(CUT);
        }
        Snippet {
            text: shown.into_boxed_str(),
            caret: usize::from(left_cut) + left + 1,
        }
    }

    /// `line` (one line, without its line break) with the caret at character `column`.
    pub fn in_line(line: &str, column: usize) -> Snippet {
        let offset = line
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i);
        Snippet::around(line, offset)
    }
}

/// The characters on one side of the caret, nearest first, up to [`WIDTH`] columns.
struct Side {
    /// Byte index and character; `before` lists them backwards from the caret.
    chars: Vec<(usize, char)>,
    width: usize,
    /// Whether the line goes on past the characters collected.
    cut: bool,
    /// Where the side ends when it has no characters: the caret's offset.
    at: usize,
}

impl Side {
    fn before(text: &str, at: usize) -> Side {
        Side::collect(text[..at].char_indices().rev(), at)
    }

    fn after(text: &str, at: usize) -> Side {
        let mut side = Side::collect(text[at..].char_indices().map(|(i, c)| (at + i, c)), at);
        // A CRLF line's `\r` is part of its line break, as `str::lines` has it.
        if let Some(&(index, '\r')) = side.chars.last()
            && text[index + 1..].starts_with('\n')
        {
            side.chars.pop();
            side.width -= 1;
        }
        side
    }

    fn collect(chars: impl Iterator<Item = (usize, char)>, at: usize) -> Side {
        let mut side = Side {
            chars: Vec::new(),
            width: 0,
            cut: false,
            at,
        };
        for (index, c) in chars {
            if c == '\n' {
                break;
            }
            if side.width + width(c) > WIDTH {
                side.cut = true;
                break;
            }
            side.width += width(c);
            side.chars.push((index, c));
        }
        side
    }

    /// How many of the nearest characters fit in `budget` columns, and their width.
    fn take(&self, budget: usize) -> (usize, usize) {
        let mut used = 0;
        let mut count = 0;
        for &(_, c) in &self.chars {
            if used + width(c) > budget {
                break;
            }
            used += width(c);
            count += 1;
        }
        (count, used)
    }

    /// The first byte of a `before` side.
    fn start(&self) -> usize {
        self.chars.last().map_or(self.at, |&(index, _)| index)
    }

    /// The byte after an `after` side.
    fn end(&self) -> usize {
        self.chars
            .last()
            .map_or(self.at, |&(index, c)| index + c.len_utf8())
    }
}

/// Display columns of `c` in a terminal.
fn width(c: char) -> usize {
    if is_wide(c) { 2 } else { 1 }
}

/// East Asian wide and full-width characters, which take two columns.
pub(super) fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character under the caret, or `None` when the caret is past the end.
    fn under_caret(snippet: &Snippet) -> Option<char> {
        snippet.text.chars().nth(snippet.caret - 1)
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        let text = "first\nab$c\r\nlast";
        let snippet = Snippet::around(text, text.find('$').unwrap());
        assert_eq!(
            snippet,
            Snippet {
                text: "ab$c".into(),
                caret: 3
            }
        );
        let end = Snippet::around(text, text.find('\r').unwrap());
        assert_eq!((&*end.text, end.caret), ("ab$c", 5));
        assert_eq!(&*Snippet::around("", 0).text, "");
    }

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        let snippet = Snippet::around(&line, 5000);
        assert!(snippet.text.starts_with('…') && snippet.text.ends_with('…'));
        assert_eq!(snippet.text.chars().count(), WIDTH + 2);
        assert_eq!(under_caret(&snippet), Some('X'));
        assert_eq!(snippet.caret, WIDTH / 2 + 2);
    }

    #[test]
    fn near_an_end_the_window_shifts_and_keeps_its_width() {
        let line = format!("X{}", "a".repeat(1000));
        let start = Snippet::around(&line, 0);
        assert_eq!((start.caret, start.text.chars().count()), (1, WIDTH + 1));
        assert!(!start.text.starts_with('…') && start.text.ends_with('…'));
        let line = format!("{}X\nnext", "a".repeat(1000));
        let end = Snippet::around(&line, 1000);
        assert_eq!(end.text.chars().count(), WIDTH + 1);
        assert!(end.text.starts_with('…') && end.text.ends_with('X'));
        assert_eq!(under_caret(&end), Some('X'));
        let past = Snippet::around(&line, 1001);
        assert_eq!(past.caret, past.text.chars().count() + 1);
    }

    #[test]
    fn wide_characters_count_two_columns_and_are_never_split() {
        let line = format!("{}数{}", "字".repeat(3000), "学".repeat(3000));
        let at = line.find('数').unwrap();
        let snippet = Snippet::around(&line, at);
        assert_eq!(under_caret(&snippet), Some('数'));
        assert_eq!(snippet.text.chars().count(), WIDTH / 2 + 2);
        // An offset inside a character means that character.
        assert_eq!(under_caret(&Snippet::around(&line, at + 1)), Some('数'));
    }

    #[test]
    fn a_column_in_a_line_of_text() {
        let snippet = Snippet::in_line("由式$x$可得", 3);
        assert_eq!((&*snippet.text, snippet.caret), ("由式$x$可得", 3));
        assert_eq!(Snippet::in_line("ab", 9).caret, 3);
        assert_eq!(Snippet::in_line("ab", 0).caret, 1);
    }
}
