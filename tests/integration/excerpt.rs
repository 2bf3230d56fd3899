//! Excerpts on the home listing: `<!--more-->`, `summary:`, first paragraph.

use crate::util::*;

fn excerpt_of(listing: &str, url: &str) -> String {
    let entry = listing
        .split("<article class=\"entry\">")
        .find(|e| e.contains(&format!("href=\"{url}\"")))
        .expect("entry");
    between(entry, "class=\"excerpt\"", "class=\"read-more\"").to_string()
}

#[test]
fn more_marker_cuts_the_excerpt() {
    let body = "Before the cut $x^2$.\n\nStill before.\n\n<!--more-->\n\nAfterTheCut text.\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let excerpt = excerpt_of(&b.read("index.html"), "/archives/1/");
    assert_contains!(excerpt, "Before the cut");
    assert_contains!(excerpt, "Still before.");
    assert_contains!(excerpt, "<span class=\"katex\">");
    assert_not_contains!(excerpt, "AfterTheCut");
    assert_not_contains!(b.read("index.html"), "AfterTheCut");
    assert_contains!(b.read("archives/1/index.html"), "AfterTheCut text.");
}

#[test]
fn summary_front_matter_is_the_excerpt() {
    let front = "title: A\ndate: 2024-01-01\nid: 1\nsummary: \"SummaryText with $\\\\alpha$\"";
    let b = Site::new()
        .file(
            "content/a.md",
            &md(front, "BodyFirstParagraph.\n\nSecond.\n"),
        )
        .build();
    b.assert_success();
    let excerpt = excerpt_of(&b.read("index.html"), "/archives/1/");
    assert_contains!(excerpt, "SummaryText with <span class=\"katex\">");
    assert_not_contains!(excerpt, "BodyFirstParagraph");
    let page = b.read("archives/1/index.html");
    assert_contains!(page, "BodyFirstParagraph.");
}

#[test]
fn first_paragraph_otherwise() {
    let body = "## Heading\n\nFirstPara with $y$.\n\nSecondPara.\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let excerpt = excerpt_of(&b.read("index.html"), "/archives/1/");
    assert_contains!(excerpt, "<p>FirstPara with <span class=\"katex\">");
    assert_not_contains!(excerpt, "SecondPara");
    assert_contains!(b.read("archives/1/index.html"), "SecondPara.");
}

#[test]
fn read_more_links_to_the_article() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nid: 7", "One.\n\nTwo.\n"),
        )
        .file(
            "content/b.md",
            &md("title: B\ndate: 2024-01-02\nid: 8", "Three.\n\nFour.\n"),
        )
        .build();
    b.assert_success();
    let listing = b.read("index.html");
    for url in ["/archives/7/", "/archives/8/"] {
        let entry = listing
            .split("<article class=\"entry\">")
            .find(|e| e.contains(&format!("href=\"{url}\"")))
            .unwrap();
        let read_more = between(entry, "class=\"read-more\"", "</p>");
        assert_eq!(
            link_text(read_more, url).as_deref(),
            Some("点击阅读全文..."),
            "{entry}"
        );
    }
}

#[test]
fn in_page_link_in_excerpt_points_at_the_article() {
    let body = "See [below](#details).\n\n<!--more-->\n\n## Details\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    assert_contains!(
        excerpt_of(&b.read("index.html"), "/archives/1/"),
        "href=\"/archives/1/#details\""
    );
    assert_contains!(
        b.read("archives/1/index.html"),
        "<h2 id=\"details\">Details</h2>"
    );
}

#[test]
fn inline_more_marker_in_the_first_paragraph_cuts_there() {
    let body = "Intro text <!--more--> AfterTheCut.\n\nSecond para.\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let excerpt = excerpt_of(&b.read("index.html"), "/archives/1/");
    assert_contains!(excerpt, "Intro text");
    assert_not_contains!(excerpt, "AfterTheCut");
}
