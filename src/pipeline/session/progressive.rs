//! A session that starts at once and finishes in the background, for `serve` on a cold formula
//! cache (a minute of KaTeX for a 1,000-article archive).
//!
//! [`Session::start`] runs only the front half (front matter, permalinks, link targets): each
//! article stands in the site as its front matter alone, [`Waiting`], and no page is rendered.
//! [`Session::ready`] renders one page on request: first the articles it shows (their Markdown,
//! then their formulas, see [`pages::needs`]), so it comes out as a full build makes it.
//! [`Session::advance`] does the rest a step at a time, newest articles first: every article's
//! Markdown, then their formulas, then the pages nobody asked for.
//!
//! While articles wait, the site-wide checks (anchors, collisions) are left out of the
//! diagnostics: they would report the placeholders.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use super::pages::{self, PageSet};
use super::{Session, Update};
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::markdown::LinkTarget;
use crate::math::{self, Job};
use crate::output::{Sink, SitePath};
use crate::pipeline::BuildOptions;
use crate::pipeline::checks::linked_pages;
use crate::pipeline::finish::finish_article;
use crate::pipeline::front::{Bulk, Facts, Loaded, render_markdown};
use crate::pipeline::statics::{copy_static_files, static_files};
use crate::render;
use crate::site::Article;

/// How many articles one background step takes through Markdown.
const MARKDOWN_STEP: usize = 64;
/// About how many formulas one background step renders per core: a fraction of a second, so
/// requests and edits never wait long.
const FORMULAS_PER_CORE: usize = 64;

/// An article not finished yet; the site shows it as its front matter alone until then.
pub(super) enum Waiting {
    /// Through the front half only.
    Loaded(Loaded),
    /// Through Markdown; `listed` once the site shows its title and excerpt.
    Marked {
        facts: Facts,
        bulk: Bulk,
        listed: bool,
    },
}

/// How far the background rendering of formulas is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Progress {
    /// Formulas rendered so far by the background steps and requests.
    pub done: usize,
    /// Formulas to render in all, once every article's Markdown is known.
    pub total: Option<usize>,
    pub started: Instant,
    /// When the total became known, and how many were done then: the rate is measured from
    /// there.
    pub counted: Option<(Instant, usize)>,
}

impl Progress {
    /// Seconds the formulas left should take at the rate so far.
    pub(crate) fn seconds_left(&self) -> Option<f64> {
        let (since, done_then) = self.counted?;
        let rendered = self.done.checked_sub(done_then).filter(|&n| n > 0)?;
        let left = self.total?.saturating_sub(self.done);
        Some(since.elapsed().as_secs_f64() / rendered as f64 * left as f64)
    }
}

/// Formulas rendered in the background are added to the disk cache this many at a time (and
/// at the end): each addition is a cache segment, and many small ones make the cache merge
/// them again and again.
const CACHE_BATCH: usize = 8192;

impl Session {
    /// The site at `config` through the front half alone: no Markdown, no formula, no page
    /// yet; static files go into `sink`.
    pub(crate) fn start(
        config: Config,
        options: BuildOptions,
        sink: &dyn Sink,
    ) -> (Session, Update) {
        let mut session = Session::empty(config, options);
        let update = session.begin(sink);
        (session, update)
    }

    /// [`Session::start`] again with a new config; rendered formulas are kept.
    pub(crate) fn restart(&mut self, config: Config, sink: &dyn Sink) -> Update {
        self.config = config;
        self.begin(sink)
    }

