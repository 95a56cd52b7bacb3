//! Test harness shared by every integration-test crate: emulators on both transports, the schema validator and the
//! proptest configuration. Include it with `#[path = "../common/mod.rs"] mod common;`.
#![allow(dead_code, unreachable_pub)]

pub mod ncr_signer;
pub mod swr_signer;

use regmock::http::{Request, Response};
use regmock::pipeline::{Clock, Credentials, Options};
use regmock::{Emulator, model::Dataset};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// The crate root, for reading `schemas/` and `cassettes/`.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The embedded dataset, loaded once per test binary.
pub fn embedded() -> Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| Dataset::embedded().expect("embedded dataset loads"))
        .clone()
}

/// The instant every fixed-clock emulator in the tests uses: 2026-11-24T12:00:00Z (the SWR note's vectors).
pub fn fixed_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
        .expect("valid time")
        .with_timezone(&chrono::Utc)
}

/// An emulator over the embedded dataset with a fixed clock and default credentials, shared per test binary.
pub fn emulator() -> Emulator {
    static EMU: OnceLock<Emulator> = OnceLock::new();
    EMU.get_or_init(|| emulator_with(embedded(), Options::default()))
        .clone()
}

/// Like [`emulator`], with rate limiting off: the fixed clock never opens a new rate window, so a binary that sends
/// more than a provider's limit through one emulator (fuzzing, the TCR suite) needs this one. Rate-limit tests build
/// their own.
pub fn unthrottled() -> Emulator {
    static EMU: OnceLock<Emulator> = OnceLock::new();
    EMU.get_or_init(|| {
        emulator_with(
            embedded(),
            Options {
                rate_limit: regmock::pipeline::RateLimit::Off,
                ..Default::default()
            },
        )
    })
    .clone()
}

/// An emulator over `dataset` with `options` (clock forced to [`fixed_now`]) and default credentials.
pub fn emulator_with(dataset: Dataset, mut options: Options) -> Emulator {
    options.clock = Clock::Fixed(fixed_now());
    Emulator::with(dataset, Credentials::default(), options)
}

/// Compiled validator for `schemas/<rel>` (draft 2020-12, formats checked), cached.
fn validator(rel: &str) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().expect("schema cache lock");
    map.entry(rel.to_string())
        .or_insert_with(|| {
            let path = root().join("schemas").join(rel);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let schema: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()));
            let v = jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&schema)
                .unwrap_or_else(|e| panic!("compiling {}: {e}", path.display()));
            Arc::new(v)
        })
        .clone()
}

/// Panics with every violation when `instance` does not match `schemas/<rel>`.
pub fn assert_schema(rel: &str, instance: &Value) {
    let v = validator(rel);
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "response does not match schemas/{rel}:\n{}\ninstance: {instance}",
        errors.join("\n")
    );
}

/// Body of an answer with `status`, checked against `schemas/<schema>`; panics with the body otherwise.
pub fn json_with_status(resp: &Response, status: u16, schema: &str) -> Value {
    assert_eq!(
        resp.status,
        status,
        "body: {}",
        String::from_utf8_lossy(&resp.body)
    );
    let body = resp.body_json();
    assert_schema(schema, &body);
    body
}

/// Body of a 200 answer, checked against `schemas/<schema>`.
pub fn ok_json(resp: &Response, schema: &str) -> Value {
    json_with_status(resp, 200, schema)
}

/// Whether `instance` matches `schemas/<rel>`.
pub fn matches_schema(rel: &str, instance: &Value) -> bool {
    validator(rel).is_valid(instance)
}

/// Sends `req` through the axum transport (a real loopback socket) and converts the answer back.
pub async fn via_server(emulator: &Emulator, req: &Request) -> Response {
    let server =
        regmock::transport::server::spawn(emulator.clone(), "127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("bind loopback");
    let resp = send(&server.uri(), req).await;
    server.stop().await.expect("server stops");
    resp
}

/// Sends `req` to `base` over HTTP with reqwest, keeping the raw target.
pub async fn send(base: &str, req: &Request) -> Response {
    let client = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).expect("method");
    let mut builder = client.request(method, format!("{base}{}", req.target()));
    for (n, v) in &req.headers {
        builder = builder.header(n, v);
    }
    let r = builder
        .body(req.body.clone())
        .send()
        .await
        .expect("request sent");
    let status = r.status().as_u16();
    let headers = r
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let body = r.bytes().await.expect("body").to_vec();
    Response {
        status,
        headers,
        body,
    }
}

/// The proptest configuration every property test uses: enough cases to find edge cases, few enough for 2 cores.
pub fn proptest_config(
    cases: u32,
    regressions_file: &'static str,
) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(regressions_file),
        )),
        ..proptest::test_runner::Config::default()
    }
}

/// Sends `req` through every transport — `Emulator::dispatch`, the axum server and the wiremock mock — asserts they
/// agree (status, `Content-Range`, body with request ids blanked) and returns the direct answer. This is moto's "run the
/// suite in server mode too", for every scenario that uses it.
pub async fn answer_everywhere(emulator: &Emulator, req: &Request) -> Response {
    let direct = emulator.dispatch(req);
    let server = via_server(emulator, req).await;
    let mock_server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(regmock::transport::in_test::EmulatorResponder(
            emulator.clone(),
        ))
        .mount(&mock_server)
        .await;
    let mocked = send(&mock_server.uri(), req).await;
    for (name, other) in [("axum", &server), ("wiremock", &mocked)] {
        assert_eq!(
            direct.status,
            other.status,
            "{name} status differs for {}",
            req.target()
        );
        assert_eq!(
            direct.header_value("content-range"),
            other.header_value("content-range"),
            "{name} Content-Range differs"
        );
        assert_eq!(
            blank_ids(&direct),
            blank_ids(other),
            "{name} body differs for {}",
            req.target()
        );
    }
    direct
}

fn blank_ids(resp: &Response) -> String {
    let mut text = String::from_utf8_lossy(&resp.body).into_owned();
    // Request ids travel in a header (SWR, NCR) or in the body (TCR `Response.RequestId`).
    let body_id = resp.body_json()["Response"]["RequestId"]
        .as_str()
        .map(str::to_string);
    let header_ids = ["x-request-id", "x-ncp-trace-id"]
        .iter()
        .filter_map(|h| resp.header_value(h).map(str::to_string));
    for id in header_ids.chain(body_id).filter(|id| !id.is_empty()) {
        text = text.replace(&id, "<request-id>");
    }
    text
}

/// A GET for SWR with an accepted `X-Auth-Token`.
pub fn swr_get(target: &str) -> Request {
    Request::get(target).header("X-Auth-Token", "test-token")
}
