//! Math: code stays literal, equation numbering, labels and references, macros.

use crate::util::*;

fn article(body: &str) -> String {
    md(FRONT_A, body)
}

#[test]
fn dollars_in_code_stay_literal() {
    let body = "Inline `$x$` here.\n\n```\n$y$ and $$z$$\n```\n\nReal $w$.\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_contains!(page, "<code>$x$</code>");
    assert_contains!(
        page,
        "<pre tabindex=\"0\"><code>$y$ and $$z$$\n</code></pre>"
    );
    assert_eq!(page.matches("class=\"katex\"").count(), 1, "{page}");
}

#[test]
fn equation_label_and_eqref_link() {
    let body = "$$\\begin{equation}a\\label{eq:a}\\end{equation}$$\n\n$$\\begin{equation}b\\label{eq:b}\\end{equation}$$\n\n由 $\\eqref{eq:a}$ 与 $\\ref{eq:b}$ 可得。\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_eq!(page.matches("id=\"eq-eq:a\"").count(), 1, "{page}");
    assert_eq!(link_text(&page, "#eq-eq:a").as_deref(), Some("(1)"));
    assert_eq!(link_text(&page, "#eq-eq:b").as_deref(), Some("2"));
}

#[test]
fn numbering_restarts_in_each_article() {
    let one = "$$\\begin{equation}a\\end{equation}$$\n\n$$\\begin{equation}b\\label{k}\\end{equation}$$\n\n$\\eqref{k}$\n";
    let two = md(
        "title: B\ndate: 2024-01-02\nid: 2",
        "$$\\begin{equation}c\\label{k}\\end{equation}$$\n\n$\\eqref{k}$\n",
    );
    let b = Site::with_article(one).file("content/b.md", &two).build();
    b.assert_success();
    assert_eq!(
        link_text(&b.read("archives/1/index.html"), "#eq-k").as_deref(),
        Some("(2)")
    );
    assert_eq!(
        link_text(&b.read("archives/2/index.html"), "#eq-k").as_deref(),
        Some("(1)")
    );
}

#[test]
fn reference_to_unknown_label_is_an_error_at_its_line() {
    let body = "$$\\begin{equation}a\\label{eq:a}\\end{equation}$$\n\n见 $\\eqref{eq:nope}$。\n";
    let b = Site::with_article(body).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/a.md:8:4: error: "),
        "{}",
        b.stderr
    );
    assert_contains!(errors[0], "eq:nope");
}

#[test]
fn duplicate_label_is_an_error() {
    let body = "$$\\begin{equation}a\\label{k}\\end{equation}$$\n\n$$\\begin{equation}b\\label{k}\\end{equation}$$\n";
    let b = Site::with_article(body).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/a.md:8:20: error: "),
        "{}",
        b.stderr
    );
    assert_contains!(errors[0], "duplicate label `k`");
}

#[test]
fn site_macros_from_config() {
    let config =
        "title: T\nbase_url: https://x.org/\nmath:\n  macros:\n    \"\\\\R\": \"\\\\mathbb{R}\"\n";
    let b = Site::new()
        .config(config)
        .file("content/a.md", &article("$x\\in\\R$\n"))
        .build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_contains!(page, "class=\"mord mathbb\"");
    assert_contains!(
        page,
        "<annotation encoding=\"application/x-tex\">x\\in\\R</annotation>"
    );
}

#[test]
fn newcommand_applies_to_later_formulas_of_the_same_article_only() {
    let one = article("$\\newcommand{\\KL}{\\mathrm{KL}}$\n\nThen $\\KL(p\\|q)$.\n");
    let two = md("title: B\ndate: 2024-01-02\nid: 2", "Other\n\n$\\KL$\n");
    let ok = Site::new().file("content/a.md", &one).build();
    ok.assert_success();
    assert_contains!(
        ok.read("archives/1/index.html"),
        "<span class=\"mord mathrm\">KL</span>"
    );
    let b = ok.into_site().file("content/b.md", &two).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/b.md:8:2: error: KaTeX: Undefined control sequence: \\KL"),
        "{}",
        b.stderr
    );
}

