//! The rendering stage: the [`Site`] through Tera templates into output files.
//!
//! The theme is the built-in `templates/` with the site's own `templates/` laid over it by file
//! name. Every page is independent, so pages render in parallel.

mod kind;
mod reader;
pub(crate) mod view;

pub(crate) use kind::PageKind;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::content::xml_chars;
use crate::diagnostics::{Diagnostic, Diagnostics, Position, display_path};
use crate::output::{Sink, SitePath};
use crate::site::{Article, Site, TaxonomyKind};
use view::*;

/// The loaded templates, ready to render.
pub(crate) struct Theme {
    tera: Tera,
    /// Template name → the path shown in diagnostics.
    origins: BTreeMap<String, String>,
}

impl Theme {
    /// Built-in templates, overridden by name by the files in `templates_dir`; `None`, with
    /// the reasons in `diagnostics`, when one cannot be read or parsed.
    pub(crate) fn load(
        root: &Path,
        templates_dir: &Path,
        diagnostics: &mut Diagnostics,
    ) -> Option<Theme> {
        let mut sources: BTreeMap<String, (String, String)> = crate::embedded::TEMPLATES
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    (format!("<built-in>/templates/{name}"), text.to_string()),
                )
            })
            .collect();
        let mut unreadable = false;
        if templates_dir.is_dir() {
            for entry in WalkDir::new(templates_dir)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
            {
                let name = display_path(templates_dir, entry.path());
                // Notes for the site's authors (`templates/README.md`) are not templates.
                let is_notes = entry.path().extension().is_some_and(|e| e == "md");
                if !entry.file_type().is_file()
                    || is_notes
                    || crate::content::discover::is_ignored_name(
                        &entry.file_name().to_string_lossy(),
                    )
                {
                    continue;
                }
                let shown = display_path(root, entry.path());
                match std::fs::read_to_string(entry.path()) {
                    Ok(text) => {
                        sources.insert(name, (shown, text));
                    }
                    Err(e) => {
                        unreadable = true;
                        diagnostics.push(Diagnostic::whole_file_error(
                            shown,
                            format!("cannot read template: {e}"),
                        ));
                    }
                }
            }
        }
        if unreadable {
            return None;
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let origins: BTreeMap<String, String> = sources
            .iter()
            .map(|(name, (shown, _))| (name.clone(), shown.clone()))
            .collect();
        let added = tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, (_, text))| (name.as_str(), text.as_str())),
        );
        if let Err(e) = added {
            diagnostics.push(template_error(&e, &origins, None));
            return None;
        }
        Some(Theme { tera, origins })
    }
}

/// A Tera error as a diagnostic at the template's line and column.
fn template_error(
    error: &tera::Error,
    origins: &BTreeMap<String, String>,
    page: Option<&str>,
) -> Diagnostic {
    let during = page
        .map(|p| format!(" (rendering /{p})"))
        .unwrap_or_default();
    let at = |name: &str| {
        origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("templates/{name}"))
    };
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            Diagnostic::error(
                at(report.filename()),
                Position::new(span.start_line, span.start_col + 1),
                format!("template: {}{during}", report.message()),
            )
        }
        other => {
            // Some errors (unknown filter, missing include) carry their place only in the text
            // of Tera's report: `error: Unknown filter …\n --> article.html:3:20`.
            let text = other.to_string();
            let message = text
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .trim_start_matches("error: ");
            match report_location(&text) {
                Some((name, position)) => {
                    Diagnostic::error(at(name), position, format!("template: {message}{during}"))
                }
                None => Diagnostic::whole_file_error(
                    "templates",
                    format!("template: {message}{during}"),
                ),
            }
        }
    }
}

/// The template and the position in it, from a ` --> name:line:col` line of a Tera report.
fn report_location(text: &str) -> Option<(&str, Position)> {
    let location = text
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("--> "))?;
    let mut parts = location.trim().rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?, Position::new(line, column)))
}

/// Builds a page's own variables when the page is rendered.
type Extra<'a> = Box<dyn Fn() -> Context + Send + Sync + 'a>;

/// One page to render: its kind, output path and the variables beyond `site` and `page`.
struct PageJob<'a> {
    kind: PageKind,
    path: SitePath,
    page: PageView,
    /// Held as views until the page is rendered, so the contexts of all pages never exist at
    /// once.
    extra: Extra<'a>,
    /// Articles whose content is spliced in after Tera rendered the page (see [`Splice`]).
    splices: Vec<Splice>,
}

