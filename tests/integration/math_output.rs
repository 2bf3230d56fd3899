//! `math.output`: what pages carry in each mode, the math font of `mathml` pages, the cache kept
//! apart by mode, and a `mathml` page as Chromium shows it.

use crate::cache::counts;
use crate::serve::Server;
use crate::util::*;

const BODY: &str = "Inline $x^2$ and $a = \\eqref{main}$.\n\n\
                    $$\\begin{equation}\\frac{a}{b}\\label{main}\\end{equation}$$\n";

fn site(output: &str) -> Site {
    Site::new()
        .config(&format!(
            "title: T\nbase_url: https://x.org/\nmath:\n  output: {output}\n"
        ))
        .file("content/a.md", &md(FRONT_A, BODY))
}

#[test]
fn mathml_pages_carry_mathml_alone_with_numbers_links_and_the_math_font() {
    let b = site("mathml").build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_eq!(page.matches("<math").count(), 3, "{page}");
    assert_not_contains!(page, "katex-html");
    assert_not_contains!(page, "katex-mathml");
    assert_not_contains!(page, "katex.min.css");
    assert_contains!(page, "href=\"/mathml.css\"");
    // The number KaTeX's MathML leaves to a CSS counter is written in; links are HTML links.
    assert_contains!(page, "<mtd><mtext>(1)</mtext></mtd>");
    assert_not_contains!(page, "mml-eqn-num");
    assert_contains!(page, "<mtext><a href=\"#eq-main\">(1)</a></mtext>");
    assert_contains!(page, "id=\"eq-main\"");
    // Those links are reachable as they are: none is taken out of the tab order or repeated.
    assert_not_contains!(page, "tabindex=\"-1\"");
    assert_not_contains!(page, "eqref-keys");
    let css = b.read("mathml.css");
    assert_contains!(css, "math-font/latinmodern-math.woff2");
    let font = &b.files()["math-font/latinmodern-math.woff2"];
    assert_eq!(&font[..4], b"wOF2");
    assert_contains!(
        b.read("math-font/GUST-FONT-LICENSE.txt"),
        "GUST Font License"
    );
    // The excerpt on the home page links to the article's equation.
    assert_contains!(
        b.read("index.html"),
        "<mtext><a href=\"/archives/1/#eq-main\">(1)</a></mtext>"
    );
}

#[test]
fn html_pages_carry_katex_html_alone() {
    let b = site("html").build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_not_contains!(page, "<math");
    assert_not_contains!(page, "katex-mathml");
    assert_eq!(page.matches("class=\"katex-html\"").count(), 3, "{page}");
    assert_contains!(page, "katex.min.css");
    assert_eq!(link_text(&page, "#eq-main").as_deref(), Some("(1)"));
    // The HTML half is aria-hidden: its link leaves the tab order, and a real one follows.
    assert_contains!(page, "<a tabindex=\"-1\" href=\"#eq-main\">");
    assert_contains!(
        page,
        "<span class=\"eqref-keys\"><a class=\"eqref\" href=\"#eq-main\">(1)</a></span>"
    );
}

#[test]
fn default_pages_carry_both_halves() {
    let b = site("htmlAndMathml").build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_eq!(page.matches("class=\"katex-mathml\"").count(), 3, "{page}");
    assert_eq!(page.matches("class=\"katex-html\"").count(), 3, "{page}");
    assert_contains!(page, "katex.min.css");
    assert_not_contains!(page, "mathml.css");
}

#[test]
fn changing_the_mode_renders_again_and_never_mixes() {
    let default = site("htmlAndMathml").build();
    default.assert_success();
    assert_eq!(counts(&default), (3, 0));
    let first_page = default.read("archives/1/index.html");
    let mathml = default
        .into_site()
        .config("title: T\nbase_url: https://x.org/\nmath:\n  output: mathml\n")
        .build();
    mathml.assert_success();
    assert_eq!(counts(&mathml), (3, 0));
    let page = mathml.read("archives/1/index.html");
    assert_not_contains!(page, "katex-html");
    let warm = mathml.into_site().build();
    assert_eq!(counts(&warm), (0, 3));
    assert_eq!(warm.read("archives/1/index.html"), page);
    let html = warm
        .into_site()
        .config("title: T\nbase_url: https://x.org/\nmath:\n  output: html\n")
        .build();
    assert_eq!(counts(&html), (3, 0));
    assert_not_contains!(html.read("archives/1/index.html"), "<math");
    let back = html
        .into_site()
        .config("title: T\nbase_url: https://x.org/\n")
        .build();
    // The default's entries may still be in the cache: whichever way, the page is the first one.
    let (rendered, cached) = counts(&back);
    assert_eq!(rendered + cached, 3);
    assert_eq!(back.read("archives/1/index.html"), first_page);
}

#[test]
fn an_unknown_mode_is_an_error_at_its_line() {
    let b = site("svg").build();
    b.assert_failure();
    b.assert_stderr("lemma.yaml:4:");
    b.assert_stderr("htmlAndMathml, mathml, html");
}

/// Headless Chromium shows a `mathml` page's formulas with the math font, a centred display
/// formula with its number at the right, and a working `\eqref` link (tests/browser/mathml.mjs).
#[test]
fn a_browser_shows_mathml_pages_with_the_math_font() {
    let Some(browser) = browser("the mathml browser test", &["playwright-core"]) else {
        return;
    };
    let site = site("mathml");
    let server = Server::start(site.root(), &[]);
    let url = format!("{}/archives/1/", server.origin);
    let stdout = server.in_browser(&browser, "mathml.mjs", &[url]);
    assert_contains!(stdout, "math font loaded");
    eprintln!("{}", stdout.trim());
}
