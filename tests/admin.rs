//! The admin API under `/__regmock/`: the journal (`GET`/`DELETE /__regmock/requests`), changes to the live data
//! (`PUT`/`DELETE /__regmock/tags/..` and `/__regmock/repositories/..`), `POST /__regmock/reset`, the loopback-only
//! rule, and `serve --journal N` / `--admin-open` over the real binary.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use regmock::admin::{AdminOptions, RepoAddress};
use regmock::http::{Request, Response};
use regmock::pipeline::{Credentials, Options};
use regmock::{Emulator, SwrMock};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const BUSYBOX_TAGS: &str = "/v2/manage/namespaces/group/repos/busybox/tags";

fn with_journal(n: usize) -> Emulator {
    Emulator::with_admin(
        common::embedded(),
        Credentials::default(),
        Options::default(),
        AdminOptions {
            journal: n,
            open: false,
        },
    )
}

fn call(emu: &Emulator, method: &str, path: &str, body: Option<Value>) -> Response {
    let mut req = Request::new(method, path);
    if let Some(body) = body {
        req.body = body.to_string().into_bytes();
    }
    emu.dispatch(&req)
}

fn json_of(resp: &Response) -> Value {
    serde_json::from_slice(&resp.body).unwrap()
}

fn message_of(resp: &Response) -> String {
    json_of(resp)["message"].as_str().unwrap().to_string()
}

fn swr_tag_names(emu: &Emulator) -> Vec<String> {
    let resp = emu.dispatch(&common::swr_get(&format!("{BUSYBOX_TAGS}?limit=100")));
    assert_eq!(resp.status, 200);
    json_of(&resp)
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Tag"].as_str().unwrap().to_string())
        .collect()
}

// ---- the journal ----

