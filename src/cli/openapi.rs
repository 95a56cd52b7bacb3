//! `regmock openapi`: writes the OpenAPI 3.1 document of one provider's API (see `regmock::openapi`).

use anyhow::Context;
use clap::Args;
use regmock::model::ProviderId;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub(crate) struct OpenapiArgs {
    /// Provider whose API to describe: swr, ncr or tcr.
    #[arg(long, value_name = "PROVIDER", value_parser = super::parse_provider)]
    provider: ProviderId,
    /// Write the document (JSON) to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: OpenapiArgs) -> anyhow::Result<ExitCode> {
    let doc = regmock::openapi::document(args.provider);
    let mut text = serde_json::to_string_pretty(&doc).context("serialising the document")?;
    text.push('\n');
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => match std::io::stdout().lock().write_all(text.as_bytes()) {
            // A reader that stops early (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.context("writing to standard output")?,
        },
    }
    Ok(ExitCode::SUCCESS)
}
