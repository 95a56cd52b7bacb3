//! Signature v2: the note's vector and near misses, the v1 header, clock skew, unknown keys, missing headers.

use super::*;
use regmock::pipeline::Options;

// The note's vector: 2026-11-29T12:00:00Z.
const TS: &str = "1795953600000";
const TARGET: &str = "/ncr/api/v2/repositories/my-registry/hello%2Fworld/tags?page=1&pagesize=10";
const SIGNATURE: &str = "+55VRUMAwz1tK1qLiXyKhJSVQq+I3A7CQRX34UJwxaQ=";

#[test]
fn test_signer_and_server_agree_with_the_note_vector() {
    let client = common::ncr_signer::signature(
        "GET",
        TARGET,
        TS,
        "regmock-access-key",
        "regmock-secret-key",
    );
    let server = regmock::providers::ncr::auth::signature(
        "GET",
        TARGET,
        TS,
        "regmock-access-key",
        "regmock-secret-key",
    );
    assert_eq!(client, SIGNATURE);
    assert_eq!(server, SIGNATURE);
}

fn at_vector_time() -> regmock::Emulator {
    let options = Options {
        clock: regmock::pipeline::Clock::Fixed(
            chrono::DateTime::from_timestamp_millis(1795953600000).unwrap(),
        ),
        ..Options::default()
    };
    // The vector's registry `my-registry` does not exist: auth passing shows as 404, failing as 401.
    regmock::Emulator::with(common::embedded(), Default::default(), options)
}

fn vector_request(target: &str, signature: &str, header: &str) -> Request {
    Request::get(target)
        .header("x-ncp-apigw-timestamp", TS)
        .header("x-ncp-iam-access-key", "regmock-access-key")
        .header(header, signature)
}

#[test]
fn vector_verifies_under_v2_and_v1_headers() {
    for header in ["x-ncp-apigw-signature-v2", "x-ncp-apigw-signature-v1"] {
        let resp = at_vector_time().dispatch(&vector_request(TARGET, SIGNATURE, header));
        assert_ncr_error(&resp, 404, "Not Found");
    }
}

#[test]
fn near_miss_vectors_are_rejected() {
    // Each is the signature of a slightly different target; sent with the vector's target it must fail.
    for near_miss in [
        "gExdFQlqx0wh0LervnoeQ+Nca8vM7UXEew2hdcvETDM=", // no query
        "K1pGxMR4oEC/qp99mDUYXQt955VsB9mnZzfd4nYOE40=", // decoded hello/world
        "BfZ1KcGJLukTTUv0y0EkWJeWRuRJ/VIU2X2KB4NiMuM=", // lower-case %2f
        "WoKdW2f0lwGE+fAc8hSZaKiqtkyq0HrY/LCWi/VnnbM=", // query order swapped
    ] {
        let resp = at_vector_time().dispatch(&vector_request(
            TARGET,
            near_miss,
            "x-ncp-apigw-signature-v2",
        ));
        assert_gateway_error(&resp, 401, "200", "Invalid authentication information.");
    }
    // And the raw target is signed as received: the vector's signature does not cover a re-ordered query.
    let reordered = "/ncr/api/v2/repositories/my-registry/hello%2Fworld/tags?pagesize=10&page=1";
    let resp = at_vector_time().dispatch(&vector_request(
        reordered,
        SIGNATURE,
        "x-ncp-apigw-signature-v2",
    ));
    assert_gateway_error(&resp, 401, "200", "Invalid authentication information.");
}

#[test]
fn clock_skew_window_is_five_minutes_either_way() {
    let now = common::fixed_now().timestamp_millis() as u64;
    for (ts, ok) in [
        (now - 300_000, true),
        (now + 300_000, true),
        (now - 300_001, false),
        (now + 300_001, false),
    ] {
        let mut req = Request::get(EXAMPLE);
        common::ncr_signer::sign(&mut req, "regmock-access-key", "regmock-secret-key", ts);
        let resp = common::emulator().dispatch(&req);
        if ok {
            ok_body(&resp);
        } else {
            assert_gateway_error(&resp, 401, "200", "Invalid authentication information.");
        }
    }
}

#[test]
fn unknown_key_wrong_secret_and_bad_timestamp_are_rejected() {
    let now = common::fixed_now().timestamp_millis() as u64;
    let mut unknown = Request::get(EXAMPLE);
    common::ncr_signer::sign(&mut unknown, "someone", "regmock-secret-key", now);
    let mut wrong = Request::get(EXAMPLE);
    common::ncr_signer::sign(&mut wrong, "regmock-access-key", "not-the-secret", now);
    let mut garbage_ts = signed(EXAMPLE);
    for (n, v) in garbage_ts.headers.iter_mut() {
        if n == "x-ncp-apigw-timestamp" {
            *v = "yesterday".into();
        }
    }
    for req in [unknown, wrong, garbage_ts] {
        let resp = common::emulator().dispatch(&req);
        assert_gateway_error(&resp, 401, "200", "Invalid authentication information.");
        insta::assert_json_snapshot!("error_401_invalid", resp.body_json());
    }
}

/// Regression: `i64::MIN` overflowed the skew subtraction (a panic in debug builds, a wrap past the check in release).
#[test]
fn extreme_timestamps_are_invalid_not_a_panic() {
    for ts in ["-9223372036854775808", "9223372036854775807", "-1"] {
        let mut req = signed(EXAMPLE);
        for (n, v) in req.headers.iter_mut() {
            if n == "x-ncp-apigw-timestamp" {
                *v = ts.into();
            }
        }
        let resp = common::emulator().dispatch(&req);
        assert_gateway_error(&resp, 401, "200", "Invalid authentication information.");
    }
}

#[test]
fn missing_headers_are_reported_as_missing() {
    for drop in [
        "x-ncp-apigw-timestamp",
        "x-ncp-iam-access-key",
        "x-ncp-apigw-signature-v2",
    ] {
        let mut req = signed(EXAMPLE);
        req.headers.retain(|(n, _)| n != drop);
        let resp = common::emulator().dispatch(&req);
        assert_gateway_error(&resp, 401, "200", "Authentication information are missing.");
    }
    insta::assert_json_snapshot!(
        "error_401_missing",
        common::emulator()
            .dispatch(&Request::get(EXAMPLE))
            .body_json()
    );
}

#[tokio::test]
async fn signature_survives_a_real_socket() {
    // Over HTTP the target must reach the server byte for byte (%2F included) for the signature to verify.
    let resp = common::via_server(
        &common::emulator(),
        &signed(&format!("{BULK}?page=2&pagesize=5")),
    )
    .await;
    assert_eq!(ok_body(&resp)["results"].as_array().unwrap().len(), 5);
}
