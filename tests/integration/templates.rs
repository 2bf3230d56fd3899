//! A site's own `templates/` overriding the built-in theme.

use crate::util::*;

const ARTICLE: &str = "{% extends \"base.html\" %}\n{% block content %}\n<div class=\"my-article\">{{ article.title }}|{{ article.content_html | safe }}</div>\n{% endblock content %}\n";

fn site() -> Site {
    Site::new().file(
        "content/a.md",
        &md("title: Alpha\ndate: 2024-01-01\nid: 1", "Body $x$.\n"),
    )
}

#[test]
fn site_template_replaces_the_built_in_one() {
    let b = site().file("templates/article.html", ARTICLE).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_contains!(
        page,
        "<div class=\"my-article\">Alpha|<p>Body <span class=\"katex\">"
    );
    assert_not_contains!(page, "class=\"post-content\"");
    // base.html still comes from the built-in theme.
    assert_contains!(page, "<title>Alpha - T</title>");
    assert_contains!(page, "class=\"site-nav\"");
    // Other templates are untouched.
    assert_contains!(b.read("index.html"), "class=\"read-more\"");
}

#[test]
fn base_override_restyles_every_page() {
    let base =
        "<html><body data-own-base>{% block content %}{% endblock content %}</body></html>\n";
    let b = site().file("templates/base.html", base).build();
    b.assert_success();
    for path in [
        "index.html",
        "archives/1/index.html",
        "tags/index.html",
        "404.html",
    ] {
        assert_contains!(b.read(path), "<body data-own-base>");
    }
}

#[test]
fn template_syntax_error_is_reported_at_its_line_and_column() {
    let broken = "{% extends \"base.html\" %}\n{% block content %}\n<div>{{ article.title </div>\n{% endblock content %}\n";
    let b = site().file("templates/article.html", broken).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("templates/article.html:3:23: error: template: "),
        "{}",
        b.stderr
    );
}

#[test]
fn template_rendering_error_names_the_template() {
    let broken = "{% extends \"base.html\" %}\n{% block content %}\n{{ article.nope.x }}\n{% endblock content %}\n";
    let b = site().file("templates/article.html", broken).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert!(
        errors
            .iter()
            .all(|e| e.starts_with("templates/article.html:3:")),
        "{}",
        b.stderr
    );
    assert_contains!(errors[0], "nope");
}

#[test]
fn unknown_filter_is_reported_at_its_line_and_column() {
    let broken = "{% extends \"base.html\" %}\n{% block content %}\n{{ article.title | no_such_filter }}\n{% endblock content %}\n";
    let b = site().file("templates/article.html", broken).build();
    b.assert_failure();
    let errors = b.diagnostics("error");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert!(
        errors[0].starts_with("templates/article.html:3:20: error: template: Unknown filter"),
        "{}",
        b.stderr
    );
}

#[test]
fn site_partials_can_be_included_by_overrides() {
    let article = "{% extends \"base.html\" %}\n{% block content %}{% include \"partials/sig.html\" %}{% endblock content %}\n";
    let b = site()
        .file("templates/article.html", article)
        .file(
            "templates/partials/sig.html",
            "<p class=\"sig\">— {{ article.title }}</p>",
        )
        .build();
    b.assert_success();
    assert_contains!(
        b.read("archives/1/index.html"),
        "<p class=\"sig\">— Alpha</p>"
    );
}

#[test]
fn article_template_sees_the_documented_context() {
    let template = r#"url={{ page.url }}|perma={{ page.permalink }}|kind={{ page.kind }}|base={{ site.base_path }}|feed={{ site.feed_url }}
date={{ article.date.ymd }} {{ article.date.day }} {{ article.date.month_abbr }} {{ article.date.year }}|upd={% if article.updated %}{{ article.updated.ymd }}{% endif %}
series={{ article.series.position }}/{{ article.series.total }} prev={{ article.series.previous?.url | default(value="-") }}
site_prev={{ article.previous?.url | default(value="-") }}|tags={% for t in article.tags %}{{ t.name }}@{{ t.url }};{% endfor %}
extra={{ site.extra.color }}/{{ article.extra?.mood | default(value="-") }}|ui={{ site.ui.read_more }}
"#;
    let config =
        "title: T\nbase_url: https://x.org/blog/\nextra:\n  color: red\nui:\n  read_more: MORE\n";
    let front = "title: A\ndate: 2024-03-17 10:00\nupdated: 2024-04-01\nid: 1\ntags: [熵]\nseries: S\nextra:\n  mood: calm";
    let b = Site::new()
        .config(config)
        .file("templates/article.html", template)
        .file("content/a.md", &md(front, "x\n"))
        .file(
            "content/b.md",
            &md("title: B\ndate: 2023-01-02\nid: 2\nseries: S", "y\n"),
        )
        .build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    assert_contains!(
        page,
        "url=/blog/archives/1/|perma=https://x.org/blog/archives/1/|kind=article|base=/blog/|feed=https://x.org/blog/atom.xml"
    );
    assert_contains!(page, "date=2024-03-17 17 Mar 2024|upd=2024-04-01");
    assert_contains!(page, "series=2/2 prev=/blog/archives/2/");
    assert_contains!(page, "site_prev=/blog/archives/2/|tags=熵@/blog/tags/熵/;");
    assert_contains!(page, "extra=red/calm|ui=MORE");
}

#[test]
fn notes_in_the_templates_folder_are_not_templates() {
    let b = site()
        .file("templates/README.md", "Override {{ broken by name.\n")
        .build();
    b.assert_success();
}
