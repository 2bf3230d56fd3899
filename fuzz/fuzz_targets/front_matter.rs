//! Any text as an article's front matter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    lemma::fuzzing::front_matter(text);
});
