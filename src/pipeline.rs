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
use crate::content::{Asset, SourceFile, discover};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, ExternalLink, Formula, LinkCheck, LinkTargets, Mode, RenderedBody};
use crate::math::cache::DiskCache;
use crate::math::{self, ArticleMath, FormulaStore, RenderStats};
use crate::output::{OutputFile, Sink};
use crate::permalink::{PermalinkFields, slugify};
use crate::render::{self, Theme};
use crate::site::{Article, Site};

pub mod session;

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
    path: String,
}

/// An article after the Markdown and math stages, before the site is assembled.
#[derive(Clone)]
struct Rendered {
    loaded: Loaded,
    body: RenderedBody,
    summary_html: Option<String>,
    math: ArticleMath,
}

/// Runs every stage; pages go to `sink` as they are rendered.
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
    let origins = page_origins(&rendered);
    let (articles, checks) = finish_articles(&config.base_path, rendered, &store, &mut diagnostics);
    let site = Site::new(config.clone(), articles, store);
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
    paths.extend(copy_static_files(config, &assets, sink, &mut diagnostics));
    check_output(&mut paths, &checks, &origins, &mut diagnostics);
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
        if parsed.front.date.is_none() {
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
            path: String::new(),
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
    let mut taken: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut keep = vec![true; loaded.len()];
    for (index, article) in loaded.iter_mut().enumerate() {
        let front = &article.parsed.front;
        let slug = front
            .slug
            .clone()
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
        let line = front.id.as_ref().map_or(1, |id| id.line);
        match config.permalink.expand(&fields) {
            Ok(path) => {
                if let Some((other, other_line)) = taken.get(&path) {
                    let message =
                        format!("permalink /{path} is already used by {other}:{other_line}");
                    diagnostics.push(
                        Diagnostic::error(&article.file.path, line, 1, message)
                            .with_snippet(&article.file.text),
                    );
                    keep[index] = false;
                } else {
                    taken.insert(path.clone(), (article.file.path.clone(), line));
                    article.path = path;
                }
            }
            Err(message) => {
                diagnostics.push(Diagnostic::error(&article.file.path, 1, 1, message));
                keep[index] = false;
            }
        }
    }
    let mut flags = keep.into_iter();
    loaded.retain(|_| flags.next().unwrap_or(false));
    loaded
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
                (index, format!("{}{}", config.base_path, a.path)),
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
            let url = format!("{}{}", config.base_path, loaded.path);
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
    snippet: Option<String>,
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
    let url = format!("{base_path}{}", r.loaded.path);
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
        aliases: front.aliases.iter().map(|a| alias_path(&a.value)).collect(),
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
            LinkCheck::Path { path, line, column } => Some(PathCheck {
                path: path.clone(),
                line: *line,
                column: *column,
                source_path: file.path.clone(),
                snippet: file
                    .text
                    .lines()
                    .nth(line.saturating_sub(1))
                    .map(str::to_owned),
            }),
            LinkCheck::Anchor { .. } => None,
        })
        .collect()
}

fn title_from_path(content_path: &str) -> String {
    let stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    stem.rsplit('/').next().unwrap_or(stem).to_string()
}

/// `/archives/old-1/` → `archives/old-1/`; `old.html` stays a file.
fn alias_path(alias: &str) -> String {
    let trimmed = alias.trim().trim_start_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or("");
    if trimmed.is_empty() || trimmed.ends_with('/') || last.contains('.') {
        trimmed.to_string()
    } else {
        format!("{trimmed}/")
    }
}

fn check_anchors(rendered: &[Rendered], diagnostics: &mut Diagnostics) {
    for r in rendered {
        for check in &r.body.checks {
            let LinkCheck::Anchor {
                article,
                fragment,
                line,
                column,
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
                        .with_snippet(&r.loaded.file.text),
                );
            }
        }
    }
}

