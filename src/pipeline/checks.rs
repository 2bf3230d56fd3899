//! The site-wide checks, run on what the front half and the articles produced, before any
//! page is written: duplicate ids, links to missing anchors, two sources that would write one
//! output file (reported at both sources' lines), and links to files the site does not have.

use std::collections::{BTreeMap, HashMap};

use super::front::{Facts, Loaded};
use crate::config::{Config, top_level_key_line};
use crate::content::frontmatter::FrontMatter;
use crate::diagnostics::{Diagnostic, Diagnostics, Position, Snippet, display_path};
use crate::markdown::LinkCheck;
use crate::output::{OutputFile, SitePath};
use crate::permalink::alias_path;
use crate::render;
use crate::site::{Site, TaxonomyKind, term_key, term_path};

/// Two articles with one `id`, even when the permalink does not use it (`{id}` collisions are
/// already reported, and dropped, as permalink collisions).
pub(super) fn check_duplicate_ids(loaded: &[Loaded], diagnostics: &mut Diagnostics) {
    let mut seen: BTreeMap<u64, (&str, usize)> = BTreeMap::new();
    for article in loaded {
        let Some(id) = &article.parsed.front.id else {
            continue;
        };
        let path = article.file.path.as_str();
        if let Some((other, other_line)) = seen.get(&id.value) {
            let message = format!("id {} is already used by {other}:{other_line}", id.value);
            diagnostics.push(
                Diagnostic::error(path, id.position, message).with_snippet(&article.file.text),
            );
        } else {
            seen.insert(id.value, (path, id.position.line));
        }
    }
}

/// Links to `#fragment`s the target article does not have.
pub(super) fn check_anchors(articles: &[Facts], diagnostics: &mut Diagnostics) {
    for r in articles {
        for check in &r.checks {
            let LinkCheck::Anchor {
                article,
                fragment,
                position,
                offset,
            } = check
            else {
                continue;
            };
            let Some(target) = articles.get(*article) else {
                continue;
            };
            if !target.anchors.contains(fragment) {
                let message = format!(
                    "link to missing anchor `#{fragment}` in {}",
                    target.loaded.file.path
                );
                diagnostics.push(
                    Diagnostic::error(&r.loaded.file.path, *position, message)
                        .with_snippet_at(&r.loaded.file.text, *offset),
                );
            }
        }
    }
}

/// A link to a file of the output, with the article it is written in.
pub(super) struct PathCheck {
    path: String,
    position: Position,
    source_path: String,
    snippet: Option<Snippet>,
}

/// The links of the articles to files of the output, to check once the output is planned.
pub(super) fn path_checks(articles: &[Facts]) -> Vec<PathCheck> {
    articles.iter().flat_map(article_path_checks).collect()
}

fn article_path_checks(article: &Facts) -> impl Iterator<Item = PathCheck> + '_ {
    let file = &article.loaded.file;
    article.checks.iter().filter_map(|check| match check {
        LinkCheck::Path {
            path,
            position,
            offset,
        } => Some(PathCheck {
            path: path.clone(),
            position: *position,
            source_path: file.path.clone(),
            snippet: Some(Snippet::around(&file.text, *offset)),
        }),
        LinkCheck::Anchor { .. } | LinkCheck::Article { .. } => None,
    })
}

/// Who asked for a file, in the order blame falls: an alias is the likeliest mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Article,
    Static,
    Term,
    Alias,
}

/// One source of an output file, with the place it was asked for.
struct Origin {
    source: Source,
    /// `alias `/old/``, `tag `C++``, `static/404.html`, `the article content/a.md`.
    name: String,
    path: String,
    position: Position,
    snippet: Option<Snippet>,
}

impl Origin {
    fn at(&self) -> String {
        match self.position.line {
            0 => self.path.clone(),
            line => format!("{}:{line}", self.path),
        }
    }

