//! Hostile input: injection. A label key becomes an element id and a URL fragment; what an
//! author writes in one must never become an attribute of its own.

use crate::serve::Server;
use crate::util::{FRONT_A, Site, md};

const HOSTILE: &str = "\\begin{equation}\ny \\label{b\" onmouseover=\"alert(1)}\n\\end{equation}\n\nSee $\\eqref{b\" onmouseover=\"alert(1)}$.\n";

#[test]
fn a_label_key_cannot_carry_an_attribute() {
    let published = Site::with_article("Fine $x$.\n").build();
    published.assert_success();
    let before = published.files();
    let b = published
        .into_site()
        .file("content/a.md", &md(FRONT_A, HOSTILE))
        .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_contains!(
        errors[0],
        "content/a.md:7:3: error: label key has characters that cannot be part of a link (`\"`, space, `=`, `(`, `)`); use only letters, digits and `:` `_` `-` `.`"
    );
    assert_contains!(
        errors[1],
        "content/a.md:10:6: error: reference to unknown label"
    );
    assert_eq!(errors.len(), 2, "{}", b.stderr);
    assert_eq!(
        b.files(),
        before,
        "a failed build changed the published site"
    );
    for text in b.texts().values() {
        assert_not_contains!(text, "onmouseover");
    }
}

#[test]
fn the_preview_of_a_hostile_label_has_no_attribute_either() {
    let site = Site::with_article(HOSTILE);
    let server = Server::start(site.root(), &[]);
    // The error box quotes the source line, escaped: text, not an attribute.
    for path in ["/archives/1/", "/"] {
        assert_not_contains!(server.get(path).body, "onmouseover=\"");
    }
    // In the feed, markup is escaped once: an attribute would read `onmouseover=&quot;`, the
    // quoted source of a failed formula `onmouseover=&amp;quot;`.
    assert_not_contains!(server.get("/atom.xml").body, "onmouseover=&quot;");
    assert_contains!(server.get("/archives/1/").body, "label key has characters");
}

#[test]
fn letters_of_any_script_make_a_label() {
    let b = Site::with_article(
        "\\begin{equation}\nx \\label{式:一_a-1.b}\n\\end{equation}\n\n见 $\\eqref{式:一_a-1.b}$.\n",
    )
    .build();
    b.assert_success();
    assert!(b.diagnostics("warning").is_empty(), "{}", b.stderr);
    let page = b.read("archives/1/index.html");
    assert_contains!(page, "<span id=\"eq-式:一_a-1.b\" class=\"eq-anchor\">");
    assert_contains!(page, "href=\"#eq-式:一_a-1.b\"");
}

#[test]
fn a_cited_tag_cannot_smuggle_a_trusted_command() {
    // A reference is rendered with KaTeX's `trust` and carries the cited equation's tag.
    let b = Site::with_article(
        "$$x\\tag{\\href{javascript:alert(1)}{y}}\\label{k}$$\n\nSee $\\eqref{k}$.\n",
    )
    .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert_contains!(
        errors[0],
        "content/a.md:8:6: error: `\\href` cannot share a formula with `\\eqref`/`\\ref` (it comes from a macro or a referenced equation's `\\tag`)"
    );
}

#[test]
fn nul_characters_cannot_forge_or_swallow_a_formula() {
    // lemma marks formulas in its HTML as NUL, index, NUL. An author's NULs used to pull in a
    // formula's rendering where they stood, or drop the text between them.
    let b =
        Site::with_article("Before $x^2$.\n\nforged \u{0}0\u{0} and kept \u{0}text\u{0} here.\n")
            .build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_eq!(page.matches("class=\"katex\"").count(), 1, "{page}");
    // NUL is one of the characters XML forbids: replaced by a space when the file is read.
    assert_contains!(page, "forged  0  and kept  text  here.");
    assert_contains!(b.stderr, "U+0000");
    assert_not_contains!(page, "\u{0}");
}
