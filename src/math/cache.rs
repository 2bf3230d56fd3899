//! The persistent, content-addressed formula cache.
//!
//! A formula's key hashes everything its HTML depends on (KaTeX version, options, macros in
//! effect, display flag, TeX), so an entry never needs invalidating: a changed macro is a new
//! key. Entries live in segment files. Each build that renders new formulas writes one new
//! segment under a temporary name and renames it into place, so concurrent builds never see each
//! other's half-written files. Every record carries a checksum; a truncated or corrupt record is
//! skipped (and its formula rendered again), never served.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::JobKey;
use super::store::Compressed;

const MAGIC: &[u8; 8] = b"LEMMAKC1";
const SEGMENT_SUFFIX: &str = ".seg";
/// Past this many segments, a build merges them into one.
const MAX_SEGMENTS: usize = 16;
const HEADER: usize = 32 + 4 + 8;

/// A folder of cache segments.
#[derive(Debug, Clone)]
pub(crate) struct DiskCache {
    dir: PathBuf,
}

/// Detects damage (a torn write, a flipped bit), not tampering: XXH3 is fast enough that a
/// warm build can verify every entry it reads.
fn checksum(key: &JobKey, data: &[u8]) -> [u8; 8] {
    xxhash_rust::xxh3::xxh3_64_with_seed(
        data,
        u64::from_le_bytes([
            key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
        ]),
    )
    .to_le_bytes()
}

impl DiskCache {
    pub(crate) fn new(dir: impl Into<PathBuf>) -> Self {
        DiskCache { dir: dir.into() }
    }

    fn segments(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with(SEGMENT_SUFFIX))
            })
            .collect();
        paths.sort();
        paths
    }

    /// The cached entries among `wanted`. Unreadable segments and bad records are skipped.
    pub(crate) fn load(&self, wanted: &HashSet<JobKey>) -> HashMap<JobKey, Compressed> {
        self.load_where(|key| wanted.contains(key))
    }

    /// Every cached entry (for `serve`, which reads the cache before it knows its formulas).
    pub(crate) fn load_all(&self) -> HashMap<JobKey, Compressed> {
        self.load_where(|_| true)
    }

    fn load_where(&self, wanted: impl Fn(&JobKey) -> bool) -> HashMap<JobKey, Compressed> {
        let mut found = HashMap::new();
        for segment in self.segments() {
            let Ok(bytes) = std::fs::read(&segment) else {
                continue;
            };
            // Entries stay slices of the segment: no copy of a cache that can be 100 MB.
            let bytes = Arc::new(bytes);
            for (key, range) in record_ranges(&bytes) {
                if wanted(&key) && !found.contains_key(&key) {
                    found.insert(key, Compressed::Shared(Arc::clone(&bytes), range));
                }
            }
        }
        found
    }

    /// Adds `entries` as one new segment, then merges segments if there are too many.
    pub(crate) fn store<'a>(
        &self,
        entries: impl IntoIterator<Item = (&'a JobKey, &'a Compressed)>,
    ) -> io::Result<()> {
        let mut entries = entries.into_iter().peekable();
        if entries.peek().is_none() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let mut segment = SegmentWriter::create(&self.dir)?;
        for (key, data) in entries {
            segment.push(key, data.as_raw())?;
        }
        segment.finish()?;
        if self.segments().len() > MAX_SEGMENTS {
            self.compact()?;
        }
        Ok(())
    }

    /// Drops the entries no formula of the site uses any more (edited or deleted formulas),
    /// once they make up most of the cache; `used_bytes` is the size of the entries in use.
    pub(crate) fn prune(&self, in_use: &HashSet<JobKey>, used_bytes: u64) -> io::Result<()> {
        let total: u64 = self
            .segments()
            .iter()
            .filter_map(|s| std::fs::metadata(s).ok())
            .map(|m| m.len())
            .sum();
        if total <= 2 * used_bytes + (1 << 20) {
            return Ok(());
        }
        self.rewrite(|key| in_use.contains(key))
    }

    /// Merges every segment into one; segments another build adds meanwhile are left alone.
    fn compact(&self) -> io::Result<()> {
        self.rewrite(|_| true)
    }

    /// Replaces all segments by one holding the records `keep` accepts.
    fn rewrite(&self, keep: impl Fn(&JobKey) -> bool) -> io::Result<()> {
        let segments = self.segments();
        let mut seen = HashSet::new();
        let mut merged = SegmentWriter::create(&self.dir)?;
        // One segment in memory at a time.
        for segment in &segments {
            let Ok(bytes) = std::fs::read(segment) else {
                continue;
            };
            for (key, data) in records(&bytes) {
                if keep(&key) && seen.insert(key) {
                    merged.push(&key, data)?;
                }
            }
        }
        let kept = merged.finish()?;
        for segment in segments.iter().filter(|s| Some(*s) != kept.as_ref()) {
            let _ = std::fs::remove_file(segment);
        }
        Ok(())
    }
}

/// A segment being written: records stream to a temporary file, which is renamed after its
/// content hash once complete, so no reader ever sees a partial segment.
struct SegmentWriter {
    file: io::BufWriter<std::fs::File>,
    hasher: blake3::Hasher,
    temporary: PathBuf,
    dir: PathBuf,
    records: usize,
}

