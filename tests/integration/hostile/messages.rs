//! Hostile input: messages. Silent or unclear outcomes become clear words at a file and line,
//! and characters XML forbids never reach the feed or the sitemap.

use crate::util::*;

/// Parses `text` as XML, panicking with the parser's complaint when it is ill-formed.
fn assert_well_formed(name: &str, text: &str) {
    if let Err(e) = roxmltree::Document::parse(text) {
        panic!("{name} is not well-formed XML: {e}\n-----\n{text}\n-----");
    }
}

/// Control characters as an author pastes them from a PDF (a raw form feed) and as YAML
/// escapes write them (`\f`, `\u0001`), in the title, a tag, a summary, the body and alt text.
#[test]
fn control_characters_never_reach_the_feed_or_the_sitemap() {
    let raw = md(
        "title: Page\x0cbreak\ndate: 2024-01-01\nid: 1\ntags: [lin\x0calg, ok]\nsummary: A\x0csummary.",
        "Body\x0ctext and ![alt\x0ctext](https://e.org/x.png).\n\nSecond \x01 paragraph \x1b[31m.\n",
    );
    let escaped = md(
        "title: \"Escaped\\fTitle\"\ndate: 2024-01-02\nid: 2\ntags: [\"esc\\u0001aped\"]\ncategories: \"c\\fd\"",
        "Fine.\n",
    );
    let b = Site::new()
        .file("content/raw.md", &raw)
        .file("content/escaped.md", &escaped)
        .build();
    b.assert_success();
    // Pagefind's index files are binary, whatever bytes they happen to hold.
    for (path, text) in b
        .texts()
        .into_iter()
        .filter(|(p, _)| !p.starts_with("pagefind/"))
    {
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        assert!(bad.is_empty(), "{path} holds {bad:?}");
    }
    assert_well_formed("atom.xml", &b.read("atom.xml"));
    assert_well_formed("sitemap.xml", &b.read("sitemap.xml"));
    assert_contains!(b.read("atom.xml"), "Page break");
    // One warning per line that held one, naming the character and its place.
    let warnings = b.diagnostics("warning");
    for place in [
        "content/raw.md:2:12: warning: U+000C FORM FEED",
        "content/raw.md:5:11: warning: U+000C FORM FEED",
        "content/raw.md:6:11: warning: U+000C FORM FEED",
        "content/raw.md:8:5: warning: U+000C FORM FEED",
        "content/raw.md:10:8: warning: U+0001 START OF HEADING, U+001B ESCAPE",
        "content/escaped.md:2:8: warning: U+000C FORM FEED in `title`",
        "content/escaped.md:5:8: warning: U+0001 START OF HEADING in `tags`",
        "content/escaped.md:6:13: warning: U+000C FORM FEED in `categories`",
    ] {
        assert!(
            warnings.iter().any(|w| w.starts_with(place)),
            "no warning {place:?} in\n{}",
            b.stderr
        );
    }
    assert_eq!(warnings.len(), 8, "{}", b.stderr);
}

/// What no source file holds, a YAML escape in `lemma.yaml` or a template, is removed from
/// XML output as a last line of defence.
#[test]
fn the_feed_stays_well_formed_whatever_the_config_and_templates_hold() {
    let b = Site::with_article("x\n")
        .config("title: \"Site\\fTitle\"\nbase_url: https://x.org/\n")
        .file(
            "templates/sitemap.xml",
            "<?xml version=\"1.0\"?>\n<urlset>\x0c{% for e in entries %}<url><loc>{{ e.loc }}</loc></url>{% endfor %}</urlset>\n",
        )
        .build();
    b.assert_success();
    assert_well_formed("atom.xml", &b.read("atom.xml"));
    assert_well_formed("sitemap.xml", &b.read("sitemap.xml"));
    assert_contains!(b.read("atom.xml"), "SiteTitle");
}

/// A control character cannot reach a URL at all: in a permalink pattern it is an error.
#[test]
fn a_control_character_in_the_permalink_pattern_is_an_error_at_its_line() {
    let b = Site::with_article("x\n")
        .config("title: T\nbase_url: https://x.org/\npermalink: \"/a\\u0001/{id}/\"\n")
        .build();
    b.assert_failure().assert_stderr(
        // The character itself is shown as its control picture, never sent to the terminal.
        "lemma.yaml:3:1: error: permalink `/a␁/{id}/`: the control character U+0001 cannot be part of a URL",
    );
}

