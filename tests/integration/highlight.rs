//! Code: fenced blocks are highlighted at build time with classes, never inline colours.

use crate::util::*;

const BODY: &str = "Real $w$.\n\n\
```rust\nfn main() { let price = \"$x$\"; }\n```\n\n\
```python\ndef f(a):\n    return a < 2  # $$y$$\n```\n\n\
```no-such-language\n$z$ <b>\n```\n";

#[test]
fn fenced_code_gets_classes_and_the_stylesheet() {
    let b = Site::with_article(BODY).build();
    b.assert_success();
    assert!(
        b.diagnostics("warning").is_empty(),
        "{:?}",
        b.diagnostics("warning")
    );
    let page = b.read("archives/1/index.html");
    assert_contains!(page, "<code class=\"language-rust\">");
    assert_contains!(page, "<code class=\"language-python\">");
    assert_contains!(
        page,
        "<code class=\"language-no-such-language\">$z$ &lt;b&gt;\n</code>"
    );
    assert!(page.matches("<span class=\"hl-").count() > 4, "{page}");
    for block in page.split("<pre").skip(1) {
        let block = &block[..block.find("</pre>").expect("every <pre> is closed")];
        assert_not_contains!(block, "style=");
    }
    assert_eq!(
        page.matches("<pre class=\"hl-code\" tabindex=\"0\">")
            .count(),
        3,
        "{page}"
    );
    assert_contains!(page, "</span>$x$<span");
    assert_contains!(page, "$$y$$");
    // Only the formula outside code is typeset.
    assert_eq!(page.matches("class=\"katex\"").count(), 1, "{page}");
    assert_contains!(page, "highlight.css\">");
    let css = b.read("highlight.css");
    assert_contains!(css, ".hl-code");
    assert_contains!(css, "@media (prefers-color-scheme: dark)");
}

#[test]
fn warm_builds_take_highlighted_code_from_the_cache() {
    let first = Site::with_article("```rust\nfn main() {}\n```\n").build();
    first.assert_success();
    let site = first.into_site();
    let store = site.root().join(".lemma-cache/highlight.bin");
    let mut bytes = std::fs::read(&store).expect("the first build saves highlighted code");
    // Same length, so the record stays valid: the next build must show the stored text.
    let at = bytes
        .windows(9)
        .position(|w| w == b"hl-source")
        .expect("the stored block has the class");
    bytes[at..at + 9].copy_from_slice(b"hl-SOURCE");
    std::fs::write(&store, bytes).unwrap();
    let warm = site.build();
    warm.assert_success();
    assert_contains!(warm.read("archives/1/index.html"), "hl-SOURCE");
    let fresh = warm.into_site().build_with(&["--no-cache"]);
    fresh.assert_success();
    assert_not_contains!(fresh.read("archives/1/index.html"), "hl-SOURCE");
}

#[test]
fn switched_off_code_stays_plain() {
    let b = Site::with_article(BODY)
        .config("title: T\nbase_url: https://x.org/\nreader:\n  highlight: false\n")
        .build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_contains!(
        page,
        "<pre tabindex=\"0\"><code class=\"language-rust\">fn main() { let price = &quot;$x$&quot;; }\n</code></pre>"
    );
    assert_not_contains!(page, "hl-");
    assert_not_contains!(page, "highlight.css");
    assert!(!b.exists("highlight.css"), "no page links the code colours");
    assert_eq!(page.matches("class=\"katex\"").count(), 1, "{page}");
}
