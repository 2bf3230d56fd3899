//! Equation numbers, labels and references, decided at build time for one article.
//!
//! KaTeX numbers equations with a CSS counter, which restarts per page and never reaches feeds;
//! it has no `\label`, `\ref` or `\eqref`. lemma walks an article's formulas in order, gives each
//! numbered row an explicit `\tag{n}`, removes `\label{…}` (remembering which number it names),
//! and turns references into links. Every edit is recorded in a [`TexMap`] so a KaTeX error
//! position in the edited TeX can be mapped back to the author's source.

use super::tex::{braced, control_sequence_end, is_escaped};
use super::texmap::TexMap;

/// Where numbered equations live: one number per environment, or one per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numbering {
    Whole,
    PerRow,
    None,
}

fn numbering_of(environment: &str) -> Numbering {
    match environment {
        "equation" | "multline" => Numbering::Whole,
        "align" | "gather" | "eqnarray" | "alignat" | "flalign" => Numbering::PerRow,
        _ => Numbering::None,
    }
}

/// One `\label` found while numbering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Label {
    pub key: String,
    /// The text of the equation's tag, e.g. `3` or `*`.
    pub tag: String,
    /// Byte offset of `\label` in the original TeX.
    pub offset: usize,
}

/// A formula after numbering: the TeX to send to KaTeX and what it defines.
#[derive(Debug, Clone)]
pub(crate) struct Numbered {
    pub tex: String,
    pub map: TexMap,
    pub labels: Vec<Label>,
    /// What KaTeX shows beside each tagged row of a numbered environment, in order: `(1)`.
    /// Its MathML leaves these out (a CSS counter stands in), so feeds put them back.
    pub row_tags: Vec<String>,
    /// Problems with byte offsets into the original TeX.
    pub problems: Vec<(usize, String)>,
}

/// Numbers the rows of `tex`, continuing from `next_number`.
pub(crate) fn number(tex: &str, display: bool, next_number: &mut usize) -> Numbered {
    let mut numberer = Numberer::new(tex, display, next_number);
    let bytes = tex.as_bytes();
    let mut cursor = 0;
    while cursor < tex.len() {
        // A TeX comment runs to the end of its line; a `\label` in it is not one.
        cursor = if bytes[cursor] == b'%' && !is_escaped(tex, cursor) {
            tex[cursor..]
                .find('\n')
                .map_or(tex.len(), |n| cursor + n + 1)
        } else if bytes[cursor] == b'\\' {
            numberer.command(cursor)
        } else {
            cursor + 1
        };
    }
    numberer.finish()
}

/// One walk over a formula's TeX, building the edited TeX and its map as it goes.
struct Numberer<'t, 'n> {
    tex: &'t str,
    display: bool,
    next_number: &'n mut usize,
    out: Numbered,
    /// How far `tex` has been copied (or skipped) into `out`.
    copied_to: usize,
    /// The open environments, innermost last. The formula itself is the outermost frame, so
    /// `$$x\tag{A}\label{k}$$` works too.
    stack: Vec<(Numbering, RowState)>,
}

impl<'t, 'n> Numberer<'t, 'n> {
    fn new(tex: &'t str, display: bool, next_number: &'n mut usize) -> Self {
        Numberer {
            tex,
            display,
            next_number,
            out: Numbered {
                tex: String::with_capacity(tex.len() + 16),
                map: TexMap::default(),
                labels: Vec::new(),
                row_tags: Vec::new(),
                problems: Vec::new(),
            },
            copied_to: 0,
            stack: vec![(Numbering::None, RowState::default())],
        }
    }

    /// Handles the control sequence at `at` (a `\`); returns where the walk goes on.
    fn command(&mut self, at: usize) -> usize {
        let name_end = command_end(self.tex, at);
        match &self.tex[at..name_end] {
            "\\begin" => self.begin(name_end),
            "\\end" => self.end(at, name_end),
            "\\\\" | "\\cr" if self.in_numbered_rows() => self.row_break(at, name_end),
            "\\tag" | "\\tag*" => {
                let (text, after) = braced(self.tex, name_end);
                let starred = self.tex[at..name_end].ends_with('*');
                if let Some((_, row)) = self.stack.last_mut() {
                    row.own_tag = Some(text.unwrap_or("").to_string());
                    row.own_tag_starred = starred;
                }
                after
            }
            "\\nonumber" | "\\notag" => {
                if let Some((_, row)) = self.stack.last_mut() {
                    row.unnumbered = true;
                }
                name_end
            }
            "\\label" => self.label(at, name_end),
            _ => name_end,
        }
    }

