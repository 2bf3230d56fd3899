//! KaTeX 0.16.4's own test formulas (`../shared/katex/`): what lemma puts into a page is what
//! KaTeX produces, and every formula KaTeX rejects gives one clean diagnostic, never a panic.
//! The fixtures are not part of the repository; without them these tests say so and pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

use lemma::MathOutput;
use serde_json::Value;

fn shared_katex(file: &str) -> Option<Value> {
    let dir = std::env::var_os("LEMMA_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let path = dir.join("katex").join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("fixture is JSON")),
        Err(_) => {
            println!(
                "skipped: {} is absent (set LEMMA_SHARED to the shared folder to run this test)",
                path.display()
            );
            None
        }
    }
}

fn macros_of(case: &Value) -> BTreeMap<String, String> {
    case["macros"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Numbered environments get lemma's `\tag{n}`; everything else must match to the byte.
fn numbers_equations(tex: &str) -> bool {
    [
        "equation", "align", "gather", "multline", "alignat", "flalign",
    ]
    .iter()
    .any(|env| tex.contains(&format!("\\begin{{{env}}}")))
}

/// `html` without lemma's one addition to a display formula: the `tabindex` that lets the
/// keyboard scroll a formula wider than the page.
fn as_katex_wrote_it(html: &str) -> String {
    html.replacen(
        "<span class=\"katex\" tabindex=\"0\">",
        "<span class=\"katex\">",
        1,
    )
}

/// How many of `cases` lemma renders in `output` mode exactly as in `expected`, and how many
/// differ only by lemma's equation numbers (in `mathml` mode, also the rows' own `\tag`s, which
/// KaTeX's MathML leaves out and lemma writes in); panics on any other difference.
fn compare(cases: &[Value], expected: &[Value], output: MathOutput) -> (usize, usize) {
    assert_eq!(cases.len(), expected.len());
    let mut identical = 0;
    let mut tagged = 0;
    let mut mismatches = Vec::new();
    for (case, want) in cases.iter().zip(expected) {
        let tex = case["tex"].as_str().unwrap();
        let display = case["display"].as_bool().unwrap();
        let want = want["html"].as_str().unwrap();
        match lemma::render_standalone_as(tex, display, &macros_of(case), output) {
            Ok(html) if as_katex_wrote_it(&html) == want => identical += 1,
            // Without MathML there is no TeX annotation to show the `\tag{n}` lemma added.
            Ok(html)
                if display
                    && numbers_equations(tex)
                    && (html.contains("\\tag{1}") || output == MathOutput::Html) =>
            {
                tagged += 1
            }
            Ok(_) => mismatches.push(case["name"].as_str().unwrap().to_string()),
            Err(message) => {
                mismatches.push(format!("{}: {message}", case["name"].as_str().unwrap()))
            }
        }
    }
    println!(
        "{}: {identical} identical, {tagged} numbered by lemma, {} other",
        output.name(),
        mismatches.len()
    );
    // The two `\message`/`\errmessage` cases need a JS console the crate's engine lacks.
    assert!(
        mismatches.iter().all(|m| m.contains("message")),
        "{mismatches:#?}"
    );
    (identical, tagged)
}

#[test]
fn pages_carry_katex_output_byte_for_byte() {
    let (Some(cases), Some(expected)) = (shared_katex("cases.json"), shared_katex("expected.json"))
    else {
        return;
    };
    let (cases, expected) = (cases.as_array().unwrap(), expected.as_array().unwrap());
    let (identical, tagged) = compare(cases, expected, MathOutput::HtmlAndMathml);
    assert!(identical + tagged >= 864, "{identical} + {tagged}");
}

/// `math.output: mathml` against KaTeX's `output: "mathml"` (expected-mathml.json).
#[test]
fn mathml_pages_carry_katex_mathml_output_byte_for_byte() {
    let (Some(cases), Some(expected)) = (
        shared_katex("cases.json"),
        shared_katex("expected-mathml.json"),
    ) else {
        return;
    };
    let (cases, expected) = (cases.as_array().unwrap(), expected.as_array().unwrap());
    let (identical, tagged) = compare(cases, expected, MathOutput::Mathml);
    assert!(identical + tagged >= 864, "{identical} + {tagged}");
}

/// `math.output: html` asks KaTeX for both halves (the feed needs the MathML) and drops the
/// MathML from pages: what is left must be KaTeX's own `output: "html"`.
#[test]
fn html_pages_carry_katex_html_output_byte_for_byte() {
    let Some(cases) = shared_katex("cases.json") else {
        return;
    };
    let cases = cases.as_array().unwrap();
    let expected: Vec<Value> = cases
        .iter()
        .map(|case| {
            let mut opts = katex::Opts::builder();
            opts.display_mode(case["display"].as_bool().unwrap())
                .output_type(katex::OutputType::Html)
                .throw_on_error(true);
            for (name, body) in macros_of(case) {
                opts = opts.add_macro(name, body);
            }
            let html =
                katex::render_with_opts(case["tex"].as_str().unwrap(), &opts.build().unwrap())
                    .unwrap_or_default();
            serde_json::json!({ "html": html })
        })
        .collect();
    let (identical, tagged) = compare(cases, &expected, MathOutput::Html);
    assert!(identical + tagged >= 864, "{identical} + {tagged}");
}

/// The project's own few cases of expected-mathml.json (KaTeX's test data, MIT licence), so the
/// suite covers the `mathml` mode without the shared folder.
#[test]
fn mathml_output_matches_katex_on_the_projects_own_cases() {
    let text = include_str!("../katex-mathml.json");
    let cases: Vec<Value> = serde_json::from_str(text).expect("fixture is JSON");
    let expected: Vec<Value> = cases.iter().map(|c| c["expected"].clone()).collect();
    let expected: Vec<Value> = expected
        .into_iter()
        .map(|html| serde_json::json!({ "html": html }))
        .collect();
    let (identical, tagged) = compare(&cases, &expected, MathOutput::Mathml);
    assert_eq!((identical, tagged), (cases.len(), 0));
}

#[test]
fn every_rejected_formula_is_one_clean_diagnostic() {
    for file in ["bad.json", "bad-realworld.json"] {
        let Some(cases) = shared_katex(file) else {
            return;
        };
        for case in cases.as_array().unwrap() {
            let tex = case["tex"].as_str().unwrap();
            let display = case["display"].as_bool().unwrap();
            let result = lemma::render_standalone(tex, display, &BTreeMap::new());
            if tex.contains("\\begin{eqnarray") {
                // KaTeX lacks `eqnarray`; lemma numbers it as `align` by design.
                assert!(result.is_ok(), "{result:?}");
                continue;
            }
            let error = result.expect_err(tex);
            let katex_message = case["error"]
                .as_str()
                .unwrap()
                .trim_start_matches("KaTeX parse error: ");
            let katex_message = katex_message.split(" at position ").next().unwrap();
            assert_eq!(error.lines().count(), 1, "{error}");
            assert!(error.starts_with("KaTeX: "), "{error}");
            assert_eq!(error.trim_start_matches("KaTeX: "), katex_message, "{tex}");
        }
    }
}
