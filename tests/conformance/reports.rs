//! Snapshots of the human and JSON reports for one passing and one failing run (seed fixed, times and ports redacted).

use super::{conform, conform_with};
use regmock::conformance::{Config, Report};
use regmock::model::ProviderId;
use regmock::providers::swr::quirks::{SwrQuirk, SwrQuirks};
use regmock::{Credentials, Options};

/// The report with what changes between runs (wall time, the random port) fixed.
fn redacted(mut report: Report) -> Report {
    report.elapsed_ms = 0;
    report.base_url = "http://127.0.0.1:PORT".into();
    report
}

#[tokio::test(flavor = "multi_thread")]
async fn passing_run_reports() {
    // Given the emulator; when the NCR suite runs with seed 1
    let report = redacted(conform(ProviderId::Ncr, Options::default()).await);
    // Then the reports read as reviewed
    insta::assert_snapshot!("passing_human", report.human());
    insta::assert_snapshot!("passing_json", report.json());
}

#[tokio::test(flavor = "multi_thread")]
async fn failing_run_reports() {
    // Given an SWR variant without Content-Range on the repository list; when its repository checks run
    let mut config = Config::new(ProviderId::Swr, "http://unused");
    config.checks = vec!["swr.repos".into()];
    let options = Options::default().with(SwrQuirks(vec![SwrQuirk::MissingContentRange]));
    let report = redacted(conform_with(options, Credentials::default(), config).await);
    // Then the failure shows the seed, the request, expected vs actual and the doc passage
    insta::assert_snapshot!("failing_human", report.human());
    insta::assert_snapshot!("failing_json", report.json());
    insta::assert_snapshot!("failing_html", report.html());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_html_report_is_self_contained_and_escapes_what_the_target_sent() {
    // Given a failing run whose failure text carries markup, as a hostile target could send
    let mut config = Config::new(ProviderId::Swr, "http://unused");
    config.checks = vec!["swr.repos.content-range".into()];
    let options = Options::default().with(SwrQuirks(vec![SwrQuirk::MissingContentRange]));
    let mut report = redacted(conform_with(options, Credentials::default(), config).await);
    let failing = report
        .checks
        .iter_mut()
        .find(|c| c.id == "swr.repos.content-range")
        .unwrap();
    failing.failures[0].actual = "<script>alert('x')</script> & \"q\"".into();
    // When the page is rendered
    let page = report.html();
    // Then it has no external asset and no script, only escaped text, and the failure is linked from the table
    assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
    assert!(page.contains("<style>"), "CSS is inline");
    for external in ["<script", "<link", "src=", "http-equiv", "@import", "url("] {
        assert!(!page.contains(external), "{external} in {page}");
    }
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    assert!(page.contains("<a href=\"#swr.repos.content-range\">"));
    assert!(page.contains("<section id=\"swr.repos.content-range\">"));
}
