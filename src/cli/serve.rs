//! `regmock serve`: the standalone emulator.

use super::log::{BatchedStderr, Flushed};
use anyhow::Context;
use clap::Args;
use regmock::Emulator;
use regmock::admin::AdminOptions;
use regmock::conformance::ambiguities::Emulated;
use regmock::model::Dataset;
use regmock::model::ProviderId;
use regmock::pipeline::{Credentials, Options, RateLimit, Served};
use regmock::providers::swr::{SwrErrorStyle, SwrOptions};
use regmock::replay::Replay;
use regmock::transport::server::{self, Limits};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on: HOST:PORT, `localhost:PORT`, `:PORT` or `PORT` (the last three on loopback); port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080", env = "REGMOCK_ADDR", value_parser = parse_addr)]
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
    /// Request log on stderr, one line per request: `human` or `json` (level through RUST_LOG, default info).
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = ["human", "json"])]
    log_format: String,
    /// No request log (warnings and errors only).
    #[arg(long)]
    quiet: bool,
    /// SWR error body form: `combined` (current appendix, default) or `legacy` (bare array).
    #[arg(long, value_name = "STYLE", default_value = "combined", value_parser = parse_style)]
    swr_error_style: SwrErrorStyle,
    /// Seconds a connection may take to send a request's headers, counted from when the server starts waiting for them
    /// (on connecting and after each answer, so it is also the keep-alive idle timeout); then it is closed.
    #[arg(long, value_name = "SECS", default_value_t = Limits::default().header_timeout.as_secs(), value_parser = seconds())]
    header_timeout: u64,
    /// Seconds to receive a request's body once its headers are in; then the answer is 408 and the connection closes.
    #[arg(long, value_name = "SECS", default_value_t = Limits::default().request_timeout.as_secs(), value_parser = seconds())]
    request_timeout: u64,
    /// Seconds an answer may wait for the client to read it; then the connection is closed.
    #[arg(long, value_name = "SECS", default_value_t = Limits::default().write_timeout.as_secs(), value_parser = seconds())]
    write_timeout: u64,
    /// Seconds to write an answer, from its first byte; then the connection is closed (a client that reads, but too
    /// slowly).
    #[arg(long, value_name = "SECS", default_value_t = Limits::default().answer_timeout.as_secs(), value_parser = seconds())]
    answer_timeout: u64,
    /// Connections served at once; further ones wait to be accepted until one ends.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections, value_parser = at_least_one)]
    max_connections: usize,
    /// Replay the cassettes under DIR: a request matching one (method, decoded path, query, JSON body, TCR
    /// action/version/region) gets its recorded answer; signatures are still checked. Others reach the emulator.
    #[arg(long, value_name = "DIR")]
    cassettes: Option<PathBuf>,
    /// With --cassettes: answer an unmatched request 501 with the nearest cassettes and why each did not match,
    /// instead of the emulator's answer.
    #[arg(long, requires = "cassettes")]
    strict_replay: bool,
    /// Inject a fault (repeatable): KIND[=VALUE][,KEY=VALUE]..., e.g. `throttle,op=DescribeImages,first=2` or
    /// `latency=200ms..500ms,seed=7`. Kinds: latency, error, code, throttle, malformed, reset, close-after-headers,
    /// truncate, drip (README, "Faults").
    #[arg(long = "fault", value_name = "SPEC", value_parser = regmock::faults::FaultRule::parse)]
    faults_inline: Vec<regmock::faults::FaultRule>,
    /// Fault rules from a YAML or JSON file (`faults:` and a list of rules), tried before the --fault ones.
    #[arg(long = "faults", value_name = "FILE")]
    faults_file: Option<PathBuf>,
    /// Keep the last N requests (method, target, headers and body, secrets included, and what was answered) in
    /// memory, readable at GET /__regmock/requests; 0 keeps none (the journal is off by default).
    #[arg(long, value_name = "N", default_value_t = 0)]
    journal: usize,
    /// Answer the admin API (/__regmock/requests, /reset, /tags, /repositories) from any client, not only from
    /// loopback ones. The health check answers everyone regardless.
    #[arg(long)]
    admin_open: bool,
    /// Where the vendor docs are silent, answer as your target does (repeatable): ID=ALTERNATIVE from the
    /// conformance suite's ambiguity table, e.g. `swr.limit.above-max=clamp` or `ncr.page.past-end=not-found-404`
    /// (README, "Validate your implementation", lists the choices).
    #[arg(long = "ambiguity", value_name = "ID=ALT")]
    ambiguities: Vec<String>,
}

