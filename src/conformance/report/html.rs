//! The HTML report (`report.html`): one self-contained page (inline CSS, no script, no external asset) with the
//! verdict, the summary table and every failure, so a CI artifact opens anywhere, offline. Every text from the target
//! or the run is escaped: a hostile answer cannot inject markup into the page.

use super::{CheckReport, Outcome, Report, Verdict, escape};
use std::fmt::Write;

/// The page's only style sheet, inline.
const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse}th,td{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}\
td.n{text-align:right}.pass{color:#176b2c}.fail{color:#b00020;font-weight:bold}.skip{color:#777}\
.error{color:#a05a00;font-weight:bold}pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap;overflow-wrap:anywhere}\
section{margin-top:1.5em}h2 code{font-size:1em}";

/// Renders `report` as one HTML page.
///
/// ```
/// # let report = regmock::conformance::Report { provider: "tcr", base_url: "http://x/<b>".into(), seed: 7,
/// #     cases_per_check: 1, rerun_flags: String::new(), verdict: regmock::conformance::Verdict::Pass, reason: None,
/// #     requests: 0, elapsed_ms: 0, checks: vec![], observed: Default::default() };
/// let page = regmock::conformance::report::html::render(&report);
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("http://x/&lt;b&gt;"), "target text is escaped");
/// assert!(!page.contains("<script") && !page.contains("<link"), "self-contained");
/// ```
pub fn render(report: &Report) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<title>regmock conform: {} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        escape(report.provider),
        verdict_label(report.verdict)
    );
    let _ = writeln!(
        out,
        "<h1>regmock conform: {} at <code>{}</code></h1>",
        escape(report.provider),
        escape(&report.base_url)
    );
    let count = |o: Outcome| report.with_outcome(o).count();
    let _ = writeln!(
        out,
        "<p>Verdict: <span class=\"{}\">{}</span> ({} passed, {} failed, {} skipped, {} errors; {} requests in {:.1} s; seed {}, {} cases per check)</p>",
        verdict_class(report.verdict),
        verdict_label(report.verdict),
        count(Outcome::Pass),
        count(Outcome::Fail),
        count(Outcome::Skip),
        count(Outcome::Error),
        report.requests,
        report.elapsed_ms as f64 / 1000.0,
        report.seed,
        report.cases_per_check
    );
    if let Some(reason) = &report.reason {
        let _ = writeln!(out, "<p>Reason: {}</p>", escape(reason));
    }
    out.push_str("<table>\n<tr><th>outcome</th><th>severity</th><th>requests</th><th>cases</th><th>check</th><th>title</th><th>note</th></tr>\n");
    for c in &report.checks {
        let (class, label) = outcome_of(c);
        let link = if c.outcome == Outcome::Fail {
            format!("<a href=\"#{0}\">{0}</a>", escape(c.id))
        } else {
            escape(c.id)
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"{class}\">{label}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td><code>{link}</code></td><td>{}</td><td>{}</td></tr>",
            format!("{:?}", c.severity).to_lowercase(),
            c.requests,
            c.cases,
            escape(c.title),
            escape(c.reason.as_deref().unwrap_or_default())
        );
    }
    out.push_str("</table>\n");
    for c in report.with_outcome(Outcome::Fail) {
        let (class, label) = outcome_of(c);
        let _ = writeln!(
            out,
            "<section id=\"{}\">\n<h2><span class=\"{class}\">{label}</span> <code>{}</code> ({:?}): {}</h2>",
            escape(c.id),
            escape(c.id),
            c.severity,
            escape(c.title)
        );
        let _ = writeln!(out, "<p>Source: {}</p>", escape(c.source));
        let _ = writeln!(
            out,
            "<p>Rerun: <code>regmock conform --provider {} --base-url {} --seed {} --checks {}</code></p>",
            escape(report.provider),
            escape(&report.base_url),
            report.seed,
            escape(c.id)
        );
        for f in &c.failures {
            let _ = writeln!(
                out,
                "<h3>{}</h3>\n<p>Request:</p><pre>{}</pre>",
                escape(&f.message),
                escape(&f.request)
            );
            if let Some(from) = &f.shrunk_from {
                let _ = writeln!(
                    out,
                    "<p>Shrunk in {} steps (seed {}) from:</p><pre>{}</pre>",
                    f.shrink_steps,
                    report.seed,
                    escape(from)
                );
            }
            let _ = writeln!(
                out,
                "<p>Expected:</p><pre>{}</pre>\n<p>Actual:</p><pre>{}</pre>",
                escape(&f.expected),
                escape(&f.actual)
            );
        }
        if c.more_failures > 0 {
            let _ = writeln!(out, "<p>... and {} more</p>", c.more_failures);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn outcome_of(c: &CheckReport) -> (&'static str, &'static str) {
    match c.outcome {
        Outcome::Fail if c.expected_failure => ("skip", "XFAIL"),
        Outcome::Pass => ("pass", "PASS"),
        Outcome::Fail => ("fail", "FAIL"),
        Outcome::Skip => ("skip", "SKIP"),
        Outcome::Error => ("error", "ERROR"),
    }
}

fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Error => "ERROR",
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Error => "error",
    }
}
