//! Fault injection as a client sees it: every fault kind through a real socket (`transport::server::spawn`) and
//! reqwest or a raw TCP client, every schedule, scopes, the in-test transport and the `serve` flags.
//!
//! See: #8. Times are never asserted beyond what a sleep guarantees (a latency fault takes at least its minimum);
//! a drip is reported as bytes over time and asserted by its number of separate reads.
#![allow(clippy::unwrap_used, missing_docs)]

use regmock::Emulator;
use regmock::faults::{FaultKind, FaultRule, Faults, FaultsFile, Schedule, SocketFault};
use regmock::http::Request;
use regmock::model::{Dataset, ProviderId};
use regmock::pipeline::Options;
use regmock::providers::PROVIDERS;
use regmock::transport::server::{RunningServer, spawn};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The longest any exchange may take; reaching it means a hang, not a slow machine.
const BOUND: Duration = Duration::from_secs(60);

/// An emulator over the embedded dataset without authentication, so the vendors' example requests answer 200.
fn emulator() -> Emulator {
    let options = Options {
        no_auth: true,
        ..Options::default()
    };
    Emulator::with(
        Dataset::embedded().unwrap(),
        regmock::Credentials::default(),
        options,
    )
}

async fn server_with(rules: &[&str]) -> (Emulator, RunningServer) {
    let emu = emulator();
    for rule in rules {
        emu.faults().add(FaultRule::parse(rule).unwrap()).unwrap();
    }
    let server = spawn(emu.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (emu, server)
}

fn example(provider: ProviderId) -> Request {
    PROVIDERS
        .iter()
        .find(|p| p.id() == provider)
        .unwrap()
        .example()
}

/// A fresh client per call, so one test's broken connection never carries over to the next request.
async fn send(base: &str, req: &Request) -> Result<reqwest::Response, reqwest::Error> {
    let client = reqwest::Client::builder()
        .timeout(BOUND)
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap();
    let mut builder = client.request(method, format!("{base}{}", req.target()));
    for (name, value) in &req.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder.body(req.body.clone()).send().await
}

async fn status_and_json(base: &str, req: &Request) -> (u16, Value, reqwest::header::HeaderMap) {
    let resp = send(base, req).await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.json::<Value>().await.unwrap();
    (status, body, headers)
}

/// The code a provider's error body carries, in that vendor's shape.
fn error_code(provider: ProviderId, body: &Value) -> String {
    let code = match provider {
        ProviderId::Swr => &body["error_code"],
        ProviderId::Ncr if body.get("error").is_some() => &body["error"]["errorCode"],
        ProviderId::Ncr => &body["returnCode"],
        ProviderId::Tcr => &body["Response"]["Error"]["Code"],
    };
    match code {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Each io error in `err`'s source chain.
fn io_kinds(err: &(dyn std::error::Error + 'static)) -> Vec<std::io::ErrorKind> {
    let mut kinds = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            kinds.push(io.kind());
        }
        next = e.source();
    }
    kinds
}

/// Sends `request` raw and reads until the server closes: the bytes read, and the error that ended the read if any.
async fn raw_exchange(
    addr: std::net::SocketAddr,
    request: &str,
) -> (Vec<u8>, Option<std::io::Error>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(BOUND, stream.read(&mut buf))
            .await
            .expect("the server neither answered nor closed")
        {
            Ok(0) => return (got, None),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return (got, Some(e)),
        }
    }
}

/// `GET /v2/manage/repos` for SWR, closing after the answer (so a read to EOF ends).
const SWR_LIST_RAW: &str = "GET /v2/manage/repos HTTP/1.1\r\nHost: regmock\r\nX-Auth-Token: t\r\nConnection: close\r\n\r\n";

fn split_head(raw: &[u8]) -> (String, &[u8]) {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head")
        + 4;
    (
        String::from_utf8_lossy(&raw[..end]).into_owned(),
        &raw[end..],
    )
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("a Content-Length")
}

// ---------------------------------------------------------------------------------------------------------------
// Vendor answers: error, code, throttle, per provider.

#[tokio::test]
async fn error_fault_is_each_vendors_internal_error_under_the_status_asked_for() {
    // (provider, status without `status=`, the vendor's internal-error code)
    let cases = [
        (ProviderId::Swr, 500, "SVCSTG.SWR.5000003"),
        (ProviderId::Ncr, 500, "500"),
        (ProviderId::Tcr, 200, "InternalError"),
    ];
    for (provider, vendor_status, code) in cases {
        for (spec, status) in [
            ("error".to_string(), vendor_status),
            ("error=503".to_string(), 503),
            ("error,status=502".to_string(), 502),
            ("error=504".to_string(), 504),
        ] {
            let (_emu, server) =
                server_with(&[&format!("{spec},provider={}", provider.as_str())]).await;
            let (got, body, headers) = status_and_json(&server.uri(), &example(provider)).await;
            assert_eq!(got, status, "{provider:?} {spec}: {body}");
            assert_eq!(
                error_code(provider, &body),
                code,
                "{provider:?} {spec}: {body}"
            );
            match provider {
                ProviderId::Swr => assert!(headers.contains_key("x-request-id")),
                ProviderId::Tcr => assert!(body["Response"]["RequestId"].is_string()),
                ProviderId::Ncr => {}
            }
            server.stop().await.unwrap();
        }
    }
}

#[tokio::test]
async fn error_fault_refuses_a_status_that_is_not_a_gateway_5xx() {
    let err = FaultRule::parse("error=418").unwrap_err();
    assert!(err.contains("500, 502, 503, 504"), "{err}");
}

#[tokio::test]
async fn code_fault_answers_any_catalogue_code_in_the_vendors_shape() {
    let cases = [
        (ProviderId::Swr, "SVCSTG.SWR.4040010", 404),
        (ProviderId::Swr, "forbidden", 403),
        (ProviderId::Ncr, "NotFound", 404),
        (ProviderId::Ncr, "230", 403),
        (ProviderId::Tcr, "FailedOperation.EmptyCoreBody", 200),
        (ProviderId::Tcr, "ResourceNotFound", 200),
    ];
    for (provider, code, status) in cases {
        let (_emu, server) =
            server_with(&[&format!("code={code},provider={}", provider.as_str())]).await;
        let (got, body, _) = status_and_json(&server.uri(), &example(provider)).await;
        assert_eq!(got, status, "{provider:?} {code}: {body}");
        let expected = match (provider, code) {
            (ProviderId::Swr, "forbidden") => "SVCSTG.SWR.4030170",
            (ProviderId::Ncr, "NotFound") => "404",
            (_, code) => code,
        };
        assert_eq!(
            error_code(provider, &body),
            expected,
            "{provider:?}: {body}"
        );
        server.stop().await.unwrap();
    }
}

#[test]
fn code_fault_refuses_a_code_no_provider_in_scope_has() {
    let err = FaultRule::parse("code=NoSuchThing,provider=tcr").unwrap_err();
    assert!(
        err.contains("InternalError"),
        "names the accepted codes: {err}"
    );
    // A TCR code is not an SWR one.
    assert!(FaultRule::parse("code=RequestLimitExceeded,provider=swr").is_err());
    assert!(FaultRule::parse("code=RequestLimitExceeded").is_ok());
}

#[tokio::test]
async fn throttle_fault_is_each_vendors_rate_limit_answer() {
    let (_emu, server) = server_with(&["throttle,retry-after=2"]).await;
    let base = server.uri();

    let (status, body, headers) = status_and_json(&base, &example(ProviderId::Swr)).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error_code"], "APIGW.0308");
    assert_eq!(headers["retry-after"], "2");

    let (status, body, headers) = status_and_json(&base, &example(ProviderId::Ncr)).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["errorCode"], "420");
    assert_eq!(body["error"]["message"], "Rate Limited");
    // Every 429 carries Retry-After (README, "Faults"): clients of NAVER's gateway honour it too.
    assert_eq!(headers["retry-after"], "2");

    let (status, body, headers) = status_and_json(&base, &example(ProviderId::Tcr)).await;
    assert_eq!(status, 200, "TCR answers API errors in HTTP 200: {body}");
    assert_eq!(body["Response"]["Error"]["Code"], "RequestLimitExceeded");
    assert!(!headers.contains_key("retry-after"));
    server.stop().await.unwrap();
}

