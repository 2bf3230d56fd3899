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
use std::sync::mpsc;
use std::time::Instant;

mod files;
mod pages;
mod progressive;
mod sources;
#[cfg(test)]
mod tests;

use pages::{Layout, ListingEntry, PageSet};
pub(crate) use progressive::Progress;
use progressive::Waiting;
use sources::Source;

use super::BuildOptions;
use super::checks::{check_anchors, check_output, linked_pages, page_origins, path_checks};
use super::front::{Bulk, Facts, Loaded, front_half, render_markdown};
use crate::config::Config;
use crate::content::SourceFile;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{LinkTarget, LinkTargets};
use crate::math::cache::DiskCache;
use crate::math::store::Compressed;
use crate::math::{FormulaStore, Job, JobKey};
use crate::output::{Sink, SitePath};
use crate::render::{self, Theme};
use crate::site::{Article, Site};

/// What changed on disk since the last update. Paths may name files or folders, written,
/// created or removed; a folder stands for everything that is or was in it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Changes {
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
    pub(crate) fn is_empty(&self) -> bool {
        !self.templates && !self.rescan && self.content.is_empty() && self.statics.is_empty()
    }
}

/// What one update did.
#[derive(Debug, Default)]
pub(crate) struct Update {
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

/// The site in memory, with what each stage produced.
pub(crate) struct Session {
    config: Config,
    options: BuildOptions,
    cache: Option<DiskCache>,
    cache_writer: Option<CacheWriter>,
    theme: Option<Theme>,
    theme_errors: Diagnostics,
    sources: BTreeMap<String, Source>,
    /// Problems walking `content/`.
    found: Diagnostics,
    /// Diagnostics of the front half: front matter, drafts, permalinks, ids.
    front: Diagnostics,
    targets: LinkTargets,
    /// What the site-wide checks read of the admitted articles, in link-target order (their
    /// HTML and formulas are in the site).
    articles: Vec<Facts>,
    site: Site,
    /// Output files of every page, as of the last full render (a collision shows twice).
    page_files: Vec<String>,
    render_failures: BTreeMap<String, Diagnostic>,
    static_files: BTreeSet<String>,
    /// Output paths of the files beside the articles in `content/`.
    asset_paths: BTreeSet<String>,
    static_errors: Diagnostics,
    /// Articles not finished yet, by content path (see [`progressive`]).
    waiting: BTreeMap<String, Waiting>,
    /// The pages not rendered yet, by output file.
    unrendered: BTreeMap<String, SitePath>,
    /// The formula cache, read whole by a progressive start; entries move into the site's
    /// store as its formulas need them.
    cached: HashMap<JobKey, Compressed>,
    progress: Option<Progress>,
    /// Formulas rendered but not handed to the disk cache yet.
    unsaved: Vec<(JobKey, Compressed)>,
}

impl Session {
    /// A session with nothing built yet.
    pub(super) fn empty(config: Config, options: BuildOptions) -> Session {
        let cache = options.cache_dir.as_ref().map(DiskCache::new);
        let site = Site::new(config.clone(), Vec::new(), FormulaStore::default());
        Session {
            config,
            options,
            cache_writer: cache.clone().map(CacheWriter::start),
            cache,
            theme: None,
            theme_errors: Diagnostics::new(),
            sources: BTreeMap::new(),
            found: Diagnostics::new(),
            front: Diagnostics::new(),
            targets: LinkTargets::default(),
            articles: Vec::new(),
            site,
            page_files: Vec::new(),
            render_failures: BTreeMap::new(),
            static_files: BTreeSet::new(),
            asset_paths: BTreeSet::new(),
            static_errors: Diagnostics::new(),
            waiting: BTreeMap::new(),
            unrendered: BTreeMap::new(),
            cached: HashMap::new(),
            progress: None,
            unsaved: Vec::new(),
        }
    }

