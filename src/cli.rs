//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "lemma",
    version,
    about = "A static site generator for math-heavy article archives"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Report every problem of the site without writing anything.
    Check(CheckArgs),
    /// Write a new draft article with its front matter filled in.
    New(NewArgs),
    /// Create a new site in a folder.
    Init(InitArgs),
    /// Preview the site with drafts, rebuilding and reloading pages as files change.
    Serve(ServeArgs),
    /// Convert a Hexo, Hugo or Jekyll folder, or a WordPress export, into content/.
    Import(ImportArgs),
}

/// What `lemma import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ImportSource {
    /// A Hexo blog folder (holding `source/_posts/`).
    Hexo,
    /// A Hugo site folder (holding `content/`).
    Hugo,
    /// A Jekyll site folder (holding `_posts/`).
    Jekyll,
    /// A WordPress export file (WXR), as Typecho and most blog engines also write.
    Wxr,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// What the source is.
    #[arg(value_enum)]
    pub source: ImportSource,
    /// The folder (hexo, hugo, jekyll) or the file (wxr) to convert.
    pub path: PathBuf,
    /// The lemma site to write into (its content/ and static/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
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
    #[arg(long, value_parser = crate::config::parse_base_url)]
    pub base_url: Option<url::Url>,
    /// Render every formula afresh instead of using the formula cache (.lemma-cache/).
    #[arg(long)]
    pub no_cache: bool,
    /// Print only problems: no progress, no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How `check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// `path:line:col: error: message`, with the source line.
    Human,
    /// One JSON document on stdout, for editors and CI.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
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

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The article's title.
    pub title: String,
    /// The site folder, holding lemma.yaml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The series the article belongs to.
    #[arg(long)]
    pub series: Option<String>,
    /// A category (repeat for several).
    #[arg(long)]
    pub category: Vec<String>,
    /// The file name without `.md`; by default the title in pinyin.
    #[arg(long)]
    pub slug: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The folder to create the site in.
    pub dir: PathBuf,
    /// Write into a non-empty folder (existing files are never overwritten).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The site folder, holding lemma.yaml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The port to listen on; if it is taken, the next free one. 0 lets the system choose.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on (`0.0.0.0` for every interface).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Leave out articles marked `draft: true` (they are shown, marked, by default).
    #[arg(long)]
    pub no_drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Render every formula afresh instead of using the formula cache (.lemma-cache/).
    #[arg(long)]
    pub no_cache: bool,
    /// Milliseconds a client may take to send a request's headers (for tests).
    #[arg(long, hide = true, default_value_t = 30_000)]
    pub header_timeout_ms: u64,
}
