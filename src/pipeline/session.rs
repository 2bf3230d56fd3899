//! A build kept in memory between changes, for `serve`: every stage's result is held, so a
//! change re-runs only the stages, articles and pages it affects.
//!
//! The stages are those of [`super::build`], called on fewer inputs:
//!
//! - an article whose front matter is unchanged goes through Markdown and math alone, and only
//!   its formulas that the session has not seen reach KaTeX;
//! - a front-matter change re-runs the front half (drafts, permalinks, link targets) for the
//!   whole site, which is cheap; when the link targets come out different (an article added,
//!   removed or moved), every article's Markdown is rendered again, because its links may now
//!   resolve elsewhere;
//! - pages are re-rendered only where they show what changed: the article, and, when its
//!   listing entry changed, its neighbours, its series, the home page it is on, its terms, the
//!   archive, the feed and the sitemap. A change to the set of pages (an alias, a new term, a
//!   new home page) re-renders them all;
//! - a template change reloads the theme and re-renders every page from the held site;
//! - a static file or content asset is copied alone.
//!
//! A file whose front matter does not parse keeps its last good version in the site; its
//! errors are reported until it is fixed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use super::{
    BuildOptions, Loaded, PathCheck, Rendered, assign_permalinks, check_anchors,
    check_duplicate_ids, check_output, copy_static_files, finish_article, link_targets,
    load_front_matter, page_file, page_origins, render_markdown,
};
use crate::config::Config;
use crate::content::discover::is_ignored_name;
use crate::content::{Asset, SourceFile, discover, frontmatter};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::markdown::{LinkTargets, Mode};
use crate::math::cache::DiskCache;
use crate::math::store::Compressed;
use crate::math::{self, FormulaStore, Job, JobKey};
use crate::output::{OutputFile, Sink};
use crate::render::{self, Theme};
use crate::site::{Article, Site, TaxonomyKind};

/// Past this many formulas new to the session, the disk cache is read before KaTeX runs;
/// below it, reading a cache of many MB costs more than rendering.
const DISK_CACHE_THRESHOLD: usize = 100;

/// What changed on disk since the last update. Paths may name files or folders, written,
/// created or removed; a folder stands for everything that is or was in it.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Something under `templates/`.
    pub templates: bool,
    /// Paths relative to `content/` (`2023/a.md`, `2023/fig.png`, `2023`).
    pub content: BTreeSet<String>,
    /// Paths relative to `static/` (`style.css`, `images`).
    pub statics: BTreeSet<String>,
    /// Walk `content/` and `static/` again (one of them appeared or vanished).
    pub rescan: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.templates && !self.rescan && self.content.is_empty() && self.statics.is_empty()
    }
}

/// What one update did.
#[derive(Debug, Default)]
pub struct Update {
    /// Output files put into the sink, pages and static files.
    pub written: Vec<String>,
    /// Output files the site no longer has.
    pub removed: Vec<String>,
    /// Pages rendered.
    pub pages: usize,
    /// Whether every page was rendered.
    pub all_pages: bool,
    /// Every diagnostic the site has now, not only those of this update.
    pub diagnostics: Diagnostics,
    pub seconds: f64,
}

/// One Markdown file of `content/`.
struct Source {
    /// The last version whose front matter parsed: the one in the site.
    used: Option<(SourceFile, usize)>,
    /// Errors of the file as it is now, when its front matter does not parse.
    broken: Vec<Diagnostic>,
}

impl Source {
    fn new() -> Source {
        Source {
            used: None,
            broken: Vec::new(),
        }
    }
}

/// What finishing an article found that the site-wide checks need.
#[derive(Default)]
struct Finished {
    failures: Vec<Diagnostic>,
    checks: Vec<PathCheck>,
}

/// Which pages to render, by page path (`""`, `page/2/`, `archives/12/`, `atom.xml`).
enum PageSet {
    All,
    Some(BTreeSet<String>),
}

