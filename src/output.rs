//! Output writing: the only module that writes the site to disk.
//!
//! A build is written to a staging folder beside the output and swapped in only when complete,
//! so a failed or interrupted build leaves the previously published output exactly as it was.

use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};

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
        OutputFile { path, contents: Contents::Bytes(Cow::Owned(bytes)) }
    }

    pub fn embedded(path: String, bytes: &'static [u8]) -> Self {
        OutputFile { path, contents: Contents::Bytes(Cow::Borrowed(bytes)) }
    }

    pub fn copy(path: String, source: PathBuf) -> Self {
        OutputFile { path, contents: Contents::Copy(source) }
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
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// The output folder must not be the site itself or hold its sources: swapping it would
/// delete the author's files.
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), WriteError> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, output) = (absolute(root), absolute(output));
    let sources = ["content", "templates", "static"].map(|d| root.join(d));
    let unsafe_location = root.starts_with(&output) || sources.iter().any(|s| output.starts_with(s));
    if unsafe_location { Err(WriteError::UnsafeOutput(output)) } else { Ok(()) }
}

/// Writes `files` as the new content of `output`, atomically replacing the old content.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    let name = output.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.lemma-staging-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.lemma-old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let written = write_files(&staging, files);
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if output.exists() {
        std::fs::rename(output, &retired).map_err(io_error(output))?;
    }
    if let Err(source) = std::fs::rename(&staging, output) {
        // Put the old site back rather than leave nothing published.
        let _ = std::fs::rename(&retired, output);
        return Err(WriteError::Io { path: output.to_path_buf(), source });
    }
    let _ = std::fs::remove_dir_all(&retired);
    Ok(())
}

fn write_files(staging: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    std::fs::create_dir_all(staging).map_err(io_error(staging))?;
    let mut dirs: Vec<PathBuf> = files.iter().filter_map(|f| Path::new(&f.path).parent().map(|d| staging.join(d))).collect();
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    }
    files.par_iter().try_for_each(|file| {
        let target = staging.join(&file.path);
        match &file.contents {
            Contents::Bytes(bytes) => std::fs::write(&target, bytes).map_err(io_error(&target)),
            Contents::Copy(source) => std::fs::copy(source, &target).map(drop).map_err(io_error(source)),
        }
    })
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
        write_site(&out, &[OutputFile::bytes("a/index.html".into(), b"new".to_vec())]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "new");
        assert!(!out.join("stale.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
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
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "published");
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
