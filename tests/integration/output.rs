//! The output folder: kept on failure, replaced on success, identical for identical input.

use crate::util::*;

fn site() -> Site {
    Site::new()
        .file("static/images/a.png", "png")
        .file("content/2024/a.md", &md("title: A\ndate: 2024-03-17\nid: 1\ntags: [熵]\nseries: S", "Text $x^2$[^1].\n\n![图](/images/a.png)\n\n[^1]: n\n"))
        .file("content/2023/b.md", &md("title: B\ndate: 2023-01-01\nid: 2\nseries: S\ncategories: [数学]", "$$\\begin{equation}y\\label{e}\\end{equation}$$\n\n$\\eqref{e}$ [a](@/2024/a.md)\n"))
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let first = site().build();
    first.assert_success();
    let before = first.files();
    assert!(
        before.contains_key("archives/1/index.html"),
        "{:?}",
        before.keys()
    );
    let second = first
        .into_site()
        .file(
            "content/2024/a.md",
            &md("title: A\ndate: 2024-03-17\nid: 1", "broken $\\xyz$\n"),
        )
        .build();
    second.assert_failure().assert_stderr("left unchanged");
    let after = second.files();
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &before {
        assert!(after[path] == *bytes, "{path} changed after a failed build");
    }
}

#[test]
fn successful_rebuild_replaces_stale_files() {
    let first = site().build();
    first.assert_success();
    assert!(first.exists("categories/数学/index.html"));
    let b = md("title: B\ndate: 2023-01-01\nid: 2", "plain\n");
    let second = first.into_site().file("content/2023/b.md", &b).build();
    second.assert_success();
    assert!(
        !second.exists("categories/数学/index.html"),
        "stale page kept: {:?}",
        second.paths()
    );
    let names = std::fs::read_dir(second.site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap());
    let leftovers: Vec<String> = names.filter(|n| n.starts_with(".public")).collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn building_twice_gives_identical_output() {
    let first = site().build();
    first.assert_success();
    let before = first.files();
    let second = first.into_site().build();
    second.assert_success();
    let after = second.files();
    assert_eq!(before.len(), after.len());
    for (path, bytes) in &before {
        assert!(
            after.get(path) == Some(bytes),
            "{path} differs between two builds"
        );
    }
}

#[test]
fn two_fresh_copies_of_a_site_give_identical_output() {
    let (x, y) = (site().build(), site().build());
    x.assert_success();
    y.assert_success();
    assert!(
        x.files() == y.files(),
        "output differs between two folders with the same site"
    );
}

#[test]
fn site_static_files_are_copied_and_override_built_in_ones() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nid: 1", "a\n"),
        )
        .file("static/style.css", "body{color:red}")
        .file("static/docs/a.pdf", "pdf")
        .build();
    b.assert_success();
    assert_eq!(b.read("style.css"), "body{color:red}");
    assert_eq!(b.read("docs/a.pdf"), "pdf");
    assert!(b.exists("katex/katex.min.css"));
}

#[test]
fn built_in_assets_are_only_the_theme() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nid: 1", "a\n"),
        )
        .build();
    b.assert_success();
    let unexpected: Vec<String> = b
        .paths()
        .into_iter()
        .filter(|p| {
            !p.ends_with(".html")
                && !p.ends_with(".xml")
                && !p.ends_with(".txt")
                && !p.starts_with("katex/")
                && p != "style.css"
                && p != "highlight.css"
                // Search, on unless switched off: the index and the search page's script.
                && !p.starts_with("pagefind/")
                && p != "search.js"
                // The marker by which lemma knows the folder is its own to replace.
                && p != ".lemma-output"
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "files the site did not ask for: {unexpected:?}"
    );
}

/// A `mathml` site gets the math font instead of KaTeX's CSS and fonts.
#[test]
fn mathml_sites_get_the_math_font_and_not_katex() {
    let b = Site::new()
        .config("title: T\nbase_url: https://x.org/\nmath:\n  output: mathml\n")
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nid: 1", "$a$\n"),
        )
        .build();
    b.assert_success();
    let paths = b.paths();
    assert!(paths.iter().all(|p| !p.starts_with("katex/")), "{paths:?}");
    for wanted in [
        "mathml.css",
        "math-font/latinmodern-math.woff2",
        "math-font/GUST-FONT-LICENSE.txt",
    ] {
        assert!(paths.iter().any(|p| p == wanted), "{wanted}: {paths:?}");
    }
}
