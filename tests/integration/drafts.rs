//! `draft: true` articles are left out of a build unless `--drafts`.

use crate::util::*;

fn site() -> Site {
    let draft = "title: DraftTitleXyz\ndate: 2024-05-01\nid: 3\ndraft: true\ncategories: [草稿分类]\ntags: [draft-tag]\nseries: DraftSeries\naliases: [/d/]";
    Site::new()
        .file(
            "content/a.md",
            &md(
                "title: Published\ndate: 2024-01-01\nid: 1\ncategories: [公开]",
                "Public text.\n",
            ),
        )
        .file("content/d.md", &md(draft, "DraftBodyXyz.\n"))
}

#[test]
fn draft_is_absent_from_every_output_file() {
    let b = site().build();
    b.assert_success();
    let texts = b.texts();
    assert!(
        texts.contains_key("archives/1/index.html"),
        "{:?}",
        texts.keys()
    );
    for (path, text) in &texts {
        for needle in [
            "DraftTitleXyz",
            "DraftBodyXyz",
            "草稿分类",
            "draft-tag",
            "DraftSeries",
            "/archives/3/",
        ] {
            assert!(
                !text.contains(needle),
                "{path} mentions the draft ({needle}):\n{text}"
            );
        }
    }
    assert!(!b.exists("archives/3/index.html"));
    assert!(!b.exists("d/index.html"));
    assert!(!b.exists("categories/草稿分类/index.html"));
}

#[test]
fn drafts_flag_includes_and_marks_the_draft() {
    let b = site().build_with(&["--drafts"]);
    b.assert_success();
    let page = b.read("archives/3/index.html");
    assert_contains!(page, "DraftBodyXyz.");
    assert_contains!(page, "<span class=\"draft\">草稿</span>");
    assert_contains!(page, "<meta name=\"robots\" content=\"noindex\">");
    assert_contains!(b.read("index.html"), "href=\"/archives/3/\"");
    assert_contains!(b.read("categories/草稿分类/index.html"), "DraftTitleXyz");
}
