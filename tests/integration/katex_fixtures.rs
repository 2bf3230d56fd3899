//! KaTeX 0.16.4's own test formulas (`../shared/katex/`): what lemma puts into a page is what
//! KaTeX produces, and every formula KaTeX rejects gives one clean diagnostic, never a panic.
//! The fixtures are not part of the repository; without them these tests say so and pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

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

#[test]
fn pages_carry_katex_output_byte_for_byte() {
    let (Some(cases), Some(expected)) = (shared_katex("cases.json"), shared_katex("expected.json"))
    else {
        return;
    };
    let (cases, expected) = (cases.as_array().unwrap(), expected.as_array().unwrap());
    assert_eq!(cases.len(), expected.len());
    let mut identical = 0;
    let mut tagged = 0;
    let mut mismatches = Vec::new();
    for (case, want) in cases.iter().zip(expected) {
        let tex = case["tex"].as_str().unwrap();
        let display = case["display"].as_bool().unwrap();
        let want = want["html"].as_str().unwrap();
        match lemma::render_standalone(tex, display, &macros_of(case)) {
            Ok(html) if as_katex_wrote_it(&html) == want => identical += 1,
            Ok(html) if display && numbers_equations(tex) && html.contains("\\tag{1}") => {
                tagged += 1
            }
            Ok(_) => mismatches.push(case["name"].as_str().unwrap().to_string()),
            Err(message) => {
                mismatches.push(format!("{}: {message}", case["name"].as_str().unwrap()))
            }
        }
    }
    println!(
        "{identical} identical, {tagged} numbered by lemma, {} other",
        mismatches.len()
    );
    // The two `\message`/`\errmessage` cases need a JS console the crate's engine lacks.
    assert!(
        mismatches.iter().all(|m| m.contains("message")),
        "{mismatches:#?}"
    );
    assert!(identical + tagged >= 864, "{identical} + {tagged}");
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
