//! The `lemma` command; everything it does is in the library (`lemma::main`).

fn main() -> std::process::ExitCode {
    lemma::main()
}
