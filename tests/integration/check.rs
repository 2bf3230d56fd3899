//! `lemma check`: one small broken site per kind of problem, each asserting the exact
//! `path:line:col` of the report, plus the JSON format, the external-link list and exit codes.

use crate::util::*;

/// An article with title, date and `id`; its body starts on line 6.
fn article(id: u64, body: &str) -> String {
    md(
        &format!("title: T{id}\ndate: 2024-01-0{id}\nid: {id}"),
        body,
    )
}

fn check(site: Site) -> Build {
    site.run(&["check"])
}

/// The one diagnostic of `kind` in the report, which must start with `prefix`.
fn only<'a>(b: &'a Build, kind: &str, prefix: &str) -> &'a str {
    let found = b.diagnostics(kind);
    assert_eq!(found.len(), 1, "expected one {kind}:\n{}", b.stderr);
    assert!(
        found[0].starts_with(prefix),
        "expected {prefix:?}, got:\n{}",
        b.stderr
    );
    found[0]
}

#[test]
fn missing_article_link() {
    let site = Site::new().file("content/a.md", &article(1, "见[x](nope.md)\n"));
    let b = check(site);
    b.assert_failure();
    let error = only(&b, "error", "content/a.md:6:2: error: ");
    assert_contains!(error, "nope.md");
}

#[test]
fn missing_anchor() {
    let site = Site::new()
        .file("content/a.md", &article(1, "见[x](b.md#不存在)\n"))
        .file("content/b.md", &article(2, "## 小结\n"));
    let b = check(site);
    b.assert_failure();
    let error = only(&b, "error", "content/a.md:6:2: error: ");
    assert_contains!(error, "#不存在");
}

#[test]
fn missing_image() {
    let site = Site::new().file(
        "content/a.md",
        &article(1, "文字 ![图](/images/none.png) 文字\n"),
    );
    let b = check(site);
    b.assert_failure();
    let error = only(&b, "error", "content/a.md:6:4: error: ");
    assert_contains!(error, "/images/none.png");
}

#[test]
fn missing_static_file_but_not_an_existing_one() {
    let site = Site::new().file("static/files/ok.pdf", "pdf").file(
        "content/a.md",
        &article(1, "[有](/files/ok.pdf)\n\n[无](/files/gone.pdf)\n"),
    );
    let b = check(site);
    b.assert_failure();
    let error = only(&b, "error", "content/a.md:8:1: error: ");
    assert_contains!(error, "/files/gone.pdf");
}

#[test]
fn duplicate_permalink_is_reported_once() {
    // With the default `/archives/{id}/` the duplicate id is a permalink collision; it must not
    // be reported a second time as a duplicate id.
    let site = Site::new().file("content/a.md", &article(1, "A\n")).file(
        "content/b.md",
        &md("title: B\ndate: 2024-01-02\nid: 1", "B\n"),
    );
    let b = check(site);
    b.assert_failure();
    let error = only(&b, "error", "content/b.md:4:1: error: ");
    assert_contains!(
        error,
        "permalink /archives/1/ is already used by content/a.md:4"
    );
}

#[test]
fn duplicate_id_when_the_permalink_does_not_use_it() {
    let site = Site::new()
        .config(&format!("{CONFIG}permalink: /{{slug}}/\n"))
        .file("content/a.md", &article(7, "A\n"))
        .file(
            "content/b.md",
            &md("title: B\ndate: 2024-01-02\nid: 7", "B\n"),
        );
    let b = check(site);
    b.assert_failure();
    let error = only(&b, "error", "content/b.md:4:5: error: ");
    assert_contains!(error, "id 7 is already used by content/a.md:4");
}

#[test]
fn front_matter_problem() {
    let site = Site::new().file("content/a.md", &md("title: A\ndate: 2024-13-45", "A\n"));
    let b = check(site);
    b.assert_failure();
    let error = only(&b, "error", "content/a.md:3:7: error: ");
    assert_contains!(error, "2024-13-45");
}

#[test]
fn bad_config_is_reported_at_its_line() {
    let site = Site::new().config(&format!("{CONFIG}paginte: 5\n"));
    let b = check(site);
    b.assert_failure();
    let error = only(&b, "error", "lemma.yaml:3:");
    assert_contains!(error, "paginte");
}

#[test]
fn math_error() {
    let site = Site::new().file("content/a.md", &article(1, "公式 $x + \\E$ 不对\n"));
    let b = check(site);
    b.assert_failure();
    // Column 9 is the `\E` itself, counted in characters after the CJK text.
    let error = only(&b, "error", "content/a.md:6:9: error: ");
    assert_contains!(error, "Undefined control sequence: \\E");
}

