//! The example archive as readers see it, in headless Chromium (tests/browser/readers.mjs):
//! on a phone, in the dark scheme, under axe-core's WCAG 2 A/AA rules and with the keyboard.
//! Plus the markup those checks rely on, on small fixture sites.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::util::*;

/// The example archive (`content/` of this repository), built once for all the checks here.
fn example_output() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let public = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readers-example");
        // Afresh: pages an older lemma wrote would be kept when their sources did not change.
        let _ = std::fs::remove_dir_all(&public);
        let output = Command::new(env!("CARGO_BIN_EXE_lemma"))
            .args(["build", "--no-cache", "--root", env!("CARGO_MANIFEST_DIR")])
            .arg("--output")
            .arg(&public)
            .output()
            .expect("run lemma build");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        public
    })
}

/// Runs `node readers.mjs <check>` over the example archive (skipped as [`browser`] says).
fn browser_check(check: &str) {
    let what = format!("the {check} browser check");
    let Some(browser) = browser(&what, &["playwright-core", "axe-core"]) else {
        return;
    };
    let args = [check.to_string(), example_output().display().to_string()];
    let stdout = run_browser_script(&browser, "readers.mjs", &args, "");
    let summary = stdout.lines().last().unwrap_or("");
    assert_contains!(summary, " 0 problem(s)");
    eprintln!("{summary}");
}

/// At 390 px no page is wider than the screen, and every equation number is on the screen
/// and clear of its formula (wide formulas scroll inside their own box).
#[test]
fn on_a_phone_no_page_is_wider_than_the_screen() {
    browser_check("phone");
}

/// With `prefers-color-scheme: dark`, text, links, formulas, code, tables and figures change
/// colour and keep WCAG AA contrast.
#[test]
fn the_dark_scheme_recolours_every_part_of_an_article() {
    browser_check("dark");
}

/// axe-core finds no WCAG 2 A/AA violation on any kind of page, in either scheme.
#[test]
fn axe_finds_no_wcag_violation_on_any_kind_of_page() {
    browser_check("axe");
}

/// Tab reaches every equation link, and the focus never lands inside an `aria-hidden` part.
#[test]
fn the_keyboard_reaches_every_equation_link() {
    browser_check("keys");
}

#[test]
fn task_list_boxes_are_symbols_not_unlabelled_form_controls() {
    let b = Site::with_article("- [x] done\n- [ ] open\n").build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_not_contains!(page, "type=\"checkbox\"");
    assert_contains!(
        page,
        "<li><span class=\"task-marker\">\u{2611}</span> done</li>"
    );
    assert_contains!(
        page,
        "<li><span class=\"task-marker\">\u{2610}</span> open</li>"
    );
}

/// What may scroll sideways (code, display formulas) takes the keyboard focus, so a reader
/// without a mouse can scroll it; an inline formula never scrolls and takes none.
#[test]
fn code_blocks_and_display_formulas_take_the_keyboard_focus() {
    let body = "```rust\nfn main() {}\n```\n\n```\nplain\n```\n\n$$x^2$$\n\nInline $y$.\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    // The two code blocks, and the citation's BibTeX entry.
    assert_eq!(page.matches("<pre ").count(), 3, "{page}");
    assert_contains!(page, "<pre class=\"citation-bibtex\" tabindex=\"0\">");
    assert_eq!(
        page.matches("<pre class=\"hl-code\" tabindex=\"0\">")
            .count(),
        1,
        "{page}"
    );
    assert_eq!(page.matches("<pre tabindex=\"0\">").count(), 1, "{page}");
    assert_eq!(page.matches("class=\"katex\"").count(), 2, "{page}");
    assert_contains!(
        page,
        "<span class=\"katex-display\"><span class=\"katex\" tabindex=\"0\">"
    );
    assert_eq!(page.matches("tabindex=").count(), 4, "{page}");
}
