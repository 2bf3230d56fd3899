//! One module per subcommand; each is a thin driver over [`crate::pipeline`].

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use crate::diagnostics::Diagnostics;

/// Exit code for content errors (bad input); usage and internal failures use 2.
pub const EXIT_CONTENT_ERRORS: i32 = 1;

/// Prints every diagnostic to stderr, sorted, errors and warnings alike.
pub fn report(diagnostics: &Diagnostics) {
    for diagnostic in diagnostics.sorted() {
        eprintln!("{}", diagnostic.render());
    }
}
