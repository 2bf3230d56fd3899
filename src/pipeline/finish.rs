//! Finishing an article once KaTeX has run: its excerpt with formulas in place, KaTeX's
//! rejections, and the plain [`Article`] the site is assembled from.

use rayon::prelude::*;

use super::front::{Bulk, Facts, Loaded};
use crate::diagnostics::Diagnostics;
use crate::markdown::{self, Mode};
use crate::math::{self, FormulaStore, Place};
use crate::site::Article;

/// Finishes every article, in order; the facts are used up (the build needs them no more).
pub(super) fn finish_articles(
    base_path: &str,
    facts: Vec<Facts>,
    bulks: Vec<Bulk>,
    store: &FormulaStore,
    diagnostics: &mut Diagnostics,
) -> Vec<Article> {
    let results: Vec<(Article, Diagnostics)> = facts
        .into_par_iter()
        .zip(bulks)
        .map(|(facts, bulk)| {
            let mut failures = Diagnostics::new();
            let article = finish_article(base_path, &facts.loaded, bulk, store, &mut failures);
            (article, failures)
        })
        .collect();
    let mut articles = Vec::with_capacity(results.len());
    for (article, mut failures) in results {
        diagnostics.append(&mut failures);
        articles.push(article);
    }
    articles
}

/// One article's page, with its formulas and excerpt in place; KaTeX's rejections go to
/// `diagnostics`.
pub(super) fn finish_article(
    base_path: &str,
    loaded: &Loaded,
    bulk: Bulk,
    store: &FormulaStore,
    diagnostics: &mut Diagnostics,
) -> Article {
    let file = &loaded.file;
    let url = format!("{base_path}{}", loaded.path.url());
    let stitch_excerpt = |place: Place| {
        bulk.excerpt
            .as_ref()
            .map(|html| math::stitch(html, &bulk.math, store, place, &url))
            .unwrap_or_default()
    };
    let excerpt_html = stitch_excerpt(Place::Site(Mode::Excerpt));
    let feed_excerpt_html = stitch_excerpt(Place::Feed(Mode::Excerpt));
    math::report_failures(file, &bulk.math, store, diagnostics);
    let front = &loaded.parsed.front;
    let title = front
        .title
        .clone()
        .or(bulk.first_heading)
        .unwrap_or_else(|| title_from_path(&file.content_path));
    Article {
        content_path: file.content_path.clone(),
        title,
        date: front.date,
        updated: front.updated,
        id: front.id.as_ref().map(|id| id.value),
        path: loaded.path.clone(),
        categories: front.categories.iter().map(|c| c.value.clone()).collect(),
        tags: front.tags.iter().map(|t| t.value.clone()).collect(),
        series: front.series.clone(),
        draft: front.draft,
        aliases: loaded.aliases.clone(),
        extra: front.extra.clone(),
        length: markdown::text_length(&bulk.html),
        body_html: bulk.html,
        math: bulk.math,
        excerpt_html,
        feed_excerpt_html,
        has_more: bulk.has_more,
        author: front.author.clone(),
        toc: front.toc,
        headings: bulk.headings,
        links_to: Vec::new(),
    }
}

fn title_from_path(content_path: &str) -> String {
    let stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    stem.rsplit('/').next().unwrap_or(stem).to_string()
}
