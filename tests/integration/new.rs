//! `lemma new` (the next free id, the pinyin slug, no overwriting) and `lemma init` (a site that
//! builds at once, refusal of a non-empty folder, `--force` that never overwrites).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::*;

/// `lemma new <args> --root <site>`; returns the run and the written file's text.
fn new_article(site: Site, args: &[&str]) -> (Build, String) {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    let b = site.run(&all);
    b.assert_success();
    let path = PathBuf::from(b.stdout.trim());
    assert!(path.starts_with(b.site.root()), "{}", b.stdout);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}: {path:?}"));
    (b, text)
}

/// The value of a top-level front matter key.
fn field<'a>(text: &'a str, key: &str) -> &'a str {
    let prefix = format!("{key}: ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no `{key}` in\n{text}"))
}

#[test]
fn new_takes_the_next_free_id_counting_drafts() {
    let site = Site::new()
        .file("content/2023/a.md", &md("title: A\nid: 3", "A\n"))
        .file(
            "content/2024/d.md",
            &md("title: D\nid: 9\ndraft: true", "D\n"),
        )
        .file("content/2024/b.md", &md("title: B", "B\n"));
    let (_, text) = new_article(site, &["新文章"]);
    assert_eq!(field(&text, "id"), "10");
    assert_eq!(field(&text, "draft"), "true");
}

#[test]
fn first_article_of_a_site_gets_id_1() {
    let (_, text) = new_article(Site::new(), &["第一篇"]);
    assert_eq!(field(&text, "id"), "1");
}

#[test]
fn new_writes_a_pinyin_slug_under_the_year_in_the_site_timezone() {
    let site = Site::new().config(&format!("{CONFIG}timezone: \"+05:30\"\n"));
    let (b, text) = new_article(site, &["生成扩散模型"]);
    let date = field(&text, "date");
    assert_eq!(date.len(), "2026-11-28 18:20:00+05:30".len(), "{date}");
    assert!(date.ends_with("+05:30"), "{date}");
    let path = b.stdout.trim();
    let expected = b
        .site
        .root()
        .join("content")
        .join(&date[..4])
        .join("sheng-cheng-kuo-san-mo-xing.md");
    assert_eq!(Path::new(path), expected);
    assert_eq!(field(&text, "title"), "\"生成扩散模型\"");
}

#[test]
fn new_with_series_category_and_slug() {
    let args = [
        "扩散模型（二）：DDIM",
        "--series",
        "扩散模型",
        "--category",
        "数学",
        "--category",
        "机器学习",
        "--slug",
        "ddim",
    ];
    let (b, text) = new_article(Site::new(), &args);
    assert!(b.stdout.trim().ends_with("/ddim.md"), "{}", b.stdout);
    assert_eq!(field(&text, "series"), "\"扩散模型\"");
    assert_eq!(field(&text, "categories"), "[\"数学\", \"机器学习\"]");
}

#[test]
fn title_without_pinyin_falls_back_to_the_id() {
    let (b, _) = new_article(Site::new(), &["？！"]);
    assert!(b.stdout.trim().ends_with("/1.md"), "{}", b.stdout);
}

