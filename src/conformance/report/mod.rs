//! The typed result of a run, and its writers: [`human`] (summary table and failures), [`json`] (`report.json`),
//! [`junit`] (`junit.xml`) and [`html`] (`report.html`). All four read the same [`Report`]; no secret ever enters it (requests are shown without
//! their authentication headers).

pub mod html;
pub mod human;
pub mod json;
pub mod junit;

use super::checks::Severity;
use crate::cassette::{Cassette, CassetteError};
use std::path::{Path, PathBuf};

/// What happened to one check (OCI distribution-spec conformance outcomes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every case held.
    Pass,
    /// A case did not hold: a conformance failure.
    Fail,
    /// Not run: not selected, or a premise failed in another check.
    Skip,
    /// The suite or the target could not run the check (unreachable, nothing to check, every request refused).
    Error,
}

/// The verdict of a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every selected required check passed (expected failures aside).
    Pass,
    /// A required check failed.
    Fail,
    /// The suite could not judge.
    Error,
}

/// One case that did not hold.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Failure {
    /// What went wrong, in a sentence.
    pub message: String,
    /// The minimal request showing it (method, target, body; no credentials).
    pub request: String,
    /// What the docs (or an accepted alternative) say.
    pub expected: String,
    /// What the target answered.
    pub actual: String,
    /// For a generated (property) case: the failing request proptest generated, which `request` is the shrunk,
    /// minimal form of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shrunk_from: Option<String>,
    /// Shrinking steps from `shrunk_from` to `request` (0 when not shrunk).
    #[serde(skip_serializing_if = "is_zero")]
    pub shrink_steps: u32,
    /// The failing exchange in the format of `cassettes/` (unredacted in memory; [`Report::write_cassettes`] and
    /// [`Cassette::save`] redact secrets), when the failure names one request the suite sent.
    #[serde(skip)]
    pub cassette: Option<Cassette>,
}

/// One check's result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    /// Check id.
    pub id: &'static str,
    /// What must hold.
    pub title: &'static str,
    /// Required or recommended.
    pub severity: Severity,
    /// The vendor passage enforced.
    pub source: &'static str,
    /// The outcome.
    pub outcome: Outcome,
    /// Why it was skipped or errored.
    pub reason: Option<String>,
    /// Listed in `--expected-failures`.
    pub expected_failure: bool,
    /// HTTP requests the check sent (retries of throttled requests included).
    pub requests: u32,
    /// Cases it judged.
    pub cases: u32,
    /// The first failures (at most [`MAX_FAILURES`]).
    pub failures: Vec<Failure>,
    /// Failures beyond those listed.
    pub more_failures: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Most failures a check lists; the rest are counted.
pub const MAX_FAILURES: usize = 5;

/// The result of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Provider id (`swr`, `ncr`, `tcr`).
    pub provider: &'static str,
    /// Base URL checked.
    pub base_url: String,
    /// Seed of the generated cases.
    pub seed: u64,
    /// Cases per property check.
    pub cases_per_check: u32,
    /// The flags a rerun needs besides `--seed` and `--checks` to send the same cases ([`Config::rerun_flags`]).
    ///
    /// [`Config::rerun_flags`]: crate::conformance::Config::rerun_flags
    pub rerun_flags: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why the verdict is Error.
    pub reason: Option<String>,
    /// Requests sent in all.
    pub requests: u32,
    /// Wall time of the run in milliseconds (redact it in snapshots).
    pub elapsed_ms: u64,
    /// Every check of the provider, in execution order.
    pub checks: Vec<CheckReport>,
    /// Where the docs are silent, how the target answered: the alternatives of each ambiguity
    /// ([`crate::conformance::ambiguities`]) its answers were classified into (`serve --ambiguity ID=ALT` makes the
    /// emulator answer the same way).
    pub observed: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
}

impl Report {
    /// 0 pass, 1 a required check failed, 2 the suite could not judge.
    ///
    /// ```
    /// # let report = regmock::conformance::Report { provider: "swr", base_url: String::new(), seed: 1,
    /// #     cases_per_check: 1, rerun_flags: String::new(), verdict: regmock::conformance::Verdict::Fail, reason: None, requests: 0,
    /// #     elapsed_ms: 0, checks: vec![], observed: Default::default() };
    /// assert_eq!(report.exit_code(), 1);
    /// ```
    pub fn exit_code(&self) -> u8 {
        match self.verdict {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Error => 2,
        }
    }

    /// The checks with this outcome.
    pub fn with_outcome(&self, outcome: Outcome) -> impl Iterator<Item = &CheckReport> {
        self.checks.iter().filter(move |c| c.outcome == outcome)
    }

    /// The human summary (see [`human::render`]).
    pub fn human(&self) -> String {
        human::render(self)
    }

    /// The JSON report (see [`json::render`]).
    pub fn json(&self) -> String {
        json::render(self)
    }

    /// The JUnit XML report (see [`junit::render`]).
    pub fn junit(&self) -> String {
        junit::render(self)
    }

    /// The self-contained HTML page (see [`html::render`]).
    pub fn html(&self) -> String {
        html::render(self)
    }

    /// Writes the exchange of every listed failure as a cassette under `dir`, named by check id
    /// (`<check id>.json`, then `<check id>-2.json`, ...), secrets redacted as `regmock record` redacts them; returns
    /// the files written.
    ///
    /// ```
    /// # let report = regmock::conformance::Report { provider: "swr", base_url: String::new(), seed: 1,
    /// #     cases_per_check: 1, rerun_flags: String::new(), verdict: regmock::conformance::Verdict::Pass, reason: None, requests: 0,
    /// #     elapsed_ms: 0, checks: vec![], observed: Default::default() };
    /// let dir = tempfile::tempdir().unwrap();
    /// assert!(report.write_cassettes(dir.path()).unwrap().is_empty(), "a report without failures writes nothing");
    /// ```
    pub fn write_cassettes(&self, dir: &Path) -> Result<Vec<PathBuf>, CassetteError> {
        let mut written = Vec::new();
        for c in self.with_outcome(Outcome::Fail) {
            let cassettes = c.failures.iter().filter_map(|f| f.cassette.as_ref());
            for (i, cassette) in cassettes.enumerate() {
                let name = match i {
                    0 => format!("{}.json", c.id),
                    n => format!("{}-{}.json", c.id, n + 1),
                };
                written.push(cassette.save(dir, &name)?);
            }
        }
        Ok(written)
    }
}

/// The verdict from the outcomes: any required failure (not expected) fails; else any required error, or no pass at
/// all, cannot be judged.
pub(crate) fn verdict(checks: &[CheckReport]) -> (Verdict, Option<String>) {
    let required = |c: &&CheckReport| c.severity == Severity::Required;
    if checks
        .iter()
        .filter(required)
        .any(|c| c.outcome == Outcome::Fail && !c.expected_failure)
    {
        return (Verdict::Fail, None);
    }
    if let Some(c) = checks
        .iter()
        .filter(required)
        .find(|c| c.outcome == Outcome::Error)
    {
        let why = c.reason.clone().unwrap_or_default();
        return (
            Verdict::Error,
            Some(format!("{} could not be judged: {why}", c.id)),
        );
    }
    if !checks.iter().any(|c| c.outcome == Outcome::Pass) {
        return (
            Verdict::Error,
            Some("no check ran: nothing was judged".into()),
        );
    }
    (Verdict::Pass, None)
}

/// Escapes text for XML and HTML content and attribute values (JUnit and HTML reports).
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
