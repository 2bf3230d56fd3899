//! Regenerates `src/math/lz4-dictionary.html`, the dictionary the formula store compresses
//! KaTeX's HTML against: KaTeX's output for the formulas of the bundled example archive, so
//! the recurring markup (`<span class="mord mathnormal">`, MathML wrappers, struts) is known
//! to the compressor before the first formula. The dictionary is part of every cache key;
//! regenerating it simply starts a new cache.
//!
//! Usage: `cargo run --release --example lz4_dictionary` (from the repository root).

use std::collections::BTreeSet;

const LIMIT: usize = 60_000;

fn main() {
    let mut formulas = BTreeSet::new();
    for entry in walkdir::WalkDir::new("content")
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).expect("readable article");
            for (i, piece) in text.split('$').enumerate() {
                if i % 2 == 1 && !piece.is_empty() && !piece.contains('\n') && piece.len() < 120 {
                    formulas.insert(piece.to_string());
                }
            }
        }
    }
    let mut dictionary = String::new();
    for tex in &formulas {
        if let Ok(html) = lemma::render_standalone(tex, false, &Default::default()) {
            dictionary.push_str(&html);
        }
        if dictionary.len() >= LIMIT {
            break;
        }
    }
    let cut = (0..=LIMIT.min(dictionary.len()))
        .rev()
        .find(|&i| dictionary.is_char_boundary(i))
        .unwrap_or(0);
    std::fs::write("src/math/lz4-dictionary.html", &dictionary[..cut]).expect("writable src/math");
    println!("{} formulas, {} bytes", formulas.len(), cut);
}
