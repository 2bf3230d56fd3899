//! What an article page offers readers beyond its text: a table of contents, a citation
//! block, backlinks and the reading time, each switchable under `reader:` in `lemma.yaml`.

use crate::util::{Site, md};

const THREE_HEADINGS: &str = "## 引言\n\nA.\n\n## Proof of $x^2$\n\nB.\n\n### 细节\n\nC.\n";

fn site(config_extra: &str) -> Site {
    Site::new()
        .config(&format!(
            "title: 空间札记\nbase_url: https://www.example.org/blog/\nauthor: 闻一舟\n{config_extra}"
        ))
        .file(
            "content/a.md",
            &md(
                "title: '50% of {a_b} & #1 costs $\\sqrt{d}$'\ndate: 2024-01-02\nupdated: 2024-03-01\nid: 12",
                THREE_HEADINGS,
            ),
        )
        .file(
            "content/b.md",
            &md(
                "title: Two headings\ndate: 2024-01-03\nid: 13\nauthor: Ada Lovelace",
                "See [A](a.md#引言).\n\n## One\n\n## Two\n",
            ),
        )
        .file(
            "content/c.md",
            &md(
                "title: Newest\ndate: 2024-01-04",
                "[A](@/a.md), [A again](/archives/12/), [B](b.md).\n",
            ),
        )
}

#[test]
fn three_headings_make_a_table_of_contents_linking_each_id() {
    let build = site("").build();
    build.assert_success();
    let page = build.read("archives/12/index.html");
    assert_contains!(page, r#"<nav class="toc" aria-label="目录">"#);
    for (depth, id, text) in [
        (0, "引言", "引言"),
        (0, "proof-of-x2", "Proof of x^2"),
        (1, "细节", "细节"),
    ] {
        assert_contains!(
            page,
            format!(r##"<li class="toc-depth-{depth}"><a href="#{id}">{text}</a></li>"##)
        );
        assert_contains!(page, format!(r#" id="{id}""#));
    }
    assert_not_contains!(build.read("archives/13/index.html"), "class=\"toc\"");
}

#[test]
fn toc_false_in_front_matter_or_config_turns_it_off() {
    let front = site("")
        .file(
            "content/a.md",
            &md(
                "title: A\ndate: 2024-01-02\nid: 12\ntoc: false",
                THREE_HEADINGS,
            ),
        )
        .build();
    front.assert_success();
    assert_not_contains!(front.read("archives/12/index.html"), "class=\"toc\"");
    let config = site("reader:\n  toc: false\n").build();
    config.assert_success();
    assert_not_contains!(config.read("archives/12/index.html"), "class=\"toc\"");
}

#[test]
fn the_citation_has_a_reference_and_an_escaped_bibtex_entry() {
    let build = site("").build();
    build.assert_success();
    let page = build.read("archives/12/index.html");
    assert_contains!(page, "如果您需要引用本文，请参考");
    assert_contains!(
        page,
        "<p class=\"citation-text\">闻一舟. (2024-01-02). 50% of {a_b} &amp; #1 costs $\\sqrt{d}$. 空间札记. https://www.example.org/blog/archives/12/</p>"
    );
    let bibtex = "@online{example-12,
  author  = {闻一舟},
  title   = {{50\\% of \\{a\\_b\\} \\&amp; \\#1 costs $\\sqrt{d}$}},
  date    = {2024-01-02},
  url     = {https://www.example.org/blog/archives/12/},
  urldate = {2024-03-01},
}";
    assert_contains!(page, bibtex);
    // The front matter's author wins over the site's; an article without id gets a key of
    // its own.
    let b = build.read("archives/13/index.html");
    assert_contains!(b, "author  = {Ada Lovelace}");
    assert_contains!(b, "@online{example-13,");
    let pages = build.html_pages();
    let keys: Vec<&str> = pages
        .values()
        .filter_map(|p| p.split("@online{").nth(1))
        .map(|rest| rest.split(',').next().unwrap())
        .collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3, "{keys:?}");
}

#[test]
fn backlinks_list_the_linking_articles_newest_first() {
    let build = site("").build();
    build.assert_success();
    let a = build.read("archives/12/index.html");
    assert_contains!(a, "被以下文章引用");
    let newest = a
        .find(">Newest</a>")
        .expect("the newest article links to A");
    let older = a.find(">Two headings</a>").expect("B links to A");
    assert!(newest < older, "newest first");
    // Two links from one article count once; an article is not its own backlink.
    assert_eq!(a.matches(">Newest</a></li>").count(), 1);
    let c_page = build
        .paths()
        .into_iter()
        .find(|p| p.starts_with("archives/newest/") || p.contains("newest"))
        .map(|p| build.read(&p));
    if let Some(c) = c_page {
        assert_not_contains!(c, "class=\"backlinks\"");
    }
}

#[test]
fn reading_time_counts_chinese_characters_and_latin_words() {
    let build = site("")
        .file(
            "content/d.md",
            &md(
                "title: D\ndate: 2024-01-05\nid: 20",
                &format!("{}\n\nNewton-Schulz $x^2$ 迭代。\n", "字".repeat(800)),
            ),
        )
        .build();
    build.assert_success();
    // 802 characters and 2 words: 804, at 400 characters a minute, 3 minutes.
    assert_contains!(
        build.read("archives/20/index.html"),
        "<p class=\"reading-time\">全文约 804 字，阅读约 3 分钟</p>"
    );
}

#[test]
fn each_feature_can_be_switched_off() {
    let build = site(
        "reader:\n  toc: false\n  citation: false\n  backlinks: false\n  reading_time: false\n",
    )
    .build();
    build.assert_success();
    let page = build.read("archives/12/index.html");
    for class in ["toc", "citation", "backlinks", "reading-time"] {
        assert_not_contains!(page, format!("class=\"{class}\""));
    }
}

#[test]
fn an_unknown_reader_key_is_an_error_at_its_line() {
    let build = site("reader:\n  tocc: false\n").build();
    build.assert_failure();
    assert_contains!(build.stderr, "lemma.yaml");
    assert_contains!(build.stderr, "tocc");
}
