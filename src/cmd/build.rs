//! `lemma build`: run the pipeline and publish the output only if the site has no errors.

use crate::cli::BuildArgs;
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::output;
use crate::pipeline::{self, BuildOptions};

/// Returns the process exit code.
pub fn run(args: &BuildArgs) -> i32 {
    let config = match Config::load(&args.root, args.base_url.as_deref()) {
        Ok(config) => config,
        Err(errors) => {
            let mut diagnostics = Diagnostics::new();
            diagnostics.extend(errors);
            super::report(&diagnostics);
            return super::EXIT_CONTENT_ERRORS;
        }
    };
    let output_dir = args.root.join(&args.output);
    if let Err(e) = output::check_output_location(&args.root, &output_dir) {
        eprintln!("error: {e}");
        return 2;
    }
    let build = pipeline::build(&config, &BuildOptions { drafts: args.drafts, live_reload: None });
    super::report(&build.diagnostics);
    let errors = build.diagnostics.error_count();
    if errors > 0 {
        eprintln!("error: {errors} error(s), {} warning(s); {} left unchanged", build.diagnostics.warning_count(), output_dir.display());
        return super::EXIT_CONTENT_ERRORS;
    }
    if let Err(e) = output::write_site(&output_dir, &build.files) {
        eprintln!("error: {e}");
        return 2;
    }
    let s = &build.stats;
    eprintln!(
        "built {} articles into {} pages, {} formulas ({} distinct), {} warning(s) in {:.2}s → {}",
        s.articles, s.pages, s.formulas, s.distinct_formulas, build.diagnostics.warning_count(), s.seconds, output_dir.display()
    );
    0
}