/// `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:8080`, and the short forms people type: `localhost:9000`, `:9000` and
/// `9000` mean loopback.
fn parse_addr(s: &str) -> Result<SocketAddr, String> {
    let s = s.trim();
    let port_only = s.strip_prefix(':').unwrap_or(s);
    if let Ok(port) = port_only.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Some(port) = s.strip_prefix("localhost:")
        && let Ok(port) = port.parse::<u16>()
    {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    s.parse().map_err(|_| {
        format!(
            "{s:?} is not an address to listen on; use HOST:PORT (127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080), \
             localhost:PORT, :PORT or PORT"
        )
    })
}

/// Timeouts are whole seconds, at least 1: 0 would close every connection before its first byte.
fn seconds() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..)
}

fn at_least_one(s: &str) -> Result<usize, String> {
    s.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{s:?} is not a number of connections (1 or more)"))
}

impl ServeArgs {
    fn limits(&self) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(self.header_timeout),
            request_timeout: Duration::from_secs(self.request_timeout),
            write_timeout: Duration::from_secs(self.write_timeout),
            answer_timeout: Duration::from_secs(self.answer_timeout),
            max_connections: self.max_connections,
            ..Limits::default()
        }
    }
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

/// Installs the log: stderr (in batches, see `log.rs`), so the banner on stdout stays machine-readable; `RUST_LOG`
/// overrides the level. Request lines take the direct path of `regmock::request_log` unless stderr is a terminal
/// (where tracing colours them). The guard writes the last lines when dropped.
fn init_log(args: &ServeArgs) -> Flushed {
    use regmock::request_log::{Format, RequestLog};
    use tracing_subscriber::EnvFilter;
    let default = if args.quiet { "warn" } else { "regmock=info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let (writer, flushed) = BatchedStderr::start();
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer.clone())
        .with_ansi(ansi);
    let json = args.log_format == "json";
    // A second subscriber (never in the binary) would only be refused: nothing to report.
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
    if !ansi && tracing::enabled!(target: "regmock::request", tracing::Level::INFO) {
        let format = if json { Format::Json } else { Format::Human };
        RequestLog::new(format, move |line| writer.write_line(line)).install();
    }
    flushed
}

