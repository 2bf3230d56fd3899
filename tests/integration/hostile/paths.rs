//! Hostile input: slugs, aliases and permalink patterns that would place a page outside the
//! output or over another page, and names that must be percent-encoded in links.

use super::output::Nested;
use crate::util::*;

/// Builds `nested` and asserts it failed with `needle`, and that nothing but lemma's formula
/// cache changed (failed builds publish nothing, so `public/` does not exist either).
fn assert_contained_failure(nested: &Nested, needle: &str) {
    let before = nested.snapshot(&["site/.lemma-cache"]);
    let output = nested.build(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_contains!(stderr, needle);
    let after = nested.snapshot(&["site/.lemma-cache"]);
    assert_eq!(after, before, "files changed outside the output");
}

#[test]
fn a_slug_with_dot_dot_is_an_error_at_its_line() {
    let article = md("title: X\ndate: 2024-01-01\nslug: ../../x", "X\n");
    let nested = Nested::new(&[("content/x.md", &article)]);
    assert_contained_failure(
        &nested,
        "content/x.md:4:1: error: the permalink `/archives/../../x/` cannot be published: `..` is not allowed",
    );
}

#[test]
fn an_alias_leaving_the_output_is_an_error_at_its_line() {
    let article = md(&format!("{FRONT_A}\naliases: [\"../../x.html\"]"), "A\n");
    let nested = Nested::new(&[("content/a.md", &article)]);
    assert_contained_failure(
        &nested,
        "content/a.md:5:11: error: alias `../../x.html` cannot be a page of the site",
    );
    // Percent-encoded dots are dots.
    let article = md(
        &format!("{FRONT_A}\naliases: [/%2e%2e/%2E%2E/x.html]"),
        "A\n",
    );
    let nested = Nested::new(&[("content/a.md", &article)]);
    assert_contained_failure(
        &nested,
        "content/a.md:5:11: error: alias `/%2e%2e/%2E%2E/x.html`",
    );
}

#[test]
fn an_alias_cannot_replace_the_home_page() {
    let article = md(&format!("{FRONT_A}\naliases: [/x/../index.html]"), "A\n");
    let b = Site::new().file("content/a.md", &article).build();
    b.assert_failure()
        .assert_stderr("content/a.md:5:11: error: alias `/x/../index.html`");
    assert!(!b.exists("index.html"));
    // Without `..`, an alias at the home page collides with it, and says so.
    let article = md(&format!("{FRONT_A}\naliases: [/index.html]"), "A\n");
    let b = Site::new().file("content/a.md", &article).build();
    b.assert_failure()
        .assert_stderr("alias `/index.html` collides with a page lemma generates");
}

#[test]
fn a_permalink_pattern_leaving_the_output_is_an_error_in_the_config() {
    let nested = Nested::new(&[(
        "lemma.yaml",
        &format!("{CONFIG}permalink: /../../x-{{id}}/\n"),
    )]);
    assert_contained_failure(
        &nested,
        "lemma.yaml:3:1: error: permalink `/../../x-{id}/`: `..` is not allowed",
    );
}

#[test]
fn question_marks_hashes_and_spaces_in_slugs_are_encoded_in_links() {
    let article = md(
        "title: Q\ndate: 2024-01-02\nid: 2\nslug: \"what? #1 now\"",
        "Q\n",
    );
    let b = Site::with_article("see [q](q.md)\n")
        .config(&format!("{CONFIG}permalink: /{{slug}}/\n"))
        .file("content/q.md", &article)
        .build();
    b.assert_success();
    // The file is where a server looks after decoding the URL.
    assert!(b.exists("what? #1 now/index.html"), "{:?}", b.paths());
    let encoded = "/what%3F%20%231%20now/";
    assert_contains!(b.read("a/index.html"), &format!("href=\"{encoded}\""));
    assert_contains!(b.read("index.html"), &format!("href=\"{encoded}\""));
    assert_contains!(
        b.read("sitemap.xml"),
        &format!("<loc>https://x.org{encoded}</loc>")
    );
    assert_contains!(b.read("atom.xml"), &format!("https://x.org{encoded}"));
}
