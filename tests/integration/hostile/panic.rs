//! Hostile input: panic, and formulas lost without a word. One keystroke in an article must
//! give a page or a diagnostic, never a crash of `build`, `check` or `serve`.

use crate::serve::Server;
use crate::util::Site;

/// No run may end in a panic (exit code 101) or print one.
fn assert_no_panic(stderr: &str, code: Option<i32>) {
    assert!(matches!(code, Some(0 | 1)), "exit code {code:?}:\n{stderr}");
    assert_not_contains!(stderr, "panicked");
}

#[test]
fn backslash_before_a_multibyte_character_is_a_diagnostic_not_a_panic() {
    // `\，`: a full-width comma typed for `\,` in a Chinese input method.
    let b = Site::with_article("$a\\，b$ 与 $\\中$\n").build();
    assert_no_panic(&b.stderr, b.code);
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 2, "{}", b.stderr);
    assert_contains!(
        errors[0],
        "content/a.md:6:3: error: KaTeX: Undefined control sequence: \\，"
    );
    assert_contains!(
        errors[1],
        "content/a.md:6:11: error: KaTeX: Undefined control sequence: \\中"
    );
    let checked = b.into_site().run(&["check"]);
    assert_no_panic(&checked.stderr, checked.code);
    assert_eq!(checked.diagnostics("error").len(), 2, "{}", checked.stderr);
}

#[test]
fn serve_survives_a_backslash_before_a_multibyte_character() {
    let site = Site::with_article("$a\\，b$\n");
    let server = Server::start(site.root(), &[]);
    let page = server.get("/archives/1/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert_contains!(page.body, "Undefined control sequence");
    // Still serving after the page that used to kill it.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_line_of_ideographic_spaces_inside_an_admonition_is_no_panic() {
    let body = " !!! note \"注\"\n     first\n\u{3000}\n     second\n";
    let b = Site::with_article(body).build();
    assert_no_panic(&b.stderr, b.code);
    b.assert_success();
    assert_contains!(b.read("archives/1/index.html"), "first");
}

#[test]
fn multi_line_display_formula_with_an_unclosed_brace_is_an_error_at_the_brace() {
    // pulldown-cmark refuses `$$…$$` whose braces do not balance; it used to be published as
    // raw TeX without a word.
    let b = Site::with_article("Before.\n\n$$\nx = \\frac{1}{2\n+ y\n$$\n\nAfter.\n").build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert_contains!(
        errors[0],
        "content/a.md:9:13: error: this `{` is never closed"
    );
    assert_contains!(
        errors[0],
        "`$$…$$` formula around it (from line 8, column 1)"
    );
    assert_contains!(errors[0], "add the matching `}`");
}

#[test]
fn display_formula_with_a_stray_brace_in_a_blockquote_is_an_error_at_the_brace() {
    let b = Site::with_article("> $$\n> a}\n> + \\{b\n> $$\n").build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert_contains!(
        errors[0],
        "content/a.md:7:4: error: this `}` closes nothing"
    );
    assert_contains!(errors[0], "(from line 6, column 3)");
}
