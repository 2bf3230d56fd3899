//! Search: a Pagefind index under `pagefind/` (below the base path), a search box on every
//! page and a search page; drafts never indexed by `build`; an unchanged site keeps its index;
//! `reader: {search: false}` removes all of it. An index in parts (forced small here with
//! `LEMMA_SEARCH_PART_BYTES`) keeps the parts an edit leaves alone, in `build` and `serve`.
//! Real queries run in Chromium, over an index of several parts.

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
    page_count(&build.read("pagefind/pagefind-entry.json"))
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
    assert!(!build.exists("search.js"), "the search page's script");
    assert_not_contains!(build.read("index.html"), "site-search");
    assert_not_contains!(build.stderr, "search index");
}

/// Each article in a part of its own.
const ONE_ARTICLE_PER_PART: (&str, &str) = ("LEMMA_SEARCH_PART_BYTES", "1");

/// Four articles, one day apart: part 0 holds the oldest.
fn dated_site() -> Site {
    (1..=4).fold(
        Site::new().config("title: T\nbase_url: https://x.org/blog/\n"),
        |site, day| {
            site.file(
                &format!("content/p{day}.md"),
                &md(
                    &format!("title: Day {day}\ndate: 2024-01-0{day}\nid: {day}"),
                    &format!("Words of day {day}.\n"),
                ),
            )
        },
    )
}

/// The files of part `number` of the index, by path.
fn part_files(build: &Build, number: usize) -> Vec<(String, Vec<u8>)> {
    let folder = match number {
        0 => "pagefind/".to_string(),
        _ => format!("pagefind/{number}/"),
    };
    build
        .files()
        .into_iter()
        .filter(|(path, _)| {
            let inner = path.strip_prefix(&folder);
            // Part 0's folder holds the other parts' folders.
            inner.is_some_and(|inner| !inner.split('/').next().unwrap().parse::<u32>().is_ok())
        })
        .filter(|(path, _)| path != "pagefind/lemma-parts.json")
        .collect()
}

