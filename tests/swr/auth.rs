//! Authentication: X-Auth-Token and the SDK's SDK-HMAC-SHA256 signature, checked against the SDK note's vectors.

use super::*;
use crate::common::swr_signer;
use regmock::http::Request;
use regmock::pipeline::Credentials;

const DATE: &str = "20261124T120000Z"; // the fixed clock of common::emulator()
const HEADERS: &[&str] = &["content-type", "host", "user-agent", "x-sdk-date"];

/// A request exactly as the Python SDK sent it in the note's vectors, with the given signature.
fn sdk_request(target: &str, signed: &str, signature: &str, project: Option<&str>) -> Request {
    let mut req = Request::get(target)
        .header("User-Agent", "huaweicloud-usdk-python/3.0; regmock")
        .header("Accept-Encoding", "gzip, deflate")
        .header("Accept", "*/*")
        .header("Connection", "keep-alive")
        .header("Content-Type", "application/json");
    if let Some(p) = project {
        req = req.header("X-Project-Id", p);
    }
    req.header("X-Sdk-Date", DATE)
        .header("Host", "127.0.0.1:8080")
        .header(
            "Authorization",
            &format!("SDK-HMAC-SHA256 Access=regmock-access-key, SignedHeaders={signed}, Signature={signature}"),
        )
}

/// The note's vectors A–F: (target, project id, signature).
const VECTORS: &[(&str, Option<&str>, &str)] = &[
    (
        "/v2/manage/namespaces/group/repos/busybox/tags?filter=offset%3A%3A0%7Climit%3A%3A10%7Corder_column%3A%3Aupdated_at%7Corder_type%3A%3Adesc",
        None,
        "6a9b1b383874eba2de53fb7e4412974c5773268137778b1606318dcf742b1eb9",
    ),
    (
        "/v2/manage/repos?limit=10&namespace=group&offset=0",
        None,
        "177b913fd1b12d1499abbe3d735faf8fcaa634777a2af6fb358b2e45ca9166c1",
    ),
    (
        "/v2/manage/namespaces/group/repos/busybox/tags/latest",
        None,
        "edfa9abb46d9a9a6b1f175d8c69a8988a53b1429fbfbebc875bdc94345fb2876",
    ),
    (
        "/v2/manage/namespaces/group/repos/library%2Fnginx/tags/v1.2-rc_1",
        None,
        "6b3475d740b130425e0f3b6ef67acdb8ee2accc3c183e65e2c4c7b7a40f38626",
    ),
    (
        "/v2/manage/namespaces/group/repos/library%24nginx/tags/latest",
        None,
        "ad9ba99cbcc0efc7367af6c7cf9109be9b5fcf208f00a56ecb5d5493834903bb",
    ),
    (
        "/v2/manage/namespaces/group/repos/busybox/tags/latest",
        Some("proj123"),
        "33c18c878c913ee512c6b37c864b62128bc70e10b51f0cac57b787e221acf796",
    ),
];

fn signed_headers(project: Option<&str>) -> String {
    match project {
        Some(_) => "content-type;host;user-agent;x-project-id;x-sdk-date".into(),
        None => HEADERS.join(";"),
    }
}

#[test]
fn test_signer_reproduces_the_sdk_vectors() {
    for (target, project, expected) in VECTORS {
        let signed = signed_headers(*project);
        let req = sdk_request(target, &signed, "", *project);
        let names: Vec<&str> = signed.split(';').collect();
        assert_eq!(
            swr_signer::signature(&req, &names, DATE, "regmock-secret-key"),
            *expected,
            "{target}"
        );
    }
}

#[test]
fn emulator_accepts_every_sdk_vector() {
    for (target, project, signature) in VECTORS {
        let req = sdk_request(target, &signed_headers(*project), signature, *project);
        let resp = common::emulator().dispatch(&req);
        assert_eq!(
            resp.status,
            200,
            "{target}: {}",
            String::from_utf8_lossy(&resp.body)
        );
    }
}

