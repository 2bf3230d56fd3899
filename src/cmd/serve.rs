//! `lemma serve`: preview the site with drafts, live reload and incremental rebuilds; the work
//! is in [`crate::serve`].

use std::time::Duration;

use super::{CommandError, Outcome};
use crate::cli::ServeArgs;
use crate::serve::{self, ServeOptions};

/// Runs until Ctrl-C (having saved the formulas rendered so far) or until serving cannot
/// start or go on.
pub(crate) fn run(args: &ServeArgs) -> Result<Outcome, CommandError> {
    serve::run(&ServeOptions {
        root: args.root.clone(),
        bind: args.bind,
        port: args.port,
        drafts: !args.no_drafts,
        cache: !args.no_cache,
        open: args.open,
        header_timeout: Duration::from_millis(args.header_timeout_ms),
    })?;
    Ok(Outcome::Success)
}
