//! One module per subcommand; each is a thin driver over [`crate::pipeline`].

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use crate::diagnostics::Diagnostics;

/// Exit code for content errors (bad input); usage and internal failures use 2.
pub const EXIT_CONTENT_ERRORS: i32 = 1;

/// Prints the diagnostics to stderr, sorted, errors and warnings alike, a few per file and
/// kind ([`Diagnostics::limited`]).
pub fn report(diagnostics: &Diagnostics) {
    for entry in diagnostics.limited() {
        eprintln!("{}", entry.render());
    }
}
