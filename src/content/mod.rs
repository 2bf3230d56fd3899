//! Content loading: finding the article files and reading their front matter.
//!
//! This stage knows nothing of Markdown or HTML; it hands plain [`SourceFile`]s and parsed
//! [`frontmatter::FrontMatter`] downstream.

pub mod discover;
pub mod frontmatter;
pub mod xml_chars;

pub use discover::{Asset, SourceFile, discover};
