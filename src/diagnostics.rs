//! Problems found in a site, each pinned to `path:line:col`.
//!
//! Every stage reports into a [`Diagnostics`] list instead of stopping at the first problem, so one
//! run shows the author everything that is wrong with the site. Paths are kept relative to the
//! site root, which is how authors think about their files.

mod snippet;

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

pub(crate) use snippet::Snippet;
use snippet::is_wide;

/// How bad a problem is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build fails, and nothing is published.
    Error,
    /// Reported; the build goes on.
    Warning,
}

/// A place in a file: its line and column, both 1-based, the column counted in characters
/// (what an editor's `path:line:col` means). Line 0 stands for the whole file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Position {
    /// 1-based; 0 for the whole file.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

impl Position {
    /// No place in particular: the problem concerns the whole file.
    pub const WHOLE_FILE: Position = Position { line: 0, column: 0 };

    /// Line `line`, column `column`.
    pub const fn new(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    /// The first character of line `line`.
    pub const fn line_start(line: usize) -> Position {
        Position { line, column: 1 }
    }

    /// Whether this stands for the whole file.
    pub const fn is_whole_file(self) -> bool {
        self.line == 0
    }
}

impl fmt::Display for Position {
    /// `line:column`, as it follows a path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One problem at one place in one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Relative to the site root, with `/` separators.
    pub path: String,
    /// Serialized as the `line` and `column` fields of the diagnostic.
    #[serde(flatten)]
    pub position: Position,
    /// What is wrong, and how to fix it.
    pub message: String,
    /// The source line the problem is on (or the part of it around the column), shown under
    /// the message.
    #[serde(skip)]
    pub snippet: Option<Snippet>,
}

impl Diagnostic {
    /// An error in the file at `path` (relative to the site root), at `at`.
    pub fn error(path: impl Into<String>, at: Position, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path.into(), at, message.into())
    }

    /// A warning in the file at `path` (relative to the site root), at `at`.
    pub fn warning(path: impl Into<String>, at: Position, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path.into(), at, message.into())
    }

    /// An error about the file as a whole (it cannot be read, copied or written), with no line
    /// to point at: it prints as `path: error: message`.
    pub fn whole_file_error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::error(path, Position::WHOLE_FILE, message)
    }

    fn new(severity: Severity, path: String, position: Position, message: String) -> Self {
        Diagnostic {
            severity,
            path,
            position,
            message,
            snippet: None,
        }
    }

    /// Attaches the source line so the printed report shows the offending text. It reads
    /// `source` up to the line: for the few problems of a file that have no byte offset.
    pub fn with_snippet(mut self, source: &str) -> Self {
        let Position { line, column } = self.position;
        if line > 0 {
            self.snippet = source
                .lines()
                .nth(line - 1)
                .map(|text| Snippet::in_line(text, column));
        }
        self
    }

    /// Attaches the source around byte `offset` of `source`, the problem's place, at a cost
    /// that depends on neither the file nor the line.
    pub fn with_snippet_at(mut self, source: &str, offset: usize) -> Self {
        if !self.position.is_whole_file() {
            self.snippet = Some(Snippet::around(source, offset));
        }
        self
    }

    /// Attaches `line`, the text of the problem's line, already at hand.
    pub fn with_line(mut self, line: &str) -> Self {
        if !self.position.is_whole_file() {
            self.snippet = Some(Snippet::in_line(line, self.position.column));
        }
        self
    }

    /// Whether this fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The report with the source line and a caret under the column.
    pub fn render(&self) -> String {
        let mut out = self.to_string();
        if let Some(snippet) = &self.snippet {
            let line = self.position.line;
            let gutter = line.to_string().len();
            let text = visible(&snippet.text);
            let caret_pad: String = text
                .chars()
                .take(snippet.caret.saturating_sub(1))
                .map(|c| {
                    if c == '\t' {
                        '\t'
                    } else if is_wide(c) {
                        '　'
                    } else {
                        ' '
                    }
                })
                .collect();
            out.push_str(&format!(
                "\n{:gutter$} |\n{} | {}\n{:gutter$} | {}^",
                "", line, text, "", caret_pad
            ));
        }
        out
    }
}

