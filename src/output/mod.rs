//! Output writing: the only module that writes the site to disk.
//!
//! A build is written to a staging folder beside the output and swapped in only when complete,
//! so a failed or interrupted build leaves the previously published output exactly as it was.
//! Every file is named by a [`SitePath`], which cannot point outside the output; the output
//! folder itself is vetted by [`location`] before anything is written.

pub(crate) mod location;
pub(crate) mod path;
mod staging;

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub(crate) use location::prepare_output;
pub(crate) use path::{OWNER_MARKER, PathError, SitePath};
use staging::Reuse;
pub(crate) use staging::Staging;

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: SitePath,
    pub contents: Contents,
}

#[derive(Debug, Clone)]
pub enum Contents {
    Bytes(Cow<'static, [u8]>),
    /// A file copied as is (user static files, content assets).
    Copy(PathBuf),
}

impl OutputFile {
    pub fn bytes(path: SitePath, bytes: Vec<u8>) -> Self {
        OutputFile {
            path,
            contents: Contents::Bytes(Cow::Owned(bytes)),
        }
    }

    pub fn embedded(path: SitePath, bytes: &'static [u8]) -> Self {
        OutputFile {
            path,
            contents: Contents::Bytes(Cow::Borrowed(bytes)),
        }
    }

    pub fn copy(path: SitePath, source: PathBuf) -> Self {
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
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes a new file at `target`. Whatever stood there is unlinked first, never written
/// through: in a staging folder it may be a hard link to a published page.
fn write_new(target: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut file = create_new(target)?;
    file.write_all(bytes).map_err(io_error(target))
}

/// [`write_new`] with the bytes of `source`.
fn copy_new(source: &Path, target: &Path) -> Result<(), WriteError> {
    let mut from = std::fs::File::open(source).map_err(io_error(source))?;
    let mut file = create_new(target)?;
    io::copy(&mut from, &mut file)
        .map(drop)
        .map_err(io_error(target))
}

fn create_new(target: &Path) -> Result<std::fs::File, WriteError> {
    match std::fs::remove_file(target) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_error(target)(e)),
        _ => {}
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
        .map_err(io_error(target))
}

/// Where the pipeline puts the files it produces.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<(), WriteError>;

    /// Puts the page `produce` makes, whose bytes follow from `recipe` alone (`0`: unknown). A
    /// sink that still holds the page made from the same recipe may keep it without calling
    /// `produce`: assembling a long article is the costliest part of an unchanged page.
    fn put_made(
        &self,
        path: SitePath,
        recipe: u128,
        produce: &mut dyn FnMut() -> Vec<u8>,
    ) -> Result<(), WriteError> {
        let _ = recipe;
        self.put(OutputFile::bytes(path, produce()))
    }

    /// Whether what is put is kept: work done only for the output can be skipped when not.
    fn keeps_files(&self) -> bool {
        true
    }
}

/// Writes files straight into a folder, as they are produced.
pub(crate) struct DirSink<'a> {
    dir: PathBuf,
    created: Mutex<HashSet<PathBuf>>,
    reuse: Option<&'a Reuse>,
}

impl DirSink<'_> {
    pub(crate) fn new(dir: impl Into<PathBuf>) -> Self {
        DirSink {
            dir: dir.into(),
            created: Mutex::new(HashSet::new()),
            reuse: None,
        }
    }

    /// The file of `path` in the folder, its parent folders created.
    fn target(&self, path: &SitePath) -> Result<PathBuf, WriteError> {
        let target = path.under(&self.dir);
        let Some(parent) = target.parent() else {
            return Ok(target);
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
        Ok(target)
    }
}

impl Sink for DirSink<'_> {
    fn put_made(
        &self,
        path: SitePath,
        recipe: u128,
        produce: &mut dyn FnMut() -> Vec<u8>,
    ) -> Result<(), WriteError> {
        let target = self.target(&path)?;
        match self.reuse {
            Some(reuse) if reuse.keep_made(&path, recipe, &target) => Ok(()),
            Some(reuse) => reuse.put(&path, &produce(), &target, recipe),
            None => write_new(&target, &produce()),
        }
    }

    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        let target = self.target(&file.path)?;
        match &file.contents {
            Contents::Bytes(bytes) => match self.reuse {
                Some(reuse) => reuse.put(&file.path, bytes, &target, 0),
                None => write_new(&target, bytes),
            },
            Contents::Copy(source) => copy_new(source, &target),
        }
    }
}

/// Keeps files in memory (for tests; `serve` has a sink of its own that compresses pages).
#[cfg(test)]
#[derive(Default)]
pub(crate) struct MemorySink {
    files: Mutex<std::collections::BTreeMap<String, OutputFile>>,
}

