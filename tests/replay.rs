//! Replay: cassettes answered in front of the emulator (`regmock::replay`), over a real socket with reqwest, and
//! through `regmock serve --cassettes`.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use regmock::cassette::{Cassette, DEFAULT_HOST};
use regmock::http::{Request, Response};
use regmock::pipeline::KeyPair;
use regmock::replay::{CASSETTE_HEADER, Replay, STRICT_MISS_STATUS};
use regmock::transport::server::{Limits, RunningServer, spawn_replay};
use serde_json::{Value, json};

/// A committed cassette whose recorded body is edited, so an answer from it cannot come from the emulator.
fn pinned(rel: &str, edit: impl FnOnce(&mut Value)) -> Cassette {
    let mut c = Cassette::load(&common::root().join("cassettes").join(rel)).unwrap();
    edit(&mut c.response.body);
    c
}

fn swr_pinned() -> Cassette {
    pinned("swr/swr-list_repos_details-documented-example.json", |b| {
        b[0]["description"] = json!("pinned by a cassette")
    })
}

fn tcr_pinned() -> Cassette {
    pinned("tcr/tcr-describe_images-documented-example.json", |b| {
        b["Response"]["TotalCount"] = json!(4242)
    })
}

async fn serve(cassettes: Vec<(&str, Cassette)>, strict: bool) -> RunningServer {
    let cassettes = cassettes
        .into_iter()
        .map(|(n, c)| (n.to_string(), c))
        .collect();
    let replay = Replay::new(common::emulator(), cassettes).strict(strict);
    spawn_replay(replay, "127.0.0.1:0".parse().unwrap(), Limits::default())
        .await
        .unwrap()
}

/// Sends with reqwest and also returns the body bytes exactly as received.
async fn send(server: &RunningServer, req: &Request) -> Response {
    common::send(&server.uri(), req).await
}

