//! Integration tests: each builds a small site in a temporary folder with the `lemma` binary
//! and checks the files it wrote or the diagnostics it printed.

#[macro_use]
mod util;

mod cache;
mod check;
mod corpus;
mod drafts;
mod errors;
mod example_site;
mod excerpt;
mod exit_codes;
mod feed;
mod figures;
mod footnotes;
mod highlight;
mod hostile;
mod import;
mod katex_fixtures;
mod links;
mod listing;
mod math;
mod math_output;
mod moving_in;
mod new;
mod output;
mod progress;
mod properties;
mod reader;
mod readers;
mod search;
mod series;
mod serve;
mod subpath;
mod taxonomy;
mod templates;
mod validate;
