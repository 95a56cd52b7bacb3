//! One repository with 1,000,000 tags: load time, memory per tag, and every documented tag query, each as a ratio to a
//! baseline measured in the same run (absolute times on a shared 2-core machine mean little; ratios survive).
//!
//! Baseline: serialising 100 already-built SWR tag items with serde_json, the floor any list answer pays. Each query
//! is timed twice: through `Emulator::dispatch` (routing, parameters, the listing engine, rendering the vendor's JSON)
//! and in the listing engine alone (`Selection::of` plus collecting the window), so rendering and engine are apart.
//! Each time is the median of rounds that alternate with the baseline, and each ratio the median of the rounds'
//! ratios, so a neighbour's build slows both sides of a ratio alike.
//!
//! Run with `cargo bench --bench million` (or `benches/run.sh`, which runs every bench). `MILLION_TAGS=N` changes the
//! size.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;
use common::rss_bytes;

use regmock::http::{Request, Response};
use regmock::model::{Dataset, ProviderId, Repository};
use regmock::pipeline::RateLimit;
use regmock::shared::listing::{NameMatch, Selection, TagOrder, TagQuery};
use regmock::{Credentials, Emulator, Options};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Mean time of `f`, run until `budget` is spent (at least 3 times after one warm-up call).
fn per_op(budget: Duration, mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    let mut n = 0u32;
    while n < 3 || (start.elapsed() < budget && n < 100_000) {
        f();
        n += 1;
    }
    start.elapsed() / n
}

const ROUNDS: usize = 7;

/// Median time of `f` and median ratio to `baseline` over rounds that alternate the two, so load from other work on a
/// shared machine hits both alike.
fn versus(budget: Duration, baseline: &mut impl FnMut(), mut f: impl FnMut()) -> (Duration, f64) {
    let slice = budget / ROUNDS as u32;
    let mut times = Vec::with_capacity(ROUNDS);
    let mut ratios = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let b = per_op(slice, &mut *baseline);
        let t = per_op(slice, &mut f);
        times.push(t);
        ratios.push(t.as_secs_f64() / b.as_secs_f64());
    }
    times.sort();
    ratios.sort_by(f64::total_cmp);
    (times[ROUNDS / 2], ratios[ROUNDS / 2])
}

fn ok(resp: Response, what: &str) -> usize {
    assert_eq!(
        resp.status,
        200,
        "{what}: {}",
        String::from_utf8_lossy(&resp.body)
    );
    resp.body.len()
}

/// A TCR `GET /` DescribeImages call with the parameters in the query (authentication is off in this bench).
fn tcr(query: &str) -> Request {
    Request::get(&format!(
        "/?RegistryId=tcr-okmj78&NamespaceName=synthetic&RepositoryName=tags&{query}"
    ))
    .header("X-TC-Action", "DescribeImages")
    .header("X-TC-Version", "2019-09-24")
    .header("X-TC-Region", "ap-guangzhou")
}

fn swr(query: &str) -> Request {
    Request::get(&format!(
        "/v2/manage/namespaces/synthetic/repos/tags/tags?{query}"
    ))
    .header("X-Auth-Token", "bench")
}

