//! Output writing: the only module that writes the site to disk.
//!
//! A build is written to a staging folder beside the output and swapped in only when complete,
//! so a failed or interrupted build leaves the previously published output exactly as it was.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative to the output root, `/`-separated: `archives/12/index.html`.
    pub path: String,
    pub contents: Contents,
}

#[derive(Debug, Clone)]
pub enum Contents {
    Bytes(Cow<'static, [u8]>),
    /// A file copied as is (user static files, content assets).
    Copy(PathBuf),
}

impl OutputFile {
    pub fn bytes(path: String, bytes: Vec<u8>) -> Self {
        OutputFile {
            path,
            contents: Contents::Bytes(Cow::Owned(bytes)),
        }
    }

    pub fn embedded(path: String, bytes: &'static [u8]) -> Self {
        OutputFile {
            path,
            contents: Contents::Bytes(Cow::Borrowed(bytes)),
        }
    }

    pub fn copy(path: String, source: PathBuf) -> Self {
        OutputFile {
            path,
            contents: Contents::Copy(source),
        }
    }

    /// The file's bytes, reading copied files from disk.
    pub fn read(&self) -> io::Result<Cow<'_, [u8]>> {
        match &self.contents {
            Contents::Bytes(bytes) => Ok(Cow::Borrowed(bytes)),
            Contents::Copy(source) => std::fs::read(source).map(Cow::Owned),
        }
    }
}

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write the site into {0}: it holds the site's own sources")]
    UnsafeOutput(PathBuf),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The output folder must not be the site itself or hold its sources: swapping it would
/// delete the author's files.
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), WriteError> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, output) = (absolute(root), absolute(output));
    let sources = ["content", "templates", "static"].map(|d| root.join(d));
    let unsafe_location =
        root.starts_with(&output) || sources.iter().any(|s| output.starts_with(s));
    if unsafe_location {
        Err(WriteError::UnsafeOutput(output))
    } else {
        Ok(())
    }
}

/// Where the pipeline puts the files it produces.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<(), WriteError>;

    /// Puts the page `produce` makes, whose bytes follow from `recipe` alone (`0`: unknown). A
    /// sink that still holds the page made from the same recipe may keep it without calling
    /// `produce`: assembling a long article is the costliest part of an unchanged page.
    fn put_made(
        &self,
        path: String,
        recipe: u128,
        produce: &mut dyn FnMut() -> Vec<u8>,
    ) -> Result<(), WriteError> {
        let _ = recipe;
        self.put(OutputFile::bytes(path, produce()))
    }
}

/// Writes files straight into a folder, as they are produced.
pub struct DirSink<'a> {
    dir: PathBuf,
    created: Mutex<HashSet<PathBuf>>,
    reuse: Option<&'a Reuse>,
}

impl DirSink<'_> {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        DirSink {
            dir: dir.into(),
            created: Mutex::new(HashSet::new()),
            reuse: None,
        }
    }

    fn ensure_parent(&self, target: &Path) -> Result<(), WriteError> {
        let Some(parent) = target.parent() else {
            return Ok(());
        };
        let known = self
            .created
            .lock()
            .map(|set| set.contains(parent))
            .unwrap_or(false);
        if !known {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
            if let Ok(mut set) = self.created.lock() {
                set.insert(parent.to_path_buf());
            }
        }
        Ok(())
    }
}

impl Sink for DirSink<'_> {
    fn put_made(
        &self,
        path: String,
        recipe: u128,
        produce: &mut dyn FnMut() -> Vec<u8>,
    ) -> Result<(), WriteError> {
        let target = self.dir.join(&path);
        self.ensure_parent(&target)?;
        match self.reuse {
            Some(reuse) if reuse.keep_made(&path, recipe, &target) => Ok(()),
            Some(reuse) => reuse.put(&path, &produce(), &target, recipe),
            None => std::fs::write(&target, produce()).map_err(io_error(&target)),
        }
    }

    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        let target = self.dir.join(&file.path);
        self.ensure_parent(&target)?;
        match &file.contents {
            Contents::Bytes(bytes) => match self.reuse {
                Some(reuse) => reuse.put(&file.path, bytes, &target, 0),
                None => std::fs::write(&target, bytes).map_err(io_error(&target)),
            },
            Contents::Copy(source) => std::fs::copy(source, &target)
                .map(drop)
                .map_err(io_error(source)),
        }
    }
}