/// A "billion laughs" alias bomb and absurd nesting are refused in plain words at their line,
/// in front matter and in `lemma.yaml` alike; no Rust debug text (`Nodes { nodes: … }`).
#[test]
fn yaml_limits_are_reported_in_plain_words() {
    let mut bomb = String::from("title: B\nextra:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("\n  a{i}: &a{i} [{refs}]"));
    }
    let deep = format!("title: D\nextra: {}{}", "[".repeat(3000), "]".repeat(3000));
    let b = Site::new()
        .file("content/bomb.md", &md(&bomb, "x\n"))
        .file("content/deep.md", &md(&deep, "x\n"))
        .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 2, "{}", b.stderr);
    assert_not_contains!(b.stderr, "{ ");
    assert_not_contains!(b.stderr, "budget");
    assert_contains!(b.stderr, "content/bomb.md:");
    assert_contains!(b.stderr, "aliases");
    assert_contains!(b.stderr, "content/deep.md:3:");
    assert_contains!(b.stderr, "nested");
    let nested_config = format!("{CONFIG}extra:\n");
    let nested_config = (0..100).fold(nested_config, |yaml, depth| {
        format!("{yaml}{}k{depth}:\n", "  ".repeat(depth + 1))
    });
    let b = Site::new().config(&nested_config).build();
    b.assert_failure();
    assert_not_contains!(b.stderr, "{ ");
    assert_contains!(b.stderr, "lemma.yaml:");
    assert_contains!(b.stderr, "nested more than");
}

/// Values of the wrong kind are named by their key and told in words, never as advice to a
/// Rust programmer (`use Option<String>`, `set DuplicateKeyPolicy`, `invalid u64`).
#[test]
fn wrong_kinds_of_values_are_told_in_words_at_their_key() {
    let cases = [
        (
            "aliases: [~]",
            "content/a.md:4:11: error: `aliases` ",
            "null",
        ),
        (
            "aliases: /old/",
            "content/a.md:4:10: error: `aliases` ",
            "a list",
        ),
        (
            "id: abc",
            "content/a.md:4:5: error: `id` ",
            "a whole number",
        ),
        ("title: Again", "content/a.md:4:1: error: `title` ", "twice"),
        (
            "series: [x]",
            "content/a.md:4:9: error: `series` ",
            "a string",
        ),
    ];
    for (line, place, words) in cases {
        let front = format!("title: A\ndate: 2024-01-01\n{line}");
        let b = Site::new().file("content/a.md", &md(&front, "x\n")).build();
        b.assert_failure();
        let errors = b.diagnostics("error");
        assert_eq!(errors.len(), 1, "{}", b.stderr);
        assert!(errors[0].starts_with(place), "{line}: {}", b.stderr);
        assert_contains!(errors[0], words);
        for rust in ["Option<", "Policy", "u64", "scalar", "sequence start"] {
            assert_not_contains!(errors[0], rust);
        }
    }
}

/// `date: 2024-02-30` is one error saying why, not also a warning that there is no date.
#[test]
fn an_impossible_date_is_one_error_without_a_no_date_warning() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-02-30\nid: 1", "x\n"),
        )
        .build();
    b.assert_failure();
    assert_eq!(b.diagnostics("warning"), Vec::<&str>::new(), "{}", b.stderr);
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert_contains!(errors[0], "content/a.md:3:7: error:");
    assert_contains!(errors[0], "2024-02 has 29 days");
}

/// `tags: [~, 1]` names the item and what is wrong with it, at its own position.
#[test]
fn terms_that_are_not_strings_are_named_by_item() {
    let b = Site::new()
        .file(
            "content/a.md",
            &md("title: A\ndate: 2024-01-01\nid: 1\ntags: [~, 1]", "x\n"),
        )
        .file(
            "content/b.md",
            &md(
                "title: B\ndate: 2024-01-01\nid: 2\ncategories:\n  - ok\n  - [nested, 1]",
                "x\n",
            ),
        )
        .build();
    b.assert_failure();
    assert_not_contains!(b.stderr, "untagged enum");
    assert_not_contains!(b.stderr, "OneOrMany");
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 3, "{}", b.stderr);
    assert_contains!(
        b.stderr,
        "content/a.md:5:8: error: `tags` must be a string or a list of strings; item 1 is null"
    );
    assert_contains!(
        b.stderr,
        "content/a.md:5:11: error: `tags` must be a string or a list of strings; item 2 is a number"
    );
    assert_contains!(
        b.stderr,
        "content/b.md:7:5: error: `categories` must be a string or a list of strings; item 2 is a list"
    );
}

