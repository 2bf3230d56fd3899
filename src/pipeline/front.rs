//! The front half of a build, shared by `build` and the `serve` session: front matter,
//! drafts, permalinks and ids for the whole site, then each article through Markdown and math
//! preprocessing (KaTeX comes after, for all articles at once).
//!
//! An article comes out of it in two parts: the [`Facts`] the site-wide checks read (which
//! the session keeps for every article between edits), and the [`Bulk`] of HTML and formulas
//! that moves into the finished [`crate::site::Article`].

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::checks::check_duplicate_ids;
use crate::config::{CategoryLists, Config, MathConfig};
use crate::content::SourceFile;
use crate::content::frontmatter::{self, Parsed};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::markdown::{
    self, ExternalLink, Formula, Heading, LinkCheck, LinkTarget, LinkTargets, RenderedBody,
};
use crate::math::{self, ArticleMath};
use crate::output::SitePath;
use crate::permalink;
use crate::progress::{Progress, Silent, Stage};

/// An article between the front-matter and Markdown stages.
#[derive(Clone)]
pub(super) struct Loaded {
    pub(super) file: SourceFile,
    pub(super) parsed: Parsed,
    /// The article's page; set by [`front_half`].
    pub(super) path: SitePath,
    /// The pages that redirect to it, from its `aliases`.
    pub(super) aliases: Vec<SitePath>,
}

/// What the site-wide checks need of an article after the Markdown and math stages.
pub(super) struct Facts {
    pub(super) loaded: Loaded,
    /// Element ids its page will have: headings, footnotes, raw HTML ids, equation labels.
    pub(super) anchors: BTreeSet<String>,
    /// What its links need of the finished site.
    pub(super) checks: Vec<LinkCheck>,
    /// Links to other sites, in source order; listed by `check`, never fetched.
    pub(super) external_links: Vec<ExternalLink>,
    /// Its own problems: its Markdown and formulas, then KaTeX's rejections.
    pub(super) diagnostics: Diagnostics,
}

/// The bulk of an article after the Markdown and math stages, which moves into its page.
#[derive(Clone, Default)]
pub(super) struct Bulk {
    /// The body's HTML, with formula placeholders.
    pub(super) html: String,
    /// The excerpt's HTML, with formula placeholders: the `summary:` when there is one.
    pub(super) excerpt: Option<String>,
    /// Whether the article says more than its excerpt.
    pub(super) has_more: bool,
    /// Text of the first `# heading`, the title fallback.
    pub(super) first_heading: Option<String>,
    /// The body's headings, for the table of contents.
    pub(super) headings: Vec<Heading>,
    pub(super) math: ArticleMath,
}

/// Splits one article's results into what the checks read and what its page is made of.
fn split(
    loaded: Loaded,
    body: RenderedBody,
    summary_html: Option<String>,
    math: ArticleMath,
    diagnostics: Diagnostics,
) -> (Facts, Bulk) {
    let RenderedBody {
        html,
        excerpt,
        has_more,
        first_heading,
        mut anchors,
        headings,
        checks,
        external_links,
    } = body;
    anchors.extend(math.anchors.iter().cloned());
    let facts = Facts {
        loaded,
        anchors,
        checks,
        external_links,
        diagnostics,
    };
    let bulk = Bulk {
        html,
        has_more: has_more || summary_html.is_some(),
        excerpt: summary_html.or(excerpt),
        first_heading,
        headings,
        math,
    };
    (facts, bulk)
}

/// Front matter, drafts, permalinks and ids of the articles in `files`, and the link targets
/// they make: every article that has a page of its own, in `files` order.
pub(super) fn front_half(
    config: &Config,
    files: Vec<SourceFile>,
    drafts: bool,
    diagnostics: &mut Diagnostics,
) -> (Vec<Loaded>, LinkTargets) {
    let (loaded, left_out) = load_front_matter(config, files, drafts, diagnostics);
    let loaded = place(config, loaded, diagnostics);
    check_duplicate_ids(&loaded, diagnostics);
    let targets = link_targets(config, &loaded, left_out);
    (loaded, targets)
}

