//! Any text as an output path: whatever parses names a place inside the output.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    lemma::fuzzing::site_path(text);
});
