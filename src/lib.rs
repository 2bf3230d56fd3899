//! lemma: a static site generator for math-heavy article archives.
//!
//! The stages, in the order data flows through them: [`config`] → [`content`] (files, front
//! matter) → [`permalink`] → [`markdown`] → [`math`] → [`site`] → [`render`] (Tera) →
//! [`output`]. The [`pipeline`] module runs them; the commands in [`cmd`] are thin drivers over
//! it. docs/architecture.md names the file for each step.
//!
//! The crate is the `lemma` program. What it offers as a library is small and deliberate: a
//! whole build ([`build`]) for tests and benchmarks that need no process, one formula through
//! KaTeX ([`render_standalone`]), and the entry points of the fuzz targets.

#![warn(unreachable_pub, missing_docs)]

mod cli;
mod cmd;
mod config;
mod content;
mod convert;
mod diagnostics;
mod embedded;
#[doc(hidden)]
pub mod fuzzing;
mod markdown;
mod math;
mod memory;
mod output;
mod permalink;
mod pipeline;
mod progress;
mod render;
mod search;
mod serve;
mod site;

use std::process::ExitCode;

use clap::Parser;

/// This build of lemma, named by its sources (see `build.rs`): every recipe of output that a
/// later build may keep starts with it, so pages made by another lemma are made again.
pub(crate) const BUILD_ID: &str = env!("LEMMA_BUILD_ID");

pub use config::{Config, MathOutput};
pub use content::frontmatter::KNOWN_KEYS;
pub use diagnostics::{Diagnostic, Diagnostics, Position, Severity};
pub use math::{RenderStats, render_standalone, render_standalone_as};
pub use output::Discard;
pub use permalink::slugify;
pub use pipeline::{Build, BuildOptions, Stats, build};

/// The `lemma` program: parses the command line, runs the command, and turns how it ended into
/// the exit code. Every error is printed here, once.
pub fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match run(&cli.command) {
        Ok(outcome) => outcome.exit_code(),
        Err(error) => {
            eprintln!("error: {error}");
            error.exit_code()
        }
    }
}

fn run(command: &cli::Command) -> Result<cmd::Outcome, cmd::CommandError> {
    match command {
        cli::Command::Build(args) => cmd::build::run(args),
        cli::Command::Check(args) => cmd::check::run(args),
        cli::Command::New(args) => cmd::new::run(args),
        cli::Command::Init(args) => cmd::init::run(args),
        cli::Command::Serve(args) => cmd::serve::run(args),
        cli::Command::Import(args) => cmd::import::run(args),
    }
}