#[test]
fn bare_equation_environment_is_display_math() {
    let b = Site::new()
        .file(
            "content/a.md",
            &article("\\begin{equation}E=mc^2\\label{e}\\end{equation}\n\nSee $\\eqref{e}$.\n"),
        )
        .build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_contains!(page, "class=\"katex-display\"");
    assert_eq!(link_text(&page, "#eq-e").as_deref(), Some("(1)"));
}

#[test]
fn align_rows_own_tags_and_refs_from_the_excerpt() {
    let body = "By $\\eqref{r2}$ and $\\eqref{t}$.\n\n<!--more-->\n\n$$\\begin{equation}x\\tag{A}\\label{t}\\end{equation}$$\n\n$$\\begin{align}a\\label{r1}\\\\b\\label{r2}\\end{align}$$\n\n$\\eqref{r1}$\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_eq!(link_text(&page, "#eq-r1").as_deref(), Some("(1)"));
    assert_eq!(link_text(&page, "#eq-r2").as_deref(), Some("(2)"));
    assert_eq!(link_text(&page, "#eq-t").as_deref(), Some("(A)"));
    for id in ["eq-r1", "eq-r2", "eq-t"] {
        assert_eq!(page.matches(&format!("id=\"{id}\"")).count(), 1, "{id}");
    }
    // In the listing the references point at the article page, and the listing has no anchors.
    let listing = b.read("index.html");
    assert_eq!(
        link_text(&listing, "/archives/1/#eq-r2").as_deref(),
        Some("(2)")
    );
    assert_not_contains!(listing, "id=\"eq-");
}

#[test]
fn front_matter_macros_apply_to_that_article_only() {
    let one = md(
        "title: A\ndate: 2024-01-01\nid: 1\nmath:\n  macros:\n    \"\\\\E\": \"\\\\mathbb{E}\"",
        "$\\E[x]$\n",
    );
    let ok = Site::new().file("content/a.md", &one).build();
    ok.assert_success();
    assert_contains!(ok.read("archives/1/index.html"), "class=\"mord mathbb\"");
    let b = ok
        .into_site()
        .file(
            "content/b.md",
            &md("title: B\ndate: 2024-01-02\nid: 2", "$\\E[x]$\n"),
        )
        .build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/b.md:6:2: error: KaTeX: Undefined control sequence: \\E"),
        "{}",
        b.stderr
    );
}

#[test]
fn dollar_signs_around_chinese_text_warn() {
    let b = Site::new()
        .file("content/a.md", &article("这本书$5，那本$10。\n"))
        .build();
    b.assert_success();
    let warnings = b.diagnostics("warning");
    assert_eq!(warnings.len(), 1, "{}", b.stderr);
    assert!(
        warnings[0].starts_with("content/a.md:6:6: warning: "),
        "{}",
        b.stderr
    );
    assert_contains!(warnings[0], "\\$");
}

#[test]
fn href_in_math_never_becomes_a_link() {
    let b = Site::new()
        .file(
            "content/a.md",
            &article("ok $\\href{https://e.com}{x}$ and $\\url{https://f.com}$\n"),
        )
        .build();
    // Refused or rendered untrusted, but never a live link: formulas are untrusted input.
    for html in b.html_pages().values() {
        assert_not_contains!(html, "href=\"https://e.com\"");
        assert_not_contains!(html, "href=\"https://f.com\"");
    }
}

#[test]
fn href_next_to_an_equation_reference_is_an_error() {
    let body = "$$\\begin{equation}a\\label{k}\\end{equation}$$\n\n- item $\\href{https://e.com}{x}\\eqref{k}$\n";
    let b = Site::with_article(body).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("content/a.md:8:9: error: "),
        "{}",
        b.stderr
    );
    assert_contains!(errors[0], "\\href");
}

#[test]
fn expansion_bomb_is_an_error_not_a_hang() {
    let body = "正文\n\n$\\def\\a{\\a\\a}\\a$\n";
    let b = Site::with_article(body).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    // KaTeX gives no position for this one: the diagnostic points at the formula.
    assert!(
        errors[0].starts_with("content/a.md:8:1: error: KaTeX: Too many expansions"),
        "{}",
        b.stderr
    );
}

