//! What templates see: borrowed, serializable views over the [`Site`], as documented in
//! `docs/templates.md`. Nothing here is computed twice: each view is a projection of plain data.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, FixedOffset};
use serde::Serialize;

use super::PageKind;
use super::reader::{self, CitationView, LengthView, TocEntry};
use crate::config::{Reader, Ui};
use crate::output::SitePath;
use crate::site::{Article, Site, TaxonomyKind, Term, term_key};

#[derive(Serialize)]
pub(crate) struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub author: &'a str,
    pub language: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub feed_url: String,
    pub ui: &'a Ui,
    /// `math.output` as written in `lemma.yaml`: the theme loads KaTeX's CSS or a math font.
    pub math_output: &'static str,
    pub reader: &'a Reader,
    pub extra: &'a serde_json::Value,
}

impl<'a> SiteView<'a> {
    pub(crate) fn new(site: &'a Site) -> Self {
        let config = &site.config;
        SiteView {
            title: &config.title,
            description: &config.description,
            author: &config.author,
            language: &config.language,
            base_url: config.base_url.as_str(),
            base_path: &config.base_path,
            feed_url: super::single_permalink(site, PageKind::Feed),
            ui: &config.ui,
            math_output: config.math.output.name(),
            reader: &config.reader,
            extra: &config.extra,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct PageView {
    pub kind: PageKind,
    pub title: String,
    pub url: String,
    pub permalink: String,
}

impl PageView {
    pub(crate) fn new(
        site: &Site,
        kind: PageKind,
        title: impl Into<String>,
        path: &SitePath,
    ) -> Self {
        PageView {
            kind,
            title: title.into(),
            url: site.url(path),
            permalink: site.permalink(path),
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[derive(Serialize, Clone)]
pub(crate) struct DateView {
    pub iso: String,
    pub ymd: String,
    pub year: String,
    pub month: String,
    pub month_abbr: &'static str,
    pub day: String,
}

impl DateView {
    pub(crate) fn new(date: &DateTime<FixedOffset>) -> Self {
        DateView {
            iso: date.to_rfc3339(),
            ymd: date.format("%Y-%m-%d").to_string(),
            year: date.format("%Y").to_string(),
            month: date.format("%m").to_string(),
            month_abbr: MONTHS[date.month0() as usize],
            day: date.format("%d").to_string(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct LinkView<'a> {
    pub title: &'a str,
    pub url: String,
}

impl<'a> LinkView<'a> {
    pub(crate) fn article(site: &Site, article: &'a Article) -> Self {
        LinkView {
            title: &article.title,
            url: site.url(&article.path),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct TermRef<'a> {
    pub name: &'a str,
    pub url: String,
}

impl<'a> TermRef<'a> {
    pub(crate) fn of(site: &'a Site, term: &'a Term) -> Self {
        TermRef {
            name: &term.name,
            url: site.url(&term.path),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct SeriesView<'a> {
    pub name: &'a str,
    pub url: String,
    pub position: usize,
    pub total: usize,
    pub position_label: String,
    pub previous: Option<LinkView<'a>>,
    pub next: Option<LinkView<'a>>,
}

#[derive(Serialize)]
pub(crate) struct SummaryView<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: Option<DateView>,
    pub updated: Option<DateView>,
    pub draft: bool,
    pub categories: Vec<TermRef<'a>>,
    pub tags: Vec<TermRef<'a>>,
    pub series: Option<SeriesView<'a>>,
    pub excerpt_html: Cow<'a, str>,
    pub has_more: bool,
}

impl<'a> SummaryView<'a> {
    pub(crate) fn new(site: &'a Site, index: usize) -> Self {
        let article = &site.articles[index];
        let term_refs = |kind: TaxonomyKind, keys: Vec<String>| -> Vec<TermRef<'a>> {
            let mut seen = std::collections::BTreeSet::new();
            keys.into_iter()
                .filter(|key| seen.insert(key.clone()))
                .filter_map(|key| site.term(kind, &key))
                .map(|term| TermRef::of(site, term))
                .collect()
        };
        let categories = article.categories.iter().map(|p| term_key(p)).collect();
        let tags = article.tags.iter().map(|t| term_key(&[t])).collect();
        SummaryView {
            title: &article.title,
            url: site.url(&article.path),
            permalink: site.permalink(&article.path),
            date: article.date.as_ref().map(DateView::new),
            updated: article.updated.as_ref().map(DateView::new),
            draft: article.draft,
            categories: term_refs(TaxonomyKind::Categories, categories),
            tags: term_refs(TaxonomyKind::Tags, tags),
            series: series_view(site, index),
            excerpt_html: Cow::Borrowed(&article.excerpt_html),
            has_more: article.has_more,
        }
    }
}

fn series_view(site: &Site, index: usize) -> Option<SeriesView<'_>> {
    let (term, position) = site.series_of(index)?;
    let total = term.articles.len();
    let neighbour = |at: Option<usize>| {
        at.and_then(|i| term.articles.get(i))
            .map(|&a| LinkView::article(site, &site.articles[a]))
    };
    Some(SeriesView {
        name: &term.name,
        url: site.url(&term.path),
        position,
        total,
        position_label: site
            .config
            .ui
            .series_position
            .replace("{position}", &position.to_string())
            .replace("{total}", &total.to_string()),
        previous: neighbour(position.checked_sub(2)),
        next: neighbour(Some(position)),
    })
}

#[derive(Serialize)]
pub(crate) struct ArticleView<'a> {
    #[serde(flatten)]
    pub summary: SummaryView<'a>,
    pub content_html: Cow<'a, str>,
    pub previous: Option<LinkView<'a>>,
    pub next: Option<LinkView<'a>>,
    pub extra: &'a serde_json::Value,
    /// The table of contents; `None` below three headings or when switched off.
    pub toc: Option<Vec<TocEntry<'a>>>,
    pub citation: Option<CitationView>,
    /// The articles linking here, newest first.
    pub backlinks: Vec<LinkView<'a>>,
    /// Length and reading time.
    pub length: Option<LengthView>,
}

impl<'a> ArticleView<'a> {
    pub(crate) fn new(site: &'a Site, index: usize, content_html: Cow<'a, str>) -> Self {
        let article = &site.articles[index];
        let link = |i: usize| site.articles.get(i).map(|a| LinkView::article(site, a));
        ArticleView {
            summary: SummaryView::new(site, index),
            content_html,
            // The list is newest first: the previous (older) article comes after.
            previous: link(index + 1),
            next: index.checked_sub(1).and_then(link),
            extra: &article.extra,
            toc: reader::toc(site, article),
            citation: reader::citation(site, index),
            backlinks: reader::backlinks(site, index),
            length: reader::length(site, index),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct PageNumber {
    pub number: usize,
    pub url: String,
}

#[derive(Serialize)]
pub(crate) struct PaginatorView {
    pub current: usize,
    pub total: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageNumber>,
}

#[derive(Serialize)]
pub(crate) struct TermCount<'a> {
    pub name: &'a str,
    pub url: String,
    pub count: usize,
}

#[derive(Serialize)]
pub(crate) struct TaxonomyView<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub terms: Vec<TermCount<'a>>,
}

#[derive(Serialize)]
pub(crate) struct TermView<'a> {
    pub kind: &'static str,
    pub name: &'a str,
    pub url: String,
    /// The category it is nested in.
    pub parent: Option<TermRef<'a>>,
    /// The categories nested in it.
    pub children: Vec<TermRef<'a>>,
    pub articles: Vec<SummaryView<'a>>,
}

impl<'a> TermView<'a> {
    pub(crate) fn new(site: &'a Site, term: &'a Term) -> Self {
        let terms = site.terms(term.kind);
        TermView {
            kind: term.kind.key(),
            name: &term.name,
            url: site.url(&term.path),
            parent: term
                .parent
                .as_deref()
                .and_then(|key| site.term(term.kind, key))
                .map(|parent| TermRef::of(site, parent)),
            children: term
                .children
                .iter()
                .map(|&child| TermRef::of(site, &terms[child]))
                .collect(),
            articles: term
                .articles
                .iter()
                .map(|&i| SummaryView::new(site, i))
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct MonthView<'a> {
    pub month: String,
    pub month_abbr: &'static str,
    pub articles: Vec<EntryView<'a>>,
}

/// An article as one line of a long list (the archive holds every article of the site, so it
/// carries no excerpts).
#[derive(Serialize)]
pub(crate) struct EntryView<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: Option<DateView>,
    pub draft: bool,
}

impl<'a> EntryView<'a> {
    pub(crate) fn new(site: &'a Site, index: usize) -> Self {
        let article = &site.articles[index];
        EntryView {
            title: &article.title,
            url: site.url(&article.path),
            date: article.date.as_ref().map(DateView::new),
            draft: article.draft,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct YearView<'a> {
    pub year: String,
    pub count: usize,
    pub months: Vec<MonthView<'a>>,
}

#[derive(Serialize)]
pub(crate) struct FeedEntry<'a> {
    #[serde(flatten)]
    pub summary: SummaryView<'a>,
    pub content_html: String,
}

#[derive(Serialize)]
pub(crate) struct SitemapEntry {
    pub loc: String,
    pub lastmod: Option<String>,
}