impl PageSet {
    fn add(&mut self, path: &str) {
        if let PageSet::Some(set) = self {
            set.insert(path.to_string());
        }
    }
}

/// The site in memory, with what each stage produced.
pub struct Session {
    config: Config,
    options: BuildOptions,
    cache: Option<DiskCache>,
    cache_writer: Option<mpsc::Sender<Vec<(JobKey, Compressed)>>>,
    theme: Option<Theme>,
    theme_errors: Vec<Diagnostic>,
    sources: BTreeMap<String, Source>,
    /// Problems walking `content/`.
    found: Vec<Diagnostic>,
    /// Diagnostics of the front half: front matter, drafts, permalinks, ids.
    front: Vec<Diagnostic>,
    targets: LinkTargets,
    /// Admitted articles in link-target order, without their HTML and formulas (moved into
    /// the site): what the site-wide checks read.
    articles: Vec<Rendered>,
    finished: Vec<Finished>,
    site: Site,
    /// Output files of every page, as of the last full render (a collision shows twice).
    page_files: Vec<String>,
    render_failures: BTreeMap<String, Diagnostic>,
    static_files: BTreeSet<String>,
    /// Output paths of the files beside the articles in `content/`.
    asset_paths: BTreeSet<String>,
    static_errors: Vec<Diagnostic>,
}

impl Session {
    /// Builds the whole site into `sink`.
    pub fn new(config: Config, options: BuildOptions, sink: &dyn Sink) -> (Session, Update) {
        let cache = options.cache_dir.as_ref().map(DiskCache::new);
        let site = Site::new(config.clone(), Vec::new(), FormulaStore::default());
        let mut session = Session {
            config,
            options,
            cache_writer: cache.clone().map(spawn_cache_writer),
            cache,
            theme: None,
            theme_errors: Vec::new(),
            sources: BTreeMap::new(),
            found: Vec::new(),
            front: Vec::new(),
            targets: LinkTargets::default(),
            articles: Vec::new(),
            finished: Vec::new(),
            site,
            page_files: Vec::new(),
            render_failures: BTreeMap::new(),
            static_files: BTreeSet::new(),
            asset_paths: BTreeSet::new(),
            static_errors: Vec::new(),
        };
        let update = session.rebuild(sink);
        (session, update)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Builds everything again with a new config; rendered formulas are kept.
    pub fn reconfigure(&mut self, config: Config, sink: &dyn Sink) -> Update {
        self.config = config;
        self.rebuild(sink)
    }

    fn rebuild(&mut self, sink: &dyn Sink) -> Update {
        let started = Instant::now();
        let before = self.all_files();
        self.load_theme();
        self.sources.clear();
        let (_, _, assets) = self.discover_content();
        self.targets = LinkTargets::default();
        let everything = self.sources.keys().cloned().collect();
        let mut pages = PageSet::All;
        self.rebuild_articles(&everything, true, true, &mut pages);
        let mut static_errors = Diagnostics::new();
        let mut written = copy_static_files(&self.config, &assets, sink, &mut static_errors);
        self.static_errors = static_errors.into_iter().collect();
        self.static_files = written.iter().cloned().collect();
        let rendered = self.render(&pages, sink);
        let pages = rendered.len();
        written.extend(rendered);
        self.finish(before, written, pages, true, started)
    }

    /// Brings the site up to date with `changes`, putting what changed into `sink`.
    pub fn update(&mut self, changes: &Changes, sink: &dyn Sink) -> Update {
        let started = Instant::now();
        let before = self.all_files();
        let mut pages = PageSet::Some(BTreeSet::new());
        if changes.templates && self.load_theme() {
            pages = PageSet::All;
        }
        let (articles, mut files) = self.expand(changes);
        let (changed, front_changed) = if changes.rescan {
            self.rescan(&mut files)
        } else {
            self.reread(&articles)
        };
        if !changed.is_empty() {
            self.rebuild_articles(&changed, front_changed, false, &mut pages);
        }
        let mut written = self.copy_files(&files, sink);
        let rendered = self.render(&pages, sink);
        let page_count = rendered.len();
        written.extend(rendered);
        let all = matches!(pages, PageSet::All);
        self.finish(before, written, page_count, all, started)
    }

    /// The articles (content paths) and output files that `changes` may concern.
    fn expand(&self, changes: &Changes) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut articles = BTreeSet::new();
        let mut files = BTreeSet::new();
        let under = |set: &BTreeSet<String>, path: &str| -> Vec<String> {
            let prefix = format!("{path}/");
            set.range(prefix.clone()..)
                .take_while(|p| p.starts_with(&prefix))
                .cloned()
                .collect()
        };
        let known: BTreeSet<String> = self.sources.keys().cloned().collect();
        for path in &changes.content {
            if path.ends_with(".md") {
                articles.insert(path.clone());
            } else {
                files.insert(path.clone());
            }
            articles.extend(under(&known, path));
            files.extend(under(&self.asset_paths, path));
            for found in files_under(&self.config.content_dir(), path) {
                if found.ends_with(".md") {
                    articles.insert(found);
                } else {
                    files.insert(found);
                }
            }
        }
        for path in &changes.statics {
            files.insert(path.clone());
            files.extend(under(&self.static_files, path));
            files.extend(files_under(&self.config.static_dir(), path));
        }
        (articles, files)
    }

