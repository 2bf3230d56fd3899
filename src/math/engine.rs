//! The one place that calls KaTeX.
//!
//! The `katex` crate keeps one QuickJS engine per thread, so calling it from rayon's pool gives
//! one engine per core, each started once.

use std::collections::BTreeMap;

use crate::config::MathOutput;

/// KaTeX refused a formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// KaTeX's message without its "KaTeX parse error:" prefix and position suffix.
    pub message: String,
    /// KaTeX's position in the TeX it was given, in UTF-16 code units (a JS string index).
    pub position: Option<usize>,
}

/// How many macro expansions one formula may cause; `\def\a{\a\a}\a` must fail, not hang.
pub(crate) const MAX_EXPAND: i32 = 1000;

/// Renders one formula with `throwOnError`, untrusted unless `trust` (lemma's own links).
/// `html` asks KaTeX for both halves too: the feed needs the MathML, and pages drop it
/// (see [`super::stitch`]).
pub(crate) fn render(
    tex: &str,
    display: bool,
    macros: &BTreeMap<String, String>,
    trust: bool,
    output: MathOutput,
) -> Result<String, Failure> {
    let output_type = match output {
        MathOutput::Mathml => katex::OutputType::Mathml,
        MathOutput::HtmlAndMathml | MathOutput::Html => katex::OutputType::HtmlAndMathml,
    };
    let mut builder = katex::Opts::builder();
    builder
        .display_mode(display)
        .output_type(output_type)
        .throw_on_error(true)
        .trust(trust)
        .max_expand(Some(MAX_EXPAND));
    for (name, body) in macros {
        builder = builder.add_macro(name.clone(), body.clone());
    }
    let opts = builder.build().map_err(|e| Failure {
        message: format!("invalid KaTeX options: {e}"),
        position: None,
    })?;
    katex::render_with_opts(tex, &opts).map_err(|e| parse_failure(&e))
}

fn parse_failure(error: &katex::Error) -> Failure {
    let detail = match error {
        katex::Error::JsExecError(detail)
        | katex::Error::JsValueError(detail)
        | katex::Error::JsInitError(detail) => detail.clone(),
        other => other.to_string(),
    };
    let detail = unquote_debug(&detail);
    let message = detail.lines().next().unwrap_or("").trim();
    let message = message
        .strip_prefix("Uncaught exception: ")
        .unwrap_or(message);
    let message = message.strip_prefix("ParseError: ").unwrap_or(message);
    let message = message
        .strip_prefix("KaTeX parse error: ")
        .unwrap_or(message);
    let (message, position) = match message.rfind(" at position ") {
        Some(at) => {
            let rest = &message[at + " at position ".len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (&message[..at], digits.parse::<usize>().ok())
        }
        None => (message, None),
    };
    Failure {
        message: message.to_string(),
        position,
    }
}

/// The `katex` crate reports a JS exception as the Rust `Debug` form of the value
/// (`String("ParseError: …\\xyz")`); this recovers the text.
fn unquote_debug(detail: &str) -> String {
    let Some(inner) = detail
        .strip_prefix("String(\"")
        .and_then(|d| d.strip_suffix("\")"))
    else {
        return detail.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let code: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                if let Some(c) = u32::from_str_radix(&code, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Byte offset in `tex` of a KaTeX position (1-based UTF-16 index of the offending token).
pub(crate) fn byte_offset(tex: &str, position: usize) -> usize {
    let target = position.saturating_sub(1);
    let mut units = 0;
    for (byte, c) in tex.char_indices() {
        if units >= target {
            return byte;
        }
        units += c.len_utf16();
    }
    tex.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_reports_errors_with_positions() {
        let html = render("x^2", false, &BTreeMap::new(), false, MathOutput::default()).unwrap();
        assert!(html.starts_with("<span class=\"katex\">"), "{html}");
        let failure =
            render("\\xyz", false, &BTreeMap::new(), false, MathOutput::Mathml).unwrap_err();
        assert_eq!(failure.message, "Undefined control sequence: \\xyz");
        assert_eq!(failure.position, Some(1));
    }

    #[test]
    fn expansion_bombs_fail_instead_of_hanging() {
        let failure = render(
            "\\def\\a{\\a\\a}\\a",
            false,
            &BTreeMap::new(),
            false,
            MathOutput::default(),
        )
        .unwrap_err();
        assert!(
            failure.message.contains("Too many expansions"),
            "{failure:?}"
        );
    }

    #[test]
    fn unquotes_the_crates_debug_strings() {
        assert_eq!(
            unquote_debug(r#"String("a \\xyz \"q\" \u{332}")"#),
            "a \\xyz \"q\" \u{332}"
        );
    }

    #[test]
    fn byte_offsets_follow_utf16_positions() {
        assert_eq!(byte_offset("\\text{中}\\x", 9), "\\text{中}".len());
    }
}