#[tokio::test]
async fn the_in_test_journal_keeps_what_the_client_sent_and_what_it_got() {
    let swr = SwrMock::start().await;
    let resp = reqwest::Client::new()
        .get(format!("{}{BUSYBOX_TAGS}?limit=1", swr.uri()))
        .header("X-Auth-Token", "secret-token")
        .send()
        .await
        .unwrap();
    let request_id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    let sent = swr.requests();
    assert_eq!(sent.len(), 1);
    let entry = &sent[0];
    assert_eq!(
        (entry.seq, entry.method.as_str(), entry.target.as_str()),
        (
            1,
            "GET",
            "/v2/manage/namespaces/group/repos/busybox/tags?limit=1"
        )
    );
    assert_eq!(entry.header("x-auth-token"), Some("secret-token"));
    assert_eq!(
        (entry.provider.as_deref(), entry.operation.as_deref()),
        (Some("swr"), Some("list_repository_tags"))
    );
    assert_eq!(
        (entry.status, entry.request_id.as_str()),
        (200, request_id.as_str())
    );
    assert_eq!((entry.body_text(), entry.body_size), (Some(""), 0));
    swr.clear_requests();
    assert!(swr.requests().is_empty());
    // The same journal over HTTP; admin requests themselves are not journalled.
    let listed: Value = reqwest::get(format!("{}/__regmock/requests", swr.uri()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["requests"], json!([]));
    assert_eq!(
        listed["capacity"],
        regmock::admin::journal::IN_TEST_CAPACITY
    );
    assert_eq!(listed["recorded"], 1);
}

#[test]
fn the_journal_keeps_the_last_n_of_n_plus_k_requests() {
    let emu = with_journal(5);
    for i in 0..8 {
        emu.dispatch(&common::swr_get(&format!("{BUSYBOX_TAGS}?limit={}", i + 1)));
    }
    let all = json_of(&call(&emu, "GET", "/__regmock/requests", None));
    assert_eq!(
        (all["capacity"].as_u64(), all["recorded"].as_u64()),
        (Some(5), Some(8))
    );
    let targets: Vec<&str> = all["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (4..=8)
        .map(|i| format!("{BUSYBOX_TAGS}?limit={i}"))
        .collect();
    assert_eq!(targets, expected, "oldest first, the first three dropped");
    let seqs: Vec<u64> = all["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [4, 5, 6, 7, 8]);
    let newest = json_of(&call(&emu, "GET", "/__regmock/requests?limit=2", None));
    assert_eq!(newest["requests"].as_array().unwrap().len(), 2);
    assert_eq!(newest["requests"][1]["seq"], 8);
    assert_eq!(emu.journal().entries(None).len(), 5);
}

/// The operation is named whether the pipeline routed the request or an injected vendor fault answered it without
/// running the pipeline, and left out when the request routes nowhere.
#[test]
fn the_journal_names_the_operation_however_the_request_was_answered() {
    let emu = with_journal(3);
    emu.dispatch(&common::swr_get(&format!("{BUSYBOX_TAGS}?limit=1")));
    emu.faults()
        .add(regmock::faults::FaultRule::parse("error=503,provider=swr").unwrap())
        .unwrap();
    assert_eq!(
        emu.dispatch(&common::swr_get(&format!("{BUSYBOX_TAGS}?limit=2")))
            .status,
        503
    );
    emu.faults().clear();
    emu.dispatch(&common::swr_get("/v2/manage/nowhere"));
    let all = json_of(&call(&emu, "GET", "/__regmock/requests", None));
    let operations: Vec<&Value> = all["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["operation"])
        .collect();
    assert_eq!(
        operations,
        [
            &json!("list_repository_tags"),
            &json!("list_repository_tags"),
            &Value::Null
        ]
    );
}

#[test]
fn journal_bodies_are_text_or_base64_and_cut_at_64_kib() {
    let emu = with_journal(3);
    let mut post = Request::new("POST", "/").header("X-TC-Action", "DescribeImages");
    post.body = vec![0xff, 0x00, 0x01];
    emu.dispatch(&post);
    post.body = "é".repeat(40 * 1024).into_bytes(); // 80 KiB of two-byte characters
    emu.dispatch(&post);
    let entries = json_of(&call(&emu, "GET", "/__regmock/requests", None));
    assert_eq!(entries["requests"][0]["body"], json!({"base64": "/wAB"}));
    let long = &entries["requests"][1];
    assert_eq!(long["body_size"], 80 * 1024);
    assert_eq!(long["body_truncated"], true);
    assert_eq!(
        long["body"]["text"].as_str().unwrap(),
        "é".repeat(32 * 1024)
    );
    assert_eq!(
        (long["provider"].as_str(), long["method"].as_str()),
        (Some("tcr"), Some("POST"))
    );
}

#[tokio::test]
async fn a_body_refused_unread_is_journalled_with_its_declared_size() {
    // Arrange: serve with a journal; a body over the 1 MiB the transport reads
    let emu = with_journal(3);
    let server = regmock::transport::server::spawn(emu.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut post = Request::new("POST", "/").header("X-TC-Action", "DescribeImages");
    post.body = vec![b'a'; 2 * 1024 * 1024];
    // Act
    let resp = common::send(&server.uri(), &post).await;
    // Assert: answered in TCR's shape, journalled as sent, not as an empty body
    assert_eq!(resp.status, 200, "{:?}", resp.body_json());
    let entries = json_of(&call(&emu, "GET", "/__regmock/requests", None));
    let entry = &entries["requests"][0];
    assert_eq!(entry["body_size"], 2 * 1024 * 1024, "{entry}");
    assert_eq!(entry["body_truncated"], true);
    server.stop().await.unwrap();
}

#[test]
fn the_journal_is_off_by_default_and_says_how_to_turn_it_on() {
    let emu = Emulator::embedded();
    emu.dispatch(&common::swr_get(BUSYBOX_TAGS));
    let resp = call(&emu, "GET", "/__regmock/requests", None);
    assert_eq!(resp.status, 200);
    let body = json_of(&resp);
    assert_eq!(
        (body["capacity"].as_u64(), body["requests"].clone()),
        (Some(0), json!([]))
    );
    assert!(message_of(&resp).contains("--journal N"), "{body}");
}

#[test]
fn journal_queries_are_checked_and_delete_empties_it() {
    let emu = with_journal(3);
    emu.dispatch(&common::swr_get(BUSYBOX_TAGS));
    for (query, fragment) in [
        ("limit=x", "limit \"x\""),
        ("limit=-1", "limit \"-1\""),
        ("since=1", "unknown parameter"),
    ] {
        let resp = call(&emu, "GET", &format!("/__regmock/requests?{query}"), None);
        assert_eq!(resp.status, 400, "{query}");
        assert!(
            message_of(&resp).contains(fragment),
            "{query}: {}",
            message_of(&resp)
        );
    }
    let resp = call(&emu, "POST", "/__regmock/requests", None);
    assert_eq!(
        (resp.status, resp.header_value("Allow")),
        (405, Some("GET, DELETE"))
    );
    assert_eq!(
        call(&emu, "DELETE", "/__regmock/requests", None).status,
        200
    );
    let body = json_of(&call(&emu, "GET", "/__regmock/requests", None));
    assert_eq!(
        (body["requests"].clone(), body["recorded"].as_u64()),
        (json!([]), Some(1))
    );
}

// ---- tags ----

/// Adds tag `1.37` (size 42, no id) to SWR's busybox: its admin path and the answer.
fn put_busybox_1_37(emu: &Emulator) -> (&'static str, Response) {
    let path = "/__regmock/tags/swr/group/busybox/1.37";
    let created = call(
        emu,
        "PUT",
        path,
        Some(json!({"digest": DIGEST, "size": 42})),
    );
    (path, created)
}

#[test]
fn put_tag_creates_then_replaces_and_the_provider_serves_it() {
    let emu = Emulator::embedded();
    let (path, created) = put_busybox_1_37(&emu);
    assert_eq!(created.status, 201, "{}", message_of(&created));
    assert_eq!(json_of(&created)["tag"]["name"], "1.37");
    let derived = json_of(&created)["tag"]["config_digest"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        derived.starts_with("sha256:"),
        "the tag as served: {derived}"
    );
    let got = emu.dispatch(&common::swr_get(&format!("{BUSYBOX_TAGS}/1.37")));
    assert_eq!(got.status, 200);
    assert_eq!(json_of(&got)["size"], 42);
    let replaced = call(
        &emu,
        "PUT",
        path,
        Some(json!({"name": "1.37", "digest": DIGEST, "size": 43})),
    );
    assert_eq!(replaced.status, 200);
    assert_eq!(
        json_of(&emu.dispatch(&common::swr_get(&format!("{BUSYBOX_TAGS}/1.37"))))["size"],
        43
    );
}

#[test]
fn a_tag_put_without_an_id_gets_the_repositorys_next_or_keeps_the_replaced_one() {
    // Given busybox, whose documented tags have ids 0 and 1
    let emu = Emulator::embedded();
    let ids = |emu: &Emulator| -> Vec<(String, u64)> {
        let list = emu.dispatch(&common::swr_get(BUSYBOX_TAGS));
        let mut ids: Vec<(String, u64)> = json_of(&list)
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["Tag"].as_str().unwrap().to_string(),
                    t["id"].as_u64().unwrap(),
                )
            })
            .collect();
        ids.sort();
        ids
    };
    let before = ids(&emu);
    // When a tag without an id is added (as the test above adds it), then replaced without one
    let (path, created) = put_busybox_1_37(&emu);
    let id = json_of(&created)["tag"]["id"].as_u64().unwrap();
    call(
        &emu,
        "PUT",
        path,
        Some(json!({"digest": DIGEST, "size": 43})),
    );
    // Then it has an id no other tag of the repository has, and keeps it
    let max_before = before.iter().map(|(_, id)| *id).max().unwrap();
    assert_eq!(id, max_before + 1, "{before:?}");
    let after = ids(&emu);
    assert!(after.contains(&("1.37".to_string(), id)), "{after:?}");
    let mut distinct: Vec<u64> = after.iter().map(|(_, id)| *id).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), after.len(), "{after:?}");
}

