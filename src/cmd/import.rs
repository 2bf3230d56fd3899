//! `lemma import hexo|hugo|jekyll DIR` and `lemma import wxr FILE`: another archive converted
//! into the site's `content/` and `static/` (see [`crate::convert`]).
//!
//! Like `lemma new`, it never overwrites a file: one already there is listed as skipped.
//! What could not be converted is reported with its place in the source; an error there
//! (front matter that cannot be read) makes the exit code 1, and that post is not written.

use std::path::Path;

use super::{CommandError, Outcome, report};
use crate::cli::{ImportArgs, ImportSource};
use crate::convert::generators::{self, Generator};
use crate::convert::{Contents, Import, Planned};
use crate::diagnostics::visible;

/// Converts the source and writes what it made.
pub(crate) fn run(args: &ImportArgs) -> Result<Outcome, CommandError> {
    let import = convert(args)?;
    let mut written = 0;
    let mut skipped = Vec::new();
    for planned in &import.files {
        let target = args.root.join(&planned.path);
        match write_new(&target, planned) {
            Ok(()) => written += 1,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => skipped.push(target),
            Err(source) => {
                return Err(CommandError::Write {
                    path: target,
                    source,
                });
            }
        }
    }
    for path in &skipped {
        let path = path.display().to_string();
        println!("skipped {} (already there)", visible(&path));
    }
    for url in &import.downloads {
        println!("to download: {}", visible(url));
    }
    report(&import.problems);
    println!(
        "imported {} articles; {written} files written, {} skipped; {} error(s), {} warning(s)",
        import.articles,
        skipped.len(),
        import.problems.error_count(),
        import.problems.warning_count()
    );
    Ok(match import.problems.has_errors() {
        true => Outcome::ContentErrors,
        false => Outcome::Success,
    })
}

fn convert(args: &ImportArgs) -> Result<Import, CommandError> {
    let generator = match args.source {
        ImportSource::Hexo => Generator::Hexo,
        ImportSource::Hugo => Generator::Hugo,
        ImportSource::Jekyll => Generator::Jekyll,
        ImportSource::Wxr => {
            let text =
                std::fs::read_to_string(&args.path).map_err(|source| CommandError::Read {
                    path: args.path.clone(),
                    source,
                })?;
            return Ok(crate::convert::wxr::import(
                &args.path.display().to_string(),
                &text,
            ));
        }
    };
    if !args.path.is_dir() {
        return Err(CommandError::NotAFolder(args.path.clone()));
    }
    Ok(generators::import(generator, &args.path))
}

/// Creates `path` with the planned contents, failing with `AlreadyExists` rather than
/// replacing a file.
fn write_new(path: &Path, planned: &Planned) -> std::io::Result<()> {
    if path.exists() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    match &planned.contents {
        Contents::Text(text) => super::new::write_new(path, text.as_bytes()),
        Contents::Copy(source) => super::new::write_new(path, &std::fs::read(source)?),
    }
}
