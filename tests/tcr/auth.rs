//! TC3-HMAC-SHA256: the SDK notes' vectors (Python POST, Node POST, GET, UNSIGNED-PAYLOAD), near misses, the clock
//! window, the timestamp header, malformed Authorization headers, tokens and `no_auth`.

use super::*;
use regmock::pipeline::{Clock, Credentials};

/// The vectors' X-TC-Timestamp: 2026-11-29T12:00:00Z.
const TS: i64 = 1_795_953_600;
/// The Python SDK's body (109 bytes: `", "` and `": "` separators).
const PY_BODY: &[u8] = br#"{"RegistryId": "tcr-okmj78", "NamespaceName": "team-01", "RepositoryName": "nginx", "Limit": 20, "Offset": 1}"#;
const PY_AUTH: &str = "TC3-HMAC-SHA256 Credential=regmock-access-key/2026-11-29/tcr/tc3_request, SignedHeaders=content-type;host, Signature=449dfa06227976039dfc7a042471eb51f451f6f8710a92a3d7a99778646a6646";
/// The Node SDK's body (100 bytes, compact).
const NODE_BODY: &[u8] =
    br#"{"RegistryId":"tcr-okmj78","NamespaceName":"team-01","RepositoryName":"nginx","Limit":20,"Offset":1}"#;
const NODE_AUTH: &str = "TC3-HMAC-SHA256 Credential=regmock-access-key/2026-11-29/127/tc3_request, SignedHeaders=content-type;host, Signature=074618d976d7fe62bf93b0255499994a1801945fcaf6e4f31a89ada4de64111f";
const GET_QUERY: &str = "RegistryId=tcr-okmj78&NamespaceName=team-01&RepositoryName=nginx&Limit=20&Offset=1&ExactMatch=True";
const GET_AUTH: &str = "TC3-HMAC-SHA256 Credential=regmock-access-key/2026-11-29/tcr/tc3_request, SignedHeaders=content-type;host, Signature=6256b3bb67409ffeb54a6b23a699299eca2f44d5a6b964d3857edf0677064b79";
const UNSIGNED_AUTH: &str = "TC3-HMAC-SHA256 Credential=regmock-access-key/2026-11-29/tcr/tc3_request, SignedHeaders=content-type;host, Signature=2c125462a1d5004df70a2ee57a1abe989ccfc54c09e6d02aef6f77b78cb4043b";

/// An emulator whose fixed clock is the vectors' timestamp.
fn at_vector_time() -> Emulator {
    Emulator::with(
        common::embedded(),
        Credentials::default(),
        Options {
            clock: Clock::Fixed(chrono::DateTime::from_timestamp(TS, 0).unwrap()),
            rate_limit: RateLimit::Off,
            ..Default::default()
        },
    )
}

/// The Python SDK's POST, headers in its order, with `body` and `authorization`.
fn python_post(body: &[u8], authorization: &str) -> Request {
    let mut req = Request::new("POST", "/")
        .header("X-TC-TraceId", "5b3c1f7e-3d5e-4b8a-9a51-0b8f0c6f3e11")
        .header("Content-Type", "application/json")
        .header("Host", "127.0.0.1:8080")
        .header("X-TC-Action", "DescribeImages")
        .header("X-TC-RequestClient", "SDK_PYTHON_3.1.195")
        .header("X-TC-Timestamp", &TS.to_string())
        .header("X-TC-Version", "2019-09-24")
        .header("X-TC-Region", "ap-guangzhou")
        .header("X-TC-Language", "zh-CN")
        .header("Authorization", authorization);
    req.body = body.to_vec();
    req
}

/// The Node SDK's POST: Host with the port, signed without it.
fn node_post(body: &[u8], authorization: &str) -> Request {
    let mut req = Request::new("POST", "/")
        .header("X-TC-TraceId", "0e0f3b7a-1c4d-4e55-8f6a-2b9c3d4e5f60")
        .header("Host", "127.0.0.1:8080")
        .header("X-TC-Action", "DescribeImages")
        .header("X-TC-Region", "ap-guangzhou")
        .header("X-TC-Timestamp", &TS.to_string())
        .header("X-TC-Version", "2019-09-24")
        .header("X-TC-RequestClient", "SDK_NODEJS_4.1.313")
        .header("Content-Type", "application/json")
        .header("Authorization", authorization);
    req.body = body.to_vec();
    req
}