    /// How another diagnostic names this origin.
    fn described(&self) -> String {
        match self.source {
            Source::Article => format!("the article {}", self.at()),
            Source::Static => self.name.clone(),
            Source::Term | Source::Alias => format!("{} in {}", self.name, self.at()),
        }
    }
}

/// The sources of the output files that come from the site's files, by output file.
#[derive(Default)]
pub(super) struct PageOrigins {
    by_file: BTreeMap<String, Vec<Origin>>,
}

impl PageOrigins {
    fn add(&mut self, file: &SitePath, origin: Origin) {
        self.by_file
            .entry(file.file().as_str().to_string())
            .or_default()
            .push(origin);
    }

    /// The static files and content assets among the output.
    pub(super) fn add_statics<'a>(
        &mut self,
        config: &Config,
        files: impl IntoIterator<Item = &'a OutputFile>,
    ) {
        for file in files {
            if let crate::output::Contents::Copy(source) = &file.contents {
                let shown = display_path(&config.root, source);
                let origin = Origin {
                    source: Source::Static,
                    name: shown.clone(),
                    path: shown,
                    position: Position::WHOLE_FILE,
                    snippet: None,
                };
                self.add(&file.path, origin);
            }
        }
    }
}

/// Who asks for the pages named in front matter: article pages, aliases and terms.
pub(super) fn page_origins(articles: &[Facts]) -> PageOrigins {
    let mut origins = PageOrigins::default();
    let mut terms_seen = std::collections::BTreeSet::new();
    for r in articles {
        let file = &r.loaded.file;
        let front = &r.loaded.parsed.front;
        // Every origin is a front-matter line: the lines are split once, and the body never.
        let front_text = file.text.get(..r.loaded.parsed.body_offset).unwrap_or("");
        let front_lines: Vec<&str> = front_text.lines().collect();
        let origin = |source, name: String, position: Position| Origin {
            source,
            name,
            path: file.path.clone(),
            position,
            snippet: position
                .line
                .checked_sub(1)
                .and_then(|i| front_lines.get(i))
                .map(|text| Snippet::in_line(text, position.column)),
        };
        let line = front.page_line().unwrap_or(0);
        let name = format!("the article {}", file.path);
        let at = Position::line_start(line);
        origins.add(&r.loaded.path, origin(Source::Article, name, at));
        for alias in &front.aliases {
            if let Ok(path) = alias_path(&alias.value) {
                let name = format!("alias `{}`", alias.value);
                origins.add(&path, origin(Source::Alias, name, alias.position));
            }
        }
        for (kind, names, at) in term_places(front, front_text) {
            if terms_seen.insert((kind, term_key(&names))) {
                let shown = format!("{} `{}`", kind.singular(), names.join(" / "));
                origins.add(&term_path(kind, &names), origin(Source::Term, shown, at));
            }
        }
    }
    origins
}

/// Every term an article names, with the place it names it at: a nested category counts
/// for each of its ancestors too.
fn term_places(
    front: &FrontMatter,
    front_text: &str,
) -> Vec<(TaxonomyKind, Vec<String>, Position)> {
    let mut places = Vec::new();
    for category in &front.categories {
        for depth in 1..=category.value.len() {
            let names = category.value[..depth].to_vec();
            places.push((TaxonomyKind::Categories, names, category.position));
        }
    }
    for tag in &front.tags {
        places.push((TaxonomyKind::Tags, vec![tag.value.clone()], tag.position));
    }
    if let Some(series) = &front.series {
        let line = top_level_key_line(front_text, "series").unwrap_or(0);
        places.push((
            TaxonomyKind::Series,
            vec![series.clone()],
            Position::line_start(line),
        ));
    }
    places
}

/// Plans the output of `site` (its pages and `statics`) and checks it before anything is
/// written: see [`check_output`]. Returns whether files collided.
pub(super) fn check_planned(
    site: &Site,
    statics: &BTreeMap<SitePath, OutputFile>,
    checks: &[PathCheck],
    origins: &PageOrigins,
    diagnostics: &mut Diagnostics,
) -> bool {
    let mut planned: Vec<String> = render::page_paths(site)
        .iter()
        .map(|page| page.file().as_str().to_string())
        .chain(statics.keys().map(|path| path.as_str().to_string()))
        .collect();
    check_output(&mut planned, checks, origins, diagnostics)
}

