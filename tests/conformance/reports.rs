//! Snapshots of the human and JSON reports for one passing and one failing run (seed fixed, times and ports redacted).

use super::{conform, conform_with};
use regmock::conformance::{Config, Report};
use regmock::model::ProviderId;
use regmock::providers::swr::quirks::{SwrQuirk, SwrQuirks};
use regmock::providers::tcr::quirks::{TcrQuirk, TcrQuirks};
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
async fn the_rerun_line_names_the_cases_and_targets_the_run_was_given() {
    // Given a failing run on a named repository with more cases than the default
    let mut config = Config::new(ProviderId::Swr, "http://unused");
    config.checks = vec!["swr.repos.content-range".into()];
    config.cases = 16;
    config.targets = vec![regmock::conformance::Target::swr("group", "busybox")];
    let options = Options::default().with(SwrQuirks(vec![SwrQuirk::MissingContentRange]));
    let report = redacted(conform_with(options, Credentials::default(), config).await);
    // Then its rerun line gives them back, so that pasting it runs the same cases
    let text = report.human();
    let rerun = text
        .lines()
        .find(|l| l.trim_start().starts_with("rerun:"))
        .unwrap();
    assert!(
        rerun.ends_with(
            "--seed 1 --cases 16 --namespace group --repository busybox --checks swr.repos.content-range"
        ),
        "{rerun}"
    );
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

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_property_case_is_reported_shrunk() {
    // Given an SWR variant that reads offset one item too far; when the tag slice property runs
    let mut config = Config::new(ProviderId::Swr, "http://unused");
    config.checks = vec!["swr.tags.page.concat".into()];
    config.targets = vec![regmock::conformance::Target::swr("group", "bulk-app")];
    config.seed = 42;
    // The shifted discovery walk hides the bug past offset 100, so only offsets below it fail: enough cases to meet one.
    config.cases = 64;
    let options = Options::default().with(SwrQuirks(vec![SwrQuirk::OffsetOffByOne]));
    let report = conform_with(options, Credentials::default(), config).await;
    // Then the generated failing slice is shrunk to the smallest one: limit 1 at the first shifted offset, 1
    let check = report
        .checks
        .iter()
        .find(|c| c.id == "swr.tags.page.concat")
        .unwrap();
    let shrunk = check
        .failures
        .iter()
        .find(|f| f.shrunk_from.is_some())
        .unwrap_or_else(|| panic!("no shrunk failure: {}", report.human()));
    assert!(
        shrunk.request.ends_with("tags?limit=1&offset=1"),
        "{}",
        report.human()
    );
    assert!(shrunk.shrink_steps > 0);
    assert_ne!(shrunk.shrunk_from.as_deref(), Some(shrunk.request.as_str()));
    // And the human report prints the seed, the minimal request, where it was shrunk from, expected vs actual, the source
    let human = report.human();
    for part in [
        "--seed 42",
        "shrunk:   in ",
        "request:  GET /v2/manage/namespaces/",
        "expected: HTTP 200 with 1 items",
        "source:   SWR API reference",
    ] {
        assert!(human.contains(part), "{part} missing from {human}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_digest_filter_case_is_reported_shrunk() {
    // Given a TCR variant that ignores `Digest`; when the digest filter property runs on one repository
    let mut config = Config::new(ProviderId::Tcr, "http://unused");
    config.checks = vec!["tcr.images.digest".into()];
    config.targets = vec![regmock::conformance::Target::tcr(
        "tcr-okmj78",
        "team-01",
        "bulk-app",
    )];
    config.seed = 7;
    let options = Options::default().with(TcrQuirks(vec![TcrQuirk::DigestIgnored]));
    let report = conform_with(options, Credentials::default(), config).await;
    // Then the generated failing filter is shrunk (towards a known digest, the walk's first) and printed with the seed,
    // the minimal request and where it was shrunk from
    let check = report
        .checks
        .iter()
        .find(|c| c.id == "tcr.images.digest")
        .unwrap_or_else(|| panic!("no digest check: {}", report.human()));
    let shrunk = check
        .failures
        .iter()
        .find(|f| f.shrunk_from.is_some())
        .unwrap_or_else(|| panic!("no shrunk failure: {}", report.human()));
    assert!(shrunk.shrink_steps > 0, "{}", report.human());
    assert_ne!(shrunk.shrunk_from.as_deref(), Some(shrunk.request.as_str()));
    let human = report.human();
    for part in ["--seed 7", "shrunk:   in ", "Digest", "expected: "] {
        assert!(human.contains(part), "{part} missing from {human}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_schema_failure_keeps_the_answer_it_judged_when_a_later_answer_differs() {
    // Arrange: a flaky target, every 50th SWR answer not JSON; a request sent again may get a good answer
    let emulator = regmock::Emulator::with(
        super::dataset(),
        regmock::Credentials::default(),
        Default::default(),
    );
    emulator
        .faults()
        .add(regmock::faults::FaultRule::parse("malformed,provider=swr,every=50").unwrap())
        .unwrap();
    let server = regmock::transport::server::spawn(emulator, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let config = regmock::conformance::Config::new(ProviderId::Swr, &server.uri());
    // Act
    let report = regmock::conformance::run(&config).await;
    server.stop().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let written = report.write_cassettes(dir.path()).unwrap();
    // Assert: every cassette of swr.schema holds a body that is not JSON, the violation it reports
    let schema: Vec<_> = written
        .iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name == "swr.schema.json" || name.starts_with("swr.schema-")
        })
        .collect();
    assert!(!schema.is_empty(), "{}", report.human());
    for path in schema {
        let cassette = regmock::cassette::Cassette::load(path).unwrap();
        let body = String::from_utf8(cassette.response().body).unwrap();
        assert!(
            serde_json::from_str::<serde_json::Value>(&body).is_err(),
            "{}: {body}",
            path.display()
        );
    }
}