#[test]
fn a_429_named_by_code_carries_retry_after_too() {
    let emu = emulator();
    for (provider, code) in [
        (ProviderId::Swr, "APIGW.0308"),
        (ProviderId::Ncr, "400"),
        (ProviderId::Ncr, "410"),
        (ProviderId::Ncr, "420"),
    ] {
        let resp = emu.dispatch(&example(provider).header("X-Regmock-Fault", code));
        assert_eq!(resp.status, 429, "{provider:?} {code}");
        assert_eq!(resp.header_value("Retry-After"), Some("1"), "{provider:?}");
        if provider == ProviderId::Ncr {
            assert_eq!(resp.body_json()["error"]["errorCode"], code);
        }
    }
    // Other statuses get none.
    let resp =
        emu.dispatch(&example(ProviderId::Swr).header("X-Regmock-Fault", "SVCSTG.SWR.4040010"));
    assert_eq!(resp.status, 404);
    assert_eq!(resp.header_value("Retry-After"), None);
}

#[tokio::test]
async fn vendor_faults_apply_before_authentication() {
    // With authentication on, an unsigned request would be a 401; the injected fault wins.
    let emu = Emulator::embedded();
    emu.faults()
        .add(FaultRule::parse("throttle,provider=swr").unwrap())
        .unwrap();
    let server = spawn(emu, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let resp = send(&server.uri(), &Request::get("/v2/manage/repos"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    server.stop().await.unwrap();
}

// ---------------------------------------------------------------------------------------------------------------
// Latency.

#[tokio::test]
async fn latency_fault_delays_the_normal_answer_by_at_least_its_minimum() {
    let (_emu, server) = server_with(&["latency=300ms,provider=swr"]).await;
    let started = Instant::now();
    let (status, body, _) = status_and_json(&server.uri(), &example(ProviderId::Swr)).await;
    let took = started.elapsed();
    eprintln!("latency=300ms answered after {took:?}");
    assert_eq!(status, 200, "{body}");
    assert!(
        took >= Duration::from_millis(300),
        "a sleep never ends early: {took:?}"
    );
    // Other providers are out of scope: same answer, no delay rule counted.
    let (status, _, _) = status_and_json(&server.uri(), &example(ProviderId::Tcr)).await;
    assert_eq!(status, 200);
    server.stop().await.unwrap();
}

#[test]
fn random_latency_is_drawn_in_range_and_reproducible_from_the_seed() {
    let delays = |seed: u64| {
        let faults = Faults::default();
        faults
            .add(FaultRule::parse(&format!("latency=10ms..500ms,seed={seed}")).unwrap())
            .unwrap();
        (0..50)
            .map(|_| {
                faults
                    .decide(ProviderId::Tcr, Some("DescribeImages"), "/")
                    .delay
            })
            .collect::<Vec<_>>()
    };
    let a = delays(7);
    assert_eq!(a, delays(7), "same seed, same sequence");
    assert_ne!(a, delays(8), "another seed, another sequence");
    assert!(
        a.iter()
            .all(|d| (Duration::from_millis(10)..=Duration::from_millis(500)).contains(d))
    );
    let distinct: std::collections::BTreeSet<_> = a.iter().collect();
    assert!(distinct.len() > 10, "drawn, not fixed: {distinct:?}");
}

#[tokio::test]
async fn latency_adds_to_another_fault_on_the_same_request() {
    let (_emu, server) = server_with(&["latency=200ms", "error=503"]).await;
    let started = Instant::now();
    let resp = send(&server.uri(), &example(ProviderId::Ncr))
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    assert!(started.elapsed() >= Duration::from_millis(200));
    server.stop().await.unwrap();
}

// ---------------------------------------------------------------------------------------------------------------
// Socket faults.

#[tokio::test]
async fn reset_is_a_connection_error_for_the_client() {
    let (_emu, server) = server_with(&["reset,provider=swr"]).await;
    let err = send(&server.uri(), &example(ProviderId::Swr))
        .await
        .unwrap_err();
    let kinds = io_kinds(&err);
    eprintln!("reset seen by reqwest as: {err:?}");
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    assert!(
        kinds.contains(&std::io::ErrorKind::ConnectionReset),
        "{kinds:?}"
    );

    // A raw client sees the RST itself: not one byte, then ECONNRESET (a FIN would read as 0 bytes instead).
    let (got, end) = raw_exchange(server.addr, SWR_LIST_RAW).await;
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
    assert_eq!(
        end.map(|e| e.kind()),
        Some(std::io::ErrorKind::ConnectionReset)
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn close_after_headers_is_a_body_error_for_the_client() {
    let (_emu, server) = server_with(&["close-after-headers"]).await;
    let resp = send(&server.uri(), &example(ProviderId::Swr))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "the head arrives whole");
    let err = resp.bytes().await.unwrap_err();
    assert!(err.is_body() || err.is_decode(), "{err:?}");

    let (raw, end) = raw_exchange(server.addr, SWR_LIST_RAW).await;
    assert!(end.is_none(), "closed, not reset: {end:?}");
    let (head, body) = split_head(&raw);
    assert!(content_length(&head) > 0, "{head}");
    assert!(body.is_empty(), "{} body bytes", body.len());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn truncate_sends_fewer_bytes_than_content_length_promises() {
    let (_emu, server) = server_with(&["truncate,path=/v2/"]).await;
    let resp = send(&server.uri(), &example(ProviderId::Swr))
        .await
        .unwrap();
    let err = resp.bytes().await.unwrap_err();
    assert!(err.is_body() || err.is_decode(), "{err:?}");

    let (raw, _) = raw_exchange(server.addr, SWR_LIST_RAW).await;
    let (head, body) = split_head(&raw);
    let promised = content_length(&head);
    assert_eq!(
        body.len(),
        promised / 2,
        "half of the {promised} bytes by default"
    );
    server.stop().await.unwrap();

    let (_emu, server) = server_with(&["truncate=10"]).await;
    let (raw, _) = raw_exchange(server.addr, SWR_LIST_RAW).await;
    let (head, body) = split_head(&raw);
    assert!(content_length(&head) > 10);
    assert_eq!(body.len(), 10);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn malformed_keeps_status_and_headers_with_a_body_that_is_not_json() {
    for provider in [ProviderId::Swr, ProviderId::Ncr, ProviderId::Tcr] {
        let (_emu, server) = server_with(&["malformed"]).await;
        let resp = send(&server.uri(), &example(provider)).await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "application/json");
        let err = resp.json::<Value>().await.unwrap_err();
        assert!(err.is_decode(), "{provider:?}: {err:?}");
        server.stop().await.unwrap();
    }
}

#[tokio::test]
async fn drip_sends_the_whole_body_in_many_small_reads() {
    let (_emu, clean) = server_with(&[]).await;
    let whole = send(&clean.uri(), &example(ProviderId::Swr))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    clean.stop().await.unwrap();

    let (_emu, server) = server_with(&["drip=100,within=2s"]).await;
    let started = Instant::now();
    let mut resp = send(&server.uri(), &example(ProviderId::Swr))
        .await
        .unwrap();
    let mut body = Vec::new();
    let mut reads = 0;
    while let Some(chunk) = resp.chunk().await.unwrap() {
        body.extend_from_slice(&chunk);
        reads += 1;
    }
    let took = started.elapsed();
    eprintln!(
        "drip=100,within=2s: {} bytes in {reads} reads over {took:?} ({:.0} bytes/s)",
        body.len(),
        body.len() as f64 / took.as_secs_f64()
    );
    assert_eq!(body, whole, "all of it, unchanged");
    assert!(reads > 5, "dripped, not sent at once: {reads} reads");
    // The connection goes on as usual after a drip: a second request on a keep-alive connection is answered.
    let (raw, _) = raw_exchange(
        server.addr,
        "GET /v2/manage/repos HTTP/1.1\r\nHost: r\r\n\r\nGET /__regmock/health HTTP/1.1\r\nHost: r\r\nConnection: close\r\n\r\n",
    )
    .await;
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(text.matches("HTTP/1.1 200").count(), 2, "{text}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn regmock_paths_are_never_faulted() {
    let (_emu, server) = server_with(&["reset"]).await;
    let resp = send(&server.uri(), &Request::get("/__regmock/health"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    server.stop().await.unwrap();
}

// ---------------------------------------------------------------------------------------------------------------
// Schedules and scopes.

/// Statuses of `n` SWR example calls.
async fn statuses(base: &str, provider: ProviderId, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(
            send(base, &example(provider))
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    out
}

#[tokio::test]
async fn every_nth_fires_on_the_nth_matching_call() {
    let (emu, server) = server_with(&["error=503,every=3"]).await;
    assert_eq!(
        statuses(&server.uri(), ProviderId::Swr, 7).await,
        [200, 200, 503, 200, 200, 503, 200]
    );
    let status = &emu.faults().status()[0];
    assert_eq!((status.matched, status.fired), (7, 2));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn first_n_fires_then_every_call_succeeds() {
    let (_emu, server) = server_with(&["throttle,first=2"]).await;
    assert_eq!(
        statuses(&server.uri(), ProviderId::Ncr, 5).await,
        [429, 429, 200, 200, 200]
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn probability_is_reproducible_from_the_seed() {
    async fn run(seed: u64) -> Vec<u16> {
        let (_emu, server) = server_with(&[&format!("error=503,p=0.5,seed={seed}")]).await;
        let got = statuses(&server.uri(), ProviderId::Swr, 24).await;
        server.stop().await.unwrap();
        got
    }
    let a = run(42).await;
    assert_eq!(a, run(42).await, "same seed, same sequence");
    assert_ne!(a, run(43).await, "another seed, another sequence");
    let predicted: Vec<u16> = (0..24)
        .map(|n| {
            if Schedule::Probability(0.5).fires(n, 42) {
                503
            } else {
                200
            }
        })
        .collect();
    assert_eq!(
        a, predicted,
        "the sequence is Schedule::fires of the call index"
    );
    let faults = a.iter().filter(|s| **s == 503).count();
    assert!((1..24).contains(&faults), "some, not all: {a:?}");
}

#[tokio::test]
async fn scopes_pick_provider_operation_and_path_prefix() {
    let (_emu, server) = server_with(&[
        "code=SVCSTG.SWR.4040010,op=ShowRepoTag",
        "error=502,provider=tcr,op=DescribeImages",
        "error=504,path=/ncr/api/v2/repositories/",
    ])
    .await;
    let base = server.uri();
    let swr = |target: &str| Request::get(target).header("X-Auth-Token", "t");
    assert_eq!(
        send(&base, &swr("/v2/manage/repos"))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        send(
            &base,
            &swr("/v2/manage/namespaces/group/repos/busybox/tags/latest")
        )
        .await
        .unwrap()
        .status(),
        404,
        "show_repo_tag is ShowRepoTag in any spelling"
    );
    assert_eq!(
        send(&base, &example(ProviderId::Tcr))
            .await
            .unwrap()
            .status(),
        502
    );
    assert_eq!(
        send(&base, &example(ProviderId::Ncr))
            .await
            .unwrap()
            .status(),
        504
    );
    server.stop().await.unwrap();
}

#[test]
fn rules_are_counted_in_order_and_the_first_firing_answer_wins() {
    let faults = Faults::default();
    faults
        .add(FaultRule::parse("error=503,first=1").unwrap())
        .unwrap();
    faults.add(FaultRule::parse("reset").unwrap()).unwrap();
    let first = faults.decide(ProviderId::Swr, None, "/v2/manage/repos");
    let second = faults.decide(ProviderId::Swr, None, "/v2/manage/repos");
    assert!(matches!(
        first.effect,
        Some(regmock::faults::Effect::Vendor(_))
    ));
    assert!(matches!(
        second.effect,
        Some(regmock::faults::Effect::Socket(_))
    ));
    let counts: Vec<(u64, u64)> = faults
        .status()
        .iter()
        .map(|s| (s.matched, s.fired))
        .collect();
    assert_eq!(
        counts,
        [(2, 1), (1, 1)],
        "the reset rule never saw the first call"
    );
}

#[test]
fn counters_are_exact_under_concurrent_calls() {
    let faults = Faults::default();
    faults
        .add(FaultRule::parse("reset,every=4").unwrap())
        .unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..250 {
                    faults.decide(ProviderId::Tcr, None, "/");
                }
            });
        }
    });
    let status = &faults.status()[0];
    assert_eq!((status.matched, status.fired), (1000, 250));
}

// ---------------------------------------------------------------------------------------------------------------
// Sources: grammar, file, serde shape, the in-test API, `serve`.

#[test]
fn the_spec_grammar_and_the_file_shape_are_the_same_rules() {
    let yaml = r#"
faults:
  - fault: latency
    delay: 200ms..500ms
    seed: 7
  - fault: throttle
    retry_after: 1
    operation: DescribeImages
    first: 2
  - fault: drip
    rate: 100
    within: 5s
    provider: swr
  - fault: code
    code: FailedOperation.EmptyCoreBody
    provider: tcr
    every: 3
"#;
    let file = FaultsFile::parse(yaml).unwrap();
    let specs = [
        "latency=200ms..500ms,seed=7",
        "throttle=1,op=DescribeImages,first=2",
        "drip=100,within=5s,provider=swr",
        "code=FailedOperation.EmptyCoreBody,provider=tcr,every=3",
    ];
    let parsed: Vec<FaultRule> = specs.iter().map(|s| FaultRule::parse(s).unwrap()).collect();
    assert_eq!(file.faults, parsed);
    // JSON out, JSON back in: the same rules (the admin API's shape).
    let json = serde_json::to_string(&file).unwrap();
    assert_eq!(serde_json::from_str::<FaultsFile>(&json).unwrap(), file);
    assert_eq!(
        serde_json::to_value(&parsed[1]).unwrap(),
        json!({"fault": "throttle", "retry_after": 1, "operation": "DescribeImages", "first": 2})
    );
}

#[test]
fn bad_specs_say_what_is_accepted() {
    let cases = [
        ("explode", "latency, error, code, throttle"),
        ("latency", "delay"),
        ("latency=fast", "ms, s or m"),
        ("latency=2s..1s", "minimum"),
        ("reset=3", "takes no value"),
        ("reset,colour=red", "keys:"),
        ("reset,every=0", "1 or more"),
        ("error=500,first=0", "first must be 1 or more"),
        ("reset,p=2", "from 0 to 1"),
        ("reset,every=2,first=1", "one schedule"),
        ("throttle,status=503", "does not apply"),
        ("drip", "rate"),
        ("drip=0", "1 or more"),
        ("reset,provider=aws", "swr, ncr, tcr"),
        ("latency=99999999999999999999s", "not a duration"),
        ("latency=5000s", "too long"),
    ];
    for (spec, expected) in cases {
        let err = FaultRule::parse(spec).unwrap_err();
        assert!(err.contains(expected), "{spec}: {err}");
    }
    let err = FaultsFile::parse("faults:\n  - fault: reset\n    colour: red\n").unwrap_err();
    assert!(err.contains("colour"), "{err}");
}

#[test]
fn an_operation_scope_must_name_an_operation_in_scope() {
    let err = FaultRule::parse("reset,op=DescribeImage").unwrap_err();
    assert!(
        err.contains("tcr DescribeImages") && err.contains("swr list_repos_details"),
        "{err}"
    );
    assert!(FaultRule::parse("reset,op=DescribeImages,provider=swr").is_err());
    for op in [
        "GetImageTagList",
        "get_image_tag_list",
        "describeimages",
        "List-Repository-Tags",
    ] {
        assert!(FaultRule::parse(&format!("reset,op={op}")).is_ok(), "{op}");
    }
    // Each provider's list holds what its routes are named (its example request's operation among them).
    for p in PROVIDERS {
        let op = p.operation(&p.example()).unwrap();
        assert!(p.operations().contains(&op), "{:?}: {op}", p.id());
    }
}

#[tokio::test]
async fn in_test_api_maps_latency_to_a_delay_and_refuses_socket_faults() {
    let tcr = regmock::TcrMock::start().await;
    let err = tcr
        .fault(FaultRule::new(FaultKind::Socket(SocketFault::Reset)))
        .unwrap_err();
    assert!(err.contains("regmock serve"), "{err}");
    tcr.fault(FaultRule::parse("latency=200ms").unwrap())
        .unwrap();
    tcr.fault(FaultRule::parse("throttle,first=1").unwrap())
        .unwrap();
    let req = example(ProviderId::Tcr);
    let started = Instant::now();
    let (status, body, _) = status_and_json(&tcr.uri(), &req).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(status, 200);
    assert_eq!(body["Response"]["Error"]["Code"], "RequestLimitExceeded");
    // A socket fault added behind the guard is answered with a 500 that says why, never dropped silently.
    tcr.faults().clear();
    tcr.faults()
        .add(FaultRule::new(FaultKind::Socket(SocketFault::Reset)))
        .unwrap();
    let (status, body, _) = status_and_json(&tcr.uri(), &req).await;
    assert_eq!(status, 500);
    assert!(
        body["message"].as_str().unwrap().contains("regmock serve"),
        "{body}"
    );
}

#[test]
fn serve_refuses_a_bad_fault_spec_or_file_with_what_is_accepted() {
    let bin = env!("CARGO_BIN_EXE_regmock");
    let out = std::process::Command::new(bin)
        .args(["serve", "--addr", "127.0.0.1:0", "--fault", "explode"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--fault") && stderr.contains("latency, error, code"),
        "{stderr}"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("faults.yaml");
    std::fs::write(&file, "faults:\n  - fault: error\n    status: 418\n").unwrap();
    let out = std::process::Command::new(bin)
        .args(["serve", "--addr", "127.0.0.1:0", "--faults"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("faults.yaml") && stderr.contains("500, 502, 503, 504"),
        "{stderr}"
    );
}

/// Starts the real binary with `args`, returns it and the base URL from its banner.
fn serve_binary(args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let base = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("regmock serving on ").map(str::to_string))
        .expect("a banner");
    (child, base)
}

#[tokio::test]
async fn serve_applies_the_file_rules_before_the_flag_rules() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("faults.yaml");
    std::fs::write(
        &file,
        "faults:\n  - fault: throttle\n    provider: swr\n    retry_after: 3\n    first: 1\n",
    )
    .unwrap();
    let (mut child, base) = serve_binary(&[
        "--no-auth",
        "--faults",
        file.to_str().unwrap(),
        "--fault",
        "code=SVCSTG.SWR.4040010,provider=swr,first=1",
    ]);
    let first = send(&base, &example(ProviderId::Swr)).await.unwrap();
    assert_eq!(first.status(), 429, "the file's rule is tried first");
    assert_eq!(first.headers()["retry-after"], "3");
    // The flag's rule saw no call yet (the file's rule decided the first one), so it fires now.
    assert_eq!(
        send(&base, &example(ProviderId::Swr))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        send(&base, &example(ProviderId::Swr))
            .await
            .unwrap()
            .status(),
        200
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn serve_refuses_fault_rules_next_to_cassettes() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--fault",
            "drip=10",
            "--cassettes",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("fault rules are not applied with --cassettes"),
        "{stderr}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

    /// Any text is a rule or a message, never a panic; a rule written out in the file shape reads back the same.
    #[test]
    fn any_spec_parses_or_is_refused_and_rules_round_trip(
        spec in "[a-z=,._0-9-]{0,40}|(latency|error|code|throttle|malformed|reset|truncate|drip)(=[0-9a-z.]{0,12})?(,(every|first|p|seed|op|path|provider|within|keep|rate)=[0-9a-zA-Z./]{0,12}){0,3}",
    ) {
        if let Ok(rule) = FaultRule::parse(&spec) {
            let json = serde_json::to_value(&rule).unwrap();
            let back: FaultRule = serde_json::from_value(json.clone()).unwrap();
            proptest::prop_assert_eq!(&back, &rule, "{}", json);
            let faults = Faults::default();
            faults.add(rule).unwrap();
            faults.decide(ProviderId::Ncr, Some("get_image_tag_list"), "/ncr/api/v2/repositories/x/y/tags");
        }
    }

    /// Any YAML-ish text is a faults file or a message, never a panic.
    #[test]
    fn any_faults_file_parses_or_is_refused(text in "(faults:\n  - fault: [a-z-]{0,12}\n    [a-z_]{0,10}: [0-9a-z.]{0,8}\n){0,2}.{0,20}") {
        let _ = FaultsFile::parse(&text);
    }
}
