//! The build pipeline, the only orchestrator of the stages:
//! discover → front matter → permalinks → Markdown → math → site → templates → link checks.
//!
//! It never writes to disk: it returns the output files and every diagnostic of the run, and
//! the `build`, `check` and `serve` commands decide what to do with them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::frontmatter::{self, Parsed};
use crate::content::{SourceFile, discover};
use crate::diagnostics::{Diagnostic, Diagnostics, Snippet};
use crate::markdown::{self, ExternalLink, Formula, LinkCheck, LinkTargets, Mode, RenderedBody};
use crate::math::cache::DiskCache;
use crate::math::{self, ArticleMath, FormulaStore, RenderStats};
use crate::output::{Discard, PathError, Sink, SitePath};
use crate::permalink::{PermalinkFields, slugify};
use crate::render::{self, Theme};
use crate::site::{Article, Site};

mod outputs;
pub mod session;

use outputs::{check_output, copy_static_files, page_origins, static_files};

/// What a build may vary beyond the config.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub drafts: bool,
    /// The live-reload endpoint `serve` puts into pages.
    pub live_reload: Option<String>,
    /// The formula cache folder; `None` renders every formula afresh.
    pub cache_dir: Option<PathBuf>,
}

/// The default formula cache of a site.
pub fn default_cache_dir(config: &Config) -> PathBuf {
    config.root.join(".lemma-cache").join("katex")
}

/// Counts for the one-line summary.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub articles: usize,
    pub pages: usize,
    pub formulas: usize,
    pub math: RenderStats,
    pub seconds: f64,
}

/// The result of a build: what was written to the sink, and every diagnostic.
pub struct Build {
    /// Output paths, sorted.
    pub paths: Vec<String>,
    pub diagnostics: Diagnostics,
    /// Links to other sites, by file and position; listed by `check`, never fetched.
    pub external_links: Vec<ExternalLink>,
    pub stats: Stats,
}

/// An article between the front-matter and Markdown stages.
#[derive(Clone)]
struct Loaded {
    file: SourceFile,
    parsed: Parsed,
    /// The article's page; set by [`assign_permalinks`].
    path: SitePath,
    /// The pages that redirect to it, from its `aliases`.
    aliases: Vec<SitePath>,
}

/// An article after the Markdown and math stages, before the site is assembled.
#[derive(Clone)]
struct Rendered {
    loaded: Loaded,
    body: RenderedBody,
    summary_html: Option<String>,
    math: ArticleMath,
}

