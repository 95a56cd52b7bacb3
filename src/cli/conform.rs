//! `regmock conform`: the conformance suite against any implementation (see `regmock::conformance`).

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use regmock::conformance::{Config, Target, run};
use regmock::model::ProviderId;
use regmock::pipeline::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Summary table and failures (stdout).
    Human,
    /// `report.json` under --out (stdout without --out).
    Json,
    /// `junit.xml` under --out (stdout without --out).
    Junit,
    /// `report.html` under --out, one self-contained page (stdout without --out).
    Html,
}

#[derive(Debug, Args)]
pub(crate) struct ConformArgs {
    /// Which API the target implements: swr, ncr or tcr.
    #[arg(long, value_parser = super::parse_provider)]
    provider: ProviderId,
    /// Base URL of the implementation under test, e.g. http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    base_url: String,
    /// Access key (SWR AK, NCR access key, TCR SecretId).
    #[arg(long, value_name = "K", default_value = DEFAULT_ACCESS_KEY, env = "REGMOCK_ACCESS_KEY", hide_env_values = true)]
    access_key: String,
    /// Secret key (SWR SK, NCR secret key, TCR SecretKey).
    #[arg(long, value_name = "S", default_value = DEFAULT_SECRET_KEY, env = "REGMOCK_SECRET_KEY", hide_env_values = true, hide_default_value = true)]
    secret_key: String,
    /// SWR X-Auth-Token (sent instead of the signature) or TCR X-TC-Token (sent with it).
    #[arg(long, value_name = "T", env = "REGMOCK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Seed of the generated cases; a failure prints it.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Generated cases per property check.
    #[arg(long, value_name = "N", default_value_t = regmock::conformance::config::DEFAULT_CASES)]
    cases: u32,
    /// Report to write (repeatable); default human, or all four with --out.
    #[arg(long = "report", value_name = "FORMAT")]
    reports: Vec<Format>,
    /// Directory for report.json, junit.xml, report.html and each failing exchange as a cassette (<check id>.json).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Run only these check ids or id prefixes (comma-separated).
    #[arg(long, value_name = "ID,..", value_delimiter = ',')]
    checks: Vec<String>,
    /// Do not run these check ids or id prefixes (comma-separated).
    #[arg(long, value_name = "ID,..", value_delimiter = ',')]
    exclude_checks: Vec<String>,
    /// File of check ids the target knowingly deviates on, one per line (`#` comments): reported, not failing.
    #[arg(long, value_name = "FILE")]
    expected_failures: Option<PathBuf>,
    /// Most requests per second the suite sends (default: TCR 90, others unlimited).
    #[arg(long, value_name = "N")]
    rate: Option<u32>,
    /// Seconds to wait for one answer; a request without an answer by then fails its check.
    #[arg(long, value_name = "SECS", default_value_t = regmock::conformance::config::DEFAULT_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// SWR or TCR namespace of a target (repeatable).
    #[arg(long, value_name = "NAME")]
    namespace: Vec<String>,
    /// SWR or TCR repository of a target (repeatable).
    #[arg(long, value_name = "NAME")]
    repository: Vec<String>,
    /// NCR region (kr, sgn, jpn) or TCR X-TC-Region of a target (repeatable).
    #[arg(long, value_name = "REGION")]
    region: Vec<String>,
    /// NCR registry of a target (repeatable).
    #[arg(long, value_name = "NAME")]
    registry: Vec<String>,
    /// NCR image of a target (repeatable).
    #[arg(long, value_name = "NAME")]
    image: Vec<String>,
    /// TCR instance id of a target (repeatable).
    #[arg(long, value_name = "ID")]
    registry_id: Vec<String>,
}

/// The i-th value of a repeated flag: a single value applies to every target.
fn nth(values: &[String], i: usize, default: &str) -> String {
    match values.len() {
        0 => default.to_string(),
        1 => values[0].clone(),
        _ => values[i].clone(),
    }
}

/// A target flag and its values.
type Flag<'a> = (&'static str, &'a Vec<String>);

