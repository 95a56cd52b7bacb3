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
fn serve_prints_its_address_and_answers_every_providers_signed_example() {
    let (mut child, base, banner) = spawn_serve(&[]);
    assert!(
        banner[0].starts_with("credentials: built-in defaults"),
        "{banner:?}"
    );
    let admin = banner.last().unwrap();
    assert!(
        admin.starts_with(&format!("admin: {base}/__regmock/"))
            && admin.contains("journal off")
            && admin.ends_with("loopback clients only"),
        "{admin}"
    );
    let host = base.strip_prefix("http://").unwrap().to_string();
    let key = regmock::pipeline::Credentials::default().keys[0].clone();
    let rt = tokio::runtime::Runtime::new().unwrap();
    for provider in regmock::providers::PROVIDERS {
        let id = provider.id().as_str();
        assert!(
            banner.iter().any(|l| l.starts_with(&format!("{id}: "))
                && l.contains("curl")
                && l.contains(&base)),
            "{id}: {banner:?}"
        );
        let mut req = provider.example();
        provider.sign(&mut req, &key, chrono::Utc::now(), &host);
        let resp = rt.block_on(common::send(&base, &req));
        assert_eq!(
            resp.status,
            200,
            "{id}: {}",
            String::from_utf8_lossy(&resp.body)
        );
        assert!(
            resp.body_json()
                .get("Response")
                .is_none_or(|r| r.get("Error").is_none()),
            "{id}: {}",
            String::from_utf8_lossy(&resp.body)
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Every banner line (SWR curl, NCR and TCR ready-signed bash + openssl + curl) is answered with data, not an error,
/// under the default dataset, a custom dataset, a credentials file and `--no-auth`.
#[test]
fn banner_sample_commands_run_as_printed() {
    let tools = ["bash", "openssl", "curl"];
    if let Some(missing) = tools.iter().find(|t| {
        Command::new("sh")
            .args(["-c", &format!("command -v {t}")])
            .output()
            .map_or(true, |o| !o.status.success())
    }) {
        eprintln!("skipped: {missing} is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("creds.yaml");
    std::fs::write(
        &creds,
        "keys: [{access_key: my-ak, secret_key: \"it's-secret\"}]\ntokens: [my-token]\n",
    )
    .unwrap();
    let dataset = dir.path().join("data.yaml");
    std::fs::write(
        &dataset,
        r#"
registries:
  - {provider: swr, name: mine, region: ap-southeast-1, namespaces: [{name: team, repositories: [{name: app, created_at: 2024-05-01T00:00:00Z, updated_at: 2024-05-01T00:00:00Z, tags: [{name: "1.0", digest: "sha256:aa", size: 1, created: 2024-05-01T00:00:00Z, updated: 2024-05-01T00:00:00Z}]}]}]}
  - {provider: ncr, name: reg-jp, region: jpn, namespaces: [{name: "", repositories: [{name: my/app, created_at: 2024-05-01T00:00:00Z, updated_at: 2024-05-01T00:00:00Z, tags: [{name: v1, digest: "sha256:bb", size: 1, created: 2024-05-01T00:00:00Z, updated: 2024-05-01T00:00:00Z}]}]}]}
  - {provider: tcr, name: tcr-mine, region: ap-beijing, namespaces: [{name: ns, repositories: [{name: web, created_at: 2024-05-01T00:00:00Z, updated_at: 2024-05-01T00:00:00Z, tags: [{name: v2, digest: "sha256:cc", size: 1, created: 2024-05-01T00:00:00Z, updated: 2024-05-01T00:00:00Z}]}]}]}
"#,
    )
    .unwrap();
    let setups: [Vec<&str>; 4] = [
        vec![],
        vec!["--dataset", dataset.to_str().unwrap()],
        vec!["--credentials", creds.to_str().unwrap()],
        vec!["--no-auth"],
    ];
    for extra in setups {
        let (mut child, _base, banner) = spawn_serve(&extra);
        for line in &banner[1..banner.len() - 1] {
            let (id, command) = line.split_once(": ").unwrap();
            let out = Command::new("bash").args(["-c", command]).output().unwrap();
            let body: serde_json::Value =
                serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
                    panic!("{extra:?} {id}: {}", String::from_utf8_lossy(&out.stdout))
                });
            let data_seen = body.is_array() && !body.as_array().unwrap().is_empty()
                || body["count"].as_u64() > Some(0)
                || body["Response"]["TotalCount"].as_u64() > Some(0);
            assert!(data_seen, "{extra:?} {id}: {command}\n{body}");
        }
        child.kill().unwrap();
        child.wait().unwrap();
    }
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
    // The credentials line, one sample per provider, then the admin line.
    let banner: Vec<String> = lines
        .by_ref()
        .take(2 + regmock::providers::PROVIDERS.len())
        .map(Result::unwrap)
        .collect();
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

/// Runs `serve` with a credentials file holding `text`; returns its exit code and stderr.
fn serve_with_credentials(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("creds.yaml");
    std::fs::write(&path, text).unwrap();
    let out = regmock()
        .args(["serve", "--addr", "127.0.0.1:0", "--credentials"])
        .arg(&path)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn credentials_file_errors_say_credentials_once_and_why() {
    let out = regmock()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--credentials",
            "/nonexistent/creds.yaml",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("cannot read credentials file /nonexistent/creds.yaml"),
        "{err}"
    );
    assert_eq!(err.matches("os error").count(), 1, "{err}");
    let (code, err) = serve_with_credentials("keys: []\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("`keys` is empty"), "{err}");
    let (code, err) = serve_with_credentials("keys: [{access_key: a, secrt_key: b}]\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("secrt_key"), "{err}");
}

#[test]
fn a_tokens_only_credentials_file_keeps_the_default_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.yaml");
    std::fs::write(&path, "tokens: [only-this-token]\n").unwrap();
    let (mut child, base, _) = spawn_serve(&["--credentials", path.to_str().unwrap()]);
    let mut ncr =
        regmock::http::Request::get("/ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags");
    let now = chrono::Utc::now().timestamp_millis() as u64;
    common::ncr_signer::sign(&mut ncr, "regmock-access-key", "regmock-secret-key", now);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(common::send(&base, &ncr)).status;
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200);
}

#[test]
fn short_address_forms_listen_on_loopback_and_bad_ones_say_the_expected_form() {
    for addr in ["localhost:0", ":0", "0"] {
        let mut child = regmock()
            .args(["serve", "--addr", addr])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            first.starts_with("regmock serving on http://127.0.0.1:"),
            "{addr}: {first}"
        );
    }
    let out = regmock()
        .args(["serve", "--addr", "nowhere:port"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("HOST:PORT") && err.contains(":PORT"), "{err}");
}

/// Starts `serve` with `extra` and its default log level, stderr piped; returns the child and its base URL.
fn spawn_logging(extra: &[&str]) -> (std::process::Child, String) {
    let mut child = regmock()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines
        .next()
        .unwrap()
        .unwrap()
        .strip_prefix("regmock serving on ")
        .unwrap()
        .to_string();
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

/// Starts `serve` with `extra`, sends one SWR and one TCR request, stops it, and returns its stderr lines.
fn request_log(extra: &[&str]) -> Vec<String> {
    let (child, base) = spawn_logging(extra);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        common::send(&base, &common::swr_get("/v2/manage/repos?limit=1")).await;
        common::send(
            &base,
            &regmock::http::Request::new("POST", "/").header("X-TC-Action", "Nope"),
        )
        .await;
    });
    // SIGTERM, so the server exits and stderr ends.
    Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_request_line_is_written_while_serve_keeps_running() {
    let (mut child, base) = spawn_logging(&[]);
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(common::send(
            &base,
            &common::swr_get("/v2/manage/repos?limit=1"),
        ));
    // Lines are written in batches, at the latest 50 ms after the request; this bound only absorbs a slow machine.
    let line = rx.recv_timeout(std::time::Duration::from_secs(10));
    let _ = child.kill();
    let _ = child.wait();
    let line = line.expect("no request line while serve was running");
    assert!(
        line.contains("INFO regmock::request: request provider=\"swr\""),
        "{line}"
    );
}

#[test]
fn the_request_log_has_one_line_per_request_in_both_formats() {
    let json = request_log(&["--log-format", "json"]);
    assert_eq!(json.len(), 2, "{json:?}");
    let records: Vec<serde_json::Value> = json
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    insta::assert_json_snapshot!("request_log_json", records, {
        "[].timestamp" => "[time]",
        "[].latency_ms" => "[ms]",
        "[].request_id" => "[request-id]",
    });
    let human = request_log(&[]);
    assert_eq!(human.len(), 2, "{human:?}");
    // Time, latency and id vary: keep the words between them.
    let stable: Vec<String> = human
        .iter()
        .map(|l| {
            l.split(' ')
                .skip(1)
                .map(|w| match w.split_once('=') {
                    Some(("latency_ms" | "request_id", _)) => {
                        format!("{}=[..]", w.split('=').next().unwrap())
                    }
                    _ => w.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    insta::assert_snapshot!("request_log_human", stable.join("\n"));
    assert!(request_log(&["--quiet"]).is_empty());
}
