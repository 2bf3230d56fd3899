//! `\newcommand` and `\def` found in a formula, so later formulas of the article can use them.
//!
//! KaTeX forgets definitions between calls; lemma passes them on as the `macros` option.

use super::tex::{braced, control_sequence_end};

/// The macros `tex` defines, as KaTeX `macros` entries (`\KL` → `\mathrm{KL}`).
pub(super) fn definitions(tex: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut search = 0;
    while let Some(relative) = tex[search..].find('\\') {
        let at = search + relative;
        let after = control_sequence_end(tex, at);
        let parsed = match &tex[at..after] {
            "\\newcommand" | "\\renewcommand" | "\\providecommand" => newcommand(tex, after),
            "\\def" | "\\gdef" => def(tex, after),
            _ => None,
        };
        search = match parsed {
            Some((name, body, end)) => {
                found.push((name, body));
                end
            }
            None => after,
        };
    }
    found
}

/// `\newcommand{\name}[n]{body}` or `\newcommand\name{body}`, from just after the command.
fn newcommand(tex: &str, from: usize) -> Option<(String, String, usize)> {
    let from = from + usize::from(tex[from..].starts_with('*'));
    let (name, mut cursor) = match braced(tex, from) {
        (Some(name), after) => (name.trim().to_string(), after),
        (None, _) => control_sequence(tex, from)?,
    };
    if !name.starts_with('\\') {
        return None;
    }
    let trimmed = tex[cursor..].trim_start();
    if trimmed.starts_with('[') {
        let close = trimmed.find(']')?;
        cursor = tex.len() - trimmed.len() + close + 1;
        if tex[cursor..].trim_start().starts_with('[') {
            // Optional-argument defaults have no KaTeX `macros` equivalent.
            return None;
        }
    }
    let (body, end) = braced(tex, cursor);
    Some((name, body?.to_string(), end))
}

/// `\def\name#1#2{body}`, from just after `\def`.
fn def(tex: &str, from: usize) -> Option<(String, String, usize)> {
    let (name, cursor) = control_sequence(tex, from)?;
    let params_end = cursor + tex[cursor..].find('{')?;
    let params = &tex[cursor..params_end];
    let plain_params = params.trim().is_empty()
        || params
            .trim()
            .split('#')
            .skip(1)
            .all(|p| p.len() == 1 && p.as_bytes()[0].is_ascii_digit());
    if !plain_params {
        return None;
    }
    let (body, end) = braced(tex, params_end);
    Some((name, body?.to_string(), end))
}

/// The control sequence after optional spaces at `from`, and the offset after it.
fn control_sequence(tex: &str, from: usize) -> Option<(String, usize)> {
    let start = from + (tex[from..].len() - tex[from..].trim_start().len());
    if !tex[start..].starts_with('\\') {
        return None;
    }
    let end = control_sequence_end(tex, start);
    // A lone backslash at the end of the TeX names nothing.
    (end > start + 1).then(|| (tex[start..end].to_string(), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_newcommand_and_def() {
        let found = definitions(
            "\\newcommand{\\KL}{\\mathrm{KL}} \\def\\E#1{\\mathbb{E}[#1]} \\renewcommand\\R[1]{\\mathbb{R}^{#1}}",
        );
        assert_eq!(
            found,
            vec![
                ("\\KL".to_string(), "\\mathrm{KL}".to_string()),
                ("\\E".to_string(), "\\mathbb{E}[#1]".to_string()),
                ("\\R".to_string(), "\\mathbb{R}^{#1}".to_string()),
            ]
        );
    }

    #[test]
    fn control_symbols_of_any_width_are_skipped() {
        assert!(definitions("a\\，b \\中").is_empty());
        assert_eq!(
            definitions("\\，\\def\\α{x}"),
            vec![("\\α".to_string(), "x".to_string())]
        );
    }

    #[test]
    fn ignores_what_katex_macros_cannot_express() {
        assert!(definitions("\\def\\a#1.{#1}").is_empty());
        assert!(definitions("\\newcommand{\\f}[2][x]{#1#2}").is_empty());
        assert!(definitions("x^2").is_empty());
    }
}
