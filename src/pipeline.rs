//! The build pipeline, the only orchestrator of the stages:
//! discover → front matter → permalinks → Markdown → math → site → templates → link checks.
//!
//! It never writes to disk: it returns the output files and every diagnostic of the run, and
//! the `build`, `check` and `serve` commands decide what to do with them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use crate::config::Config;
use crate::content::discover;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::ExternalLink;
use crate::math::cache::DiskCache;
use crate::math::{self, FormulaStore, RenderStats};
use crate::output::{Discard, OutputFile, Sink, SitePath, WriteError};
use crate::progress::{Progress, Silent, Stage};
use crate::render::{self, Theme};
use crate::search::{self, IndexOutcome};
use crate::site::Site;

mod checks;
mod finish;
mod front;
pub(crate) mod session;
mod statics;

use checks::{check_anchors, check_planned, linked_pages, page_origins, path_checks};
use finish::finish_articles;
use front::{Bulk, front_half, render_markdown_told};
pub(crate) use front::{SiteMarkdown, markdown_and_math};
use statics::{copy_static_files, static_files};

/// What a build may vary beyond the config.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// The live-reload endpoint `serve` puts into pages.
    pub live_reload: Option<String>,
    /// The formula cache folder; `None` renders every formula afresh.
    pub cache_dir: Option<PathBuf>,
    /// Where the build records the files of the search index it wrote, so that the next build
    /// can keep an unchanged index; `None` makes the index on every build.
    pub search_list: Option<PathBuf>,
}

/// Counts for the one-line summary.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Articles published.
    pub articles: usize,
    /// Pages rendered.
    pub pages: usize,
    /// Formulas in the articles, repeats included.
    pub formulas: usize,
    /// How the distinct formulas were rendered.
    pub math: RenderStats,
    /// The search index: articles in it (0 when search is off), parts, parts made again.
    pub(crate) index: IndexOutcome,
    /// Wall time of the build.
    pub seconds: f64,
}

/// The result of a build: what was written to the sink, and every diagnostic.
pub struct Build {
    /// Output paths, sorted.
    pub paths: Vec<String>,
    /// Every problem of the site.
    pub diagnostics: Diagnostics,
    /// Links to other sites, by file and position; listed by `check`, never fetched.
    pub(crate) external_links: Vec<ExternalLink>,
    /// Counts for the summary line.
    pub stats: Stats,
}

/// Runs every stage; pages go to `sink` as they are rendered, unless two sources would write
/// one file: then nothing goes to the sink, and the collision is reported.
pub fn build(config: &Config, options: &BuildOptions, sink: &dyn Sink) -> Build {
    build_told(config, options, sink, &Silent)
}

/// [`build`], telling `progress` how far it has come.
pub(crate) fn build_told(
    config: &Config,
    options: &BuildOptions,
    sink: &dyn Sink,
    progress: &dyn Progress,
) -> Build {
    let started = Instant::now();
    progress.start(Stage::Loading, 0);
    let mut clock = StageClock::new();
    let mut diagnostics = Diagnostics::new();
    let theme = Theme::load(&config.root, &config.templates_dir(), &mut diagnostics);
    let (files, assets) = discover(&config.root, &config.content_dir(), &mut diagnostics);
    let (loaded, targets) = front_half(config, files, options.drafts, &mut diagnostics);
    clock.lap("load");
    let (mut facts, bulks) = render_markdown_told(config, loaded, &targets, progress);
    // Each article's own list is for the `serve` session; a build reports them all at once.
    for article in &mut facts {
        diagnostics.append(&mut article.diagnostics);
    }
    clock.lap("markdown");
    let formulas = bulks.iter().map(|b| b.math.formulas.len()).sum();
    let (store, math_stats) = render_formulas(&bulks, options, progress);
    clock.lap("katex");
    check_anchors(&facts, &mut diagnostics);
    let external_links = facts
        .iter()
        .flat_map(|f| f.external_links.iter().cloned())
        .collect();
    let mut origins = page_origins(&facts);
    let checks = path_checks(&facts);
    let links = linked_pages(&facts);
    let mut articles = finish_articles(&config.base_path, facts, bulks, &store, &mut diagnostics);
    for (article, links_to) in articles.iter_mut().zip(links) {
        article.links_to = links_to;
    }
    let site = Site::new(config.clone(), articles, store);
    let statics = static_files(config, &assets, &mut diagnostics);
    origins.add_statics(config, statics.values());
    let collided = check_planned(&site, &statics, &checks, &origins, &mut diagnostics);
    let sink = if collided {
        &Discard as &dyn Sink
    } else {
        sink
    };
    let counted = &Counting { sink, progress };
    progress.start(Stage::Writing, 0);
    clock.lap("assemble");
    let (mut paths, pages) = write(&site, theme, options, statics, counted, &mut diagnostics);
    clock.lap("pages");
    let articles = site.articles.len();
    let index = search_index(site, options, sink, progress, &mut paths, &mut diagnostics);
    clock.lap("search");
    let stats = Stats {
        articles,
        pages,
        formulas,
        math: math_stats,
        index,
        seconds: started.elapsed().as_secs_f64(),
    };
    Build {
        paths,
        diagnostics,
        external_links,
        stats,
    }
}

