//! Reading the site's files as a build would: regular files only, never through a symlink or
//! an ignored name (editor droppings, hidden files), so nothing outside the site gets in.

use std::path::{Path, PathBuf};

use crate::content::SourceFile;
use crate::content::discover::is_ignored_name;
use crate::diagnostics::{Diagnostic, display_path};

/// `base/relative` when it exists and is reached without symlinks or ignored names.
fn plain_path(base: &Path, relative: &str) -> Option<(PathBuf, std::fs::Metadata)> {
    let mut path = base.to_path_buf();
    let mut meta = std::fs::symlink_metadata(&path).ok()?;
    for part in relative.split('/').filter(|p| !p.is_empty()) {
        if part == "." || part == ".." || is_ignored_name(part) {
            return None;
        }
        path.push(part);
        meta = std::fs::symlink_metadata(&path).ok()?;
        if meta.file_type().is_symlink() {
            return None;
        }
    }
    Some((path, meta))
}

/// `base/relative` when it is a regular file reached without symlinks or ignored names.
pub(super) fn regular_file(base: &Path, relative: &str) -> Option<PathBuf> {
    plain_path(base, relative)
        .filter(|(_, meta)| meta.is_file() && !relative.is_empty())
        .map(|(path, _)| path)
}

/// The files in folder `base/relative` (relative to `base`), as a build would find them.
pub(super) fn files_under(base: &Path, relative: &str) -> Vec<String> {
    let Some((dir, meta)) = plain_path(base, relative) else {
        return Vec::new();
    };
    if !meta.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| display_path(base, e.path()))
        .collect()
}

pub(super) fn read_source(
    path: &Path,
    shown: String,
    content_path: &str,
) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(&shown, 0, 0, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| Diagnostic::error(&shown, 0, 0, format!("not valid UTF-8: {e}")))?;
    Ok(SourceFile::new(shown, content_path.to_string(), text))
}
