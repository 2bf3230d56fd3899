//! Series: the series page, the position label and the in-series navigation.

use crate::util::*;

fn three_part_series() -> Site {
    Site::new()
        .file(
            "content/p2.md",
            &md(
                "title: Part Two\ndate: 2023-02-01\nid: 20\nseries: 扩散模型",
                "two\n",
            ),
        )
        .file(
            "content/p3.md",
            &md(
                "title: Part Three\ndate: 2023-03-01\nid: 30\nseries: 扩散模型",
                "three\n",
            ),
        )
        .file(
            "content/p1.md",
            &md(
                "title: Part One\ndate: 2023-01-01\nid: 10\nseries: 扩散模型",
                "one\n",
            ),
        )
        .file(
            "content/other.md",
            &md("title: Unrelated\ndate: 2023-02-15\nid: 99", "x\n"),
        )
}

#[test]
fn series_page_lists_oldest_first() {
    let b = three_part_series().build();
    b.assert_success();
    let page = b.read("series/扩散模型/index.html");
    let list = between(&page, "series-list", "</ol>");
    assert_in_order(
        list,
        &[
            "href=\"/archives/10/\"",
            "href=\"/archives/20/\"",
            "href=\"/archives/30/\"",
        ],
    );
    assert_not_contains!(list, "Unrelated");
    assert_contains!(b.read("series/index.html"), "href=\"/series/扩散模型/\"");
}

#[test]
fn article_shows_position_and_neighbours_in_the_series() {
    let b = three_part_series().build();
    let page = b.read("archives/20/index.html");
    let boxed = between(&page, "class=\"series-box\"", "</aside>");
    assert_contains!(boxed, "第 2 篇 / 共 3 篇");
    assert_contains!(boxed, "<a class=\"prev\" href=\"/archives/10/\">");
    assert_contains!(boxed, "<a class=\"next\" href=\"/archives/30/\">");
    assert_contains!(link_text(boxed, "/archives/10/").unwrap(), "Part One");
    assert_contains!(link_text(boxed, "/archives/30/").unwrap(), "Part Three");
    // Site-wide neighbours are by date and include the unrelated article.
    let nav = between(&page, "class=\"post-nav\"", "</nav>");
    assert_contains!(nav, "href=\"/archives/99/\"");
}

#[test]
fn first_and_last_of_a_series_have_one_neighbour() {
    let b = three_part_series().build();
    let first = b.read("archives/10/index.html");
    let boxed = between(&first, "class=\"series-box\"", "</aside>");
    assert_contains!(boxed, "第 1 篇 / 共 3 篇");
    assert_not_contains!(boxed, "class=\"prev\"");
    assert_contains!(boxed, "<a class=\"next\" href=\"/archives/20/\">");
    let last = b.read("archives/30/index.html");
    let boxed = between(&last, "class=\"series-box\"", "</aside>");
    assert_contains!(boxed, "第 3 篇 / 共 3 篇");
    assert_not_contains!(boxed, "class=\"next\"");
}

#[test]
fn undated_article_comes_last_in_its_series() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md("title: S1\ndate: 2024-01-01\nid: 1\nseries: S", "x\n"),
        )
        .file(
            "content/b.md",
            &md("title: S2\ndate: 2024-02-01\nid: 2\nseries: S", "x\n"),
        )
        .file("content/c.md", &md("title: S3\nid: 3\nseries: S", "x\n"))
        .build();
    b.assert_success();
    let list = b.read("series/s/index.html");
    assert_in_order(
        &list,
        &[
            "href=\"/archives/1/\"",
            "href=\"/archives/2/\"",
            "href=\"/archives/3/\"",
        ],
    );
    assert_contains!(b.read("archives/3/index.html"), "第 3 篇 / 共 3 篇");
}