#[test]
fn vector_a_pages_with_content_range() {
    let (target, _, signature) = VECTORS[0];
    let resp =
        common::emulator().dispatch(&sdk_request(target, &HEADERS.join(";"), signature, None));
    assert_eq!(resp.header_value("content-range"), Some("0-2/2"));
}

#[test]
fn any_change_to_a_signed_request_is_rejected() {
    let (target, _, signature) = VECTORS[2];
    let good = sdk_request(target, &HEADERS.join(";"), signature, None);
    let mut wrong_sig = good.clone();
    wrong_sig.headers.retain(|(n, _)| n != "Authorization");
    wrong_sig.headers.push((
        "Authorization".into(),
        format!(
            "SDK-HMAC-SHA256 Access=regmock-access-key, SignedHeaders={}, Signature={}",
            HEADERS.join(";"),
            "0".repeat(64)
        ),
    ));
    let mut other_path = good.clone();
    other_path.path = "/v2/manage/namespaces/group/repos/busybox/tags/log".into();
    let mut other_ua = good.clone();
    for (n, v) in other_ua.headers.iter_mut() {
        if n == "User-Agent" {
            *v = "curl/8".into();
        }
    }
    for req in [wrong_sig, other_path, other_ua] {
        assert_gateway_error(&common::emulator().dispatch(&req), 401, "APIGW.0301");
    }
}

#[test]
fn unknown_access_key_is_rejected() {
    let mut req = Request::get("/v2/manage/repos");
    swr_signer::sign(
        &mut req,
        "127.0.0.1:8080",
        DATE,
        "someone-else",
        "regmock-secret-key",
    );
    let resp = common::emulator().dispatch(&req);
    assert_gateway_error(&resp, 401, "APIGW.0301");
    assert!(
        resp.body_json()["error_msg"]
            .as_str()
            .unwrap()
            .contains("access key")
    );
}

/// `GET /v2/manage/repos` signed with the default key and `X-Sdk-Date: date`.
fn list_signed_at(date: &str) -> Request {
    let mut req = Request::get("/v2/manage/repos");
    swr_signer::sign(
        &mut req,
        "127.0.0.1:8080",
        date,
        "regmock-access-key",
        "regmock-secret-key",
    );
    req
}

#[test]
fn stale_or_future_dates_are_rejected_and_near_ones_accepted() {
    for (date, status) in [
        ("20261124T114600Z", 200), // 14 minutes early
        ("20261124T121400Z", 200), // 14 minutes late
        ("20261124T114400Z", 401), // 16 minutes early
        ("20261124T121600Z", 401), // 16 minutes late
        ("2026-11-24T12:00:00Z", 401),
    ] {
        let req = list_signed_at(date);
        assert_eq!(common::emulator().dispatch(&req).status, status, "{date}");
    }
}

#[test]
fn exactly_fifteen_minutes_is_accepted_either_way_whatever_the_clock_fraction() {
    // X-Sdk-Date has whole seconds; the clock, 0.7 s past the minute, must not make one side stricter.
    let now = common::fixed_now() + chrono::TimeDelta::milliseconds(700);
    let emu = regmock::Emulator::with(
        common::embedded(),
        Default::default(),
        regmock::pipeline::Options {
            clock: regmock::pipeline::Clock::Fixed(now),
            ..Default::default()
        },
    );
    for (date, status) in [
        ("20261124T114500Z", 200), // exactly 15 minutes early
        ("20261124T121500Z", 200), // exactly 15 minutes late
        ("20261124T114459Z", 401),
        ("20261124T121501Z", 401),
    ] {
        assert_eq!(emu.dispatch(&list_signed_at(date)).status, status, "{date}");
    }
}

