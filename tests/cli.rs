//! The command line: help texts (snapshotted), `serve` start-up, and exit codes.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

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
    let (mut child, base, banner) = spawn_serve(&[]);
    assert!(
        banner[0].starts_with("credentials: built-in defaults"),
        "{banner:?}"
    );
    for provider in ["swr: ", "ncr: "] {
        assert!(
            banner
                .iter()
                .any(|l| l.starts_with(provider) && l.contains("curl") && l.contains(&base)),
            "{banner:?}"
        );
    }
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

/// Starts `regmock serve` on a random port; returns the child, its base URL and the banner lines after the first.
fn spawn_serve(extra: &[&str]) -> (std::process::Child, String, Vec<String>) {
    let mut child = regmock()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first
        .strip_prefix("regmock serving on ")
        .unwrap()
        .to_string();
    let banner: Vec<String> = lines.by_ref().take(3).map(Result::unwrap).collect();
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base, banner)
}

#[test]
fn serve_answers_a_signed_ncr_request_with_the_documented_example() {
    let (mut child, base, _) = spawn_serve(&[]);
    let target = "/ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags";
    let now = chrono::Utc::now().timestamp_millis() as u64;
    let signed = |ak: &str, sk: &str, ts: u64| {
        let mut req = regmock::http::Request::get(target);
        common::ncr_signer::sign(&mut req, ak, sk, ts);
        req
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let answers = rt.block_on(async {
        let mut out = Vec::new();
        for req in [
            signed("regmock-access-key", "regmock-secret-key", now),
            signed("regmock-access-key", "wrong-secret", now),
            signed(
                "regmock-access-key",
                "regmock-secret-key",
                now - 10 * 60 * 1000,
            ),
            signed("unknown-key", "regmock-secret-key", now),
        ] {
            out.push(common::send(&base, &req).await);
        }
        out
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let ok = answers[0].body_json();
    assert_eq!(answers[0].status, 200);
    common::assert_schema("ncr/get_image_tag_list.response.schema.json", &ok);
    assert_eq!(ok["results"][0]["name"], "ncpdocker");
    assert_eq!(ok["results"][0]["id"], 730606);
    for bad in &answers[1..] {
        assert_eq!(bad.status, 401);
        assert_eq!(
            bad.body_json(),
            serde_json::json!({"error": {"errorCode": "200", "message": "Authentication Failed", "details": "Invalid authentication information."}})
        );
    }
}

#[test]
fn credentials_file_replaces_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("creds.yaml");
    std::fs::write(
        &path,
        "keys: [{access_key: my-ak, secret_key: my-sk}]\ntokens: [only-this-token]\n",
    )
    .unwrap();
    let (mut child, base, banner) = spawn_serve(&["--credentials", path.to_str().unwrap()]);
    let now = chrono::Utc::now().timestamp_millis() as u64;
    let ncr = |ak: &str, sk: &str| {
        let mut req =
            regmock::http::Request::get("/ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags");
        common::ncr_signer::sign(&mut req, ak, sk, now);
        req
    };
    let swr =
        |token: &str| regmock::http::Request::get("/v2/manage/repos").header("X-Auth-Token", token);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let statuses: Vec<u16> = rt.block_on(async {
        let mut out = Vec::new();
        for req in [
            ncr("my-ak", "my-sk"),
            ncr("regmock-access-key", "regmock-secret-key"),
            swr("only-this-token"),
            swr("any-other-token"),
        ] {
            out.push(common::send(&base, &req).await.status);
        }
        out
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(banner[0].contains("creds.yaml"), "{banner:?}");
    assert_eq!(statuses, [200, 401, 200, 401]);
}
