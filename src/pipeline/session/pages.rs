//! Which pages show an article: what a rebuild of a few articles must render again.
//!
//! The template context documented in docs/templates.md is the map. An article's page shows
//! the article, the titles of its previous and next articles and its series; listings (home
//! pages, terms, series, the archive) show its listing entry; the feed shows the newest
//! articles' content, the sitemap their dates. A change to the set of pages (an alias, a term,
//! one home page more or less) is not followed page by page: every page is rendered again.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset};

use crate::output::SitePath;
use crate::render::{self, PageKind};
use crate::site::{Article, Site, TaxonomyKind, terms_of};

/// Which pages to render, by page path (`""`, `page/2/`, `archives/12/`, `atom.xml`).
pub(super) enum PageSet {
    All,
    Some(BTreeSet<SitePath>),
}

impl PageSet {
    pub(super) fn add(&mut self, path: &SitePath) {
        if let PageSet::Some(set) = self {
            set.insert(path.clone());
        }
    }

    /// Adds the page of a kind the site has one of.
    pub(super) fn add_single(&mut self, kind: PageKind) {
        if let Some(path) = kind.single_path() {
            self.add(&path);
        }
    }

    /// Adds the page that writes output file `file`: `robots.txt`, or for `old/index.html`
    /// page `old/` (or a page naming that file itself).
    pub(super) fn add_file(&mut self, file: &str) {
        let folder = file
            .strip_suffix("index.html")
            .filter(|folder| folder.is_empty() || folder.ends_with('/'));
        for page in [Some(file), folder].into_iter().flatten() {
            if let Ok(path) = SitePath::parse(page) {
                self.add(&path);
            }
        }
    }
}

/// What a listing shows of an article: when it changes, the listings must be rendered again.
#[derive(PartialEq)]
pub(super) struct ListingEntry {
    title: String,
    date: Option<DateTime<FixedOffset>>,
    updated: Option<DateTime<FixedOffset>>,
    draft: bool,
    /// The keys of every term the article is in, per kind (see [`crate::site::terms_of`]).
    terms: Vec<(TaxonomyKind, String)>,
    series: Option<String>,
    excerpt_html: String,
    has_more: bool,
}

impl ListingEntry {
    pub(super) fn of(article: &Article) -> Self {
        ListingEntry {
            title: article.title.clone(),
            date: article.date,
            updated: article.updated,
            draft: article.draft,
            terms: TaxonomyKind::ALL
                .iter()
                .flat_map(|&kind| {
                    terms_of(kind, article)
                        .into_iter()
                        .map(move |(key, _)| (kind, key))
                })
                .collect(),
            series: article.series.clone(),
            excerpt_html: article.excerpt_html.clone(),
            has_more: article.has_more,
        }
    }
}

/// The set of pages a site has: when it changes, every page is rendered again.
#[derive(PartialEq)]
pub(super) struct Layout {
    articles: usize,
    aliases: BTreeSet<SitePath>,
    terms: Vec<SitePath>,
}

impl Layout {
    pub(super) fn of(site: &Site) -> Layout {
        Layout {
            articles: site.articles.len(),
            aliases: site
                .articles
                .iter()
                .flat_map(|a| a.aliases.iter().cloned())
                .collect(),
            terms: TaxonomyKind::ALL
                .iter()
                .flat_map(|&kind| site.terms(kind).iter().map(|t| t.path.clone()))
                .collect(),
        }
    }
}

/// Adds the pages of `site` that show article `content_path` to `pages`; `old_order` is the
/// listing order and `old` the article's listing entry before the change.
pub(super) fn affected_pages(
    site: &Site,
    content_path: &str,
    old_order: &[String],
    old: Option<&ListingEntry>,
    pages: &mut PageSet,
) {
    let Some(new_index) = site
        .articles
        .iter()
        .position(|a| a.content_path == content_path)
    else {
        return;
    };
    let article = &site.articles[new_index];
    pages.add(&article.path);
    for alias in &article.aliases {
        pages.add(alias);
    }
    let old_index = old_order.iter().position(|p| p == content_path);
    let limit = site.config.feed_limit;
    if new_index < limit || old_index.is_some_and(|i| i < limit) {
        pages.add_single(PageKind::Feed);
    }
    let new = ListingEntry::of(article);
    if old == Some(&new) {
        return;
    }
    let old_index = old_index.unwrap_or(new_index);
    add_neighbours(site, old_order, [old_index, new_index], pages);
    add_home_pages(site, old_index, new_index, pages);
    add_terms(site, &new, old, pages);
    for kind in TaxonomyKind::ALL {
        pages.add(&kind.index_path());
    }
    for kind in [PageKind::Archive, PageKind::Feed, PageKind::Sitemap] {
        pages.add_single(kind);
    }
}

