//! A site deployed under a sub-path: `base_url: https://x.org/blog/`.

use crate::util::*;

const BLOG: &str = "title: T\nbase_url: https://x.org/blog/\npaginate: 1\n";

/// A site that exercises every kind of page and link the built-in theme produces.
fn blog() -> Site {
    let a = md(
        "title: A\ndate: 2024-03-17\nid: 1\ncategories: [数学研究]\ntags: [熵]\nseries: S\naliases: [/old/a.html]",
        "## Sec\n\nSee [b](../2023/b.md#小结), [self](#sec), [ext](https://example.com/p) and ![pic](/images/a.png) inline.\n\n\
         ![铁锅](/images/a.png)\n\nNote[^1] $$\\begin{equation}x\\label{k}\\end{equation}$$ and $\\eqref{k}$.\n\n<!--more-->\n\n\
         [home](/) [archive](/archives/) [asset](pic.png)\n\n[^1]: Footnote.\n",
    );
    let b = md(
        "title: B\ndate: 2023-01-01\nid: 2\nseries: S",
        "Intro [back](@/2024/a.md).\n\n## 小结\n",
    );
    Site::new()
        .config(BLOG)
        .file("content/2024/a.md", &a)
        .file("content/2024/pic.png", "png")
        .file("content/2023/b.md", &b)
        .file("static/images/a.png", "png")
}

fn is_internal(url: &str) -> bool {
    !(url.starts_with('#') || url.contains("://") || url.starts_with("mailto:"))
}

#[test]
fn every_internal_href_and_src_starts_with_the_base_path() {
    let b = blog().build();
    b.assert_success();
    let pages = b.html_pages();
    assert!(pages.len() > 10, "{:?}", pages.keys());
    let mut checked = 0;
    for (path, html) in &pages {
        for url in attr_values(html, "href")
            .into_iter()
            .chain(attr_values(html, "src"))
        {
            if is_internal(url) {
                assert!(
                    url.starts_with("/blog/"),
                    "{path}: internal URL {url:?} lacks /blog/"
                );
                checked += 1;
            }
        }
        assert_not_contains!(html, "href=\"/archives");
    }
    assert!(checked > 50, "only {checked} internal URLs found");
}

#[test]
fn markdown_urls_get_the_base_path() {
    let b = blog().build();
    let page = b.read("archives/1/index.html");
    assert_contains!(page, "<img src=\"/blog/images/a.png\"");
    assert_contains!(page, "href=\"/blog/archives/2/#");
    assert_contains!(page, "<a href=\"/blog/\">home</a>");
    assert_contains!(page, "<a href=\"/blog/archives/\">archive</a>");
    assert_contains!(page, "<a href=\"/blog/2024/pic.png\">asset</a>");
    assert_eq!(b.read("2024/pic.png"), "png");
    assert_contains!(
        b.read("archives/2/index.html"),
        "<a href=\"/blog/archives/1/\">back</a>"
    );
}

#[test]
fn feed_sitemap_robots_and_alias_use_the_absolute_base_url() {
    let b = blog().build();
    let feed = b.read("atom.xml");
    assert_contains!(
        feed,
        "<link rel=\"alternate\" type=\"text/html\" href=\"https://x.org/blog/archives/1/\"/>"
    );
    assert_contains!(feed, "<id>https://x.org/blog/archives/1/</id>");
    assert_contains!(feed, "src=&quot;https://x.org/blog/images/a.png&quot;");
    assert_not_contains!(feed, "&quot;/blog/");
    let sitemap = b.read("sitemap.xml");
    assert_contains!(sitemap, "<loc>https://x.org/blog/archives/1/</loc>");
    assert_contains!(sitemap, "<loc>https://x.org/blog/</loc>");
    assert_contains!(
        b.read("robots.txt"),
        "Sitemap: https://x.org/blog/sitemap.xml"
    );
    assert_contains!(b.read("old/a.html"), "url=https://x.org/blog/archives/1/");
}

#[test]
fn base_url_flag_overrides_the_config() {
    let b = blog().build_with(&["--base-url", "https://preview.x.org/pr-7/"]);
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_contains!(page, "<img src=\"/pr-7/images/a.png\"");
    assert_contains!(page, "href=\"https://preview.x.org/pr-7/archives/1/\"");
    assert_not_contains!(page, "/blog/");
}