    fn begin(&mut self, sink: &dyn Sink) -> Update {
        let started = Instant::now();
        let before = self.all_files();
        // The cache is read while the front half runs: the first page needs it.
        let reading = self
            .cache
            .clone()
            .map(|cache| std::thread::spawn(move || cache.load_all()));
        self.load_theme();
        self.sources.clear();
        let (_, _, assets) = self.discover_content();
        let (loaded, _) = self.front_half(&BTreeSet::new(), true);
        if let Some(reading) = reading {
            // A reader that failed only means formulas are rendered again.
            self.cached = reading.join().unwrap_or_default();
        }
        self.progress = Some(Progress {
            done: 0,
            total: None,
            started,
            counted: None,
        });
        self.wait_for_all(loaded);
        self.static_errors = Diagnostics::new();
        let statics = static_files(&self.config, &assets, &mut self.static_errors);
        let written = copy_static_files(statics, sink, &mut self.static_errors);
        self.static_files = written.iter().cloned().collect();
        self.render_failures.clear();
        self.unrender_all();
        self.finish(before, written, 0, true, started)
    }

    /// Puts every article of `loaded` (in link-target order) back to wait, standing in the
    /// site as its front matter.
    pub(super) fn wait_for_all(&mut self, loaded: Vec<Loaded>) {
        self.waiting.clear();
        self.articles = Vec::with_capacity(loaded.len());
        let mut articles = BTreeMap::new();
        for loaded in loaded {
            let content_path = loaded.file.content_path.clone();
            articles.insert(
                content_path.clone(),
                self.preview_article(&loaded, Bulk::default(), &mut Diagnostics::new()),
            );
            self.articles.push(Facts::of(loaded.clone()));
            self.waiting.insert(content_path, Waiting::Loaded(loaded));
        }
        self.assemble(articles, true);
    }

    /// Every page of the site becomes one to render on request.
    pub(super) fn unrender_all(&mut self) {
        let pages = render::page_paths(&self.site);
        // Two pages at one path show twice: the collision check must see both.
        self.page_files = pages
            .iter()
            .map(|p| p.file().as_str().to_string())
            .collect();
        self.page_files.sort();
        self.unrendered = pages
            .into_iter()
            .map(|page| (page.file().as_str().to_string(), page))
            .collect();
    }

    /// Whether articles or pages are still to be done.
    pub(crate) fn is_partial(&self) -> bool {
        !self.waiting.is_empty() || !self.unrendered.is_empty()
    }

    /// The output files of the pages not rendered yet.
    pub(crate) fn unrendered_files(&self) -> impl Iterator<Item = &String> {
        self.unrendered.keys()
    }

    pub(crate) fn progress(&self) -> Option<Progress> {
        self.progress
    }

    /// Renders the page that writes output file `file` (when it waits), after the articles it
    /// shows.
    pub(crate) fn ready(&mut self, file: &str, sink: &dyn Sink) -> Update {
        let started = Instant::now();
        let before = self.all_files();
        let Some(page) = self.unrendered.get(file).cloned() else {
            return self.finish(before, Vec::new(), 0, false, started);
        };
        let written = self.render_ready(BTreeSet::from([page]), sink);
        let count = written.len();
        self.finish(before, written, count, false, started)
    }

    /// Renders `pages` once the articles they show are ready; they are rendered from then on.
    pub(super) fn render_ready(
        &mut self,
        pages: BTreeSet<SitePath>,
        sink: &dyn Sink,
    ) -> Vec<String> {
        if pages.is_empty() {
            return Vec::new();
        }
        self.prepare(&pages);
        for page in &pages {
            self.unrendered.remove(page.file().as_str());
        }
        self.render_now(&PageSet::Some(pages), sink)
    }

