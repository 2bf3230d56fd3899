//! Atom feed, sitemap, robots.txt, 404 page and alias redirects.

use crate::util::*;

fn site() -> Site {
    Site::new()
        .config("title: T\nbase_url: https://x.org/\nfeed_limit: 2\n")
        .file("content/a.md", &md("title: Oldest\ndate: 2022-01-01\nid: 1", "old\n"))
        .file("content/b.md", &md("title: Middle\ndate: 2023-01-01\nid: 2\naliases: [/old/middle.html, /p/2]", "mid\n"))
        .file("content/c.md", &md("title: Newest\ndate: 2024-01-01\nid: 3", "Intro [rel](@/b.md) [frag](#s).\n\n<!--more-->\n\n## S\n\nMathInFeed $\\frac{a}{b}$.\n"))
}

#[test]
fn feed_entries_have_absolute_urls_and_full_rendered_content() {
    let b = site().build();
    b.assert_success();
    let feed = b.read("atom.xml");
    let entry = between(&feed, "<entry>", "</entry>");
    assert_contains!(entry, "<title>Newest</title>");
    assert_contains!(
        entry,
        "<link rel=\"alternate\" type=\"text/html\" href=\"https://x.org/archives/3/\"/>"
    );
    let content = between(entry, "<content type=\"html\">", "</content>");
    assert_contains!(content, "MathInFeed &lt;math xmlns=");
    assert_contains!(content, "href=&quot;https://x.org/archives/2/&quot;");
    assert_contains!(content, "href=&quot;https://x.org/archives/3/#s&quot;");
    assert_not_contains!(content, "<span");
    assert_contains!(feed, "<updated>2024-01-01T00:00:00+08:00</updated>");
}

#[test]
fn feed_holds_the_newest_feed_limit_articles() {
    let b = site().build();
    let feed = b.read("atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 2, "{feed}");
    assert_in_order(&feed, &["<title>Newest</title>", "<title>Middle</title>"]);
    assert_not_contains!(feed, "<title>Oldest</title>");
}

#[test]
fn every_page_head_links_the_feed() {
    let b = site().build();
    let pages = b.html_pages();
    let mut checked = 0;
    for html in pages.values() {
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        let head = between(html, "<head>", "</head>");
        assert_contains!(
            head,
            "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"https://x.org/atom.xml\""
        );
        checked += 1;
    }
    assert_eq!(
        checked,
        pages.len() - 2,
        "all but the two redirects: {:?}",
        pages.keys()
    );
}

#[test]
fn sitemap_robots_and_404() {
    let b = site().build();
    let sitemap = b.read("sitemap.xml");
    for id in 1..=3 {
        assert_contains!(sitemap, format!("<loc>https://x.org/archives/{id}/</loc>"));
    }
    assert_contains!(sitemap, "<lastmod>2024-01-01</lastmod>");
    assert_contains!(b.read("robots.txt"), "Sitemap: https://x.org/sitemap.xml");
    assert_contains!(b.read("404.html"), "页面不存在");
}

#[test]
fn aliases_redirect_to_the_absolute_article_url() {
    let b = site().build();
    for alias in ["old/middle.html", "p/2/index.html"] {
        let page = b.read(alias);
        assert_contains!(
            page,
            "<meta http-equiv=\"refresh\" content=\"0; url=https://x.org/archives/2/\">"
        );
        assert_contains!(
            page,
            "<link rel=\"canonical\" href=\"https://x.org/archives/2/\">"
        );
    }
}

#[test]
fn feed_author_falls_back_to_the_site_title() {
    let b = Site::new()
        .config("title: 空间札记\nbase_url: https://x.org/\n")
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nid: 1", "Text\n"),
        )
        .build();
    b.assert_success();
    assert_contains!(b.read("atom.xml"), "<author><name>空间札记</name></author>");
}

/// The text of an escaped `type="html"` Atom element.
fn unescape(escaped: &str) -> String {
    escaped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// In every `math.output` mode: `html` pages carry no MathML, but the feed still does.
#[test]
fn feed_carries_each_formula_once_as_mathml() {
    for output in ["htmlAndMathml", "mathml", "html"] {
        feed_carries_each_formula_once_as_mathml_in(output);
    }
}

fn feed_carries_each_formula_once_as_mathml_in(output: &str) {
    let body = "Inline $a^2$ opens the excerpt.\n\n<!--more-->\n\n\
                $$\\begin{equation}f(x)=\\sqrt{x}\\label{eq:f}\\end{equation}$$\n\n\
                By $\\eqref{eq:f}$ and $b$ we are done.\n";
    let b = Site::new()
        .config(&format!(
            "title: T\nbase_url: https://x.org/\nmath:\n  output: {output}\n"
        ))
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nid: 7", body),
        )
        .build();
    b.assert_success();
    let feed = b.read("atom.xml");
    let entry = between(&feed, "<entry>", "</entry>");
    let content = unescape(between(entry, "<content type=\"html\">", "</content>"));
    let summary = unescape(between(entry, "<summary type=\"html\">", "</summary>"));
    // `$\eqref{eq:f}$` alone is a plain link, not a formula.
    for (part, formulas) in [(&content, 3), (&summary, 1)] {
        assert_not_contains!(part, "katex-html");
        assert_not_contains!(part, "class=\"katex");
        assert_eq!(part.matches("<math").count(), formulas, "{part}");
        assert_eq!(part.matches("</math>").count(), formulas, "{part}");
    }
    assert_contains!(summary, "<mi>a</mi>");
    assert_contains!(
        content,
        "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\">"
    );
    // KaTeX's MathML leaves the number's cell empty: the feed fills it.
    assert_contains!(content, "<mtd><mtext>(1)</mtext></mtd>");
    assert_not_contains!(content, "mml-eqn-num");
    assert_contains!(content, "href=\"https://x.org/archives/7/#eq-eq:f\"");
    assert_contains!(content, "id=\"eq-eq:f\"");
    // The article page keeps KaTeX's HTML beside its MathML, unless it shows MathML alone.
    let page = b.read("archives/7/index.html");
    assert_eq!(page.contains("katex-html"), output != "mathml", "{output}");
}
