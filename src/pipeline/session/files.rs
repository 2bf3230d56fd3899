//! Reading the site's files as a build would: regular files only, never through a symlink or
//! an ignored name (editor droppings, hidden files), so nothing outside the site gets in.

use std::path::{Path, PathBuf};

use crate::content::discover::is_ignored_name;
use crate::diagnostics::display_path;

/// `base/relative` when it exists and is reached without symlinks or ignored names below
/// `base`. `base` itself (`content/`, `static/`) may be a symlink, as a build reads it.
fn plain_path(base: &Path, relative: &str) -> Option<(PathBuf, std::fs::Metadata)> {
    let mut path = base.to_path_buf();
    let mut meta = std::fs::metadata(&path).ok()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_linked_source_folder_is_read_but_no_link_inside_it() {
        let real = tempfile::tempdir().unwrap();
        std::fs::write(real.path().join("a.css"), "a").unwrap();
        std::os::unix::fs::symlink(real.path().join("a.css"), real.path().join("b.css")).unwrap();
        let site = tempfile::tempdir().unwrap();
        let linked = site.path().join("static");
        std::os::unix::fs::symlink(real.path(), &linked).unwrap();
        assert_eq!(files_under(&linked, ""), ["a.css"]);
        assert!(regular_file(&linked, "a.css").is_some());
        assert!(regular_file(&linked, "b.css").is_none());
    }
}
