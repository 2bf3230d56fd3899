//! The kinds of page lemma renders.

use serde::Serialize;

use crate::output::SitePath;

/// A kind of page: the template that renders it, the `page.kind` its template sees, and for the
/// kinds a site has exactly one page of, that page's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PageKind {
    /// `""`, `page/2/`, …: the listing of every article.
    Home,
    Article,
    /// An alias's page, sending the reader on to the article.
    Redirect,
    /// `tags/`, `categories/`, `series/`: every term of one taxonomy.
    Taxonomy,
    /// One tag or category with its articles.
    Term,
    /// One series with its parts, in reading order.
    Series,
    Archive,
    /// `search/`: the full-text search, when the site has it.
    Search,
    #[serde(rename = "404")]
    NotFound,
    Feed,
    Sitemap,
    Robots,
}

impl PageKind {
    /// The kinds a site has exactly one page of.
    pub(crate) const SINGLE: [PageKind; 6] = [
        PageKind::Archive,
        PageKind::Search,
        PageKind::NotFound,
        PageKind::Feed,
        PageKind::Sitemap,
        PageKind::Robots,
    ];

    /// The template that renders pages of this kind.
    pub(crate) fn template(self) -> &'static str {
        match self {
            PageKind::Home => "index.html",
            PageKind::Article => "article.html",
            PageKind::Redirect => "redirect.html",
            PageKind::Taxonomy => "taxonomy.html",
            PageKind::Term => "term.html",
            PageKind::Series => "series.html",
            PageKind::Archive => "archive.html",
            PageKind::Search => "search.html",
            PageKind::NotFound => "404.html",
            PageKind::Feed => "atom.xml",
            PageKind::Sitemap => "sitemap.xml",
            PageKind::Robots => "robots.txt",
        }
    }

    /// The page of a kind a site has one of (see [`PageKind::SINGLE`]); `None` for the others.
    pub(crate) fn single_path(self) -> Option<SitePath> {
        let path = match self {
            PageKind::Archive => "archives/",
            PageKind::Search => "search/",
            PageKind::NotFound => "404.html",
            PageKind::Feed => "atom.xml",
            PageKind::Sitemap => "sitemap.xml",
            PageKind::Robots => "robots.txt",
            _ => return None,
        };
        Some(SitePath::fixed(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_pages_have_a_path_and_the_others_none() {
        for kind in PageKind::SINGLE {
            assert!(kind.single_path().is_some(), "{kind:?}");
        }
        assert_eq!(PageKind::Article.single_path(), None);
        assert_eq!(
            serde_json::to_string(&PageKind::NotFound).unwrap(),
            "\"404\""
        );
        assert_eq!(serde_json::to_string(&PageKind::Home).unwrap(), "\"home\"");
    }
}
