//! Categories, tags and the archive page.

use crate::util::*;

fn site() -> Site {
    Site::new()
        .file("content/a.md", &md("title: Alpha\ndate: 2023-05-01\nid: 1\ncategories: [数学研究]\ntags: [熵, Machine Learning]", "a\n"))
        .file("content/b.md", &md("title: Beta\ndate: 2024-02-01\nid: 2\ncategories: 数学研究\ntags: [熵]", "b\n"))
        .file("content/c.md", &md("title: Gamma\ndate: 2024-03-01\nid: 3\ncategories: [信息时代]", "c\n"))
}

#[test]
fn category_index_lists_every_category_with_its_url() {
    let b = site().build();
    b.assert_success();
    let index = b.read("categories/index.html");
    assert_eq!(
        link_text(&index, "/categories/数学研究/").as_deref(),
        Some("数学研究")
    );
    assert_eq!(
        link_text(&index, "/categories/信息时代/").as_deref(),
        Some("信息时代")
    );
}

#[test]
fn category_page_keeps_the_chinese_name_and_lists_newest_first() {
    let b = site().build();
    let page = b.read("categories/数学研究/index.html");
    assert_contains!(between(&page, "<title>", "</title>"), "数学研究");
    let list = between(&page, "class=\"entry-list\"", "</ul>");
    assert_in_order(list, &["href=\"/archives/2/\"", "href=\"/archives/1/\""]);
    assert_not_contains!(list, "/archives/3/");
}

#[test]
fn tag_pages_and_index() {
    let b = site().build();
    let index = b.read("tags/index.html");
    assert_contains!(index, "href=\"/tags/熵/\"");
    assert_contains!(index, "href=\"/tags/machine-learning/\"");
    let page = b.read("tags/熵/index.html");
    assert_contains!(between(&page, "<title>", "</title>"), "熵");
    assert_in_order(&page, &["href=\"/archives/2/\"", "href=\"/archives/1/\""]);
    let ml = b.read("tags/machine-learning/index.html");
    assert_contains!(between(&ml, "<title>", "</title>"), "Machine Learning");
}

#[test]
fn article_links_to_its_terms() {
    let b = site().build();
    let page = b.read("archives/1/index.html");
    assert_eq!(
        link_text(&page, "/categories/数学研究/").as_deref(),
        Some("数学研究")
    );
    assert_eq!(link_text(&page, "/tags/熵/").as_deref(), Some("熵"));
}

#[test]
fn archive_groups_by_year_newest_first() {
    let b = site().build();
    let page = b.read("archives/index.html");
    let y2024 = between(&page, "id=\"y2024\"", "</section>");
    let y2023 = between(&page, "id=\"y2023\"", "</section>");
    assert_in_order(y2024, &["href=\"/archives/3/\"", "href=\"/archives/2/\""]);
    assert_not_contains!(y2024, "/archives/1/");
    assert_contains!(y2023, "href=\"/archives/1/\"");
    assert_in_order(&page, &["id=\"y2024\"", "id=\"y2023\""]);
}
