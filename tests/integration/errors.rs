//! Diagnostics: `path:line:col: error: message` on stderr, exit code 1, all problems at once.

use crate::util::*;

#[test]
fn malformed_front_matter_reports_the_file_line() {
    let text = "---\ntitle: A\ndate: 2024-01-01\nid: 1\ntags: {a: [}\n---\nbody\n";
    let b = Site::new().file("content/a.md", text).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(errors[0].starts_with("content/a.md:5:"), "{}", b.stderr);
    assert_contains!(errors[0], ": error: YAML");
    assert!(!b.out().exists(), "no output on error");
}

#[test]
fn wrong_type_in_front_matter_reports_its_line() {
    let b = Site::new()
        .file(
            "content/a.md",
            "---\ntitle: A\ndate: 2024-01-01\nid: abc\n---\nbody\n",
        )
        .build();
    b.assert_failure();
    assert!(
        b.diagnostics("error")
            .iter()
            .any(|e| e.starts_with("content/a.md:4:")),
        "{}",
        b.stderr
    );
}

#[test]
fn unknown_config_key_is_an_error_with_its_line() {
    let b = Site::new()
        .config("title: T\nbase_url: https://x.org/\npaginte: 3\n")
        .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("lemma.yaml:3:1: error: "),
        "{}",
        b.stderr
    );
    assert_contains!(errors[0], "paginte");
}

#[test]
fn unknown_front_matter_key_is_a_warning() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nmathjx: true\nid: 1", "ok\n"),
        )
        .build();
    b.assert_success();
    let warnings = b.diagnostics("warning");
    assert_eq!(warnings.len(), 1, "{}", b.stderr);
    assert!(
        warnings[0].starts_with("content/a.md:4:1: warning: "),
        "{}",
        b.stderr
    );
    assert_contains!(warnings[0], "mathjx");
    assert_contains!(b.read("archives/1/index.html"), "<p>ok</p>");
}

#[test]
fn katex_error_points_at_the_formula() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md(
                "title: A\ndate: 2024-01-01\nid: 1",
                "ok\n\n公式 $\\frac{1}$ 与 $\\xyz$\n",
            ),
        )
        .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 2, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/a.md:8:4: error: KaTeX:"),
        "{}",
        b.stderr
    );
    assert!(
        errors[1].starts_with("content/a.md:8:18: error: KaTeX: Undefined control sequence"),
        "{}",
        b.stderr
    );
}

#[test]
fn unbalanced_formula_is_an_error_at_its_brace() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md(
                "title: A\ndate: 2024-01-01\nid: 1",
                "ok\n\n由 $\\frac{1}{$ 可得\n",
            ),
        )
        .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(errors[0].starts_with("content/a.md:8:12:"), "{}", b.stderr);
    assert_contains!(errors[0], "this `{` is never closed");
}

#[test]
fn errors_of_several_files_are_reported_in_one_run() {
    let b = Site::new()
        .file("content/a.md", "---\ntitle: A\nid: [1\n---\nx\n")
        .file(
            "content/b.md",
            &md("title: B\ndate: 2024-01-01\nid: 2", "fine\n"),
        )
        .file(
            "content/c.md",
            &md("title: C\ndate: 2024-01-01\nid: 3", "x\n\n$\\xyz$\n"),
        )
        .file(
            "content/d.md",
            &md("title: D\ndate: 2024-01-01\nid: 4", "[x](nope.md)\n"),
        )
        .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    let files: Vec<&str> = errors
        .iter()
        .map(|e| e.split(':').next().unwrap())
        .collect();
    assert_eq!(
        files,
        ["content/a.md", "content/c.md", "content/d.md"],
        "{}",
        b.stderr
    );
    assert!(
        errors[1].starts_with("content/c.md:8:2: error: KaTeX"),
        "{}",
        b.stderr
    );
    assert!(
        errors[2].starts_with("content/d.md:6:1: error: "),
        "{}",
        b.stderr
    );
    assert_contains!(b.stderr, "3 error(s)");
}

#[test]
fn duplicate_permalink_is_an_error_at_the_id() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nid: 5", "a\n"),
        )
        .file(
            "content/b.md",
            &md("title: B\ndate: 2024-01-02\nid: 5", "b\n"),
        )
        .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/b.md:4:1: error: "),
        "{}",
        b.stderr
    );
    assert_contains!(errors[0], "content/a.md:4");
}

/// A file name and a line of an article can hold terminal escape sequences and bidirectional
/// overrides: the report shows them as visible characters, never sends them to the terminal.
#[test]
fn control_characters_in_names_and_lines_are_shown_not_sent() {
    let build = Site::new()
        .config("title: T\nbase_url: https://x.org/\n")
        .file(
            "content/evil\u{1b}[2J.md",
            &md(
                "title: E\ndate: 2024-01-01\nid: 1",
                "Text \u{1b}]0;pwned\u{7} and \u{202e}[gone](missing.md) and $\\frac{1}{$.\n",
            ),
        )
        .build();
    build.assert_failure();
    let hidden = |c: char| (c.is_control() && c != '\n') || c == '\u{202e}';
    assert!(!build.stderr.contains(hidden), "{:?}", build.stderr);
    assert_contains!(build.stderr, "content/evil␛[2J.md:");
    // Control characters in the text were already read as spaces; the override is shown.
    assert_contains!(build.stderr, "6 | Text  ]0;pwned  and �[gone](missing.md)");
    let check = build.into_site().run(&["check"]);
    assert!(!check.stderr.contains(hidden), "{:?}", check.stderr);
    assert!(!check.stdout.contains(hidden), "{:?}", check.stdout);
}
