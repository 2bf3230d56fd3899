//! One module per subcommand; each is a thin driver over [`crate::pipeline`].
//!
//! A command's `run` ends in an [`Outcome`] when it did its work, even if the site it found has
//! errors (those are reported as diagnostics), and in a [`CommandError`] when it stopped early.
//! `main` prints the error and turns either into the exit code, in one place: 0 for success, 1
//! for content errors and refused input, 2 for usage and operational failures.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod new;
mod progress;
pub(crate) mod serve;

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::WriteError;
use crate::output::location::OutputError;
use crate::serve::ServeError;

/// Exit code for content errors (bad input).
const EXIT_CONTENT_ERRORS: u8 = 1;
/// Exit code for usage and operational failures: the command could not do its work.
const EXIT_FAILURE: u8 = 2;

/// How a command that did its work ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Done; warnings at most.
    Success,
    /// The site has errors, already reported.
    ContentErrors,
}

impl Outcome {
    pub(crate) fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::ContentErrors => ExitCode::from(EXIT_CONTENT_ERRORS),
        }
    }
}

/// Why a command stopped before doing its work. `main` prints it after `error: `.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CommandError {
    #[error("{} exists and is not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error(
        "{} is not empty (it holds {}); use --force to add the site's files anyway (existing files are never overwritten)",
        dir.display(),
        entries.join(", ")
    )]
    NotEmpty { dir: PathBuf, entries: Vec<String> },
    #[error(
        "{} already exists; not overwriting it (give another title or --slug)",
        .0.display()
    )]
    ArticleExists(PathBuf),
    #[error(
        "--slug `{0}` cannot be a file name: it must be non-empty, without `/`, and not start with `.`"
    )]
    BadSlug(String),
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot lock {}: {source}", path.display())]
    Lock { path: PathBuf, source: io::Error },
    /// The output folder may not be used.
    #[error(transparent)]
    OutputFolder(#[from] OutputError),
    /// The staged site could not be written or published.
    #[error(transparent)]
    Staging(#[from] WriteError),
    #[error("cannot write the JSON report: {0}")]
    JsonReport(#[from] serde_json::Error),
    #[error(transparent)]
    Serve(#[from] ServeError),
}

impl CommandError {
    /// 1 when what the command was given is refused, as for content errors; 2 otherwise.
    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            CommandError::NotAFolder(_)
            | CommandError::NotEmpty { .. }
            | CommandError::ArticleExists(_) => ExitCode::from(EXIT_CONTENT_ERRORS),
            _ => ExitCode::from(EXIT_FAILURE),
        }
    }
}

/// Prints the diagnostics to stderr, sorted, errors and warnings alike, a few per file and
/// kind ([`Diagnostics::limited`]).
pub(crate) fn report(diagnostics: &Diagnostics) {
    for entry in diagnostics.limited() {
        eprintln!("{}", entry.render());
    }
}

/// Reports the errors that stop a command before it builds anything (a bad `lemma.yaml`).
fn content_errors(errors: Vec<Diagnostic>) -> Outcome {
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(errors);
    report(&diagnostics);
    Outcome::ContentErrors
}
