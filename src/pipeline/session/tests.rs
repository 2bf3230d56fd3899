//! The session against a fresh build. A fixture site is built by a [`Session`]; one edit is
//! made on disk and handed to [`Session::update`] as the watcher would name it; the files the
//! session then holds, kept as `serve` keeps them (each update's files laid over the last,
//! its removed files dropped), must be those a fresh `build` of the edited site makes, page for
//! page and byte for byte, with the same diagnostics.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::pages::{ListingEntry, PageSet, affected_pages};
use super::{Changes, Session, Update};
use crate::config::Config;
use crate::output::MemorySink;
use crate::pipeline::{BuildOptions, build};

/// `serve`'s options without the live-reload script, which a build does not write. The
/// fixture has no future date, which `serve` alone marks as a draft.
fn options(drafts: bool) -> BuildOptions {
    BuildOptions {
        drafts,
        live_reload: None,
        cache_dir: None,
        search_list: None,
    }
}

/// Output path → bytes.
type Files = BTreeMap<String, Vec<u8>>;

/// The output and diagnostics of a site, one way or another.
struct Output {
    files: Files,
    /// Each diagnostic rendered, in the order [`crate::diagnostics::Diagnostics::sorted`] gives.
    diagnostics: Vec<String>,
}

fn md(front: &str, body: &str) -> String {
    format!("---\n{front}\n---\n\n{body}")
}

fn alpha(extra_front: &str, body: &str) -> String {
    md(
        &format!(
            "title: Alpha\ndate: 2024-01-01\nid: 1\ncategories: [c1]\ntags: [t1, t2]\nseries: S{extra_front}"
        ),
        body,
    )
}

const ALPHA_BODY: &str = "Alpha opens with $x^2$.\n\n\
    $$\\begin{equation}E=mc^2\\label{e1}\\end{equation}$$\n\n\
    By $\\eqref{e1}$, see [Beta](b.md).\n\n\
    ![A figure](fig.svg)\n";

fn beta(title: &str, summary: &str, extra_front: &str) -> String {
    md(
        &format!(
            "title: {title}\ndate: 2024-01-02\nid: 2\ntags: [t1]\nseries: S\nsummary: {summary}\naliases: [/old-b/]{extra_front}"
        ),
        "Beta body with $y^2$.\n",
    )
}

fn gamma(extra_front: &str) -> String {
    md(
        &format!(
            "title: Gamma\ndate: 2024-01-03\nid: 3\ncategories: [c1]\ntags: [t1]{extra_front}"
        ),
        "Intro.\n\n<!--more-->\n\nRest.\n",
    )
}

fn epsilon(date: &str, tags: &str) -> String {
    md(
        &format!("title: Epsilon\ndate: {date}\nid: 5\ntags: [{tags}]"),
        "Epsilon, after [the energy](a.md#eq-e1).\n",
    )
}

const FIGURE: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"/></svg>\n";

/// The built-in article template with a marker of the site's own.
fn article_template(marker: &str) -> String {
    let (_, builtin) = crate::embedded::TEMPLATES
        .iter()
        .find(|(name, _)| *name == "article.html")
        .expect("a built-in article template");
    builtin.replace(
        "{% block content %}",
        &format!("{{% block content %}}<p class=\"override\">{marker}</p>"),
    )
}

/// A site in a temporary folder: six articles (one a draft) on three home pages, formulas
/// with numbered equations and references, categories, tags, a series, an alias, a summary,
/// an excerpt, a content asset, a static file and a template of its own.
struct Fixture {
    dir: tempfile::TempDir,
    /// Whether drafts are built, as `serve` builds them unless `--no-drafts`.
    drafts: bool,
}