    /// Every output file the site has.
    fn all_files(&self) -> BTreeSet<String> {
        self.page_files
            .iter()
            .chain(&self.static_files)
            .cloned()
            .collect()
    }

    fn finish(
        &mut self,
        before: BTreeSet<String>,
        mut written: Vec<String>,
        pages: usize,
        all_pages: bool,
        started: Instant,
    ) -> Update {
        written.sort();
        written.dedup();
        let after = self.all_files();
        let removed = before.difference(&after).cloned().collect();
        Update {
            written,
            removed,
            pages,
            all_pages,
            diagnostics: self.diagnostics(),
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    /// Loads the templates; on errors the last good theme stays. Returns whether it loaded.
    fn load_theme(&mut self) -> bool {
        match Theme::load(&self.config.root, &self.config.templates_dir()) {
            Ok(theme) => {
                self.theme = Some(theme);
                self.theme_errors.clear();
                true
            }
            Err(errors) => {
                self.theme_errors = errors;
                false
            }
        }
    }

    /// Takes a file's new text. Returns `Some(front matter changed)` when the text is now
    /// the one in use, `None` when it is unchanged or its front matter does not parse.
    fn take_text(&mut self, content_path: &str, file: SourceFile) -> Option<bool> {
        let source = self.sources.get_mut(content_path)?;
        if let Some((used, _)) = &source.used
            && used.text == file.text
        {
            source.broken.clear();
            return None;
        }
        let (parsed, found) = frontmatter::parse(&file, self.config.timezone);
        let Some(parsed) = parsed else {
            source.broken = found;
            return None;
        };
        source.broken.clear();
        let front = &file.text[..parsed.body_offset];
        let front_changed = source
            .used
            .as_ref()
            .is_none_or(|(old, offset)| old.text[..*offset] != *front);
        source.used = Some((file, parsed.body_offset));
        Some(front_changed)
    }

    /// Reads the named articles again. Returns the content paths whose text in use changed,
    /// and whether any front matter did (or an article came or went).
    fn reread(&mut self, paths: &BTreeSet<String>) -> (BTreeSet<String>, bool) {
        let mut changed = BTreeSet::new();
        let mut front_changed = false;
        let content_dir = self.config.content_dir();
        for content_path in paths {
            let read = regular_file(&content_dir, content_path).map(|path| {
                let shown = display_path(&self.config.root, &path);
                read_source(&path, shown, content_path)
            });
            match read {
                None => {
                    if let Some(gone) = self.sources.remove(content_path) {
                        front_changed |= gone.used.is_some();
                        changed.insert(content_path.clone());
                    }
                }
                Some(Err(problem)) => {
                    let source = self
                        .sources
                        .entry(content_path.clone())
                        .or_insert_with(Source::new);
                    source.broken = vec![problem];
                }
                Some(Ok(file)) => {
                    self.sources
                        .entry(content_path.clone())
                        .or_insert_with(Source::new);
                    if let Some(front) = self.take_text(content_path, file) {
                        front_changed |= front;
                        changed.insert(content_path.clone());
                    }
                }
            }
        }
        (changed, front_changed)
    }

    /// Walks `content/` again and takes what differs; every static file and content asset,
    /// old and new, joins `files`.
    fn rescan(&mut self, files: &mut BTreeSet<String>) -> (BTreeSet<String>, bool) {
        let old_assets = std::mem::take(&mut self.asset_paths);
        let (changed, front_changed, _) = self.discover_content();
        files.extend(old_assets);
        files.extend(self.asset_paths.iter().cloned());
        files.extend(self.static_files.iter().cloned());
        files.extend(files_under(&self.config.static_dir(), ""));
        (changed, front_changed)
    }

    /// Walks `content/` and takes every article's text. Returns the content paths whose text
    /// in use changed, whether any front matter did, and the assets.
    fn discover_content(&mut self) -> (BTreeSet<String>, bool, Vec<Asset>) {
        let (files, assets, found) = discover(&self.config.root, &self.config.content_dir());
        self.found = found;
        self.asset_paths = assets.iter().map(|a| a.content_path.clone()).collect();
        let present: BTreeSet<&str> = files.iter().map(|f| f.content_path.as_str()).collect();
        let gone: Vec<String> = self
            .sources
            .keys()
            .filter(|p| !present.contains(p.as_str()))
            .cloned()
            .collect();
        let mut changed = BTreeSet::new();
        let mut front_changed = false;
        for content_path in gone {
            if let Some(source) = self.sources.remove(&content_path) {
                front_changed |= source.used.is_some();
                changed.insert(content_path);
            }
        }
        for file in files {
            let content_path = file.content_path.clone();
            self.sources
                .entry(content_path.clone())
                .or_insert_with(Source::new);
            if let Some(front) = self.take_text(&content_path, file) {
                front_changed |= front;
                changed.insert(content_path);
            }
        }
        (changed, front_changed, assets)
    }

    /// Markdown, math and finishing for the `changed` articles (all when `everything`), then
    /// the site again; `pages` gets the pages that show what changed.
    fn rebuild_articles(
        &mut self,
        changed: &BTreeSet<String>,
        front_changed: bool,
        everything: bool,
        pages: &mut PageSet,
    ) {
        let mut to_render: Vec<Loaded> = Vec::new();
        let mut all = everything;
        if front_changed || everything {
            let files: Vec<SourceFile> = self
                .sources
                .values()
                .filter_map(|s| s.used.as_ref().map(|(file, _)| file.clone()))
                .collect();
            let mut front = Diagnostics::new();
            let (loaded, drafts) =
                load_front_matter(&self.config, files, self.options.drafts, &mut front);
            let loaded = assign_permalinks(&self.config, loaded, &mut front);
            check_duplicate_ids(&loaded, &mut front);
            let targets = link_targets(&self.config, &loaded, drafts);
            self.front = front.into_iter().collect();
            all |= !same_targets(&targets, &self.targets);
            self.targets = targets;
            to_render = if all {
                loaded
            } else {
                loaded
                    .into_iter()
                    .filter(|l| changed.contains(&l.file.content_path))
                    .collect()
            };
        } else {
            for content_path in changed {
                let (Some(&(index, _)), Some(source)) = (
                    self.targets.articles.get(content_path),
                    self.sources.get(content_path),
                ) else {
                    continue;
                };
                let Some((file, _)) = &source.used else {
                    continue;
                };
                let old = &self.articles[index].loaded;
                to_render.push(Loaded {
                    file: file.clone(),
                    parsed: old.parsed.clone(),
                    path: old.path.clone(),
                });
            }
        }
        if all {
            *pages = PageSet::All;
        }
        let old_order: Vec<String> = self
            .site
            .articles
            .iter()
            .map(|a| a.content_path.clone())
            .collect();
        let fresh = self.render_articles(to_render, all);
        let old_entries: HashMap<String, ListingEntry> = fresh
            .keys()
            .filter_map(|p| {
                let i = old_order.iter().position(|o| o == p)?;
                Some((p.clone(), ListingEntry::of(&self.site.articles[i])))
            })
            .collect();
        let layout_before = Layout::of(&self.site);
        let changed_paths: Vec<String> = fresh.keys().cloned().collect();
        self.assemble(fresh, all);
        if all || Layout::of(&self.site) != layout_before {
            *pages = PageSet::All;
            return;
        }
        for content_path in &changed_paths {
            self.affected_pages(
                content_path,
                &old_order,
                old_entries.get(content_path),
                pages,
            );
        }
    }

    /// Markdown, new formulas and finishing of `loaded`; returns the finished articles by
    /// content path, and keeps what the site-wide checks need.
    fn render_articles(&mut self, loaded: Vec<Loaded>, all: bool) -> BTreeMap<String, Article> {
        let mut scratch = Diagnostics::new();
        let rendered = render_markdown(&self.config, loaded, &self.targets, &mut scratch);
        self.render_formulas(&rendered);
        if all {
            let count = self.targets.articles.len();
            self.articles = (0..count).map(|_| empty_rendered()).collect();
            self.finished = (0..count).map(|_| Finished::default()).collect();
        }
        let now = chrono::Utc::now();
        let mut fresh = BTreeMap::new();
        for mut r in rendered {
            let content_path = r.loaded.file.content_path.clone();
            let Some(&(index, _)) = self.targets.articles.get(&content_path) else {
                continue;
            };
            // The held copy goes without the bulk, which moves into the article.
            let html = std::mem::take(&mut r.body.html);
            let formulas = std::mem::take(&mut r.math.formulas);
            let shell = r.clone();
            r.body.html = html;
            r.math.formulas = formulas;
            let (mut article, failures, checks) =
                finish_article(&self.config.base_path, r, &self.site.formulas);
            // A preview shows what is not published yet, marked as such.
            article.draft |= article.date.is_some_and(|date| date > now);
            // Held with its formulas in place (a body without placeholders stitches to
            // itself): a template change then renders every page without decompressing every
            // formula again, for the memory of the site's content held once more.
            let url = format!("{}{}", self.config.base_path, article.path);
            article.body_html = math::stitch(
                &article.body_html,
                &article.math,
                &self.site.formulas,
                Mode::Page,
                &url,
            );
            self.articles[index] = shell;
            self.finished[index] = Finished { failures, checks };
            fresh.insert(content_path, article);
        }
        fresh
    }

    /// Renders the formulas of `rendered` the session does not have yet.
    fn render_formulas(&mut self, rendered: &[Rendered]) {
        let store = &self.site.formulas;
        let missing: BTreeMap<JobKey, &Job> = rendered
            .iter()
            .flat_map(|r| r.math.formulas.iter().filter_map(|f| f.job.as_ref()))
            .filter(|job| !store.contains(&job.key))
            .map(|job| (job.key, job))
            .collect();
        if missing.is_empty() {
            return;
        }
        let from_disk = missing.len() > DISK_CACHE_THRESHOLD;
        let cache = self.cache.as_ref().filter(|_| from_disk);
        let (fresh, _) = math::render_all(missing.values().copied(), cache);
        let mut to_cache = Vec::new();
        for key in missing.keys() {
            if let Some(result) = fresh.get(key) {
                if let (Ok(compressed), false) = (result, from_disk) {
                    to_cache.push((*key, compressed.clone()));
                }
                self.site.formulas.insert(*key, result.clone());
            }
        }
        if let (Some(writer), false) = (&self.cache_writer, to_cache.is_empty()) {
            let _ = writer.send(to_cache);
        }
    }

    /// Puts `fresh` articles into the site (replacing those with the same content path, or
    /// all of them).
    fn assemble(&mut self, mut fresh: BTreeMap<String, Article>, all: bool) {
        let mut articles = std::mem::take(&mut self.site.articles);
        if all {
            articles = fresh.into_values().collect();
        } else {
            for article in &mut articles {
                if let Some(new) = fresh.remove(&article.content_path) {
                    *article = new;
                }
            }
        }
        let store = std::mem::take(&mut self.site.formulas);
        self.site = Site::new(self.config.clone(), articles, store);
    }

    /// Adds the pages that show article `content_path` to `pages`.
    fn affected_pages(
        &self,
        content_path: &str,
        old_order: &[String],
        old: Option<&ListingEntry>,
        pages: &mut PageSet,
    ) {
        let site = &self.site;
        let Some(new_index) = site
            .articles
            .iter()
            .position(|a| a.content_path == content_path)
        else {
            return;
        };
        let article = &site.articles[new_index];
        pages.add(&article.path);
        for alias in &article.aliases {
            pages.add(alias);
        }
        let old_index = old_order.iter().position(|p| p == content_path);
        let limit = site.config.feed_limit;
        if new_index < limit || old_index.is_some_and(|i| i < limit) {
            pages.add("atom.xml");
        }
        let new = ListingEntry::of(article);
        if old == Some(&new) {
            return;
        }
        let old_index = old_index.unwrap_or(new_index);
        let path_of = |content_path: &String| {
            site.articles
                .iter()
                .find(|a| &a.content_path == content_path)
                .map(|a| a.path.clone())
        };
        // Neighbours show the article's title in their previous/next links.
        for index in [old_index, new_index] {
            for neighbour in [index.wrapping_sub(1), index + 1] {
                if let Some(a) = site.articles.get(neighbour) {
                    pages.add(&a.path);
                }
                if let Some(path) = old_order.get(neighbour).and_then(path_of) {
                    pages.add(&path);
                }
            }
        }
        let per_page = site.config.paginate.max(1);
        let (low, high) = (old_index.min(new_index), old_index.max(new_index));
        for number in low / per_page + 1..=high / per_page + 1 {
            pages.add(&render::page_path(number));
        }
        let mut names: Vec<(TaxonomyKind, &str)> = Vec::new();
        for entry in [Some(&new), old].into_iter().flatten() {
            names.extend(
                entry
                    .categories
                    .iter()
                    .map(|n| (TaxonomyKind::Categories, n.as_str())),
            );
            names.extend(entry.tags.iter().map(|n| (TaxonomyKind::Tags, n.as_str())));
            names.extend(
                entry
                    .series
                    .iter()
                    .map(|n| (TaxonomyKind::Series, n.as_str())),
            );
        }
        for (kind, name) in names {
            let Some(term) = site.terms(kind).iter().find(|t| t.name == name) else {
                continue;
            };
            pages.add(&term.path);
            if kind == TaxonomyKind::Series {
                for &member in &term.articles {
                    pages.add(&site.articles[member].path);
                }
            }
        }
        for kind in TaxonomyKind::ALL {
            pages.add(&format!("{}/", kind.key()));
        }
        for page in ["archives/", "atom.xml", "sitemap.xml"] {
            pages.add(page);
        }
    }

    /// Renders `pages` with the current theme; returns the files written.
    fn render(&mut self, pages: &PageSet, sink: &dyn Sink) -> Vec<String> {
        let Some(theme) = &self.theme else {
            return Vec::new();
        };
        let live_reload = self.options.live_reload.as_deref();
        let (mut written, failures) = match pages {
            PageSet::All => render::render_pages(&self.site, theme, live_reload, sink, &|_| true),
            PageSet::Some(set) if set.is_empty() => return Vec::new(),
            PageSet::Some(set) => {
                render::render_pages(&self.site, theme, live_reload, sink, &|p| set.contains(p))
            }
        };
        match pages {
            PageSet::All => {
                self.render_failures.clear();
                self.page_files = written.clone();
                self.page_files.sort();
            }
            PageSet::Some(set) => {
                for page in set {
                    self.render_failures.remove(&page_file(page));
                }
            }
        }
        self.render_failures.extend(failures);
        written.sort();
        written
    }

    /// Copies the static files and content assets at `paths` (output paths) alone.
    fn copy_files(&mut self, paths: &BTreeSet<String>, sink: &dyn Sink) -> Vec<String> {
        let mut written = Vec::new();
        for path in paths {
            if regular_file(&self.config.content_dir(), path).is_some() && !path.ends_with(".md") {
                self.asset_paths.insert(path.clone());
            } else {
                self.asset_paths.remove(path);
            }
            match self.static_file(path) {
                Some(file) => match sink.put(file) {
                    Ok(()) => {
                        self.static_files.insert(path.clone());
                        written.push(path.clone());
                    }
                    Err(e) => self.static_errors.push(Diagnostic::error(
                        path,
                        0,
                        0,
                        format!("cannot copy: {e}"),
                    )),
                },
                None => {
                    self.static_files.remove(path);
                }
            }
        }
        written
    }

    /// The file at output `path`, by the precedence of a build: a content asset, else the
    /// site's `static/`, else the built-in assets.
    fn static_file(&self, path: &str) -> Option<OutputFile> {
        let asset = regular_file(&self.config.content_dir(), path)
            .filter(|p| p.extension().is_none_or(|ext| ext != "md"));
        if let Some(source) = asset.or_else(|| regular_file(&self.config.static_dir(), path)) {
            return Some(OutputFile::copy(path.to_string(), source));
        }
        crate::embedded::STATIC_FILES
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(name, bytes)| OutputFile::embedded(name.to_string(), bytes))
    }

    /// Every diagnostic of the site as it is now.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut all = Diagnostics::new();
        all.extend(self.found.iter().cloned());
        all.extend(self.front.iter().cloned());
        for source in self.sources.values() {
            all.extend(source.broken.iter().cloned());
        }
        for (r, finished) in self.articles.iter().zip(&self.finished) {
            all.extend(r.body.diagnostics.iter().cloned());
            all.extend(r.math.diagnostics.iter().cloned());
            all.extend(finished.failures.iter().cloned());
        }
        check_anchors(&self.articles, &mut all);
        let origins = page_origins(&self.articles);
        let mut paths: Vec<String> = self
            .page_files
            .iter()
            .chain(&self.static_files)
            .cloned()
            .collect();
        let checks: Vec<PathCheck> = self
            .finished
            .iter()
            .flat_map(|f| f.checks.iter().cloned())
            .collect();
        if self.theme.is_some() {
            check_output(&mut paths, &checks, &origins, &mut all);
        }
        all.extend(self.theme_errors.iter().cloned());
        all.extend(self.render_failures.values().cloned());
        all.extend(self.static_errors.iter().cloned());
        all
    }
}

