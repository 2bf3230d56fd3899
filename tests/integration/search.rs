//! Search: a Pagefind index under `pagefind/` (below the base path), a search box on every
//! page and a search page; drafts never indexed by `build`; an unchanged site keeps its index;
//! `reader: {search: false}` removes all of it. Real queries run in Chromium (last test).

use std::path::Path;
use std::process::Command;

use crate::util::{Build, Site, md};

fn site() -> Site {
    Site::new()
        .config("title: T\nbase_url: https://x.org/blog/\n")
        .file(
            "content/a.md",
            &md(
                "title: 随机投影\ndate: 2024-01-02\nid: 1",
                "高维空间中的距离几乎保持不变。\n",
            ),
        )
        .file(
            "content/b.md",
            &md(
                "title: Kernels\ndate: 2024-01-01\nid: 2",
                "A kernel trick in two lines.\n",
            ),
        )
        .file(
            "content/c.md",
            &md(
                "title: Draft\ndate: 2024-01-03\nid: 3\ndraft: true",
                "Zanzibar only here.\n",
            ),
        )
}

/// The number of pages the index holds, from `pagefind/pagefind-entry.json`.
fn indexed_pages(build: &Build) -> u64 {
    let entry: serde_json::Value =
        serde_json::from_str(&build.read("pagefind/pagefind-entry.json")).unwrap();
    entry["languages"]
        .as_object()
        .unwrap()
        .values()
        .map(|language| language["page_count"].as_u64().unwrap())
        .sum()
}

#[test]
fn the_index_search_page_and_box_are_under_the_base_path() {
    let build = site().build();
    build.assert_success();
    assert!(build.exists("pagefind/pagefind.js"));
    assert!(build.exists("search.js"));
    assert_eq!(indexed_pages(&build), 2);
    let search = build.read("search/index.html");
    assert_contains!(
        search,
        r#"<script type="module" src="/blog/search.js"></script>"#
    );
    assert_contains!(search, r#"data-base="/blog/""#);
    for page in ["index.html", "archives/1/index.html", "tags/index.html"] {
        assert_contains!(
            build.read(page),
            r#"<form class="site-search" role="search" action="/blog/search/">"#
        );
    }
    assert_contains!(build.stderr, "search index of 2 articles made");
}

#[test]
fn drafts_stay_out_of_the_index_even_with_the_drafts_flag() {
    let build = site().build_with(&["--drafts"]);
    build.assert_success();
    assert!(
        build.exists("archives/3/index.html"),
        "the draft is published"
    );
    assert_eq!(indexed_pages(&build), 2);
    assert_contains!(build.stderr, "search index of 2 articles made");
}

#[test]
fn an_unchanged_site_keeps_its_index_and_an_edit_makes_it_again() {
    let first = site().build();
    first.assert_success();
    let index = first.files();
    let second = first.into_site().build();
    second.assert_success();
    assert_contains!(second.stderr, "search index of 2 articles kept");
    let kept = second.files();
    let pagefind = |files: &std::collections::BTreeMap<String, Vec<u8>>| {
        files
            .iter()
            .filter(|(p, _)| p.starts_with("pagefind/"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(pagefind(&index), pagefind(&kept));
    assert!(!pagefind(&kept).is_empty());
    // A draft is not indexed: editing it keeps the index.
    let site = second.into_site().file(
        "content/c.md",
        &md(
            "title: Draft\ndate: 2024-01-03\nid: 3\ndraft: true",
            "Zanzibar again.\n",
        ),
    );
    let third = site.build();
    assert_contains!(third.stderr, "search index of 2 articles kept");
    let site = third.into_site().file(
        "content/b.md",
        &md(
            "title: Kernels\ndate: 2024-01-01\nid: 2",
            "Another trick.\n",
        ),
    );
    let fourth = site.build();
    fourth.assert_success();
    assert_contains!(fourth.stderr, "search index of 2 articles made");
    assert_ne!(pagefind(&kept), pagefind(&fourth.files()));
}

#[test]
fn search_can_be_switched_off() {
    let build = site()
        .config("title: T\nbase_url: https://x.org/blog/\nreader:\n  search: false\n")
        .build();
    build.assert_success();
    assert!(!build.exists("pagefind"));
    assert!(!build.exists("search/index.html"));
    assert_not_contains!(build.read("index.html"), "site-search");
    assert_not_contains!(build.stderr, "search index");
}

/// The example archive, built with its draft under `/blog/`, searched in Chromium: a Chinese
/// word from the middle of an article, an English phrase from a code comment, and words only
/// the draft has (Chinese and Latin).
#[test]
fn a_browser_finds_words_of_the_example_archive_and_nothing_of_its_draft() {
    let Some(browser) = crate::util::browser("the search browser test", &["playwright-core"])
    else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let build = Command::new(env!("CARGO_BIN_EXE_lemma"))
        .args(["build", "--drafts", "--no-cache", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out.path().join("public"))
        .args(["--base-url", "https://example.org/blog/"])
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let queries = serde_json::json!([
        {"query": "卡方分布", "expect": "随机投影与 JL 引理：一个完整的证明"},
        {"query": "largest singular value", "expect": "幂迭代求最大奇异值：Rust 与 Python 两种写法"},
        // Pagefind answers a word it does not know with its longest known prefix (`Schulz`
        // finds pages with an `s`): a quoted search asks for the word itself.
        {"query": "\"卡方分布\"", "expect": "随机投影与 JL 引理：一个完整的证明"},
        {"query": "\"Schulz\"", "expect": null},
        {"query": "\"正交化\"", "expect": null},
    ]);
    let args = [
        out.path().join("public").display().to_string(),
        "/blog/".to_string(),
        queries.to_string(),
    ];
    let stdout = crate::util::run_browser_script(&browser, "search.mjs", &args, "");
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
}

/// `lemma serve` indexes drafts too (it previews them), and an edit reaches the index.
#[test]
fn serve_indexes_drafts_and_follows_edits() {
    let site = site();
    let server = crate::serve::Server::start(site.root(), &[]);
    let count = |body: &str| -> u64 {
        let entry: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        entry["languages"]
            .as_object()
            .map(|languages| {
                languages
                    .values()
                    .filter_map(|l| l["page_count"].as_u64())
                    .sum()
            })
            .unwrap_or(0)
    };
    let entry = "/blog/pagefind/pagefind-entry.json";
    let response = server.wait_for(entry, "the index", |r| r.status == 200);
    assert_eq!(count(&response.body), 3, "{}", response.body);
    assert_eq!(server.get("/blog/search/").status, 200);
    std::fs::write(
        site.root().join("content/d.md"),
        md("title: New\ndate: 2024-01-04\nid: 4", "Fresh words.\n"),
    )
    .unwrap();
    let response = server.wait_for(entry, "the new article in the index", |r| {
        count(&r.body) == 4
    });
    assert_eq!(response.status, 200);
}
