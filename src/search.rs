//! The search stage: a static full-text index of the published articles, made with Pagefind
//! and written under `pagefind/` beside the pages.
//!
//! Each article is indexed from a small document of its own (title and body), not from its
//! page: navigation, series boxes and citation blocks never reach the index, whatever the
//! templates put around the body.
//!
//! The index is made in parts of at most [`PART_BYTES`] of article text, oldest articles first.
//! Pagefind holds every position of every word of what it indexes until it writes its files,
//! about sixty bytes for each byte of text, and cannot add to an index it has written: one
//! index of a thousand long articles took 800 MB. A part costs a bounded amount, a new article
//! changes only the last part, and a part whose articles are unchanged is kept. The first part
//! lives in `pagefind/` with Pagefind's scripts; the others in `pagefind/1/`, `pagefind/2/`…,
//! listed in [`PARTS_FILE`], which the search page merges into the first with Pagefind's
//! `mergeIndex`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::output::{OutputFile, Sink, SitePath, WriteError};
use crate::site::Site;

/// The folder of the index in the output.
pub(crate) const INDEX_DIR: &str = "pagefind/";

/// The folders of the parts after the first, relative to [`INDEX_DIR`], as JSON.
pub(crate) const PARTS_FILE: &str = "pagefind/lemma-parts.json";

/// The most article text (bytes of each document's HTML) one part holds, unless one article
/// alone is longer. Measured on the benchmark archive, a part of 3 MB peaks near 190 MB while
/// Pagefind writes it.
const PART_BYTES: usize = 3 << 20;

/// Replaces [`PART_BYTES`], so that tests can split a small site into parts.
const PART_BYTES_VARIABLE: &str = "LEMMA_SEARCH_PART_BYTES";

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

/// One part of the index: which articles it holds, and what its files follow from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// 0 for the first part, whose folder also holds Pagefind's scripts.
    pub number: usize,
    /// Indices into `site.articles`, oldest first.
    pub articles: Vec<usize>,
    /// Everything the part's files follow from (see [`index_recipe`]).
    pub recipe: u128,
}

/// A part with the documents of its articles: all it takes to make the part once the site
/// is gone.
#[derive(Debug, Clone)]
pub(crate) struct PartInput {
    pub part: Part,
    pub documents: Vec<SearchDocument>,
}

/// The files of one part by output path, or why Pagefind could not make them.
pub(crate) type IndexFiles = Result<BTreeMap<SitePath, Vec<u8>>, String>;

/// What the index step of a build did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct IndexOutcome {
    /// Articles in the index.
    pub articles: usize,
    /// Parts of the index.
    pub parts: usize,
    /// Parts made again (not kept from the last build).
    pub made: usize,
}

/// The articles of `site` that go into the index, by index into `site.articles`: drafts only
/// when `drafts` (the `serve` preview).
fn indexed_articles(site: &Site, drafts: bool) -> Vec<usize> {
    (0..site.articles.len())
        .filter(|&i| drafts || !site.articles[i].draft)
        .collect()
}

/// The parts of the index of `site`: its indexed articles, oldest first, in runs of at most
/// `PART_BYTES` of text. There is always a first part, even with no article, as the search
/// page loads Pagefind from it.
pub(crate) fn parts(site: &Site, drafts: bool) -> Vec<Part> {
    // The site lists newest first; oldest first keeps the earlier parts as they are when an
    // article is added.
    let oldest_first = indexed_articles(site, drafts).into_iter().rev();
    let sized = oldest_first.map(|index| (index, text_len(site, index)));
    runs(sized, part_bytes())
        .into_iter()
        .enumerate()
        .map(|(number, articles)| Part {
            recipe: index_recipe(site, number, &articles),
            number,
            articles,
        })
        .collect()
}

/// Splits `sized` (article, size) into runs in order, each of at most `budget` in total size
/// unless one article alone is larger; one empty run when there is no article.
fn runs(sized: impl Iterator<Item = (usize, usize)>, budget: usize) -> Vec<Vec<usize>> {
    let mut runs: Vec<Vec<usize>> = vec![Vec::new()];
    let mut filled = 0;
    for (index, size) in sized {
        let last = runs.len() - 1;
        if runs[last].is_empty() || filled + size <= budget {
            runs[last].push(index);
            filled += size;
        } else {
            runs.push(vec![index]);
            filled = size;
        }
    }
    runs
}

