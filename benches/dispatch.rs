//! Speed and memory of the emulator core, reported as ratios against a baseline measured in the same run (absolute
//! times on a shared 2-core machine mean little; ratios survive). Run with `cargo bench --bench dispatch`.
//!
//! Baseline: serialising the same 100 list items with serde_json alone — the floor any list answer pays.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;
use common::rss_bytes;

use regmock::http::Request;
use regmock::model::Dataset;
use regmock::{Credentials, Emulator, Options};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn per_op(iterations: u32, mut f: impl FnMut()) -> Duration {
    for _ in 0..iterations / 10 + 1 {
        f(); // warm-up
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

fn get(emu: &Emulator, target: &str) -> usize {
    let resp = emu.dispatch(&Request::get(target).header("X-Auth-Token", "bench"));
    assert_eq!(resp.status, 200, "{target}");
    resp.body.len()
}

fn main() {
    let rss_before = rss_bytes();
    let embedded = Dataset::embedded().unwrap();
    let rss_embedded = rss_bytes();
    let big = embedded.clone().with_synthetic_tags(1_000_000).unwrap();
    let rss_big = rss_bytes();
    let emu = Emulator::with(big, Credentials::default(), Options::default());

    // Baseline: the same 100 items, already built, serialised by serde_json.
    let page: serde_json::Value = serde_json::from_slice(
        &emu.dispatch(
            &Request::get("/v2/manage/namespaces/group/repos/bulk-app/tags?limit=100")
                .header("X-Auth-Token", "b"),
        )
        .body,
    )
    .unwrap();
    let baseline = per_op(2000, || {
        black_box(serde_json::to_vec(black_box(&page)).unwrap());
    });

    let cases: &[(&str, &str)] = &[
        (
            "show tag",
            "/v2/manage/namespaces/group/repos/busybox/tags/latest",
        ),
        (
            "list 100 tags of 1,500",
            "/v2/manage/namespaces/group/repos/bulk-app/tags?limit=100",
        ),
        (
            "list 100 tags at offset 999,900 of 1,000,000",
            "/v2/manage/namespaces/synthetic/repos/tags/tags?limit=100&offset=999900",
        ),
        (
            "filter 1,000,000 tags by substring",
            "/v2/manage/namespaces/synthetic/repos/tags/tags?filter=tag::v99.9|limit::100",
        ),
        (
            "list 100 repositories (one lists 1,000,000 tag names)",
            "/v2/manage/repos?limit=100&offset=0",
        ),
    ];
    println!("baseline (serde_json of 100 tag items): {baseline:?}/op");
    println!("{:<56} {:>12} {:>10}", "case", "per op", "x baseline");
    for (name, target) in cases {
        let iterations = if name.contains("1,000,000") { 20 } else { 500 };
        let t = per_op(iterations, || {
            black_box(get(&emu, target));
        });
        println!(
            "{name:<56} {t:>12?} {:>10.2}",
            t.as_secs_f64() / baseline.as_secs_f64()
        );
    }
    serve_under_load(&emu);
    let embedded_mb = (rss_embedded - rss_before) as f64 / 1e6;
    let per_tag = (rss_big - rss_embedded) as f64 / 1e6;
    println!(
        "memory: embedded dataset {embedded_mb:.1} MB; +1,000,000 synthetic tags {per_tag:.0} MB ({:.0} bytes/tag, {:.1}x the embedded dataset)",
        per_tag,
        per_tag / embedded_mb.max(0.1)
    );
}

/// Sends `requests` GETs of `url` over `CONNECTIONS` keep-alive connections with reqwest; returns the time taken.
async fn loopback_load(client: &reqwest::Client, url: &str, requests: usize) -> Duration {
    let start = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (client, url) = (client.clone(), url.to_string());
            tokio::spawn(async move {
                for _ in 0..requests / CONNECTIONS {
                    let r = client
                        .get(&url)
                        .header("X-Auth-Token", "b")
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 200);
                    black_box(r.bytes().await.unwrap());
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    start.elapsed()
}

const CONNECTIONS: usize = 8;

/// Loopback load against `serve`'s transport and against the in-test (wiremock) transport, alternating rounds of a
/// bounded count over 8 connections. Reports per-request time as a ratio to a direct `dispatch` of the same request,
/// the in-test transport as a ratio to `serve`, and resident memory before and after (no journal: it must stay flat).
fn serve_under_load(emu: &Emulator) {
    const REQUESTS: usize = 20_000;
    const ROUNDS: usize = 3;
    let target = "/v2/manage/namespaces/group/repos/busybox/tags/latest";
    let direct = per_op(2000, || {
        black_box(get(emu, target));
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (serve, in_test, serve_grew, in_test_grew, unrecorded, unrecorded_grew) =
        rt.block_on(async {
            let server =
                regmock::transport::server::spawn(emu.clone(), "127.0.0.1:0".parse().unwrap())
                    .await
                    .unwrap();
            // The in-test API on the same data: only the transport differs.
            let mock = regmock::SwrMock::start_with(
                emu.dataset().clone(),
                Credentials::default(),
                Options::default(),
            )
            .await;
            // The same with wiremock's request recording off (`record_requests(false)`).
            let quiet = regmock::SwrMock::builder()
                .dataset(emu.dataset().clone())
                .record_requests(false)
                .start()
                .await;
            let client = reqwest::Client::new();
            let (serve_url, mock_url, quiet_url) = (
                format!("{}{target}", server.uri()),
                format!("{}{target}", mock.uri()),
                format!("{}{target}", quiet.uri()),
            );
            // Warm-up: connections, allocator pools.
            loopback_load(&client, &serve_url, REQUESTS / 4).await;
            loopback_load(&client, &mock_url, REQUESTS / 4).await;
            loopback_load(&client, &quiet_url, REQUESTS / 4).await;
            // Resident memory gained during each transport's rounds, so one transport's growth is not blamed on the other.
            let (mut serve, mut in_test, mut unrecorded) = (Vec::new(), Vec::new(), Vec::new());
            let (mut serve_grew, mut in_test_grew, mut unrecorded_grew) = (0i64, 0i64, 0i64);
            for _ in 0..ROUNDS {
                let before = rss_bytes() as i64;
                serve.push(loopback_load(&client, &serve_url, REQUESTS).await);
                let mid = rss_bytes() as i64;
                in_test.push(loopback_load(&client, &mock_url, REQUESTS).await);
                let after = rss_bytes() as i64;
                unrecorded.push(loopback_load(&client, &quiet_url, REQUESTS).await);
                serve_grew += mid - before;
                in_test_grew += after - mid;
                unrecorded_grew += rss_bytes() as i64 - after;
            }
            server.stop().await.unwrap();
            serve.sort();
            in_test.sort();
            unrecorded.sort();
            (
                serve[ROUNDS / 2],
                in_test[ROUNDS / 2],
                serve_grew,
                in_test_grew,
                unrecorded[ROUNDS / 2],
                unrecorded_grew,
            )
        });
    let (serve, in_test, unrecorded) = (
        serve / REQUESTS as u32,
        in_test / REQUESTS as u32,
        unrecorded / REQUESTS as u32,
    );
    let total = (ROUNDS * REQUESTS) as f64;
    println!(
        "serve over loopback ({REQUESTS} requests x {ROUNDS} rounds, {CONNECTIONS} connections, median): {serve:?}/request, {:.1}x a direct dispatch ({direct:?}); RSS grew {:.1} MB over its {total} requests ({:.0} bytes/request)",
        serve.as_secs_f64() / direct.as_secs_f64(),
        serve_grew as f64 / 1e6,
        serve_grew as f64 / total
    );
    println!(
        "in-test API (wiremock) over loopback, same load: {in_test:?}/request = {:.2}x serve's time per request ({:.2}x its throughput); RSS grew {:.1} MB over its {total} requests ({:.0} bytes/request)",
        in_test.as_secs_f64() / serve.as_secs_f64(),
        serve.as_secs_f64() / in_test.as_secs_f64(),
        in_test_grew as f64 / 1e6,
        in_test_grew as f64 / total
    );
    println!(
        "in-test API with record_requests(false), same load: {unrecorded:?}/request = {:.2}x serve's throughput; RSS grew {:.1} MB over its {total} requests ({:.0} bytes/request)",
        serve.as_secs_f64() / unrecorded.as_secs_f64(),
        unrecorded_grew as f64 / 1e6,
        unrecorded_grew as f64 / total
    );
}