impl Fixture {
    fn new(drafts: bool) -> Fixture {
        let fixture = Fixture {
            dir: tempfile::tempdir().expect("a temporary folder"),
            drafts,
        };
        let files = [
            (
                "lemma.yaml",
                "title: T\nbase_url: https://example.org/\npaginate: 2\nfeed_limit: 3\n".into(),
            ),
            ("content/a.md", alpha("", ALPHA_BODY)),
            ("content/b.md", beta("Beta", "A *summary*.", "")),
            ("content/c.md", gamma("")),
            (
                "content/d.md",
                md(
                    "title: Delta\ndate: 2024-01-04\nid: 4\ndraft: true",
                    "Draft.\n",
                ),
            ),
            ("content/e.md", epsilon("2024-01-05", "t2")),
            (
                "content/f.md",
                md(
                    "title: Zeta\ndate: 2024-01-06\nid: 6\nseries: S",
                    "$$\\begin{align}a&=b\\label{f1}\\\\c&=d\\end{align}$$\n\nSee $\\eqref{f1}$.\n",
                ),
            ),
            ("content/fig.svg", FIGURE.into()),
            ("static/extra.css", "body { margin: 0 }\n".into()),
            ("templates/article.html", article_template("v1")),
        ];
        for (path, text) in files {
            fixture.write(path, &text);
        }
        fixture
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.root().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a fixture folder");
        }
        std::fs::write(path, text).expect("a fixture file");
    }

    fn remove(&self, path: &str) {
        std::fs::remove_file(self.root().join(path)).expect("a fixture file to remove");
    }

    fn config(&self) -> Config {
        Config::load(self.root(), None).expect("the fixture's lemma.yaml")
    }

    /// What a fresh `build` of the site as it is on disk makes.
    fn built(&self) -> Output {
        let sink = MemorySink::default();
        let build = build(&self.config(), &options(self.drafts), &sink);
        // `serve` makes the search index on a thread of its own, outside the session.
        let mut files = read_all(sink);
        files.retain(|path, _| !path.starts_with(crate::search::INDEX_DIR));
        Output {
            files,
            diagnostics: rendered(&build.diagnostics),
        }
    }
}

/// The changes the watcher reports for edits to `paths` (relative to the site folder).
fn changes(paths: &[&str]) -> Changes {
    let mut changes = Changes::default();
    for path in paths {
        match path.split_once('/') {
            Some(("content", rest)) => {
                changes.content.insert(rest.to_string());
            }
            Some(("static", rest)) => {
                changes.statics.insert(rest.to_string());
            }
            Some(("templates", _)) => changes.templates = true,
            _ => panic!("the fixture has no source at {path}"),
        }
    }
    changes
}

/// The bytes of every file in `sink`, copied files read now, as `serve` reads them when it
/// publishes an update.
fn read_all(sink: MemorySink) -> Files {
    sink.into_files()
        .into_iter()
        .map(|(path, file)| {
            let bytes = file.read().expect("a copied file").into_owned();
            (path, bytes)
        })
        .collect()
}

fn rendered(diagnostics: &crate::diagnostics::Diagnostics) -> Vec<String> {
    diagnostics.sorted().iter().map(|d| d.render()).collect()
}

/// A session and the files it has put out, kept as `serve` keeps them.
struct Held {
    session: Session,
    files: Files,
    diagnostics: Vec<String>,
}

impl Held {
    /// A session started as `serve` starts it, its background work done.
    fn start(fixture: &Fixture) -> Held {
        let mut held = Held::begin(fixture);
        held.finish_background();
        held
    }

    /// A session through the front half only.
    fn begin(fixture: &Fixture) -> Held {
        let sink = MemorySink::default();
        let (session, update) = Session::start(fixture.config(), options(fixture.drafts), &sink);
        let mut held = Held {
            session,
            files: Files::new(),
            diagnostics: Vec::new(),
        };
        held.take(&update, sink);
        held
    }

    /// Runs the background steps until nothing is left.
    fn finish_background(&mut self) {
        loop {
            let sink = MemorySink::default();
            let Some(update) = self.session.advance(&sink) else {
                break;
            };
            self.take(&update, sink);
        }
        assert!(!self.session.is_partial());
    }

    /// Lays an update's files over those held, as `serve` publishes them: the pages that
    /// wait to be rendered (again) are not served.
    fn take(&mut self, update: &Update, sink: MemorySink) {
        for path in update.removed.iter().chain(self.session.unrendered_files()) {
            self.files.remove(path);
        }
        self.files.extend(read_all(sink));
        self.diagnostics = rendered(&update.diagnostics);
    }

