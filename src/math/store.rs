//! Rendered formulas, kept compressed.
//!
//! KaTeX's HTML is verbose (a few KB per formula) and a 1,000-article archive has tens of
//! thousands of distinct formulas: held as plain strings they alone would take hundreds of MB.
//! LZ4 shrinks them about tenfold and decompresses faster than the pages can be written.

use std::collections::HashMap;

use super::JobKey;
use super::engine::Failure;

/// One formula's HTML, LZ4-compressed with its length in front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compressed(Box<[u8]>);

impl Compressed {
    pub fn new(html: &str) -> Self {
        Compressed(lz4_flex::compress_prepend_size(html.as_bytes()).into_boxed_slice())
    }

    /// Wraps bytes read back from the disk cache; `decompress` checks them.
    pub fn from_raw(bytes: Vec<u8>) -> Self {
        Compressed(bytes.into_boxed_slice())
    }

    pub fn as_raw(&self) -> &[u8] {
        &self.0
    }

    /// The HTML, or `None` if the bytes are not a valid compressed string.
    pub fn decompress(&self) -> Option<String> {
        let bytes = lz4_flex::decompress_size_prepended(&self.0).ok()?;
        String::from_utf8(bytes).ok()
    }
}

/// KaTeX's answer for every formula of a build.
#[derive(Debug, Default, Clone)]
pub struct FormulaStore {
    entries: HashMap<JobKey, Result<Compressed, Failure>>,
}

impl FormulaStore {
    pub fn insert(&mut self, key: JobKey, result: Result<Compressed, Failure>) {
        self.entries.insert(key, result);
    }

    pub fn get(&self, key: &JobKey) -> Option<&Result<Compressed, Failure>> {
        self.entries.get(key)
    }

    pub fn contains(&self, key: &JobKey) -> bool {
        self.entries.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The HTML of a rendered formula; `None` if it failed or is unknown.
    pub fn html(&self, key: &JobKey) -> Option<String> {
        self.entries.get(key)?.as_ref().ok()?.decompress()
    }

    pub fn failure(&self, key: &JobKey) -> Option<&Failure> {
        self.entries.get(key)?.as_ref().err()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let html = "<span class=\"katex\">x</span>".repeat(20);
        let packed = Compressed::new(&html);
        assert!(packed.as_raw().len() < html.len());
        assert_eq!(packed.decompress().as_deref(), Some(html.as_str()));
        assert_eq!(
            Compressed::from_raw(vec![200, 0, 0, 0, 1, 2]).decompress(),
            None
        );
    }
}
