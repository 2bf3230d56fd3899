//! Which folder a build may publish into. The output folder is replaced whole, so before a
//! build writes anything lemma makes sure that folder is one it owns: not the site, not a
//! source folder, not a folder of someone else's files, and not being written by another build.

use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::WriteError;
use super::path::OWNER_MARKER;

/// The places of a site that an output folder must never be, hold, or sit in.
#[derive(Debug, Clone)]
pub(crate) struct Guarded {
    pub root: PathBuf,
    /// Source folders and files: `content/`, `templates/`, `static/`, `lemma.yaml`, `.git`,
    /// the cache.
    pub sources: Vec<PathBuf>,
}

/// Why a build may not publish into the folder it was given.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    #[error(
        "refusing to write the site into {output}: it {what}, which lemma would replace; pass another --output (the default is public/)"
    )]
    Unsafe { output: PathBuf, what: String },
    #[error(
        "refusing to replace {0}: it is a file, not a folder; remove it or pass another --output"
    )]
    NotAFolder(PathBuf),
    #[error(
        "refusing to replace {0}: the folder is read-only; make it writable (chmod u+w) if lemma may replace it, or pass another --output"
    )]
    ReadOnly(PathBuf),
    #[error(
        "refusing to replace {0}: the folder is not empty and lemma did not write it (it has no {OWNER_MARKER} file), so nothing in it was touched; move it away or delete it yourself if it is an old copy of the site, or pass another --output"
    )]
    NotOurs(PathBuf),
    #[error(transparent)]
    Io(#[from] WriteError),
}

/// An I/O failure at `path`, as an [`OutputError`].
fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| super::io_error(path)(source).into()
}

/// An output folder cleared for publishing, locked against other builds until dropped.
#[derive(Debug)]
pub(crate) struct OutputLock {
    /// The folder itself, with symlinks resolved: a `public` link is published through, never
    /// replaced.
    output: PathBuf,
    _lock: File,
}

impl OutputLock {
    pub(crate) fn path(&self) -> &Path {
        &self.output
    }

    /// A name beside the output for a folder of this build (`.public.lemma-staging-42`).
    pub(super) fn sibling(&self, role: &str) -> PathBuf {
        self.output
            .with_file_name(sibling_name(&self.output, role, std::process::id()))
    }
}

fn sibling_name(output: &Path, role: &str, pid: u32) -> String {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    format!(".{name}.lemma-{role}-{pid}")
}

/// Vets `output` for a build of the site at `guarded`, locks it, and removes what interrupted
/// builds left beside it. `built_before` says lemma's cache knows this folder as one it
/// published (before it wrote marker files).
pub(crate) fn prepare_output(
    guarded: &Guarded,
    output: &Path,
    built_before: bool,
) -> Result<OutputLock, OutputError> {
    let output = resolve(output).map_err(io_error(output))?;
    check_location(guarded, &output)?;
    let parent = output.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    let lock = lock_folder(parent, &output)?;
    check_ownership(&output, built_before)?;
    remove_leftovers(parent, &output);
    Ok(OutputLock {
        output,
        _lock: lock,
    })
}

/// `path` made absolute with every symlink and `..` resolved, also where the last parts do not
/// exist yet (they cannot be links, so `..` among them is resolved by the text).
pub(crate) fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(found) => {
                let mut resolved = found;
                for part in missing.iter().rev() {
                    match part {
                        Component::ParentDir => {
                            resolved.pop();
                        }
                        Component::Normal(name) => resolved.push(name),
                        _ => {}
                    }
                }
                return Ok(resolved);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let (Some(parent), Some(last)) =
                    (existing.parent(), existing.components().next_back())
                else {
                    return Err(e);
                };
                missing.push(last);
                existing = parent;
            }
            Err(e) => return Err(e),
        }
    }
}

fn check_location(guarded: &Guarded, output: &Path) -> Result<(), OutputError> {
    let unsafe_because = |what: String| OutputError::Unsafe {
        output: output.to_path_buf(),
        what,
    };
    let root = resolve(&guarded.root).map_err(io_error(&guarded.root))?;
    if root.starts_with(output) {
        let what = if root == output {
            "is the site's folder"
        } else {
            "holds the site's folder"
        };
        return Err(unsafe_because(what.into()));
    }
    for source in &guarded.sources {
        let Ok(source) = resolve(source) else {
            continue;
        };
        let shown = source.strip_prefix(&root).unwrap_or(&source).display();
        if output.starts_with(&source) {
            let what = if output == source { "is" } else { "is inside" };
            return Err(unsafe_because(format!("{what} the site's {shown}")));
        }
        if source.starts_with(output) {
            return Err(unsafe_because(format!("holds the site's {shown}")));
        }
    }
    Ok(())
}

