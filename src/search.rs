//! The search stage: a static full-text index of the published articles, made with Pagefind
//! and written under `pagefind/` beside the pages.
//!
//! Each article is indexed from a small document of its own (title and body), not from its
//! page: navigation, series boxes and citation blocks never reach the index, whatever the
//! templates put around the body. Pagefind cannot add to an index, so the index is made whole
//! or not at all; a build whose indexed articles are unchanged keeps the published index.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::output::{Sink, SitePath, WriteError};
use crate::site::Site;

/// The folder of the index in the output.
pub(crate) const INDEX_DIR: &str = "pagefind/";

/// Parts of an article's body that are noise to a text search: formulas in raw HTML.
const EXCLUDED: [&str; 2] = [".katex", ".katex-display"];

/// One article as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchDocument {
    /// The page's URL under the base path: `/blog/archives/12/`.
    pub url: String,
    /// A small HTML document: the title, weighted above the body, and the body.
    pub html: String,
}

/// The index's files by output path, or why Pagefind could not make them.
pub(crate) type IndexFiles = Result<BTreeMap<SitePath, Vec<u8>>, String>;

/// What the index step of a build did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct IndexOutcome {
    /// Articles in the index.
    pub articles: usize,
    /// Whether the index was made again (not kept from the last build).
    pub rebuilt: bool,
}

/// The articles of `site` that go into the index, by index into `site.articles`: drafts only
/// when `drafts` (the `serve` preview).
pub(crate) fn indexed_articles(site: &Site, drafts: bool) -> Vec<usize> {
    (0..site.articles.len())
        .filter(|&i| drafts || !site.articles[i].draft)
        .collect()
}

/// The document the index reads for article `index`.
pub(crate) fn document(site: &Site, index: usize) -> SearchDocument {
    let article = &site.articles[index];
    let title = escape_text(&article.title);
    let mut html = String::with_capacity(article.body_html.len() * 2 + 200);
    html.push_str(&format!(
        "<!doctype html><html lang=\"{}\"><head><title>{title}</title></head><body>\
         <h1 data-pagefind-weight=\"10\" data-pagefind-meta=\"title\">{title}</h1>",
        escape_text(&site.config.language)
    ));
    // The body without its formulas: KaTeX's markup would be most of the bytes to parse, and
    // none of it is words a reader searches for.
    for (i, piece) in article.body_html.split('\0').enumerate() {
        if i % 2 == 0 {
            html.push_str(piece);
        }
    }
    html.push_str("</body></html>");
    SearchDocument {
        url: site.url(&article.path),
        html,
    }
}

/// Everything the index of `articles` follows from, without assembling their pages: each
/// article's URL, title, body and formulas (see [`crate::render::content_recipe`]).
pub(crate) fn index_recipe(site: &Site, articles: &[usize]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(b"pagefind 1.6 lemma 1\0");
    hasher.update(site.config.language.as_bytes());
    hasher.update(site.config.base_path.as_bytes());
    for &index in articles {
        let article = &site.articles[index];
        hasher.update(&[0xff]);
        hasher.update(article.title.as_bytes());
        hasher.update(&[0]);
        crate::render::content_recipe(&mut hasher, article);
    }
    hasher.digest128().max(1)
}