impl SegmentWriter {
    fn create(dir: &Path) -> io::Result<SegmentWriter> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temporary = dir.join(format!(".tmp-{}-{n}", std::process::id()));
        let mut writer = SegmentWriter {
            file: io::BufWriter::new(std::fs::File::create(&temporary)?),
            hasher: blake3::Hasher::new(),
            temporary,
            dir: dir.to_path_buf(),
            records: 0,
        };
        writer.write(MAGIC)?;
        Ok(writer)
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hasher.update(bytes);
        self.file.write_all(bytes)
    }

    fn push(&mut self, key: &JobKey, data: &[u8]) -> io::Result<()> {
        self.write(key)?;
        self.write(&(data.len() as u32).to_le_bytes())?;
        self.write(&checksum(key, data))?;
        self.write(data)?;
        self.records += 1;
        Ok(())
    }

    /// The segment's final path; `None` (and nothing left behind) when it holds no record.
    fn finish(mut self) -> io::Result<Option<PathBuf>> {
        self.file.flush()?;
        if self.records == 0 {
            let _ = std::fs::remove_file(&self.temporary);
            return Ok(None);
        }
        self.file.get_ref().sync_all()?;
        let name = self.hasher.finalize().to_hex();
        let target = self.dir.join(format!("{}{SEGMENT_SUFFIX}", &name[..32]));
        std::fs::rename(&self.temporary, &target)?;
        Ok(Some(target))
    }
}

/// The intact records of a segment; reading stops at a truncated record.
fn records(bytes: &[u8]) -> Vec<(JobKey, &[u8])> {
    record_ranges(bytes)
        .into_iter()
        .map(|(key, range)| (key, &bytes[range]))
        .collect()
}

/// Keys and data ranges of the intact records; checksums are verified on all cores.
fn record_ranges(bytes: &[u8]) -> Vec<(JobKey, Range<usize>)> {
    let mut candidates: Vec<(JobKey, usize, Range<usize>)> = Vec::new();
    let mut at = MAGIC.len();
    if !bytes.starts_with(MAGIC) {
        return Vec::new();
    }
    while let Some(header) = bytes.get(at..at + HEADER) {
        let mut key = [0u8; 32];
        key.copy_from_slice(&header[..32]);
        let mut len = [0u8; 4];
        len.copy_from_slice(&header[32..36]);
        let data = at + HEADER..at + HEADER + u32::from_le_bytes(len) as usize;
        if data.end > bytes.len() {
            break;
        }
        candidates.push((key, at + 36, data.clone()));
        at = data.end;
    }
    candidates
        .into_par_iter()
        .filter(|(key, sum_at, data)| {
            bytes[*sum_at..sum_at + 8] == checksum(key, &bytes[data.clone()])
        })
        .map(|(key, _, data)| (key, data))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> JobKey {
        [n; 32]
    }

    #[test]
    fn stores_and_loads_wanted_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().join("katex"));
        let (a, b) = (Compressed::new("<a>"), Compressed::new("<b>"));
        cache.store([(&key(1), &a), (&key(2), &b)]).unwrap();
        let loaded = cache.load(&[key(1), key(3)].into_iter().collect());
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[&key(1)].decompress().as_deref(), Some("<a>"));
    }

    #[test]
    fn corrupt_and_truncated_records_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path());
        let (a, b) = (Compressed::new("<first>"), Compressed::new("<second>"));
        cache.store([(&key(1), &a), (&key(2), &b)]).unwrap();
        let segment = cache.segments().pop().unwrap();
        let mut bytes = std::fs::read(&segment).unwrap();
        // Flip a byte of the first record's data, and cut the second record short.
        bytes[MAGIC.len() + HEADER] ^= 0xff;
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&segment, bytes).unwrap();
        assert!(
            cache
                .load(&[key(1), key(2)].into_iter().collect())
                .is_empty()
        );
    }

    #[test]
    fn prune_keeps_only_entries_in_use() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path());
        // Hex of hashes hardly compresses, so the cache is well over the 1 MB slack.
        let noise = |n: u8| {
            (0..1000u32)
                .map(|i| {
                    blake3::hash(&[n, i as u8, (i >> 8) as u8])
                        .to_hex()
                        .to_string()
                })
                .collect::<String>()
        };
        let entries: Vec<Compressed> = (0..50u8).map(|n| Compressed::new(&noise(n))).collect();
        let keys: Vec<JobKey> = (0..50u8).map(key).collect();
        cache.store(keys.iter().zip(&entries)).unwrap();
        let in_use: HashSet<JobKey> = [key(1)].into_iter().collect();
        cache.prune(&in_use, 10).unwrap();
        let all: HashSet<JobKey> = (0..50u8).map(key).collect();
        let left = cache.load(&all);
        assert_eq!(left.len(), 1);
        assert!(left.contains_key(&key(1)));
    }

    #[test]
    fn many_segments_are_compacted_without_losing_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path());
        let entries: Vec<Compressed> = (0..=MAX_SEGMENTS as u8)
            .map(|n| Compressed::new(&format!("<{n}>")))
            .collect();
        for (n, entry) in entries.iter().enumerate() {
            cache.store([(&key(n as u8), entry)]).unwrap();
        }
        assert_eq!(cache.segments().len(), 1);
        let wanted: HashSet<JobKey> = (0..=MAX_SEGMENTS as u8).map(key).collect();
        assert_eq!(cache.load(&wanted).len(), MAX_SEGMENTS + 1);
    }
}
