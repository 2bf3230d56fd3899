//! The files a build copies rather than renders: built-in assets, the site's `static/`, and
//! the files beside articles in `content/`, with the precedence between them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{Config, MathOutput};
use crate::content::Asset;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::output::{OutputFile, Sink, SitePath};

/// The file copied to `path`, by precedence: an `asset` beside the articles, else the site's
/// `static/` file, else a built-in asset. The one place that order is written: a build and the
/// serve session both ask here.
pub(super) fn by_precedence(
    path: &SitePath,
    asset: Option<PathBuf>,
    site_static: Option<PathBuf>,
) -> Option<OutputFile> {
    if let Some(source) = asset.or(site_static) {
        return Some(OutputFile::copy(path.clone(), source));
    }
    crate::embedded::STATIC_FILES
        .iter()
        .find(|(name, _)| *name == path.as_str())
        .map(|(_, bytes)| OutputFile::embedded(path.clone(), bytes))
}

/// Every copied file of the site, by output path (see [`by_precedence`]). A file name that
/// cannot be a URL path is an error at the file.
pub(super) fn static_files(
    config: &Config,
    assets: &[Asset],
    diagnostics: &mut Diagnostics,
) -> BTreeMap<SitePath, OutputFile> {
    let site_static = site_static_files(config, diagnostics);
    let assets: BTreeMap<&str, &PathBuf> = assets
        .iter()
        .map(|a| (a.content_path.as_str(), &a.source))
        .collect();
    let names: BTreeSet<&str> = crate::embedded::STATIC_FILES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| built_in_asset_used(name, config))
        .chain(site_static.keys().map(String::as_str))
        .chain(assets.keys().copied())
        .collect();
    let mut files = BTreeMap::new();
    for name in names {
        let asset = assets.get(name).map(|p| (*p).clone());
        let from_static = site_static.get(name).cloned();
        match SitePath::parse(name) {
            Ok(path) => {
                if let Some(file) = by_precedence(&path, asset, from_static) {
                    files.insert(path, file);
                }
            }
            Err(e) => {
                let source = asset.or(from_static).unwrap_or_default();
                diagnostics.push(Diagnostic::whole_file_error(
                    display_path(&config.root, &source),
                    format!("cannot be published under this name: {e}"),
                ));
            }
        }
    }
    files
}

/// Whether the pages of a site with `config` use the built-in asset `name`: KaTeX's CSS and
/// fonts or the math font, not both, as the math output asks; the search page's script and the
/// code colours only when the reader features that use them are on.
fn built_in_asset_used(name: &str, config: &Config) -> bool {
    let mathml_only = name == "mathml.css" || name.starts_with("math-font/");
    let katex_only = name.starts_with("katex/");
    let math = match config.math.output {
        MathOutput::Mathml => !katex_only,
        MathOutput::HtmlAndMathml | MathOutput::Html => !mathml_only,
    };
    let reader = match name {
        "search.js" => config.reader.search,
        "highlight.css" => config.reader.highlight,
        _ => true,
    };
    math && reader
}

/// The files in the site's `static/`, by path relative to it.
fn site_static_files(config: &Config, diagnostics: &mut Diagnostics) -> BTreeMap<String, PathBuf> {
    let static_dir = config.static_dir();
    let mut found = BTreeMap::new();
    if !static_dir.is_dir() {
        return found;
    }
    for entry in walkdir::WalkDir::new(&static_dir).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = display_path(&static_dir, entry.path());
                found.insert(relative, entry.into_path());
            }
            Ok(_) => {}
            Err(e) => diagnostics.push(Diagnostic::whole_file_error(
                "static",
                format!("cannot read: {e}"),
            )),
        }
    }
    found
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
