//! A permalink pattern and a slug source (split at the first newline): parse, slugify, expand.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (pattern, title) = text.split_once('\n').unwrap_or((text, ""));
    lemma::fuzzing::slug(title);
    let id = (title.len() % 3 == 0).then_some(title.len() as u64);
    lemma::fuzzing::permalink(pattern, &lemma::slugify(title), id, true);
    lemma::fuzzing::permalink(pattern, title, None, false);
});