    fn update(&mut self, changes: &Changes) -> Update {
        let sink = MemorySink::default();
        let update = self.session.update(changes, &sink);
        self.take(&update, sink);
        update
    }

    fn output(&self) -> Output {
        Output {
            files: self.files.clone(),
            diagnostics: self.diagnostics.clone(),
        }
    }
}

/// Panics with every page that differs, each with the lines where it starts to.
fn assert_same(step: &str, held: &Output, fresh: &Output) {
    let mut problems = Vec::new();
    let paths: BTreeSet<&String> = held.files.keys().chain(fresh.files.keys()).collect();
    for path in paths {
        match (held.files.get(path), fresh.files.get(path)) {
            (Some(_), None) => problems.push(format!("{path}: held, but not in a fresh build")),
            (None, Some(_)) => problems.push(format!("{path}: missing, a fresh build has it")),
            (Some(a), Some(b)) if a != b => problems.push(format!("{path}:\n{}", diff(a, b))),
            _ => {}
        }
    }
    if held.diagnostics != fresh.diagnostics {
        problems.push(format!(
            "diagnostics:\n--- held:\n{}\n--- fresh:\n{}",
            held.diagnostics.join("\n"),
            fresh.diagnostics.join("\n")
        ));
    }
    assert!(
        problems.is_empty(),
        "{step}: the session differs from a fresh build in {} place(s)\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// The first line where `held` and `fresh` differ, with a line of context each side.
fn diff(held: &[u8], fresh: &[u8]) -> String {
    let (held, fresh) = (
        String::from_utf8_lossy(held),
        String::from_utf8_lossy(fresh),
    );
    let (a, b): (Vec<&str>, Vec<&str>) = (held.lines().collect(), fresh.lines().collect());
    let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let around = |lines: &[&str]| -> String {
        let start = first.saturating_sub(1);
        let end = (first + 2).min(lines.len());
        lines[start.min(end)..end]
            .iter()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "line {}\n- held:\n{}\n+ fresh:\n{}",
        first + 1,
        around(&a),
        around(&b)
    )
}

/// A session on the fixture, checked against a fresh build after every edit.
struct Run {
    fixture: Fixture,
    held: Held,
}

impl Run {
    /// With drafts shown, as `serve` shows them.
    fn start() -> Run {
        Run::start_with(true)
    }

    fn start_with(drafts: bool) -> Run {
        let fixture = Fixture::new(drafts);
        let held = Held::start(&fixture);
        assert_same("start", &held.output(), &fixture.built());
        Run { fixture, held }
    }

    /// Writes `text` into `path` (relative to the site folder) and checks the update.
    fn write(&mut self, step: &str, path: &str, text: &str) -> Update {
        self.fixture.write(path, text);
        self.check(step, &[path])
    }

    /// Deletes `path` and checks the update.
    fn remove(&mut self, step: &str, path: &str) -> Update {
        self.fixture.remove(path);
        self.check(step, &[path])
    }

    /// Writes `text`, which a build refuses, into `path`. A build then leaves the file out or
    /// writes no page, while the session keeps the last good version on show: the session
    /// reports the errors that name the file, as a build does, and nothing a build does not.
    fn write_refused(&mut self, step: &str, path: &str, text: &str) {
        self.fixture.write(path, text);
        self.held.update(&changes(&[path]));
        let fresh = self.fixture.built();
        let held = &self.held.diagnostics;
        // The errors that name the file, at it or at what it collides with.
        let own = |all: &[String]| -> Vec<String> {
            all.iter().filter(|d| d.contains(path)).cloned().collect()
        };
        assert!(
            own(&fresh.diagnostics)
                .iter()
                .any(|d| d.contains(": error: ")),
            "{step}: a build should refuse {path}: {:?}",
            fresh.diagnostics
        );
        assert_eq!(own(held), own(&fresh.diagnostics), "{step}");
        let extra: Vec<&String> = held
            .iter()
            .filter(|d| !fresh.diagnostics.contains(d))
            .collect();
        assert!(
            extra.is_empty(),
            "{step}: only the session reports {extra:?}"
        );
    }

    /// Updates the session with the changes the watcher names for `paths`, and compares.
    fn check(&mut self, step: &str, paths: &[&str]) -> Update {
        self.check_changes(step, &changes(paths))
    }

    fn check_changes(&mut self, step: &str, changes: &Changes) -> Update {
        let update = self.held.update(changes);
        assert_same(step, &self.held.output(), &self.fixture.built());
        update
    }
}

#[test]
fn the_fixture_builds_cleanly() {
    let fixture = Fixture::new(true);
    let built = fixture.built();
    assert_eq!(built.diagnostics, Vec::<String>::new());
    for page in [
        "index.html",
        "page/3/index.html",
        "archives/6/index.html",
        "old-b/index.html",
        "series/s/index.html",
        "fig.svg",
        "extra.css",
    ] {
        assert!(built.files.contains_key(page), "no {page}");
    }
    assert!(
        !built.files.contains_key("page/4/index.html"),
        "{:?}",
        built.files.keys()
    );
    let alpha = String::from_utf8_lossy(&built.files["archives/1/index.html"]).into_owned();
    assert!(alpha.contains("<p class=\"override\">v1</p>"));
    assert!(alpha.contains("#eq-e1"), "{alpha}");
}

#[test]
fn a_title_edit() {
    let mut run = Run::start();
    let update = run.write(
        "a title",
        "content/b.md",
        &beta("Beta Two", "A *summary*.", ""),
    );
    assert!(!update.all_pages, "a title re-renders only where it shows");
}

#[test]
fn a_date_edit_that_moves_an_article_across_home_pages() {
    let mut run = Run::start();
    // Epsilon, second newest, on the first home page, becomes the oldest, on the third.
    let update = run.write(
        "a date to the last home page",
        "content/e.md",
        &epsilon("2023-12-01", "t2"),
    );
    assert!(!update.all_pages);
    run.write(
        "a date back to the first home page",
        "content/e.md",
        &epsilon("2024-01-05", "t2"),
    );
    run.write(
        "a date to the top",
        "content/e.md",
        &epsilon("2024-02-01", "t2"),
    );
}

#[test]
fn tags_added_and_removed() {
    let mut run = Run::start();
    run.write(
        "a new tag",
        "content/c.md",
        &gamma("").replace("[t1]", "[t1, fresh]"),
    );
    let update = run.write(
        "a tag left, its term kept by another article",
        "content/a.md",
        &alpha("", ALPHA_BODY).replace("[t1, t2]", "[t1]"),
    );
    assert!(!update.all_pages);
    run.write(
        "the last article of a tag left it",
        "content/e.md",
        &epsilon("2024-01-05", ""),
    );
    run.write("a tag back", "content/e.md", &epsilon("2024-01-05", "t2"));
}

#[test]
fn an_article_joins_and_leaves_a_series() {
    let mut run = Run::start();
    let update = run.write("joins the series", "content/c.md", &gamma("\nseries: S"));
    assert!(!update.all_pages, "the series page is there already");
    run.write("leaves the series", "content/c.md", &gamma(""));
    run.write(
        "a date that reorders the series",
        "content/b.md",
        &beta("Beta", "A *summary*.", "").replace("2024-01-02", "2023-12-31"),
    );
    run.write("a new series", "content/c.md", &gamma("\nseries: T"));
}

#[test]
fn an_alias_added_and_removed() {
    let mut run = Run::start();
    run.write(
        "an alias added",
        "content/a.md",
        &alpha("\naliases: [/old-a/]", ALPHA_BODY),
    );
    run.write("the alias removed", "content/a.md", &alpha("", ALPHA_BODY));
}

#[test]
fn a_summary_edit() {
    let mut run = Run::start();
    let update = run.write(
        "a summary",
        "content/b.md",
        &beta("Beta", "A *new* summary.", ""),
    );
    assert!(!update.all_pages);
}

#[test]
fn body_edits_before_and_after_the_excerpt() {
    let mut run = Run::start();
    let update = run.write(
        "after <!--more-->",
        "content/c.md",
        &gamma("").replace("Rest.", "Rest, edited."),
    );
    assert!(!update.all_pages);
    run.write(
        "the excerpt",
        "content/c.md",
        &gamma("").replace("Intro.", "Intro, edited."),
    );
    run.write(
        "the first paragraph, which is the excerpt",
        "content/f.md",
        &md(
            "title: Zeta\ndate: 2024-01-06\nid: 6\nseries: S",
            "Now a first paragraph.\n\n$$\\begin{align}a&=b\\label{f1}\\\\c&=d\\end{align}$$\n",
        ),
    );
}

#[test]
fn formula_edits_with_labels_and_references() {
    let mut run = Run::start();
    let update = run.write(
        "a formula",
        "content/a.md",
        &alpha("", &ALPHA_BODY.replace("mc^2", "mc^3")),
    );
    assert!(!update.all_pages);
    // Epsilon links to `a.md#eq-e1`: renaming the label breaks that link.
    let renamed = ALPHA_BODY.replace("{e1}", "{e2}");
    run.write("a label renamed", "content/a.md", &alpha("", &renamed));
    assert!(
        run.held.diagnostics.iter().any(|d| d.contains("eq-e1")),
        "the broken link is reported: {:?}",
        run.held.diagnostics
    );
    let numbered = ALPHA_BODY.replace(
        "$$\\begin{equation}",
        "$$\\begin{equation}a\\label{first}\\end{equation}$$\n\n$$\\begin{equation}",
    );
    run.write(
        "an equation before, renumbering the referenced one",
        "content/a.md",
        &alpha("", &numbered),
    );
    run.write(
        "a formula KaTeX rejects",
        "content/a.md",
        &alpha("", &ALPHA_BODY.replace("$x^2$", "$\\frac{x$")),
    );
    run.write("all fixed", "content/a.md", &alpha("", ALPHA_BODY));
    assert_eq!(run.held.diagnostics, Vec::<String>::new());
}

#[test]
fn template_edits() {
    let mut run = Run::start();
    let update = run.write(
        "a template edited",
        "templates/article.html",
        &article_template("v2"),
    );
    assert!(update.all_pages);
    run.write(
        "a partial added",
        "templates/partials/list-item.html",
        "<li><a href=\"{{ entry.url }}\">{{ entry.title }}</a> (own)</li>\n",
    );
    run.write_refused(
        "a template that does not parse",
        "templates/article.html",
        "{% block content %}",
    );
    run.write(
        "the template fixed",
        "templates/article.html",
        &article_template("v3"),
    );
    run.remove("the override removed", "templates/article.html");
}

#[test]
fn static_files_and_assets_edited_added_and_removed() {
    let mut run = Run::start();
    let update = run.write(
        "a static file edited",
        "static/extra.css",
        "body { margin: 1em }\n",
    );
    assert_eq!((update.pages, update.written.len()), (0, 1));
    run.write("a static file added", "static/new.txt", "new\n");
    run.remove("a static file removed", "static/new.txt");
    run.write(
        "a content asset edited",
        "content/fig.svg",
        &FIGURE.replace("r=\"1\"", "r=\"2\""),
    );
    run.write_refused("a static file over a page", "static/robots.txt", "own\n");
    run.remove("the static file over a page removed", "static/robots.txt");
    run.write_refused(
        "a static file over an alias",
        "static/old-b/index.html",
        "own\n",
    );
    run.remove(
        "the static file over an alias removed",
        "static/old-b/index.html",
    );
}

#[test]
fn an_article_added() {
    let mut run = Run::start();
    let update = run.write(
        "an article added",
        "content/g.md",
        &md(
            "title: Eta\ndate: 2024-01-07\nid: 7\ntags: [t1, t3]\nseries: S",
            "Eta cites [the energy](a.md#eq-e1) and $z$.\n",
        ),
    );
    assert!(update.all_pages);
    run.write(
        "an article added in a new folder",
        "content/2023/h.md",
        &md("title: Theta\ndate: 2023-06-01\nid: 8", "Theta.\n"),
    );
}

#[test]
fn an_article_deleted() {
    let mut run = Run::start();
    let update = run.remove("an article deleted", "content/e.md");
    assert!(
        update
            .removed
            .contains(&"archives/5/index.html".to_string())
    );
    // Alpha links to Beta: deleting Beta breaks the link, and its alias goes.
    let update = run.remove("a linked article deleted", "content/b.md");
    assert!(update.removed.contains(&"old-b/index.html".to_string()));
    assert!(
        run.held.diagnostics.iter().any(|d| d.contains("b.md")),
        "{:?}",
        run.held.diagnostics
    );
}

#[test]
fn a_title_from_the_first_heading_edited_in_the_body() {
    let mut run = Run::start();
    let untitled = |heading: &str| {
        md(
            "date: 2024-01-03\nid: 3\ncategories: [c1]\ntags: [t1]",
            &format!("# {heading}\n\nIntro.\n"),
        )
    };
    run.write("a title from a heading", "content/c.md", &untitled("Gamma"));
    let update = run.write("the heading edited", "content/c.md", &untitled("Gamma Two"));
    assert!(!update.all_pages);
}

#[test]
fn an_article_moved_and_its_front_matter_broken() {
    let mut run = Run::start();
    let text = std::fs::read_to_string(run.fixture.root().join("content/c.md")).unwrap();
    run.fixture.remove("content/c.md");
    run.fixture.write("content/2024/c.md", &text);
    run.check("an article moved", &["content/c.md", "content/2024/c.md"]);
    run.write(
        "two articles in one batch",
        "content/b.md",
        &beta("Beta Two", "A *summary*.", ""),
    );
    run.fixture
        .write("content/e.md", &epsilon("2024-01-05", "t1"));
    run.check(
        "two articles in one batch",
        &["content/b.md", "content/e.md"],
    );
    run.write(
        "updated added",
        "content/e.md",
        &epsilon("2024-01-05", "t2").replace("id: 5", "id: 5\nupdated: 2024-03-01"),
    );
    run.write(
        "a new permalink",
        "content/e.md",
        &epsilon("2024-01-05", "t2").replace("id: 5", "id: 50"),
    );
}

#[test]
fn a_linked_asset_removed_and_restored() {
    let mut run = Run::start();
    run.remove("an image's file removed", "content/fig.svg");
    run.write("the image's file back", "content/fig.svg", FIGURE);
    run.write("a static file beside", "static/fig2.svg", FIGURE);
    run.write(
        "linked from an article",
        "content/c.md",
        &gamma("").replace("Rest.", "![Two](/fig2.svg)"),
    );
    run.remove("the linked static file removed", "static/fig2.svg");
}

#[test]
fn front_matter_broken_and_fixed() {
    let mut run = Run::start();
    run.write_refused(
        "front matter that does not parse",
        "content/b.md",
        "---\ntitle: [Beta\n---\n\nBeta.\n",
    );
    run.write(
        "the front matter fixed",
        "content/b.md",
        &beta("Beta Two", "A *summary*.", ""),
    );
    run.write(
        "article macros",
        "content/a.md",
        &alpha(
            "\nmath:\n  macros:\n    \"\\\\E\": \"E\"",
            &ALPHA_BODY.replace("E=mc", "\\E=mc"),
        ),
    );
}

#[test]
fn drafts_published_and_withdrawn_without_drafts_shown() {
    let mut run = Run::start_with(false);
    assert!(!run.held.files.contains_key("archives/4/index.html"));
    let delta = |front: &str| {
        md(
            &format!("title: Delta\ndate: 2024-01-04\nid: 4{front}"),
            "Draft.\n",
        )
    };
    run.write("a draft published", "content/d.md", &delta(""));
    run.write(
        "an article withdrawn",
        "content/b.md",
        &beta("Beta", "A *summary*.", "\ndraft: true"),
    );
    run.write(
        "a draft edited",
        "content/b.md",
        &beta("Beta Two", "A *summary*.", "\ndraft: true"),
    );
    run.write(
        "a draft withdrawn again",
        "content/d.md",
        &delta("\ndraft: true"),
    );
}

/// The pages [`affected_pages`] picks when the article at `content_path` changes as `edit`
/// says, nothing else about the site changing.
fn affected_by(content_path: &str, edit: impl FnOnce(&mut crate::site::Article)) -> Vec<String> {
    let fixture = Fixture::new(true);
    let held = Held::start(&fixture);
    let site = held.session.site();
    let order: Vec<String> = site
        .articles
        .iter()
        .map(|a| a.content_path.clone())
        .collect();
    let mut before = site
        .articles
        .iter()
        .find(|a| a.content_path == content_path)
        .expect("an article of the fixture")
        .clone();
    edit(&mut before);
    let mut pages = PageSet::Some(BTreeSet::new());
    let old = ListingEntry::of(&before);
    affected_pages(site, content_path, &order, Some(&old), &mut pages);
    let PageSet::Some(pages) = pages else {
        panic!("affected_pages never picks every page");
    };
    pages.iter().map(|p| p.as_str().to_string()).collect()
}

#[test]
fn affected_pages_of_a_title_edit() {
    // Newest first: Zeta, Epsilon, Delta, Gamma, Beta, Alpha, two a home page; the feed
    // holds the first three. Beta is on the third home page, tagged t1, in series S with
    // Alpha and Zeta, and has the alias old-b.
    let pages = affected_by("b.md", |beta| beta.title = "Old Beta".into());
    let expected = [
        "archives/",   // the archive lists every title
        "archives/1/", // Alpha, the next article and in the series
        "archives/2/", // Beta itself
        "archives/3/", // Gamma, the previous article
        "archives/6/", // Zeta, in the series
        "atom.xml",    // the feed
        "categories/", // the term indexes
        "old-b/",      // Beta's alias
        "page/3/",     // Beta's home page
        "series/",     //
        "series/s/",   // Beta's series
        "sitemap.xml", //
        "tags/",       //
        "tags/t1/",    // Beta's tag
    ];
    assert_eq!(pages, expected);
    // Not the articles that show nothing of Beta, nor other home pages and terms.
    for unrelated in [
        "archives/4/",
        "archives/5/",
        "",
        "page/2/",
        "tags/t2/",
        "categories/c1/",
    ] {
        assert!(!pages.iter().any(|p| p == unrelated), "{unrelated}");
    }
}

#[test]
fn affected_pages_of_a_body_edit() {
    // The listing entry is the same: the article and its alias; the feed only for one in it.
    assert_eq!(affected_by("b.md", |_| {}), ["archives/2/", "old-b/"]);
    assert_eq!(affected_by("f.md", |_| {}), ["archives/6/", "atom.xml"]);
}

#[test]
fn affected_pages_of_a_new_date_in_a_series() {
    // Alpha's places in its series moved: the home pages of Beta and Zeta show them too.
    let pages = affected_by("a.md", |alpha| alpha.date = None);
    for page in ["", "page/3/", "archives/2/", "archives/6/"] {
        assert!(pages.iter().any(|p| p == page), "{page}: {pages:?}");
    }
}

#[test]
fn dates_and_summaries_removed() {
    let mut run = Run::start();
    run.write(
        "a date removed",
        "content/c.md",
        &gamma("").replace("date: 2024-01-03\n", ""),
    );
    run.write(
        "the summary removed",
        "content/b.md",
        &beta("Beta", "A *summary*.", "").replace("summary: A *summary*.\n", ""),
    );
    run.write_refused(
        "an id taken twice",
        "content/e.md",
        &epsilon("2024-01-05", "t2").replace("id: 5", "id: 4"),
    );
    run.write("the id fixed", "content/e.md", &epsilon("2024-01-05", "t2"));
}

#[test]
fn a_rescan_finds_every_change() {
    let mut run = Run::start();
    run.fixture
        .write("content/b.md", &beta("Beta Two", "A *summary*.", ""));
    run.fixture.remove("content/e.md");
    run.fixture.write(
        "content/g/new.md",
        &md("title: New\ndate: 2024-02-01", "New.\n"),
    );
    run.fixture
        .write("static/extra.css", "body { margin: 2em }\n");
    run.fixture.remove("content/fig.svg");
    let rescan = Changes {
        rescan: true,
        ..Changes::default()
    };
    run.check_changes("a rescan", &rescan);
}

#[test]
fn a_link_removed_and_added_again_updates_the_backlinks_of_its_target() {
    let mut run = Run::start();
    let without = ALPHA_BODY.replace("see [Beta](b.md)", "see Beta");
    let update = run.write(
        "the link to Beta removed",
        "content/a.md",
        &alpha("", &without),
    );
    assert!(!update.all_pages);
    assert!(
        update.written.iter().any(|p| p == "archives/2/index.html"),
        "{:?}",
        update.written
    );
    run.write("the link back", "content/a.md", &alpha("", ALPHA_BODY));
}

/// Pages are rendered at a cold start as they are asked for: each, asked for first, comes
/// out as a fresh build makes it, though the articles it does not show wait.
#[test]
fn every_page_asked_for_first_is_the_page_a_build_makes() {
    let fixture = Fixture::new(true);
    // Its title comes from its first heading: its neighbours' pages need its Markdown.
    fixture.write(
        "content/h.md",
        &md(
            "date: 2024-01-08\nid: 8\nseries: S",
            "# Heading title\n\nEta $w$.\n",
        ),
    );
    let fresh = fixture.built();
    let pages = fresh
        .files
        .keys()
        .filter(|p| [".html", ".xml", ".txt"].iter().any(|e| p.ends_with(e)));
    let mut asked = 0;
    for page in pages {
        let mut held = Held::begin(&fixture);
        assert!(held.session.is_partial());
        assert!(
            !held.files.contains_key(page),
            "{page} before it is asked for"
        );
        let sink = MemorySink::default();
        let update = held.session.ready(page, &sink);
        held.take(&update, sink);
        assert_eq!(update.written, [page.clone()], "{page}");
        let (a, b) = (&held.files[page], &fresh.files[page]);
        assert!(a == b, "{page} asked for first:\n{}", diff(a, b));
        assert!(held.session.is_partial(), "{page}: the rest still waits");
        asked += 1;
    }
    assert!(asked > 20, "only {asked} pages");
}

/// Edits made while the background work goes on are kept: the session then finishes as a
/// fresh build of the edited site.
#[test]
fn edits_during_the_background_work() {
    let fixture = Fixture::new(true);
    let mut held = Held::begin(&fixture);
    let sink = MemorySink::default();
    let update = held.session.ready("archives/1/index.html", &sink);
    held.take(&update, sink);
    let edits: [(&str, String); 4] = [
        (
            "content/a.md",
            alpha("", &ALPHA_BODY.replace("Alpha opens", "Alpha now opens")),
        ),
        ("content/b.md", beta("Beta Two", "A *summary*.", "")),
        (
            "content/f.md",
            md("title: Zeta\ndate: 2024-01-07\nid: 7", "Zeta $z$.\n"),
        ),
        ("templates/article.html", article_template("v2")),
    ];
    for (step, (path, text)) in edits.into_iter().enumerate() {
        fixture.write(path, &text);
        let update = held.update(&changes(&[path]));
        assert!(held.session.is_partial(), "{path}");
        assert!(
            !update.written.iter().any(|p| p == "archives/2/index.html"),
            "{path}: a page nobody asked for"
        );
        // One step of the background work after the first edit: the fixture is so small
        // that a few steps finish it, and the later edits must still find work going on.
        if step == 0 {
            let sink = MemorySink::default();
            if let Some(update) = held.session.advance(&sink) {
                held.take(&update, sink);
            }
        }
    }
    // A new article moves links, and a template changes every page: all pages wait again.
    assert!(!held.files.contains_key("archives/1/index.html"));
    held.finish_background();
    assert_same(
        "edits during the background work",
        &held.output(),
        &fixture.built(),
    );
}