#[test]
fn a_tag_body_without_times_gets_the_emulators_clock() {
    let emu = common::emulator_with(common::embedded(), Options::default());
    let created = call(
        &emu,
        "PUT",
        "/__regmock/tags/tcr/tcr-okmj78/team-01/nginx/9",
        Some(json!({"digest": DIGEST, "size": 1})),
    );
    assert_eq!(created.status, 201);
    let tag = &json_of(&created)["tag"];
    assert_eq!(
        (tag["created"].as_str(), tag["updated"].as_str()),
        (Some("2026-11-24T12:00:00Z"), Some("2026-11-24T12:00:00Z"))
    );
}

#[test]
fn ncr_image_names_with_a_slash_are_addressed_encoded_or_plain() {
    let emu = Emulator::embedded();
    for (path, status) in [
        ("/__regmock/tags/ncr/ncr-example/hello%2Fworld/v9", 201),
        ("/__regmock/tags/ncr/ncr-example/hello/world/v9", 200),
    ] {
        let resp = call(
            &emu,
            "PUT",
            path,
            Some(json!({"digest": DIGEST, "size": 5})),
        );
        assert_eq!(resp.status, status, "{path}: {}", message_of(&resp));
    }
    let snapshot = emu.live().snapshot();
    let image = snapshot
        .registry(regmock::model::ProviderId::Ncr, "ncr-example")
        .unwrap()
        .repository("", "hello/world")
        .unwrap();
    assert!(image.tags.iter().any(|t| t.name == "v9"));
    let deleted = call(
        &emu,
        "DELETE",
        "/__regmock/tags/ncr/ncr-example/hello%2Fworld/v9",
        None,
    );
    assert_eq!(deleted.status, 200);
}

