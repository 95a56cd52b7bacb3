//! The command line: help texts (snapshotted), `serve` start-up, and exit codes.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn regmock() -> Command {
    Command::new(env!("CARGO_BIN_EXE_regmock"))
}

#[test]
fn help_texts_are_reviewed() {
    for (name, args) in [
        ("help", vec!["--help"]),
        ("serve_help", vec!["serve", "--help"]),
    ] {
        let out = regmock().args(&args).output().unwrap();
        assert!(out.status.success());
        insta::assert_snapshot!(name, String::from_utf8(out.stdout).unwrap());
    }
}

#[test]
fn serve_prints_its_address_and_answers() {
    let mut child = regmock()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first
        .strip_prefix("regmock serving on ")
        .unwrap()
        .to_string();
    let rest: Vec<String> = lines.by_ref().take(3).map(Result::unwrap).collect();
    assert!(
        rest[0].starts_with("credentials: built-in defaults"),
        "{rest:?}"
    );
    assert!(
        rest.iter().any(|l| l.contains("curl") && l.contains(&base)),
        "{rest:?}"
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!(
                "{base}/v2/manage/repos?filter=namespace::group|name::busybox"
            ))
            .header("X-Auth-Token", "t")
            .send()
            .await
            .unwrap()
            .status()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200);
}

#[test]
fn unreadable_dataset_exits_2_with_a_reason() {
    let out = regmock()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--dataset",
            "/nonexistent/data.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("/nonexistent/data.json"), "{err}");
}

#[test]
fn bad_flag_value_is_a_usage_error() {
    let out = regmock()
        .args(["serve", "--swr-error-style", "loud"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
