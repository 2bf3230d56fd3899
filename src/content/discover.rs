//! Walks `content/` for articles (`*.md`) and the files that sit beside them.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::content::xml_chars::{self, Replaced};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};

/// One Markdown file, read whole.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    /// Relative to the site root, for diagnostics: `content/2023/a.md`.
    pub path: String,
    /// Relative to `content/`, the article's identity in links: `2023/a.md`.
    pub content_path: String,
    /// The text, with the characters XML forbids replaced (see [`xml_chars`]).
    pub text: String,
    /// The characters replaced in `text`, reported by the Markdown stage.
    pub replaced: Vec<Replaced>,
}

impl SourceFile {
    /// A file with `text` as read; characters XML forbids are replaced and remembered.
    pub fn new(path: String, content_path: String, mut text: String) -> SourceFile {
        let replaced = xml_chars::replace_in_text(&mut text);
        SourceFile {
            path,
            content_path,
            text,
            replaced,
        }
    }

    /// Reads the file at `source`; `shown` is its path for diagnostics.
    pub fn read(
        source: &Path,
        shown: String,
        content_path: String,
    ) -> Result<SourceFile, Diagnostic> {
        let bytes = std::fs::read(source)
            .map_err(|e| Diagnostic::whole_file_error(&shown, format!("cannot read: {e}")))?;
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(shown, content_path, text)),
            Err(e) => Err(Diagnostic::whole_file_error(
                shown,
                format!("not valid UTF-8: {e}"),
            )),
        }
    }
}

/// A non-Markdown file in `content/` (an image beside its article); copied to the same
/// relative path in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Asset {
    pub content_path: String,
    pub source: PathBuf,
}

/// Editor droppings and hidden files are never content.
pub(crate) fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with(".#")
}

/// Every article and asset under `content_dir`, sorted by path for deterministic output.
pub(crate) fn discover(
    root: &Path,
    content_dir: &Path,
    diagnostics: &mut Diagnostics,
) -> (Vec<SourceFile>, Vec<Asset>) {
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let walker = WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !is_ignored_name(&entry.file_name().to_string_lossy())
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| "content".to_string(), |p| display_path(root, p));
                diagnostics.push(Diagnostic::whole_file_error(
                    path,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = display_path(content_dir, entry.path());
        if entry.path().extension().is_some_and(|ext| ext == "md") {
            markdown.push((relative, entry.into_path()));
        } else {
            assets.push(Asset {
                content_path: relative,
                source: entry.into_path(),
            });
        }
    }
    let read: Vec<Result<SourceFile, Diagnostic>> = markdown
        .into_par_iter()
        .map(|(content_path, path)| {
            SourceFile::read(&path, display_path(root, &path), content_path)
        })
        .collect();
    let mut files = Vec::with_capacity(read.len());
    for result in read {
        match result {
            Ok(file) => files.push(file),
            Err(d) => diagnostics.push(d),
        }
    }
    (files, assets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_markdown_and_assets_in_order_skipping_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("2023")).unwrap();
        std::fs::write(content.join("2023/b.md"), "b").unwrap();
        std::fs::write(content.join("a.md"), "a").unwrap();
        std::fs::write(content.join("2023/pic.png"), "png").unwrap();
        std::fs::write(content.join(".a.md.swp"), "x").unwrap();
        std::fs::write(content.join("a.md~"), "x").unwrap();
        let mut diagnostics = Diagnostics::new();
        let (files, assets) = discover(dir.path(), &content, &mut diagnostics);
        let names: Vec<&str> = files.iter().map(|f| f.content_path.as_str()).collect();
        assert_eq!(names, ["2023/b.md", "a.md"]);
        assert_eq!(files[0].path, "content/2023/b.md");
        assert_eq!(assets.len(), 1);
        assert_eq!(assets[0].content_path, "2023/pic.png");
        assert!(diagnostics.is_empty());
    }
}