/// What a listing shows of an article: when it changes, the listings must be rendered again.
#[derive(PartialEq)]
struct ListingEntry {
    title: String,
    date: Option<chrono::DateTime<chrono::FixedOffset>>,
    updated: Option<chrono::DateTime<chrono::FixedOffset>>,
    draft: bool,
    categories: Vec<String>,
    tags: Vec<String>,
    series: Option<String>,
    excerpt_html: String,
    has_more: bool,
}

impl ListingEntry {
    fn of(article: &Article) -> Self {
        ListingEntry {
            title: article.title.clone(),
            date: article.date,
            updated: article.updated,
            draft: article.draft,
            categories: article.categories.clone(),
            tags: article.tags.clone(),
            series: article.series.clone(),
            excerpt_html: article.excerpt_html.clone(),
            has_more: article.has_more,
        }
    }
}

/// The set of pages a site has: when it changes, every page is rendered again.
#[derive(PartialEq)]
struct Layout {
    articles: usize,
    aliases: BTreeSet<String>,
    terms: Vec<String>,
}

impl Layout {
    fn of(site: &Site) -> Layout {
        Layout {
            articles: site.articles.len(),
            aliases: site
                .articles
                .iter()
                .flat_map(|a| a.aliases.iter().cloned())
                .collect(),
            terms: TaxonomyKind::ALL
                .iter()
                .flat_map(|&kind| site.terms(kind).iter().map(|t| t.path.clone()))
                .collect(),
        }
    }
}

