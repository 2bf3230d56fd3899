//! Links between articles: rewriting to URLs, heading ids, and broken-link errors.

use crate::util::*;

const B: &str = "---\ntitle: B\ndate: 2023-01-01\nid: 2\n---\nIntro.\n\n## 小结\n\ntext\n\n## 小结\n\n## Custom heading {#custom}\n";

fn site_with_b() -> Site {
    Site::new().file("content/2023/b.md", B)
}

#[test]
fn relative_md_link_with_chinese_fragment() {
    let a = md(
        "title: A\ndate: 2024-01-01\nid: 1",
        "See [x](../2023/b.md#小结).\n",
    );
    let b = site_with_b().file("content/2024/a.md", &a).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    let hrefs = attr_values(&page, "href");
    let encoded = "/archives/2/#%E5%B0%8F%E7%BB%93";
    assert!(
        hrefs
            .iter()
            .any(|h| *h == encoded || *h == "/archives/2/#小结"),
        "{hrefs:#?}"
    );
    assert_eq!(
        link_text(&page, encoded)
            .or_else(|| link_text(&page, "/archives/2/#小结"))
            .as_deref(),
        Some("x")
    );
}

#[test]
fn root_relative_at_link() {
    let a = md(
        "title: A\ndate: 2024-01-01\nid: 1",
        "See [x](@/2023/b.md) and [y](@/2023/b.md#custom).\n",
    );
    let b = site_with_b().file("content/2024/a.md", &a).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_eq!(link_text(&page, "/archives/2/").as_deref(), Some("x"));
    assert_eq!(
        link_text(&page, "/archives/2/#custom").as_deref(),
        Some("y")
    );
}

#[test]
fn heading_ids_chinese_duplicate_and_custom() {
    let b = site_with_b().build();
    b.assert_success();
    let page = b.read("archives/2/index.html");
    assert_contains!(page, "<h2 id=\"小结\">小结</h2>");
    assert_contains!(page, "<h2 id=\"小结-1\">小结</h2>");
    assert_contains!(page, "<h2 id=\"custom\">Custom heading</h2>");
}

#[test]
fn missing_article_is_an_error_at_the_link() {
    // Line 8, after a CJK prefix: the column counts characters, not bytes.
    let a = md(
        "title: A\ndate: 2024-01-01\nid: 1",
        "One.\n\n见[x](../2023/nope.md)\n",
    );
    let b = site_with_b().file("content/2024/a.md", &a).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/2024/a.md:8:2: error: "),
        "{}",
        b.stderr
    );
    assert_contains!(errors[0], "2023/nope.md");
}

#[test]
fn missing_anchor_in_another_article_is_an_error() {
    let a = md(
        "title: A\ndate: 2024-01-01\nid: 1",
        "ok\n\n[x](../2023/b.md#总结)\n",
    );
    let b = site_with_b().file("content/2024/a.md", &a).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/2024/a.md:8:1: error: "),
        "{}",
        b.stderr
    );
    assert_contains!(errors[0], "总结");
}

#[test]
fn link_to_a_draft_is_an_error() {
    let draft = md("title: D\ndate: 2023-06-01\nid: 3\ndraft: true", "draft\n");
    let a = md("title: A\ndate: 2024-01-01\nid: 1", "[x](../2023/d.md)\n");
    let b = site_with_b()
        .file("content/2023/d.md", &draft)
        .file("content/2024/a.md", &a)
        .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/2024/a.md:6:1: error: "),
        "{}",
        b.stderr
    );
    assert_contains!(errors[0], "draft");
}

#[test]
fn link_to_a_draft_works_with_drafts_flag() {
    let draft = md("title: D\ndate: 2023-06-01\nid: 3\ndraft: true", "draft\n");
    let a = md("title: A\ndate: 2024-01-01\nid: 1", "[x](../2023/d.md)\n");
    let b = site_with_b()
        .file("content/2023/d.md", &draft)
        .file("content/2024/a.md", &a)
        .build_with(&["--drafts"]);
    b.assert_success();
    assert_eq!(
        link_text(&b.read("archives/1/index.html"), "/archives/3/").as_deref(),
        Some("x")
    );
}

#[test]
fn in_page_link_to_a_missing_heading_is_an_error() {
    let a = md(
        "title: A\ndate: 2024-01-01\nid: 1",
        "## Here\n\n[x](#there) [y](#here)\n",
    );
    let b = Site::new().file("content/a.md", &a).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/a.md:8:1: error: "),
        "{}",
        b.stderr
    );
}

#[test]
fn links_in_the_summary_are_checked_too() {
    let a = md(
        "title: A\ndate: 2024-01-01\nid: 1\nsummary: 见[前文](nope.md)",
        "Body\n",
    );
    let b = Site::new().file("content/a.md", &a).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/a.md:5:") && errors[0].contains("missing article `nope.md`"),
        "{}",
        b.stderr
    );
}