fn part_bytes() -> usize {
    std::env::var(PART_BYTES_VARIABLE)
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|&bytes| bytes > 0)
        .unwrap_or(PART_BYTES)
}

/// About the length of [`document`]'s HTML for article `index`, without making it.
fn text_len(site: &Site, index: usize) -> usize {
    let article = &site.articles[index];
    let body: usize = article.body_html.split('\0').step_by(2).map(str::len).sum();
    body + 2 * article.title.len() + 200
}

/// `part` with the documents of its articles.
pub(crate) fn part_input(site: &Site, part: Part) -> PartInput {
    let documents = part.articles.iter().map(|&i| document(site, i)).collect();
    PartInput { part, documents }
}

/// The document the index reads for article `index`.
fn document(site: &Site, index: usize) -> SearchDocument {
    let article = &site.articles[index];
    let title = escape_text(&article.title);
    let mut html = String::with_capacity(article.body_html.len() + 2 * title.len() + 200);
    html.push_str(&format!(
        "<!doctype html><html lang=\"{}\"><head><title>{title}</title></head><body>\
         <h1 data-pagefind-weight=\"10\" data-pagefind-meta=\"title\">{title}</h1>",
        escape_text(&site.config.language)
    ));
    // The body without its formulas: KaTeX's markup would be most of the bytes to parse, and
    // none of it is words a reader searches for.
    for piece in article.body_html.split('\0').step_by(2) {
        html.push_str(piece);
    }
    html.push_str("</body></html>");
    SearchDocument {
        url: site.url(&article.path),
        html,
    }
}

/// Everything part `number` of the index of `articles` follows from, without assembling their
/// pages: each article's URL, title, body and formulas (see [`crate::render::content_recipe`]).
fn index_recipe(site: &Site, number: usize, articles: &[usize]) -> u128 {
    let mut hasher = crate::render::recipe_hasher();
    hasher.update(b"pagefind 1.6 lemma 2\0");
    hasher.update(&(number as u64).to_le_bytes());
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

/// Makes part `number` of the index from `documents` with Pagefind: its files in the part's
/// folder, with Pagefind's scripts, styles and WebAssembly in the first part's.
pub(crate) fn make_part(number: usize, documents: &[SearchDocument]) -> IndexFiles {
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
                .add_html_file(None, Some(document.url.clone()), document.html.clone())
                .await
                .map_err(|e| format!("cannot index {}: {e}", document.url))?;
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        let mut out = BTreeMap::new();
        for file in files {
            if is_unused(&file.filename) || (number > 0 && is_script(&file.filename)) {
                continue;
            }
            out.insert(output_path(number, &file.filename)?, file.contents);
        }
        Ok(out)
    })
}