impl<'a> PageJob<'a> {
    fn new(site: &Site, kind: PageKind, title: &str, path: &SitePath, extra: Extra<'a>) -> Self {
        PageJob {
            kind,
            path: path.clone(),
            page: PageView::new(site, kind, title, path),
            extra,
            splices: Vec::new(),
        }
    }
}

/// An article's full content stands in the template context as a short marker, and is
/// spliced into the rendered page afterwards: the content, the bulk of a page, is then written
/// once instead of being copied through the template engine, and a feed of twenty articles never
/// holds twenty copies of each. The marker carries a `'`, which autoescaping turns into
/// `&#39;`, so a template's choice between `{{ x | safe }}` and `{{ x }}` is still honoured.
/// A NUL never comes out of Markdown, KaTeX or a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Splice {
    /// The article's content as on its page.
    Page(usize),
    /// The article's content with absolute URLs, for feeds.
    Feed(usize),
}

impl Splice {
    fn marker(self) -> String {
        match self {
            Splice::Page(index) => format!("\0lemma:page:{index}'\0"),
            Splice::Feed(index) => format!("\0lemma:feed:{index}'\0"),
        }
    }

    /// Names the form the content takes in the recipe. A changed form needs a new number, or a
    /// published site would keep what the old one made: `1` was a feed with KaTeX's HTML.
    fn form(self) -> u8 {
        match self {
            Splice::Page(_) => 0,
            Splice::Feed(_) => 2,
        }
    }

    fn content(self, site: &Site) -> String {
        match self {
            Splice::Page(index) => site.content_html(index),
            Splice::Feed(index) => {
                let permalink = site.permalink(&site.articles[index].path);
                absolutize(
                    &site.feed_content_html(index),
                    &site.config.base_path,
                    site.config.base_url.as_str(),
                    &permalink,
                )
            }
        }
    }

    /// `html` with this splice's markers replaced, escaped where the template escaped.
    fn apply(self, html: String, site: &Site) -> String {
        let raw = self.marker();
        let escaped = escape(&raw);
        let (has_raw, has_escaped) = (html.contains(&raw), html.contains(&escaped));
        match self {
            _ if !has_raw && !has_escaped => html,
            // The usual article page: the content is assembled right into the page.
            Splice::Page(index) if !has_escaped => {
                let mut out =
                    String::with_capacity(html.len() + site.articles[index].body_html.len() * 8);
                for (i, piece) in html.split(raw.as_str()).enumerate() {
                    if i > 0 {
                        site.content_html_into(index, &mut out);
                    }
                    out.push_str(piece);
                }
                out
            }
            _ => {
                let content = self.content(site);
                let html = if has_raw {
                    html.replace(&raw, &content)
                } else {
                    html
                };
                if has_escaped {
                    html.replace(&escaped, &escape(&content))
                } else {
                    html
                }
            }
        }
    }
}

/// Everything a spliced page's bytes follow from: the template's output, and for each article
/// its body and the cache keys of its formulas (which fix their HTML). With the same recipe
/// a sink may keep the page it made last time instead of assembling it again. `0`: no recipe.
fn recipe(site: &Site, html: &str, splices: &[Splice]) -> u128 {
    if splices.is_empty() {
        return 0;
    }
    let mut hasher = recipe_hasher();
    hasher.update(html.as_bytes());
    for splice in splices {
        let (Splice::Page(index) | Splice::Feed(index)) = *splice;
        hasher.update(&[splice.form()]);
        content_recipe(&mut hasher, &site.articles[index]);
    }
    hasher.digest128()
}

/// A hasher for a recipe: it starts with this build of lemma (see [`crate::BUILD_ID`]).
pub(crate) fn recipe_hasher() -> xxhash_rust::xxh3::Xxh3 {
    hasher_for_build(crate::BUILD_ID)
}

fn hasher_for_build(build: &str) -> xxhash_rust::xxh3::Xxh3 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(build.as_bytes());
    hasher.update(&[0]);
    hasher
}