#[test]
fn delete_tag_removes_it_once() {
    let emu = Emulator::embedded();
    let before = swr_tag_names(&emu);
    assert!(before.contains(&"latest".to_string()));
    let resp = call(
        &emu,
        "DELETE",
        "/__regmock/tags/swr/group/busybox/latest",
        None,
    );
    assert_eq!(resp.status, 200);
    assert_eq!(json_of(&resp)["tag"]["name"], "latest");
    assert!(!swr_tag_names(&emu).contains(&"latest".to_string()));
    let again = call(
        &emu,
        "DELETE",
        "/__regmock/tags/swr/group/busybox/latest",
        None,
    );
    assert_eq!(again.status, 404);
    assert!(
        message_of(&again).contains("no tag \"latest\""),
        "{}",
        message_of(&again)
    );
}

#[test]
fn invalid_changes_are_refused_and_change_nothing() {
    let emu = Emulator::embedded();
    let before = swr_tag_names(&emu);
    let data_before = emu.live().snapshot();
    let cases: Vec<(&str, &str, Option<Value>, u16, &str)> = vec![
        (
            "PUT",
            "/__regmock/tags/swr/group/busybox/x",
            Some(json!({"digest": "sha256:nothex", "size": 1})),
            400,
            "is not sha256",
        ),
        (
            "PUT",
            "/__regmock/tags/swr/group/busybox/x",
            Some(json!({"digest": DIGEST})),
            400,
            "missing field `size`",
        ),
        (
            "PUT",
            "/__regmock/tags/swr/group/busybox/x",
            Some(json!({"name": "y", "digest": DIGEST, "size": 1})),
            400,
            "the body names",
        ),
        (
            "PUT",
            "/__regmock/tags/swr/group/busybox/x",
            Some(json!([1])),
            400,
            "JSON object",
        ),
        (
            "PUT",
            "/__regmock/tags/swr/group/busybox/x",
            Some(json!({"digest": DIGEST, "size": 1, "colour": "red"})),
            400,
            "unknown field",
        ),
        (
            "PUT",
            "/__regmock/tags/swr/group/busybox/.bad",
            Some(json!({"digest": DIGEST, "size": 1})),
            400,
            "is not a tag name",
        ),
        (
            "PUT",
            "/__regmock/tags/swr/group/busybox/x",
            Some(json!({"digest": DIGEST, "size": 1, "schema": 3})),
            400,
            "schema",
        ),
        (
            "PUT",
            "/__regmock/tags/swr/group/nothing/x",
            Some(json!({"digest": DIGEST, "size": 1})),
            404,
            "no swr repository group/nothing",
        ),
        (
            "PUT",
            "/__regmock/tags/ncr/no-such-registry/a/x",
            Some(json!({"digest": DIGEST, "size": 1})),
            404,
            "no ncr registry",
        ),
        (
            "PUT",
            "/__regmock/tags/gcr/a/b/x",
            Some(json!({"digest": DIGEST, "size": 1})),
            400,
            "unknown provider",
        ),
        (
            "PUT",
            "/__regmock/tags/swr/x",
            Some(json!({"digest": DIGEST, "size": 1})),
            400,
            "a repository is swr/",
        ),
        (
            "PUT",
            "/__regmock/tags/swr/group/busy%FFbox/x",
            Some(json!({"digest": DIGEST, "size": 1})),
            400,
            "not UTF-8",
        ),
        (
            "PUT",
            "/__regmock/repositories/swr/group/Upper",
            Some(json!({})),
            400,
            "is not a repository name",
        ),
        (
            "PUT",
            "/__regmock/repositories/swr/Bad%20Space/app",
            Some(json!({})),
            400,
            "is not a namespace name",
        ),
        (
            "PUT",
            "/__regmock/repositories/swr/group/app",
            Some(json!({"tags": [{"name": "a", "digest": DIGEST, "size": 1,
            "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"}, {"name": "a", "digest": DIGEST,
            "size": 1, "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"}]})),
            400,
            "appears twice",
        ),
        (
            "DELETE",
            "/__regmock/repositories/tcr/tcr-okmj78/team-01/nothing",
            None,
            404,
            "no tcr instance",
        ),
        (
            "GET",
            "/__regmock/tags/swr/group/busybox/latest",
            None,
            405,
            "accepts PUT, DELETE",
        ),
        ("GET", "/__regmock/reset", None, 405, "accepts POST"),
        ("GET", "/__regmock/nothing", None, 404, "the endpoints are"),
    ];
    for (method, path, body, status, fragment) in cases {
        let resp = call(&emu, method, path, body);
        assert_eq!(
            resp.status,
            status,
            "{method} {path}: {}",
            String::from_utf8_lossy(&resp.body)
        );
        let message = message_of(&resp);
        assert!(message.contains(fragment), "{method} {path}: {message}");
        assert!(
            std::sync::Arc::ptr_eq(&data_before, &emu.live().snapshot()),
            "{method} {path} changed the data"
        );
    }
    assert_eq!(swr_tag_names(&emu), before);
}