fn check_ownership(output: &Path, built_before: bool) -> Result<(), OutputError> {
    let metadata = match std::fs::metadata(output) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error(output)(e)),
    };
    if !metadata.is_dir() {
        return Err(OutputError::NotAFolder(output.to_path_buf()));
    }
    if metadata.permissions().readonly() {
        return Err(OutputError::ReadOnly(output.to_path_buf()));
    }
    let owned = output.join(OWNER_MARKER).is_file() || built_before;
    let empty = std::fs::read_dir(output)
        .map_err(io_error(output))?
        .next()
        .is_none();
    if owned || empty {
        Ok(())
    } else {
        Err(OutputError::NotOurs(output.to_path_buf()))
    }
}

/// Locks the folder the output sits in, so two builds into one output take turns.
fn lock_folder(parent: &Path, output: &Path) -> Result<File, OutputError> {
    let lock = File::open(parent).map_err(io_error(parent))?;
    match lock.try_lock() {
        Ok(()) => return Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another lemma build to finish writing beside {}…",
                output.display()
            );
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io_error(parent)(e)),
    }
    lock.lock().map_err(io_error(parent))?;
    Ok(lock)
}

/// Staging and retired folders of builds that were killed before they could clean up. Only
/// called under the lock, so no running build owns them.
fn remove_leftovers(parent: &Path, output: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = ["staging", "retired"].map(|role| {
        let name = sibling_name(output, role, 0);
        name[..name.len() - 1].to_string()
    });
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = prefixes.iter().any(|p| {
            name.strip_prefix(p.as_str())
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        });
        if ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, Guarded) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for folder in ["content", "templates", "static", ".git"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        std::fs::write(root.join("lemma.yaml"), "title: T\n").unwrap();
        let sources = [
            "content",
            "templates",
            "static",
            "lemma.yaml",
            ".git",
            ".lemma-cache",
        ]
        .map(|s| root.join(s))
        .to_vec();
        (dir, Guarded { root, sources })
    }

    fn refused(guarded: &Guarded, output: &Path) -> bool {
        prepare_output(guarded, output, false).is_err()
    }

    #[test]
    fn resolves_dots_and_links_even_below_missing_folders() {
        let (dir, guarded) = site();
        let root = &guarded.root;
        assert_eq!(
            resolve(&root.join("x/../content")).unwrap(),
            resolve(&root.join("content")).unwrap()
        );
        std::os::unix::fs::symlink(root.join("content"), dir.path().join("link")).unwrap();
        assert_eq!(
            resolve(&dir.path().join("link/new/../a")).unwrap(),
            resolve(&root.join("content/a")).unwrap()
        );
    }

    #[test]
    fn refuses_the_site_its_sources_and_what_holds_them() {
        let (dir, guarded) = site();
        let root = &guarded.root;
        for bad in [
            "",
            "content",
            "x/../content",
            "public/../content",
            ".git",
            "lemma.yaml",
            "static/out",
            ".lemma-cache/out",
            "../site",
        ] {
            assert!(refused(&guarded, &root.join(bad)), "{bad:?} accepted");
        }
        assert!(refused(&guarded, dir.path()));
        assert!(refused(&guarded, Path::new("/")));
        std::os::unix::fs::symlink(root.join("content"), root.join("sneaky")).unwrap();
        assert!(refused(&guarded, &root.join("sneaky")));
        assert!(!refused(&guarded, &root.join("public")));
    }

    #[test]
    fn refuses_folders_it_did_not_write() {
        let (dir, guarded) = site();
        let theirs = dir.path().join("theirs");
        std::fs::create_dir_all(&theirs).unwrap();
        std::fs::write(theirs.join("thesis.tex"), "mine").unwrap();
        assert!(matches!(
            prepare_output(&guarded, &theirs, false),
            Err(OutputError::NotOurs(_))
        ));
        assert!(prepare_output(&guarded, &theirs, true).is_ok());
        std::fs::write(theirs.join(OWNER_MARKER), "").unwrap();
        assert!(prepare_output(&guarded, &theirs, false).is_ok());
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(
            prepare_output(&guarded, &file, false),
            Err(OutputError::NotAFolder(_))
        ));
    }

    #[test]
    fn removes_only_this_outputs_leftovers() {
        let (dir, guarded) = site();
        let output = dir.path().join("public");
        for name in [
            ".public.lemma-staging-12",
            ".public.lemma-retired-7",
            ".other.lemma-staging-3",
            ".public.lemma-staging-x",
        ] {
            std::fs::create_dir_all(dir.path().join(name)).unwrap();
        }
        prepare_output(&guarded, &output, false).unwrap();
        assert!(!dir.path().join(".public.lemma-staging-12").exists());
        assert!(!dir.path().join(".public.lemma-retired-7").exists());
        assert!(dir.path().join(".other.lemma-staging-3").exists());
        assert!(dir.path().join(".public.lemma-staging-x").exists());
    }
}
