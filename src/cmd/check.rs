//! `lemma check`: the whole build pipeline with nothing written, and a report of every problem.
//!
//! It is `build` with the [`Discard`] sink: the same stages find the same problems, so a site
//! that checks clean builds clean. External links are listed, never fetched: whether a
//! remote page is up is a question for another day and another tool, not for every build.
//!
//! The human report prints diagnostics to stderr, as `build` does, and the external links to
//! stdout. `--format json` prints one JSON document to stdout and nothing else.

use serde::Serialize;

use super::{CommandError, Outcome};
use crate::cli::{CheckArgs, Format};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Entry, Omitted, visible};
use crate::markdown::ExternalLink;
use crate::output::Discard;
use crate::pipeline::{self, BuildOptions};

/// The `--format json` document. `diagnostics` holds what the human report shows, a few per
/// file and severity; `omitted` counts the rest, and `errors` and `warnings` count them all.
#[derive(Debug, Serialize)]
struct Report<'a> {
    diagnostics: Vec<&'a Diagnostic>,
    external_links: &'a [ExternalLink],
    errors: usize,
    warnings: usize,
    omitted: Vec<Omitted>,
}

impl<'a> Report<'a> {
    fn new(diagnostics: &'a Diagnostics, external_links: &'a [ExternalLink]) -> Report<'a> {
        let mut shown = Vec::new();
        let mut omitted = Vec::new();
        for entry in diagnostics.limited() {
            match entry {
                Entry::Shown(diagnostic) => shown.push(diagnostic),
                Entry::Omitted(more) => omitted.push(more),
            }
        }
        Report {
            diagnostics: shown,
            external_links,
            errors: diagnostics.error_count(),
            warnings: diagnostics.warning_count(),
            omitted,
        }
    }
}

/// [`Outcome::ContentErrors`] when the site has errors, [`Outcome::Success`] when only warnings
/// remain.
pub(crate) fn run(args: &CheckArgs) -> Result<Outcome, CommandError> {
    let (diagnostics, external_links) = match Config::load(&args.root, None) {
        Ok(config) => {
            let options = BuildOptions {
                drafts: args.drafts,
                live_reload: None,
                cache_dir: Some(crate::config::formula_cache_dir(&config.root)),
                search_list: None,
            };
            let build = pipeline::build(&config, &options, &Discard);
            (build.diagnostics, build.external_links)
        }
        Err(errors) => {
            let mut diagnostics = Diagnostics::new();
            diagnostics.extend(errors);
            (diagnostics, Vec::new())
        }
    };
    let errors = diagnostics.error_count();
    let report = Report::new(&diagnostics, &external_links);
    match args.format {
        Format::Human => {
            super::report(&diagnostics);
            print_human(&report);
        }
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(match errors {
        0 => Outcome::Success,
        _ => Outcome::ContentErrors,
    })
}

/// The external links and the totals, after the diagnostics.
fn print_human(report: &Report) {
    if !report.external_links.is_empty() {
        println!("external links (not checked):");
        for link in report.external_links {
            let (path, url) = (visible(&link.path), visible(&link.url));
            println!("  {path}:{}: {url}", link.position);
        }
    }
    eprintln!(
        "check: {} error(s), {} warning(s), {} external link(s) not checked",
        report.errors,
        report.warnings,
        report.external_links.len()
    );
}
