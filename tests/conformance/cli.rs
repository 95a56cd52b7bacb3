//! `regmock conform` as a user runs it: the real binary against an in-process emulator.

use regmock::Options;
use regmock::providers::swr::quirks::{SwrQuirk, SwrQuirks};
use std::process::{Command, Output};

/// Runs the binary with `args` against an emulator with `options` (the base URL is appended).
async fn conform_binary(options: Options, args: &[&str]) -> Output {
    let emulator =
        regmock::Emulator::with(super::dataset(), regmock::Credentials::default(), options);
    let server = regmock::transport::server::spawn(emulator, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.extend(["--base-url".to_string(), server.uri()]);
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_regmock"))
            .arg("conform")
            .args(&args)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    server.stop().await.unwrap();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_passes_against_the_emulator_and_writes_every_report() {
    // Given an output directory; when `regmock conform --provider tcr --out DIR` runs
    let dir = tempfile::tempdir().unwrap();
    let out = conform_binary(
        Options::default(),
        &["--provider", "tcr", "--out", dir.path().to_str().unwrap()],
    )
    .await;
    // Then it exits 0, prints the summary and writes report.json, junit.xml and report.html
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("verdict: PASS"), "{stdout}");
    // And, stderr being a pipe, no progress line at all
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("cases,") && !stderr.contains('\r') && !stdout.contains('\r'),
        "{stderr}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(json["verdict"], "pass");
    let junit = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    assert!(
        junit.contains("<testsuite name=\"regmock-conform-tcr\"")
            && junit.contains("failures=\"0\" errors=\"0\""),
        "{junit}"
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("Verdict: <span class=\"pass\">PASS</span>"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_exits_1_when_a_required_check_fails() {
    // Given an SWR variant without Content-Range; when its Content-Range check runs with --out
    let dir = tempfile::tempdir().unwrap();
    let options = Options::default().with(SwrQuirks(vec![SwrQuirk::MissingContentRange]));
    let out = conform_binary(
        options,
        &[
            "--provider",
            "swr",
            "--checks",
            "swr.repos.content-range",
            "--out",
            dir.path().to_str().unwrap(),
        ],
    )
    .await;
    // Then it exits 1 and names the check
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL swr.repos.content-range"), "{stdout}");
    // And each failing exchange is a cassette named by the check id, signature redacted, that `cassettes check` accepts
    let cassettes = dir.path().join("cassettes");
    let first = std::fs::read_to_string(cassettes.join("swr.repos.content-range.json")).unwrap();
    assert!(first.contains("\"path\": \"/v2/manage/repos\""), "{first}");
    assert!(cassettes.join("swr.repos.content-range-2.json").exists());
    let check = Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args(["cassettes", "check"])
        .arg(&cassettes)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn the_binary_exits_2_when_it_cannot_judge() {
    // Given a port nobody listens on, and a flag of another provider
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    for args in [
        vec!["--provider", "ncr", "--base-url", &base],
        vec!["--provider", "swr", "--image", "x", "--base-url", &base],
    ] {
        // When conform runs; then it exits 2
        let out = Command::new(env!("CARGO_BIN_EXE_regmock"))
            .arg("conform")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_misspelt_expected_failure_is_refused_with_exit_2() {
    // Given an expected-failures file naming one real check and one misspelt id
    let dir = std::env::temp_dir().join(format!("regmock-xfail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("xfail.txt");
    std::fs::write(
        &file,
        "swr.repos.content-range  # known\nswr.repos.contentrange\n",
    )
    .unwrap();
    // When conform is given it (the target is never reached: the file is read first)
    let out = Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args([
            "conform",
            "--provider",
            "swr",
            "--base-url",
            "http://127.0.0.1:9",
        ])
        .arg("--expected-failures")
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    // Then it exits 2 naming the id, rather than letting that check fail the run unexplained
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("\"swr.repos.contentrange\" is not one of the swr check ids"),
        "{stderr}"
    );
}

#[test]
fn conform_help_is_reviewed() {
    let out = Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args(["conform", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("conform_help", String::from_utf8(out.stdout).unwrap());
}
