//! `lemma build`'s progress: a bar on a terminal (a pseudo-terminal made by util-linux's
//! `script`), a few plain lines through a pipe, nothing with `--quiet`. The one-second delay
//! before progress shows is set to zero (`LEMMA_PROGRESS_AFTER_MS`), so the tests assert on
//! content, never on time.

use std::path::Path;
use std::process::Command;

use crate::util::*;

/// An article with `n` different formulas.
fn site_with_formulas(n: usize) -> Site {
    let body: String = (0..n).map(|i| format!("$x_{{{i}}}$ ")).collect();
    Site::with_article(&format!("{body}\n"))
}

/// `lemma build --root <root> <args>` with its stderr on a pseudo-terminal: what the terminal
/// received, or `None` (after saying why) without util-linux's `script`.
fn build_on_a_terminal(root: &Path, args: &[&str]) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        let reason = "util-linux `script` is missing (apt-get install bsdutils)";
        if std::env::var_os("CI").is_some() {
            panic!("progress test cannot run in CI: {reason}");
        }
        eprintln!("skipping the terminal test: {reason}");
        return None;
    }
    let command = format!(
        "'{}' build --root '{}' {}",
        env!("CARGO_BIN_EXE_lemma"),
        root.display(),
        args.join(" ")
    );
    let output = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("LEMMA_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("run script");
    let terminal = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{terminal}");
    Some(terminal)
}

#[test]
fn a_terminal_gets_a_progress_bar_with_stages_and_counts() {
    let site = site_with_formulas(12);
    let Some(terminal) = build_on_a_terminal(site.root(), &[]) else {
        return;
    };
    assert_contains!(terminal, "formulas [");
    assert_contains!(terminal, "/12, about ");
    assert_contains!(terminal, "articles [");
    // Drawn in place with escape codes, and cleared before the summary.
    assert_contains!(terminal, "\u{1b}[");
    assert_contains!(terminal, "built 1 articles");
}

#[test]
fn quiet_silences_the_bar_and_the_summary() {
    let site = site_with_formulas(12);
    let Some(terminal) = build_on_a_terminal(site.root(), &["--quiet"]) else {
        return;
    };
    assert_eq!(terminal.trim(), "", "{terminal:?}");
    assert!(site.root().join("public/archives/1/index.html").is_file());
}

/// `lemma build --root <root>` through a pipe, progress shown after `after_ms`: its stderr.
fn build_piped(root: &Path, after_ms: u64) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_lemma"))
        .args(["build", "--root"])
        .arg(root)
        .env("LEMMA_PROGRESS_AFTER_MS", after_ms.to_string())
        .output()
        .expect("run lemma");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

#[test]
fn a_pipe_gets_a_few_plain_lines() {
    let site = site_with_formulas(40);
    let stderr = build_piped(site.root(), 0);
    assert_not_contains!(stderr, "\u{1b}[");
    assert_in_order(
        &stderr,
        &[
            "loading…",
            "articles: 1 to do…",
            "formulas: 40 to do…",
            "formulas: 10 / 40, about ",
            "formulas: 20 / 40, about ",
            "formulas: 30 / 40, about ",
            "writing…",
            // One part: a small site's index.
            "search index: 1 to do…",
            "built 1 articles",
        ],
    );
    // A few lines, not one per formula.
    assert!(stderr.lines().count() <= 10, "{stderr}");
}

/// Before the delay is over nothing but the summary is printed (the delay is an hour here).
#[test]
fn a_quick_build_prints_no_progress() {
    let site = site_with_formulas(3);
    let stderr = build_piped(site.root(), 3_600_000);
    assert_not_contains!(stderr, "to do…");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