#[tokio::test]
async fn a_matching_request_gets_the_recorded_answer_byte_for_byte() {
    // Arrange
    let cassette = swr_pinned();
    let server = serve(vec![("swr/pinned.json", cassette.clone())], false).await;
    // Act
    let resp = send(
        &server,
        &cassette.request(common::fixed_now(), DEFAULT_HOST),
    )
    .await;
    // Assert
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, cassette.response().body);
    assert_eq!(resp.body_json()[0]["description"], "pinned by a cassette");
    assert_eq!(resp.header_value("content-type"), Some("application/json"));
    assert_eq!(resp.header_value(CASSETTE_HEADER), Some("swr/pinned.json"));
    assert!(
        resp.header_value("x-request-id").is_some(),
        "a fresh request id"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn query_order_and_encoding_are_normalised() {
    // Arrange: the cassette's query is `filter=namespace::group|name::busybox`.
    let cassette = swr_pinned();
    let server = serve(vec![("pinned.json", cassette.clone())], false).await;
    let mut req = cassette.request(common::fixed_now(), DEFAULT_HOST);
    req.query = Some("filter=namespace%3A%3Agroup%7Cname%3A%3Abusybox".into());
    // Act
    let resp = send(&server, &req).await;
    // Assert
    assert_eq!(resp.header_value(CASSETTE_HEADER), Some("pinned.json"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_json_body_matches_by_meaning_not_by_bytes() {
    // Arrange: the same DescribeImages body with its keys in another order and spaces; signed as sent.
    let cassette = tcr_pinned();
    let server = serve(vec![("tcr/pinned.json", cassette.clone())], false).await;
    let mut req = cassette.unsigned_request();
    req.body = br#"{ "Offset": "0", "RegistryId": "tcr-okmj78", "RepositoryName": "nginx",
        "NamespaceName": "team-01", "Limit": "20" }"#
        .to_vec();
    let key = regmock::Credentials::default().keys[0].clone();
    cassette.provider().sign(
        &mut req,
        &key,
        common::fixed_now(),
        &server.addr.to_string(),
    );
    // Act
    let resp = send(&server, &req).await;
    // Assert
    assert_eq!(resp.header_value(CASSETTE_HEADER), Some("tcr/pinned.json"));
    assert_eq!(resp.body_json()["Response"]["TotalCount"], 4242);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn signatures_are_verified_by_the_emulator_not_replayed() {
    // Arrange: the TCR request signed with a wrong secret matches the cassette on everything else.
    let cassette = tcr_pinned();
    let server = serve(vec![("tcr/pinned.json", cassette.clone())], false).await;
    let mut req = cassette.unsigned_request();
    let wrong = KeyPair {
        access_key: regmock::pipeline::DEFAULT_ACCESS_KEY.into(),
        secret_key: "not-the-secret".into(),
    };
    cassette.provider().sign(
        &mut req,
        &wrong,
        common::fixed_now(),
        &server.addr.to_string(),
    );
    // Act
    let resp = send(&server, &req).await;
    // Assert: the emulator's own refusal, not the recorded answer.
    assert_eq!(resp.header_value(CASSETTE_HEADER), None);
    assert_eq!(
        resp.body_json()["Response"]["Error"]["Code"],
        "AuthFailure.SignatureFailure"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn unmatched_requests_fall_through_to_the_emulator() {
    // Arrange
    let server = serve(vec![("pinned.json", swr_pinned())], false).await;
    // Act: another repository than the cassette's.
    let resp = send(
        &server,
        &common::swr_get("/v2/manage/repos?filter=namespace::group|name::nginx"),
    )
    .await;
    // Assert
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header_value(CASSETTE_HEADER), None);
    assert!(resp.body_json().is_array());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn strict_replay_names_the_nearest_cassettes_and_why() {
    // Arrange
    let server = serve(
        vec![
            ("swr/pinned.json", swr_pinned()),
            ("tcr/pinned.json", tcr_pinned()),
        ],
        true,
    )
    .await;
    // Act
    let resp = send(
        &server,
        &common::swr_get("/v2/manage/repos?filter=namespace::group|name::nginx"),
    )
    .await;
    // Assert
    assert_eq!(resp.status, STRICT_MISS_STATUS, "{:?}", resp.body_json());
    let body = resp.body_json();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("/v2/manage/repos"),
        "{body}"
    );
    let nearest = body["nearest"].as_array().unwrap();
    assert_eq!(nearest[0]["cassette"], "swr/pinned.json");
    let why = nearest[0]["why"].as_array().unwrap();
    assert_eq!(why.len(), 1, "{why:?}");
    assert!(
        why[0]
            .as_str()
            .unwrap()
            .starts_with("query filter=namespace::group|name::nginx"),
        "{why:?}"
    );
    assert_eq!(nearest[1]["cassette"], "tcr/pinned.json");
    server.stop().await.unwrap();
}

#[test]
fn a_strict_miss_is_journalled_like_any_answer() {
    // Arrange: a strict replay whose emulator keeps a journal
    let emulator = regmock::Emulator::with_admin(
        common::embedded(),
        Default::default(),
        Default::default(),
        regmock::admin::AdminOptions {
            journal: 10,
            open: false,
        },
    );
    let replay = Replay::new(
        emulator.clone(),
        vec![("swr/pinned.json".into(), swr_pinned())],
    )
    .strict(true);
    // Act: one request no cassette matches
    let miss = replay.answer(&Request::get("/v2/manage/repos?limit=7").header("X-Auth-Token", "t"));
    // Assert
    assert_eq!(miss.status, STRICT_MISS_STATUS);
    let journal = emulator
        .dispatch(&Request::get("/__regmock/requests"))
        .body_json();
    let entries = journal["requests"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{journal}");
    assert_eq!(entries[0]["status"], STRICT_MISS_STATUS);
    assert_eq!(entries[0]["target"], "/v2/manage/repos?limit=7");
    assert_eq!(entries[0]["operation"], "list_repos_details");
    assert_eq!(
        Some(entries[0]["request_id"].as_str().unwrap()),
        miss.header_value("X-Request-Id")
    );
}

#[tokio::test]
async fn every_committed_cassette_replays_as_recorded() {
    // Arrange: every committed cassette in front of the emulator, strict, so an answer not from a cassette is a 501.
    let dir = common::root().join("cassettes");
    let replay = Replay::from_dir(common::emulator(), &dir)
        .unwrap()
        .strict(true);
    assert!(replay.len() >= 3);
    let server = spawn_replay(replay, "127.0.0.1:0".parse().unwrap(), Limits::default())
        .await
        .unwrap();
    let mut refused = 0;
    for loaded in regmock::cassette::load_dir(&dir).unwrap() {
        // Act
        let req = loaded.cassette.request(common::fixed_now(), DEFAULT_HOST);
        let resp = send(&server, &req).await;
        // Assert: the recorded answer byte for byte, or, where the cassette records refused credentials, the
        // emulator's refusal, which matches the recording by its placeholder rules.
        let name = loaded.name();
        assert_ne!(
            resp.status,
            STRICT_MISS_STATUS,
            "{name}: {:?}",
            resp.body_json()
        );
        if resp.header_value(CASSETTE_HEADER).is_some() {
            assert_eq!(resp.status, loaded.cassette.response.status, "{name}");
            assert_eq!(resp.body, loaded.cassette.response().body, "{name}");
        } else {
            let differences = loaded.cassette.compare(&resp);
            assert!(differences.is_empty(), "{name}: {differences:?}");
            refused += 1;
        }
    }
    // Only the cassettes that record refused credentials (unsigned, with a bad or missing signature) get the
    // emulator's refusal.
    let unsigned = regmock::cassette::load_dir(&dir)
        .unwrap()
        .iter()
        .filter(|l| !l.cassette.sign)
        .count();
    assert!(
        refused <= unsigned,
        "{refused} refusals, {unsigned} unsigned cassettes"
    );
    server.stop().await.unwrap();
}

#[test]
fn serve_with_cassettes_and_strict_replay() {
    use std::io::{BufRead, BufReader};
    // Arrange: the real binary with one edited cassette.
    let dir = tempfile::tempdir().unwrap();
    swr_pinned().save(dir.path(), "pinned.json").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--strict-replay",
            "--cassettes",
        ])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
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
    // Credentials, one sample per provider, admin, then the replay line.
    let banner: Vec<String> = lines
        .by_ref()
        .take(3 + regmock::providers::PROVIDERS.len())
        .map(Result::unwrap)
        .collect();
    std::thread::spawn(move || for _ in lines {});
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (hit, miss, fault) = rt.block_on(async {
        let hit = common::send(
            &base,
            &common::swr_get("/v2/manage/repos?filter=namespace::group|name::busybox"),
        )
        .await;
        let miss = common::send(&base, &common::swr_get("/v2/manage/repos")).await;
        let mut add = Request::new("POST", "/__regmock/faults");
        add.body = br#""error""#.to_vec();
        let fault = common::send(&base, &add).await;
        (hit, miss, fault)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    // Assert
    assert!(
        banner
            .iter()
            .any(|l| l.starts_with("replay: 1 cassettes from ")),
        "{banner:?}"
    );
    assert_eq!(hit.body_json()[0]["description"], "pinned by a cassette");
    assert_eq!(miss.status, STRICT_MISS_STATUS);
    assert_eq!(miss.body_json()["nearest"][0]["cassette"], "pinned.json");
    // Fault rules are not applied with --cassettes: refused at start, and through the admin API.
    assert_eq!(fault.status, 409, "{:?}", fault.body_json());
    assert!(
        fault.body_json()["message"]
            .as_str()
            .unwrap()
            .contains("--cassettes"),
        "{:?}",
        fault.body_json()
    );
}

#[tokio::test]
async fn the_in_test_api_replays_a_cassette_directory_and_reports_a_strict_miss() {
    // Arrange: the committed cassettes, in the wiremock transport.
    let dir = common::root().join("cassettes");
    let cassette =
        Cassette::load(&dir.join("swr/swr-list_repos_details-documented-example.json")).unwrap();
    let swr = regmock::SwrMock::start_replaying(&dir, true).await.unwrap();
    let client = reqwest::Client::new();
    // Act
    let hit = client
        .get(format!(
            "{}/v2/manage/repos?filter=namespace::group|name::busybox",
            swr.uri()
        ))
        .header("X-Auth-Token", "t")
        .send()
        .await
        .unwrap();
    let miss = client
        .get(format!(
            "{}/v2/manage/repos?filter=namespace::nowhere",
            swr.uri()
        ))
        .header("X-Auth-Token", "t")
        .send()
        .await
        .unwrap();
    // Assert
    assert_eq!(hit.status(), 200);
    assert_eq!(
        hit.headers()[CASSETTE_HEADER],
        "swr/swr-list_repos_details-documented-example.json"
    );
    assert_eq!(hit.json::<Value>().await.unwrap(), cassette.response.body);
    assert_eq!(miss.status().as_u16(), STRICT_MISS_STATUS);
}