/// The number of pages an index's `pagefind-entry.json` counts; 0 when it is not one.
fn page_count(entry: &str) -> u64 {
    let entry: serde_json::Value = serde_json::from_str(entry).unwrap_or_default();
    entry["languages"]
        .as_object()
        .map(|languages| {
            languages
                .values()
                .filter_map(|l| l["page_count"].as_u64())
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn an_index_in_parts_lists_them_and_keeps_those_an_edit_leaves_alone() {
    let env = [ONE_ARTICLE_PER_PART];
    let first = dated_site().run_env(&["build"], &env);
    first.assert_success();
    assert_contains!(
        first.stderr,
        "search index of 4 articles in 4 parts, 4 made"
    );
    assert_eq!(
        first.read("pagefind/lemma-parts.json"),
        r#"{"parts":["1/","2/","3/"]}"#
    );
    for number in 0..4 {
        let entry = match number {
            0 => "pagefind/pagefind-entry.json".to_string(),
            _ => format!("pagefind/{number}/pagefind-entry.json"),
        };
        assert_eq!(page_count(&first.read(&entry)), 1, "{entry}");
        let files = part_files(&first, number);
        assert!(
            files.iter().any(|(path, _)| path.ends_with(".pf_fragment")),
            "part {number} has no fragment"
        );
    }
    assert!(first.exists("pagefind/pagefind.js"));
    assert!(
        !first.exists("pagefind/1/pagefind.js"),
        "scripts only in part 0"
    );
    let before: Vec<_> = (0..4).map(|n| part_files(&first, n)).collect();

    let second = first.into_site().run_env(&["build"], &env);
    assert_contains!(
        second.stderr,
        "search index of 4 articles in 4 parts, 0 made"
    );

    // The newest article is in the last part: only that part is made again.
    let site = second.into_site().file(
        "content/p4.md",
        &md("title: Day 4\ndate: 2024-01-04\nid: 4", "Other words.\n"),
    );
    let third = site.run_env(&["build"], &env);
    third.assert_success();
    assert_contains!(
        third.stderr,
        "search index of 4 articles in 4 parts, 1 made"
    );
    for (number, files) in before.iter().enumerate().take(3) {
        assert_eq!(&part_files(&third, number), files, "part {number}");
    }
    assert_ne!(part_files(&third, 3), before[3]);

    // A new article becomes a part of its own at the end.
    let site = third.into_site().file(
        "content/p5.md",
        &md("title: Day 5\ndate: 2024-01-05\nid: 5", "New words.\n"),
    );
    let fourth = site.run_env(&["build"], &env);
    assert_contains!(
        fourth.stderr,
        "search index of 5 articles in 5 parts, 1 made"
    );
    assert_eq!(
        fourth.read("pagefind/lemma-parts.json"),
        r#"{"parts":["1/","2/","3/","4/"]}"#
    );
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
        // An index of several parts, so that the search page merges them.
        .env("LEMMA_SEARCH_PART_BYTES", "40000")
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let parts = std::fs::read_to_string(out.path().join("public/pagefind/lemma-parts.json"));
    assert_contains!(parts.unwrap(), r#""parts":["1/","2/","#);
    let queries = serde_json::json!([
        {"query": "卡方分布", "expect": "随机投影与 JL 引理：一个完整的证明"},
        // One article has all three words; the parts without them answer with prefixes ("s"),
        // which the page leaves out.
        {"query": "largest singular value", "expect": "幂迭代求最大奇异值：Rust 与 Python 两种写法", "count": 1},
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
    let count = page_count;
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

/// In `serve`, the parts follow edits: a new article adds one, a removed one takes it away.
#[test]
fn serve_adds_and_removes_parts_of_the_index() {
    let site = site();
    let server = crate::serve::Server::start_env(site.root(), &[], &[ONE_ARTICLE_PER_PART]);
    let parts = "/blog/pagefind/lemma-parts.json";
    // The draft is indexed too: three articles, three parts.
    server.wait_for(parts, "the index in three parts", |r| {
        r.body == r#"{"parts":["1/","2/"]}"#
    });
    let newest = "/blog/pagefind/2/pagefind-entry.json";
    assert_eq!(page_count(&server.get(newest).body), 1);
    let article = site.root().join("content/d.md");
    std::fs::write(
        &article,
        md("title: New\ndate: 2024-01-04\nid: 4", "Fresh words.\n"),
    )
    .unwrap();
    server.wait_for(parts, "a fourth part", |r| {
        r.body == r#"{"parts":["1/","2/","3/"]}"#
    });
    let added = "/blog/pagefind/3/pagefind-entry.json";
    assert_eq!(page_count(&server.get(added).body), 1);
    std::fs::remove_file(&article).unwrap();
    server.wait_for(parts, "three parts again", |r| {
        r.body == r#"{"parts":["1/","2/"]}"#
    });
    assert_eq!(server.get(added).status, 404);
}

/// Switching search off in `lemma.yaml` while `serve` runs takes the index off the site.
#[test]
fn serve_drops_the_index_when_search_is_switched_off() {
    let site = site();
    let server = crate::serve::Server::start(site.root(), &[]);
    let entry = "/blog/pagefind/pagefind-entry.json";
    server.wait_for(entry, "the index", |r| r.status == 200);
    assert_eq!(server.get("/blog/pagefind/lemma-parts.json").status, 200);
    std::fs::write(
        site.root().join("lemma.yaml"),
        "title: T\nbase_url: https://x.org/blog/\nreader:\n  search: false\n",
    )
    .unwrap();
    server.wait_for(entry, "the index gone", |r| r.status == 404);
    assert_eq!(server.get("/blog/pagefind/pagefind.js").status, 404);
    assert_eq!(server.get("/blog/pagefind/lemma-parts.json").status, 404);
}
