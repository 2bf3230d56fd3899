//! `lemma import`: the fixture archives of `moving_in`, laid out as each generator keeps
//! them, converted into a lemma site that then builds, with the old URLs as aliases.

use std::path::Path;

use crate::moving_in::files_under;
use crate::util::{Build, Site};

/// A source folder holding fixture `name`'s posts under `posts_dir`, and `extra` files.
fn source(name: &str, posts_dir: &str, extra: &[(&str, &str)]) -> tempfile::TempDir {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/moving-in")
        .join(name)
        .join("content");
    let dir = tempfile::tempdir().unwrap();
    let posts = files_under(&fixture, "").into_iter().map(|(path, text)| {
        let within = path.strip_prefix("_posts/").unwrap_or(&path);
        (format!("{posts_dir}/{within}"), text)
    });
    let extra = extra.iter().map(|(p, t)| (p.to_string(), t.to_string()));
    for (path, text) in posts.chain(extra) {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }
    dir
}

fn import(kind: &str, source: &Path) -> Build {
    Site::new().run(&["import", kind, source.to_str().unwrap()])
}

#[test]
fn a_hexo_blog_is_imported_with_its_old_urls_and_assets() {
    let src = source(
        "hexo",
        "source/_posts",
        &[
            ("source/images/logo.png", "PNG"),
            ("source/about/index.md", "---\ntitle: About\n---\nMe.\n"),
        ],
    );
    let b = import("hexo", src.path());
    assert_eq!(b.code, Some(0), "{}{}", b.stdout, b.stderr);
    assert_contains!(b.stdout, "imported 3 articles; 5 files written, 0 skipped");
    let hello =
        std::fs::read_to_string(b.site.root().join("content/posts/hello-world.md")).unwrap();
    assert_contains!(
        hello,
        "categories: [[\"GPU\", \"CUDA\"], [\"GPU\", \"虚拟化\"]]\n"
    );
    assert_contains!(hello, "aliases: [\"/2019/05/01/hello-world/\"]\n");
    assert_contains!(hello, "The next post is [Second post](<second-post.md>)");
    assert_contains!(hello, "![A plot](<hello-world/plot.png>)");
    assert!(!hello.contains("layout"), "{hello}");
    let second =
        std::fs::read_to_string(b.site.root().join("content/posts/second-post.md")).unwrap();
    assert_contains!(
        second,
        "categories: [[\"Diary\", \"Life\"]]\ntags: [\"kvm\"]\naliases: [\"/2019/06/01/second-post/\"]\nmath: false\n"
    );
    assert!(
        b.site
            .root()
            .join("content/posts/hello-world/plot.png")
            .is_file()
    );
    assert!(b.site.root().join("static/images/logo.png").is_file());
    assert_contains!(
        b.stderr,
        "source/_posts/hello-world.md:9:1: warning: `layout` in 2 post(s) is not converted"
    );
    assert_contains!(
        b.stderr,
        "source/_posts/hello-world.md:21:1: warning: unknown tag `blockquote` is left as text"
    );
    assert_contains!(
        b.stderr,
        "source/about/index.md: warning: a page, not a post: not converted"
    );
    // The imported site builds, and the old URLs redirect.
    let built = b.into_site().build();
    built.assert_success();
    assert_contains!(
        built.read("2019/05/01/hello-world/index.html"),
        "url=https://x.org/archives/posts/hello-world/"
    );
    assert!(built.exists("categories/diary/life/index.html"));
}

#[test]
fn a_jekyll_blog_is_imported_and_a_second_import_overwrites_nothing() {
    let src = source(
        "jekyll",
        "_posts",
        &[("assets/a.png", "PNG"), ("Gemfile", "x")],
    );
    let b = import("jekyll", src.path());
    assert_eq!(b.code, Some(0), "{}{}", b.stdout, b.stderr);
    let root = b.site.root().to_path_buf();
    let fourier =
        std::fs::read_to_string(root.join("content/posts/2022-10-09-fourier.md")).unwrap();
    assert_contains!(fourier, "date: \"2022-10-09\"\n");
    assert_contains!(fourier, "categories: [\"math\", \"notes\"]\n");
    assert_contains!(
        fourier,
        "aliases: [\"/math/notes/2022/10/09/fourier.html\"]\n"
    );
    assert_contains!(fourier, "See [the first post](<2021-01-15-hello.md>).");
    let hello = std::fs::read_to_string(root.join("content/posts/2021-01-15-hello.md")).unwrap();
    assert_contains!(hello, "aliases: [\"/about-hello/\"]\n");
    let moved = std::fs::read_to_string(root.join("content/posts/2021-03-02-moved.md")).unwrap();
    assert_contains!(
        moved,
        "aliases: [\"/life/2021/03/05/moved.html\", \"/old/moved.html\"]\n"
    );
    let draft =
        std::fs::read_to_string(root.join("content/posts/2021-04-01-unpublished.md")).unwrap();
    assert_contains!(draft, "draft: true\n");
    assert!(root.join("static/assets/a.png").is_file() && !root.join("static/Gemfile").exists());
    std::fs::write(root.join("content/posts/2021-01-15-hello.md"), "mine\n").unwrap();
    let again = b
        .into_site()
        .run(&["import", "jekyll", src.path().to_str().unwrap()]);
    assert_contains!(again.stdout, "0 files written, 5 skipped");
    assert_eq!(
        std::fs::read_to_string(root.join("content/posts/2021-01-15-hello.md")).unwrap(),
        "mine\n"
    );
}

