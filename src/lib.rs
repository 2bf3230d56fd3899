//! lemma: a static site generator for math-heavy article archives.
//!
//! The stages, in the order data flows through them: [`config`] → [`content`] (files, front
//! matter) → [`permalink`] → [`markdown`] → [`math`] → [`site`] → [`render`] (Tera) →
//! [`output`]. The [`pipeline`] module runs them; the commands in [`cmd`] are thin drivers over
//! it. docs/architecture.md names the file for each step.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostics;
mod embedded;
#[doc(hidden)]
pub mod fuzzing;
pub mod markdown;
pub mod math;
pub mod output;
pub mod permalink;
pub mod pipeline;
pub mod render;
pub mod serve;
pub mod site;
