//! The JUnit XML report (`junit.xml`): one `testsuite` per run, one `testcase` per check, so CI systems show each check
//! as a test. Recommended failures are reported as passing test cases with `system-out`, expected failures too, so only
//! what fails the verdict turns CI red.

use super::{Outcome, Report, escape as esc};
use crate::conformance::checks::Severity;
use std::fmt::Write;

/// Renders `report` as JUnit XML.
///
/// ```
/// # let report = regmock::conformance::Report { provider: "ncr", base_url: "http://x".into(), seed: 7,
/// #     cases_per_check: 1, rerun_flags: String::new(), verdict: regmock::conformance::Verdict::Pass, reason: None,
/// #     requests: 0, elapsed_ms: 0, checks: vec![], observed: Default::default() };
/// assert!(regmock::conformance::report::junit::render(&report).contains("<testsuite name=\"regmock-conform-ncr\""));
/// ```
pub fn render(report: &Report) -> String {
    let fails = |c: &&super::CheckReport| {
        c.outcome == Outcome::Fail && c.severity == Severity::Required && !c.expected_failure
    };
    let failures = report.checks.iter().filter(fails).count();
    let errors = report.with_outcome(Outcome::Error).count();
    let skipped = report.with_outcome(Outcome::Skip).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuite name=\"regmock-conform-{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{:.3}\">",
        report.provider,
        report.checks.len(),
        report.elapsed_ms as f64 / 1000.0
    );
    let _ = writeln!(
        out,
        "  <properties><property name=\"base_url\" value=\"{}\"/><property name=\"seed\" value=\"{}\"/></properties>",
        esc(&report.base_url),
        report.seed
    );
    for c in &report.checks {
        let _ = write!(
            out,
            "  <testcase classname=\"{}\" name=\"{}\">",
            esc(&format!("regmock.conform.{}", report.provider)),
            esc(c.id)
        );
        let details = || {
            let mut text = format!("{}\nsource: {}\nseed: {}\n", c.title, c.source, report.seed);
            for f in &c.failures {
                let _ = write!(text, "\n- {}\n  request: {}\n", f.message, f.request);
                if let Some(from) = &f.shrunk_from {
                    let _ = writeln!(text, "  shrunk in {} steps from: {from}", f.shrink_steps);
                }
                let _ = write!(text, "  expected: {}\n  actual: {}\n", f.expected, f.actual);
            }
            text
        };
        match c.outcome {
            Outcome::Pass => {}
            Outcome::Fail if fails(&c) => {
                let msg = c
                    .failures
                    .first()
                    .map(|f| f.message.as_str())
                    .unwrap_or("failed");
                let _ = write!(
                    out,
                    "\n    <failure message=\"{}\">{}</failure>\n  ",
                    esc(msg),
                    esc(&details())
                );
            }
            Outcome::Fail => {
                let _ = write!(
                    out,
                    "\n    <system-out>{}</system-out>\n  ",
                    esc(&details())
                );
            }
            Outcome::Skip => {
                let _ = write!(
                    out,
                    "<skipped message=\"{}\"/>",
                    esc(c.reason.as_deref().unwrap_or("skipped"))
                );
            }
            Outcome::Error => {
                let _ = write!(
                    out,
                    "<error message=\"{}\"/>",
                    esc(c.reason.as_deref().unwrap_or("error"))
                );
            }
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("</testsuite>\n");
    out
}
