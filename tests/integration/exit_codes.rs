//! The exit code and the `error:` line of each way a command stops early: 1 when what it was
//! given is refused, 2 when a folder, the disk or the network fails it. Pinned so that moving
//! where these are decided changes neither.

use std::path::Path;
use std::process::Command;

use crate::util::*;

/// `lemma <args>` with nothing added; its exit code and stderr.
fn lemma(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_lemma"))
        .args(args)
        .output()
        .expect("run lemma");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn init_over_a_file_is_refused_with_1() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("blog");
    std::fs::write(&file, "mine").unwrap();
    let (code, stderr) = lemma(&["init", &shown(&file)]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!("error: {} exists and is not a folder\n", file.display())
    );
}

#[test]
fn init_that_cannot_write_fails_with_2() {
    let tmp = tempfile::tempdir().unwrap();
    // `static` is a folder of the scaffold; a file there cannot become one.
    std::fs::write(tmp.path().join("static"), "mine").unwrap();
    let (code, stderr) = lemma(&["init", "--force", &shown(tmp.path())]);
    assert_eq!(code, Some(2), "{stderr}");
    let target = tmp.path().join("static");
    assert_contains!(
        stderr,
        format!("error: cannot write {}: ", target.display())
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn new_with_a_bad_slug_fails_with_2() {
    let site = Site::new().run(&["new", "标题", "--slug", "a/b"]);
    assert_eq!(site.code, Some(2), "{}", site.stderr);
    assert_eq!(
        site.stderr,
        "error: --slug `a/b` cannot be a file name: it must be non-empty, without `/`, and not start with `.`\n"
    );
}

#[test]
fn new_over_an_existing_article_is_refused_with_1() {
    let first = Site::new().run(&["new", "标题", "--slug", "same"]);
    first.assert_success();
    let written = first.stdout.trim().to_string();
    let again = first.site.run(&["new", "别的", "--slug", "same"]);
    assert_eq!(again.code, Some(1), "{}", again.stderr);
    assert_eq!(
        again.stderr,
        format!(
            "error: {written} already exists; not overwriting it (give another title or --slug)\n"
        )
    );
}

#[test]
fn new_that_cannot_lock_fails_with_2() {
    let site = Site::new().file(".lemma-cache", "not a folder");
    let lock = site.root().join(".lemma-cache").join("new.lock");
    let run = site.run(&["new", "标题"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_contains!(
        run.stderr,
        format!("error: cannot lock {}: ", lock.display())
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn new_and_build_with_a_bad_config_report_it_with_1() {
    for command in ["new", "build"] {
        let mut args = vec![command];
        if command == "new" {
            args.push("标题");
        }
        let run = Site::new().config("title: [\n").run(&args);
        assert_eq!(run.code, Some(1), "{command}: {}", run.stderr);
        assert_contains!(run.stderr, "lemma.yaml:");
    }
}

#[test]
fn build_into_a_file_fails_with_2() {
    let site = Site::with_article("x\n").file("public", "a file");
    let out = site.root().join("public");
    let run = site.build();
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "error: refusing to replace {}: it is a file, not a folder; remove it or pass another --output\n",
            out.display()
        )
    );
}

#[test]
fn serve_without_its_folder_fails_with_2() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing");
    let (code, stderr) = lemma(&["serve", "--root", &shown(&missing)]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_contains!(stderr, format!("error: {}: ", missing.display()));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn serve_that_cannot_listen_fails_with_2() {
    let site = Site::with_article("x\n");
    // An address from TEST-NET-1 (RFC 5737): no interface of this machine has it.
    let (code, stderr) = lemma(&[
        "serve",
        "--bind",
        "192.0.2.1",
        "--port",
        "4000",
        "--root",
        &shown(site.root()),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_contains!(stderr, "error: cannot listen on 192.0.2.1:4000: ");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