/// Reports every output file two sources would write (see [`report_collision`]) and every
/// link to a file that `paths` (the files the site writes) lacks. Returns whether files
/// collided.
pub(super) fn check_output(
    paths: &mut Vec<String>,
    checks: &[PathCheck],
    origins: &PageOrigins,
    diagnostics: &mut Diagnostics,
) -> bool {
    paths.sort();
    let mut collided = false;
    for run in paths.chunk_by(|a, b| a == b).filter(|run| run.len() > 1) {
        collided = true;
        report_collision(&run[0], run.len(), origins, diagnostics);
    }
    paths.dedup();
    check_links(paths, checks, diagnostics);
    collided
}

/// `writes` files go to `file`: one error, at the source likeliest to be the mistake, naming
/// every other source with its line.
fn report_collision(
    file: &str,
    writes: usize,
    origins: &PageOrigins,
    diagnostics: &mut Diagnostics,
) {
    let found = origins.by_file.get(file).map_or(&[][..], Vec::as_slice);
    let Some(blamed) = found.iter().max_by_key(|o| o.source) else {
        let message = format!(
            "two pages would be written to /{file} (a term or permalink collides with another page)"
        );
        diagnostics.push(Diagnostic::whole_file_error(file, message));
        return;
    };
    let mut others: Vec<String> = found
        .iter()
        .filter(|o| !std::ptr::eq(*o, blamed))
        .map(Origin::described)
        .collect();
    let all_aliases = others.len() + 1 == writes && found.iter().all(|o| o.source == Source::Alias);
    if others.len() + 1 < writes {
        others.push("a page lemma generates (a listing, term, archive or feed page)".into());
    }
    let message = if all_aliases {
        let places: Vec<String> = found
            .iter()
            .filter(|o| !std::ptr::eq(*o, blamed))
            .map(Origin::at)
            .collect();
        format!(
            "{} is already an alias in {}",
            blamed.name,
            places.join(", ")
        )
    } else {
        format!(
            "{} collides with {}: both would be written to /{file}",
            blamed.name,
            others.join(" and ")
        )
    };
    let mut d = Diagnostic::error(&blamed.path, blamed.position, message);
    d.snippet = blamed.snippet.clone();
    diagnostics.push(d);
}

/// Links to files the site does not write.
fn check_links(paths: &[String], checks: &[PathCheck], diagnostics: &mut Diagnostics) {
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
            let mut d = Diagnostic::error(&check.source_path, check.position, message);
            d.snippet = check.snippet.clone();
            diagnostics.push(d);
        }
    }
}

/// The pages of the articles each of `articles` links to, in the same order, each once and
/// sorted: read off the link checks in one pass (a link by path to an article's page counts).
pub(super) fn linked_pages(articles: &[Facts]) -> Vec<Vec<SitePath>> {
    let by_path: HashMap<&str, &SitePath> = articles
        .iter()
        .map(|f| (f.loaded.path.as_str(), &f.loaded.path))
        .collect();
    articles
        .iter()
        .map(|facts| {
            let mut links: Vec<SitePath> = facts
                .checks
                .iter()
                .filter_map(|check| match check {
                    LinkCheck::Anchor { article, .. } | LinkCheck::Article { article } => {
                        articles.get(*article).map(|a| a.loaded.path.clone())
                    }
                    LinkCheck::Path { path, .. } => {
                        let page = path.strip_suffix("index.html").unwrap_or(path);
                        let folder = format!("{page}/");
                        by_path
                            .get(page)
                            .or_else(|| by_path.get(folder.as_str()))
                            .map(|&p| p.clone())
                    }
                })
                .filter(|target| *target != facts.loaded.path)
                .collect();
            links.sort();
            links.dedup();
            links
        })
        .collect()
}
