//! Hostile input: the output folder (a mistyped `--output`, a folder lemma never wrote, a file,
//! a link) and failed builds, which must leave everything they did not write, and the published
//! site, exactly as they were.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::util::*;

/// A site at `<outer>/site`, so that what lies around it can be watched too.
pub(super) struct Nested {
    pub outer: tempfile::TempDir,
}

impl Nested {
    pub fn new(files: &[(&str, &str)]) -> Nested {
        let nested = Nested {
            outer: tempfile::tempdir().expect("temp dir"),
        };
        nested.write("lemma.yaml", CONFIG);
        nested.write("content/a.md", &md(FRONT_A, "Text $x^2$.\n"));
        nested.write(".git/HEAD", "ref: refs/heads/main\n");
        for (path, text) in files {
            nested.write(path, text);
        }
        nested
    }

    pub fn root(&self) -> PathBuf {
        self.outer.path().join("site")
    }

    pub fn write(&self, path: &str, text: &str) {
        let target = self.root().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }

    /// `lemma build --root <site> <args>`.
    pub fn build(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_lemma"))
            .arg("build")
            .arg("--root")
            .arg(self.root())
            .args(args)
            .output()
            .expect("run lemma")
    }

    /// Every file around and in the site, by path relative to the outer folder, links as
    /// `-> target`; `skip` (relative too) is left out.
    pub fn snapshot(&self, skip: &[&str]) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(self.outer.path(), self.outer.path(), skip, &mut files);
        files
    }
}

fn collect(base: &Path, dir: &Path, skip: &[&str], files: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.map(Result::unwrap) {
        let path = entry.path();
        let relative = path
            .strip_prefix(base)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if skip.contains(&relative.as_str()) {
            continue;
        }
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            let target = std::fs::read_link(&path).unwrap();
            files.insert(relative, format!("-> {}", target.display()).into_bytes());
        } else if kind.is_dir() {
            files.insert(format!("{relative}/"), Vec::new());
            collect(base, &path, skip, files);
        } else {
            files.insert(relative, std::fs::read(&path).unwrap());
        }
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the build was refused with `needle` in its message.
fn assert_refused(output: &Output, needle: &str) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(2), "expected a refusal:\n{text}");
    assert_contains!(text, needle);
}

#[test]
fn an_output_naming_the_site_or_its_sources_is_refused_and_nothing_is_touched() {
    let nested = Nested::new(&[("static/s.css", "s"), ("templates/README.md", "notes")]);
    std::os::unix::fs::symlink(nested.root().join("content"), nested.root().join("linked"))
        .unwrap();
    let before = nested.snapshot(&[]);
    let cases = [
        ("../site", "is the site's folder"),
        (".", "is the site's folder"),
        ("..", "holds the site's folder"),
        ("x/../content", "is the site's content"),
        ("public/../content", "is the site's content"),
        ("content/out", "is inside the site's content"),
        ("linked", "is the site's content"),
        (".git", "is the site's .git"),
        ("lemma.yaml", "is the site's lemma.yaml"),
        ("static", "is the site's static"),
        ("templates", "is the site's templates"),
        (".lemma-cache", "is the site's .lemma-cache"),
    ];
    for (output, why) in cases {
        let result = nested.build(&["--output", output]);
        assert_refused(&result, why);
        assert_eq!(
            nested.snapshot(&[]),
            before,
            "--output {output} changed files"
        );
    }
}

#[test]
fn a_folder_lemma_never_wrote_is_refused_not_emptied() {
    let nested = Nested::new(&[]);
    let theirs = nested.outer.path().join("thesis");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("chapter1.tex"), "十年的工作").unwrap();
    let before = nested.snapshot(&[]);
    let result = nested.build(&["--output", "../thesis"]);
    assert_refused(
        &result,
        "lemma did not write it (it has no .lemma-output file)",
    );
    assert_contains!(stderr(&result), "nothing in it was touched");
    assert_eq!(nested.snapshot(&[]), before);
    // An empty folder is fine, and once lemma wrote it, it is lemma's to replace.
    let empty = nested.outer.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    for _ in 0..2 {
        let result = nested.build(&["--output", "../empty"]);
        assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    }
    assert!(empty.join(".lemma-output").is_file());
    assert!(empty.join("archives/1/index.html").is_file());
}