    /// Whether `\\` ends a numbered row here (in `align`, not in `equation` or `aligned`).
    fn in_numbered_rows(&self) -> bool {
        self.stack
            .last()
            .is_some_and(|(n, _)| *n == Numbering::PerRow)
    }

    /// Opens an environment; its first row starts after its arguments.
    fn begin(&mut self, name_end: usize) -> usize {
        let (environment, after) = braced(self.tex, name_end);
        self.rename_eqnarray(name_end, after, environment);
        let numbering = if self.display {
            environment.map_or(Numbering::None, numbering_of)
        } else {
            Numbering::None
        };
        // `alignat{2}` and `array{cc}` take an argument that is not part of the first row.
        let after = match environment {
            Some("alignat" | "alignat*" | "array" | "darray" | "subarray") => {
                braced(self.tex, after).1
            }
            _ => after,
        };
        self.open_row(numbering, after);
        after
    }

    /// Closes the innermost environment, whose last row ends at `at`.
    fn end(&mut self, at: usize, name_end: usize) -> usize {
        let (environment, after) = braced(self.tex, name_end);
        // The formula's own frame stays open until the end, whatever `\end`s it holds.
        if self.stack.len() > 1
            && let Some((numbering, row)) = self.stack.pop()
        {
            match (numbering, self.stack.last_mut()) {
                // An inner `aligned` or `split` belongs to the equation around it.
                (Numbering::None, Some((_, parent))) => parent.absorb(row),
                _ => self.finish_row(at, numbering, row),
            }
        }
        self.rename_eqnarray(name_end, after, environment);
        after
    }

    /// `\\` at `at` ends a numbered row; the next starts after it.
    fn row_break(&mut self, at: usize, name_end: usize) -> usize {
        if let Some((numbering, row)) = self.stack.pop() {
            self.finish_row(at, numbering, row);
            self.open_row(numbering, name_end);
        }
        name_end
    }

    /// Starts a row (the first of an environment, or the next) whose content starts at `start`.
    fn open_row(&mut self, numbering: Numbering, start: usize) {
        let row = RowState {
            start,
            ..RowState::default()
        };
        self.stack.push((numbering, row));
    }

    /// Removes the `\label{key}` at `at` and gives its key to the row.
    fn label(&mut self, at: usize, name_end: usize) -> usize {
        let (key, after) = braced(self.tex, name_end);
        self.copy_through(at);
        self.skip_through(after);
        let key = key.unwrap_or("").trim();
        match label_key_problem(key) {
            Some(problem) => self.out.problems.push((at, problem)),
            None => {
                if let Some((_, row)) = self.stack.last_mut() {
                    row.labels.push((key.to_string(), at));
                }
            }
        }
        after
    }

    /// KaTeX has no `eqnarray`; `align` is its closest relative and numbers rows the same way.
    fn rename_eqnarray(&mut self, from: usize, to: usize, environment: Option<&str>) {
        let replacement = match environment {
            Some("eqnarray") => "{align}",
            Some("eqnarray*") => "{align*}",
            _ => return,
        };
        self.copy_through(from);
        self.skip_through(to);
        self.insert(replacement);
    }

    /// Closes a row (or a whole environment) at `at`: inserts its `\tag{n}` and names its labels.
    fn finish_row(&mut self, at: usize, numbering: Numbering, row: RowState) {
        let row_text = self.tex.get(row.start..at).unwrap_or("");
        let empty_last_row =
            numbering == Numbering::PerRow && row_text.trim().is_empty() && row.labels.is_empty();
        let tag = match (&row.own_tag, numbering, row.unnumbered || empty_last_row) {
            (Some(own), _, _) => Some(own.clone()),
            (None, Numbering::None, _) | (None, _, true) => None,
            (None, _, false) => {
                let n = self.next_number.to_string();
                *self.next_number += 1;
                self.copy_through(at);
                self.insert(&format!("\\tag{{{n}}}"));
                Some(n)
            }
        };
        if numbering != Numbering::None
            && let Some(tag) = &tag
        {
            let shown = if row.own_tag_starred {
                tag.clone()
            } else {
                format!("({tag})")
            };
            self.out.row_tags.push(shown);
        }
        for (key, offset) in row.labels {
            match &tag {
                Some(tag) => self.out.labels.push(Label {
                    key,
                    tag: tag.clone(),
                    offset,
                }),
                None => self.out.problems.push((
                    offset,
                    format!("\\label{{{key}}} is on an equation without a number"),
                )),
            }
        }
    }