// ---- repositories and reset ----

#[test]
fn repositories_are_added_in_new_namespaces_and_deleted_for_every_provider() {
    let emu = Emulator::embedded();
    let tag = json!({"name": "v1", "digest": DIGEST, "size": 3});
    for (at, repo_path) in [
        (
            "swr/newteam/app",
            "/v2/manage/namespaces/newteam/repos/app/tags",
        ),
        (
            "ncr/ncr-example/new/app",
            "/ncr/api/v2/repositories/ncr-example/new%2Fapp/tags",
        ),
        ("tcr/tcr-okmj78/newteam/app", ""),
    ] {
        let resp = call(
            &emu,
            "PUT",
            &format!("/__regmock/repositories/{at}"),
            Some(json!({"tags": [tag]})),
        );
        assert_eq!(resp.status, 201, "{at}: {}", message_of(&resp));
        assert_eq!(json_of(&resp)["repository"]["tags"], 1);
        let again = call(
            &emu,
            "PUT",
            &format!("/__regmock/repositories/{at}"),
            Some(json!({})),
        );
        assert_eq!(again.status, 200, "{at}: replaced");
        assert_eq!(json_of(&again)["repository"]["tags"], 0);
        if at.starts_with("swr") {
            let listed = emu.dispatch(&common::swr_get(repo_path));
            assert_eq!((listed.status, listed.body_json()), (200, json!([])));
        }
        let deleted = call(
            &emu,
            "DELETE",
            &format!("/__regmock/repositories/{at}"),
            None,
        );
        assert_eq!(deleted.status, 200, "{at}");
        assert_eq!(
            call(
                &emu,
                "DELETE",
                &format!("/__regmock/repositories/{at}"),
                None
            )
            .status,
            404
        );
    }
    let tcr = RepoAddress::tcr("tcr-okmj78", "newteam", "app");
    assert!(emu.live().delete_repository(&tcr).is_err());
}