fn targets(args: &ConformArgs) -> anyhow::Result<Option<Vec<Target>>> {
    let (used, unused): (Vec<Flag<'_>>, Vec<Flag<'_>>) = match args.provider {
        ProviderId::Swr => (
            vec![
                ("--namespace", &args.namespace),
                ("--repository", &args.repository),
            ],
            vec![
                ("--region", &args.region),
                ("--registry", &args.registry),
                ("--image", &args.image),
                ("--registry-id", &args.registry_id),
            ],
        ),
        ProviderId::Ncr => (
            vec![
                ("--region", &args.region),
                ("--registry", &args.registry),
                ("--image", &args.image),
            ],
            vec![
                ("--namespace", &args.namespace),
                ("--repository", &args.repository),
                ("--registry-id", &args.registry_id),
            ],
        ),
        ProviderId::Tcr => (
            vec![
                ("--registry-id", &args.registry_id),
                ("--namespace", &args.namespace),
                ("--repository", &args.repository),
                ("--region", &args.region),
            ],
            vec![("--registry", &args.registry), ("--image", &args.image)],
        ),
    };
    if let Some((flag, _)) = unused.iter().find(|(_, v)| !v.is_empty()) {
        bail!(
            "{flag} does not apply to --provider {}",
            args.provider.as_str()
        );
    }
    let n = used.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    if n == 0 {
        return Ok(None);
    }
    if let Some((flag, v)) = used.iter().find(|(_, v)| v.len() > 1 && v.len() != n) {
        bail!(
            "{flag} is given {} times but targets need 1 or {n}",
            v.len()
        );
    }
    let main = match args.provider {
        ProviderId::Swr => ("--repository", &args.repository),
        ProviderId::Ncr => ("--image", &args.image),
        ProviderId::Tcr => ("--repository", &args.repository),
    };
    if main.1.is_empty() {
        bail!("{} is needed to name a target", main.0);
    }
    Ok(Some(
        (0..n)
            .map(|i| match args.provider {
                ProviderId::Swr => {
                    Target::swr(&nth(&args.namespace, i, ""), &nth(&args.repository, i, ""))
                }
                ProviderId::Ncr => Target::ncr(
                    &nth(&args.region, i, "kr"),
                    &nth(&args.registry, i, ""),
                    &nth(&args.image, i, ""),
                ),
                ProviderId::Tcr => Target {
                    region: nth(&args.region, i, "ap-guangzhou"),
                    ..Target::tcr(
                        &nth(&args.registry_id, i, ""),
                        &nth(&args.namespace, i, ""),
                        &nth(&args.repository, i, ""),
                    )
                },
            })
            .collect(),
    ))
}

pub(crate) fn run_conform(args: ConformArgs) -> anyhow::Result<ExitCode> {
    let mut config = Config::new(args.provider, &args.base_url);
    if !args.base_url.starts_with("http://") && !args.base_url.starts_with("https://") {
        bail!(
            "--base-url must start with http:// or https://, got {:?}",
            args.base_url
        );
    }
    config.access_key = args.access_key.clone();
    config.secret_key = args.secret_key.clone();
    config.token = args.token.clone();
    config.seed = args.seed;
    config.cases = args.cases.max(1);
    config.checks = args.checks.clone();
    config.exclude_checks = args.exclude_checks.clone();
    config.rate = args.rate;
    config.timeout = std::time::Duration::from_secs(args.timeout);
    // Progress only for a person watching: a pipe or a CI log gets the reports alone.
    config.progress = std::io::stderr().is_terminal();
    if let Some(t) = targets(&args)? {
        config.targets = t;
    }
    if let Some(path) = &args.expected_failures {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading expected failures {}", path.display()))?;
        config.expected_failures = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or_default().trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        // A misspelt id would silently leave its check failing the run: name it instead.
        if let Some(unknown) = config.expected_failures.iter().find(|id| {
            !regmock::conformance::checks::of(args.provider).any(|c| c.id == id.as_str())
        }) {
            bail!(
                "{}: {unknown:?} is not one of the {} check ids (every report lists them)",
                path.display(),
                args.provider.as_str()
            );
        }
    }
    let reports = match (&args.reports[..], &args.out) {
        ([], None) => vec![Format::Human],
        ([], Some(_)) => vec![Format::Human, Format::Json, Format::Junit, Format::Html],
        (r, _) => r.to_vec(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = runtime.block_on(run(&config));
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        report
            .write_cassettes(&dir.join("cassettes"))
            .with_context(|| format!("writing the failing exchanges under {}", dir.display()))?;
    }
    for format in reports {
        let (text, file) = match format {
            Format::Human => (report.human(), None),
            Format::Json => (report.json(), Some("report.json")),
            Format::Junit => (report.junit(), Some("junit.xml")),
            Format::Html => (report.html(), Some("report.html")),
        };
        match (&args.out, file) {
            (Some(dir), Some(name)) => {
                let path = dir.join(name);
                std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            _ => print!("{text}"),
        }
    }
    Ok(ExitCode::from(report.exit_code()))
}
