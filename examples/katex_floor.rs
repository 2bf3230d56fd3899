//! The floor for lemma's cold build: every distinct formula of a corpus rendered by bare
//! `katex::render_with_opts` calls on all cores, with no site around them.
//!
//! Usage: `cargo run --release --example katex_floor -- MANIFEST.json [OUTPUT]`, where the
//! manifest is the one `gen_corpus.py --manifest` writes (`items[].formulas` = `[tex, display]`
//! pairs) and OUTPUT is KaTeX's `output` option (`htmlAndMathml`, the default, or `mathml`).

use std::collections::BTreeSet;
use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: katex_floor MANIFEST.json [htmlAndMathml|mathml|html]");
        std::process::exit(2);
    };
    let output = match std::env::args().nth(2).as_deref() {
        None | Some("htmlAndMathml") => katex::OutputType::HtmlAndMathml,
        Some("mathml") => katex::OutputType::Mathml,
        Some("html") => katex::OutputType::Html,
        Some(other) => {
            eprintln!("unknown output `{other}`: htmlAndMathml, mathml or html");
            std::process::exit(2);
        }
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let manifest: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
    let mut distinct: BTreeSet<(String, bool)> = BTreeSet::new();
    for item in manifest["items"].as_array().into_iter().flatten() {
        for formula in item["formulas"].as_array().into_iter().flatten() {
            if let (Some(tex), Some(display)) = (formula[0].as_str(), formula[1].as_bool()) {
                distinct.insert((tex.to_string(), display));
            }
        }
    }
    let formulas: Vec<(String, bool)> = distinct.into_iter().collect();
    let started = Instant::now();
    let failures: usize = formulas
        .par_iter()
        .map(|(tex, display)| {
            let opts = katex::Opts::builder()
                .display_mode(*display)
                .output_type(output)
                .throw_on_error(true)
                .build()
                .expect("valid options");
            usize::from(katex::render_with_opts(tex, &opts).is_err())
        })
        .sum();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"distinct\": {}, \"failures\": {failures}, \"seconds\": {seconds:.3}}}",
        formulas.len()
    );
}