fn python_get(query: &str, authorization: &str) -> Request {
    Request::new("GET", &format!("/?{query}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Host", "127.0.0.1:8080")
        .header("X-TC-Action", "DescribeImages")
        .header("X-TC-Timestamp", &TS.to_string())
        .header("X-TC-Version", "2019-09-24")
        .header("X-TC-Region", "ap-guangzhou")
        .header("Authorization", authorization)
}

/// Replaces (or with `None` removes) every value of a header.
fn set(mut req: Request, name: &str, value: Option<&str>) -> Request {
    req.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    if let Some(v) = value {
        req.headers.push((name.to_string(), v.to_string()));
    }
    req
}

/// A request signed at `ts` with `secret_id`/`secret_key`.
fn signed_at(ts: i64, secret_id: &str, secret_key: &str) -> Request {
    let mut req = unsigned_post(params(NGINX, json!({})).to_string().as_bytes());
    regmock::providers::tcr::auth::sign(&mut req, secret_id, secret_key, ts, HOST);
    req
}

fn nginx_ok(resp: &Response) {
    let body = ok_body(resp);
    assert_eq!(versions(&body), ["8"]);
}

fn snapshot(name: &str, resp: &Response) {
    insta::assert_json_snapshot!(name, resp.body_json(), {REQUEST_ID => "[request-id]"});
}

#[test]
fn test_signer_reproduces_the_python_vector() {
    assert_eq!(PY_BODY.len(), 109);
    let mut req = Request::new("POST", "/").header("Content-Type", "application/json");
    req.body = PY_BODY.to_vec();
    regmock::providers::tcr::auth::sign(&mut req, SECRET_ID, SECRET_KEY, TS, HOST);
    assert_eq!(req.header_value("Authorization"), Some(PY_AUTH));
    assert_eq!(req.header_value("Host"), Some(HOST));
    assert_eq!(req.header_value("X-TC-Timestamp"), Some("1795953600"));
}

#[tokio::test]
async fn python_post_vector_verifies() {
    // Given the Python SDK's request byte for byte, at the vector's time; then it verifies on every transport
    let resp = common::answer_everywhere(&at_vector_time(), &python_post(PY_BODY, PY_AUTH)).await;
    nginx_ok(&resp);
}

#[tokio::test]
async fn node_post_vector_verifies_with_service_127_and_the_host_without_port() {
    assert_eq!(NODE_BODY.len(), 100);
    let resp = common::answer_everywhere(&at_vector_time(), &node_post(NODE_BODY, NODE_AUTH)).await;
    nginx_ok(&resp);
}

#[tokio::test]
async fn get_vector_verifies() {
    let resp = common::answer_everywhere(&at_vector_time(), &python_get(GET_QUERY, GET_AUTH)).await;
    nginx_ok(&resp);
}

#[tokio::test]
async fn unsigned_payload_vector_verifies() {
    let req = python_post(PY_BODY, UNSIGNED_AUTH).header("X-TC-Content-SHA256", "UNSIGNED-PAYLOAD");
    let resp = common::answer_everywhere(&at_vector_time(), &req).await;
    nginx_ok(&resp);
}

#[test]
fn a_post_signs_no_query_and_a_get_signs_no_body() {
    // API 3.0's signature docs: for POST the canonical query string is always empty, for GET the payload is. So the
    // SDK vectors still verify with a query added to the POST, or a body added to the GET.
    let mut post = python_post(PY_BODY, PY_AUTH);
    post.query = Some("Limit=5".into());
    nginx_ok(&at_vector_time().dispatch(&post));
    let mut get = python_get(GET_QUERY, GET_AUTH);
    get.body = b"ignored".to_vec();
    nginx_ok(&at_vector_time().dispatch(&get));
    // and the query still counts for the GET
    let get = python_get(&GET_QUERY.replace("Limit=20", "Limit=21"), GET_AUTH);
    assert_tcr_error(
        &at_vector_time().dispatch(&get),
        "AuthFailure.SignatureFailure",
    );
}

#[test]
fn unsigned_payload_does_not_cover_the_body() {
    // The body is not signed: another body with the same signature still verifies
    let other = params(BULK, json!({"Limit": 3})).to_string();
    let req = python_post(other.as_bytes(), UNSIGNED_AUTH)
        .header("X-TC-Content-SHA256", "UNSIGNED-PAYLOAD");
    let body = ok_body(&at_vector_time().dispatch(&req));
    assert_eq!(versions(&body).len(), 3);
    // without the header, the same signature over the body fails
    let req = python_post(PY_BODY, UNSIGNED_AUTH);
    assert_tcr_error(
        &at_vector_time().dispatch(&req),
        "AuthFailure.SignatureFailure",
    );
}

#[test]
fn near_misses_of_the_vectors_are_signature_failures() {
    let emu = at_vector_time();
    let mut changed_byte = PY_BODY.to_vec();
    // "Limit": 20 -> "Limit": 21
    let at = changed_byte.windows(2).position(|w| w == b"20").unwrap();
    changed_byte[at + 1] = b'1';
    let mut wrong_secret = Request::new("POST", "/").header("Content-Type", "application/json");
    wrong_secret.body = PY_BODY.to_vec();
    regmock::providers::tcr::auth::sign(
        &mut wrong_secret,
        SECRET_ID,
        "regmock-secret-kez",
        TS,
        HOST,
    );
    let wrong_secret = python_post(PY_BODY, wrong_secret.header_value("Authorization").unwrap());
    let cases: Vec<(&str, Request)> = vec![
        ("one body byte changed", python_post(&changed_byte, PY_AUTH)),
        (
            "the Node body under the Python signature",
            python_post(NODE_BODY, PY_AUTH),
        ),
        ("wrong secret", wrong_secret),
        (
            "scope date not the timestamp's date",
            python_post(PY_BODY, &PY_AUTH.replace("2026-11-29", "2026-11-28")),
        ),
        (
            "another service in the scope",
            python_post(PY_BODY, &PY_AUTH.replace("/tcr/", "/cvm/")),
        ),
        (
            "another Host",
            set(
                python_post(PY_BODY, PY_AUTH),
                "Host",
                Some("127.0.0.1:8081"),
            ),
        ),
        (
            "another host name",
            set(
                python_post(PY_BODY, PY_AUTH),
                "Host",
                Some("localhost:8080"),
            ),
        ),
        ("no Host", set(python_post(PY_BODY, PY_AUTH), "Host", None)),
        (
            "a charset in Content-Type",
            set(
                python_post(PY_BODY, PY_AUTH),
                "Content-Type",
                Some("application/json; charset=utf-8"),
            ),
        ),
        (
            "POST under the GET signature",
            python_post(PY_BODY, GET_AUTH),
        ),
        (
            "GET query reordered",
            python_get(
                "NamespaceName=team-01&RegistryId=tcr-okmj78&RepositoryName=nginx&Limit=20&Offset=1&ExactMatch=True",
                GET_AUTH,
            ),
        ),
        (
            "GET with ExactMatch=true",
            python_get(&GET_QUERY.replace("True", "true"), GET_AUTH),
        ),
        (
            "one signature digit changed",
            python_post(PY_BODY, &PY_AUTH.replace("6646", "6647")),
        ),
        (
            "timestamp one second later",
            set(
                python_post(PY_BODY, PY_AUTH),
                "X-TC-Timestamp",
                Some("1795953601"),
            ),
        ),
        (
            "Node signature under service tcr",
            node_post(NODE_BODY, &NODE_AUTH.replace("/127/", "/tcr/")),
        ),
    ];
    for (what, req) in cases {
        let resp = emu.dispatch(&req);
        assert_tcr_error(&resp, "AuthFailure.SignatureFailure");
        assert!(
            message(&resp.body_json())
                .starts_with("The provided credentials could not be validated"),
            "{what}"
        );
    }
    snapshot(
        "error_signature_failure",
        &emu.dispatch(&python_post(&changed_byte, PY_AUTH)),
    );
}

#[test]
fn unknown_secret_id_is_secret_id_not_found() {
    let resp = call(&signed_at(now(), "someone-else", SECRET_KEY));
    assert_tcr_error(&resp, "AuthFailure.SecretIdNotFound");
    // the SecretId is case-sensitive
    assert_tcr_error(
        &call(&signed_at(now(), "REGMOCK-ACCESS-KEY", SECRET_KEY)),
        "AuthFailure.SecretIdNotFound",
    );
    snapshot("error_secret_id_not_found", &resp);
}

#[test]
fn clock_window_is_300_seconds_either_way() {
    for (skew, ok) in [
        (0, true),
        (-300, true),
        (300, true),
        (-301, false),
        (301, false),
        (-86400, false),
    ] {
        let resp = call(&signed_at(now() + skew, SECRET_ID, SECRET_KEY));
        if ok {
            nginx_ok(&resp);
        } else {
            assert_tcr_error(&resp, "AuthFailure.SignatureExpire");
        }
    }
    // the vectors, five days after the tests' clock, are expired there
    snapshot(
        "error_signature_expire",
        &call(&python_post(PY_BODY, PY_AUTH)),
    );
}

#[test]
fn timestamp_that_is_not_an_integer_is_invalid_parameter() {
    for ts in ["abc", "1795521600.0", "0x6b0", "1e9", "+-1"] {
        let req = set(
            signed_at(now(), SECRET_ID, SECRET_KEY),
            "X-TC-Timestamp",
            Some(ts),
        );
        let body = assert_tcr_error(&call(&req), "InvalidParameter");
        assert!(
            message(&body).contains("X-TC-Timestamp"),
            "{ts}: {}",
            message(&body)
        );
    }
    snapshot(
        "error_timestamp_not_integer",
        &call(&set(
            signed_at(now(), SECRET_ID, SECRET_KEY),
            "X-TC-Timestamp",
            Some("abc"),
        )),
    );
}

#[test]
fn missing_timestamp_is_missing_parameter() {
    for value in [None, Some(""), Some("   ")] {
        let req = set(
            signed_at(now(), SECRET_ID, SECRET_KEY),
            "X-TC-Timestamp",
            value,
        );
        let body = assert_tcr_error(&call(&req), "MissingParameter");
        assert!(
            message(&body).contains("Timestamp"),
            "{value:?}: {}",
            message(&body)
        );
    }
    snapshot(
        "error_timestamp_missing",
        &call(&set(
            signed_at(now(), SECRET_ID, SECRET_KEY),
            "X-TC-Timestamp",
            None,
        )),
    );
}

#[test]
fn extreme_timestamps_are_expired_not_a_panic() {
    for ts in [i64::MIN, i64::MIN + 1, i64::MAX, -1, 0, 253_402_300_800] {
        // sent as the header, with a signature made for the real time
        let req = set(
            signed_at(now(), SECRET_ID, SECRET_KEY),
            "X-TC-Timestamp",
            Some(&ts.to_string()),
        );
        assert_tcr_error(&call(&req), "AuthFailure.SignatureExpire");
    }
    // signed by the client at the epoch: a valid scope date, five decades off
    assert_tcr_error(
        &call(&signed_at(0, SECRET_ID, SECRET_KEY)),
        "AuthFailure.SignatureExpire",
    );
}

#[test]
fn malformed_authorization_is_invalid_authorization() {
    let good = signed_at(now(), SECRET_ID, SECRET_KEY);
    let auth = good.header_value("Authorization").unwrap().to_string();
    let signature = auth.rsplit_once("Signature=").unwrap().1.to_string();
    for value in [
        None,
        Some(String::new()),
        Some("garbage".to_string()),
        Some("Bearer abc".to_string()),
        // the HmacSHA1/HmacSHA256 v1 scheme and an SHA-1 variant of TC3
        Some(format!(
            "HMAC-SHA1 Credential=regmock-access-key, Signature={signature}"
        )),
        Some(auth.replace("TC3-HMAC-SHA256", "TC3-HMAC-SHA1")),
        Some(auth.replace("TC3-HMAC-SHA256", "HmacSHA256")),
        // scope not <date>/<service>/tc3_request
        Some(auth.replace("/tc3_request", "/tc2_request")),
        Some(auth.replace("/tcr/tc3_request", "/tc3_request")),
        // a part missing or empty
        Some(auth.replace(", SignedHeaders=content-type;host", "")),
        Some(auth.replace(&format!("Signature={signature}"), "Signature=")),
        Some(auth.replace("Credential=", "Cred=")),
    ] {
        let req = set(good.clone(), "Authorization", value.as_deref());
        assert_tcr_error(&call(&req), "AuthFailure.InvalidAuthorization");
    }
    snapshot(
        "error_invalid_authorization",
        &call(&set(good, "Authorization", None)),
    );
}

#[test]
fn legacy_v1_signature_request_is_refused_in_the_api3_shape() {
    // Python's signMethod="HmacSHA256": a form POST with the parameters, no Authorization and no X-TC-* headers
    let mut req = Request::new("POST", "/")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Host", HOST);
    req.body = b"Action=DescribeImages&Version=2019-09-24&Region=ap-guangzhou&SecretId=regmock-access-key&Nonce=1&Timestamp=1795521600&SignatureMethod=HmacSHA256&Signature=abc%3D".to_vec();
    let body = assert_tcr_error(&call(&req), "AuthFailure.InvalidAuthorization");
    let message = body["Response"]["Error"]["Message"].as_str().unwrap();
    assert!(message.contains("legacy"), "{message}");
    // the same scheme as a GET query
    let get = Request::new("GET", &format!("/?{}", String::from_utf8_lossy(&req.body)))
        .header("Host", HOST);
    assert_tcr_error(&call(&get), "AuthFailure.InvalidAuthorization");
    // a request that only lacks X-TC-Action is still told so
    let mut plain = req.clone();
    plain.body = br#"{"RegistryId": "tcr-okmj78"}"#.to_vec();
    assert_tcr_error(&call(&plain), "MissingParameter");
    // with the routing headers present, it is the missing Authorization that is reported
    let req = req
        .header("X-TC-Action", "DescribeImages")
        .header("X-TC-Version", "2019-09-24")
        .header("X-TC-Region", "ap-guangzhou");
    assert_tcr_error(&call(&req), "AuthFailure.InvalidAuthorization");
}

#[test]
fn token_is_checked_against_the_configured_list() {
    // Given credentials that accept only the token "good"
    let emu = only_token_good();
    let req = signed_at(now(), SECRET_ID, SECRET_KEY);
    // then "bad" (and an empty token) fail, "good" and no token at all pass; X-TC-Token is not signed
    let bad = emu.dispatch(&req.clone().header("X-TC-Token", "bad"));
    assert_tcr_error(&bad, "AuthFailure.TokenFailure");
    assert_tcr_error(
        &emu.dispatch(&req.clone().header("X-TC-Token", "")),
        "AuthFailure.TokenFailure",
    );
    assert_tcr_error(
        &emu.dispatch(&req.clone().header("X-TC-Token", "Good")),
        "AuthFailure.TokenFailure",
    );
    nginx_ok(&emu.dispatch(&req.clone().header("X-TC-Token", "good")));
    nginx_ok(&emu.dispatch(&req));
    snapshot("error_token_failure", &bad);
}

#[test]
fn without_a_token_list_any_non_empty_token_passes() {
    let req = signed_at(now(), SECRET_ID, SECRET_KEY);
    nginx_ok(&call(&req.clone().header("X-TC-Token", "anything")));
    assert_tcr_error(
        &call(&req.header("X-TC-Token", "")),
        "AuthFailure.TokenFailure",
    );
}

#[test]
fn token_is_checked_before_the_signature() {
    // A bad signature and a bad token: the token is reported (the spec's order)
    let emu = only_token_good();
    let req = signed_at(now(), SECRET_ID, "wrong").header("X-TC-Token", "bad");
    assert_tcr_error(&emu.dispatch(&req), "AuthFailure.TokenFailure");
}

#[test]
fn no_auth_accepts_unsigned_and_badly_signed_requests() {
    let emu = common::emulator_with(
        common::embedded(),
        Options {
            no_auth: true,
            rate_limit: RateLimit::Off,
            ..Default::default()
        },
    );
    let unsigned = unsigned_post(params(NGINX, json!({})).to_string().as_bytes());
    nginx_ok(&emu.dispatch(&unsigned));
    // the vectors five days off, a garbage Authorization, an unknown key: all skipped
    nginx_ok(&emu.dispatch(&python_post(PY_BODY, PY_AUTH)));
    nginx_ok(&emu.dispatch(&unsigned.clone().header("Authorization", "garbage")));
    nginx_ok(&emu.dispatch(&signed_at(now(), "nobody", "x")));
    // routing is still checked
    assert_tcr_error(
        &emu.dispatch(&set(unsigned, "X-TC-Action", Some("Nope"))),
        "InvalidAction",
    );
}

#[tokio::test]
async fn signature_survives_a_real_socket() {
    // Raw body bytes and the Host header must reach the server unchanged for the signature to verify
    let resp = common::via_server(&emu(), &describe_raw(PY_BODY)).await;
    nginx_ok(&resp);
    let resp = common::via_server(&emu(), &describe_get(GET_QUERY)).await;
    nginx_ok(&resp);
}

/// The `Authorization` of a `POST` of `body`, signed over exactly `headers` for the scope's `service`.
fn post_signed_over(body: &[u8], headers: &[(&str, &str)], service: &str) -> String {
    use regmock::shared::tc3::{Signed, authorization, payload_hash};
    let hash = payload_hash(body, false);
    let signed = Signed {
        method: "POST",
        query: "",
        headers,
        payload_hash: &hash,
    };
    authorization(SECRET_ID, SECRET_KEY, TS, service, &signed)
}

#[test]
fn node_endpoint_with_a_host_name_signs_service_host_and_port() {
    // Node with endpoint localhost:8080: the scope's service is `localhost:8080` (colon included), the signed host is
    // `localhost`, and the Host header sent is `localhost:8080`.
    let headers = [("content-type", "application/json"), ("host", "localhost")];
    let auth = post_signed_over(NODE_BODY, &headers, "localhost:8080");
    assert!(
        auth.contains("/2026-11-29/localhost:8080/tc3_request,"),
        "{auth}"
    );
    let req = set(node_post(NODE_BODY, &auth), "Host", Some("localhost:8080"));
    nginx_ok(&at_vector_time().dispatch(&req));
}

#[test]
fn authentication_checks_run_in_the_spec_order() {
    // Each request is wrong in two ways; the earlier check of the spec's list is the one reported.
    let unknown_key = || signed_at(now(), "nobody", SECRET_KEY);
    let cases: Vec<(&str, Request)> = vec![
        (
            "AuthFailure.InvalidAuthorization",
            set(
                set(unknown_key(), "Authorization", Some("garbage")),
                "X-TC-Timestamp",
                Some("abc"),
            ),
        ),
        (
            "MissingParameter",
            set(unknown_key(), "X-TC-Timestamp", None),
        ),
        (
            "InvalidParameter",
            set(unknown_key(), "X-TC-Timestamp", Some("abc")),
        ),
        (
            "AuthFailure.SignatureExpire",
            signed_at(now() - 1000, "nobody", SECRET_KEY),
        ),
        (
            "AuthFailure.SecretIdNotFound",
            unknown_key().header("X-TC-Token", ""),
        ),
        (
            "AuthFailure.TokenFailure",
            signed_at(now(), SECRET_ID, "wrong").header("X-TC-Token", ""),
        ),
    ];
    for (code, req) in cases {
        assert_tcr_error(&call(&req), code);
    }
}

#[test]
fn a_signature_that_does_not_cover_content_type_and_host_is_a_signature_failure() {
    // Signed correctly, but over fewer headers than Tencent Cloud's signature v3 makes mandatory
    for headers in [
        &[("host", HOST)][..],
        &[("content-type", "application/json")][..],
    ] {
        let auth = post_signed_over(PY_BODY, headers, "tcr");
        let resp = at_vector_time().dispatch(&python_post(PY_BODY, &auth));
        assert_tcr_error(&resp, "AuthFailure.SignatureFailure");
        assert!(
            resp.header_value("x-regmock-explain")
                .is_some_and(|e| e.contains("which must be signed")),
            "{:?}",
            resp.headers
        );
    }
    // And the same body signed over both passes
    let headers = [("content-type", "application/json"), ("host", HOST)];
    let auth = post_signed_over(PY_BODY, &headers, "tcr");
    nginx_ok(&at_vector_time().dispatch(&python_post(PY_BODY, &auth)));
}