#[test]
fn a_file_or_a_read_only_folder_is_refused() {
    let nested = Nested::new(&[]);
    nested.write("public", "a file where the output should be");
    let before = nested.snapshot(&[]);
    assert_refused(&nested.build(&[]), "it is a file, not a folder");
    assert_eq!(nested.snapshot(&[]), before);

    std::fs::remove_file(nested.root().join("public")).unwrap();
    let built = nested.build(&[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let public = nested.root().join("public");
    let mode = |bits| std::fs::Permissions::from_mode(bits);
    std::fs::set_permissions(&public, mode(0o555)).unwrap();
    let before = nested.snapshot(&[]);
    assert_refused(&nested.build(&[]), "the folder is read-only");
    assert_eq!(nested.snapshot(&[]), before);
    // The temporary folder must be removable afterwards.
    std::fs::set_permissions(&public, mode(0o755)).unwrap();
}

#[test]
fn a_linked_output_is_published_through_and_stays_a_link() {
    let nested = Nested::new(&[]);
    let target = nested.outer.path().join("www");
    std::fs::create_dir_all(&target).unwrap();
    std::os::unix::fs::symlink(&target, nested.root().join("public")).unwrap();
    for round in 0..2 {
        let result = nested.build(&[]);
        assert_eq!(
            result.status.code(),
            Some(0),
            "round {round}: {}",
            stderr(&result)
        );
        let link = std::fs::symlink_metadata(nested.root().join("public")).unwrap();
        assert!(link.file_type().is_symlink(), "the link was replaced");
        assert!(target.join("archives/1/index.html").is_file());
    }
    assert_no_leftovers(nested.outer.path());
    assert_no_leftovers(&nested.root());
}

/// No staging or retired folder is left beside an output.
fn assert_no_leftovers(dir: &Path) {
    let leftovers: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".lemma-staging") || name.contains(".lemma-retired"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

#[test]
fn an_interrupted_builds_staging_folder_is_cleaned_up() {
    let nested = Nested::new(&[]);
    // What a build killed before it could clean up leaves.
    let stale = nested.root().join(".public.lemma-staging-999999");
    std::fs::create_dir_all(stale.join("archives")).unwrap();
    std::fs::write(stale.join("archives/x.html"), "half a site").unwrap();
    let result = nested.build(&[]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(!stale.exists());
    assert_no_leftovers(&nested.root());
}

#[test]
fn two_builds_into_one_output_take_turns() {
    let nested = Nested::new(&[]);
    // Another build holds the lock on the folder the output sits in.
    let held = std::fs::File::open(nested.root()).unwrap();
    held.lock().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lemma"))
        .arg("build")
        .arg("--root")
        .arg(nested.root())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert_contains!(first, "waiting for another lemma build");
    assert!(!nested.root().join("public").exists(), "wrote while locked");
    held.unlock().unwrap();
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(child.wait().unwrap().success(), "{rest:?}");
    assert!(nested.root().join("public/archives/1/index.html").is_file());
}

/// A site built twice, so that its unchanged pages are hard links in the next staging folder.
fn published(extra: &[(&str, &str)]) -> Build {
    let mut site = Site::new()
        .file(
            "content/a.md",
            &md(&format!("{FRONT_A}\ntags: [t1]"), "A\n"),
        )
        .file(
            "content/b.md",
            &md("title: B\ndate: 2024-01-02\nid: 2", "B\n"),
        );
    for (path, text) in extra {
        site = site.file(path, text);
    }
    let first = site.build();
    first.assert_success();
    let second = first.into_site().build();
    second.assert_success();
    second
}

/// Builds `site` with `change`, expects a failure with `needle`, and asserts the published
/// files are byte for byte those of before.
fn assert_failed_build_leaves_public(before: Build, change: (&str, &str), needle: &str) {
    let files = before.files();
    let after = before.into_site().file(change.0, change.1).build();
    after
        .assert_failure()
        .assert_stderr(needle)
        .assert_stderr("left unchanged");
    assert_eq!(after.files(), files, "public/ changed after a failed build");
}

#[test]
fn a_static_file_colliding_with_a_page_leaves_public_unchanged() {
    assert_failed_build_leaves_public(
        published(&[]),
        ("static/404.html", "mine"),
        "static/404.html: error: static/404.html collides with a page lemma generates",
    );
    assert_failed_build_leaves_public(
        published(&[]),
        ("content/atom.xml", "<feed/>"),
        "content/atom.xml collides with a page lemma generates",
    );
}

#[test]
fn two_tags_with_one_url_are_reported_at_both_lines_and_leave_public_unchanged() {
    let spaced = md("title: C\ndate: 2024-01-03\nid: 3\ntags: [x, a b]", "C\n");
    let dashed = md("title: D\ndate: 2024-01-04\nid: 4\ntags: [a-b]", "D\n");
    let before = published(&[("content/c.md", &spaced)]);
    let files = before.files();
    let after = before.into_site().file("content/d.md", &dashed).build();
    after.assert_failure();
    assert_eq!(after.files(), files);
    let errors = after.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", after.stderr);
    assert_contains!(
        errors[0],
        "content/d.md:5:8: error: tag `a-b` collides with tag `a b` in content/c.md:5: both would be written to /tags/a-b/index.html"
    );
}

#[test]
fn c_plus_plus_and_c_sharp_get_pages_of_their_own() {
    let c_sharp = md("title: C\ndate: 2024-01-03\nid: 3\ntags: [C#]", "C\n");
    let c_plus = md("title: D\ndate: 2024-01-04\nid: 4\ntags: [C++, c++]", "D\n");
    let b = published(&[("content/c.md", &c_sharp), ("content/d.md", &c_plus)]);
    assert_contains!(b.read("tags/c-sharp/index.html"), "C#");
    assert_contains!(b.read("tags/c-plus-plus/index.html"), "C++");
}

#[test]
fn an_alias_through_dot_dot_is_refused_and_leaves_public_unchanged() {
    let a = md(
        &format!("{FRONT_A}\ntags: [t1]\naliases: [/y/../tags/t1/]"),
        "A\n",
    );
    assert_failed_build_leaves_public(
        published(&[]),
        ("content/a.md", &a),
        "content/a.md:6:11: error: alias `/y/../tags/t1/` cannot be a page of the site: `..` is not allowed",
    );
}
