//! An image alone in its paragraph is a captioned figure.

use crate::util::*;

fn build(body: &str) -> Build {
    let b = Site::new()
        .file("static/images/pot.png", "png")
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nid: 1", body),
        )
        .build();
    b.assert_success();
    b
}

#[test]
fn lone_image_becomes_a_figure_with_caption() {
    let b = build("Intro.\n\n![铁锅（网络图）](/images/pot.png)\n\nAfter.\n");
    let page = b.read("archives/1/index.html");
    let figure = between(&page, "<figure>", "</figure>");
    assert_contains!(figure, "src=\"/images/pot.png\"");
    assert_contains!(figure, "alt=\"铁锅（网络图）\"");
    assert_contains!(figure, "<figcaption>铁锅（网络图）</figcaption>");
}

#[test]
fn inline_image_stays_inline() {
    let b = build("Intro.\n\n图 ![铁锅（网络图）](/images/pot.png) 在此。\n");
    let page = b.read("archives/1/index.html");
    assert_not_contains!(page, "<figure>");
    assert_not_contains!(page, "<figcaption>");
    assert_contains!(
        page,
        "<p>图 <img src=\"/images/pot.png\" alt=\"铁锅（网络图）\""
    );
}

#[test]
fn image_to_a_missing_file_is_an_error() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md(
                "title: A\ndate: 2024-01-01\nid: 1",
                "x\n\n![p](/images/none.png)\n",
            ),
        )
        .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/a.md:8:1: error: "),
        "{}",
        b.stderr
    );
    assert_contains!(errors[0], "images/none.png");
}