struct Case {
    name: &'static str,
    request: Request,
    /// The same selection in the engine: query and window.
    engine: Option<(TagQuery<'static>, std::ops::Range<usize>)>,
}

fn q(name: Option<NameMatch<'static>>, order: TagOrder) -> TagQuery<'static> {
    TagQuery {
        name,
        ..TagQuery::all(order)
    }
}

fn main() {
    let count: usize = std::env::var("MILLION_TAGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    if std::env::var("MILLION_PROFILE").as_deref() == Ok("embedded") {
        // For `perf record`: preparing the embedded dataset (most of `serve`'s start-up), for five seconds.
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed() < Duration::from_secs(5) {
            black_box(Dataset::embedded().unwrap());
            n += 1;
        }
        println!("Dataset::embedded(): {:.2?} each", start.elapsed() / n);
        return;
    }
    let embedded = Dataset::embedded().unwrap();
    let rss_embedded = rss_bytes();
    let start = Instant::now();
    let big = embedded.clone().with_synthetic_tags(count).unwrap();
    let load = start.elapsed();
    let rss_big = rss_bytes();
    let per_tag = rss_big.saturating_sub(rss_embedded) as f64 / count as f64;
    if std::env::var_os("MILLION_LOAD_ONLY").is_some() {
        // For profiling the load alone (`perf record`).
        println!("load {load:.2?}, {per_tag:.0} bytes/tag");
        return;
    }

    let swr_repo: &Repository = big
        .registries_of(ProviderId::Swr)
        .next()
        .unwrap()
        .repository("synthetic", "tags")
        .unwrap();
    // A digest from the middle of the list, and a name that exists.
    let digest: &'static str = Box::leak(swr_repo.tags[count / 2 + 7].digest.to_string().into());
    let exact: &'static str = Box::leak(swr_repo.tags[count / 3].name.to_string().into_boxed_str());

    let options = Options {
        no_auth: true,
        rate_limit: RateLimit::Off,
        ..Options::default()
    };
    let emu = Emulator::with(big.clone(), Credentials::default(), options);

    // Baseline: the same 100 items, already built, serialised by serde_json.
    let page: serde_json::Value =
        serde_json::from_slice(&emu.dispatch(&swr("limit=100")).body).unwrap();
    let budget = Duration::from_millis(300);
    let mut base = || {
        black_box(serde_json::to_vec(black_box(&page)).unwrap());
    };
    let baseline = per_op(budget, &mut base);

    let mid = count / 2;
    let end = count.saturating_sub(100);
    use NameMatch::{Contains, Exact};
    use TagOrder::*;
    let cases = vec![
        Case {
            name: "unfiltered page, middle (updated desc)",
            request: swr(&format!("limit=100&offset={mid}")),
            engine: Some((TagQuery::all(UpdatedDesc), mid..mid + 100)),
        },
        Case {
            name: "unfiltered page, end (updated desc)",
            request: swr(&format!("limit=100&offset={end}")),
            engine: Some((TagQuery::all(UpdatedDesc), end..end + 100)),
        },
        Case {
            name: "unfiltered page, end (name asc)",
            request: swr(&format!(
                "limit=100&offset={end}&order_column=name&order_type=asc"
            )),
            engine: Some((TagQuery::all(NameAsc), end..end + 100)),
        },
        Case {
            name: "fuzzy tag=v99.9 (rare)",
            request: swr("tag=v99.9&limit=100"),
            engine: Some((q(Some(Contains("v99.9")), UpdatedDesc), 0..100)),
        },
        Case {
            name: "fuzzy tag=V12.3 (mixed case)",
            request: swr("tag=V12.3&limit=100"),
            engine: Some((q(Some(Contains("V12.3")), UpdatedDesc), 0..100)),
        },
        Case {
            name: "fuzzy tag=1 (47% of tags), page 1",
            request: swr("tag=1&limit=100"),
            engine: Some((q(Some(Contains("1")), UpdatedDesc), 0..100)),
        },
        Case {
            name: "fuzzy tag=1, middle page",
            request: swr("tag=1&limit=100&offset=230000"),
            engine: Some((q(Some(Contains("1")), UpdatedDesc), 230_000..230_100)),
        },
        Case {
            name: "fuzzy tag=.5 name asc, middle page",
            request: swr("tag=.5&limit=100&offset=50000&order_column=name&order_type=asc"),
            engine: Some((q(Some(Contains(".5")), NameAsc), 50_000..50_100)),
        },
        Case {
            name: "fuzzy tag=v1 name desc",
            request: swr("tag=v1&limit=100&order_column=name&order_type=desc"),
            engine: Some((q(Some(Contains("v1")), NameDesc), 0..100)),
        },
        Case {
            name: "fuzzy tag=7.7 updated asc",
            request: swr("tag=7.7&limit=100&order_column=updated_at&order_type=asc"),
            engine: Some((q(Some(Contains("7.7")), UpdatedAsc), 0..100)),
        },
        Case {
            name: "fuzzy tag=42 updated desc, offset 5000",
            request: swr("tag=42&limit=100&offset=5000&order_type=desc"),
            engine: Some((q(Some(Contains("42")), UpdatedDesc), 5000..5100)),
        },
        Case {
            name: "SWR filter=tag::v5.5|name desc|offset 10",
            request: swr(
                "filter=tag::v5.5|limit::50|offset::10|order_column::name|order_type::desc",
            ),
            engine: Some((q(Some(Contains("v5.5")), NameDesc), 10..60)),
        },
        Case {
            name: "SWR show tag",
            request: Request::get(&format!(
                "/v2/manage/namespaces/synthetic/repos/tags/tags/{exact}"
            ))
            .header("X-Auth-Token", "bench"),
            engine: Some((q(Some(Exact(exact)), NameAsc), 0..1)),
        },
        Case {
            name: "TCR ImageVersion=v9.9 fuzzy",
            request: tcr("ImageVersion=v9.9&Limit=100"),
            engine: Some((q(Some(Contains("v9.9")), UpdatedDesc), 0..100)),
        },
        Case {
            name: "TCR ImageVersion exact",
            request: tcr(&format!("ImageVersion={exact}&ExactMatch=true")),
            engine: Some((q(Some(Exact(exact)), UpdatedDesc), 0..20)),
        },
        Case {
            name: "TCR Digest",
            request: tcr(&format!("Digest={digest}")),
            engine: Some((
                TagQuery {
                    digest: Some(digest),
                    ..TagQuery::all(UpdatedDesc)
                },
                0..20,
            )),
        },
        Case {
            name: "TCR ImageVersion fuzzy + Digest",
            request: tcr(&format!("ImageVersion=v&Digest={digest}")),
            engine: Some((
                TagQuery {
                    name: Some(Contains("v")),
                    digest: Some(digest),
                    ..TagQuery::all(UpdatedDesc)
                },
                0..20,
            )),
        },
        Case {
            name: "NCR last page (live only, updated desc)",
            request: Request::get(&format!(
                "/ncr/api/v2/repositories/ncr-example/synthetic%2Ftags/tags?page={}&pagesize=100",
                count / 100
            )),
            engine: Some((
                TagQuery {
                    live_only: true,
                    ..TagQuery::all(UpdatedDesc)
                },
                end..end + 100,
            )),
        },
    ];

    if let Ok(which) = std::env::var("MILLION_PROFILE") {
        // For `perf record`: the first case whose name contains MILLION_PROFILE, dispatched for five seconds.
        let case = cases.iter().find(|c| c.name.contains(&which)).unwrap();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            black_box(ok(emu.dispatch(&case.request), case.name));
        }
        return;
    }
    println!("tags: {count}; load (embedded + synthetic tags): {load:.2?}");
    println!(
        "memory: +{:.0} MB for {count} tags = {per_tag:.0} bytes/tag (RSS, indexes included)",
        rss_big.saturating_sub(rss_embedded) as f64 / 1e6
    );
    println!("baseline (serde_json of 100 tag items): {baseline:.2?}/op");
    println!(
        "{:<44} {:>12} {:>10} {:>12} {:>10} {:>8}",
        "query (1M tags)", "dispatch", "x base", "engine", "x base", "total"
    );
    for case in &cases {
        let (t, tr) = versus(budget, &mut base, || {
            black_box(ok(emu.dispatch(black_box(&case.request)), case.name));
        });
        let (te, ter, total) = match &case.engine {
            Some((query, range)) => {
                let total = Selection::of(swr_repo, query).len();
                let (te, ter) = versus(budget, &mut base, || {
                    let s = Selection::of(swr_repo, black_box(query));
                    black_box(s.window(range.clone()).count());
                });
                (te, ter, total)
            }
            None => (Duration::ZERO, 0.0, 0),
        };
        println!(
            "{:<44} {:>10.1}µs {:>10.2} {:>10.1}µs {:>10.3} {:>8}",
            case.name,
            t.as_secs_f64() * 1e6,
            tr,
            te.as_secs_f64() * 1e6,
            ter,
            total
        );
    }
    println!(
        "load: {:.2?} = {:.0}x baseline; memory {per_tag:.0} bytes/tag",
        load,
        load.as_secs_f64() / baseline.as_secs_f64()
    );
}
