use std::process::ExitCode;

use clap::Parser;
use lemma::cli::{Cli, Command};
use lemma::cmd::{self, CommandError, Outcome};

/// Runs the command and turns how it ended into the exit code; every error is printed here.
fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli.command) {
        Ok(outcome) => outcome.exit_code(),
        Err(error) => {
            eprintln!("error: {error}");
            error.exit_code()
        }
    }
}

fn run(command: &Command) -> Result<Outcome, CommandError> {
    match command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    }
}