/// Built-in assets, then the site's `static/` (winning by path), then assets beside articles.
fn copy_static_files(
    config: &Config,
    assets: &[Asset],
    sink: &dyn Sink,
    diagnostics: &mut Diagnostics,
) -> Vec<String> {
    let mut files: BTreeMap<String, OutputFile> = crate::embedded::STATIC_FILES
        .iter()
        .map(|(path, bytes)| {
            (
                path.to_string(),
                OutputFile::embedded(path.to_string(), bytes),
            )
        })
        .collect();
    let static_dir = config.static_dir();
    if static_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&static_dir).sort_by_file_name() {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let path = crate::diagnostics::display_path(&static_dir, entry.path());
                    files.insert(path.clone(), OutputFile::copy(path, entry.into_path()));
                }
                Ok(_) => {}
                Err(e) => diagnostics.push(Diagnostic::error(
                    "static",
                    0,
                    0,
                    format!("cannot read: {e}"),
                )),
            }
        }
    }
    for asset in assets {
        files.insert(
            asset.content_path.clone(),
            OutputFile::copy(asset.content_path.clone(), asset.source.clone()),
        );
    }
    let results: Vec<Result<String, Diagnostic>> = files
        .into_par_iter()
        .map(|(path, file)| {
            sink.put(file)
                .map(|()| path.clone())
                .map_err(|e| Diagnostic::error(path, 0, 0, format!("cannot copy: {e}")))
        })
        .collect();
    results
        .into_iter()
        .filter_map(|r| r.map_err(|d| diagnostics.push(d)).ok())
        .collect()
}

/// The output file of a page at `path` (`archives/1/` → `archives/1/index.html`).
fn page_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// One `aliases` entry, where its redirect page goes and where it is written.
struct AliasOrigin {
    file: String,
    alias: String,
    path: String,
    line: usize,
    column: usize,
    snippet: Option<String>,
}

/// Who asked for which output file, to report collisions at the line that caused them.
struct PageOrigins {
    aliases: Vec<AliasOrigin>,
    /// Output file of each article page → its source path.
    articles: BTreeMap<String, String>,
}

fn page_origins(rendered: &[Rendered]) -> PageOrigins {
    let mut aliases = Vec::new();
    let mut articles = BTreeMap::new();
    for r in rendered {
        let file = &r.loaded.file;
        articles.insert(page_file(&r.loaded.path), file.path.clone());
        for alias in &r.loaded.parsed.front.aliases {
            aliases.push(AliasOrigin {
                file: page_file(&alias_path(&alias.value)),
                alias: alias.value.clone(),
                path: file.path.clone(),
                line: alias.line,
                column: alias.column,
                snippet: file
                    .text
                    .lines()
                    .nth(alias.line.saturating_sub(1))
                    .map(str::to_owned),
            });
        }
    }
    PageOrigins { aliases, articles }
}

/// `writes` pages go to `file`: an error at each alias among them, or a generic one.
fn report_collision(
    file: &str,
    writes: usize,
    origins: &PageOrigins,
    diagnostics: &mut Diagnostics,
) {
    let aliases: Vec<&AliasOrigin> = origins.aliases.iter().filter(|a| a.file == file).collect();
    let Some(first) = aliases.first() else {
        diagnostics.push(Diagnostic::error(file, 0, 0, format!("two pages would be written to /{file} (a term or permalink collides with another page)")));
        return;
    };
    let others = writes - aliases.len();
    for (index, alias) in aliases.iter().enumerate() {
        let message = if others > 0 {
            let page = origins.articles.get(file).map_or_else(
                || "a page lemma generates (a listing, term, archive or feed page)".to_string(),
                |source| format!("the article {source}"),
            );
            format!(
                "alias `{}` collides with {page}: both would be written to /{file}",
                alias.alias
            )
        } else if index > 0 {
            format!(
                "alias `{}` is already an alias in {}:{}",
                alias.alias, first.path, first.line
            )
        } else {
            continue;
        };
        let mut d = Diagnostic::error(&alias.path, alias.line, alias.column, message);
        d.snippet = alias.snippet.clone();
        diagnostics.push(d);
    }
}

/// Two pages at one path, and links to files the site does not have.
fn check_output(
    paths: &mut Vec<String>,
    checks: &[PathCheck],
    origins: &PageOrigins,
    diagnostics: &mut Diagnostics,
) {
    paths.sort();
    let mut duplicates: Vec<String> = paths
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0].clone())
        .collect();
    duplicates.dedup();
    for path in duplicates {
        let writes = paths.iter().filter(|p| **p == path).count();
        report_collision(&path, writes, origins, diagnostics);
    }
    paths.dedup();
    let exists = |p: &str| {
        paths
            .binary_search_by(|probe| probe.as_str().cmp(p))
            .is_ok()
    };
    for check in checks {
        let path = check.path.trim_start_matches('/');
        let candidates = [
            path.to_string(),
            format!("{path}index.html"),
            format!("{path}/index.html"),
        ];
        if !candidates.iter().any(|c| exists(c)) {
            let message = format!(
                "link to /{path}, which the site does not have (not a page, a static file or a content asset)"
            );
            let mut d = Diagnostic::error(&check.source_path, check.line, check.column, message);
            d.snippet = check.snippet.clone();
            diagnostics.push(d);
        }
    }
}