/// Makes the index of `documents` with Pagefind: its files under [`INDEX_DIR`], with Pagefind's
/// scripts, styles and WebAssembly.
pub(crate) fn make_index(documents: Vec<SearchDocument>) -> IndexFiles {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the indexer: {e}"))?;
    runtime.block_on(async move {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .exclude_selectors(EXCLUDED.iter().map(|s| s.to_string()).collect())
            .build();
        let mut index =
            pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
        for document in documents {
            index
                .add_html_file(None, Some(document.url.clone()), document.html)
                .await
                .map_err(|e| format!("cannot index {}: {e}", document.url))?;
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        let mut out = BTreeMap::new();
        for file in files.into_iter().filter(|f| !is_unused(&f.filename)) {
            let path = output_path(&file.filename)?;
            out.insert(path, file.contents);
        }
        Ok(out)
    })
}

/// Pagefind's ready-made interfaces, which the theme's search page does without: it calls
/// `pagefind.js` itself.
fn is_unused(filename: &Path) -> bool {
    let name = filename
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.contains("-ui.")
        || name == "pagefind-highlight.js"
        || filename.components().any(|c| c.as_os_str() == "playground")
}

/// Where a file Pagefind names (`pagefind/pagefind.js`, or without the folder) goes.
fn output_path(filename: &Path) -> Result<SitePath, String> {
    let name = filename.to_string_lossy().replace('\\', "/");
    let name = name.trim_start_matches("./");
    let inner = name.strip_prefix(INDEX_DIR).unwrap_or(name);
    SitePath::parse(&format!("{INDEX_DIR}{inner}"))
        .map_err(|e| format!("Pagefind named a file `{name}` lemma cannot write: {e}"))
}

/// The text of `text` safe inside HTML.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes the index of the published articles of `site` into `sink`. `list` records which
/// files the index of a given recipe has: when it names the current recipe, the files are put
/// with [`Sink::put_made`], so a sink holding the last build's index keeps it and Pagefind
/// never runs.
pub(crate) fn write_index(
    site: &Site,
    sink: &dyn Sink,
    list: Option<&Path>,
) -> Result<(IndexOutcome, Vec<String>), String> {
    let articles = indexed_articles(site, false);
    let recipe = index_recipe(site, &articles);
    let made: OnceLock<IndexFiles> = OnceLock::new();
    let make =
        || made.get_or_init(|| make_index(articles.iter().map(|&i| document(site, i)).collect()));
    let write_error = |e: WriteError| format!("cannot write the search index: {e}");
    let mut written = Vec::new();
    if let Some(listed) = list.and_then(|list| read_list(list, recipe)) {
        for path in listed {
            let mut produce = || match make() {
                Ok(files) => files.get(&path).cloned().unwrap_or_default(),
                Err(_) => Vec::new(),
            };
            sink.put_made(path.clone(), file_recipe(recipe, &path), &mut produce)
                .map_err(write_error)?;
            written.push(path.as_str().to_string());
        }
        if made.get().is_none() {
            let outcome = IndexOutcome {
                articles: articles.len(),
                rebuilt: false,
            };
            return Ok((outcome, written));
        }
    }
    let files = make().as_ref().map_err(Clone::clone)?;
    written.clear();
    for (path, bytes) in files {
        sink.put_made(path.clone(), file_recipe(recipe, path), &mut || {
            bytes.clone()
        })
        .map_err(write_error)?;
        written.push(path.as_str().to_string());
    }
    if let Some(list) = list {
        // The list only saves work; without it the next build indexes again.
        let _ = save_list(list, recipe, files.keys());
    }
    let outcome = IndexOutcome {
        articles: articles.len(),
        rebuilt: true,
    };
    Ok((outcome, written))
}

/// The recipe of one file of the index of `recipe`.
fn file_recipe(recipe: u128, path: &SitePath) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&recipe.to_le_bytes());
    hasher.update(path.as_str().as_bytes());
    hasher.digest128().max(1)
}

/// The files of the index of `recipe`, if `list` records that index.
fn read_list(list: &Path, recipe: u128) -> Option<Vec<SitePath>> {
    let text = std::fs::read_to_string(list).ok()?;
    let mut lines = text.lines();
    let first = u128::from_str_radix(lines.next()?, 16).ok()?;
    if first != recipe {
        return None;
    }
    lines.map(|line| SitePath::parse(line).ok()).collect()
}

fn save_list<'a>(
    list: &Path,
    recipe: u128,
    paths: impl Iterator<Item = &'a SitePath>,
) -> std::io::Result<()> {
    let mut text = format!("{recipe:032x}\n");
    for path in paths {
        text.push_str(path.as_str());
        text.push('\n');
    }
    if let Some(dir) = list.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary: PathBuf = list.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documents(pairs: &[(&str, &str, &str)]) -> Vec<SearchDocument> {
        pairs
            .iter()
            .map(|(url, title, body)| SearchDocument {
                url: url.to_string(),
                html: format!(
                    "<html lang=\"zh-CN\"><head><title>{title}</title></head><body>\
                     <h1 data-pagefind-weight=\"10\">{title}</h1>{body}</body></html>"
                ),
            })
            .collect()
    }

    #[test]
    fn the_index_and_its_scripts_land_under_pagefind() {
        let files = make_index(documents(&[
            (
                "/blog/a/",
                "随机投影",
                "<p>高维空间中的距离几乎保持不变。</p>",
            ),
            ("/blog/b/", "Kernels", "<p>A kernel trick in two lines.</p>"),
        ]))
        .unwrap();
        let names: Vec<&str> = files.keys().map(SitePath::as_str).collect();
        assert!(names.contains(&"pagefind/pagefind.js"), "{names:?}");
        assert!(names.contains(&"pagefind/pagefind-entry.json"), "{names:?}");
        assert!(names.iter().all(|n| n.starts_with(INDEX_DIR)), "{names:?}");
        assert!(
            names.iter().any(|n| n.ends_with(".pf_fragment")),
            "{names:?}"
        );
    }

    #[test]
    fn a_list_is_read_back_only_for_its_recipe() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("search.list");
        let paths = [SitePath::parse("pagefind/pagefind.js").unwrap()];
        save_list(&list, 42, paths.iter()).unwrap();
        assert_eq!(read_list(&list, 42), Some(paths.to_vec()));
        assert_eq!(read_list(&list, 43), None);
    }
}
