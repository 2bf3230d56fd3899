//! `lemma serve`: preview the site with drafts, live reload and incremental rebuilds; the work
//! is in [`crate::serve`].

use std::time::Duration;

use crate::cli::ServeArgs;
use crate::serve::{self, ServeOptions};

/// Runs until the process is stopped; returns an exit code only when the server cannot start.
pub fn run(args: &ServeArgs) -> i32 {
    serve::run(&ServeOptions {
        root: args.root.clone(),
        bind: args.bind,
        port: args.port,
        drafts: !args.no_drafts,
        cache: !args.no_cache,
        open: args.open,
        header_timeout: Duration::from_millis(args.header_timeout_ms),
    })
}