/// Feeds what an article's assembled content follows from into `hasher`: its path, its body
/// and the cache keys of its formulas (which fix their HTML).
pub(crate) fn content_recipe(hasher: &mut xxhash_rust::xxh3::Xxh3, article: &Article) {
    hasher.update(article.path.as_str().as_bytes());
    hasher.update(article.body_html.as_bytes());
    for formula in &article.math.formulas {
        hasher.update(formula.job.as_ref().map_or(&[0u8; 32], |job| &job.key));
        for anchor in &formula.anchors {
            hasher.update(anchor.as_bytes());
            hasher.update(&[0]);
        }
    }
}

/// An XML page without the characters XML forbids: the last line of defence for what no
/// source file held (a YAML escape in `lemma.yaml`, a template).
fn well_formed(file_path: &str, page: String) -> String {
    if !file_path.ends_with(".xml") {
        return page;
    }
    match xml_chars::remove_forbidden(&page) {
        Cow::Borrowed(_) => page,
        Cow::Owned(clean) => clean,
    }
}

/// Exactly what Tera's autoescaping makes of `text`.
fn escape(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len() + text.len() / 8);
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

fn context_with<T: Serialize + ?Sized>(name: &'static str, value: &T) -> Context {
    let mut context = Context::new();
    context.insert(name, value);
    context
}

/// Renders every page of `site` into `sink`, returning the paths written; the pages that
/// fail go to `diagnostics`.
pub(crate) fn render_site(
    site: &Site,
    theme: &Theme,
    live_reload: Option<&str>,
    sink: &dyn Sink,
    diagnostics: &mut Diagnostics,
) -> Vec<String> {
    let (paths, failures) = render_pages(site, theme, live_reload, sink, &|_| true);
    diagnostics.extend(failures.into_iter().map(|(_, d)| d));
    paths
}

/// Renders the pages of `site` whose page path (`""`, `page/2/`, `archives/12/`, `tags/x/`,
/// `atom.xml`) `select` accepts, returning the files written and each failure with its file
/// (the `serve` session forgets a page's failure once the page renders).
/// Pages not selected cost nothing: their views are never built (`serve` re-renders a few).
pub(crate) fn render_pages(
    site: &Site,
    theme: &Theme,
    live_reload: Option<&str>,
    sink: &dyn Sink,
    select: Select,
) -> (Vec<String>, Vec<(String, Diagnostic)>) {
    let site_view = SiteView::new(site);
    let jobs = page_jobs(site, select);
    let results: Vec<Result<String, (String, Diagnostic)>> = jobs
        .into_par_iter()
        .map(|job| {
            let mut context = (job.extra)();
            context.insert("site", &site_view);
            context.insert("page", &job.page);
            context.insert("live_reload", &live_reload);
            let file = job.path.file();
            let file_path = file.as_str().to_string();
            let html = theme
                .tera
                .render(job.kind.template(), &context)
                .map_err(|e| {
                    let d = template_error(&e, &theme.origins, Some(job.path.as_str()));
                    (file_path.clone(), d)
                })?;
            let recipe = recipe(site, &html, &job.splices);
            let mut produce = || {
                let page = job
                    .splices
                    .iter()
                    .fold(html.clone(), |html, splice| splice.apply(html, site));
                well_formed(&file_path, page).into_bytes()
            };
            sink.put_made(file, recipe, &mut produce).map_err(|e| {
                let d =
                    Diagnostic::whole_file_error(file_path.clone(), format!("cannot write: {e}"));
                (file_path.clone(), d)
            })?;
            Ok(file_path)
        })
        .collect();
    let mut paths = Vec::with_capacity(results.len());
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(path) => paths.push(path),
            Err(d) => diagnostics.push(d),
        }
    }
    (paths, diagnostics)
}

/// Which pages to render, by page path.
pub(crate) type Select<'s> = &'s (dyn Fn(&SitePath) -> bool + Sync);