    /// The site as the last update left it.
    pub(crate) fn site(&self) -> &Site {
        &self.site
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Brings the site up to date with `changes`, putting what changed into `sink`.
    pub(crate) fn update(&mut self, changes: &Changes, sink: &dyn Sink) -> Update {
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
        for path in &files {
            // A page that a static file stood over (a collision) shows again once it is gone.
            if !self.static_files.contains(path) && self.page_files.binary_search(path).is_ok() {
                pages.add_file(path);
            }
        }
        let rendered = self.render(&pages, sink);
        let page_count = rendered.len();
        written.extend(rendered);
        let all = matches!(pages, PageSet::All);
        self.finish(before, written, page_count, all, started)
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
        self.theme_errors = Diagnostics::new();
        let loaded = Theme::load(
            &self.config.root,
            &self.config.templates_dir(),
            &mut self.theme_errors,
        );
        let ok = loaded.is_some();
        if ok {
            self.theme = loaded;
        }
        ok
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
        let (to_render, all) = if front_changed || everything {
            self.front_half(changed, everything)
        } else {
            (self.with_new_text(changed), false)
        };
        if all {
            *pages = PageSet::All;
            if self.is_partial() {
                // Every article waits again, for the background steps or a request.
                self.wait_for_all(to_render);
                return;
            }
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
        let linked_before = self.linked_from(&changed_paths);
        self.assemble(fresh, all);
        if all || Layout::of(&self.site) != layout_before {
            *pages = PageSet::All;
            return;
        }
        // Backlinks show the linking article's title, in listing order: the pages it linked
        // to and links to now show it anew.
        for path in linked_before
            .iter()
            .chain(&self.linked_from(&changed_paths))
        {
            pages.add(path);
        }
        for content_path in &changed_paths {
            let old = old_entries.get(content_path);
            pages::affected_pages(&self.site, content_path, &old_order, old, pages);
        }
    }

    /// The pages the articles at `content_paths` link to, as the site holds them now.
    fn linked_from(&self, content_paths: &[String]) -> Vec<crate::output::SitePath> {
        self.site
            .articles
            .iter()
            .filter(|a| content_paths.contains(&a.content_path))
            .flat_map(|a| a.links_to.iter().cloned())
            .collect()
    }

    /// Drafts, permalinks and link targets of the whole site again. Returns the articles to
    /// render (all of them when the link targets changed or `everything`), and whether all.
    fn front_half(&mut self, changed: &BTreeSet<String>, everything: bool) -> (Vec<Loaded>, bool) {
        let files: Vec<SourceFile> = self
            .sources
            .values()
            .filter_map(|s| s.used.as_ref().map(|(file, _)| file.clone()))
            .collect();
        self.front = Diagnostics::new();
        let (loaded, targets) =
            front_half(&self.config, files, self.options.drafts, &mut self.front);
        let all = everything || !same_targets(&targets, &self.targets);
        self.targets = targets;
        if all {
            return (loaded, true);
        }
        let changed = loaded
            .into_iter()
            .filter(|l| changed.contains(&l.file.content_path))
            .collect();
        (changed, false)
    }

    /// The `changed` articles with their new text and everything else as before (their front
    /// matter is unchanged).
    fn with_new_text(&self, changed: &BTreeSet<String>) -> Vec<Loaded> {
        let mut loaded = Vec::new();
        for content_path in changed {
            let (Some(&LinkTarget { index, .. }), Some(source)) = (
                self.targets.articles.get(content_path),
                self.sources.get(content_path),
            ) else {
                continue;
            };
            let Some((file, _)) = &source.used else {
                continue;
            };
            let old = &self.articles[index].loaded;
            loaded.push(Loaded {
                file: file.clone(),
                parsed: old.parsed.clone(),
                path: old.path.clone(),
                aliases: old.aliases.clone(),
            });
        }
        loaded
    }

    /// Markdown, new formulas and finishing of `loaded`; returns the finished articles by
    /// content path, and keeps their facts for the site-wide checks. When `all`, `loaded` is
    /// every article in link-target order (the front half numbers the targets so), and the
    /// facts replace all those held.
    fn render_articles(&mut self, loaded: Vec<Loaded>, all: bool) -> BTreeMap<String, Article> {
        let (facts, bulks) = render_markdown(&self.config, loaded, &self.targets);
        self.render_formulas(&bulks);
        if all {
            self.articles = Vec::with_capacity(facts.len());
        }
        let mut fresh = BTreeMap::new();
        for (mut facts, bulk) in facts.into_iter().zip(bulks) {
            let content_path = facts.loaded.file.content_path.clone();
            let Some(&LinkTarget { index, .. }) = self.targets.articles.get(&content_path) else {
                continue;
            };
            let article = self.preview_article(&facts.loaded, bulk, &mut facts.diagnostics);
            if all {
                self.articles.push(facts);
            } else {
                self.articles[index] = facts;
            }
            self.waiting.remove(&content_path);
            fresh.insert(content_path, article);
        }
        // Their links reach `links_to` in `assemble`, with every other article's.
        fresh
    }

    /// Renders the formulas of `bulks` the session does not have yet.
    fn render_formulas(&mut self, bulks: &[Bulk]) {
        let jobs: Vec<Job> = bulks
            .iter()
            .flat_map(|b| b.math.formulas.iter().filter_map(|f| f.job.clone()))
            .collect();
        self.render_jobs(&jobs);
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
        // Every article's links, as far as Markdown has found them: the backlinks.
        let links = linked_pages(&self.articles);
        for article in &mut articles {
            if let Some(target) = self.targets.articles.get(&article.content_path) {
                article.links_to = links.get(target.index).cloned().unwrap_or_default();
            }
        }
        let store = std::mem::take(&mut self.site.formulas);
        self.site = Site::new(self.config.clone(), articles, store);
    }

    /// Renders `pages` with the current theme; returns the files written. While the site is
    /// partial, only the pages already rendered are, and every page when all would be.
    fn render(&mut self, pages: &PageSet, sink: &dyn Sink) -> Vec<String> {
        if !self.is_partial() {
            return self.render_now(pages, sink);
        }
        match pages {
            PageSet::All => {
                self.unrender_all();
                Vec::new()
            }
            PageSet::Some(set) => {
                let rendered = set
                    .iter()
                    .filter(|page| !self.unrendered.contains_key(page.file().as_str()))
                    .cloned()
                    .collect();
                self.render_ready(rendered, sink)
            }
        }
    }

    /// Renders `pages` with the current theme as they are; returns the files written.
    fn render_now(&mut self, pages: &PageSet, sink: &dyn Sink) -> Vec<String> {
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
                    self.render_failures.remove(page.file().as_str());
                }
            }
        }
        self.render_failures.extend(failures);
        written.sort();
        written
    }