fn load_front_matter(
    config: &Config,
    files: Vec<SourceFile>,
    drafts: bool,
    diagnostics: &mut Diagnostics,
) -> (Vec<Loaded>, BTreeSet<String>) {
    let parsed: Vec<(SourceFile, Option<Parsed>, Diagnostics)> = files
        .into_par_iter()
        .map(|file| {
            let mut found = Diagnostics::new();
            let parsed = frontmatter::parse(&file, config.timezone, &mut found);
            (file, parsed, found)
        })
        .collect();
    let mut loaded = Vec::with_capacity(parsed.len());
    let mut left_out = BTreeSet::new();
    let mut peer_keys = PeerKeys::default();
    for (file, parsed, mut found) in parsed {
        diagnostics.append(&mut found);
        let Some(mut parsed) = parsed else { continue };
        peer_keys.add(&file, &parsed);
        if config.compat.category_lists == CategoryLists::Path {
            parsed.front.read_categories_as_path();
        }
        if parsed.front.draft && !drafts {
            left_out.insert(file.content_path.clone());
            continue;
        }
        if !parsed.front.date_given {
            diagnostics.push(Diagnostic::warning(
                &file.path,
                Position::line_start(1),
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
    peer_keys.warn(diagnostics);
    (loaded, left_out)
}

/// The keys of other generators that lemma ignores, counted over the site: one warning per
/// key, at its first place, instead of one per article.
#[derive(Default)]
struct PeerKeys {
    /// Key → (articles that hold it, the first one's path and the key's place in it).
    found: BTreeMap<String, (usize, String, Position)>,
}

impl PeerKeys {
    fn add(&mut self, file: &SourceFile, parsed: &Parsed) {
        for key in &parsed.peer_keys {
            let entry = self
                .found
                .entry(key.value.clone())
                .or_insert_with(|| (0, file.path.clone(), key.position));
            entry.0 += 1;
        }
    }

    fn warn(self, diagnostics: &mut Diagnostics) {
        for (key, (count, path, position)) in self.found {
            let articles = if count == 1 { "article" } else { "articles" };
            let message = format!(
                "`{key}` in {count} {articles} is ignored (a key of other generators that lemma has no use for; first here)"
            );
            diagnostics.push(Diagnostic::warning(path, position, message));
        }
    }
}

/// Gives each article its page and aliases; one without a page of its own is left out.
fn place(config: &Config, loaded: Vec<Loaded>, diagnostics: &mut Diagnostics) -> Vec<Loaded> {
    let placements = permalink::place_all(
        &config.permalink,
        loaded.iter().map(|l| (&l.file, &l.parsed.front)),
        diagnostics,
    );
    loaded
        .into_iter()
        .zip(placements)
        .filter_map(|(mut article, placement)| {
            let placement = placement?;
            article.path = placement.path;
            article.aliases = placement.aliases;
            Some(article)
        })
        .collect()
}

fn link_targets(config: &Config, loaded: &[Loaded], drafts: BTreeSet<String>) -> LinkTargets {
    let articles = loaded
        .iter()
        .enumerate()
        .map(|(index, a)| {
            let url = format!("{}{}", config.base_path, a.path.url());
            (a.file.content_path.clone(), LinkTarget { index, url })
        })
        .collect();
    let mut names = BTreeMap::new();
    for content_path in loaded.iter().map(|a| &a.file.content_path).chain(&drafts) {
        let name = content_path.rsplit('/').next().unwrap_or(content_path);
        let stem = name.strip_suffix(".md").unwrap_or(name);
        names
            .entry(stem.to_string())
            .or_insert_with(|| content_path.clone());
    }
    let titles = loaded
        .iter()
        .filter_map(|a| Some((a.file.content_path.clone(), a.parsed.front.title.clone()?)))
        .collect();
    LinkTargets {
        base_path: config.base_path.clone(),
        articles,
        drafts,
        names,
        titles,
    }
}

/// Each article through Markdown and math preprocessing, in parallel, in the order of
/// `loaded`; the facts of each keep its own diagnostics (the `serve` session holds them until
/// the article changes).
pub(super) fn render_markdown(
    config: &Config,
    loaded: Vec<Loaded>,
    targets: &LinkTargets,
) -> (Vec<Facts>, Vec<Bulk>) {
    render_markdown_told(config, loaded, targets, &Silent)
}

/// [`render_markdown`], telling `progress` of each article done.
pub(super) fn render_markdown_told(
    config: &Config,
    loaded: Vec<Loaded>,
    targets: &LinkTargets,
    progress: &dyn Progress,
) -> (Vec<Facts>, Vec<Bulk>) {
    progress.start(Stage::Articles, loaded.len());
    loaded
        .into_par_iter()
        .map(|loaded| {
            let url = format!("{}{}", config.base_path, loaded.path.url());
            let mut diagnostics = Diagnostics::new();
            let site = SiteMarkdown {
                math: &config.math,
                kramdown_inline_math: config.compat.kramdown_inline_math,
                highlight: config.reader.highlight,
            };
            let (body, summary_html, math) = markdown_and_math(
                &loaded.file,
                &loaded.parsed,
                &url,
                targets,
                &site,
                &mut diagnostics,
            );
            let parts = split(loaded, body, summary_html, math, diagnostics);
            progress.step();
            parts
        })
        .unzip()
}

/// What the site's config says about every article's Markdown and math.
pub(crate) struct SiteMarkdown<'a> {
    pub(crate) math: &'a MathConfig,
    pub(crate) kramdown_inline_math: bool,
    pub(crate) highlight: bool,
}

/// One article through the Markdown stage and math preprocessing, KaTeX not yet called: its
/// body, the HTML of its `summary:`, and its numbered formulas. Public for the fuzz targets.
#[doc(hidden)]
pub(crate) fn markdown_and_math(
    file: &SourceFile,
    parsed: &Parsed,
    url: &str,
    targets: &LinkTargets,
    site: &SiteMarkdown,
    diagnostics: &mut Diagnostics,
) -> (RenderedBody, Option<String>, ArticleMath) {
    let input = markdown::Input {
        file,
        body_offset: parsed.body_offset,
        url,
        drop_first_heading: parsed.front.title.is_none(),
        targets,
        math: parsed.front.math,
        kramdown_inline_math: site.kramdown_inline_math,
        highlight: site.highlight,
        excerpt_separator: parsed.front.excerpt_separator.as_deref(),
    };
    let mut formulas: Vec<Formula> = Vec::new();
    let mut body = markdown::render(&input, &mut formulas, diagnostics);
    let summary_html = parsed.front.summary.as_ref().map(|summary| {
        markdown::render_summary(&input, summary, &mut formulas, &mut body, diagnostics)
    });
    let math = math::prepare(
        file,
        &formulas,
        site.math,
        &parsed.front.macros,
        diagnostics,
    );
    (body, summary_html, math)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    /// The places of the problems `markdown_and_math` finds in an article with `front`.
    fn problems(front: &str) -> Vec<(usize, usize, String)> {
        let text = format!("---\n{front}---\nBody.\n");
        let file = SourceFile::new("content/a.md".into(), "a.md".into(), text);
        let timezone = FixedOffset::east_opt(0).unwrap();
        let parsed = frontmatter::parse(&file, timezone, &mut Diagnostics::new()).unwrap();
        let mut diagnostics = Diagnostics::new();
        let targets = LinkTargets {
            base_path: "/".into(),
            ..LinkTargets::default()
        };
        let math = MathConfig::default();
        let site = SiteMarkdown {
            math: &math,
            kramdown_inline_math: false,
            highlight: true,
        };
        markdown_and_math(&file, &parsed, "/a/", &targets, &site, &mut diagnostics);
        let found = diagnostics.into_iter();
        found
            .map(|d| (d.position.line, d.position.column, d.message))
            .collect()
    }

    #[test]
    fn problems_of_the_summary_are_at_their_place_in_it() {
        let missing = "link to missing article `nope.md`".to_string();
        for (front, column) in [
            ("title: T\nsummary: see [x](nope.md)\n", 14),
            // However the key is written.
            ("title: T\nsummary : see [x](nope.md)\n", 15),
            ("title: T\n\"summary\": see [x](nope.md)\n", 16),
        ] {
            assert_eq!(problems(front), [(3, column, missing.clone())], "{front}");
        }
    }
}