#[test]
fn katex_errors_point_into_lists_quotes_and_tables() {
    let body = "- item\n- 项 $a+\\xyz$\n\n> 引用\n> $$\n> b +\n> \\nope\n> $$\n\n| a | b |\n|---|---|\n| 1 | $\\bad$ |\n";
    let b = Site::with_article(body).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 3, "{}", b.stderr);
    // The body starts on line 6: the list item is line 7, the quoted `\nope` line 12, the cell 17.
    assert!(
        errors[0].starts_with("content/a.md:7:8: error: KaTeX: Undefined control sequence: \\xyz"),
        "{}",
        b.stderr
    );
    assert!(
        errors[1]
            .starts_with("content/a.md:12:3: error: KaTeX: Undefined control sequence: \\nope"),
        "{}",
        b.stderr
    );
    assert!(
        errors[2].starts_with("content/a.md:17:8: error: KaTeX: Undefined control sequence: \\bad"),
        "{}",
        b.stderr
    );
}

#[test]
fn mhchem_and_chinese_text_render() {
    let body = "水是 $\\ce{H2O}$，且 $x>0\\text{（其中 x 为正）}$。\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_eq!(page.matches("class=\"katex\"").count(), 2, "{page}");
    assert_contains!(page, "其中");
    assert_not_contains!(b.stderr, ": warning:");
}

/// The `aria-hidden` half of each KaTeX formula in `page` (with a little after it: up to
/// what follows the formula, the next formula or the end of the paragraph).
fn hidden_halves(page: &str) -> Vec<&str> {
    page.split("<span class=\"katex-html\" aria-hidden=\"true\">")
        .skip(1)
        .map(|rest| {
            let ends = [
                "<span class=\"eqref-keys\">",
                "<span class=\"katex-mathml\">",
                "</p>",
            ];
            let end = ends.iter().filter_map(|e| rest.find(e)).min();
            &rest[..end.unwrap_or(rest.len())]
        })
        .collect()
}

#[test]
fn a_reference_alone_is_a_plain_link_without_katex() {
    let body = "$$\\begin{equation}a\\label{k}\\end{equation}$$\n\n由 $\\eqref{k}$ 与 $\\ref{k}$ 可得。\n\n<!--more-->\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_contains!(
        page,
        "由 <a class=\"eqref\" href=\"#eq-k\">(1)</a> 与 <a class=\"eqref\" href=\"#eq-k\">1</a> 可得"
    );
    // Only the equation itself went through KaTeX.
    assert_eq!(page.matches("class=\"katex\"").count(), 1, "{page}");
    assert_not_contains!(page, "eqref-keys");
    // In the listing the link goes to the article page.
    let listing = b.read("index.html");
    assert_contains!(
        listing,
        "<a class=\"eqref\" href=\"/archives/1/#eq-k\">(1)</a>"
    );
}

#[test]
fn a_reference_inside_a_formula_is_reachable_outside_the_hidden_half() {
    let body = "$$\\begin{equation}a\\label{k}\\end{equation}$$\n\n所以 $x\\le\\eqref{k}+1$。\n\n<!--more-->\n";
    let b = Site::with_article(body).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    // KaTeX's link stays for the mouse but leaves the keyboard's tab order ...
    let halves = hidden_halves(&page);
    assert_eq!(halves.len(), 2, "{page}");
    assert!(halves.iter().all(|h| !h.contains("<a href")), "{page}");
    assert_eq!(
        halves
            .iter()
            .filter(|h| h.contains("<a tabindex=\"-1\" href=\"#eq-k\">"))
            .count(),
        1
    );
    // ... and a real link follows the formula, outside any aria-hidden element.
    assert_contains!(
        page,
        "</span><span class=\"eqref-keys\"><a class=\"eqref\" href=\"#eq-k\">(1)</a></span>。"
    );
    let listing = b.read("index.html");
    assert_contains!(listing, "<a tabindex=\"-1\" href=\"/archives/1/#eq-k\">");
    assert_contains!(
        listing,
        "<span class=\"eqref-keys\"><a class=\"eqref\" href=\"/archives/1/#eq-k\">(1)</a></span>"
    );
}
