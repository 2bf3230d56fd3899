use super::*;

/// Runs `f` on the input of an article `content/a.md` that is all `text`, at `/a/`.
pub(super) fn with_input<R>(text: &str, f: impl FnOnce(&Input) -> R) -> R {
    let file = SourceFile::new("content/a.md".into(), "a.md".into(), text.into());
    let targets = LinkTargets {
        base_path: "/".into(),
        ..LinkTargets::default()
    };
    let input = Input {
        file: &file,
        body_offset: 0,
        url: "/a/",
        drop_first_heading: false,
        targets: &targets,
        math: true,
        kramdown_inline_math: false,
        highlight: true,
        excerpt_separator: None,
    };
    f(&input)
}

fn render_text(text: &str) -> (RenderedBody, Vec<Formula>) {
    let (body, formulas, _) = render_with_problems(text);
    (body, formulas)
}

fn render_with_problems(text: &str) -> (RenderedBody, Vec<Formula>, Diagnostics) {
    with_input(text, |input| {
        let (mut formulas, mut diagnostics) = (Vec::new(), Diagnostics::new());
        let body = render(input, &mut formulas, &mut diagnostics);
        (body, formulas, diagnostics)
    })
}

#[test]
fn heading_ids_follow_github_and_repeat_with_suffixes() {
    assert_eq!(heading_id("小结"), "小结");
    assert_eq!(heading_id("Hello, World!"), "hello-world");
    let (body, _) = render_text("## 小结\n\n## 小结\n\n## 推导 {#derivation}\n");
    assert!(body.html.contains("<h2 id=\"小结\">"), "{}", body.html);
    assert!(body.html.contains("<h2 id=\"小结-1\">"), "{}", body.html);
    assert!(
        body.html.contains("<h2 id=\"derivation\">"),
        "{}",
        body.html
    );
}

#[test]
fn formulas_become_placeholders_with_file_positions() {
    let (body, formulas) = render_text("由式$x^2$可得\n\n$$\ny\n$$\n");
    assert_eq!(formulas.len(), 2);
    assert_eq!(formulas[0].tex, "x^2");
    assert!(!formulas[0].display && formulas[1].display);
    assert_eq!(
        &"由式$x^2$可得"[formulas[0].offset..formulas[0].offset + 3],
        "x^2"
    );
    assert!(body.html.contains(&placeholder(0)) && body.html.contains(&placeholder(1)));
}

#[test]
fn code_is_never_math() {
    let (body, formulas, diagnostics) =
        render_with_problems("`$x$`\n\n```\n$y$ $$\n{\n$$\n```\n\n    $a{$\n");
    assert!(formulas.is_empty());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(body.html.contains("<code>$x$</code>"), "{}", body.html);
}

#[test]
fn bare_numbered_environment_is_display_math() {
    let (_, formulas) = render_text("\\begin{equation}\na \\\\ b\n\\end{equation}\n");
    assert_eq!(formulas.len(), 1);
    assert!(formulas[0].display);
    assert!(
        formulas[0].tex.contains("a \\\\ b"),
        "{:?}",
        formulas[0].tex
    );
}

#[test]
fn lone_image_becomes_a_captioned_figure() {
    let (body, _) = render_text("![铁锅（网络图）](pot.svg)\n\ntext ![inline](x.svg) text\n");
    assert!(
        body.html
            .contains("<figure><img src=\"/pot.svg\" alt=\"铁锅（网络图）\""),
        "{}",
        body.html
    );
    assert!(
        body.html
            .contains("<figcaption>铁锅（网络图）</figcaption>"),
        "{}",
        body.html
    );
    assert_eq!(body.html.matches("<figure>").count(), 1);
}

#[test]
fn excerpt_stops_at_more_and_carries_no_ids() {
    let (body, _) = render_text("## 引言\n\n开头[^1]。\n\n<!--more-->\n\n后文\n\n[^1]: 注\n");
    let excerpt = body.excerpt.unwrap();
    assert!(
        excerpt.contains("开头") && !excerpt.contains("后文"),
        "{excerpt}"
    );
    assert!(!excerpt.contains("id="), "{excerpt}");
    assert!(body.has_more);
}

#[test]
fn first_paragraph_is_the_excerpt_without_a_marker() {
    let (body, _) = render_text("# 标题\n\n第一段。\n\n第二段。\n");
    assert_eq!(body.excerpt.as_deref(), Some("<p>第一段。</p>\n"));
    assert_eq!(body.first_heading.as_deref(), Some("标题"));
    assert!(body.has_more);
}

#[test]
fn formulas_refused_for_their_braces_are_errors_at_the_brace() {
    let (body, formulas, diagnostics) =
        render_with_problems("ok\n\n$$\nx = \\frac{1}{2\n$$\n\n- $a}$ b\n");
    assert!(formulas.is_empty());
    let found: Vec<(usize, usize)> = diagnostics
        .iter()
        .map(|d| (d.position.line, d.position.column))
        .collect();
    assert_eq!(found, [(4, 13), (7, 5)], "{diagnostics:?}");
    assert!(
        body.html.contains("\\frac{1}{2"),
        "the text stays: {}",
        body.html
    );
}

/// Renders `text` with the reading an article or site asked for.
fn render_read_as(text: &str, adjust: impl FnOnce(&mut Input)) -> (RenderedBody, Vec<Formula>) {
    with_input(text, |input| {
        let mut input = Input { ..*input };
        adjust(&mut input);
        let (mut formulas, mut diagnostics) = (Vec::new(), Diagnostics::new());
        let body = render(&input, &mut formulas, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        (body, formulas)
    })
}

#[test]
fn math_off_leaves_dollars_as_text() {
    let text = "Coffee $3, cake $5 {.\n\n\\begin{equation}x\\end{equation}\n";
    let (body, formulas) = render_read_as(text, |input| input.math = false);
    assert!(formulas.is_empty(), "{formulas:?}");
    assert!(body.html.contains("Coffee $3, cake $5"), "{}", body.html);
}

#[test]
fn kramdown_reads_double_dollars_in_a_sentence_as_inline_math() {
    let text = "Let $$x^2$$ be given.\n\n$$y$$\n";
    let (_, formulas) = render_read_as(text, |input| input.kramdown_inline_math = true);
    let display: Vec<bool> = formulas.iter().map(|f| f.display).collect();
    assert_eq!(display, [false, true]);
    let (_, formulas) = render_read_as(text, |_| {});
    assert!(formulas.iter().all(|f| f.display));
}

#[test]
fn an_excerpt_separator_of_the_article_cuts_the_excerpt() {
    let text = "One.\n\nTwo.\n\n<!-- excerpt -->\n\nThree.\n";
    let (body, _) = render_read_as(text, |input| {
        input.excerpt_separator = Some("<!-- excerpt -->")
    });
    let excerpt = body.excerpt.unwrap();
    assert!(
        excerpt.contains("Two.") && !excerpt.contains("Three."),
        "{excerpt}"
    );
}
