//! Problems found in a site, each pinned to `path:line:col`.
//!
//! Every stage reports into a [`Diagnostics`] list instead of stopping at the first problem, so one
//! run shows the author everything that is wrong with the site. Paths are kept relative to the
//! site root, which is how authors think about their files.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem at one place in one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Relative to the site root, with `/` separators.
    pub path: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based, counted in characters.
    pub column: usize,
    pub message: String,
    /// The source line the problem is on, shown under the message.
    #[serde(skip)]
    pub snippet: Option<String>,
}

impl Diagnostic {
    pub fn error(
        path: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, path.into(), line, column, message.into())
    }

    pub fn warning(
        path: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, path.into(), line, column, message.into())
    }

    fn new(severity: Severity, path: String, line: usize, column: usize, message: String) -> Self {
        Diagnostic {
            severity,
            path,
            line,
            column,
            message,
            snippet: None,
        }
    }

    /// Attaches the source line so the printed report shows the offending text.
    pub fn with_snippet(mut self, source: &str) -> Self {
        if self.line > 0 {
            self.snippet = source.lines().nth(self.line - 1).map(str::to_owned);
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The report with the source line and a caret under the column.
    pub fn render(&self) -> String {
        let mut out = self.to_string();
        if let Some(snippet) = &self.snippet {
            let gutter = self.line.to_string().len();
            let caret_pad: String = snippet
                .chars()
                .take(self.column.saturating_sub(1))
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
                "", self.line, snippet, "", caret_pad
            ));
        }
        out
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path, self.line, self.column, kind, self.message
        )
    }
}

/// The problems of one run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Errors as reported: the same problem found twice counts once, as [`Self::sorted`] prints it.
    pub fn error_count(&self) -> usize {
        self.sorted().into_iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.sorted().into_iter().filter(|d| !d.is_error()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, then position, so reports are reproducible whatever the thread order.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.items.iter().collect();
        all.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
        });
        all.dedup();
        all
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Turns byte offsets of a file into 1-based line and character column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { line_starts }
    }

    /// The (line, column) of `offset`; offsets past the end land on the last line.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let start = self.line_starts[line - 1];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        (line, column)
    }
}

/// A site-root-relative display path with `/` separators.
pub fn display_path(root: &Path, path: &Path) -> String {
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
        assert_eq!(index.position(text, dollar), (2, 3));
        assert_eq!(index.position(text, 0), (1, 1));
    }

    #[test]
    fn display_has_path_line_column_and_kind() {
        let d = Diagnostic::error("content/a.md", 3, 7, "boom");
        assert_eq!(d.to_string(), "content/a.md:3:7: error: boom");
    }

    #[test]
    fn counts_match_the_deduplicated_report() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::error("a.md", 1, 1, "same"));
        all.push(Diagnostic::error("a.md", 1, 1, "same"));
        all.push(Diagnostic::warning("a.md", 2, 1, "w"));
        assert_eq!(
            (all.error_count(), all.warning_count(), all.sorted().len()),
            (1, 1, 2)
        );
    }

    #[test]
    fn render_points_a_caret_at_the_column() {
        let d = Diagnostic::warning("a.md", 2, 3, "here").with_snippet("x\nab$c\n");
        assert!(d.render().ends_with("2 | ab$c\n  |   ^"), "{}", d.render());
    }
}
