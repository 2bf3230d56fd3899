//! Archives of other generators built as they are: `tests/fixtures/moving-in/` holds a Hexo,
//! a Hugo and a Jekyll blog, written after each generator's documentation, each with its own
//! `lemma.yaml`. Each builds with no error; dates, order, terms, links, URLs and the
//! summarised warnings are checked here.

use std::path::Path;

use crate::util::{Build, Site};

/// Builds a copy of fixture `name`.
fn build_fixture(name: &str) -> Build {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/moving-in")
        .join(name);
    let mut site = Site::new();
    for (path, text) in files_under(&dir, "") {
        site = site.file(&path, &text);
    }
    let b = site.build();
    b.assert_success();
    assert!(b.diagnostics("error").is_empty(), "{}", b.stderr);
    b
}

pub fn files_under(dir: &Path, prefix: &str) -> Vec<(String, String)> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    let mut files = Vec::new();
    for entry in entries {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            files.extend(files_under(&entry.path(), &format!("{name}/")));
        } else {
            files.push((name, std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
    files
}

/// The titles a listing page links to, in order.
fn listed(b: &Build, page: &str, titles: &[&str]) -> Vec<String> {
    let html = b.read(page);
    let mut found: Vec<(usize, String)> = titles
        .iter()
        .filter_map(|t| {
            html.find(&format!(">{t}</a>"))
                .map(|at| (at, t.to_string()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, t)| t).collect()
}

#[test]
fn a_hexo_blog_builds_as_it_is() {
    let b = build_fixture("hexo");
    let all = ["Hello World", "Second post", "Third"];
    // Hexo's `:year/:month/:day/:title/`, newest first.
    assert_eq!(
        listed(&b, "index.html", &all),
        ["Third", "Second post", "Hello World"]
    );
    assert!(b.exists("2019/05/01/hello-world/index.html"));
    // Nested categories: a parent lists its children's articles.
    assert_eq!(
        listed(&b, "categories/gpu/index.html", &all),
        ["Third", "Hello World"]
    );
    assert_contains!(
        b.read("categories/gpu/index.html"),
        "<li><a href=\"/categories/gpu/cuda/\">GPU / CUDA</a></li>"
    );
    assert_eq!(
        listed(&b, "categories/gpu/cuda/index.html", &all),
        ["Hello World"]
    );
    assert!(b.exists("categories/gpu/虚拟化/index.html"));
    // `categories: [Diary, Life]` is one path under `category_lists: path`.
    assert_eq!(
        listed(&b, "categories/diary/life/index.html", &all),
        ["Second post"]
    );
    // `KVM` and `kvm` are one tag, spelled as the oldest article spells it.
    assert_eq!(
        listed(&b, "tags/kvm/index.html", &all),
        ["Second post", "Hello World"]
    );
    assert_contains!(b.read("tags/index.html"), ">KVM</a>");
    assert!(b.exists("tags/c-plus-plus/index.html") && b.exists("tags/c-sharp/index.html"));
    let hello = b.read("2019/05/01/hello-world/index.html");
    assert_contains!(
        hello,
        "<a href=\"/2019/06/01/second-post/\">Second post</a>"
    );
    assert_contains!(
        hello,
        "<img src=\"/_posts/hello-world/plot.png\" alt=\"A plot\""
    );
    assert_contains!(hello, "<code>{% post_link in-code %}</code>");
    assert_contains!(hello, "datetime=\"2019-05-01T10:00:00+08:00\"");
    // `mathjax: false`: dollars are prices.
    let second = b.read("2019/06/01/second-post/index.html");
    assert_contains!(second, "Coffee was $5 and cake $10");
    assert_contains!(
        second,
        "<a href=\"/2019/05/01/hello-world/\">the first post</a>"
    );
    let warnings = b.diagnostics("warning");
    assert_eq!(warnings.len(), 4, "{}", b.stderr);
    assert_contains!(
        b.stderr,
        "content/_posts/hello-world.md:9:1: warning: `layout` in 2 articles is ignored"
    );
    assert_contains!(
        b.stderr,
        "content/_posts/hello-world.md:10:1: warning: `comments` in 2 articles is ignored"
    );
    // `toc` is lemma's own key: the article has its table of contents.
    assert_not_contains!(b.stderr, "`toc`");
    assert_contains!(
        b.stderr,
        "content/_posts/hello-world.md:21:1: warning: unknown tag `blockquote` is left as text"
    );
}

#[test]
fn a_hugo_site_builds_as_it_is() {
    let b = build_fixture("hugo");
    let all = ["First", "Second", "Third"];
    assert_eq!(listed(&b, "index.html", &all), ["Third", "Second", "First"]);
    // Section paths: the folder, then the slug or the file name.
    for page in ["posts/first/", "posts/the-second/", "posts/third/"] {
        assert!(b.exists(&format!("{page}index.html")), "{page}");
    }
    assert_contains!(b.read("old/second/index.html"), "/posts/the-second/");
    // TOML, JSON and indented YAML front matter alike.
    assert_eq!(
        listed(&b, "categories/dev/index.html", &all),
        ["Second", "First"]
    );
    assert_eq!(listed(&b, "tags/go/index.html", &all), ["Second", "First"]);
    assert_contains!(b.read("tags/index.html"), ">Go</a>");
    let first = b.read("posts/first/index.html");
    assert_contains!(first, "datetime=\"2023-05-01T10:00:00+02:00\"");
    assert_contains!(first, "<a href=\"/posts/the-second/\">the second</a>");
    assert_contains!(first, "<a href=\"/posts/the-second/#details\">details</a>");
    assert_contains!(first, "class=\"katex\"");
    assert_contains!(b.read("posts/third/index.html"), "class=\"katex\"");
    assert_eq!(b.diagnostics("warning").len(), 2, "{}", b.stderr);
    assert_not_contains!(b.stderr, "`toc`");
    assert_contains!(
        b.stderr,
        "content/posts/third.md:5:3: warning: `weight` in 1 article is ignored"
    );
    assert_contains!(
        b.stderr,
        "content/posts/first.md:12:1: warning: unknown tag `youtube` is left as text"
    );
}

#[test]
fn a_jekyll_blog_builds_as_it_is() {
    let b = build_fixture("jekyll");
    let all = ["Hello", "Fourier notes", "Moved", "Not yet"];
    // Dates from the file names, unless the front matter has one; `published: false` is a draft.
    assert_eq!(
        listed(&b, "index.html", &all),
        ["Fourier notes", "Moved", "Hello"]
    );
    assert_contains!(b.read("archives/index.html"), "2021");
    // Jekyll's `/:categories/:year/:month/:day/:title.html`, and a post's own `permalink:`.
    assert!(b.exists("math/notes/2022/10/09/fourier.html"));
    assert!(b.exists("life/2021/03/05/moved.html"));
    assert!(b.exists("about-hello/index.html"));
    assert_contains!(b.read("old/moved.html"), "/life/2021/03/05/moved.html");
    // `categories: math notes` is two categories.
    assert_eq!(
        listed(&b, "categories/math/index.html", &all),
        ["Fourier notes"]
    );
    assert_eq!(
        listed(&b, "categories/notes/index.html", &all),
        ["Fourier notes"]
    );
    let fourier = b.read("math/notes/2022/10/09/fourier.html");
    assert_contains!(fourier, "<a href=\"/about-hello/\">the first post</a>");
    // kramdown's `$$…$$` in a sentence is inline; alone in its paragraph, display.
    assert_eq!(fourier.matches("katex-display").count(), 1, "{fourier}");
    assert_contains!(
        b.read("about-hello/index.html"),
        "<a href=\"/math/notes/2022/10/09/fourier.html\">Fourier notes</a>"
    );
    // The excerpt ends at the post's `excerpt_separator`.
    let home = b.read("index.html");
    assert_contains!(home, "is the transform");
    assert!(!home.contains("See <a"), "{home}");
    assert_eq!(b.diagnostics("warning").len(), 4, "{}", b.stderr);
    assert_contains!(
        b.stderr,
        "content/_posts/2021-01-15-hello.md:2:1: warning: `layout` in 4 articles is ignored"
    );
    assert_contains!(
        b.stderr,
        "content/_posts/2022-10-09-fourier.md:20:1: warning: unknown tag `highlight` is left as text"
    );
}