/// Neighbours show the article's title in their previous/next links: the neighbours at its
/// place in the listing before the change and after it, in either listing.
fn add_neighbours(site: &Site, old_order: &[String], indexes: [usize; 2], pages: &mut PageSet) {
    let path_of = |content_path: &String| {
        site.articles
            .iter()
            .find(|a| &a.content_path == content_path)
            .map(|a| a.path.clone())
    };
    for index in indexes {
        for neighbour in [index.wrapping_sub(1), index + 1] {
            if let Some(a) = site.articles.get(neighbour) {
                pages.add(&a.path);
            }
            if let Some(path) = old_order.get(neighbour).and_then(path_of) {
                pages.add(&path);
            }
        }
    }
}

/// The home pages from the article's old place to its new one: every entry between them moved.
fn add_home_pages(site: &Site, old_index: usize, new_index: usize, pages: &mut PageSet) {
    let per_page = site.config.paginate.max(1);
    let (low, high) = (old_index.min(new_index), old_index.max(new_index));
    for number in low / per_page + 1..=high / per_page + 1 {
        pages.add(&render::page_path(number));
    }
}

/// The pages of the terms the article has or had.
fn add_terms(site: &Site, new: &ListingEntry, old: Option<&ListingEntry>, pages: &mut PageSet) {
    let keys = [Some(new), old]
        .into_iter()
        .flatten()
        .flat_map(|entry| entry.terms.iter());
    // A series' articles show their place in it, on their pages and home pages, so a new
    // member, one gone or a new date moves the others.
    let places_moved = old.is_none_or(|old| old.series != new.series || old.date != new.date);
    let per_page = site.config.paginate.max(1);
    for (kind, key) in keys {
        let Some(term) = site.term(*kind, key) else {
            continue;
        };
        pages.add(&term.path);
        if *kind == TaxonomyKind::Series {
            for &member in &term.articles {
                pages.add(&site.articles[member].path);
                if places_moved {
                    pages.add(&render::page_path(member / per_page + 1));
                }
            }
        }
    }
}

/// What a page shows of the articles, by their index in the site: the articles it shows whole
/// (an article's own page, the feed), those it lists with their excerpt (home pages, terms),
/// and those it names by title alone (neighbours, series links, the archive). A page rendered
/// once these are finished is the page a full build makes.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Needs {
    pub(super) whole: Vec<usize>,
    pub(super) listed: Vec<usize>,
    pub(super) titled: Vec<usize>,
}

impl Needs {
    /// An article's listing entry: its title and excerpt, and its series' links.
    fn list(&mut self, site: &Site, index: usize) {
        self.listed.push(index);
        if let Some((term, position)) = site.series_of(index) {
            for at in [position.checked_sub(2), Some(position)]
                .into_iter()
                .flatten()
            {
                self.titled.extend(term.articles.get(at));
            }
        }
    }
}

/// What page `page` of `site` needs of the articles (see [`Needs`]).
pub(super) fn needs(site: &Site, page: &SitePath) -> Needs {
    let mut needs = Needs::default();
    if let Some(index) = site.articles.iter().position(|a| &a.path == page) {
        needs.whole.push(index);
        needs.list(site, index);
        needs.titled.extend(index.checked_sub(1));
        needs
            .titled
            .extend((index + 1 < site.articles.len()).then_some(index + 1));
        return needs;
    }
    if Some(page) == PageKind::Feed.single_path().as_ref() {
        for index in 0..site.articles.len().min(site.config.feed_limit) {
            needs.whole.push(index);
            needs.list(site, index);
        }
        return needs;
    }
    if Some(page) == PageKind::Archive.single_path().as_ref() {
        needs.titled.extend(0..site.articles.len());
        return needs;
    }
    let per_page = site.config.paginate.max(1);
    let home_pages = site.articles.len().div_ceil(per_page).max(1);
    if let Some(number) = (1..=home_pages).find(|&n| render::page_path(n) == *page) {
        let start = (number - 1) * per_page;
        for index in start..(start + per_page).min(site.articles.len()) {
            needs.list(site, index);
        }
        return needs;
    }
    for kind in TaxonomyKind::ALL {
        if let Some(term) = site.terms(kind).iter().find(|t| &t.path == page) {
            for &index in &term.articles {
                needs.list(site, index);
            }
        }
    }
    needs
}
