//! The assembled site: finished articles in listing order, and the taxonomies over them.
//!
//! Plain data, built once per build and read by the rendering stage; articles refer to each
//! other by index into [`Site::articles`].

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use crate::config::Config;
use crate::markdown::{Heading, Mode, TextLength};
use crate::math::{self, ArticleMath, FormulaStore, Place};
use crate::output::SitePath;
use crate::permalink::slugify;

/// One article, rendered, ready for templates.
#[derive(Debug, Clone)]
pub(crate) struct Article {
    /// Relative to `content/`: `2023/a.md`.
    pub content_path: String,
    pub title: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub id: Option<u64>,
    /// The article's page: `archives/12/`.
    pub path: SitePath,
    /// Each category as its path of names (`[GPU, CUDA]`), as the article writes it.
    pub categories: Vec<Vec<String>>,
    pub tags: Vec<String>,
    pub series: Option<String>,
    pub draft: bool,
    /// Pages that redirect to the article.
    pub aliases: Vec<SitePath>,
    pub extra: serde_json::Value,
    /// The article's HTML with formula placeholders; see [`Site::content_html`].
    pub body_html: String,
    pub math: ArticleMath,
    pub excerpt_html: String,
    /// The excerpt as a feed shows it, formulas as MathML alone.
    pub feed_excerpt_html: String,
    pub has_more: bool,
    /// From front matter `author`; `None` means the site's author.
    pub author: Option<String>,
    /// Front matter `toc`: `Some(false)` leaves the table of contents out.
    pub toc: Option<bool>,
    /// The body's headings, for the table of contents.
    pub headings: Vec<Heading>,
    /// The length of the body's text.
    pub length: TextLength,
    /// The pages of the articles this one links to, each once, sorted.
    pub links_to: Vec<SitePath>,
}

/// Which taxonomy a term belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TaxonomyKind {
    Categories,
    Tags,
    Series,
}

impl TaxonomyKind {
    pub(crate) const ALL: [TaxonomyKind; 3] = [
        TaxonomyKind::Categories,
        TaxonomyKind::Tags,
        TaxonomyKind::Series,
    ];

    /// The URL segment and the template context name.
    pub(crate) fn key(self) -> &'static str {
        match self {
            TaxonomyKind::Categories => "categories",
            TaxonomyKind::Tags => "tags",
            TaxonomyKind::Series => "series",
        }
    }

    /// One term of the kind, in messages: `tag`.
    pub(crate) fn singular(self) -> &'static str {
        match self {
            TaxonomyKind::Categories => "category",
            TaxonomyKind::Tags => "tag",
            TaxonomyKind::Series => "series",
        }
    }

    /// The page listing every term of the kind.
    pub(crate) fn index_path(self) -> SitePath {
        SitePath::fixed(match self {
            TaxonomyKind::Categories => "categories/",
            TaxonomyKind::Tags => "tags/",
            TaxonomyKind::Series => "series/",
        })
    }
}

/// A category, tag or series, with its articles in the order its page lists them.
#[derive(Debug, Clone)]
pub(crate) struct Term {
    pub kind: TaxonomyKind,
    /// As the oldest article that uses it spells it; a nested category shows its whole path,
    /// `GPU / CUDA`.
    pub name: String,
    /// What makes it one term: see [`term_key`]. Terms are sorted by it.
    pub key: String,
    /// The key of the category it is nested in.
    pub parent: Option<String>,
    /// The categories nested in it: indices into the same kind's terms.
    pub children: Vec<usize>,
    /// The term's page: `categories/数学研究/`.
    pub path: SitePath,
    pub articles: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub config: Config,
    /// Newest first; undated articles last.
    pub articles: Vec<Article>,
    /// Per kind, sorted by name.
    pub taxonomies: BTreeMap<TaxonomyKind, Vec<Term>>,
    /// For each article, the articles linking to it, newest first.
    pub backlinks: Vec<Vec<usize>>,
    /// Every formula's HTML; article pages are assembled from it only when written, so the
    /// whole site's HTML is never in memory at once.
    pub formulas: FormulaStore,
}

