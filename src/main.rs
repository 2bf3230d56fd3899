use clap::Parser;
use lemma::cli::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Build(args) => lemma::cmd::build::run(args),
        Command::Check(args) => lemma::cmd::check::run(args),
        Command::New(args) => lemma::cmd::new::run(args),
        Command::Init(args) => lemma::cmd::init::run(args),
        Command::Serve(args) => lemma::cmd::serve::run(args),
    };
    std::process::exit(code);
}