#[test]
fn new_article_is_a_draft_that_builds() {
    let args = [
        "关于 \"引号\": 与 #号",
        "--series",
        "杂谈",
        "--category",
        "随笔",
    ];
    let (b, text) = new_article(Site::new(), &args);
    assert_eq!(field(&text, "title"), r#""关于 \"引号\": 与 #号""#);
    let site = b.into_site();
    let published = site.build();
    published.assert_success();
    assert!(
        !published.exists("archives/1/index.html"),
        "a draft is left out"
    );
    let drafts = published.into_site().build_with(&["--drafts"]);
    drafts.assert_success();
    assert_contains!(
        drafts.read("archives/1/index.html"),
        "关于 &quot;引号&quot;: 与 #号"
    );
}

#[test]
fn new_refuses_to_overwrite() {
    let (b, _) = new_article(Site::new(), &["重复", "--slug", "same"]);
    let path = PathBuf::from(b.stdout.trim());
    std::fs::write(&path, "mine").unwrap();
    let again = b.into_site().run(&["new", "另一篇", "--slug", "same"]);
    again.assert_failure();
    assert_contains!(again.stderr, "already exists");
    assert_contains!(again.stderr, "same.md");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
}

fn lemma(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lemma"))
        .args(args)
        .arg(dir)
        .output()
        .expect("run lemma")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `content/<year>/hello.md` that `init` wrote.
fn hello(dir: &Path) -> PathBuf {
    let years: Vec<_> = std::fs::read_dir(dir.join("content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(years.len(), 1, "{years:?}");
    years[0].join("hello.md")
}

#[test]
fn init_scaffolds_a_site_that_builds_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("blog");
    let out = lemma(&["init"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(dir.join("lemma.yaml").is_file());
    assert!(dir.join("templates/README.md").is_file());
    assert!(dir.join("static").is_dir());
    let article = std::fs::read_to_string(hello(&dir)).unwrap();
    assert_contains!(article, "<!--more-->");
    assert_contains!(article, "\\begin{equation}");
    let year = field(&article, "date")[..4].to_string();
    assert!(dir.join("content").join(year).join("hello.md").is_file());

    let build = lemma(&["build", "--root"], &dir);
    let stderr = text(&build.stderr);
    assert_eq!(build.status.code(), Some(0), "{stderr}");
    assert_contains!(stderr, "0 warning(s)");
    let page = std::fs::read_to_string(dir.join("public/archives/1/index.html")).unwrap();
    assert_contains!(page, "id=\"eq-gauss\"");
    assert_contains!(page, "class=\"katex");

    let check = lemma(&["check", "--root"], &dir);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert_contains!(text(&check.stderr), "check: 0 error(s), 0 warning(s)");
}

#[test]
fn init_config_explains_every_key() {
    let tmp = tempfile::tempdir().unwrap();
    let out = lemma(&["init"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = std::fs::read_to_string(tmp.path().join("lemma.yaml")).unwrap();
    let lines: Vec<&str> = yaml.lines().collect();
    let keys = [
        "title",
        "base_url",
        "language",
        "author",
        "permalink",
        "paginate",
        "feed_limit",
        "timezone",
        "ui",
        "math",
        "extra",
    ];
    for key in keys {
        let at = lines
            .iter()
            .position(|l| l.starts_with(&format!("{key}:")) || l.starts_with(&format!("# {key}:")))
            .unwrap_or_else(|| panic!("no `{key}` in\n{yaml}"));
        assert!(
            at > 0 && lines[at - 1].starts_with("# ") && lines[at - 1] != format!("# {key}:"),
            "`{key}` has no comment above it in\n{yaml}"
        );
    }
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = lemma(&["init"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_contains!(stderr, "not empty");
    assert_contains!(stderr, "notes.txt");
    assert_contains!(stderr, "--force");
    assert!(!tmp.path().join("lemma.yaml").exists());
}

#[test]
fn init_ignores_hidden_entries_like_git() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    let out = lemma(&["init"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(tmp.path().join("lemma.yaml").is_file());
}

#[test]
fn init_force_adds_files_but_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let own = "title: 我的\nbase_url: https://mine.example/\n";
    std::fs::write(dir.join("lemma.yaml"), own).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = lemma(&["init", "--force"], dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let skipped: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("skipped "))
        .collect();
    assert_eq!(skipped.len(), 1, "{stdout}");
    assert!(skipped[0].contains("lemma.yaml"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(dir.join("lemma.yaml")).unwrap(),
        own
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(hello(dir).is_file());
    assert_contains!(stdout, "created ");

    // A second --force run skips everything, including the article it wrote the first time.
    std::fs::write(hello(dir), "edited").unwrap();
    let again = lemma(&["init", "--force"], dir);
    assert_eq!(again.status.code(), Some(0));
    assert_not_contains!(text(&again.stdout), "created ");
    assert_eq!(std::fs::read_to_string(hello(dir)).unwrap(), "edited");
}
