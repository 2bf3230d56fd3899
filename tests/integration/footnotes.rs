//! Footnotes: references and definitions with ids unique on every page.

use std::collections::BTreeMap;

use crate::util::*;

fn duplicate_ids(html: &str) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in attr_values(html, "id") {
        *counts.entry(id).or_default() += 1;
    }
    counts
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(id, n)| format!("{id} ×{n}"))
        .collect()
}

#[test]
fn reference_and_definition_link_to_each_other() {
    let body = "Claim[^1] and again[^1], other[^note].\n\n[^1]: First.\n[^note]: Second.\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_contains!(page, "<a href=\"#fn-1\" id=\"fn-1-ref\">1</a>");
    assert_contains!(page, "<a href=\"#fn-note\" id=\"fn-note-ref\">2</a>");
    assert_contains!(page, "<div class=\"footnote-definition\" id=\"fn-1\">");
    assert_contains!(page, "<div class=\"footnote-definition\" id=\"fn-note\">");
    assert_eq!(duplicate_ids(&page), Vec::<String>::new(), "{page}");
}

#[test]
fn listing_with_footnotes_in_excerpts_has_no_duplicate_ids() {
    let a = md(
        "title: A\ndate: 2024-01-01\nid: 1",
        "## 引言\n\nA claim[^1] $$\\begin{equation}x\\label{k}\\end{equation}$$\n\n[^1]: Note A.\n\n<!--more-->\n\nRest.\n",
    );
    let b = md(
        "title: B\ndate: 2024-01-02\nid: 2",
        "## 引言\n\nB claim[^1] $$\\begin{equation}y\\label{k}\\end{equation}$$\n\n<!--more-->\n\nRest.\n\n[^1]: Note B.\n",
    );
    let b = Site::new()
        .file("content/a.md", &a)
        .file("content/b.md", &b)
        .build();
    b.assert_success();
    let listing = b.read("index.html");
    assert_contains!(listing, "A claim");
    assert_contains!(listing, "B claim");
    assert_eq!(duplicate_ids(&listing), Vec::<String>::new(), "{listing}");
    // Excerpts hold no element ids at all (docs/templates.md).
    for excerpt in listing.split("class=\"excerpt\"").skip(1) {
        assert_not_contains!(between(excerpt, ">", "class=\"read-more\""), " id=\"");
    }
    for page in ["archives/1/index.html", "archives/2/index.html"] {
        assert_eq!(duplicate_ids(&b.read(page)), Vec::<String>::new(), "{page}");
    }
}

#[test]
fn distinct_labels_get_distinct_ids() {
    let body = "One[^a b] two[^a-b].\n\n[^a b]: First.\n[^a-b]: Second.\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_eq!(duplicate_ids(&page), Vec::<String>::new(), "{page}");
}

#[test]
fn heading_ids_do_not_collide_with_footnote_ids() {
    let body = "Text[^1].\n\n## fn 1\n\n[^1]: Note.\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_eq!(duplicate_ids(&page), Vec::<String>::new(), "{page}");
}