/// Keeps files in memory (for `serve`, and for tests).
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, OutputFile>>,
}

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, OutputFile> {
        self.files
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        if let Ok(mut files) = self.files.lock() {
            files.insert(file.path.clone(), file);
        }
        Ok(())
    }
}

/// Drops every file: for `check`, which runs the pipeline for its diagnostics only.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _file: OutputFile) -> Result<(), WriteError> {
        Ok(())
    }

    /// Nothing is kept, so nothing needs assembling.
    fn put_made(
        &self,
        _path: String,
        _recipe: u128,
        _produce: &mut dyn FnMut() -> Vec<u8>,
    ) -> Result<(), WriteError> {
        Ok(())
    }
}

/// A build's output folder in the making, beside the published one.
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    published: bool,
    reuse: Option<Reuse>,
}

impl Staging {
    /// Creates an empty staging folder next to `output`.
    pub fn new(output: &Path) -> Result<Staging, WriteError> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        let name = output
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let staging = parent.join(format!(".{name}.lemma-staging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(io_error(&staging))?;
        Ok(Staging {
            output: output.to_path_buf(),
            staging,
            published: false,
            reuse: None,
        })
    }

    /// Lets unchanged pages be hard links to the published ones, as recorded in `manifest`.
    pub fn reusing(mut self, manifest: PathBuf) -> Self {
        self.reuse = Some(Reuse::load(manifest, self.output.clone()));
        self
    }

    pub fn sink(&self) -> DirSink<'_> {
        DirSink {
            reuse: self.reuse.as_ref(),
            ..DirSink::new(&self.staging)
        }
    }