/// `text` as a terminal may show it: a file name or a line of an article can hold escape
/// sequences or bidirectional overrides, which would recolour, move or reorder what the
/// terminal shows. Each such character becomes one visible character (`␛` for ESC, `�` for the
/// others), so a caret under the line still lines up. Tabs stay: the caret line copies them.
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(hidden) {
        return Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\0'..='\u{1f}' if c != '\t' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            c if hidden(c) => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .into()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let (path, message) = (visible(&self.path), visible(&self.message));
        // Line 0 is the whole file: `path:0:0:` would send an editor to a line that is not there.
        if self.position.is_whole_file() {
            write!(f, "{path}: {kind}: {message}")
        } else {
            let at = self.position;
            write!(f, "{path}:{at}: {kind}: {message}")
        }
    }
}

/// The problems of one run, in a stable order.
///
/// Every stage reports by pushing into a `&mut Diagnostics` it is handed. Work done in
/// parallel fills one list per item, appended in item order afterwards; the `serve` session
/// keeps such a list per article (and per file that does not parse) between edits.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds several problems, in their order.
    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(more);
    }

    /// Moves every diagnostic of `other` to the end of this list, keeping their order.
    pub fn append(&mut self, other: &mut Diagnostics) {
        self.items.append(&mut other.items);
    }

    /// How many problems the list holds, repeats included.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether any problem fails the build.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Errors as reported: the same problem found twice counts once, as [`Self::sorted`] prints it.
    pub fn error_count(&self) -> usize {
        self.sorted().into_iter().filter(|d| d.is_error()).count()
    }

    /// Warnings as reported (see [`Self::error_count`]).
    pub fn warning_count(&self) -> usize {
        self.sorted().into_iter().filter(|d| !d.is_error()).count()
    }

    /// Whether there is no problem at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, then position, so reports are reproducible whatever the thread order.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.items.iter().collect();
        all.sort_by(|a, b| {
            (&a.path, a.position, a.severity, &a.message)
                .cmp(&(&b.path, b.position, b.severity, &b.message))
        });
        all.dedup();
        all
    }

    /// The report as printed: [`Self::sorted`], with at most [`SHOWN_PER_FILE`] errors and as
    /// many warnings per file, each file's left-out ones counted after its last line shown.
    /// One broken habit repeated ten thousand times in a file needs a few examples, not a
    /// report that buries every other file's problems.
    pub fn limited(&self) -> Vec<Entry<'_>> {
        let sorted = self.sorted();
        let mut entries = Vec::with_capacity(sorted.len().min(64));
        for file in sorted.chunk_by(|a, b| a.path == b.path) {
            let mut shown = [0usize; 2];
            for &diagnostic in file {
                let seen = &mut shown[usize::from(!diagnostic.is_error())];
                *seen += 1;
                if *seen <= SHOWN_PER_FILE {
                    entries.push(Entry::Shown(diagnostic));
                }
            }
            for (severity, count) in [Severity::Error, Severity::Warning].into_iter().zip(shown) {
                if count > SHOWN_PER_FILE {
                    entries.push(Entry::Omitted(Omitted {
                        path: file[0].path.clone(),
                        severity,
                        count: count - SHOWN_PER_FILE,
                    }));
                }
            }
        }
        entries
    }

    /// Every problem, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

/// The most diagnostics of one severity a report shows for one file; the rest are counted.
pub(crate) const SHOWN_PER_FILE: usize = 20;

/// A line of a report: a diagnostic, or how many more of a file's were left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry<'a> {
    Shown(&'a Diagnostic),
    Omitted(Omitted),
}

impl Entry<'_> {
    pub fn is_error(&self) -> bool {
        match self {
            Entry::Shown(d) => d.is_error(),
            Entry::Omitted(o) => o.severity == Severity::Error,
        }
    }

    /// The text printed for it, as [`Diagnostic::render`].
    pub fn render(&self) -> String {
        match self {
            Entry::Shown(d) => d.render(),
            Entry::Omitted(o) => o.to_string(),
        }
    }
}

/// Diagnostics of one file and severity left out of a report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Omitted {
    pub path: String,
    pub severity: Severity,
    pub count: usize,
}

