//! Finishing an article once KaTeX has run: its excerpt with formulas in place, KaTeX's
//! rejections, and the plain [`Article`] the site is assembled from.

use rayon::prelude::*;

use super::checks::{PathCheck, path_checks};
use super::front::Rendered;
use crate::diagnostics::Diagnostics;
use crate::markdown::Mode;
use crate::math::{self, FormulaStore};
use crate::site::Article;

pub(super) fn finish_articles(
    base_path: &str,
    rendered: Vec<Rendered>,
    store: &FormulaStore,
    diagnostics: &mut Diagnostics,
) -> (Vec<Article>, Vec<PathCheck>) {
    let results: Vec<(Article, Diagnostics, Vec<PathCheck>)> = rendered
        .into_par_iter()
        .map(|r| {
            let mut failures = Diagnostics::new();
            let (article, checks) = finish_article(base_path, r, store, &mut failures);
            (article, failures, checks)
        })
        .collect();
    let mut articles = Vec::with_capacity(results.len());
    let mut checks = Vec::new();
    for (article, mut failures, more) in results {
        diagnostics.append(&mut failures);
        articles.push(article);
        checks.extend(more);
    }
    (articles, checks)
}

/// One article's formulas and excerpt in place: the article, and the links to output files
/// that must exist. KaTeX's rejections go to `diagnostics`.
pub(super) fn finish_article(
    base_path: &str,
    r: Rendered,
    store: &FormulaStore,
    diagnostics: &mut Diagnostics,
) -> (Article, Vec<PathCheck>) {
    let file = &r.loaded.file;
    let url = format!("{base_path}{}", r.loaded.path.url());
    let excerpt_source = r.summary_html.as_ref().or(r.body.excerpt.as_ref());
    let excerpt_html = excerpt_source
        .map(|html| math::stitch(html, &r.math, store, Mode::Excerpt, &url))
        .unwrap_or_default();
    math::report_failures(file, &r.math, store, diagnostics);
    let checks = path_checks(file, &r.body);
    let front = r.loaded.parsed.front;
    let title = front
        .title
        .or(r.body.first_heading)
        .unwrap_or_else(|| title_from_path(&file.content_path));
    let article = Article {
        source_path: file.path.clone(),
        content_path: file.content_path.clone(),
        title,
        date: front.date,
        updated: front.updated,
        id: front.id.map(|id| id.value),
        path: r.loaded.path,
        categories: front.categories,
        tags: front.tags,
        series: front.series,
        draft: front.draft,
        aliases: r.loaded.aliases,
        extra: front.extra,
        body_html: r.body.html,
        math: r.math,
        excerpt_html,
        has_more: r.body.has_more || r.summary_html.is_some(),
    };
    (article, checks)
}

fn title_from_path(content_path: &str) -> String {
    let stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    stem.rsplit('/').next().unwrap_or(stem).to_string()
}
