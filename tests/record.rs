//! `regmock record`: the real binary as a proxy in front of an in-process regmock server with known secrets.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use regmock::cassette::{self, Cassette};
use regmock::http::{Request, Response};
use regmock::pipeline::{Credentials, KeyPair, Options};
use regmock::replay::{CASSETTE_HEADER, Replay, STRICT_MISS_STATUS};
use regmock::transport::server::{self, Limits, RunningServer};
use regmock::{Emulator, providers::PROVIDERS};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const ACCESS_KEY: &str = "AKID-known-access-0001";
const SECRET_KEY: &str = "SK-known-secret-0002";
const TOKEN: &str = "tok-known-0003";
const BODY_PASSWORD: &str = "pw-known-0004";
const CLIENT_JUNK: &str = "client-junk-secret-0005";

/// An upstream that accepts only the known key pair and token (system clock: the recorder signs with the real time).
async fn upstream() -> RunningServer {
    let credentials = Credentials {
        keys: vec![KeyPair {
            access_key: ACCESS_KEY.into(),
            secret_key: SECRET_KEY.into(),
        }],
        tokens: vec![TOKEN.into()],
    };
    let emulator = Emulator::with(common::embedded(), credentials, Options::default());
    server::spawn(emulator, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// Kills the recorder when dropped, so a failing test leaves no process behind.
struct Recorder(Child);

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `regmock record` on a free port; returns it and its base URL.
fn record(provider: &str, upstream: &str, dir: &Path, extra: &[&str]) -> (Recorder, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args([
            "record",
            "--provider",
            provider,
            "--upstream",
            upstream,
            "--addr",
            "127.0.0.1:0",
        ])
        .arg("--cassettes")
        .arg(dir)
        .args(extra)
        .env_remove("REGMOCK_ACCESS_KEY")
        .env_remove("REGMOCK_SECRET_KEY")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first
        .strip_prefix("regmock recording on ")
        .unwrap()
        .to_string();
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (Recorder(child), base)
}

fn tcr_request(body: &str) -> Request {
    let mut req = Request::new("POST", "/");
    req.headers = vec![
        ("Content-Type".into(), "application/json".into()),
        ("X-TC-Action".into(), "DescribeImages".into()),
        ("X-TC-Version".into(), "2019-09-24".into()),
        ("X-TC-Region".into(), "ap-guangzhou".into()),
        // Junk credentials of the client: the recorder replaces them with its own signature.
        ("Authorization".into(), CLIENT_JUNK.into()),
    ];
    req.body = body.as_bytes().to_vec();
    req
}

const DESCRIBE: &str = r#"{"RegistryId": "tcr-okmj78", "NamespaceName": "team-01", "RepositoryName": "nginx", "Limit": 1}"#;

fn written(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_secrets_never_reach_disk_and_replay_reproduces_the_bodies() {
    // Arrange: TCR re-signed by the recorder with the known key; SWR passed through with the known token.
    let up = upstream().await;
    let dir = tempfile::tempdir().unwrap();
    let (_tcr, tcr_base) = record(
        "tcr",
        &up.uri(),
        dir.path(),
        &["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY],
    );
    let (_swr, swr_base) = record("swr", &up.uri(), dir.path(), &[]);
    let (_ncr, ncr_base) = record("ncr", &up.uri(), dir.path(), &[]);
    let with_password = DESCRIBE.replace(
        "\"Limit\": 1",
        &format!("\"Password\": \"{BODY_PASSWORD}\""),
    );
    let swr_target = "/v2/manage/repos?filter=namespace::group|name::busybox";
    // Act: record
    let described = common::send(&tcr_base, &tcr_request(DESCRIBE)).await;
    let refused = common::send(&tcr_base, &tcr_request(&with_password)).await;
    let listed = common::send(
        &swr_base,
        &Request::get(swr_target).header("X-Auth-Token", TOKEN),
    )
    .await;
    // NCR passed through, signed by the client with the known key (signature v2 does not sign the host).
    let ncr = PROVIDERS.iter().find(|p| p.id().as_str() == "ncr").unwrap();
    let mut ncr_req = ncr.example();
    let known = KeyPair {
        access_key: ACCESS_KEY.into(),
        secret_key: SECRET_KEY.into(),
    };
    ncr.sign(
        &mut ncr_req,
        &known,
        chrono::Utc::now(),
        ncr_base.trim_start_matches("http://"),
    );
    let tagged = common::send(&ncr_base, &ncr_req).await;
    assert_eq!(tagged.status, 200, "{:?}", tagged.body_json());
    // Assert: the upstream accepted the re-signed and the passed-through credentials.
    assert_eq!(
        described.body_json()["Response"]["TotalCount"],
        1,
        "{:?}",
        described.body_json()
    );
    assert_eq!(
        refused.body_json()["Response"]["Error"]["Code"],
        "UnknownParameter"
    );
    assert_eq!(listed.status, 200, "{:?}", listed.body_json());
    // Assert: three cassettes, valid, named for what they hold, no secret in any written file.
    let files = written(dir.path());
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("ncr-get_image_tag_list-200-")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("tcr-DescribeImages-200-")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("swr-list_repos_details-200-")),
        "{names:?}"
    );
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for secret in [
            ACCESS_KEY,
            SECRET_KEY,
            TOKEN,
            BODY_PASSWORD,
            CLIENT_JUNK,
            "TC3-HMAC-SHA256",
            "Signature=",
        ] {
            assert!(
                !text.contains(secret),
                "{secret} in {}:\n{text}",
                f.display()
            );
        }
        assert_eq!(
            cassette::check_file(f),
            Vec::<String>::new(),
            "{}",
            f.display()
        );
    }

    // Act: replay the recording (strict, regmock's default credentials) with the same requests, signed for it.
    let replay = Replay::from_dir(Emulator::embedded(), dir.path())
        .unwrap()
        .strict(true);
    let replayer = server::spawn_replay(replay, "127.0.0.1:0".parse().unwrap(), Limits::default())
        .await
        .unwrap();
    let key = Credentials::default().keys[0].clone();
    let tcr = PROVIDERS.iter().find(|p| p.id().as_str() == "tcr").unwrap();
    let signed = |body: &str| {
        let mut req = tcr_request(body);
        req.headers.retain(|(n, _)| n != "Authorization");
        tcr.sign(
            &mut req,
            &key,
            chrono::Utc::now(),
            &replayer.addr.to_string(),
        );
        req
    };
    let again: Vec<Response> = vec![
        common::send(&replayer.uri(), &signed(DESCRIBE)).await,
        common::send(&replayer.uri(), &signed(&with_password)).await,
        common::send(
            &replayer.uri(),
            &Request::get(swr_target).header("X-Auth-Token", "any"),
        )
        .await,
        common::send(&replayer.uri(), &{
            let mut req = ncr.example();
            ncr.sign(
                &mut req,
                &key,
                chrono::Utc::now(),
                &replayer.addr.to_string(),
            );
            req
        })
        .await,
    ];
    // Assert: every answer comes from a cassette, byte for byte (the one secret of the bodies redacted).
    for (original, replayed) in [&described, &refused, &listed, &tagged]
        .into_iter()
        .zip(&again)
    {
        assert_ne!(
            replayed.status,
            STRICT_MISS_STATUS,
            "{:?}",
            replayed.body_json()
        );
        assert!(replayed.header_value(CASSETTE_HEADER).is_some());
        assert_eq!(replayed.status, original.status);
        let kms = original.body_json()["Response"]["ImageInfoList"][0]["KmsSignature"]
            .as_str()
            .map(str::to_string);
        let expected = match kms {
            Some(secret) => String::from_utf8(original.body.clone())
                .unwrap()
                .replace(&secret, cassette::REDACTED),
            None => String::from_utf8(original.body.clone()).unwrap(),
        };
        assert_eq!(String::from_utf8(replayed.body.clone()).unwrap(), expected);
    }
    replayer.stop().await.unwrap();
    up.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_request_is_recorded_unsigned_and_does_not_drift() {
    // Arrange: credentials the upstream refuses, for SWR (a token) and TCR (a key it does not know).
    let up = upstream().await;
    let dir = tempfile::tempdir().unwrap();
    let (_swr, swr_base) = record("swr", &up.uri(), dir.path(), &[]);
    let (_tcr, tcr_base) = record(
        "tcr",
        &up.uri(),
        dir.path(),
        &["--access-key", "AKID-unknown", "--secret-key", "nope"],
    );
    // Act
    let swr = common::send(
        &swr_base,
        &Request::get("/v2/manage/repos").header("X-Auth-Token", "wrong-token"),
    )
    .await;
    let tcr = common::send(&tcr_base, &tcr_request(DESCRIBE)).await;
    assert_eq!(swr.status, 401);
    assert_eq!(
        tcr.body_json()["Response"]["Error"]["Code"],
        "AuthFailure.SecretIdNotFound"
    );
    // Assert: not marked for signing (signed again, the request would pass), and the upstream answers the recorded
    // request as recorded, placeholders applied: no drift.
    let files = written(dir.path());
    assert_eq!(files.len(), 2, "{files:?}");
    for f in &files {
        let recorded = Cassette::load(f).unwrap();
        assert!(!recorded.sign, "{}", f.display());
        let req = recorded.request(chrono::Utc::now(), &up.addr.to_string());
        let again = common::send(&up.uri(), &req).await;
        assert_eq!(
            recorded.compare(&again),
            Vec::new(),
            "{}: {:?}",
            f.display(),
            again.body_json()
        );
    }
    up.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_recording_leaves_every_finished_cassette_intact() {
    // Arrange: a pass-through SWR recorder and four clients sending distinct requests.
    let up = upstream().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut recorder, base) = record("swr", &up.uri(), dir.path(), &[]);
    let answered = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(Request, u16)>::new()));
    let mut clients = Vec::new();
    for c in 0..4 {
        let (base, answered) = (base.clone(), answered.clone());
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for i in 0..200 {
                let req = Request::get(&format!(
                    "/v2/manage/repos?namespace=group&limit={}",
                    1 + c * 200 + i
                ))
                .header("X-Auth-Token", TOKEN);
                let Ok(resp) = client
                    .get(format!("{base}{}", req.target()))
                    .header("X-Auth-Token", TOKEN)
                    .send()
                    .await
                else {
                    return;
                };
                let status = resp.status().as_u16();
                answered.lock().unwrap().push((req, status));
            }
        }));
    }
    // Act: kill -9 in the middle of the run.
    while answered.lock().unwrap().len() < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    recorder.0.kill().unwrap();
    recorder.0.wait().unwrap();
    for c in clients {
        c.await.unwrap();
    }
    // Assert: every answered exchange is on disk as a whole cassette; nothing else looks like one.
    let swr = PROVIDERS.iter().find(|p| p.id().as_str() == "swr").unwrap();
    let answered = answered.lock().unwrap().clone();
    assert!(
        answered.len() >= 20 && answered.len() < 800,
        "{} answered",
        answered.len()
    );
    for (req, status) in &answered {
        let name = format!(
            "swr-{}-{status}-{}.json",
            swr.operation(req).unwrap(),
            regmock::replay::fingerprint(req)
        );
        let cassette = Cassette::load(&dir.path().join(&name)).unwrap();
        assert_eq!(cassette.request.query, req.query);
    }
    for f in written(dir.path()) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            assert_eq!(cassette::check_file(&f), Vec::<String>::new(), "{name}");
        } else {
            // Only the temporary file of the exchange in flight may be left, hidden and not a cassette.
            assert!(name.starts_with('.') && name.ends_with(".tmp"), "{name}");
        }
    }
    up.stop().await.unwrap();
}

#[test]
fn record_help_text_is_reviewed() {
    let out = Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args(["record", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("record_help", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn empty_upstream_keys_are_refused() {
    // `--access-key "$AK"` with AK unset would otherwise sign every request with an empty key.
    let out = Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args([
            "record",
            "--provider",
            "swr",
            "--upstream",
            "http://127.0.0.1:9",
        ])
        .args(["--access-key", "", "--secret-key", ""])
        .env_remove("REGMOCK_ACCESS_KEY")
        .env_remove("REGMOCK_SECRET_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--access-key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
