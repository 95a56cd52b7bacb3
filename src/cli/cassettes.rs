//! `regmock cassettes check|drift`: validates cassette files, and replays them against the emulator to show where it
//! differs from what was recorded (see `regmock::cassette`).

use anyhow::Context;
use clap::{Args, Subcommand};
use regmock::Emulator;
use regmock::cassette::{self, Cassette, DEFAULT_HOST};
use regmock::model::{Dataset, ProviderId};
use regmock::pipeline::{Clock, Credentials, Options};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub(crate) struct CassettesArgs {
    #[command(subcommand)]
    command: CassettesCommand,
}

#[derive(Debug, Subcommand)]
enum CassettesCommand {
    /// Validate every cassette under DIR against schemas/cassette.schema.json and every recorded response body
    /// against the provider's schema it names (exit 0 all valid, 1 one line per problem, 2 nothing to check).
    Check(CheckArgs),
    /// Replay every cassette of one provider under DIR against the in-process emulator and list, per cassette, where
    /// its answer differs from the recorded one: status, headers, each body field by JSON pointer, array order (exit 0
    /// no drift, 1 any difference, 2 nothing to replay).
    Drift(DriftArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Folder of cassettes (searched recursively for *.json), or one cassette file.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

#[derive(Debug, Args)]
struct DriftArgs {
    /// Folder of cassettes (searched recursively for *.json), or one cassette file.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Replay the cassettes of this provider (swr, ncr or tcr); the others are skipped.
    #[arg(long, value_name = "PROVIDER", value_parser = super::parse_provider)]
    provider: ProviderId,
    /// Dataset file (JSON or YAML) replacing the embedded default dataset.
    #[arg(long, value_name = "FILE")]
    dataset: Option<PathBuf>,
    /// The emulator's fixed clock, which `sign: true` cassettes are also signed at (RFC 3339).
    #[arg(long, value_name = "TIME", default_value = "2026-11-24T12:00:00Z", value_parser = parse_time)]
    now: chrono::DateTime<chrono::Utc>,
}

fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 time (2026-11-24T12:00:00Z): {e}"))
}

pub(crate) fn run(args: CassettesArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        CassettesCommand::Check(a) => check(&a),
        CassettesCommand::Drift(a) => drift(&a),
    }
}

/// Prints lines to standard output; a reader that stops early (`| head`) is not an error.
fn print(lines: &[String]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for line in lines {
        match writeln!(out, "{line}") {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other.context("writing to standard output")?,
        }
    }
    Ok(())
}

fn files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let files = cassette::files(dir)?;
    anyhow::ensure!(
        !files.is_empty(),
        "no cassettes (*.json) under {}",
        dir.display()
    );
    Ok(files)
}

/// `1 problem`, `2 problems`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let files = files(&args.dir)?;
    let mut lines = Vec::new();
    let mut bad = 0;
    for path in &files {
        let problems = cassette::check_file(path);
        if !problems.is_empty() {
            bad += 1;
        }
        lines.extend(
            problems
                .into_iter()
                .map(|p| format!("{}: {p}", path.display())),
        );
    }
    if lines.is_empty() {
        print(&[format!(
            "{} cassettes valid (schemas/cassette.schema.json and each response's schema)",
            files.len()
        )])?;
        return Ok(ExitCode::SUCCESS);
    }
    let problems = lines.len();
    print(&lines)?;
    eprintln!(
        "regmock: {} in {bad} of {} cassettes",
        plural(problems, "problem"),
        files.len()
    );
    Ok(ExitCode::from(1))
}

fn drift(args: &DriftArgs) -> anyhow::Result<ExitCode> {
    let dataset = match &args.dataset {
        Some(path) => Dataset::from_path(path)?,
        None => Dataset::embedded()?,
    };
    let options = Options {
        clock: Clock::Fixed(args.now),
        ..Options::default()
    };
    let emulator = Emulator::with(dataset, Credentials::default(), options);
    let mut lines = Vec::new();
    let (mut replayed, mut drifted) = (0, 0);
    for path in files(&args.dir)? {
        let cassette = Cassette::load(&path)?;
        if cassette.provider != args.provider {
            continue;
        }
        replayed += 1;
        let answer = emulator.dispatch(&cassette.request(args.now, DEFAULT_HOST));
        let differences = cassette.compare(&answer);
        if differences.is_empty() {
            continue;
        }
        drifted += 1;
        lines.push(format!(
            "{}: {}",
            path.display(),
            plural(differences.len(), "difference")
        ));
        lines.extend(differences.iter().map(|d| format!("  {d}")));
    }
    let provider = args.provider.as_str();
    anyhow::ensure!(
        replayed > 0,
        "no {provider} cassettes under {}",
        args.dir.display()
    );
    if drifted == 0 {
        print(&[format!(
            "no drift: {replayed} {provider} cassettes answered as recorded"
        )])?;
        return Ok(ExitCode::SUCCESS);
    }
    lines.push(format!(
        "drift: {drifted} of {replayed} {provider} cassettes answered differently"
    ));
    print(&lines)?;
    Ok(ExitCode::from(1))
}
