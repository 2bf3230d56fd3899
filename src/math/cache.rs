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
use std::path::{Path, PathBuf};

use super::JobKey;
use super::store::Compressed;

const MAGIC: &[u8; 8] = b"LEMMAKC1";
const SEGMENT_SUFFIX: &str = ".seg";
/// Past this many segments, a build merges them into one.
const MAX_SEGMENTS: usize = 16;
const HEADER: usize = 32 + 4 + 8;

/// A folder of cache segments.
#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: PathBuf,
}

fn checksum(key: &JobKey, data: &[u8]) -> [u8; 8] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(key);
    hasher.update(data);
    let mut sum = [0; 8];
    sum.copy_from_slice(&hasher.finalize().as_bytes()[..8]);
    sum
}

impl DiskCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        DiskCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
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
    pub fn load(&self, wanted: &HashSet<JobKey>) -> HashMap<JobKey, Compressed> {
        let mut found = HashMap::new();
        for segment in self.segments() {
            let Ok(bytes) = std::fs::read(&segment) else {
                continue;
            };
            for (key, data) in records(&bytes) {
                if wanted.contains(&key) && !found.contains_key(&key) {
                    found.insert(key, Compressed::from_raw(data.to_vec()));
                }
            }
        }
        found
    }

    /// Adds `entries` as one new segment, then merges segments if there are too many.
    pub fn store<'a>(
        &self,
        entries: impl IntoIterator<Item = (&'a JobKey, &'a Compressed)>,
    ) -> io::Result<()> {
        let mut buffer = MAGIC.to_vec();
        let mut count = 0;
        for (key, data) in entries {
            push_record(&mut buffer, key, data.as_raw());
            count += 1;
        }
        if count == 0 {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        self.write_segment(&buffer)?;
        if self.segments().len() > MAX_SEGMENTS {
            self.compact()?;
        }
        Ok(())
    }

    /// Writes `bytes` under a name derived from its content, via a temporary file.
    fn write_segment(&self, bytes: &[u8]) -> io::Result<PathBuf> {
        let name = blake3::hash(bytes).to_hex();
        let target = self.dir.join(format!("{}{SEGMENT_SUFFIX}", &name[..32]));
        let temporary = self
            .dir
            .join(format!(".tmp-{}-{}", std::process::id(), &name[..16]));
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, &target)?;
        Ok(target)
    }

    /// Merges every segment into one; segments another build adds meanwhile are left alone.
    fn compact(&self) -> io::Result<()> {
        let segments = self.segments();
        let mut seen = HashSet::new();
        let mut merged = MAGIC.to_vec();
        for segment in &segments {
            let Ok(bytes) = std::fs::read(segment) else {
                continue;
            };
            for (key, data) in records(&bytes) {
                if seen.insert(key) {
                    push_record(&mut merged, &key, data);
                }
            }
        }
        let kept = self.write_segment(&merged)?;
        for segment in segments.iter().filter(|s| **s != kept) {
            let _ = std::fs::remove_file(segment);
        }
        Ok(())
    }
}

fn push_record(buffer: &mut Vec<u8>, key: &JobKey, data: &[u8]) {
    buffer.extend_from_slice(key);
    buffer.extend_from_slice(&(data.len() as u32).to_le_bytes());
    buffer.extend_from_slice(&checksum(key, data));
    buffer.extend_from_slice(data);
}

/// The intact records of a segment; reading stops at a truncated record.
fn records(bytes: &[u8]) -> Vec<(JobKey, &[u8])> {
    let mut out = Vec::new();
    let Some(mut rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
        return out;
    };
    while rest.len() >= HEADER {
        let mut key = [0u8; 32];
        key.copy_from_slice(&rest[..32]);
        let mut len = [0u8; 4];
        len.copy_from_slice(&rest[32..36]);
        let len = u32::from_le_bytes(len) as usize;
        let sum = &rest[36..44];
        let Some(data) = rest.get(HEADER..HEADER + len) else {
            break;
        };
        if sum == checksum(&key, data) {
            out.push((key, data));
        }
        rest = &rest[HEADER + len..];
    }
    out
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