    /// Every diagnostic of the site as it is now.
    pub(crate) fn diagnostics(&self) -> Diagnostics {
        let mut all = Diagnostics::new();
        all.extend(self.found.iter().cloned());
        all.extend(self.front.iter().cloned());
        for source in self.sources.values() {
            all.extend(source.broken.iter().cloned());
        }
        for article in &self.articles {
            all.extend(article.diagnostics.iter().cloned());
        }
        if self.waiting.is_empty() {
            // Articles that wait have no anchors yet.
            check_anchors(&self.articles, &mut all);
        }
        let mut origins = page_origins(&self.articles);
        // Only a static file that is also a page can collide.
        let statics: Vec<_> = self
            .static_files
            .iter()
            .filter(|path| self.page_files.binary_search(path).is_ok())
            .filter_map(|path| self.static_file(path))
            .collect();
        origins.add_statics(&self.config, &statics);
        let mut paths: Vec<String> = self
            .page_files
            .iter()
            .chain(&self.static_files)
            .cloned()
            .collect();
        let checks = path_checks(&self.articles);
        if self.theme.is_some() {
            check_output(&mut paths, &checks, &origins, &mut all);
        }
        all.extend(self.theme_errors.iter().cloned());
        all.extend(self.render_failures.values().cloned());
        all.extend(self.static_errors.iter().cloned());
        all
    }
}

fn same_targets(a: &LinkTargets, b: &LinkTargets) -> bool {
    a.base_path == b.base_path && a.articles == b.articles && a.drafts == b.drafts
}

/// The thread that adds rendered formulas to the disk cache, so that the session's thread
/// never waits for the disk.
struct CacheWriter {
    batches: mpsc::Sender<Vec<(JobKey, Compressed)>>,
    thread: std::thread::JoinHandle<()>,
}

impl CacheWriter {
    fn start(cache: DiskCache) -> CacheWriter {
        let (batches, receiver) = mpsc::channel::<Vec<(JobKey, Compressed)>>();
        let thread = std::thread::spawn(move || {
            while let Ok(mut batch) = receiver.recv() {
                while let Ok(more) = receiver.try_recv() {
                    batch.extend(more);
                }
                // A cache that cannot be written only costs time on a later build.
                let _ = cache.store(batch.iter().map(|(key, data)| (key, data)));
            }
        });
        CacheWriter { batches, thread }
    }

    fn send(&self, batch: Vec<(JobKey, Compressed)>) {
        // The thread ends only when this writer is finished.
        let _ = self.batches.send(batch);
    }

    /// Waits until every batch sent is in the cache.
    fn finish(self) {
        drop(self.batches);
        let _ = self.thread.join();
    }
}