#[test]
fn cjk_dollar_pitfall_is_a_warning_and_exits_0() {
    let site = Site::new().file("content/a.md", &article(1, "这本书$5，那本$10。\n"));
    let b = check(site);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    let warning = only(&b, "warning", "content/a.md:6:6: warning: ");
    assert_contains!(warning, "\\$");
    assert_contains!(b.stderr, "check: 0 error(s), 1 warning(s)");
}

/// Article 2 asks for `alias` on line 6, column 5.
fn site_with_alias(alias: &str) -> Site {
    let b = md(
        &format!("title: B\ndate: 2024-01-02\nid: 2\naliases:\n  - {alias}"),
        "B\n",
    );
    Site::new()
        .file("content/a.md", &article(1, "A\n"))
        .file("content/b.md", &b)
}

#[test]
fn alias_colliding_with_an_article_is_an_error_at_the_alias() {
    let b = check(site_with_alias("/archives/1/"));
    b.assert_failure();
    let error = only(&b, "error", "content/b.md:6:5: error: ");
    assert_contains!(
        error,
        "alias `/archives/1/` collides with the article content/a.md"
    );
    // `build` runs the same pipeline and reports the same line.
    let build = b.into_site().build();
    build.assert_failure();
    only(&build, "error", "content/b.md:6:5: error: ");
}

#[test]
fn alias_colliding_with_a_generated_page() {
    let b = check(site_with_alias("/archives/"));
    b.assert_failure();
    let error = only(&b, "error", "content/b.md:6:5: error: ");
    assert_contains!(error, "a page lemma generates");
}

#[test]
fn alias_used_twice() {
    let a = md("title: A\ndate: 2024-01-01\nid: 1\naliases: [/old/]", "A\n");
    let site = site_with_alias("/old/").file("content/a.md", &a);
    let b = check(site);
    b.assert_failure();
    let error = only(&b, "error", "content/b.md:6:5: error: ");
    assert_contains!(error, "already an alias in content/a.md:5");
}

#[test]
fn external_links_are_listed_not_fetched() {
    // `.invalid` never resolves: fetching would fail the check or hang it.
    let body = "见 [论文](https://arxiv.invalid/abs/1) 与 <http://katex.invalid/>。\n\n\
                [信](mailto:a@b.invalid) ![图](https://img.invalid/a.png)\n";
    let b = check(Site::new().file("content/a.md", &article(1, body)));
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert_eq!(
        b.stdout,
        "external links (not checked):\n\
         \x20 content/a.md:6:3: https://arxiv.invalid/abs/1\n\
         \x20 content/a.md:6:39: http://katex.invalid/\n\
         \x20 content/a.md:8:25: https://img.invalid/a.png\n"
    );
    assert_contains!(b.stderr, "3 external link(s) not checked");
}

#[test]
fn json_report() {
    let body = "[x](nope.md) 和 [y](https://x.invalid/)\n\n这本书$5，那本$10。\n";
    let b = Site::new()
        .file("content/a.md", &article(1, body))
        .run(&["check", "--format", "json"]);
    b.assert_failure();
    let report: serde_json::Value =
        serde_json::from_str(&b.stdout).unwrap_or_else(|e| panic!("{e}: not JSON:\n{}", b.stdout));
    assert_eq!(report["errors"], 1, "{report:#}");
    assert_eq!(report["warnings"], 1, "{report:#}");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 2, "{report:#}");
    let error = &diagnostics[0];
    assert_eq!(error["severity"], "error");
    assert_eq!(error["path"], "content/a.md");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(6), Some(1))
    );
    assert!(error["message"].as_str().unwrap().contains("nope.md"));
    assert_eq!(diagnostics[1]["severity"], "warning");
    assert_eq!(diagnostics[1]["line"], 8);
    let links = report["external_links"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{report:#}");
    assert_eq!(links[0]["url"], "https://x.invalid/");
    assert_eq!(links[0]["path"], "content/a.md");
    assert_eq!(
        (links[0]["line"].as_u64(), links[0]["column"].as_u64()),
        (Some(6), Some(16))
    );
    assert_eq!(b.stderr, "", "JSON mode prints nothing else");
}

#[test]
fn a_clean_site_checks_clean_and_writes_nothing() {
    let b = check(Site::new().file("content/a.md", &article(1, "$x^2$\n")));
    b.assert_success();
    assert_eq!(
        b.diagnostics("error").len() + b.diagnostics("warning").len(),
        0
    );
    assert_eq!(b.stdout, "");
    assert!(!b.site.root().join("public").exists());
}

#[test]
fn drafts_are_checked_with_drafts() {
    let draft = md(
        "title: D\ndate: 2024-01-02\nid: 2\ndraft: true",
        "[x](nope.md)\n",
    );
    let site = Site::new()
        .file("content/a.md", &article(1, "A\n"))
        .file("content/d.md", &draft);
    let b = check(site);
    b.assert_success();
    let b = b.into_site().run(&["check", "--drafts"]);
    b.assert_failure();
    only(&b, "error", "content/d.md:7:1: error: ");
}
