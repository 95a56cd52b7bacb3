//! The `regmock` binary; everything lives in the library and `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
