//! The bundled example archive (`content/` of this repository) builds cleanly, and a crawl of
//! the result finds no broken internal link, anchor, image, stylesheet or font.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::util::attr_values;

fn build_example() -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_lemma"))
        .args(["build", "--no-cache", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&public)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(status.status.success(), "{stderr}");
    assert!(!stderr.contains(": error:"), "{stderr}");
    (out, public)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// Every `id="…"` of every page, by the page's path relative to the output.
fn ids_by_page(public: &Path) -> BTreeMap<String, BTreeSet<String>> {
    files_under(public)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let html = std::fs::read_to_string(&p).unwrap();
            let relative = p
                .strip_prefix(public)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (
                relative,
                attr_values(&html, "id")
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            )
        })
        .collect()
}

/// The output file a site-root URL path points at.
fn target_file(public: &Path, url_path: &str) -> PathBuf {
    let path = url_path.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        public.join(path).join("index.html")
    } else {
        public.join(path)
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[test]
fn crawl_finds_no_broken_internal_link_or_anchor() {
    let (_keep, public) = build_example();
    let ids = ids_by_page(&public);
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page, _) in &ids {
        let html = std::fs::read_to_string(public.join(page)).unwrap();
        for url in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            let url = url.replace("&amp;", "&");
            if url.starts_with("http:")
                || url.starts_with("https:")
                || url.starts_with("mailto:")
                || url.starts_with("//")
            {
                continue;
            }
            checked += 1;
            let (path, fragment) = url
                .split_once('#')
                .map_or((url.as_str(), None), |(p, f)| (p, Some(f)));
            let target_page = if path.is_empty() {
                page.clone()
            } else {
                assert!(path.starts_with('/'), "relative URL {url} on {page}");
                let file = target_file(&public, &decode(path));
                if !file.is_file() {
                    broken.push(format!("{page}: {url} (no {})", file.display()));
                    continue;
                }
                file.strip_prefix(&public)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            };
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let has = ids
                    .get(&target_page)
                    .is_some_and(|set| set.contains(&decode(fragment)));
                if !has {
                    broken.push(format!(
                        "{page}: {url} (no id {} in {target_page})",
                        decode(fragment)
                    ));
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} links checked");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn stylesheet_fonts_are_served_by_the_site() {
    let (_keep, public) = build_example();
    let css = std::fs::read_to_string(public.join("katex/katex.min.css")).unwrap();
    let mut fonts = 0;
    for piece in css.split("url(").skip(1) {
        let url = piece.split(')').next().unwrap().trim_matches(['"', '\'']);
        assert!(
            public.join("katex").join(url).is_file(),
            "katex.min.css needs {url}"
        );
        fonts += 1;
    }
    assert!(fonts >= 60, "{fonts} font files referenced");
    assert!(public.join("katex/LICENSE").is_file());
}

#[test]
fn ids_are_unique_on_every_page() {
    let (_keep, public) = build_example();
    for page in files_under(&public)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        let html = std::fs::read_to_string(&page).unwrap();
        let all = attr_values(&html, "id");
        let unique: BTreeSet<&&str> = all.iter().collect();
        assert_eq!(
            all.len(),
            unique.len(),
            "duplicate ids on {}",
            page.display()
        );
    }
}