/// The file listing the folders of the parts after the first, for an index of `parts` parts.
pub(crate) fn parts_file(parts: usize) -> (SitePath, Vec<u8>) {
    let folders: Vec<String> = (1..parts).map(|number| format!("{number}/")).collect();
    let json = serde_json::json!({ "parts": folders }).to_string();
    (SitePath::fixed(PARTS_FILE), json.into_bytes())
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

/// Pagefind's scripts and WebAssembly, which only the first part needs: the search page loads
/// them from there, and a merged part uses the first part's.
fn is_script(filename: &Path) -> bool {
    let name = filename.to_string_lossy();
    let inner = name.trim_start_matches("./");
    let inner = inner.strip_prefix(INDEX_DIR).unwrap_or(inner);
    !inner.contains('/') && !inner.ends_with(".pf_meta") && inner != "pagefind-entry.json"
}

/// Where a file of part `number` that Pagefind names (`pagefind/pagefind.js`, or without the
/// folder) goes.
fn output_path(number: usize, filename: &Path) -> Result<SitePath, String> {
    let name = filename.to_string_lossy().replace('\\', "/");
    let name = name.trim_start_matches("./");
    let inner = name.strip_prefix(INDEX_DIR).unwrap_or(name);
    let folder = match number {
        0 => INDEX_DIR.to_string(),
        _ => format!("{INDEX_DIR}{number}/"),
    };
    SitePath::parse(&format!("{folder}{inner}"))
        .map_err(|e| format!("Pagefind named a file `{name}` lemma cannot write: {e}"))
}

/// The text of `text` safe inside HTML.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes the index of `inputs` into `sink`, part by part. `list` records which files each
/// part has: a part whose recipe it names is put with [`Sink::put_made`], so a sink holding
/// the last build's files keeps them and Pagefind never runs for that part. `done` is called
/// after each part.
pub(crate) fn write_index(
    inputs: Vec<PartInput>,
    sink: &dyn Sink,
    list: Option<&Path>,
    done: &dyn Fn(),
) -> Result<(IndexOutcome, Vec<String>), String> {
    let listed = list.and_then(read_list).unwrap_or_default();
    let mut outcome = IndexOutcome {
        parts: inputs.len(),
        ..IndexOutcome::default()
    };
    let mut written: Vec<(u128, SitePath)> = Vec::new();
    for input in inputs {
        outcome.articles += input.documents.len();
        let recipe = input.part.recipe;
        let (paths, made) = write_part(&input, listed.get(&recipe), sink)?;
        drop(input);
        if made {
            outcome.made += 1;
            // What Pagefind held for this part is free now; the next part reuses it.
            crate::memory::give_back();
        }
        written.extend(paths.into_iter().map(|path| (recipe, path)));
        done();
    }
    let (path, json) = parts_file(outcome.parts);
    sink.put(OutputFile::bytes(path.clone(), json))
        .map_err(|e| format!("cannot write the search index: {e}"))?;
    if let Some(list) = list {
        // The list only saves work; without it the next build indexes again.
        let _ = save_list(list, &written);
    }
    let mut paths: Vec<String> = written
        .iter()
        .map(|(_, p)| p.as_str().to_string())
        .collect();
    paths.push(path.as_str().to_string());
    Ok((outcome, paths))
}

/// Puts the files of one part into `sink`: kept when `listed` names them and the sink still
/// has them, made otherwise. Returns the part's paths and whether Pagefind ran.
fn write_part(
    input: &PartInput,
    listed: Option<&Vec<SitePath>>,
    sink: &dyn Sink,
) -> Result<(Vec<SitePath>, bool), String> {
    let recipe = input.part.recipe;
    let made: OnceLock<IndexFiles> = OnceLock::new();
    let make = || made.get_or_init(|| make_part(input.part.number, &input.documents));
    let write_error = |e: WriteError| format!("cannot write the search index: {e}");
    if let Some(listed) = listed {
        for path in listed {
            let mut produce = || match make() {
                Ok(files) => files.get(path).cloned().unwrap_or_default(),
                Err(_) => Vec::new(),
            };
            sink.put_made(path.clone(), file_recipe(recipe, path), &mut produce)
                .map_err(write_error)?;
        }
        if made.get().is_none() {
            return Ok((listed.clone(), false));
        }
    }
    let files = make().as_ref().map_err(Clone::clone)?;
    for (path, bytes) in files {
        sink.put_made(path.clone(), file_recipe(recipe, path), &mut || {
            bytes.clone()
        })
        .map_err(write_error)?;
    }
    Ok((files.keys().cloned().collect(), true))
}

/// The recipe of one file of the part of `recipe`.
fn file_recipe(recipe: u128, path: &SitePath) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&recipe.to_le_bytes());
    hasher.update(path.as_str().as_bytes());
    hasher.digest128().max(1)
}

/// The files of each part `list` records, by the part's recipe; `None` when the list is
/// missing or not one this version of lemma wrote.
fn read_list(list: &Path) -> Option<BTreeMap<u128, Vec<SitePath>>> {
    let text = std::fs::read_to_string(list).ok()?;
    let mut parts: BTreeMap<u128, Vec<SitePath>> = BTreeMap::new();
    for line in text.lines() {
        let (recipe, path) = line.split_once(' ')?;
        let recipe = u128::from_str_radix(recipe, 16).ok()?;
        parts
            .entry(recipe)
            .or_default()
            .push(SitePath::parse(path).ok()?);
    }
    Some(parts)
}