/// Every page of `site`, as [`render_pages`] would write them; two pages at one path show
/// twice. Only the paths are made: [`page_jobs`] asks `select` about each page before it
/// builds anything for it.
pub(crate) fn page_paths(site: &Site) -> Vec<SitePath> {
    let seen = std::sync::Mutex::new(Vec::new());
    page_jobs(site, &|path| {
        if let Ok(mut seen) = seen.lock() {
            seen.push(path.clone());
        }
        false
    });
    seen.into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn page_jobs<'a>(site: &'a Site, select: Select) -> Vec<PageJob<'a>> {
    let mut jobs = home_pages(site, select);
    for index in 0..site.articles.len() {
        let article = &site.articles[index];
        let title = &article.title;
        if select(&article.path) {
            let view = ArticleView::new(site, index, Splice::Page(index).marker().into());
            let extra = Box::new(move || context_with("article", &view));
            let mut job = PageJob::new(site, PageKind::Article, title, &article.path, extra);
            job.splices = vec![Splice::Page(index)];
            jobs.push(job);
        }
        for alias in article.aliases.iter().filter(|a| select(a)) {
            let target_url = site.permalink(&article.path);
            let extra = Box::new(move || context_with("target_url", &target_url));
            jobs.push(PageJob::new(site, PageKind::Redirect, title, alias, extra));
        }
    }
    for kind in TaxonomyKind::ALL {
        jobs.extend(taxonomy_pages(site, kind, select));
    }
    for kind in PageKind::SINGLE {
        if kind == PageKind::Search && !site.config.reader.search {
            continue;
        }
        match kind.single_path() {
            Some(path) if select(&path) => jobs.push(single_page(site, kind, &path)),
            _ => {}
        }
    }
    jobs
}

/// The full URL of the page of a kind the site has one of (the feed, the archive).
pub(crate) fn single_permalink(site: &Site, kind: PageKind) -> String {
    kind.single_path()
        .map(|path| site.permalink(&path))
        .unwrap_or_default()
}

/// The page of a kind the site has one of, at `path`.
fn single_page<'a>(site: &'a Site, kind: PageKind, path: &SitePath) -> PageJob<'a> {
    let ui = &site.config.ui;
    match kind {
        PageKind::Archive => archive_page(site, path),
        PageKind::Feed => feed_page(site, path),
        PageKind::Sitemap => {
            let extra = Box::new(move || context_with("entries", &sitemap_entries(site)));
            PageJob::new(site, kind, "", path, extra)
        }
        PageKind::NotFound => PageJob::new(site, kind, &ui.not_found, path, Box::new(Context::new)),
        PageKind::Search => PageJob::new(site, kind, &ui.search, path, Box::new(Context::new)),
        _ => PageJob::new(site, kind, "", path, Box::new(Context::new)),
    }
}

/// The page path of home page `number` (1-based): `""`, `page/2/`, …
pub(crate) fn page_path(number: usize) -> SitePath {
    if number == 1 {
        SitePath::root()
    } else {
        SitePath::page(&format!("page/{number}/")).unwrap_or_default()
    }
}

fn home_pages<'a>(site: &'a Site, select: Select) -> Vec<PageJob<'a>> {
    let per_page = site.config.paginate.max(1);
    let total = site.articles.len().div_ceil(per_page).max(1);
    (1..=total)
        .filter(|&number| select(&page_path(number)))
        .map(|number| {
            let start = (number - 1) * per_page;
            let end = (start + per_page).min(site.articles.len());
            let articles: Vec<SummaryView> =
                (start..end).map(|i| SummaryView::new(site, i)).collect();
            let paginator = PaginatorView {
                current: number,
                total,
                previous_url: (number > 1).then(|| site.url(&page_path(number - 1))),
                next_url: (number < total).then(|| site.url(&page_path(number + 1))),
                pages: (1..=total)
                    .map(|n| PageNumber {
                        number: n,
                        url: site.url(&page_path(n)),
                    })
                    .collect(),
            };
            let title = if number == 1 {
                String::new()
            } else {
                format!("{} {number}", site.config.ui.home)
            };
            let path = page_path(number);
            let extra = Box::new(move || {
                let mut extra = context_with("articles", &articles);
                extra.insert("paginator", &paginator);
                extra
            });
            PageJob::new(site, PageKind::Home, &title, &path, extra)
        })
        .collect()
}