impl fmt::Display for Omitted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match (self.severity, self.count) {
            (Severity::Error, 1) => "error",
            (Severity::Error, _) => "errors",
            (Severity::Warning, 1) => "warning",
            (Severity::Warning, _) => "warnings",
        };
        write!(
            f,
            "… and {} more {kind} in {}",
            self.count,
            visible(&self.path)
        )
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Turns byte offsets of a file into 1-based line and character column.
///
/// A lookup costs the same wherever the offset is: lines are found by binary search, and
/// columns are counted from the nearest checkpoint rather than from the start of the line,
/// which may be the whole file.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    line_starts: Vec<usize>,
    /// The number of characters before byte `k * CHECKPOINT`, for each `k`.
    chars_before_checkpoint: Vec<usize>,
}

/// Bytes between two character-count checkpoints of a [`LineIndex`].
const CHECKPOINT: usize = 1024;

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut chars_before_checkpoint = vec![0];
        for block in text.as_bytes().chunks(CHECKPOINT) {
            let before = chars_before_checkpoint.last().copied().unwrap_or(0);
            chars_before_checkpoint.push(before + char_starts(block));
        }
        LineIndex {
            line_starts,
            chars_before_checkpoint,
        }
    }

    /// The position of `offset`; offsets past the end land on the last line.
    pub(crate) fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let start = self.line_starts[line - 1];
        let column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        Position { line, column }
    }

    /// The byte offset of `position` in `text`, as [`Self::position`] gave it; a column past
    /// the end of its line lands at the line's end, a line past the end at the end of `text`.
    pub(crate) fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line.saturating_sub(1)) else {
            return text.len();
        };
        let line = text.get(start..).unwrap_or("");
        let line = line.split_inclusive('\n').next().unwrap_or("");
        let within = line
            .char_indices()
            .nth(position.column.saturating_sub(1))
            .map_or(line.trim_end_matches('\n').len(), |(byte, _)| byte);
        start + within
    }

    /// Characters of `text` that start before byte `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let checkpoint = offset / CHECKPOINT;
        let counted = self
            .chars_before_checkpoint
            .get(checkpoint)
            .copied()
            .unwrap_or(0);
        let rest = text
            .as_bytes()
            .get(checkpoint * CHECKPOINT..offset)
            .unwrap_or(&[]);
        counted + char_starts(rest)
    }
}