#[test]
fn reset_returns_to_the_loaded_dataset_exactly() {
    let emu = Emulator::embedded();
    let loaded = emu.live().snapshot();
    let before = swr_tag_names(&emu);
    assert_eq!(
        call(
            &emu,
            "DELETE",
            "/__regmock/tags/swr/group/busybox/latest",
            None
        )
        .status,
        200
    );
    assert_eq!(
        call(
            &emu,
            "DELETE",
            "/__regmock/repositories/swr/group/library/nginx",
            None
        )
        .status,
        200
    );
    assert_ne!(swr_tag_names(&emu), before);
    let resp = call(&emu, "POST", "/__regmock/reset", None);
    assert_eq!(resp.status, 200);
    assert_eq!(swr_tag_names(&emu), before);
    assert!(
        std::sync::Arc::ptr_eq(&loaded, &emu.live().snapshot()),
        "the very dataset loaded"
    );
}

#[tokio::test]
async fn the_in_test_api_changes_data_through_the_same_code() {
    let swr = SwrMock::start().await;
    let tag: regmock::model::Tag =
        serde_json::from_value(json!({"name": "x", "digest": DIGEST, "size": 1,
        "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"}))
        .unwrap();
    let at = RepoAddress::swr("group", "busybox");
    assert_eq!(
        swr.live().put_tag(&at, tag.clone()).unwrap(),
        regmock::admin::Put::Created
    );
    let bad = regmock::model::Tag {
        digest: "md5:1".into(),
        ..tag
    };
    let refusal = swr.live().put_tag(&at, bad).unwrap_err();
    assert_eq!(refusal.status(), 400);
    let resp = reqwest::Client::new()
        .get(format!("{}{BUSYBOX_TAGS}/x", swr.uri()))
        .header("X-Auth-Token", "t")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

// ---- who may use it ----

#[test]
fn only_loopback_peers_may_use_the_admin_api_unless_it_is_open() {
    let emu = with_journal(3);
    let remote: std::net::SocketAddr = "203.0.113.9:5555".parse().unwrap();
    for (method, path) in [
        ("GET", "/__regmock/requests"),
        ("DELETE", "/__regmock/requests"),
        ("POST", "/__regmock/reset"),
        ("DELETE", "/__regmock/tags/swr/group/busybox/latest"),
        ("PUT", "/__regmock/repositories/swr/group/x"),
        ("GET", "/__regmock/nothing"),
    ] {
        let resp = emu.dispatch_from(&Request::new(method, path), remote);
        assert_eq!(resp.status, 403, "{method} {path}");
        let message = message_of(&resp);
        assert!(
            message.contains("--admin-open") && message.contains("203.0.113.9"),
            "{message}"
        );
    }
    assert_eq!(swr_tag_names(&emu).len(), 2, "nothing deleted");
    // The health check answers everyone (GET and HEAD; another method is a 405 naming them); loopback (v4, v6,
    // v4-mapped) may use the admin API.
    for (method, status) in [("GET", 200), ("HEAD", 200), ("POST", 405), ("DELETE", 405)] {
        let mut probe = Request::get("/__regmock/health");
        probe.method = method.into();
        let resp = emu.dispatch_from(&probe, remote);
        assert_eq!(resp.status, status, "{method}");
        if status == 405 {
            assert_eq!(resp.header_value("allow"), Some("GET, HEAD"), "{method}");
        }
    }
    for local in ["127.0.0.1:1", "[::1]:1", "[::ffff:127.0.0.1]:1"] {
        let resp = emu.dispatch_from(&Request::get("/__regmock/requests"), local.parse().unwrap());
        assert_eq!(resp.status, 200, "{local}");
    }
    let open = Emulator::with_admin(
        common::embedded(),
        Credentials::default(),
        Options::default(),
        AdminOptions {
            journal: 0,
            open: true,
        },
    );
    assert_eq!(
        open.dispatch_from(&Request::new("POST", "/__regmock/reset"), remote)
            .status,
        200
    );
}

#[tokio::test]
async fn the_server_answers_admin_requests_from_loopback_and_refuses_unread_bodies() {
    let server =
        regmock::transport::server::spawn(with_journal(10), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
    let base = server.uri();
    let client = reqwest::Client::new();
    let resp = client
        .put(format!("{base}/__regmock/tags/swr/group/busybox/1.0"))
        .json(&json!({"digest": DIGEST, "size": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    // A body over the 1 MiB the server reads is refused, not taken as empty.
    let resp = client
        .put(format!("{base}/__regmock/repositories/swr/group/huge"))
        .body(vec![b' '; 2 << 20])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let listed = common::send(
        &base,
        &common::swr_get("/v2/manage/repos?namespace=group&name=huge"),
    )
    .await;
    assert_eq!(listed.body_json(), json!([]));
    let journal: Value = client
        .get(format!("{base}/__regmock/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        journal["requests"].as_array().unwrap().len(),
        1,
        "only the SWR request: {journal}"
    );
    server.stop().await.unwrap();
}

// ---- the real binary ----

/// The `regmock serve` child, killed when the test ends.
struct Serve(std::process::Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `regmock serve` on a random loopback port with `extra` flags; returns it and its base URI.
fn serve_binary(extra: &[&str]) -> (Serve, String) {
    let mut child = Serve(
        Command::new(env!("CARGO_BIN_EXE_regmock"))
            .args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut first = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first
        .trim()
        .strip_prefix("regmock serving on ")
        .unwrap()
        .to_string();
    (child, base)
}

#[tokio::test]
async fn serve_journal_n_keeps_the_last_n_requests() {
    let (_child, base) = serve_binary(&["--journal", "3"]);
    for i in 1..=5 {
        let resp = common::send(
            &base,
            &common::swr_get(&format!("{BUSYBOX_TAGS}?limit={i}")),
        )
        .await;
        assert_eq!(resp.status, 200);
    }
    let journal: Value = reqwest::get(format!("{base}/__regmock/requests"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (journal["capacity"].as_u64(), journal["recorded"].as_u64()),
        (Some(3), Some(5))
    );
    let targets: Vec<&str> = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [3, 4, 5].map(|i| format!("{BUSYBOX_TAGS}?limit={i}"))
    );
    assert_eq!(journal["requests"][2]["operation"], "list_repository_tags");
    assert_eq!(
        journal["requests"][2]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == "x-auth-token")
            .unwrap()["value"],
        "test-token"
    );
}

#[tokio::test]
async fn serve_without_journal_keeps_nothing_and_admin_changes_work() {
    let (_child, base) = serve_binary(&[]);
    common::send(&base, &common::swr_get(BUSYBOX_TAGS)).await;
    let journal: Value = reqwest::get(format!("{base}/__regmock/requests"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (journal["capacity"].as_u64(), journal["requests"].clone()),
        (Some(0), json!([]))
    );
    let client = reqwest::Client::new();
    let deleted = client
        .delete(format!("{base}/__regmock/tags/swr/group/busybox/latest"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    let gone = common::send(&base, &common::swr_get(&format!("{BUSYBOX_TAGS}/latest"))).await;
    assert_eq!(gone.status, 404);
    assert_eq!(
        client
            .post(format!("{base}/__regmock/reset"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let back = common::send(&base, &common::swr_get(&format!("{BUSYBOX_TAGS}/latest"))).await;
    assert_eq!(back.status, 200);
}

// ---- fault rules ----

#[test]
fn fault_rules_are_listed_added_and_removed_over_http() {
    let emu = Emulator::embedded();
    let added = call(
        &emu,
        "POST",
        "/__regmock/faults",
        Some(json!("error=503,provider=swr")),
    );
    assert_eq!(
        added.status,
        201,
        "{}",
        String::from_utf8_lossy(&added.body)
    );
    let id = json_of(&added)["id"].as_u64().unwrap();
    assert_eq!(emu.dispatch(&common::swr_get(BUSYBOX_TAGS)).status, 503);
    // Admin requests are never faulted.
    let listed = call(&emu, "GET", "/__regmock/faults", None);
    assert_eq!(listed.status, 200);
    let rules = json_of(&listed)["faults"].clone();
    assert_eq!(
        (rules[0]["id"].as_u64(), rules[0]["fired"].as_u64()),
        (Some(id), Some(1))
    );
    let removed = call(&emu, "DELETE", &format!("/__regmock/faults/{id}"), None);
    assert_eq!(removed.status, 200);
    assert_eq!(
        call(&emu, "DELETE", &format!("/__regmock/faults/{id}"), None).status,
        404
    );
    assert_eq!(emu.dispatch(&common::swr_get(BUSYBOX_TAGS)).status, 200);
    // The file's JSON shape is accepted too; DELETE clears every rule.
    let json_rule = call(
        &emu,
        "POST",
        "/__regmock/faults",
        Some(json!({"fault": "throttle", "retry_after": 1})),
    );
    assert_eq!(
        json_rule.status,
        201,
        "{}",
        String::from_utf8_lossy(&json_rule.body)
    );
    assert_eq!(call(&emu, "DELETE", "/__regmock/faults", None).status, 200);
    assert!(emu.faults().rules().is_empty());
    for bad in [json!("no-such-fault"), json!({"fault": 7}), json!([1])] {
        let resp = call(&emu, "POST", "/__regmock/faults", Some(bad.clone()));
        assert_eq!(resp.status, 400, "{bad}");
        assert!(
            message_of(&resp).starts_with("regmock: not a fault rule"),
            "{bad}"
        );
    }
    assert!(emu.faults().rules().is_empty());
}

// ---- with cassettes ----

#[test]
fn a_cassette_still_answers_its_request_after_the_data_changed() {
    use regmock::cassette::{Cassette, DEFAULT_HOST};
    let path = common::root().join("cassettes/swr/swr-list_repos_details-documented-example.json");
    let mut cassette = Cassette::load(&path).unwrap();
    cassette.response.body[0]["description"] = json!("pinned by a cassette");
    let emu = common::emulator_with(common::embedded(), Options::default());
    let replay =
        regmock::replay::Replay::new(emu.clone(), vec![("pinned.json".into(), cassette.clone())]);
    let recorded = cassette.request(common::fixed_now(), DEFAULT_HOST);
    // The cassette's repository goes away: the emulator alone would now answer an empty list.
    emu.live()
        .delete_repository(&RepoAddress::swr("group", "busybox"))
        .unwrap();
    assert_eq!(emu.dispatch(&recorded).body_json(), json!([]));
    let replayed = replay.answer(&recorded);
    assert_eq!(replayed.status, 200);
    assert_eq!(
        replayed.body_json()[0]["description"],
        "pinned by a cassette"
    );
    // A request no cassette matches sees the change.
    let other = replay.answer(&common::swr_get(BUSYBOX_TAGS));
    assert_eq!(other.status, 404);
}

// ---- consistency ----

#[test]
fn every_answer_reads_one_version_of_the_data_while_it_changes() {
    let emu = Emulator::embedded();
    let at = RepoAddress::swr("group", "busybox");
    let base = swr_tag_names(&emu);
    let mut with_x = base.clone();
    with_x.insert(0, "x".to_string()); // the newest
    let tag: regmock::model::Tag =
        serde_json::from_value(json!({"name": "x", "digest": DIGEST, "size": 1,
        "created": "2030-01-01T00:00:00Z", "updated": "2030-01-01T00:00:00Z"}))
        .unwrap();
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            for _ in 0..100 {
                emu.live().put_tag(&at, tag.clone()).unwrap();
                emu.live().delete_tag(&at, "x").unwrap();
            }
        });
        let readers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    for _ in 0..200 {
                        let resp =
                            emu.dispatch(&common::swr_get(&format!("{BUSYBOX_TAGS}?limit=100")));
                        let names: Vec<String> = resp
                            .body_json()
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|t| t["Tag"].as_str().unwrap().to_string())
                            .collect();
                        // The page, its count and its total come from one version.
                        let range = resp.header_value("content-range").unwrap().to_string();
                        assert_eq!(range, format!("0-{n}/{n}", n = names.len()));
                        // Before or after a change, never half of one (which of the two depends on timing).
                        if names != base {
                            assert_eq!(names, with_x);
                        }
                    }
                })
            })
            .collect();
        writer.join().unwrap();
        for reader in readers {
            reader.join().unwrap();
        }
    });
    assert_eq!(swr_tag_names(&emu), base);
}
