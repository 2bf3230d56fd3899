//! `lemma import`: other generators' archives and WordPress exports turned into lemma's
//! `content/` and `static/`, with a report of what could not be converted.
//!
//! A converter only plans: it returns the files to write ([`Planned`]) and its problems. The
//! command writes them, never over an existing file.

pub(crate) mod front;
pub(crate) mod generators;
pub(crate) mod wxr;

use std::path::PathBuf;

use crate::diagnostics::Diagnostics;
pub(crate) use front::Front;

/// What a planned file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Contents {
    Text(String),
    /// A copy of this file, as it is.
    Copy(PathBuf),
}

/// A file the import writes, relative to the site root: `content/posts/a.md`, `static/a.png`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Planned {
    pub path: String,
    pub contents: Contents,
}

/// What a converter makes of its source.
#[derive(Debug, Default)]
pub(crate) struct Import {
    /// In path order.
    pub files: Vec<Planned>,
    /// How many of the files are articles.
    pub articles: usize,
    /// What could not be converted, at its place in the source.
    pub problems: Diagnostics,
    /// Images the articles show from other sites, to download by hand (WordPress).
    pub downloads: Vec<String>,
}

impl Import {
    fn add_article(&mut self, path: String, text: String) {
        self.articles += 1;
        self.files.push(Planned {
            path,
            contents: Contents::Text(text),
        });
    }

    fn add_copy(&mut self, path: String, source: PathBuf) {
        self.files.push(Planned {
            path,
            contents: Contents::Copy(source),
        });
    }
}