#[test]
fn missing_credentials_are_rejected() {
    let resp = common::emulator().dispatch(&Request::get("/v2/manage/repos"));
    assert_gateway_error(&resp, 401, "APIGW.0301");
    let resp =
        common::emulator().dispatch(&Request::get("/v2/manage/repos").header("X-Auth-Token", ""));
    assert_gateway_error(&resp, 401, "APIGW.0301");
    let resp = common::emulator()
        .dispatch(&Request::get("/v2/manage/repos").header("Authorization", "Bearer x"));
    assert_gateway_error(&resp, 401, "APIGW.0301");
}

#[test]
fn strict_tokens_accept_only_configured_tokens() {
    let credentials = Credentials {
        tokens: vec!["secret-token".into()],
        ..Credentials::default()
    };
    let emu = regmock::Emulator::with(common::embedded(), credentials, Default::default());
    let ok = emu.dispatch(&Request::get("/v2/manage/repos").header("X-Auth-Token", "secret-token"));
    assert_eq!(ok.status, 200);
    let bad = emu.dispatch(&Request::get("/v2/manage/repos").header("X-Auth-Token", "guess"));
    assert_gateway_error(&bad, 401, "APIGW.0301");
}

#[tokio::test]
async fn signed_request_verifies_over_a_real_socket() {
    // Through a socket the Host header is the real one, so sign for it.
    let server =
        regmock::transport::server::spawn(common::emulator(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
    let mut req = Request::get("/v2/manage/namespaces/group/repos/library%2Fnginx/tags/latest");
    swr_signer::sign(
        &mut req,
        &server.addr.to_string(),
        DATE,
        "regmock-access-key",
        "regmock-secret-key",
    );
    let resp = common::send(&server.uri(), &req).await;
    server.stop().await.unwrap();
    assert_eq!(ok_body(&resp, SHOW_TAG)["tag"], "latest");
}

#[test]
fn a_signature_that_does_not_cover_x_sdk_date_is_refused() {
    // Signed correctly, but without the date the API Gateway's signing guide requires to be signed
    let (target, _, _) = VECTORS[2];
    for signed in [&["content-type", "host", "user-agent"][..], &["host"][..]] {
        let unsigned = sdk_request(target, "", "", None);
        let signature = swr_signer::signature(&unsigned, signed, DATE, "regmock-secret-key");
        let req = sdk_request(target, &signed.join(";"), &signature, None);
        let resp = common::emulator().dispatch(&req);
        assert_gateway_error(&resp, 401, "APIGW.0301");
        assert!(
            resp.header_value("x-regmock-explain")
                .is_some_and(|e| e.contains("lacks x-sdk-date, which must be signed")),
            "{signed:?}: {:?}",
            resp.headers
        );
    }
}

#[test]
fn a_signature_without_host_verifies_as_the_go_sdk_and_terraform_sign() {
    // The official Go SDK v3 signs only the headers it sets itself (`user-agent;x-sdk-date`); the Terraform
    // provider's golangsdk signs `accept;content-type;user-agent;x-sdk-date`. Neither signs Host.
    let (target, _, _) = VECTORS[2];
    for signed in [
        HEADERS,
        &["user-agent", "x-sdk-date"][..],
        &["content-type", "user-agent", "x-sdk-date"][..],
        &["x-sdk-date"][..],
    ] {
        let unsigned = sdk_request(target, "", "", None);
        let signature = swr_signer::signature(&unsigned, signed, DATE, "regmock-secret-key");
        let resp =
            common::emulator().dispatch(&sdk_request(target, &signed.join(";"), &signature, None));
        assert_eq!(
            resp.status,
            200,
            "{signed:?}: {}",
            String::from_utf8_lossy(&resp.body)
        );
        // The signature still covers what it names: a wrong one is refused
        let forged = sdk_request(target, &signed.join(";"), &"0".repeat(64), None);
        assert_gateway_error(&common::emulator().dispatch(&forged), 401, "APIGW.0301");
    }
}