/// Runs every stage; pages go to `sink` as they are rendered, unless two sources would write
/// one file: then nothing goes to the sink, and the collision is reported.
pub fn build(config: &Config, options: &BuildOptions, sink: &dyn Sink) -> Build {
    let started = Instant::now();
    let mut clock = StageClock::new();
    let mut diagnostics = Diagnostics::new();
    let theme = Theme::load(&config.root, &config.templates_dir());
    let (files, assets, found) = discover(&config.root, &config.content_dir());
    diagnostics.extend(found);
    let (loaded, drafts) = load_front_matter(config, files, options.drafts, &mut diagnostics);
    let loaded = assign_permalinks(config, loaded, &mut diagnostics);
    check_duplicate_ids(&loaded, &mut diagnostics);
    let targets = link_targets(config, &loaded, drafts);
    clock.lap("load");
    let rendered = render_markdown(config, loaded, &targets, &mut diagnostics);
    clock.lap("markdown");
    let formulas = rendered.iter().map(|r| r.math.formulas.len()).sum();
    let cache = options.cache_dir.as_ref().map(DiskCache::new);
    let (store, math_stats) = math::render_all(
        rendered
            .iter()
            .flat_map(|r| r.math.formulas.iter().filter_map(|f| f.job.as_ref())),
        cache.as_ref(),
    );
    clock.lap("katex");
    check_anchors(&rendered, &mut diagnostics);
    let external_links = rendered
        .iter()
        .flat_map(|r| r.body.external_links.iter().cloned())
        .collect();
    let mut origins = page_origins(&rendered);
    let (articles, checks) = finish_articles(&config.base_path, rendered, &store, &mut diagnostics);
    let site = Site::new(config.clone(), articles, store);
    let statics = static_files(config, &assets, &mut diagnostics);
    origins.add_statics(config, statics.values());
    let mut planned: Vec<String> = render::page_paths(&site)
        .iter()
        .map(|page| page.file().as_str().to_string())
        .chain(statics.keys().map(|path| path.as_str().to_string()))
        .collect();
    let collided = check_output(&mut planned, &checks, &origins, &mut diagnostics);
    let sink = if collided {
        &Discard as &dyn Sink
    } else {
        sink
    };
    clock.lap("assemble");
    let mut stats = Stats {
        articles: site.articles.len(),
        formulas,
        math: math_stats,
        ..Stats::default()
    };
    let mut paths = Vec::new();
    match theme {
        Ok(theme) => {
            let (written, failures) =
                render::render_site(&site, &theme, options.live_reload.as_deref(), sink);
            diagnostics.extend(failures);
            stats.pages = written.len();
            paths = written;
        }
        Err(errors) => diagnostics.extend(errors),
    }
    clock.lap("pages");
    paths.extend(copy_static_files(statics, sink, &mut diagnostics));
    paths.sort();
    paths.dedup();
    clock.lap("static");
    stats.seconds = started.elapsed().as_secs_f64();
    Build {
        paths,
        diagnostics,
        external_links,
        stats,
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

fn load_front_matter(
    config: &Config,
    files: Vec<SourceFile>,
    drafts: bool,
    diagnostics: &mut Diagnostics,
) -> (Vec<Loaded>, BTreeSet<String>) {
    let parsed: Vec<(SourceFile, Option<Parsed>, Vec<Diagnostic>)> = files
        .into_par_iter()
        .map(|file| {
            let (parsed, found) = frontmatter::parse(&file, config.timezone);
            (file, parsed, found)
        })
        .collect();
    let mut loaded = Vec::with_capacity(parsed.len());
    let mut left_out = BTreeSet::new();
    for (file, parsed, found) in parsed {
        diagnostics.extend(found);
        let Some(parsed) = parsed else { continue };
        if parsed.front.draft && !drafts {
            left_out.insert(file.content_path.clone());
            continue;
        }
        if !parsed.front.date_given {
            diagnostics.push(Diagnostic::warning(
                &file.path,
                1,
                1,
                "no `date` in front matter: the article is listed after all dated ones",
            ));
        }
        loaded.push(Loaded {
            file,
            parsed,
            path: SitePath::root(),
            aliases: Vec::new(),
        });
    }
    (loaded, left_out)
}

/// The slug when the front matter gives none: the content path without `.md`
/// (`algebra/fft.md` → `algebra/fft`), so articles in different folders never collide.
fn default_slug(content_path: &str) -> String {
    let stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    let stem = stem
        .strip_suffix("/index")
        .or_else(|| stem.strip_suffix("/README"))
        .unwrap_or(stem);
    stem.split('/')
        .map(slugify)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

fn assign_permalinks(
    config: &Config,
    mut loaded: Vec<Loaded>,
    diagnostics: &mut Diagnostics,
) -> Vec<Loaded> {
    let mut taken: BTreeMap<SitePath, (String, usize)> = BTreeMap::new();
    let mut keep = vec![true; loaded.len()];
    for (index, article) in loaded.iter_mut().enumerate() {
        let front = &article.parsed.front;
        let file = &article.file;
        // The line a permalink problem is blamed on: the slug's, else the id's.
        let line = front
            .slug
            .as_ref()
            .map(|s| s.line)
            .or(front.id.as_ref().map(|id| id.line))
            .unwrap_or(1);
        let error = |message: String| {
            Diagnostic::error(&file.path, line, 1, message).with_snippet(&file.text)
        };
        match expand_permalink(config, article) {
            Ok(path) => {
                if let Some((other, other_line)) = taken.get(&path) {
                    let message =
                        format!("permalink /{path} is already used by {other}:{other_line}");
                    diagnostics.push(error(message));
                    keep[index] = false;
                } else {
                    taken.insert(path.clone(), (file.path.clone(), line));
                    article.path = path;
                }
            }
            Err(message) => {
                diagnostics.push(error(message));
                keep[index] = false;
            }
        }
        article.aliases = alias_paths(article, diagnostics);
    }
    let mut flags = keep.into_iter();
    loaded.retain(|_| flags.next().unwrap_or(false));
    loaded
}

fn expand_permalink(config: &Config, article: &Loaded) -> Result<SitePath, String> {
    let front = &article.parsed.front;
    let slug = front
        .slug
        .as_ref()
        .map(|s| s.value.clone())
        .unwrap_or_else(|| default_slug(&article.file.content_path));
    let date = front.date.map(|d| {
        (
            d.format("%Y").to_string(),
            d.format("%m").to_string(),
            d.format("%d").to_string(),
        )
    });
    let fields = PermalinkFields {
        id: front.id.as_ref().map(|id| id.value),
        slug: &slug,
        date,
    };
    config.permalink.expand(&fields)
}

/// The redirect pages of an article's `aliases`; one that cannot be a page of the site is an
/// error at its line.
fn alias_paths(article: &Loaded, diagnostics: &mut Diagnostics) -> Vec<SitePath> {
    let file = &article.file;
    let mut paths = Vec::new();
    for alias in &article.parsed.front.aliases {
        match alias_path(&alias.value) {
            Ok(path) => paths.push(path),
            Err(e) => diagnostics.push(
                Diagnostic::error(
                    &file.path,
                    alias.line,
                    alias.column,
                    format!("alias `{}` cannot be a page of the site: {e}", alias.value),
                )
                .with_snippet(&file.text),
            ),
        }
    }
    paths
}

/// Two articles with one `id`, even when the permalink does not use it (`{id}` collisions are
/// already reported, and dropped, as permalink collisions).
fn check_duplicate_ids(loaded: &[Loaded], diagnostics: &mut Diagnostics) {
    let mut seen: BTreeMap<u64, (&str, usize)> = BTreeMap::new();
    for article in loaded {
        let Some(id) = &article.parsed.front.id else {
            continue;
        };
        let path = article.file.path.as_str();
        if let Some((other, other_line)) = seen.get(&id.value) {
            let message = format!("id {} is already used by {other}:{other_line}", id.value);
            diagnostics.push(
                Diagnostic::error(path, id.line, id.column, message)
                    .with_snippet(&article.file.text),
            );
        } else {
            seen.insert(id.value, (path, id.line));
        }
    }
}

fn link_targets(config: &Config, loaded: &[Loaded], drafts: BTreeSet<String>) -> LinkTargets {
    let articles = loaded
        .iter()
        .enumerate()
        .map(|(index, a)| {
            (
                a.file.content_path.clone(),
                (index, format!("{}{}", config.base_path, a.path.url())),
            )
        })
        .collect();
    LinkTargets {
        base_path: config.base_path.clone(),
        articles,
        drafts,
    }
}

fn render_markdown(
    config: &Config,
    loaded: Vec<Loaded>,
    targets: &LinkTargets,
    diagnostics: &mut Diagnostics,
) -> Vec<Rendered> {
    let rendered: Vec<Rendered> = loaded
        .into_par_iter()
        .map(|loaded| {
            let url = format!("{}{}", config.base_path, loaded.path.url());
            let (body, summary_html, math) = markdown_and_math(
                &loaded.file,
                &loaded.parsed,
                &url,
                targets,
                &config.math.macros,
            );
            Rendered {
                loaded,
                body,
                summary_html,
                math,
            }
        })
        .collect();
    for r in &rendered {
        diagnostics.extend(r.body.diagnostics.iter().cloned());
        diagnostics.extend(r.math.diagnostics.iter().cloned());
    }
    rendered
}

/// One article through the Markdown stage and math preprocessing, KaTeX not yet called: its
/// body, the HTML of its `summary:`, and its numbered formulas. Public for the fuzz targets.
#[doc(hidden)]
pub fn markdown_and_math(
    file: &SourceFile,
    parsed: &Parsed,
    url: &str,
    targets: &LinkTargets,
    site_macros: &BTreeMap<String, String>,
) -> (RenderedBody, Option<String>, ArticleMath) {
    let input = markdown::Input {
        file,
        body_offset: parsed.body_offset,
        url,
        drop_first_heading: parsed.front.title.is_none(),
        targets,
    };
    let mut formulas: Vec<Formula> = Vec::new();
    let mut body = markdown::render(&input, &mut formulas);
    let summary_html = parsed
        .front
        .summary
        .as_ref()
        .map(|s| markdown::render_summary(&input, s, &mut formulas, &mut body));
    let math = math::prepare(file, &formulas, site_macros, &parsed.front.macros);
    (body, summary_html, math)
}

/// A link to a file of the output, with the article it is written in.
#[derive(Clone)]
struct PathCheck {
    path: String,
    line: usize,
    column: usize,
    source_path: String,
    snippet: Option<Snippet>,
}

fn finish_articles(
    base_path: &str,
    rendered: Vec<Rendered>,
    store: &FormulaStore,
    diagnostics: &mut Diagnostics,
) -> (Vec<Article>, Vec<PathCheck>) {
    let results: Vec<(Article, Vec<Diagnostic>, Vec<PathCheck>)> = rendered
        .into_par_iter()
        .map(|r| finish_article(base_path, r, store))
        .collect();
    let mut articles = Vec::with_capacity(results.len());
    let mut checks = Vec::new();
    for (article, failures, more) in results {
        diagnostics.extend(failures);
        articles.push(article);
        checks.extend(more);
    }
    (articles, checks)
}

/// One article's formulas and excerpt in place: the article, KaTeX's rejections, and the links
/// to output files that must exist.
fn finish_article(
    base_path: &str,
    r: Rendered,
    store: &FormulaStore,
) -> (Article, Vec<Diagnostic>, Vec<PathCheck>) {
    let file = &r.loaded.file;
    let url = format!("{base_path}{}", r.loaded.path.url());
    let excerpt_source = r.summary_html.as_ref().or(r.body.excerpt.as_ref());
    let excerpt_html = excerpt_source
        .map(|html| math::stitch(html, &r.math, store, Mode::Excerpt, &url))
        .unwrap_or_default();
    let failures = math::failures(file, &r.math, store);
    let checks = path_checks(file, &r.body);
    let front = r.loaded.parsed.front;
    let title = front
        .title
        .or(r.body.first_heading)
        .unwrap_or_else(|| title_from_path(&file.content_path));
    let article = Article {
        source_path: file.path.clone(),
        content_path: file.content_path.clone(),
        title,
        date: front.date,
        updated: front.updated,
        id: front.id.map(|id| id.value),
        path: r.loaded.path,
        categories: front.categories,
        tags: front.tags,
        series: front.series,
        draft: front.draft,
        aliases: r.loaded.aliases,
        extra: front.extra,
        body_html: r.body.html,
        math: r.math,
        excerpt_html,
        has_more: r.body.has_more || r.summary_html.is_some(),
    };
    (article, failures, checks)
}

fn path_checks(file: &SourceFile, body: &RenderedBody) -> Vec<PathCheck> {
    body.checks
        .iter()
        .filter_map(|check| match check {
            LinkCheck::Path {
                path,
                line,
                column,
                offset,
            } => Some(PathCheck {
                path: path.clone(),
                line: *line,
                column: *column,
                source_path: file.path.clone(),
                snippet: Some(Snippet::around(&file.text, *offset)),
            }),
            LinkCheck::Anchor { .. } => None,
        })
        .collect()
}

fn title_from_path(content_path: &str) -> String {
    let stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    stem.rsplit('/').next().unwrap_or(stem).to_string()
}

/// `/archives/old-1/` → `archives/old-1/`; `old.html` stays a file. An alias is a URL the web
/// already holds, so percent-escapes are decoded first (and `%2e%2e` is still `..`).
fn alias_path(alias: &str) -> Result<SitePath, PathError> {
    let decoded = percent_encoding::percent_decode_str(alias.trim()).decode_utf8_lossy();
    SitePath::page(&decoded)
}

fn check_anchors(rendered: &[Rendered], diagnostics: &mut Diagnostics) {
    for r in rendered {
        for check in &r.body.checks {
            let LinkCheck::Anchor {
                article,
                fragment,
                line,
                column,
                offset,
            } = check
            else {
                continue;
            };
            let Some(target) = rendered.get(*article) else {
                continue;
            };
            let exists =
                target.body.anchors.contains(fragment) || target.math.anchors.contains(fragment);
            if !exists {
                let message = format!(
                    "link to missing anchor `#{fragment}` in {}",
                    target.loaded.file.path
                );
                diagnostics.push(
                    Diagnostic::error(&r.loaded.file.path, *line, *column, message)
                        .with_snippet_at(&r.loaded.file.text, *offset),
                );
            }
        }
    }
}
