//! Rendered formulas, kept compressed.
//!
//! KaTeX's HTML is verbose (8 KB per formula on average in a typical archive) and a
//! 1,000-article archive has tens of thousands of distinct formulas: held as plain strings they
//! alone would take hundreds of MB. LZ4 against a dictionary of KaTeX's recurring markup
//! (`lz4-dictionary.html`, made by `examples/lz4_dictionary.rs`) shrinks them about
//! sixfold and decompresses faster than pages can be written.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::JobKey;
use super::engine::Failure;

/// The compression dictionary; its hash is part of every cache key.
pub(crate) const DICTIONARY: &[u8] = include_bytes!("lz4-dictionary.html");

/// One formula's HTML, LZ4-compressed with its length in front: owned, or a slice of a cache
/// segment shared by all the formulas read from it.
#[derive(Debug, Clone)]
pub(crate) enum Compressed {
    Owned(Box<[u8]>),
    Shared(Arc<Vec<u8>>, Range<usize>),
}

impl PartialEq for Compressed {
    fn eq(&self, other: &Self) -> bool {
        self.as_raw() == other.as_raw()
    }
}

impl Eq for Compressed {}

impl Compressed {
    pub(crate) fn new(html: &str) -> Self {
        Compressed::Owned(
            lz4_flex::block::compress_prepend_size_with_dict(html.as_bytes(), DICTIONARY)
                .into_boxed_slice(),
        )
    }

    pub(crate) fn as_raw(&self) -> &[u8] {
        match self {
            Compressed::Owned(bytes) => bytes,
            Compressed::Shared(segment, range) => &segment[range.clone()],
        }
    }

    /// The HTML, or `None` if the bytes are not a valid compressed string.
    pub(crate) fn decompress(&self) -> Option<String> {
        let bytes =
            lz4_flex::block::decompress_size_prepended_with_dict(self.as_raw(), DICTIONARY).ok()?;
        String::from_utf8(bytes).ok()
    }
}

/// KaTeX's answer for every formula of a build.
#[derive(Debug, Default, Clone)]
pub(crate) struct FormulaStore {
    entries: HashMap<JobKey, Result<Compressed, Failure>>,
}

impl FormulaStore {
    pub(crate) fn insert(&mut self, key: JobKey, result: Result<Compressed, Failure>) {
        self.entries.insert(key, result);
    }

    pub(crate) fn get(&self, key: &JobKey) -> Option<&Result<Compressed, Failure>> {
        self.entries.get(key)
    }

    pub(crate) fn contains(&self, key: &JobKey) -> bool {
        self.entries.contains_key(key)
    }

    /// The HTML of a rendered formula; `None` if it failed or is unknown.
    pub(crate) fn html(&self, key: &JobKey) -> Option<String> {
        self.entries.get(key)?.as_ref().ok()?.decompress()
    }

    pub(crate) fn failure(&self, key: &JobKey) -> Option<&Failure> {
        self.entries.get(key)?.as_ref().err()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let html =
            "<span class=\"katex\">x</span><span class=\"mord mathnormal\">y</span>".repeat(3);
        let packed = Compressed::new(&html);
        assert!(packed.as_raw().len() < html.len());
        assert_eq!(packed.decompress().as_deref(), Some(html.as_str()));
        assert_eq!(
            Compressed::Owned(vec![200, 0, 0, 0, 1, 2].into()).decompress(),
            None
        );
    }
}