impl Site {
    pub(crate) fn new(config: Config, mut articles: Vec<Article>, formulas: FormulaStore) -> Site {
        articles.sort_by(listing_order);
        let taxonomies = TaxonomyKind::ALL
            .iter()
            .map(|&kind| (kind, collect_terms(kind, &articles)))
            .collect();
        let backlinks = collect_backlinks(&articles);
        Site {
            config,
            articles,
            taxonomies,
            backlinks,
            formulas,
        }
    }

    /// The full HTML of an article, formulas and equation anchors in place.
    pub(crate) fn content_html(&self, index: usize) -> String {
        let mut out = String::with_capacity(self.articles[index].body_html.len() * 4);
        self.content_html_into(index, &mut out);
        out
    }

    /// [`Self::content_html`], appended to `out`.
    pub(crate) fn content_html_into(&self, index: usize, out: &mut String) {
        self.stitch_content_into(index, Place::Site(Mode::Page), out);
    }

    /// The full HTML of an article as a feed shows it, formulas as MathML alone.
    pub(crate) fn feed_content_html(&self, index: usize) -> String {
        let mut out = String::with_capacity(self.articles[index].body_html.len() * 2);
        self.stitch_content_into(index, Place::Feed(Mode::Page), &mut out);
        out
    }

    fn stitch_content_into(&self, index: usize, place: Place, out: &mut String) {
        let article = &self.articles[index];
        math::stitch_into(
            out,
            &article.body_html,
            &article.math,
            &self.formulas,
            place,
            &self.url(&article.path),
        );
    }