#[test]
fn a_hugo_site_is_imported_with_its_permalinks() {
    let config = "[permalinks]\n  posts = \"/:year/:month/:slug/\"\n";
    let src = source(
        "hugo",
        "content",
        &[("hugo.toml", config), ("static/img/x.png", "PNG")],
    );
    let b = import("hugo", src.path());
    assert_eq!(b.code, Some(0), "{}{}", b.stdout, b.stderr);
    let root = b.site.root().to_path_buf();
    let first = std::fs::read_to_string(root.join("content/posts/first.md")).unwrap();
    assert_contains!(first, "date: \"2023-05-01T10:00:00+02:00\"\n");
    assert_contains!(first, "aliases: [\"/2023/05/first/\"]\n");
    assert_contains!(
        first,
        "[the second](<second.md>) and its\n[details](<second.md#details>)"
    );
    let second = std::fs::read_to_string(root.join("content/posts/second.md")).unwrap();
    assert_contains!(
        second,
        "aliases: [\"/2023/06/the-second/\", \"/old/second/\"]\n"
    );
    assert!(root.join("static/img/x.png").is_file());
    assert_contains!(
        b.stderr,
        "content/posts/first.md:12:1: warning: unknown tag `youtube` is left as text"
    );
    b.into_site().build().assert_success();
}

#[test]
fn front_matter_that_cannot_be_read_is_an_error_at_its_place() {
    let src = tempfile::tempdir().unwrap();
    let posts = src.path().join("_posts");
    std::fs::create_dir_all(&posts).unwrap();
    std::fs::write(
        posts.join("2020-01-01-a.md"),
        "---\ntitle: [unclosed\n---\n",
    )
    .unwrap();
    let b = import("jekyll", src.path());
    assert_eq!(b.code, Some(1), "{}", b.stderr);
    assert_contains!(b.stderr, "_posts/2020-01-01-a.md:2:");
    assert!(!b.site.root().join("content/posts/2020-01-01-a.md").exists());
}

#[test]
fn a_wordpress_export_is_imported_with_its_formulas_and_old_urls() {
    let wxr = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/moving-in/wordpress.xml");
    let b = import("wxr", &wxr);
    assert_eq!(b.code, Some(0), "{}{}", b.stdout, b.stderr);
    assert_contains!(
        b.stdout,
        "to download: https://blog.example.org/wp-content/uploads/2020/01/plot.png\n"
    );
    assert_contains!(
        b.stdout,
        "imported 4 articles; 4 files written, 0 skipped; 0 error(s), 2 warning(s)"
    );
    assert_contains!(
        b.stderr,
        "wordpress.xml:17:2: warning: the shortcode `[caption]` in `Fourier series` has no Markdown"
    );
    assert_contains!(
        b.stderr,
        "wordpress.xml:78:2: warning: `Deleted` is in the trash: not converted"
    );
    let root = b.site.root().to_path_buf();
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    let fourier = read("content/2020/fourier-series.md");
    assert_contains!(
        fourier,
        "id: 12\nslug: \"fourier-series\"\ncategories: [\"Analysis\"]\ntags: [\"Fourier\", \"Series\"]\naliases: [\"/2020/01/fourier-series/\"]\n"
    );
    assert_contains!(
        fourier,
        "a sum $f(x) = \\sum_n c_n e^{inx}$ with *coefficients* $c_n$."
    );
    assert_contains!(
        fourier,
        "$$c_n = \\frac{1}{2\\pi}\\int_{-\\pi}^{\\pi} f(x) e^{-inx}\\,dx$$"
    );
    assert_contains!(fourier, "It costs \\$5 and \\$10");
    assert_contains!(
        read("content/2020/傅里叶.md"),
        "A second paragraph, and $e^{i\\pi}+1=0$."
    );
    assert_contains!(read("content/2020/30.md"), "draft: true\n");
    assert_contains!(read("content/pages/about.md"), "aliases: [\"/about/\"]\n");
    let built = b.into_site().build();
    built.assert_success();
    assert_contains!(
        built.read("archives/12/index.html"),
        "class=\"katex-display\""
    );
    assert_contains!(built.read("archives/12/index.html"), "It costs $5 and $10");
    assert!(built.exists("2020/01/fourier-series/index.html"));
    assert!(built.exists("2020/02/傅里叶/index.html"));
    assert!(!built.exists("archives/30/index.html"));
}