fn taxonomy_pages<'a>(site: &'a Site, kind: TaxonomyKind, select: Select) -> Vec<PageJob<'a>> {
    let ui = &site.config.ui;
    let title = match kind {
        TaxonomyKind::Categories => &ui.categories,
        TaxonomyKind::Tags => &ui.tags,
        TaxonomyKind::Series => &ui.series,
    };
    let terms = site.terms(kind);
    let index_path = kind.index_path();
    let mut jobs = Vec::new();
    if select(&index_path) {
        let index = TaxonomyView {
            kind: kind.key(),
            title,
            terms: terms
                .iter()
                .map(|t| TermCount {
                    name: &t.name,
                    url: site.url(&t.path),
                    count: t.articles.len(),
                })
                .collect(),
        };
        let extra = Box::new(move || context_with("taxonomy", &index));
        jobs.push(PageJob::new(
            site,
            PageKind::Taxonomy,
            title,
            &index_path,
            extra,
        ));
    }
    let page_kind = match kind {
        TaxonomyKind::Series => PageKind::Series,
        _ => PageKind::Term,
    };
    for term in terms.iter().filter(|t| select(&t.path)) {
        let extra = Box::new(move || context_with("term", &TermView::new(site, term)));
        jobs.push(PageJob::new(site, page_kind, &term.name, &term.path, extra));
    }
    jobs
}

fn archive_page<'a>(site: &'a Site, path: &SitePath) -> PageJob<'a> {
    let mut years: Vec<YearView> = Vec::new();
    for (index, article) in site.articles.iter().enumerate() {
        let Some(date) = article.date.as_ref().map(DateView::new) else {
            continue;
        };
        if years.last().is_none_or(|y| y.year != date.year) {
            years.push(YearView {
                year: date.year.clone(),
                count: 0,
                months: Vec::new(),
            });
        }
        let Some(year) = years.last_mut() else {
            continue;
        };
        year.count += 1;
        if year.months.last().is_none_or(|m| m.month != date.month) {
            year.months.push(MonthView {
                month: date.month.clone(),
                month_abbr: date.month_abbr,
                articles: Vec::new(),
            });
        }
        if let Some(month) = year.months.last_mut() {
            month.articles.push(EntryView::new(site, index));
        }
    }
    let extra = Box::new(move || context_with("years", &years));
    PageJob::new(
        site,
        PageKind::Archive,
        &site.config.ui.archives,
        path,
        extra,
    )
}

fn feed_page<'a>(site: &'a Site, path: &SitePath) -> PageJob<'a> {
    let base_path = &site.config.base_path;
    let base_url = site.config.base_url.as_str();
    let entries: Vec<FeedEntry> = (0..site.articles.len().min(site.config.feed_limit))
        .map(|index| {
            let article = &site.articles[index];
            let permalink = site.permalink(&article.path);
            let mut summary = SummaryView::new(site, index);
            summary.excerpt_html =
                absolutize(&article.feed_excerpt_html, base_path, base_url, &permalink).into();
            FeedEntry {
                summary,
                content_html: Splice::Feed(index).marker(),
            }
        })
        .collect();
    let splices = (0..entries.len()).map(Splice::Feed).collect();
    let updated = site
        .articles
        .iter()
        .filter_map(|a| a.updated.max(a.date))
        .max()
        .map(|d| d.to_rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
    let extra = Box::new(move || {
        let mut extra = context_with("articles", &entries);
        extra.insert("updated", &updated);
        extra
    });
    let mut job = PageJob::new(site, PageKind::Feed, "", path, extra);
    job.splices = splices;
    job
}

/// Feed readers show content away from the site: every link must be absolute.
pub(crate) fn absolutize(html: &str, base_path: &str, base_url: &str, page_url: &str) -> String {
    absolutize_counting(html, base_path, base_url, page_url).0
}

/// [`absolutize`], and how many bytes of `html` its searches went through. One forward scan
/// for `="` finds every `href="` and `src="` in order, so that is at most `html.len()`:
/// searching for each attribute name from each link again made a page of links quadratic.
fn absolutize_counting(
    html: &str,
    base_path: &str,
    base_url: &str,
    page_url: &str,
) -> (String, usize) {
    let mut out = String::with_capacity(html.len() + 64);
    // `html[..copied]` is in `out`; attribute names are looked for from there on.
    let mut copied = 0;
    let mut from = 0;
    let mut scanned = 0;
    while let Some(found) = html[from..].find("=\"") {
        let name_end = from + found;
        let value = name_end + 2;
        scanned += value - from;
        from = value;
        let before = &html[copied..name_end];
        if !before.ends_with("href") && !before.ends_with("src") {
            continue;
        }
        out.push_str(&html[copied..value]);
        copied = value;
        let rest = &html[value..];
        if rest.starts_with('#') {
            out.push_str(page_url);
        } else if rest.starts_with(base_path) && !rest.starts_with("//") {
            out.push_str(base_url);
            copied += base_path.len();
            from = copied;
        }
    }
    scanned += html.len() - from;
    out.push_str(&html[copied..]);
    (out, scanned)
}