    /// Copies the TeX not yet copied, up to `at`.
    fn copy_through(&mut self, at: usize) {
        self.out.tex.push_str(&self.tex[self.copied_to..at]);
        self.out.map.copy(self.copied_to, at - self.copied_to);
        self.copied_to = at;
    }

    /// Leaves the TeX up to `to` out of the edited TeX.
    fn skip_through(&mut self, to: usize) {
        self.out.map.skip(to - self.copied_to);
        self.copied_to = to;
    }

    /// Adds TeX the author did not write.
    fn insert(&mut self, text: &str) {
        self.out.map.insert(text.len());
        self.out.tex.push_str(text);
    }

    /// Closes what is still open and copies the rest.
    fn finish(mut self) -> Numbered {
        while let Some((numbering, row)) = self.stack.pop() {
            self.finish_row(self.tex.len(), numbering, row);
        }
        self.copy_through(self.tex.len());
        self.out
    }
}

/// Whether `c` may be part of a label key. A key becomes an element id (`id="eq-KEY"`), a URL
/// fragment (`href="#eq-KEY"`) and TeX (`\href{#eq-KEY}`): letters and digits of any script and
/// `:` `_` `-` `.` mean the same in all three, and none of them can end an attribute.
pub(crate) fn is_label_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ':' | '_' | '-' | '.')
}

/// Why `key` cannot be a label key, if it cannot.
fn label_key_problem(key: &str) -> Option<String> {
    const SHOWN: usize = 8;
    if key.is_empty() {
        return Some("`\\label` needs a key in braces, e.g. `\\label{eq:main}`".to_string());
    }
    let mut refused: Vec<char> = Vec::new();
    for c in key.chars().filter(|&c| !is_label_char(c)) {
        if !refused.contains(&c) {
            refused.push(c);
        }
        if refused.len() == SHOWN {
            break;
        }
    }
    if refused.is_empty() {
        return None;
    }
    let shown: Vec<String> = refused.into_iter().map(describe_char).collect();
    Some(format!(
        "label key has characters that cannot be part of a link ({}); use only letters, digits and `:` `_` `-` `.`",
        shown.join(", ")
    ))
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "space".to_string(),
        c if c.is_whitespace() || c.is_control() => format!("U+{:04X}", c as u32),
        '`' => "backquote".to_string(),
        c => format!("`{c}`"),
    }
}

#[derive(Debug, Default, Clone)]
struct RowState {
    /// Where the row's content starts in the original TeX.
    start: usize,
    own_tag: Option<String>,
    /// `\tag*`: the tag is shown without parentheses.
    own_tag_starred: bool,
    unnumbered: bool,
    labels: Vec<(String, usize)>,
}

impl RowState {
    fn absorb(&mut self, inner: RowState) {
        if self.own_tag.is_none() {
            self.own_tag = inner.own_tag;
            self.own_tag_starred = inner.own_tag_starred;
        }
        self.unnumbered |= inner.unnumbered;
        self.labels.extend(inner.labels);
    }
}

