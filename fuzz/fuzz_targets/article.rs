//! Any text as a whole article: front matter, Markdown, numbering, labels, references, macros,
//! and KaTeX positions mapped back (the first four bytes pick where the stub KaTeX fails).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((seed, text)) = data.split_first_chunk::<4>() else {
        return;
    };
    if let Ok(text) = std::str::from_utf8(text) {
        lemma::fuzzing::article(text, u32::from_le_bytes(*seed));
    }
});
