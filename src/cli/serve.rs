//! `regmock serve`: the standalone emulator.

use anyhow::Context;
use clap::Args;
use regmock::Emulator;
use regmock::model::Dataset;
use regmock::pipeline::{Credentials, Options, RateLimit};
use regmock::providers::swr::{SwrErrorStyle, SwrOptions};
use regmock::transport::server;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (use port 0 for a random port).
    #[arg(long, default_value = "127.0.0.1:8080", env = "REGMOCK_ADDR")]
    addr: SocketAddr,
    /// Dataset file (JSON or YAML) replacing the embedded default dataset.
    #[arg(long, value_name = "FILE")]
    dataset: Option<PathBuf>,
    /// Add a repository with N generated tags (`synthetic/tags`) to each provider's first registry.
    #[arg(long, value_name = "N")]
    synthetic_tags: Option<usize>,
    /// Credentials file (JSON or YAML: `keys: [{access_key, secret_key}]`, `tokens: [..]`) replacing the defaults.
    #[arg(long, value_name = "FILE")]
    credentials: Option<PathBuf>,
    /// Accept requests without checking signatures or tokens.
    #[arg(long)]
    no_auth: bool,
    /// Documented rate limits (TCR: 100 requests/second per action and SecretId): `documented`, `off`, or a number
    /// of requests per second.
    #[arg(long, value_name = "LIMIT", default_value = "documented", value_parser = parse_rate_limit)]
    rate_limit: RateLimit,
    /// Refuse inputs the vendor docs leave undefined instead of the lenient answer (TCR: Limit above 100, Offset 0).
    #[arg(long)]
    strict: bool,
    /// SWR error body form: `combined` (current appendix, default) or `legacy` (bare array).
    #[arg(long, value_name = "STYLE", default_value = "combined", value_parser = parse_style)]
    swr_error_style: SwrErrorStyle,
}

fn parse_rate_limit(s: &str) -> Result<RateLimit, String> {
    match s {
        "documented" => Ok(RateLimit::Documented),
        "off" => Ok(RateLimit::Off),
        n => n
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .map(RateLimit::PerSecond)
            .ok_or_else(|| {
                format!(
                    "{n:?} is not documented, off, or a number of requests per second (1 or more)"
                )
            }),
    }
}

fn parse_style(s: &str) -> Result<SwrErrorStyle, String> {
    match s {
        "combined" => Ok(SwrErrorStyle::Combined),
        "legacy" => Ok(SwrErrorStyle::Legacy),
        other => Err(format!("unknown style {other:?}; use combined or legacy")),
    }
}

pub(crate) fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut dataset = match &args.dataset {
        Some(path) => Dataset::from_path(path)?,
        None => Dataset::embedded()?,
    };
    if let Some(n) = args.synthetic_tags {
        dataset = dataset.with_synthetic_tags(n)?;
    }
    let (credentials, cred_source) = match &args.credentials {
        Some(path) => (Credentials::from_path(path)?, path.display().to_string()),
        None => (
            Credentials::default(),
            "built-in defaults (access key regmock-access-key, secret key regmock-secret-key)"
                .to_string(),
        ),
    };
    let options = Options {
        no_auth: args.no_auth,
        rate_limit: args.rate_limit,
        strict: args.strict,
        ..Options::default()
    }
    .with(SwrOptions {
        error_style: args.swr_error_style,
    });
    let emulator = Emulator::with(dataset, credentials, options);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let running = server::spawn(emulator.clone(), args.addr)
            .await
            .with_context(|| format!("binding {}", args.addr))?;
        let base = running.uri();
        println!("regmock serving on {base}");
        println!("credentials: {cred_source}");
        for p in emulator.providers() {
            println!("{}: {}", p.id().as_str(), p.sample_curl(&base));
        }
        shutdown_signal().await?;
        println!("regmock: shutting down");
        running.stop().await.context("stopping the server")?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Waits for Ctrl-C or (on Unix) SIGTERM, so `kill` from a CI script also shuts down gracefully.
async fn shutdown_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("installing the SIGTERM handler")?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.context("waiting for Ctrl-C")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    Ok(())
}