/// End of the control sequence starting at `start` (a `\`); `\tag*` counts as one.
fn command_end(tex: &str, start: usize) -> usize {
    let end = control_sequence_end(tex, start);
    if &tex[start..end] == "\\tag" && tex[end..].starts_with('*') {
        end + 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(tex: &str, start: usize) -> (Numbered, usize) {
        let mut next = start;
        let numbered = number(tex, true, &mut next);
        (numbered, next)
    }

    #[test]
    fn equation_gets_one_tag_and_its_label() {
        let (n, next) = run("\\begin{equation}x=1\\label{eq:a}\\end{equation}", 1);
        assert_eq!(n.tex, "\\begin{equation}x=1\\tag{1}\\end{equation}");
        assert_eq!(
            n.labels,
            vec![Label {
                key: "eq:a".into(),
                tag: "1".into(),
                offset: 19
            }]
        );
        assert_eq!(next, 2);
    }

    #[test]
    fn align_numbers_each_row_except_notag_and_own_tags() {
        let tex = "\\begin{align}a&=b\\\\c&=d\\nonumber\\\\e&=f\\tag{*}\\\\g&=h\\end{align}";
        let (n, next) = run(tex, 4);
        assert_eq!(
            n.tex,
            "\\begin{align}a&=b\\tag{4}\\\\c&=d\\nonumber\\\\e&=f\\tag{*}\\\\g&=h\\tag{5}\\end{align}"
        );
        assert_eq!(n.row_tags, ["(4)", "(*)", "(5)"]);
        assert_eq!(next, 6);
    }

    #[test]
    fn row_tags_show_starred_tags_bare_and_leave_out_the_formula_own_tag() {
        let (n, _) = run("\\begin{gather}a\\tag*{A}\\\\b\\end{gather}", 1);
        assert_eq!(n.row_tags, ["A", "(1)"]);
        // KaTeX's MathML shows a tag outside any environment itself.
        let (n, _) = run("x\\tag{B}", 1);
        assert!(n.row_tags.is_empty());
    }

    #[test]
    fn starred_environments_take_no_number() {
        let (n, next) = run("\\begin{align*}a\\\\b\\end{align*}", 1);
        assert_eq!(n.tex, "\\begin{align*}a\\\\b\\end{align*}");
        assert_eq!(next, 1);
    }

    #[test]
    fn label_on_unnumbered_row_is_a_problem() {
        let (n, _) = run("\\begin{equation*}x\\label{k}\\end{equation*}", 1);
        assert_eq!(n.problems.len(), 1);
        assert!(n.labels.is_empty());
    }

    #[test]
    fn label_keys_are_limited_to_what_a_link_can_carry() {
        let (n, next) = run(
            "\\begin{equation}x\\label{a\" onmouseover=\"alert(1)}\\end{equation}",
            1,
        );
        assert!(n.labels.is_empty());
        assert_eq!(n.problems.len(), 1);
        let (offset, message) = &n.problems[0];
        assert_eq!(*offset, 17);
        assert!(message.contains("`\"`, space, `=`, `(`, `)`"), "{message}");
        assert_eq!(next, 2, "the equation keeps its number");
        let (n, _) = run("\\begin{equation}x\\label{式1:a_b-c.d}\\end{equation}", 1);
        assert_eq!(n.labels[0].key, "式1:a_b-c.d");
        let (n, _) = run("\\begin{equation}x\\label{ }\\end{equation}", 1);
        assert!(n.problems[0].1.contains("needs a key"), "{:?}", n.problems);
    }

    #[test]
    fn label_with_own_tag_names_that_tag() {
        let (n, next) = run("\\begin{equation*}x\\tag{A}\\label{k}\\end{equation*}", 1);
        assert_eq!(n.labels[0].tag, "A");
        assert_eq!(next, 1);
    }

    #[test]
    fn trailing_row_break_adds_no_empty_number() {
        let (n, next) = run("\\begin{align}a\\\\b\\\\\n\\end{align}", 1);
        assert_eq!(
            n.tex,
            "\\begin{align}a\\tag{1}\\\\b\\tag{2}\\\\\n\\end{align}"
        );
        assert_eq!(next, 3);
    }

    #[test]
    fn nested_aligned_inside_equation_is_one_number() {
        let (n, next) = run(
            "\\begin{equation}\\begin{aligned}a\\\\b\\end{aligned}\\end{equation}",
            1,
        );
        assert_eq!(
            n.tex,
            "\\begin{equation}\\begin{aligned}a\\\\b\\end{aligned}\\tag{1}\\end{equation}"
        );
        assert_eq!(next, 2);
    }

    #[test]
    fn alignat_argument_is_not_a_row() {
        let (n, next) = run("\\begin{alignat}{2}\\end{alignat}", 1);
        assert_eq!(n.tex, "\\begin{alignat}{2}\\end{alignat}");
        assert_eq!(next, 1);
    }

    #[test]
    fn eqnarray_becomes_a_numbered_align() {
        let (n, next) = run("\\begin{eqnarray}a&=&b\\\\c&=&d\\end{eqnarray}", 1);
        assert_eq!(
            n.tex,
            "\\begin{align}a&=&b\\tag{1}\\\\c&=&d\\tag{2}\\end{align}"
        );
        assert_eq!(next, 3);
    }

    #[test]
    fn inline_math_is_never_numbered() {
        let mut next = 1;
        let n = number("\\begin{equation}x\\end{equation}", false, &mut next);
        assert_eq!(n.tex, "\\begin{equation}x\\end{equation}");
        assert_eq!(next, 1);
    }

    #[test]
    fn map_points_back_past_insertions() {
        let (n, _) = run("\\begin{equation}x\\label{k}\\end{equation}+\\frac", 1);
        let edited = n.tex.find("+").unwrap();
        let original = "\\begin{equation}x\\label{k}\\end{equation}+\\frac"
            .find('+')
            .unwrap();
        assert_eq!(n.map.to_original(edited), original);
    }
}
