//! The formula cache: a warm build renders nothing, a change of the macros in effect renders
//! again, and a damaged cache is repaired, never served.

use crate::util::{Build, Site, md};

/// `(rendered, from cache)` of the build's summary line.
pub(crate) fn counts(build: &Build) -> (usize, usize) {
    let line = build
        .stderr
        .lines()
        .find(|l| l.starts_with("built "))
        .unwrap_or_else(|| panic!("{}", build.stderr));
    let number_before = |word: &str| -> usize {
        let before = &line[..line.find(word).unwrap()];
        before
            .trim_end()
            .rsplit([' ', ':', '('])
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (number_before(" rendered"), number_before(" from cache"))
}

fn site() -> Site {
    Site::new()
        .config("title: T\nbase_url: https://x.org/\nmath:\n  macros:\n    \"\\\\R\": \"\\\\mathbb{R}\"\n")
        .file("content/a.md", &md("title: A\ndate: 2024-01-01\nid: 1", "设 $x\\in\\R$，且 $y^2$。\n"))
}

#[test]
fn warm_build_renders_nothing_and_gives_the_same_pages() {
    let cold = site().build();
    cold.assert_success();
    assert_eq!(counts(&cold), (2, 0));
    let first = cold.read("archives/1/index.html");
    let warm = cold.into_site().build();
    warm.assert_success();
    assert_eq!(counts(&warm), (0, 2));
    assert_eq!(warm.read("archives/1/index.html"), first);
}

#[test]
fn changed_macros_are_new_cache_entries() {
    let cold = site().build();
    cold.assert_success();
    assert!(cold.read("archives/1/index.html").contains("mathbb"));
    let changed = cold
        .into_site()
        .config("title: T\nbase_url: https://x.org/\nmath:\n  macros:\n    \"\\\\R\": \"\\\\mathrm{R}\"\n")
        .build();
    changed.assert_success();
    assert_eq!(counts(&changed), (2, 0));
    let page = changed.read("archives/1/index.html");
    assert!(
        !page.contains("mathbb") && page.contains("mathrm"),
        "{page}"
    );
}

#[test]
fn corrupt_cache_entries_are_rendered_again() {
    let cold = site().build();
    cold.assert_success();
    let expected = cold.read("archives/1/index.html");
    let cache = cold.site.root().join(".lemma-cache/katex");
    for entry in std::fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x5a;
        std::fs::write(&path, bytes).unwrap();
    }
    let repaired = cold.into_site().build();
    repaired.assert_success();
    let (rendered, cached) = counts(&repaired);
    assert!(
        rendered >= 1 && rendered + cached == 2,
        "{}",
        repaired.stderr
    );
    assert_eq!(repaired.read("archives/1/index.html"), expected);
}

#[test]
fn no_cache_flag_renders_everything() {
    let cold = site().build();
    cold.assert_success();
    let again = cold.into_site().build_with(&["--no-cache"]);
    again.assert_success();
    assert_eq!(counts(&again), (2, 0));
}

#[test]
fn edited_article_is_assembled_again_and_others_are_kept() {
    let first = site()
        .file(
            "content/b.md",
            &md("title: B\ndate: 2024-01-02\nid: 2", "另一篇 $z$。\n"),
        )
        .build();
    first.assert_success();
    let untouched = first.read("archives/2/index.html");
    let edited = first
        .into_site()
        .file(
            "content/a.md",
            &md(
                "title: A\ndate: 2024-01-01\nid: 1",
                "改过的正文 $x\\in\\R$，且 $y^2$。\n",
            ),
        )
        .build();
    edited.assert_success();
    assert!(edited.read("archives/1/index.html").contains("改过的正文"));
    assert_eq!(edited.read("archives/2/index.html"), untouched);
}
