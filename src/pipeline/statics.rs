//! The files a build copies rather than renders: built-in assets, the site's `static/`, and
//! the files beside articles in `content/`, with the precedence between them.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::Asset;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::output::{OutputFile, Sink, SitePath};

/// Built-in assets, then the site's `static/` (winning by path), then assets beside articles.
/// A file name that cannot be a URL path is an error at the file.
pub(super) fn static_files(
    config: &Config,
    assets: &[Asset],
    diagnostics: &mut Diagnostics,
) -> BTreeMap<SitePath, OutputFile> {
    let mut files: BTreeMap<SitePath, OutputFile> = crate::embedded::STATIC_FILES
        .iter()
        .filter_map(|(path, bytes)| {
            let path = SitePath::parse(path).ok()?;
            Some((path.clone(), OutputFile::embedded(path, bytes)))
        })
        .collect();
    let static_dir = config.static_dir();
    let mut found = Vec::new();
    if static_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&static_dir).sort_by_file_name() {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let relative = display_path(&static_dir, entry.path());
                    found.push((relative, entry.into_path()));
                }
                Ok(_) => {}
                Err(e) => diagnostics.push(Diagnostic::whole_file_error(
                    "static",
                    format!("cannot read: {e}"),
                )),
            }
        }
    }
    let assets = assets
        .iter()
        .map(|a| (a.content_path.clone(), a.source.clone()));
    for (relative, source) in found.into_iter().chain(assets) {
        match SitePath::parse(&relative) {
            Ok(path) => {
                files.insert(path.clone(), OutputFile::copy(path, source));
            }
            Err(e) => diagnostics.push(Diagnostic::whole_file_error(
                display_path(&config.root, &source),
                format!("cannot be published under this name: {e}"),
            )),
        }
    }
    files
}

/// Puts `files` into `sink`; returns the output paths written.
pub(super) fn copy_static_files(
    files: BTreeMap<SitePath, OutputFile>,
    sink: &dyn Sink,
    diagnostics: &mut Diagnostics,
) -> Vec<String> {
    let results: Vec<Result<String, Diagnostic>> = files
        .into_par_iter()
        .map(|(path, file)| {
            let shown = path.as_str().to_string();
            sink.put(file)
                .map(|()| shown.clone())
                .map_err(|e| Diagnostic::whole_file_error(shown, format!("cannot copy: {e}")))
        })
        .collect();
    results
        .into_iter()
        .filter_map(|r| r.map_err(|d| diagnostics.push(d)).ok())
        .collect()
}
