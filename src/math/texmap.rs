//! Offsets in edited TeX mapped back to the TeX the author wrote.

/// A record of how an edited string was built from an original: copied runs, skipped runs
/// (removed text) and inserted runs (new text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TexMap {
    /// (edited start, original start, length) of each copied run, in order.
    copied: Vec<(usize, usize, usize)>,
    edited_len: usize,
    original_len: usize,
}

impl TexMap {
    /// Copies `len` bytes from `original_start`.
    pub(crate) fn copy(&mut self, original_start: usize, len: usize) {
        debug_assert_eq!(original_start, self.original_len);
        if len > 0 {
            self.copied.push((self.edited_len, original_start, len));
        }
        self.edited_len += len;
        self.original_len = original_start + len;
    }

    /// Drops `len` bytes of the original.
    pub(crate) fn skip(&mut self, len: usize) {
        self.original_len += len;
    }

    /// Adds `len` bytes that the original does not have.
    pub(crate) fn insert(&mut self, len: usize) {
        self.edited_len += len;
    }

    /// The original offset of edited offset `edited`; inserted text maps to where it was inserted.
    pub(crate) fn to_original(&self, edited: usize) -> usize {
        let index = self
            .copied
            .partition_point(|&(start, _, _)| start <= edited);
        match index.checked_sub(1).map(|i| self.copied[i]) {
            Some((start, original, len)) if edited < start + len => original + (edited - start),
            Some((_, original, len)) => original + len,
            None => 0,
        }
    }
}
