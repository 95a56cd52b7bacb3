//! The `regmock` command line (clap derive). Each subcommand has its own file with its `Args` and `run`.
//!
//! Exit codes: 0 success, 1 a required check failed, 2 usage or engine error.

mod cassettes;
mod conform;
mod log;
mod openapi;
mod record;
mod serve;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Emulates the Huawei Cloud SWR, NAVER Cloud NCR and Tencent Cloud TCR container-registry APIs.
///
/// Exit codes: 0 success, 1 a required check failed, 2 usage or engine error.
#[derive(Debug, Parser)]
#[command(name = "regmock", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve every provider's API on one port (embedded dataset unless --dataset is given).
    Serve(serve::ServeArgs),
    /// Check an SWR, NCR or TCR implementation against the vendor docs (exit 0 pass, 1 a required check failed, 2
    /// could not judge).
    Conform(Box<conform::ConformArgs>),
    /// Write the OpenAPI 3.1 document (JSON) of one provider's API, for Prism, Schemathesis or client generators.
    Openapi(openapi::OpenapiArgs),
    /// Check cassette files (`check`) and show where the emulator answers them differently (`drift`).
    Cassettes(cassettes::CassettesArgs),
    /// Forward requests to an upstream SWR, NCR or TCR and write each exchange as a cassette, secrets redacted.
    Record(record::RecordArgs),
}

/// `--provider` values: the ids of `PROVIDERS` (one parser for every subcommand that takes one).
fn parse_provider(s: &str) -> Result<regmock::model::ProviderId, String> {
    use regmock::providers::PROVIDERS;
    PROVIDERS
        .iter()
        .map(|p| p.id())
        .find(|id| id.as_str() == s)
        .ok_or_else(|| {
            let ids: Vec<&str> = PROVIDERS.iter().map(|p| p.id().as_str()).collect();
            format!("unknown provider {s:?}; use one of {}", ids.join(", "))
        })
}

/// Parses the command line and runs the subcommand.
pub(crate) fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Conform(args) => conform::run_conform(*args),
        Command::Openapi(args) => openapi::run(args),
        Command::Cassettes(args) => cassettes::run(args),
        Command::Record(args) => record::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("regmock: {e:#}");
            ExitCode::from(2)
        }
    }
}
