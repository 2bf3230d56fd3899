//! The staging folder a build writes into, beside the published output, and the swap that
//! publishes it. Unchanged pages are hard links to the published ones; the sink never writes
//! through a link (see [`super::write_new`]), so the published files stay as they were until
//! the swap.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::location::OutputLock;
use super::{DirSink, OWNER_MARKER, SitePath, WriteError, io_error, write_new};

/// What the marker file says to whoever finds it.
const MARKER_TEXT: &str = "lemma build wrote this folder and replaces all of it on the next build.\n\
Delete this file if lemma must no longer touch the folder.\n";

/// A build's output folder in the making, beside the published one.
pub(crate) struct Staging {
    lock: OutputLock,
    staging: PathBuf,
    published: bool,
    reuse: Option<Reuse>,
}

impl Staging {
    /// Creates an empty staging folder next to the locked output.
    pub(crate) fn new(lock: OutputLock) -> Result<Staging, WriteError> {
        let staging = lock.sibling("staging");
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(io_error(&staging))?;
        Ok(Staging {
            lock,
            staging,
            published: false,
            reuse: None,
        })
    }

    /// The folder the build publishes to.
    pub(crate) fn output(&self) -> &Path {
        self.lock.path()
    }

    /// Lets unchanged pages be hard links to the published ones, as recorded in `manifest`.
    pub(crate) fn reusing(mut self, manifest: PathBuf) -> Self {
        self.reuse = Some(Reuse::load(manifest, self.output().to_path_buf()));
        self
    }

    pub(crate) fn sink(&self) -> DirSink<'_> {
        DirSink {
            reuse: self.reuse.as_ref(),
            ..DirSink::new(&self.staging)
        }
    }

    /// Swaps the staging folder in as the output; the old output is removed afterwards.
    pub(crate) fn publish(mut self) -> Result<(), WriteError> {
        let marker = self.staging.join(OWNER_MARKER);
        write_new(&marker, MARKER_TEXT.as_bytes())?;
        let output = self.lock.path().to_path_buf();
        let retired = self.lock.sibling("retired");
        let had_output = output.exists();
        if had_output {
            std::fs::rename(&output, &retired).map_err(io_error(&output))?;
        }
        if let Err(source) = std::fs::rename(&self.staging, &output) {
            // Put the old site back rather than leave nothing published.
            if had_output {
                let _ = std::fs::rename(&retired, &output);
            }
            return Err(WriteError::Io {
                path: output,
                source,
            });
        }
        self.published = true;
        if let Some(reuse) = &self.reuse {
            // Without a manifest the next build writes every page again, nothing worse.
            let _ = reuse.save();
        }
        if had_output {
            let _ = std::fs::remove_dir_all(&retired);
        }
        Ok(())
    }
}

impl Drop for Staging {
    /// An abandoned build leaves no trace: the published output was never touched.
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// What a page file of the published output was, so an identical page need not be written
/// again (and the old copy need not be deleted: a hard link moves it into the new output).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Written {
    hash: u128,
    /// What the page was made from (see [`Sink::put_made`]); `0` when unknown.
    recipe: u128,
    len: u64,
    modified_nanos: u128,
}

impl Written {
    fn of(path: &Path, hash: u128, recipe: u128) -> Option<Written> {
        let metadata = std::fs::metadata(path).ok()?;
        let modified_nanos = metadata
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Written {
            hash,
            recipe,
            len: metadata.len(),
            modified_nanos,
        })
    }
}

/// The manifest of the published output and the one being made.
pub(super) struct Reuse {
    manifest: PathBuf,
    published: PathBuf,
    previous: BTreeMap<String, Written>,
    current: Mutex<BTreeMap<String, Written>>,
}

impl Reuse {
    fn load(manifest: PathBuf, published: PathBuf) -> Reuse {
        let previous = std::fs::read_to_string(&manifest)
            .map(|text| parse_manifest(&text))
            .unwrap_or_default();
        Reuse {
            manifest,
            published,
            previous,
            current: Mutex::new(BTreeMap::new()),
        }
    }

    /// Writes `bytes` to `target`, or links the published file when it is the same page.
    pub(super) fn put(
        &self,
        path: &SitePath,
        bytes: &[u8],
        target: &Path,
        recipe: u128,
    ) -> Result<(), WriteError> {
        // A fast non-cryptographic hash: it tells our own pages apart, it guards against no one.
        let hash = xxhash_rust::xxh3::xxh3_128(bytes);
        let unchanged = self
            .intact_previous(path)
            .is_some_and(|old| old.hash == hash);
        if !(unchanged && std::fs::hard_link(path.under(&self.published), target).is_ok()) {
            write_new(target, bytes)?;
        }
        self.record(path, target, hash, recipe);
        Ok(())
    }

    /// Links the published page made from `recipe`, if there is one, and says whether it did.
    pub(super) fn keep_made(&self, path: &SitePath, recipe: u128, target: &Path) -> bool {
        let Some(old) = self
            .intact_previous(path)
            .filter(|old| recipe != 0 && old.recipe == recipe)
        else {
            return false;
        };
        if std::fs::hard_link(path.under(&self.published), target).is_err() {
            return false;
        }
        self.record(path, target, old.hash, recipe);
        true
    }

    /// The manifest's entry for `path`, if the published file is still the one it describes
    /// (nobody edited it since).
    fn intact_previous(&self, path: &SitePath) -> Option<Written> {
        let old = *self.previous.get(path.as_str())?;
        (Written::of(&path.under(&self.published), old.hash, old.recipe) == Some(old))
            .then_some(old)
    }

    fn record(&self, path: &SitePath, target: &Path, hash: u128, recipe: u128) {
        if let (Some(written), Ok(mut current)) =
            (Written::of(target, hash, recipe), self.current.lock())
        {
            current.insert(path.as_str().to_string(), written);
        }
    }

    fn save(&self) -> io::Result<()> {
        let current = self
            .current
            .lock()
            .map_err(|_| io::Error::other("manifest lock poisoned"))?;
        let mut text = String::with_capacity(current.len() * 120);
        for (path, w) in current.iter() {
            text.push_str(&format!(
                "{:032x} {:032x} {} {} {path}\n",
                w.hash, w.recipe, w.len, w.modified_nanos
            ));
        }
        if let Some(dir) = self.manifest.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temporary = self
            .manifest
            .with_extension(format!("tmp-{}", std::process::id()));
        std::fs::write(&temporary, text)?;
        std::fs::rename(&temporary, &self.manifest)
    }
}

fn parse_manifest(text: &str) -> BTreeMap<String, Written> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(5, ' ');
            let hash = u128::from_str_radix(parts.next()?, 16).ok()?;
            let recipe = u128::from_str_radix(parts.next()?, 16).ok()?;
            let len = parts.next()?.parse().ok()?;
            let modified_nanos = parts.next()?.parse().ok()?;
            Some((
                parts.next()?.to_string(),
                Written {
                    hash,
                    recipe,
                    len,
                    modified_nanos,
                },
            ))
        })
        .collect()
}
