//! An article's length as Chinese readers count it: each CJK character is a word, and so is
//! each run of Latin letters or digits. Formulas and markup are not counted.

/// How long an article's text is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TextLength {
    /// Han characters, kana and Hangul syllables.
    pub cjk: usize,
    /// Runs of letters or digits of other scripts: `Newton-Schulz` is two, `2024` one.
    pub words: usize,
}

/// Characters per minute a Chinese text is read at, and words per minute for the rest.
const CJK_PER_MINUTE: usize = 400;
const WORDS_PER_MINUTE: usize = 200;

impl TextLength {
    /// What a reader counts: CJK characters plus words.
    pub(crate) fn count(self) -> usize {
        self.cjk + self.words
    }

    /// Whole minutes to read, at least one.
    pub(crate) fn minutes(self) -> usize {
        // cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE, rounded up, in whole numbers.
        let work = self.cjk * WORDS_PER_MINUTE + self.words * CJK_PER_MINUTE;
        work.div_ceil(CJK_PER_MINUTE * WORDS_PER_MINUTE).max(1)
    }
}

/// The length of the text of `html`, an article body whose formulas are placeholders
/// (`\0index\0`): tags, entities and formulas are skipped in one pass.
pub(crate) fn text_length(html: &str) -> TextLength {
    let mut length = TextLength::default();
    let mut in_word = false;
    let mut skip_until: Option<char> = None;
    for c in html.chars() {
        if let Some(end) = skip_until {
            if c == end {
                skip_until = None;
            }
            continue;
        }
        match c {
            '<' => skip_until = Some('>'),
            '&' => skip_until = Some(';'),
            '\0' => skip_until = Some('\0'),
            _ => {}
        }
        if skip_until.is_some() {
            in_word = false;
            continue;
        }
        if is_cjk(c) {
            length.cjk += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                length.words += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    length
}

/// Han ideographs (with extension A and the compatibility block), kana and Hangul.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x3134F) // Extensions B to G
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_characters_and_latin_words_are_counted_apart() {
        let length = text_length("<p>用 Newton-Schulz 迭代，共 3 步。</p>");
        assert_eq!(length, TextLength { cjk: 5, words: 3 });
        assert_eq!(length.count(), 8);
    }

    #[test]
    fn markup_entities_and_formulas_are_not_text() {
        let html = "<p class=\"x\">设 \u{0}12\u{0} 为 &amp; 矩阵<a href=\"/abc/\">链接</a></p>";
        assert_eq!(text_length(html), TextLength { cjk: 6, words: 0 });
    }

    #[test]
    fn reading_time_is_at_least_a_minute_and_grows_with_the_text() {
        assert_eq!(TextLength::default().minutes(), 1);
        assert_eq!(TextLength { cjk: 400, words: 0 }.minutes(), 1);
        assert_eq!(
            TextLength {
                cjk: 1200,
                words: 200
            }
            .minutes(),
            4
        );
        assert_eq!(TextLength { cjk: 401, words: 0 }.minutes(), 2);
    }
}