fn save_list(list: &Path, files: &[(u128, SitePath)]) -> std::io::Result<()> {
    let mut text = String::new();
    for (recipe, path) in files {
        text.push_str(&format!("{recipe:032x} {}\n", path.as_str()));
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

    fn two_documents() -> Vec<SearchDocument> {
        documents(&[
            (
                "/blog/a/",
                "随机投影",
                "<p>高维空间中的距离几乎保持不变。</p>",
            ),
            ("/blog/b/", "Kernels", "<p>A kernel trick in two lines.</p>"),
        ])
    }

    #[test]
    fn the_first_part_and_its_scripts_land_under_pagefind() {
        let files = make_part(0, &two_documents()).unwrap();
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
    fn a_later_part_has_its_own_folder_and_no_scripts() {
        let files = make_part(2, &two_documents()).unwrap();
        let names: Vec<&str> = files.keys().map(SitePath::as_str).collect();
        assert!(
            names.iter().all(|n| n.starts_with("pagefind/2/")),
            "{names:?}"
        );
        assert!(
            names.contains(&"pagefind/2/pagefind-entry.json"),
            "{names:?}"
        );
        assert!(names.iter().any(|n| n.ends_with(".pf_meta")), "{names:?}");
        assert!(names.iter().any(|n| n.contains("/index/")), "{names:?}");
        assert!(
            !names
                .iter()
                .any(|n| n.ends_with(".js") || n.ends_with(".pagefind")),
            "{names:?}"
        );
    }

    #[test]
    fn runs_fill_up_to_the_budget_in_order() {
        let sized = [(7, 40), (3, 50), (9, 20), (1, 90), (4, 10)];
        assert_eq!(
            runs(sized.into_iter(), 100),
            vec![vec![7, 3], vec![9], vec![1, 4]]
        );
    }

    #[test]
    fn an_article_longer_than_the_budget_is_a_run_of_its_own() {
        let sized = [(0, 10), (1, 500), (2, 10)];
        assert_eq!(
            runs(sized.into_iter(), 100),
            vec![vec![0], vec![1], vec![2]]
        );
        assert_eq!(runs(std::iter::empty(), 100), vec![Vec::<usize>::new()]);
    }

    #[test]
    fn an_article_added_at_the_end_leaves_the_earlier_runs_alone() {
        let sized: Vec<(usize, usize)> = (0..40).map(|i| (i, 10 + i % 7 * 9)).collect();
        let before = runs(sized.iter().copied(), 120);
        let after = runs(sized.iter().copied().chain([(40, 33)]), 120);
        assert!(before.len() > 3, "{before:?}");
        assert_eq!(before[..before.len() - 1], after[..before.len() - 1]);
    }

    #[test]
    fn the_parts_file_lists_the_folders_after_the_first() {
        let text = |parts| String::from_utf8(parts_file(parts).1).unwrap();
        assert_eq!(text(1), r#"{"parts":[]}"#);
        assert_eq!(text(3), r#"{"parts":["1/","2/"]}"#);
    }

    #[test]
    fn a_list_is_read_back_part_by_part() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("search.list");
        let js = SitePath::parse("pagefind/pagefind.js").unwrap();
        let entry = SitePath::parse("pagefind/1/pagefind-entry.json").unwrap();
        save_list(&list, &[(42, js.clone()), (7, entry.clone())]).unwrap();
        let read = read_list(&list).unwrap();
        assert_eq!(read.get(&42), Some(&vec![js]));
        assert_eq!(read.get(&7), Some(&vec![entry]));
        assert_eq!(read.get(&43), None);
        // A list of the single-part format, recipe alone on its first line, is not read.
        std::fs::write(
            &list,
            "0000000000000000000000000000002a\npagefind/pagefind.js\n",
        )
        .unwrap();
        assert_eq!(read_list(&list), None);
    }
}
