//! The front half of a build, shared by `build` and the `serve` session: front matter,
//! drafts, permalinks and ids for the whole site, then each article through Markdown and math
//! preprocessing (KaTeX comes after, for all articles at once).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::checks::check_duplicate_ids;
use crate::config::Config;
use crate::content::SourceFile;
use crate::content::frontmatter::{self, Parsed};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::markdown::{self, Formula, LinkTarget, LinkTargets, RenderedBody};
use crate::math::{self, ArticleMath};
use crate::output::SitePath;
use crate::permalink;

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

/// An article after the Markdown and math stages, before the site is assembled.
#[derive(Clone)]
pub(super) struct Rendered {
    pub(super) loaded: Loaded,
    pub(super) body: RenderedBody,
    pub(super) summary_html: Option<String>,
    pub(super) math: ArticleMath,
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
    (loaded, left_out)
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
    LinkTargets {
        base_path: config.base_path.clone(),
        articles,
        drafts,
    }
}

pub(super) fn render_markdown(
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
