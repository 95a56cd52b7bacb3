//! TCR (Tencent Cloud API 3.0, DescribeImages) emulator tests: one module per topic. Every body is checked against
//! `schemas/tcr/`.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod errors;
mod examples;
mod pagination;
mod params;
mod props;
mod robustness;

use regmock::Emulator;
use regmock::http::{Request, Response};
use regmock::pipeline::{Options, RateLimit};
use serde_json::{Value, json};
use std::sync::OnceLock;

pub const DESCRIBE: &str = "tcr/describe_images.response.schema.json";
pub const ERROR: &str = "tcr/error.schema.json";

/// The documented instance, namespace and repositories of the embedded dataset.
pub const REGISTRY: &str = "tcr-okmj78";
pub const NAMESPACE: &str = "team-01";
pub const NGINX: &str = "nginx";
pub const BULK: &str = "bulk-app";

/// The host every test request is sent to and signed for (the SDK notes' endpoint).
pub const HOST: &str = "127.0.0.1:8080";
pub const SECRET_ID: &str = "regmock-access-key";
pub const SECRET_KEY: &str = "regmock-secret-key";

/// Snapshot redaction for the per-request id.
pub const REQUEST_ID: &str = ".Response.RequestId";

/// The fixed-clock emulator of most tests, with rate limiting off (this binary sends far more than 100 requests).
pub fn emu() -> Emulator {
    common::unthrottled()
}

/// Like [`emu`], but accepting only the `X-TC-Token` "good".
pub fn only_token_good() -> Emulator {
    Emulator::with(
        common::embedded(),
        regmock::pipeline::Credentials {
            tokens: vec!["good".into()],
            ..Default::default()
        },
        Options {
            clock: regmock::pipeline::Clock::Fixed(common::fixed_now()),
            rate_limit: RateLimit::Off,
            ..Default::default()
        },
    )
}

/// The tests' timestamp: the fixed clock of [`common::emulator_with`].
pub fn now() -> i64 {
    common::fixed_now().timestamp()
}

/// A `POST /` with the common headers and `body` as sent (unsigned).
pub fn unsigned_post(body: &[u8]) -> Request {
    let mut req = Request::new("POST", "/")
        .header("Content-Type", "application/json")
        .header("X-TC-Action", "DescribeImages")
        .header("X-TC-Version", "2019-09-24")
        .header("X-TC-Region", "ap-guangzhou");
    req.body = body.to_vec();
    req
}

/// Signs `req` as the Python SDK does, with the default key at the fixed clock.
pub fn sign(mut req: Request) -> Request {
    regmock::providers::tcr::auth::sign(&mut req, SECRET_ID, SECRET_KEY, now(), HOST);
    req
}

/// A signed DescribeImages `POST` with `body` serialised compactly.
pub fn describe(body: Value) -> Request {
    sign(unsigned_post(body.to_string().as_bytes()))
}

/// A signed DescribeImages `POST` with exactly these body bytes.
pub fn describe_raw(body: &[u8]) -> Request {
    sign(unsigned_post(body))
}

/// A signed DescribeImages `GET /?<query>`, form-encoded as the SDKs' `reqMethod="GET"` sends it.
pub fn describe_get(query: &str) -> Request {
    let req = Request::new("GET", &format!("/?{query}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-TC-Action", "DescribeImages")
        .header("X-TC-Version", "2019-09-24")
        .header("X-TC-Region", "ap-guangzhou");
    sign(req)
}

/// The three required names, plus `extra` fields.
pub fn params(repository: &str, extra: Value) -> Value {
    let mut body =
        json!({"RegistryId": REGISTRY, "NamespaceName": NAMESPACE, "RepositoryName": repository});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// Dispatches directly (no sockets) through [`emu`].
pub fn call(req: &Request) -> Response {
    emu().dispatch(req)
}

/// Asserts the Content-Type the Python SDK requires (exactly `application/json`) and a status of 200.
pub fn assert_api3_envelope(resp: &Response) {
    assert_eq!(
        resp.status,
        200,
        "API 3.0 answers 200 even for errors; body: {}",
        String::from_utf8_lossy(&resp.body)
    );
    assert_eq!(
        resp.header_value("Content-Type"),
        Some("application/json"),
        "the Python SDK reads Response.Error only for exactly application/json"
    );
    let content_types = resp
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Content-Type"))
        .count();
    assert_eq!(content_types, 1, "one Content-Type header");
}

/// Asserts a RequestId is a hyphenated UUID v4.
pub fn assert_request_id(body: &Value) {
    let id = body["Response"]["RequestId"].as_str().unwrap();
    let parsed = uuid::Uuid::parse_str(id).unwrap_or_else(|e| panic!("RequestId {id}: {e}"));
    assert_eq!(
        parsed.hyphenated().to_string(),
        id,
        "RequestId is a lower-case UUID with dashes"
    );
    assert_eq!(parsed.get_version_num(), 4, "RequestId {id} is a UUID v4");
}

/// Body of a successful DescribeImages answer: 200, exact Content-Type, schema-checked, RequestId a UUID.
pub fn ok_body(resp: &Response) -> Value {
    assert_api3_envelope(resp);
    let body = common::ok_json(resp, DESCRIBE);
    assert_request_id(&body);
    body
}

/// Asserts an API 3.0 error: HTTP 200, exact Content-Type, error schema, `code`, RequestId a UUID. Returns the body.
pub fn assert_tcr_error(resp: &Response, code: &str) -> Value {
    assert_api3_envelope(resp);
    let body = common::ok_json(resp, ERROR);
    assert_eq!(
        body["Response"]["Error"]["Code"], code,
        "message: {}",
        body["Response"]["Error"]["Message"]
    );
    assert_request_id(&body);
    body
}

/// The Message of an error body.
pub fn message(body: &Value) -> &str {
    body["Response"]["Error"]["Message"].as_str().unwrap()
}

/// The ImageVersion (tag) of every item of a success body.
pub fn versions(body: &Value) -> Vec<String> {
    body["Response"]["ImageInfoList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ImageVersion"].as_str().unwrap().to_string())
        .collect()
}

/// TotalCount of a success body.
pub fn total(body: &Value) -> u64 {
    body["Response"]["TotalCount"].as_u64().unwrap()
}

/// Every item DescribeImages returns for `filter` (extra fields besides the three names), walking pages of 100.
pub fn walk(emulator: &Emulator, repository: &str, filter: Value) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let mut body = params(repository, filter.clone());
        body["Limit"] = json!(100);
        body["Offset"] = json!(page);
        let body = ok_body(&emulator.dispatch(&describe(body)));
        let items = body["Response"]["ImageInfoList"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        out.extend(items.iter().cloned());
    }
    out
}

/// The whole of bulk-app in the answer's order, read once per test binary.
pub fn bulk_listing() -> &'static [Value] {
    static ALL: OnceLock<Vec<Value>> = OnceLock::new();
    ALL.get_or_init(|| walk(&emu(), BULK, json!({})))
}