/// A bad `--base-url` is the flag's fault, not `lemma.yaml`'s.
#[test]
fn a_bad_base_url_flag_is_blamed_on_the_flag() {
    let b = Site::with_article("x\n").build_with(&["--base-url", "not a url"]);
    assert_eq!(b.code, Some(2), "{}", b.stderr);
    assert_not_contains!(b.stderr, "lemma.yaml");
    assert_contains!(b.stderr, "--base-url");
    assert_contains!(b.stderr, "not a url");
    assert_contains!(b.stderr, "https://");
}

/// `lemma new` after the largest possible id says so, at that article, instead of wrapping to 0.
#[test]
fn new_refuses_to_wrap_the_id_around() {
    let site = Site::new().file(
        "content/max.md",
        &md(
            "title: Max\ndate: 2024-01-01\nid: 18446744073709551615",
            "x\n",
        ),
    );
    let b = site.run(&["new", "Next"]);
    assert_eq!(b.code, Some(1), "{}", b.stderr);
    assert_contains!(
        b.stderr,
        "content/max.md:4:5: error: id 18446744073709551615"
    );
    let content = std::fs::read_dir(b.site.root().join("content")).unwrap();
    assert_eq!(content.count(), 1, "lemma new wrote a file");
}

/// Several `lemma new` started at once each get an id of their own.
#[test]
fn concurrent_new_articles_get_distinct_ids() {
    const RUNS: usize = 6;
    let site = Site::new().file("content/a.md", &md(FRONT_A, "x\n"));
    let children: Vec<std::process::Child> = (0..RUNS)
        .map(|n| {
            std::process::Command::new(env!("CARGO_BIN_EXE_lemma"))
                .args(["new", &format!("Article {n}"), "--root"])
                .arg(site.root())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("run lemma new")
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let id = text.lines().find_map(|l| l.strip_prefix("id: ")).unwrap();
        ids.insert(id.to_string());
    }
    let expected: std::collections::BTreeSet<String> =
        (2..2 + RUNS).map(|i| i.to_string()).collect();
    assert_eq!(ids, expected);
}

/// `serve` sees edits in `content/`, `templates/` and `static/` when they are symlinks to
/// folders elsewhere (an archive kept in its own repository), as `build` reads them.
#[cfg(unix)]
#[test]
fn serve_sees_edits_through_symlinked_folders() {
    use crate::serve::Server;
    let elsewhere = tempfile::tempdir().unwrap();
    let real = elsewhere.path();
    let write = |path: &str, text: &str| {
        let target = real.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    };
    let template = |marker: &str| {
        format!(
            "{{% extends \"base.html\" %}}{{% block content %}}<p>{marker}</p>{{{{ article.content_html | safe }}}}{{% endblock content %}}"
        )
    };
    write("content/one.md", &md(FRONT_A, "First version.\n"));
    write("templates/article.html", &template("t1"));
    write("static/extra.css", "a { color: red }");
    let site = Site::new();
    for folder in ["content", "templates", "static"] {
        std::os::unix::fs::symlink(real.join(folder), site.root().join(folder)).unwrap();
    }
    let server = Server::start(site.root(), &[]);
    let page = server.get("/archives/1/");
    assert_contains!(page.body, "First version.");
    assert_contains!(page.body, "<p>t1</p>");
    assert_eq!(server.get("/extra.css").body, "a { color: red }");
    // Edits through the links, as an editor opened on the site folder makes them.
    let through = |path: &str, text: &str| std::fs::write(site.root().join(path), text).unwrap();
    through("content/one.md", &md(FRONT_A, "Second version.\n"));
    server.wait_for("/archives/1/", "the content edit", |r| {
        r.body.contains("Second version.")
    });
    through("templates/article.html", &template("t2"));
    server.wait_for("/archives/1/", "the template edit", |r| {
        r.body.contains("<p>t2</p>")
    });
    through("static/extra.css", "a { color: blue }");
    server.wait_for("/extra.css", "the static edit", |r| r.body.contains("blue"));
    // And in the folders themselves: a new article.
    write(
        "content/two.md",
        &md("title: Two\ndate: 2024-01-02\nid: 2", "Two.\n"),
    );
    server.wait_for("/archives/2/", "the new article", |r| r.status == 200);
}
