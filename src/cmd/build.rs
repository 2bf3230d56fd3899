//! `lemma build`: run the pipeline into a staging folder and publish it only if the site has
//! no errors.

use std::path::{Path, PathBuf};

use super::progress::Reporter;
use super::{CommandError, Outcome};
use crate::cli::BuildArgs;
use crate::config::Config;
use crate::output::location::Guarded;
use crate::output::{self, Staging};
use crate::pipeline::{self, BuildOptions};
use crate::progress::{Progress, Silent};

/// Where the manifest of an output folder's pages lives: in the site's cache, named after
/// the folder, so the published output carries none but the `.lemma-output` marker.
fn output_manifest(root: &Path, output_dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(output_dir).unwrap_or_else(|_| output_dir.to_path_buf());
    let name = blake3::hash(absolute.to_string_lossy().as_bytes()).to_hex();
    crate::config::cache_dir(root)
        .join("outputs")
        .join(format!("{}.manifest", &name[..16]))
}

/// What an output folder must keep clear of: the site and everything lemma reads or keeps.
fn guarded(config: &Config) -> Guarded {
    let root = &config.root;
    let sources = vec![
        config.content_dir(),
        config.templates_dir(),
        config.static_dir(),
        root.join(crate::config::CONFIG_FILE),
        root.join(".git"),
        crate::config::cache_dir(root),
    ];
    Guarded {
        root: root.clone(),
        sources,
    }
}

/// Builds the site and publishes it; [`Outcome::ContentErrors`] leaves the output unchanged.
pub(crate) fn run(args: &BuildArgs) -> Result<Outcome, CommandError> {
    let config = match Config::load(&args.root, args.base_url.as_ref()) {
        Ok(config) => config,
        Err(errors) => return Ok(super::content_errors(errors)),
    };
    let output_dir = args.root.join(&args.output);
    let manifest = output_manifest(&config.root, &output_dir);
    let lock = output::prepare_output(&guarded(&config), &output_dir, manifest.is_file())?;
    let staging = Staging::new(lock)?;
    let cache_dir = (!args.no_cache).then(|| crate::config::formula_cache_dir(&config.root));
    let staging = match args.no_cache {
        true => staging,
        false => staging.reusing(manifest),
    };
    let options = BuildOptions {
        drafts: args.drafts,
        live_reload: None,
        cache_dir,
        search_list: (!args.no_cache)
            .then(|| crate::config::cache_dir(&config.root).join("search-index.list")),
    };
    let highlight_store =
        (!args.no_cache).then(|| crate::config::cache_dir(&config.root).join("highlight.bin"));
    if let Some(path) = &highlight_store {
        crate::markdown::load_highlight_store(path);
    }
    let reporter = (!args.quiet).then(Reporter::for_stderr);
    let progress: &dyn Progress = reporter.as_ref().map_or(&Silent, |r| r as &dyn Progress);
    let build = pipeline::build_told(&config, &options, &staging.sink(), progress);
    if let Some(reporter) = &reporter {
        reporter.finish();
    }
    if let Some(path) = &highlight_store {
        // The store only saves work; a build is not failed for it.
        let _ = crate::markdown::save_highlight_store(path);
    }
    super::report(&build.diagnostics);
    let errors = build.diagnostics.error_count();
    if errors > 0 {
        eprintln!(
            "error: {errors} error(s), {} warning(s); {} left unchanged",
            build.diagnostics.warning_count(),
            output_dir.display()
        );
        return Ok(Outcome::ContentErrors);
    }
    staging.publish()?;
    if args.quiet {
        return Ok(Outcome::Success);
    }
    let s = &build.stats;
    eprintln!(
        "built {} articles, {} pages, {} formulas ({} distinct: {} rendered, {} from cache), {}{} warning(s) in {:.2}s → {}",
        s.articles,
        s.pages,
        s.formulas,
        s.math.distinct,
        s.math.rendered,
        s.math.from_cache,
        search_summary(&config, s),
        build.diagnostics.warning_count(),
        s.seconds,
        output_dir.display()
    );
    Ok(Outcome::Success)
}

/// The search index's part of the summary line: how many articles it holds, and whether it
/// was made again or kept from the last build (for an index in parts, how many were made).
fn search_summary(config: &Config, stats: &pipeline::Stats) -> String {
    if !config.reader.search {
        return String::new();
    }
    let index = &stats.index;
    let how = match (index.parts, index.made) {
        (0 | 1, 0) => "kept".to_string(),
        (0 | 1, _) => "made".to_string(),
        (parts, made) => format!("in {parts} parts, {made} made"),
    };
    format!("search index of {} articles {how}, ", index.articles)
}
