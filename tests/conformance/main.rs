//! The conformance suite's self-test: the emulator passes every check of every provider, and each deliberately broken
//! variant (a quirk) fails exactly the check that owns its bug and no other required check.
#![allow(clippy::unwrap_used, missing_docs)]

mod ambiguities;
mod cli;
mod foreign;
mod quirks;
mod reports;
mod shrinking;
mod synthetic;

use regmock::conformance::{self, Config, Outcome, Report, Severity};
use regmock::model::{Dataset, ProviderId};
use regmock::{Credentials, Emulator, Options};
use std::sync::OnceLock;

/// The embedded dataset, generated once per test binary.
pub fn dataset() -> Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| Dataset::embedded().expect("embedded dataset loads"))
        .clone()
}

/// Serves an emulator with `options` on a loopback port and runs `config` (its base URL replaced) against it.
pub async fn conform_with(
    options: Options,
    credentials: Credentials,
    mut config: Config,
) -> Report {
    let emulator = Emulator::with(dataset(), credentials, options);
    let server = regmock::transport::server::spawn(emulator, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    config.base_url = server.uri();
    let report = conformance::run(&config).await;
    server.stop().await.unwrap();
    report
}

/// The default run of `provider` against an emulator with `options`.
pub async fn conform(provider: ProviderId, options: Options) -> Report {
    conform_with(
        options,
        Credentials::default(),
        Config::new(provider, "http://unused"),
    )
    .await
}

/// Ids of the required checks with `outcome`.
pub fn required(report: &Report, outcome: Outcome) -> Vec<&'static str> {
    report
        .with_outcome(outcome)
        .filter(|c| c.severity == Severity::Required)
        .map(|c| c.id)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_emulator_passes_every_check_of_every_provider() {
    for p in regmock::providers::PROVIDERS {
        // Given the emulator on the embedded dataset; when the default suite runs against it
        let report = conform(p.id(), Options::default()).await;
        // Then every check passes: no failure, no error, no skip, and every check judged cases
        let human = report.human();
        assert_eq!(report.verdict, conformance::Verdict::Pass, "{human}");
        for c in &report.checks {
            assert_eq!(c.outcome, Outcome::Pass, "{}: {human}", c.id);
            assert!(c.cases > 0, "{} judged nothing", c.id);
        }
        assert_eq!(report.exit_code(), 0);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_credentials_are_an_error_never_a_pass() {
    for p in regmock::providers::PROVIDERS {
        // Given a target that knows none of the suite's keys
        let credentials = Credentials {
            keys: vec![regmock::pipeline::KeyPair {
                access_key: "someone-else".into(),
                secret_key: "their-secret".into(),
            }],
            ..Credentials::default()
        };
        // When the suite runs
        let report = conform_with(
            Options::default(),
            credentials,
            Config::new(p.id(), "http://unused"),
        )
        .await;
        // Then the verdict is Error with the reason, and nothing passed
        assert_eq!(
            report.verdict,
            conformance::Verdict::Error,
            "{}",
            report.human()
        );
        assert_eq!(report.exit_code(), 2);
        assert_eq!(
            report.with_outcome(Outcome::Pass).count(),
            0,
            "{}",
            report.human()
        );
        assert!(
            report
                .reason
                .as_deref()
                .unwrap_or_default()
                .contains("refused"),
            "{:?}",
            report.reason
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_target_is_an_error() {
    // Given a port nobody listens on
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // When the suite runs against it
    let report = conformance::run(&Config::new(
        ProviderId::Swr,
        &format!("http://127.0.0.1:{port}"),
    ))
    .await;
    // Then it cannot judge
    assert_eq!(report.verdict, conformance::Verdict::Error);
    assert!(
        report
            .reason
            .as_deref()
            .unwrap_or_default()
            .contains("unreachable"),
        "{:?}",
        report.reason
    );
}

#[test]
fn every_ambiguity_a_check_names_is_in_the_table() {
    let sources = ["swr.rs", "ncr.rs", "tcr.rs"]
        .iter()
        .map(|f| {
            std::fs::read_to_string(format!(
                "{}/src/conformance/{f}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap()
        })
        .collect::<String>();
    for amb in conformance::ambiguities::AMBIGUITIES {
        assert!(!amb.accepted.is_empty(), "{}", amb.id);
    }
    for quoted in sources.split('"').skip(1).step_by(2) {
        let is_id = ["swr.", "ncr.", "tcr."]
            .iter()
            .any(|p| quoted.starts_with(p))
            && !quoted.contains(' ');
        let is_check = conformance::CHECKS.iter().any(|c| c.id == quoted);
        if is_id && !is_check {
            // Panics on an unknown id.
            conformance::ambiguities::get(quoted);
        }
    }
}