/// Characters starting in `bytes` of UTF-8: every byte but continuation bytes.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// A site-root-relative display path with `/` separators.
pub(crate) fn display_path(root: &Path, path: &Path) -> String {
    let relative: PathBuf = path
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    relative.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "第一行\n由式$x$可得\n";
        let index = LineIndex::new(text);
        let dollar = text.find('$').unwrap();
        assert_eq!(index.position(text, dollar), Position::new(2, 3));
        assert_eq!(index.position(text, 0), Position::new(1, 1));
    }

    #[test]
    fn offsets_come_back_from_their_positions() {
        let text = "第一行\n由式$x$可得\r\n\nend";
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(index.offset(text, index.position(text, offset)), offset);
        }
        assert_eq!(index.offset(text, Position::new(1, 99)), "第一行".len());
        assert_eq!(index.offset(text, Position::new(9, 1)), text.len());
    }

    #[test]
    fn display_has_path_line_column_and_kind() {
        let d = Diagnostic::error("content/a.md", Position::new(3, 7), "boom");
        assert_eq!(d.to_string(), "content/a.md:3:7: error: boom");
    }

    #[test]
    fn a_whole_file_error_names_the_file_without_a_position() {
        let d = Diagnostic::whole_file_error("static/a.png", "cannot copy: denied")
            .with_snippet("first line\n");
        assert_eq!(d.render(), "static/a.png: error: cannot copy: denied");
        assert_eq!(d.position, Position::WHOLE_FILE);
    }

    #[test]
    fn counts_match_the_deduplicated_report() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::error("a.md", Position::new(1, 1), "same"));
        all.push(Diagnostic::error("a.md", Position::new(1, 1), "same"));
        all.push(Diagnostic::warning("a.md", Position::new(2, 1), "w"));
        assert_eq!(
            (all.error_count(), all.warning_count(), all.sorted().len()),
            (1, 1, 2)
        );
    }

    #[test]
    fn render_points_a_caret_at_the_column() {
        let d = Diagnostic::warning("a.md", Position::new(2, 3), "here").with_snippet("x\nab$c\n");
        assert!(d.render().ends_with("2 | ab$c\n  |   ^"), "{}", d.render());
    }

    #[test]
    fn escape_sequences_and_bidi_overrides_are_shown_not_obeyed() {
        let d = Diagnostic::error(
            "a\u{1b}[2J.md",
            Position::new(1, 4),
            "link to \u{1b}]8;;x\u{7}y\u{202e}",
        )
        .with_snippet("\u{1b}[31m$x\u{9b}\tz\n");
        let shown = d.render();
        assert!(
            !shown.contains(|c: char| c.is_control() && c != '\n' && c != '\t'),
            "{shown:?}"
        );
        assert!(!shown.contains('\u{202e}'), "{shown:?}");
        assert!(
            shown.starts_with("a␛[2J.md:1:4: error: link to ␛]8;;x␇y�"),
            "{shown}"
        );
        // One visible character for each hidden one: the caret is still under the `$`.
        assert!(shown.ends_with("1 | ␛[31m$x�\tz\n  |    ^"), "{shown}");
    }

    #[test]
    fn positions_on_a_long_line_with_multibyte_text() {
        let text = format!("a\n{}$\n", "数a".repeat(3000));
        let index = LineIndex::new(&text);
        for offset in [2, 2 + 4 * 1000, text.find('$').unwrap(), text.len()] {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..offset].matches('\n').count() + 1;
            let column = text[line_start..offset].chars().count() + 1;
            assert_eq!(
                index.position(&text, offset),
                Position::new(line, column),
                "{offset}"
            );
        }
    }

    #[test]
    fn a_long_line_shows_a_window_with_the_caret_under_the_column() {
        let text = format!("{}$x{}", "a".repeat(10_000), "b".repeat(10_000));
        let at = text.find('$').unwrap();
        let d =
            Diagnostic::error("a.md", Position::new(1, at + 1), "here").with_snippet_at(&text, at);
        let report = d.render();
        assert!(report.len() < 400, "{report}");
        let (source, caret) = report.rsplit_once('\n').unwrap();
        let source = source.rsplit_once('\n').unwrap().1;
        let caret_column = caret.chars().count() - 1;
        assert_eq!(source.chars().nth(caret_column), Some('$'), "{report}");
        // The same from the line number alone.
        let by_line =
            Diagnostic::error("a.md", Position::new(1, at + 1), "here").with_snippet(&text);
        assert_eq!(by_line.render(), report);
    }

    fn many(path: &str, errors: usize, warnings: usize) -> Vec<Diagnostic> {
        let error = (0..errors).map(|i| Diagnostic::error(path, Position::new(1, i + 1), "e"));
        let warning =
            (0..warnings).map(|i| Diagnostic::warning(path, Position::new(2, i + 1), "w"));
        error.chain(warning).collect()
    }

    #[test]
    fn a_report_shows_a_few_of_each_kind_per_file_and_counts_the_rest() {
        let mut all = Diagnostics::new();
        all.extend(many("a.md", 25, 21));
        all.extend(many("b.md", 3, 20));
        let entries = all.limited();
        let shown = |path: &str, error: bool| {
            entries
                .iter()
                .filter(|e| matches!(e, Entry::Shown(d) if d.path == path && d.is_error() == error))
                .count()
        };
        assert_eq!(
            (shown("a.md", true), shown("a.md", false)),
            (SHOWN_PER_FILE, SHOWN_PER_FILE)
        );
        assert_eq!((shown("b.md", true), shown("b.md", false)), (3, 20));
        let omitted: Vec<String> = entries
            .iter()
            .filter(|e| matches!(e, Entry::Omitted(_)))
            .map(Entry::render)
            .collect();
        assert_eq!(
            omitted,
            [
                "… and 5 more errors in a.md",
                "… and 1 more warning in a.md"
            ]
        );
        // The counts come right after the file's last line shown, before the next file.
        let first_b = entries
            .iter()
            .position(|e| e.render().starts_with("b.md"))
            .unwrap();
        assert!(
            matches!(&entries[first_b - 1], Entry::Omitted(o) if o.severity == Severity::Warning)
        );
        assert_eq!((all.error_count(), all.warning_count()), (28, 41));
    }
}