#[cfg(test)]
impl MemorySink {
    pub(crate) fn into_files(self) -> std::collections::BTreeMap<String, OutputFile> {
        self.files
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
impl Sink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        if let Ok(mut files) = self.files.lock() {
            files.insert(file.path.as_str().to_string(), file);
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

    fn keeps_files(&self) -> bool {
        false
    }

    /// Nothing is kept, so nothing needs assembling.
    fn put_made(
        &self,
        _path: SitePath,
        _recipe: u128,
        _produce: &mut dyn FnMut() -> Vec<u8>,
    ) -> Result<(), WriteError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use location::Guarded;
    use rayon::prelude::*;

    fn path(text: &str) -> SitePath {
        SitePath::parse(text).unwrap()
    }

    /// A staging folder for `out`, whose site lives elsewhere in `dir`.
    fn staging(dir: &Path, out: &Path) -> Staging {
        let guarded = Guarded {
            root: dir.join("site"),
            sources: Vec::new(),
        };
        Staging::new(prepare_output(&guarded, out, false).unwrap()).unwrap()
    }

    /// Writes `files` as the new content of `out`.
    fn write_site(dir: &Path, out: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
        let staging = staging(dir, out);
        let sink = staging.sink();
        files
            .par_iter()
            .try_for_each(|file| sink.put(file.clone()))?;
        drop(sink);
        staging.publish()
    }

    /// `dir/public`, published by lemma before, holding `path` with `text`.
    fn published(dir: &Path, path: &str, text: &str) -> PathBuf {
        let out = dir.join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(path), text).unwrap();
        std::fs::write(out.join(OWNER_MARKER), "").unwrap();
        out
    }

    #[test]
    fn replaces_old_output_completely() {
        let dir = tempfile::tempdir().unwrap();
        let out = published(dir.path(), "stale.html", "old");
        let page = OutputFile::bytes(path("a/index.html"), b"new".to_vec());
        write_site(dir.path(), &out, &[page]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("stale.html").exists());
        assert!(out.join(OWNER_MARKER).is_file());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn failed_write_keeps_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = published(dir.path(), "index.html", "published");
        let missing = OutputFile::copy(path("x.png"), dir.path().join("does-not-exist.png"));
        assert!(write_site(dir.path(), &out, &[missing]).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "published"
        );
    }

    /// `dir/public` and the manifest that lets its builds reuse unchanged pages.
    fn reused_output(dir: &Path) -> (PathBuf, PathBuf) {
        (dir.join("public"), dir.join("cache/out.manifest"))
    }

    /// Builds `pages` into `out`, reusing what `manifest` says is unchanged.
    fn publish_reusing(dir: &Path, out: &Path, manifest: &Path, pages: &[(&str, &[u8])]) {
        let staging = staging(dir, out).reusing(manifest.to_path_buf());
        let sink = staging.sink();
        for (name, bytes) in pages {
            sink.put(OutputFile::bytes(path(name), bytes.to_vec()))
                .unwrap();
        }
        drop(sink);
        staging.publish().unwrap();
    }

    #[test]
    fn unchanged_pages_are_linked_not_written() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let (out, manifest) = reused_output(dir.path());
        let build = |same: &[u8], changed: &[u8]| {
            let pages = [("same.html", same), ("changed.html", changed)];
            publish_reusing(dir.path(), &out, &manifest, &pages);
            let inode = |name: &str| std::fs::metadata(out.join(name)).unwrap().ino();
            (inode("same.html"), inode("changed.html"))
        };
        let first = build(b"same", b"one");
        let second = build(b"same", b"two");
        assert_eq!(first.0, second.0, "unchanged page should be the same file");
        assert_ne!(first.1, second.1);
        assert_eq!(std::fs::read(out.join("changed.html")).unwrap(), b"two");
        // A page made from the same recipe is kept without being made again.
        let first_made = staging(dir.path(), &out).reusing(manifest.clone());
        let sink = first_made.sink();
        sink.put_made(path("made.html"), 7, &mut || b"made".to_vec())
            .unwrap();
        drop(sink);
        first_made.publish().unwrap();
        let second_made = staging(dir.path(), &out).reusing(manifest.clone());
        let sink = second_made.sink();
        sink.put_made(path("made.html"), 7, &mut || panic!("made again"))
            .unwrap();
        sink.put_made(path("other.html"), 8, &mut || b"new".to_vec())
            .unwrap();
        drop(sink);
        second_made.publish().unwrap();
        assert_eq!(std::fs::read(out.join("made.html")).unwrap(), b"made");
        // A published file edited by hand is written again, not trusted.
        std::fs::write(out.join("same.html"), b"tampered").unwrap();
        build(b"same", b"two");
        assert_eq!(std::fs::read(out.join("same.html")).unwrap(), b"same");
    }

    #[test]
    fn a_second_write_to_a_linked_page_never_reaches_the_published_file() {
        let dir = tempfile::tempdir().unwrap();
        let (out, manifest) = reused_output(dir.path());
        for _ in 0..2 {
            publish_reusing(dir.path(), &out, &manifest, &[("404.html", b"page")]);
        }
        // The page is linked from the published one, then a static file lands on it, and the
        // build is abandoned.
        let abandoned = staging(dir.path(), &out).reusing(manifest.clone());
        let sink = abandoned.sink();
        sink.put(OutputFile::bytes(path("404.html"), b"page".to_vec()))
            .unwrap();
        sink.put(OutputFile::bytes(path("404.html"), b"static".to_vec()))
            .unwrap();
        drop(sink);
        drop(abandoned);
        assert_eq!(std::fs::read(out.join("404.html")).unwrap(), b"page");
    }
}