    /// Makes the articles that `pages` show ready for them to be rendered.
    pub(super) fn prepare(&mut self, pages: &BTreeSet<SitePath>) {
        if self.waiting.is_empty() {
            return;
        }
        let mut whole = BTreeSet::new();
        let mut listed = BTreeSet::new();
        let mut backlinked = BTreeSet::new();
        for page in pages {
            let needs = pages::needs(&self.site, page);
            if self.config.reader.backlinks {
                backlinked.extend(
                    needs
                        .whole
                        .iter()
                        .map(|&i| self.site.articles[i].path.clone()),
                );
            }
            let path = |i: usize| self.site.articles[i].content_path.clone();
            whole.extend(needs.whole.iter().map(|&i| path(i)));
            listed.extend(needs.listed.iter().map(|&i| path(i)));
            // A title from the front matter is in the site already; one from the first
            // heading needs the article's Markdown.
            let untitled = needs.titled.iter().map(|&i| path(i)).filter(|p| {
                let loaded = match self.waiting.get(p) {
                    Some(Waiting::Loaded(loaded)) => loaded,
                    Some(Waiting::Marked { facts, .. }) => &facts.loaded,
                    None => return false,
                };
                loaded.parsed.front.title.is_none()
            });
            listed.extend(untitled.collect::<Vec<_>>());
        }
        listed.extend(self.linking_to(&backlinked));
        let whole: Vec<String> = whole
            .into_iter()
            .filter(|p| self.waiting.contains_key(p))
            .collect();
        let listed: Vec<String> = listed
            .into_iter()
            .filter(|p| !whole.contains(p) && self.waiting.contains_key(p))
            .collect();
        self.mark(whole.iter().chain(&listed));
        let mut fresh = self.complete(&whole);
        fresh.extend(self.list(&listed));
        if !fresh.is_empty() {
            self.assemble(fresh, false);
        }
    }

    /// The articles that link to the pages `linked` (all through Markdown first, so none is
    /// missed) and whose titles need their Markdown: what a page's backlinks show of them.
    fn linking_to(&mut self, linked: &BTreeSet<SitePath>) -> Vec<String> {
        if linked.is_empty() {
            return Vec::new();
        }
        let unmarked: Vec<String> = self
            .waiting
            .iter()
            .filter(|(_, w)| matches!(w, Waiting::Loaded(_)))
            .map(|(path, _)| path.clone())
            .collect();
        self.mark(unmarked.iter());
        let links = linked_pages(&self.articles);
        self.articles
            .iter()
            .zip(links)
            .filter(|(facts, _)| facts.loaded.parsed.front.title.is_none())
            .filter(|(_, to)| to.iter().any(|page| linked.contains(page)))
            .map(|(facts, _)| facts.loaded.file.content_path.clone())
            .collect()
    }