fn sitemap_entries(site: &Site) -> Vec<SitemapEntry> {
    let newest = site
        .articles
        .iter()
        .filter_map(|a| a.updated.max(a.date))
        .max()
        .map(|d| d.format("%Y-%m-%d").to_string());
    let mut entries = vec![SitemapEntry {
        loc: site.permalink(&SitePath::root()),
        lastmod: newest,
    }];
    for article in &site.articles {
        let lastmod = article
            .updated
            .max(article.date)
            .map(|d| d.format("%Y-%m-%d").to_string());
        entries.push(SitemapEntry {
            loc: site.permalink(&article.path),
            lastmod,
        });
    }
    for kind in TaxonomyKind::ALL {
        entries.push(SitemapEntry {
            loc: site.permalink(&kind.index_path()),
            lastmod: None,
        });
        for term in site.terms(kind) {
            entries.push(SitemapEntry {
                loc: site.permalink(&term.path),
                lastmod: None,
            });
        }
    }
    entries.push(SitemapEntry {
        loc: single_permalink(site, PageKind::Archive),
        lastmod: None,
    });
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_start_with_this_build_of_lemma() {
        let digest = |mut hasher: xxhash_rust::xxh3::Xxh3| {
            hasher.update(b"page");
            hasher.digest128()
        };
        assert_eq!(crate::BUILD_ID.len(), 16, "{}", crate::BUILD_ID);
        assert_eq!(
            digest(recipe_hasher()),
            digest(hasher_for_build(crate::BUILD_ID))
        );
        // The same page made by another build of lemma has another recipe.
        assert_ne!(
            digest(hasher_for_build(crate::BUILD_ID)),
            digest(hasher_for_build("0000000000000000"))
        );
    }

    #[test]
    fn absolutize_rewrites_site_links_and_fragments_only() {
        let html = r##"<a href="/blog/a/">a</a><img src="/blog/i.png"><a href="#x">x</a><a href="https://o.org/">o</a>"##;
        let out = absolutize(
            html,
            "/blog/",
            "https://x.org/blog/",
            "https://x.org/blog/p/",
        );
        assert_eq!(
            out,
            r##"<a href="https://x.org/blog/a/">a</a><img src="https://x.org/blog/i.png"><a href="https://x.org/blog/p/#x">x</a><a href="https://o.org/">o</a>"##
        );
    }

    #[test]
    fn absolutize_leaves_protocol_relative_urls_alone() {
        let out = absolutize(
            r#"<img src="//cdn.x/a.png">"#,
            "/",
            "https://x.org/",
            "https://x.org/p/",
        );
        assert_eq!(out, r#"<img src="//cdn.x/a.png">"#);
    }

    #[test]
    fn absolutize_reads_each_byte_once_whatever_the_number_of_links() {
        let link = r##"<p><a href="/a/">a</a> <a href="#n">n</a> <b data-x="1">x</b></p>"##;
        let image = r#"<img src="/i.png" alt="i">"#;
        let mut html = link.repeat(20_000);
        html.push_str(image);
        let (out, scanned) = absolutize_counting(&html, "/", "https://x.org/", "https://x.org/p/");
        assert!(
            scanned <= html.len(),
            "{scanned} bytes scanned for {}",
            html.len()
        );
        assert_eq!(out.matches(r#"href="https://x.org/a/""#).count(), 20_000);
        assert_eq!(
            out.matches(r##"href="https://x.org/p/#n""##).count(),
            20_000
        );
        assert!(out.ends_with(r#"<img src="https://x.org/i.png" alt="i">"#));
    }

    #[test]
    fn absolutize_matches_attribute_names_as_before() {
        // Any name ending in `src` or `href` counts (`data-src`), a value's own `="` does not
        // start an attribute, and the base path is consumed once.
        let html = r#"<img data-src="/x/a.png"><a href="/x/src="/x/q">q</a><a title="/x/">t</a>"#;
        let out = absolutize(html, "/x/", "https://o.org/x/", "https://o.org/x/p/");
        assert_eq!(
            out,
            r#"<img data-src="https://o.org/x/a.png"><a href="https://o.org/x/src="https://o.org/x/q">q</a><a title="/x/">t</a>"#
        );
    }
}
