//! The home listing: order, pagination, date badges.

use crate::util::*;

const PAGINATED: &str = "title: T\nbase_url: https://x.org/\npaginate: 2\n";

fn three_dated_and_one_undated() -> Site {
    Site::new()
        .config(PAGINATED)
        .file(
            "content/a.md",
            &md("title: Oldest\ndate: 2022-05-01\nid: 1", "a\n"),
        )
        .file(
            "content/b.md",
            &md("title: Newest\ndate: 2024-03-17\nid: 2", "b\n"),
        )
        .file(
            "content/c.md",
            &md("title: Middle\ndate: 2023-07-09\nid: 3", "c\n"),
        )
        .file("content/u.md", &md("title: Undated\nid: 4", "u\n"))
}

fn titles(html: &str) -> Vec<String> {
    html.split("class=\"entry-title\"")
        .skip(1)
        .map(|s| {
            strip_tags(&s[..s.find("</h2>").unwrap()])
                .trim()
                .to_string()
        })
        .collect()
}

#[test]
fn newest_first_across_pages_with_undated_last() {
    let b = three_dated_and_one_undated().build();
    b.assert_success();
    assert_eq!(titles(&b.read("index.html")), ["Newest", "Middle"]);
    assert_eq!(titles(&b.read("page/2/index.html")), ["Oldest", "Undated"]);
    assert!(!b.exists("page/3/index.html"), "{:?}", b.paths());
}

#[test]
fn undated_article_is_warned_about_by_file() {
    let b = three_dated_and_one_undated().build();
    b.assert_success();
    let warnings = b.diagnostics("warning");
    assert_eq!(warnings.len(), 1, "{}", b.stderr);
    assert!(
        warnings[0].starts_with("content/u.md:1:1: warning: "),
        "{}",
        b.stderr
    );
    assert_contains!(warnings[0], "date");
}

#[test]
fn date_badge_shows_day_month_abbreviation_and_year() {
    let b = three_dated_and_one_undated().build();
    let badge = between(&b.read("index.html"), "class=\"date-badge\"", "</time>").to_string();
    assert_contains!(badge, "datetime=\"2024-03-17T00:00:00+08:00\"");
    assert_in_order(&badge, &[">17<", ">Mar<", ">2024<"]);
}

#[test]
fn pagination_links_between_pages() {
    let b = three_dated_and_one_undated().build();
    let first = b.read("index.html");
    let nav = between(&first, "class=\"pagination\"", "</nav>");
    assert_contains!(nav, "rel=\"next\" href=\"/page/2/\"");
    assert_not_contains!(nav, "rel=\"prev\"");
    let second = b.read("page/2/index.html");
    let nav = between(&second, "class=\"pagination\"", "</nav>");
    assert_contains!(nav, "rel=\"prev\" href=\"/\"");
    assert_not_contains!(nav, "rel=\"next\"");
    assert_contains!(nav, "<a href=\"/\">1</a>");
}

#[test]
fn single_page_has_no_pagination() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nid: 1", "a\n"),
        )
        .build();
    b.assert_success();
    assert_not_contains!(b.read("index.html"), "class=\"pagination\"");
}