    /// Markdown for the waiting articles among `paths` that have not had it.
    fn mark<'a>(&mut self, paths: impl Iterator<Item = &'a String>) {
        let loaded: Vec<Loaded> = paths
            .filter_map(|p| match self.waiting.remove(p) {
                Some(Waiting::Loaded(loaded)) => Some(loaded),
                Some(other) => {
                    self.waiting.insert(p.clone(), other);
                    None
                }
                None => None,
            })
            .collect();
        if loaded.is_empty() {
            return;
        }
        let (facts, bulks) = render_markdown(&self.config, loaded, &self.targets);
        for (facts, bulk) in facts.into_iter().zip(bulks) {
            let content_path = facts.loaded.file.content_path.clone();
            // Its links are known now: the pages it links to list it among their backlinks.
            if let Some(target) = self.targets.articles.get(&content_path) {
                if let Some(held) = self.articles.get_mut(target.index) {
                    held.checks = facts.checks.clone();
                }
            }
            let waiting = Waiting::Marked {
                facts,
                bulk,
                listed: false,
            };
            self.waiting.insert(content_path, waiting);
        }
    }

    /// Renders the formulas of the marked articles among `paths` and finishes them: they wait
    /// no more. Returns them finished, by content path.
    fn complete(&mut self, paths: &[String]) -> BTreeMap<String, Article> {
        let jobs: Vec<Job> = paths
            .iter()
            .filter_map(|p| match self.waiting.get(p) {
                Some(Waiting::Marked { bulk, .. }) => Some(bulk),
                _ => None,
            })
            .flat_map(|bulk| bulk.math.formulas.iter().filter_map(|f| f.job.clone()))
            .collect();
        self.render_jobs(&jobs);
        let mut fresh = BTreeMap::new();
        for content_path in paths {
            let Some(Waiting::Marked {
                mut facts, bulk, ..
            }) = self.waiting.remove(content_path)
            else {
                continue;
            };
            let Some(&LinkTarget { index, .. }) = self.targets.articles.get(content_path) else {
                continue;
            };
            let article = self.preview_article(&facts.loaded, bulk, &mut facts.diagnostics);
            self.articles[index] = facts;
            fresh.insert(content_path.clone(), article);
        }
        fresh
    }

    /// Renders the formulas of the excerpts of the marked articles among `paths`; returns
    /// their listing entries (the articles with their excerpts, for the site until they are
    /// finished).
    fn list(&mut self, paths: &[String]) -> BTreeMap<String, Article> {
        let mut jobs = Vec::new();
        for content_path in paths {
            if let Some(Waiting::Marked {
                bulk,
                listed: false,
                ..
            }) = self.waiting.get(content_path)
            {
                jobs.extend(excerpt_jobs(bulk));
            }
        }
        self.render_jobs(&jobs);
        let mut fresh = BTreeMap::new();
        for content_path in paths {
            let Some(Waiting::Marked {
                facts,
                bulk,
                listed,
            }) = self.waiting.get_mut(content_path)
            else {
                continue;
            };
            if *listed {
                continue;
            }
            *listed = true;
            let (loaded, bulk) = (facts.loaded.clone(), bulk.clone());
            // KaTeX's rejections are reported once the article is finished.
            let article = self.preview_article(&loaded, bulk, &mut Diagnostics::new());
            fresh.insert(content_path.clone(), article);
        }
        fresh
    }

    /// One article finished, as a preview shows it: what is not published yet is marked so.
    pub(super) fn preview_article(
        &self,
        loaded: &Loaded,
        bulk: Bulk,
        diagnostics: &mut Diagnostics,
    ) -> Article {
        let mut article = finish_article(
            &self.config.base_path,
            loaded,
            bulk,
            &self.site.formulas,
            diagnostics,
        );
        let now = chrono::Utc::now();
        article.draft |= article.date.is_some_and(|date| date > now);
        article
    }

    /// One step of the background work; returns what it rendered, `None` once nothing is
    /// left to do.
    pub(crate) fn advance(&mut self, sink: &dyn Sink) -> Option<Update> {
        let started = Instant::now();
        let before = self.all_files();
        let order: Vec<String> = self
            .site
            .articles
            .iter()
            .map(|a| a.content_path.clone())
            .filter(|p| self.waiting.contains_key(p))
            .collect();
        let unmarked: Vec<String> = order
            .iter()
            .filter(|p| matches!(self.waiting.get(*p), Some(Waiting::Loaded(_))))
            .take(MARKDOWN_STEP)
            .cloned()
            .collect();
        if !unmarked.is_empty() {
            self.mark(unmarked.iter());
            return Some(self.finish(before, Vec::new(), 0, false, started));
        }
        if !order.is_empty() {
            self.count_total();
            let batch = self.next_formulas(&order);
            let fresh = self.complete(&batch);
            self.assemble(fresh, false);
            return Some(self.finish(before, Vec::new(), 0, false, started));
        }
        // Whatever waits is no article of the site any more.
        self.waiting.clear();
        if self.unrendered.is_empty() {
            return None;
        }
        let pages = self.unrendered.values().cloned().collect();
        let written = self.render_ready(pages, sink);
        let count = written.len();
        self.cached.clear();
        self.save_rendered();
        Some(self.finish(before, written, count, false, started))
    }

    /// The formulas left to render, once every article has been through Markdown.
    fn count_total(&mut self) {
        let Some(progress) = &mut self.progress else {
            return;
        };
        if progress.total.is_some() {
            return;
        }
        let mut keys = BTreeSet::new();
        for waiting in self.waiting.values() {
            if let Waiting::Marked { bulk, .. } = waiting {
                keys.extend(
                    bulk.math
                        .formulas
                        .iter()
                        .filter_map(|f| f.job.as_ref())
                        .map(|j| j.key),
                );
            }
        }
        let left = keys
            .iter()
            .filter(|k| !self.site.formulas.contains(k) && !self.cached.contains_key(*k))
            .count();
        progress.total = Some(progress.done + left);
        progress.counted = Some((Instant::now(), progress.done));
    }

    /// The next marked articles in `order` whose new formulas make one step's work.
    fn next_formulas(&self, order: &[String]) -> Vec<String> {
        let budget = FORMULAS_PER_CORE * rayon::current_num_threads().max(1);
        let mut batch = Vec::new();
        let mut new = BTreeSet::new();
        for content_path in order {
            if let Some(Waiting::Marked { bulk, .. }) = self.waiting.get(content_path) {
                new.extend(
                    bulk.math
                        .formulas
                        .iter()
                        .filter_map(|f| f.job.as_ref())
                        .map(|j| j.key)
                        .filter(|k| {
                            !self.site.formulas.contains(k) && !self.cached.contains_key(k)
                        }),
                );
            }
            batch.push(content_path.clone());
            if new.len() >= budget {
                break;
            }
        }
        batch
    }

    /// Puts KaTeX's answer for each of `jobs` into the site's store: from the cache read at
    /// the start, or rendered on every core (and added to the cache).
    pub(super) fn render_jobs(&mut self, jobs: &[Job]) {
        let mut missing: BTreeMap<[u8; 32], &Job> = BTreeMap::new();
        for job in jobs {
            if self.site.formulas.contains(&job.key) {
                continue;
            }
            if let Some(cached) = self.cached.remove(&job.key) {
                self.site.formulas.insert(job.key, Ok(cached));
            } else {
                missing.entry(job.key).or_insert(job);
            }
        }
        if missing.is_empty() {
            return;
        }
        let (fresh, _) = math::render_all(missing.values().copied(), None);
        for key in missing.keys() {
            if let Some(result) = fresh.get(key) {
                if let Ok(compressed) = result {
                    self.unsaved.push((*key, compressed.clone()));
                }
                self.site.formulas.insert(*key, result.clone());
            }
        }
        if let Some(progress) = &mut self.progress {
            progress.done += missing.len();
        }
        if !self.is_partial() || self.unsaved.len() >= CACHE_BATCH {
            self.save_rendered();
        }
    }

    /// Ends the session: the formulas rendered and not in the disk cache yet are written
    /// there before this returns, so that stopping `serve` midway through the background work
    /// loses none of it.
    pub(crate) fn close(mut self) {
        self.save_rendered();
        if let Some(writer) = self.cache_writer.take() {
            writer.finish();
        }
    }

    /// Hands the formulas rendered since the last time to the disk cache's writer.
    fn save_rendered(&mut self) {
        let unsaved = std::mem::take(&mut self.unsaved);
        if let (Some(writer), false) = (&self.cache_writer, unsaved.is_empty()) {
            writer.send(unsaved);
        }
    }
}

/// The KaTeX jobs of an article's excerpt: the formulas whose placeholders it holds.
fn excerpt_jobs(bulk: &Bulk) -> Vec<Job> {
    let Some(excerpt) = &bulk.excerpt else {
        return Vec::new();
    };
    excerpt
        .split('\0')
        .skip(1)
        .step_by(2)
        .filter_map(|index| index.parse::<usize>().ok())
        .filter_map(|i| bulk.math.formulas.get(i)?.job.clone())
        .collect()
}

impl Facts {
    /// What the checks know of an article before its Markdown: nothing but its front half.
    pub(super) fn of(loaded: Loaded) -> Facts {
        Facts {
            loaded,
            anchors: BTreeSet::new(),
            checks: Vec::new(),
            external_links: Vec::new(),
            diagnostics: Diagnostics::new(),
        }
    }
}
