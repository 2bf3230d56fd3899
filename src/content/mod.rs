//! Content loading: finding the article files and reading their front matter.
//!
//! This stage knows nothing of Markdown or HTML; it hands plain [`SourceFile`]s and parsed
//! [`frontmatter::FrontMatter`] downstream.

pub(crate) mod discover;
pub(crate) mod frontmatter;
pub(crate) mod xml_chars;

pub(crate) use discover::{Asset, SourceFile, discover};
