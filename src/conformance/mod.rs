//! The conformance suite: point it at any SWR, NCR or TCR implementation and get a verdict.
//!
//! The target's data is unknown. The suite first walks the unfiltered listings of the targets through their pagination
//! (discovery), then checks every paged, filtered and sorted view against a reference model computed from that walk
//! ([`reference`](mod@reference), written from the vendor docs, never from regmock's own listing code, so one misunderstanding cannot
//! hide in both). Every check is a row of one table, [`checks::CHECKS`]: an id, a title, the vendor passage it enforces
//! and a severity. Where the docs are silent, [`ambiguities::AMBIGUITIES`] lists every answer the suite accepts.
//!
//! Outcomes follow the OCI distribution-spec conformance suite: `Pass`, `Fail`, `Skip` (not selected, or its
//! premise failed elsewhere), `Error` (the suite or the target could not run the check: unreachable, nothing
//! discovered, every request refused; never a conformance failure, never a pass).
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! // Arrange: the emulator on a loopback port, and a suite configured with the default targets of one provider.
//! let server = regmock::transport::server::spawn(regmock::Emulator::embedded(), "127.0.0.1:0".parse().unwrap())
//!     .await
//!     .unwrap();
//! let mut config = regmock::conformance::Config::new(regmock::model::ProviderId::Ncr, &server.uri());
//! config.checks = vec!["ncr.page".into()];
//!
//! // Act
//! let report = regmock::conformance::run(&config).await;
//!
//! // Assert
//! assert_eq!(report.verdict, regmock::conformance::Verdict::Pass, "{}", report.human());
//! assert_eq!(report.exit_code(), 0);
//! server.stop().await.unwrap();
//! # })
//! ```

pub mod ambiguities;
pub mod checks;
mod client;
pub mod config;
mod exchange;
mod ncr;
mod progress;
mod property;
pub mod reference;
pub mod report;
mod runner;
pub(crate) mod schema;
mod swr;
mod tcr;

pub use checks::{CHECKS, Check, Severity};
pub use config::{Config, Target};
pub use report::{CheckReport, Failure, Outcome, Report, Verdict};
pub use runner::run;