fn same_targets(a: &LinkTargets, b: &LinkTargets) -> bool {
    a.base_path == b.base_path && a.articles == b.articles && a.drafts == b.drafts
}

/// A placeholder until the article at its index is rendered.
fn empty_rendered() -> Rendered {
    Rendered {
        loaded: Loaded {
            file: SourceFile {
                path: String::new(),
                content_path: String::new(),
                text: String::new(),
            },
            parsed: frontmatter::Parsed {
                front: Default::default(),
                body_offset: 0,
            },
            path: String::new(),
        },
        body: Default::default(),
        summary_html: None,
        math: Default::default(),
    }
}

/// `base/relative` when it exists and is reached without symlinks or ignored names.
fn plain_path(base: &Path, relative: &str) -> Option<(PathBuf, std::fs::Metadata)> {
    let mut path = base.to_path_buf();
    let mut meta = std::fs::symlink_metadata(&path).ok()?;
    for part in relative.split('/').filter(|p| !p.is_empty()) {
        if part == "." || part == ".." || is_ignored_name(part) {
            return None;
        }
        path.push(part);
        meta = std::fs::symlink_metadata(&path).ok()?;
        if meta.file_type().is_symlink() {
            return None;
        }
    }
    Some((path, meta))
}

/// `base/relative` when it is a regular file reached without symlinks or ignored names.
fn regular_file(base: &Path, relative: &str) -> Option<PathBuf> {
    plain_path(base, relative)
        .filter(|(_, meta)| meta.is_file() && !relative.is_empty())
        .map(|(path, _)| path)
}

/// The files in folder `base/relative` (relative to `base`), as a build would find them.
fn files_under(base: &Path, relative: &str) -> Vec<String> {
    let Some((dir, meta)) = plain_path(base, relative) else {
        return Vec::new();
    };
    if !meta.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| display_path(base, e.path()))
        .collect()
}

fn read_source(path: &Path, shown: String, content_path: &str) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(&shown, 0, 0, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| Diagnostic::error(&shown, 0, 0, format!("not valid UTF-8: {e}")))?;
    Ok(SourceFile {
        path: shown,
        content_path: content_path.to_string(),
        text,
    })
}

/// Adds newly rendered formulas to the disk cache off the rebuild path, one batch at a time.
fn spawn_cache_writer(cache: DiskCache) -> mpsc::Sender<Vec<(JobKey, Compressed)>> {
    let (sender, receiver) = mpsc::channel::<Vec<(JobKey, Compressed)>>();
    std::thread::spawn(move || {
        while let Ok(mut batch) = receiver.recv() {
            while let Ok(more) = receiver.try_recv() {
                batch.extend(more);
            }
            // A cache that cannot be written only costs time on a later build.
            let _ = cache.store(batch.iter().map(|(key, data)| (key, data)));
        }
    });
    sender
}