    pub(crate) fn terms(&self, kind: TaxonomyKind) -> &[Term] {
        self.taxonomies.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// The term of `kind` with `key` (see [`term_key`]).
    pub(crate) fn term(&self, kind: TaxonomyKind, key: &str) -> Option<&Term> {
        let terms = self.terms(kind);
        let at = terms.binary_search_by(|t| t.key.as_str().cmp(key)).ok()?;
        terms.get(at)
    }

    /// The series an article is in, with its place (1-based).
    pub(crate) fn series_of(&self, article: usize) -> Option<(&Term, usize)> {
        let name = self.articles[article].series.as_ref()?;
        let term = self.term(TaxonomyKind::Series, &term_key(&[name]))?;
        let position = term.articles.iter().position(|&a| a == article)?;
        Some((term, position + 1))
    }

    /// The URL path of a page or file: `/blog/archives/12/`.
    pub(crate) fn url(&self, path: &SitePath) -> String {
        format!("{}{}", self.config.base_path, path.url())
    }

    /// The full URL of a page or file: `https://x.org/blog/archives/12/`.
    pub(crate) fn permalink(&self, path: &SitePath) -> String {
        format!("{}{}", self.config.base_url, path.url())
    }
}

/// Newest first, undated last; ties broken by id, then source path, so order is total.
fn listing_order(a: &Article, b: &Article) -> std::cmp::Ordering {
    match (a.date, b.date) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
    .then_with(|| b.id.cmp(&a.id))
    .then_with(|| a.content_path.cmp(&b.content_path))
}

/// Separates the names of a nested category in a [`term_key`]: a control character, which
/// every name has had replaced as it was read (see `content::xml_chars`).
const KEY_SEPARATOR: char = '\u{1f}';

/// The identity of a term: its names in lower case, so that `KVM` and `kvm` are one term, as
/// in Hugo.
pub(crate) fn term_key<S: AsRef<str>>(names: &[S]) -> String {
    let lower: Vec<String> = names
        .iter()
        .map(|n| n.as_ref().trim().to_lowercase())
        .collect();
    lower.join(&KEY_SEPARATOR.to_string())
}

/// Every term an article is in, as (key, names): a nested category counts for each of its
/// ancestors too, whose pages list their children's articles.
pub(crate) fn terms_of(kind: TaxonomyKind, article: &Article) -> Vec<(String, Vec<String>)> {
    let paths: Vec<Vec<String>> = match kind {
        TaxonomyKind::Categories => article.categories.clone(),
        TaxonomyKind::Tags => article.tags.iter().map(|t| vec![t.clone()]).collect(),
        TaxonomyKind::Series => article.series.iter().map(|s| vec![s.clone()]).collect(),
    };
    let mut terms = Vec::new();
    for path in paths {
        for depth in 1..=path.len() {
            let names = path[..depth].to_vec();
            terms.push((term_key(&names), names));
        }
    }
    terms
}

fn collect_terms(kind: TaxonomyKind, articles: &[Article]) -> Vec<Term> {
    // Articles come newest first: the spelling kept is the oldest dated article's, its
    // first if it has several.
    let mut by_key: BTreeMap<String, (Vec<String>, Vec<usize>)> = BTreeMap::new();
    for (index, article) in articles.iter().enumerate() {
        for (key, names) in terms_of(kind, article) {
            let (shown, list) = by_key
                .entry(key)
                .or_insert_with(|| (names.clone(), Vec::new()));
            if list.last() != Some(&index) {
                if article.date.is_some() {
                    *shown = names;
                }
                list.push(index);
            }
        }
    }
    let mut terms: Vec<Term> = by_key
        .into_iter()
        .map(|(key, (names, mut list))| {
            if kind == TaxonomyKind::Series {
                // A series reads from its first article on; undated parts stay last.
                list.sort_by_key(|&i| {
                    (
                        articles[i].date.is_none(),
                        articles[i].date,
                        std::cmp::Reverse(i),
                    )
                });
            }
            let parent = (names.len() > 1).then(|| term_key(&names[..names.len() - 1]));
            Term {
                kind,
                name: names.join(" / "),
                path: term_path(kind, &names),
                key,
                parent,
                children: Vec::new(),
                articles: list,
            }
        })
        .collect();
    for child in 0..terms.len() {
        let parent = terms[child]
            .parent
            .as_deref()
            .and_then(|parent| terms.binary_search_by(|t| t.key.as_str().cmp(parent)).ok());
        if let Some(parent) = parent {
            terms[parent].children.push(child);
        }
    }
    terms
}

/// Who links to whom, turned around: one pass over every article's links. Articles are in
/// listing order, so each list comes out newest first.
fn collect_backlinks(articles: &[Article]) -> Vec<Vec<usize>> {
    let index_of: std::collections::HashMap<&SitePath, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.path, i))
        .collect();
    let mut backlinks = vec![Vec::new(); articles.len()];
    for (source, article) in articles.iter().enumerate() {
        for target in &article.links_to {
            if let Some(&target) = index_of.get(target) {
                backlinks[target].push(source);
            }
        }
    }
    backlinks
}

/// The URL segment of a term's name: [`slugify`], with the symbols that tell languages apart
/// spelled out, so that `C++` (`c-plus-plus`) and `C#` (`c-sharp`) get pages of their own.
pub(crate) fn term_slug(name: &str) -> String {
    let mut spelled = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '+' => spelled.push_str(" plus "),
            '#' => spelled.push_str(" sharp "),
            '&' => spelled.push_str(" and "),
            '@' => spelled.push_str(" at "),
            c => spelled.push(c),
        }
    }
    let slug = slugify(&spelled);
    if slug.is_empty() { "_".into() } else { slug }
}

/// The page of a term: `tags/{slug}/`, `categories/gpu/cuda/` for a nested category, or
/// `tags/_/` for a name without letters. A slug is letters, digits, `_` and `-`, so the path is
/// always valid.
pub(crate) fn term_path<S: AsRef<str>>(kind: TaxonomyKind, names: &[S]) -> SitePath {
    let slugs: Vec<String> = names.iter().map(|n| term_slug(n.as_ref())).collect();
    SitePath::page(&format!("{}/{}/", kind.key(), slugs.join("/")))
        .unwrap_or_else(|_| kind.index_path())
}
