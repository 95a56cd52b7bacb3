//! Replays every cassette in `cassettes/<provider>/` through every transport and compares the answer with the recorded
//! one. Deviations a vendor example forces (placeholders like `{Repository address}`, masked ids, self-contradicting
//! examples) are listed in the cassette's `placeholders` with a rule and a reason; nothing is skipped silently. The
//! format, the placeholder rules and the comparison live in `regmock::cassette`.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use regmock::cassette::{self, Cassette, DEFAULT_HOST};
use serde_json::Value;

/// Compares `resp` with the recorded response (placeholder rules applied) and checks both bodies against the schema.
fn compare(name: &str, cassette: &Cassette, resp: &regmock::http::Response) {
    let differences = cassette.compare(resp);
    assert!(
        differences.is_empty(),
        "{name}: the answer differs from the recorded one:\n{}",
        differences
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    if let Some(schema) = &cassette.response.schema {
        common::assert_schema(schema, &resp.body_json());
        // The recorded (documented) body must fit the schema too, or the schema contradicts the vendor.
        common::assert_schema(schema, &cassette.response.body);
    }
}

#[tokio::test]
async fn every_cassette_replays_through_every_transport() {
    let files = cassette::files(&common::root().join("cassettes")).unwrap();
    assert!(
        files.len() >= 3,
        "expected the documented examples as cassettes, found {files:?}"
    );
    for path in files {
        let name = path
            .strip_prefix(common::root())
            .unwrap_or(&path)
            .display()
            .to_string();
        let raw: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        common::assert_schema("cassette.schema.json", &raw);
        let cassette = Cassette::load(&path).unwrap();
        let req = cassette.request(common::fixed_now(), DEFAULT_HOST);
        let resp = common::answer_everywhere(&common::emulator(), &req).await;
        compare(&name, &cassette, &resp);
    }
}

#[test]
fn glob_rule_matches_runs_of_characters() {
    use regmock::cassette::glob;
    assert!(glob("*/group/busybox", "swr.example.com/group/busybox"));
    assert!(glob("050*6d70a960", "0503dda878000fed0f75c0096d70a960"));
    assert!(!glob("050*6d70a960", "0503dda878000fed0f75c0096d70a960a"));
    assert!(!glob("050*6d70a960", "0503dda878000fed0f75c0096d70a961"));
    assert!(glob("exact", "exact"));
    assert!(!glob("a*b*c", "acb"));
}

#[test]
fn the_library_clock_is_the_tests_clock() {
    assert_eq!(cassette::fixed_now(), common::fixed_now());
}

#[test]
fn a_placeholder_that_does_not_hold_is_a_difference() {
    // Arrange: the documented repository list, with the glob of `path` changed so the emulator's answer misses it.
    let path = common::root().join("cassettes/swr/swr-list_repos_details-documented-example.json");
    let mut cassette = Cassette::load(&path).unwrap();
    cassette.placeholders[0].value = Some("*/other/busybox".into());
    // Act
    let req = cassette.request(common::fixed_now(), DEFAULT_HOST);
    let differences = cassette.compare(&common::emulator().dispatch(&req));
    // Assert
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert_eq!(differences[0].pointer(), "/body/0/path");
}

fn regmock_cli(args: &[&str], dir: &std::path::Path) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn cassettes_check_passes_on_the_committed_cassettes() {
    let (code, stdout, stderr) =
        regmock_cli(&["cassettes", "check"], &common::root().join("cassettes"));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("cassettes valid"), "{stdout}");
}

#[test]
fn cassettes_check_prints_one_line_per_problem() {
    // Arrange: one cassette whose status is out of range, one whose body misses its schema's required field.
    let dir = tempfile::tempdir().unwrap();
    let src = common::root().join("cassettes/tcr/tcr-describe_images-documented-example.json");
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        text.replacen("\"status\": 200", "\"status\": 99", 1),
    )
    .unwrap();
    let mut c = Cassette::load(&src).unwrap();
    c.response.body["Response"]
        .as_object_mut()
        .unwrap()
        .remove("TotalCount");
    c.save(dir.path(), "b.json").unwrap();
    // Act
    let (code, stdout, _) = regmock_cli(&["cassettes", "check"], dir.path());
    // Assert
    assert_eq!(code, Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].contains("a.json: 99 is less than the minimum of 100 (at /response/status)"),
        "{stdout}"
    );
    assert!(
        lines[1].contains(
            "b.json: response body does not match tcr/describe_images.response.schema.json"
        ),
        "{stdout}"
    );
    assert!(lines[1].contains("TotalCount"), "{stdout}");
}

#[test]
fn the_committed_cassettes_show_no_drift() {
    for provider in ["swr", "ncr", "tcr"] {
        let (code, stdout, stderr) = regmock_cli(
            &["cassettes", "drift", "--provider", provider],
            &common::root().join("cassettes"),
        );
        assert_eq!(code, Some(0), "{provider}: {stdout}{stderr}");
        assert!(stdout.starts_with("no drift: "), "{stdout}");
    }
}

#[test]
fn drift_names_the_json_pointer_of_the_field_that_differs() {
    // Arrange: the documented NCR tag list, edited so one field and one status differ from the emulator.
    let dir = tempfile::tempdir().unwrap();
    let src = common::root().join("cassettes/ncr/ncr-get_image_tag_list-documented-example.json");
    let mut c = Cassette::load(&src).unwrap();
    c.response.body["results"][0]["full_size"] = serde_json::json!(1);
    c.save(dir.path(), "edited.json").unwrap();
    std::fs::copy(
        common::root().join("cassettes/ncr/ncr-get_image_tag_list-400-page-zero.json"),
        dir.path().join("unchanged.json"),
    )
    .unwrap();
    // Act
    let (code, stdout, _) = regmock_cli(&["cassettes", "drift", "--provider", "ncr"], dir.path());
    // Assert
    assert_eq!(code, Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].ends_with("edited.json: 1 difference"), "{stdout}");
    assert_eq!(
        lines[1], "  /body/results/0/full_size: recorded 1, answered 83518086",
        "{stdout}"
    );
    assert_eq!(lines[2], "drift: 1 of 2 ncr cassettes answered differently");
    assert!(!stdout.contains("unchanged.json"), "{stdout}");
}

#[test]
fn drift_reports_reordered_items_and_another_status() {
    // Arrange: the documented SWR tags list with its two repositories' tags swapped and another status recorded.
    let dir = tempfile::tempdir().unwrap();
    let src = common::root().join("cassettes/swr/swr-list_repos_details-documented-example.json");
    let mut c = Cassette::load(&src).unwrap();
    c.response.body[0]["tags"] = serde_json::json!(["log", "latest"]);
    c.response.status = 404;
    c.save(dir.path(), "edited.json").unwrap();
    // Act
    let (code, stdout, _) = regmock_cli(&["cassettes", "drift", "--provider", "swr"], dir.path());
    // Assert
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("  /status: recorded 404, answered 200\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  /body/0/tags: same items in another order\n"),
        "{stdout}"
    );
}

#[test]
fn cassettes_help_texts_are_reviewed() {
    for (name, args) in [
        ("cassettes_help", vec!["cassettes", "--help"]),
        ("cassettes_check_help", vec!["cassettes", "check", "--help"]),
        ("cassettes_drift_help", vec!["cassettes", "drift", "--help"]),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_regmock"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success());
        insta::assert_snapshot!(name, String::from_utf8(out.stdout).unwrap());
    }
}
