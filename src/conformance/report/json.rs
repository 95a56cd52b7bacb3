//! The JSON report (`report.json`): the [`Report`] as it is, so a vendor's tooling reads the same fields as the human
//! summary.

use super::Report;

/// Renders `report` as pretty-printed JSON.
///
/// ```
/// # let report = regmock::conformance::Report { provider: "tcr", base_url: "http://x".into(), seed: 7,
/// #     cases_per_check: 1, rerun_flags: String::new(), verdict: regmock::conformance::Verdict::Pass, reason: None,
/// #     requests: 0, elapsed_ms: 0, checks: vec![], observed: Default::default() };
/// let json: serde_json::Value = serde_json::from_str(&regmock::conformance::report::json::render(&report)).unwrap();
/// assert_eq!(json["verdict"], "pass");
/// ```
pub fn render(report: &Report) -> String {
    // A report holds only strings, numbers and enums: serialising it cannot fail.
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}
