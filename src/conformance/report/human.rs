//! The human report: one line per check (outcome, severity, requests, cases), the verdict, then every failure with
//! the seed, the minimal request (a generated case shrunk, with the case it was shrunk from), expected vs actual and the
//! doc passage.

use super::{Outcome, Report, Verdict};
use std::fmt::Write;

/// Renders `report` for a terminal or a CI log.
///
/// ```
/// # let report = regmock::conformance::Report { provider: "swr", base_url: "http://x".into(), seed: 7,
/// #     cases_per_check: 1, rerun_flags: String::new(), verdict: regmock::conformance::Verdict::Error, reason: Some("no check ran".into()),
/// #     requests: 0, elapsed_ms: 0, checks: vec![], observed: Default::default() };
/// let text = regmock::conformance::report::human::render(&report);
/// assert!(text.contains("verdict: ERROR"));
/// ```
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "regmock conform: {} at {} (seed {}, {} cases per check)\n",
        report.provider, report.base_url, report.seed, report.cases_per_check
    );
    let _ = writeln!(
        out,
        "  {:<7} {:<11} {:>8} {:>6}  check",
        "outcome", "severity", "requests", "cases"
    );
    // Checks left out by --checks / --exclude-checks are counted, not listed (the JSON report lists them).
    let unselected = |c: &&super::CheckReport| {
        c.outcome == Outcome::Skip
            && c.reason
                .as_deref()
                .is_some_and(|r| r.starts_with("not selected"))
    };
    for c in report.checks.iter().filter(|c| !unselected(c)) {
        let mut outcome = label(c.outcome).to_string();
        if c.expected_failure && c.outcome == Outcome::Fail {
            outcome = "XFAIL".into();
        }
        let severity = format!("{:?}", c.severity).to_lowercase();
        let note = match (&c.reason, c.outcome) {
            (Some(r), Outcome::Skip | Outcome::Error) => format!("  ({r})"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:<7} {:<11} {:>8} {:>6}  {}{}",
            outcome, severity, c.requests, c.cases, c.id, note
        );
    }
    let count = |o: Outcome| report.with_outcome(o).count();
    let left_out = report.checks.iter().filter(unselected).count();
    if left_out > 0 {
        let _ = writeln!(out, "  ({left_out} checks not selected)");
    }
    let _ = writeln!(
        out,
        "\nverdict: {} ({} passed, {} failed, {} skipped, {} errors; {} requests in {:.1} s)",
        match report.verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Error => "ERROR",
        },
        count(Outcome::Pass),
        count(Outcome::Fail),
        count(Outcome::Skip),
        count(Outcome::Error),
        report.requests,
        report.elapsed_ms as f64 / 1000.0
    );
    if let Some(reason) = &report.reason {
        let _ = writeln!(out, "reason: {reason}");
    }
    if !report.observed.is_empty() {
        // Where the docs are silent: how this target answers (`serve --ambiguity ID=ALT` makes regmock do the same).
        let answers: Vec<String> = report
            .observed
            .iter()
            .map(|(id, alts)| {
                format!(
                    "{id}={}",
                    alts.iter().cloned().collect::<Vec<_>>().join("+")
                )
            })
            .collect();
        let _ = writeln!(out, "where the docs are silent: {}", answers.join(", "));
    }
    for c in report.with_outcome(Outcome::Fail) {
        let _ = writeln!(
            out,
            "\n{} {} ({:?}): {}",
            label(c.outcome),
            c.id,
            c.severity,
            c.title
        );
        let _ = writeln!(out, "  source:   {}", c.source);
        let _ = writeln!(
            out,
            "  rerun:    regmock conform --provider {} --base-url {} --seed {}{} --checks {}",
            report.provider, report.base_url, report.seed, report.rerun_flags, c.id
        );
        for f in &c.failures {
            let _ = writeln!(out, "  - {}", f.message);
            let _ = writeln!(
                out,
                "    request:  {}",
                f.request.replace('\n', "\n              ")
            );
            if let Some(from) = &f.shrunk_from {
                let _ = writeln!(
                    out,
                    "    shrunk:   in {} steps (seed {}) from {}",
                    f.shrink_steps,
                    report.seed,
                    from.replace('\n', "\n              ")
                );
            }
            let _ = writeln!(out, "    expected: {}", f.expected);
            let _ = writeln!(out, "    actual:   {}", f.actual);
        }
        if c.more_failures > 0 {
            let _ = writeln!(out, "  ... and {} more", c.more_failures);
        }
    }
    out
}

fn label(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "PASS",
        Outcome::Fail => "FAIL",
        Outcome::Skip => "SKIP",
        Outcome::Error => "ERROR",
    }
}
