//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "lemma",
    version,
    about = "A static site generator for math-heavy article archives"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Report every problem of the site without writing anything.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder, holding lemma.yaml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site (relative paths are taken from the site folder).
    #[arg(long, short, default_value = "public")]
    pub output: PathBuf,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Override `base_url` of lemma.yaml (for preview deployments).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Render every formula afresh instead of using the formula cache (.lemma-cache/).
    #[arg(long)]
    pub no_cache: bool,
}

/// How `check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: error: message`, with the source line.
    Human,
    /// One JSON document on stdout, for editors and CI.
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder, holding lemma.yaml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Check articles marked `draft: true` too.
    #[arg(long)]
    pub drafts: bool,
}
