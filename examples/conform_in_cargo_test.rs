//! Running the conformance suite from your own `cargo test`.
//!
//! A vendor (or anyone re-implementing SWR, NCR or TCR) adds `regmock` as a dev-dependency and puts a test like
//! `conformance_suite_passes` below into `tests/`: it starts the implementation under test, points the suite at it and
//! fails with the human report when any required check fails. Here the implementation under test is regmock's own
//! emulator on a loopback port; replace `start_implementation` with yours.
//!
//! ```sh
//! cargo run --example conform_in_cargo_test              # the suite against the in-process emulator
//! REGMOCK_CONFORM_URL=http://127.0.0.1:8080 cargo run --example conform_in_cargo_test   # against a running server
//! cargo test --example conform_in_cargo_test             # the test below
//! ```

use regmock::conformance::{Config, Report, run};
use regmock::model::ProviderId;
use std::process::ExitCode;

/// The implementation under test: a base URL, and what stops it. Replace with how your server starts.
async fn start_implementation() -> (String, regmock::transport::server::RunningServer) {
    let server = regmock::transport::server::spawn(
        regmock::Emulator::embedded(),
        "127.0.0.1:0".parse().expect("a socket address"),
    )
    .await
    .expect("the emulator starts on a loopback port");
    (server.uri(), server)
}

/// The suite for one provider, with the settings a CI run wants: a fixed seed (a failure reruns identically) and the
/// check ids your implementation knowingly deviates on.
async fn conform(provider: ProviderId, base_url: &str) -> Report {
    let mut config = Config::new(provider, base_url);
    config.seed = 7;
    // config.expected_failures = vec!["swr.schema.extra-fields".into()];
    // config.targets = vec![regmock::conformance::Target::swr("my-namespace", "my-repository")];
    run(&config).await
}

#[tokio::main]
async fn main() -> ExitCode {
    let (base_url, server) = match std::env::var("REGMOCK_CONFORM_URL") {
        Ok(url) => (url, None),
        Err(_) => {
            let (url, server) = start_implementation().await;
            (url, Some(server))
        }
    };
    let mut code = 0;
    for provider in [ProviderId::Swr, ProviderId::Ncr, ProviderId::Tcr] {
        let report = conform(provider, &base_url).await;
        print!("{}", report.human());
        code = code.max(report.exit_code());
    }
    if let Some(server) = server {
        let _ = server.stop().await;
    }
    ExitCode::from(code)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use regmock::conformance::Verdict;

    #[tokio::test(flavor = "multi_thread")]
    async fn conformance_suite_passes() {
        // Given the implementation under test on a loopback port
        let (base_url, server) = start_implementation().await;
        for provider in [ProviderId::Swr, ProviderId::Ncr, ProviderId::Tcr] {
            // When the suite runs against it
            let report = conform(provider, &base_url).await;
            // Then every required check passes; the message is the report with each failure's seed, minimal
            // request, expected vs actual and the vendor passage
            assert_eq!(report.verdict, Verdict::Pass, "{}", report.human());
        }
        server.stop().await.unwrap();
    }
}
