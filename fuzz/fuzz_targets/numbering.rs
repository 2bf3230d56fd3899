//! Any TeX through equation numbering (the first byte: display or inline, first number).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, tex)) = data.split_first() else {
        return;
    };
    if let Ok(tex) = std::str::from_utf8(tex) {
        lemma::fuzzing::numbering(tex, flags & 1 == 1, usize::from(flags >> 1));
    }
});