/// Every formula of `bulks` through KaTeX, or from the cache.
fn render_formulas(
    bulks: &[Bulk],
    options: &BuildOptions,
    progress: &dyn Progress,
) -> (FormulaStore, RenderStats) {
    let cache = options.cache_dir.as_ref().map(DiskCache::new);
    math::render_all_told(
        bulks
            .iter()
            .flat_map(|b| b.math.formulas.iter().filter_map(|f| f.job.as_ref())),
        cache.as_ref(),
        progress,
    )
}

/// A sink that tells `progress` of each file put into it.
struct Counting<'a> {
    sink: &'a dyn Sink,
    progress: &'a dyn Progress,
}

impl Sink for Counting<'_> {
    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        self.progress.step();
        self.sink.put(file)
    }

    fn put_made(
        &self,
        path: SitePath,
        recipe: u128,
        produce: &mut dyn FnMut() -> Vec<u8>,
    ) -> Result<(), WriteError> {
        self.progress.step();
        self.sink.put_made(path, recipe, produce)
    }

    fn keeps_files(&self) -> bool {
        self.sink.keeps_files()
    }
}

/// Renders the pages and copies the static files into `sink`: the output paths, sorted, and
/// how many pages were rendered.
fn write(
    site: &Site,
    theme: Option<Theme>,
    options: &BuildOptions,
    statics: BTreeMap<SitePath, OutputFile>,
    sink: &dyn Sink,
    diagnostics: &mut Diagnostics,
) -> (Vec<String>, usize) {
    let live_reload = options.live_reload.as_deref();
    let mut paths = match theme {
        Some(theme) => render::render_site(site, &theme, live_reload, sink, diagnostics),
        None => Vec::new(),
    };
    let pages = paths.len();
    paths.extend(copy_static_files(statics, sink, diagnostics));
    paths.sort();
    paths.dedup();
    (paths, pages)
}

/// Writes the search index of `site` into `sink` when the site has search, adding its files
/// to `paths`. A build with errors is not published, so its index is not made. The site is
/// dropped first: Pagefind needs only the articles' text, and the memory of the formulas and
/// pages is better spent on it.
fn search_index(
    site: Site,
    options: &BuildOptions,
    sink: &dyn Sink,
    progress: &dyn Progress,
    paths: &mut Vec<String>,
    diagnostics: &mut Diagnostics,
) -> IndexOutcome {
    if !site.config.reader.search || diagnostics.error_count() > 0 || !sink.keeps_files() {
        return IndexOutcome::default();
    }
    let inputs: Vec<_> = search::parts(&site, false)
        .into_iter()
        .map(|part| search::part_input(&site, part))
        .collect();
    drop(site);
    crate::memory::give_back();
    progress.start(Stage::Search, inputs.len());
    match search::write_index(inputs, sink, options.search_list.as_deref(), &|| {
        progress.step()
    }) {
        Ok((outcome, written)) => {
            paths.extend(written);
            paths.sort();
            paths.dedup();
            outcome
        }
        Err(message) => {
            diagnostics.push(Diagnostic::whole_file_error(
                crate::config::CONFIG_FILE,
                format!("{message}; set `reader: {{search: false}}` to build without search"),
            ));
            IndexOutcome::default()
        }
    }
}

/// Per-stage wall time on stderr when `LEMMA_TIMINGS` is set: for profiling, not for users.
struct StageClock {
    enabled: bool,
    last: Instant,
}

impl StageClock {
    fn new() -> Self {
        StageClock {
            enabled: std::env::var_os("LEMMA_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    fn lap(&mut self, stage: &str) {
        if self.enabled {
            eprintln!(
                "timing: {stage:>9} {:>8.3}s",
                self.last.elapsed().as_secs_f64()
            );
        }
        self.last = Instant::now();
    }
}
