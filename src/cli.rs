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