    /// Swaps the staging folder in as the output; the old output is removed afterwards.
    pub fn publish(mut self) -> Result<(), WriteError> {
        let retired = self
            .staging
            .with_file_name(format!(".lemma-retired-{}", std::process::id()));
        if self.output.exists() {
            std::fs::rename(&self.output, &retired).map_err(io_error(&self.output))?;
        }
        if let Err(source) = std::fs::rename(&self.staging, &self.output) {
            // Put the old site back rather than leave nothing published.
            let _ = std::fs::rename(&retired, &self.output);
            return Err(WriteError::Io {
                path: self.output.clone(),
                source,
            });
        }
        self.published = true;
        if let Some(reuse) = &self.reuse {
            // Without a manifest the next build writes every page again, nothing worse.
            let _ = reuse.save();
        }
        let _ = std::fs::remove_dir_all(&retired);
        Ok(())
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
pub struct Reuse {
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
    fn put(&self, path: &str, bytes: &[u8], target: &Path, recipe: u128) -> Result<(), WriteError> {
        // A fast non-cryptographic hash: it tells our own pages apart, it guards against no one.
        let hash = xxhash_rust::xxh3::xxh3_128(bytes);
        let unchanged = self
            .intact_previous(path)
            .is_some_and(|old| old.hash == hash);
        if !(unchanged && std::fs::hard_link(self.published.join(path), target).is_ok()) {
            std::fs::write(target, bytes).map_err(io_error(target))?;
        }
        self.record(path, target, hash, recipe);
        Ok(())
    }

    /// Links the published page made from `recipe`, if there is one, and says whether it did.
    fn keep_made(&self, path: &str, recipe: u128, target: &Path) -> bool {
        let Some(old) = self
            .intact_previous(path)
            .filter(|old| recipe != 0 && old.recipe == recipe)
        else {
            return false;
        };
        if std::fs::hard_link(self.published.join(path), target).is_err() {
            return false;
        }
        self.record(path, target, old.hash, recipe);
        true
    }

    /// The manifest's entry for `path`, if the published file is still the one it describes
    /// (nobody edited it since).
    fn intact_previous(&self, path: &str) -> Option<Written> {
        let old = *self.previous.get(path)?;
        (Written::of(&self.published.join(path), old.hash, old.recipe) == Some(old)).then_some(old)
    }

    fn record(&self, path: &str, target: &Path, hash: u128, recipe: u128) {
        if let (Some(written), Ok(mut current)) =
            (Written::of(target, hash, recipe), self.current.lock())
        {
            current.insert(path.to_string(), written);
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

impl Drop for Staging {
    /// An abandoned build leaves no trace: the published output was never touched.
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Writes `files` as the new content of `output`, atomically replacing the old content.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let staging = Staging::new(output)?;
    let sink = staging.sink();
    files
        .par_iter()
        .try_for_each(|file| sink.put(file.clone()))?;
    staging.publish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_old_output_completely() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("stale.html"), "old").unwrap();
        write_site(
            &out,
            &[OutputFile::bytes("a/index.html".into(), b"new".to_vec())],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("stale.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn failed_write_keeps_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "published").unwrap();
        let missing = OutputFile::copy("x.png".into(), dir.path().join("does-not-exist.png"));
        assert!(write_site(&out, &[missing]).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "published"
        );
    }

    #[test]
    fn unchanged_pages_are_linked_not_written() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let (out, manifest) = (
            dir.path().join("public"),
            dir.path().join("cache/out.manifest"),
        );
        let build = |same: &[u8], changed: &[u8]| {
            let staging = Staging::new(&out).unwrap().reusing(manifest.clone());
            let sink = staging.sink();
            sink.put(OutputFile::bytes("same.html".into(), same.to_vec()))
                .unwrap();
            sink.put(OutputFile::bytes("changed.html".into(), changed.to_vec()))
                .unwrap();
            drop(sink);
            staging.publish().unwrap();
            let inode = |name: &str| std::fs::metadata(out.join(name)).unwrap().ino();
            (inode("same.html"), inode("changed.html"))
        };
        let first = build(b"same", b"one");
        let second = build(b"same", b"two");
        assert_eq!(first.0, second.0, "unchanged page should be the same file");
        assert_ne!(first.1, second.1);
        assert_eq!(std::fs::read(out.join("changed.html")).unwrap(), b"two");
        // A page made from the same recipe is kept without being made again.
        let staging = Staging::new(&out).unwrap().reusing(manifest.clone());
        let sink = staging.sink();
        sink.put_made("made.html".into(), 7, &mut || b"made".to_vec())
            .unwrap();
        drop(sink);
        staging.publish().unwrap();
        let staging = Staging::new(&out).unwrap().reusing(manifest.clone());
        let sink = staging.sink();
        sink.put_made("made.html".into(), 7, &mut || panic!("made again"))
            .unwrap();
        sink.put_made("other.html".into(), 8, &mut || b"new".to_vec())
            .unwrap();
        drop(sink);
        staging.publish().unwrap();
        assert_eq!(std::fs::read(out.join("made.html")).unwrap(), b"made");
        // A published file edited by hand is written again, not trusted.
        std::fs::write(out.join("same.html"), b"tampered").unwrap();
        build(b"same", b"two");
        assert_eq!(std::fs::read(out.join("same.html")).unwrap(), b"same");
    }

    #[test]
    fn refuses_to_overwrite_sources() {
        let root = Path::new("/site");
        assert!(check_output_location(root, Path::new("/site")).is_err());
        assert!(check_output_location(root, Path::new("/")).is_err());
        assert!(check_output_location(root, Path::new("/site/content/out")).is_err());
        assert!(check_output_location(root, Path::new("/site/public")).is_ok());
    }
}