pub(crate) fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let _flushed = init_log(&args);
    let mut dataset = match &args.dataset {
        Some(path) => Dataset::from_path(path)?,
        None => Dataset::embedded()?,
    };
    if let Some(n) = args.synthetic_tags {
        // A million tags take seconds to generate and index: say so on a terminal, stay quiet in pipes and CI logs.
        let tell = std::io::IsTerminal::is_terminal(&std::io::stderr()) && n >= 100_000;
        let started = std::time::Instant::now();
        if tell {
            eprintln!("regmock: generating and indexing {n} synthetic tags...");
        }
        dataset = dataset.with_synthetic_tags(n)?;
        if tell {
            eprintln!(
                "regmock: {n} synthetic tags ready in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
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
    })
    .with(
        args.ambiguities
            .iter()
            .try_fold(Emulated::default(), |e, spec| e.select(spec))
            .map_err(|e| anyhow::anyhow!("--ambiguity: {e}"))?,
    );
    let admin = AdminOptions {
        journal: args.journal,
        open: args.admin_open,
    };
    let emulator = Emulator::with_admin(dataset, credentials, options, admin);
    add_faults(&emulator, &args)?;
    let replay = match &args.cassettes {
        Some(dir) => Some(
            Replay::from_dir(emulator.clone(), dir)
                .with_context(|| format!("loading the cassettes of {}", dir.display()))?
                .strict(args.strict_replay),
        ),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        // Installed before the banner: whoever reads "serving on" and then signals must get a graceful stop, not the
        // default action of a signal nobody handles yet (the process dying mid-request).
        let shutdown = shutdown_signal()?;
        let replaying = replay.as_ref().map(|r| r.len());
        let running = match replay {
            Some(replay) => server::spawn_replay(replay, args.addr, args.limits()).await,
            None => server::spawn_with(emulator.clone(), args.addr, args.limits()).await,
        }
        .with_context(|| format!("binding {}", args.addr))?;
        let base = running.uri();
        let served = Served::new(emulator.dataset(), emulator.credentials(), args.no_auth);
        say(&format!("regmock serving on {base}"));
        say(&if args.no_auth {
            "credentials: authentication is off (--no-auth): any request is accepted unsigned"
                .to_string()
        } else {
            format!("credentials: {cred_source}")
        });
        for p in emulator.providers() {
            say(&format!(
                "{}: {}",
                p.id().as_str(),
                p.sample_curl(&base, &served)
            ));
        }
        say(&format!(
            "admin: {base}/__regmock/ (health, faults, reset, tags, repositories; journal {}), {}",
            match args.journal {
                0 => "off, --journal N keeps N requests".to_string(),
                n => format!("of the last {n} requests at /__regmock/requests"),
            },
            if args.admin_open {
                "open to every client (--admin-open)"
            } else {
                "loopback clients only"
            }
        ));
        if let (Some(n), Some(dir)) = (replaying, &args.cassettes) {
            say(&format!(
                "replay: {n} cassettes from {}; unmatched requests {}",
                dir.display(),
                if args.strict_replay {
                    "get 501 with the nearest cassettes (--strict-replay)"
                } else {
                    "reach the emulator"
                }
            ));
        }
        if let Some(n) = args.synthetic_tags {
            let ids: Vec<ProviderId> = emulator.providers().iter().map(|p| p.id()).collect();
            say(&format!(
                "synthetic: {n} tags in {}",
                synthetic_places(emulator.dataset(), &ids)
            ));
        }
        shutdown.await?;
        say("regmock: shutting down");
        running.stop().await.context("stopping the server")?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Prints a banner line. A closed stdout (`regmock serve | head -2`) is not an error: the server keeps serving.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Where `--synthetic-tags` put its repository for each provider (see `Dataset::with_synthetic_tags`).
fn synthetic_places(dataset: &Dataset, providers: &[ProviderId]) -> String {
    let mut places = Vec::new();
    for &provider in providers {
        if let Some(reg) = dataset.registries_of(provider).next() {
            let place = match provider {
                ProviderId::Swr => "namespace synthetic, repository tags".to_string(),
                ProviderId::Ncr => format!(
                    "registry {} ({}), image synthetic/tags",
                    reg.name, reg.region
                ),
                ProviderId::Tcr => format!(
                    "instance {}, namespace synthetic, repository tags",
                    reg.name
                ),
            };
            places.push(format!("{} {place}", provider.as_str()));
        }
    }
    places.join("; ")
}

/// Installs the handlers for Ctrl-C (SIGINT) and, on Unix, SIGTERM, so `kill` from a CI script also shuts down
/// gracefully; the future completes when either arrives.
fn shutdown_signal() -> anyhow::Result<impl Future<Output = anyhow::Result<()>>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        // `signal` installs its handler now; `tokio::signal::ctrl_c` would only install it when first polled.
        let mut int = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
        let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
        Ok(async move {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            Ok(())
        })
    }
    #[cfg(not(unix))]
    Ok(async { tokio::signal::ctrl_c().await.context("waiting for Ctrl-C") })
}

/// The rules of `--faults FILE`, then those of each `--fault`, in order.
fn add_faults(emulator: &Emulator, args: &ServeArgs) -> anyhow::Result<()> {
    let from_file = match &args.faults_file {
        Some(path) => {
            regmock::faults::FaultsFile::from_path(path)
                .map_err(anyhow::Error::msg)?
                .faults
        }
        None => Vec::new(),
    };
    if args.cassettes.is_some() {
        // Replayed answers go through the replay, which has no path for a fault's delay or socket fault, and which
        // asks the emulator for some requests but not others: a rule would count and apply unevenly.
        let why = "fault rules are not applied with --cassettes yet; run a second regmock serve without --cassettes for them";
        if !(from_file.is_empty() && args.faults_inline.is_empty()) {
            anyhow::bail!(why);
        }
        // Nor added later through the admin API.
        emulator.faults().close(why);
    }
    for rule in from_file
        .into_iter()
        .chain(args.faults_inline.iter().cloned())
    {
        emulator
            .faults()
            .add(rule)
            .map_err(|e| anyhow::anyhow!("fault rule refused: {e}"))?;
    }
    Ok(())
}
