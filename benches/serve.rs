//! `regmock serve` against a bare axum server returning the same bytes, measured side by side in one run on loopback:
//! cold start (exec → first 200 with the default dataset) and, when `wrk` is installed, throughput and p99 latency of
//! each provider's main list call (`wrk -t2 -c32 -d8s`), plus the server's resident memory before and after.
//!
//! Run with `cargo bench --bench serve` (or `benches/run.sh`). The bare server is this binary started again with
//! `--bare ADDR BODY_FILE CONTENT_TYPE`; `SERVE_WRK_SECS` changes the wrk duration, `SERVE_COLD_RUNS` the number of
//! cold starts, and `SERVE_PROFILE=1` records `perf` samples of regmock during its first wrk run (to
//! `target/tmp/serve.perf.data`). `SERVE_REGMOCK=PATH` measures another `regmock` binary (an earlier build) instead, and
//! `SERVE_COLD_ONLY=1` stops after the cold start.
//!
//! The throughput part ends with the bare server's **CPU budget**: the same server made to burn a fixed CPU time on
//! each request (`--bare ... BUSY_NS`), at 1 to 6 µs, against itself without it. It shows how much work a request the
//! 0.8x target leaves to everything regmock does beyond returning fixed bytes (checking the signature, routing,
//! querying, rendering, logging). `SERVE_BUDGET_ONLY=1` runs only that part.
//!
//! With valgrind installed, the run ends with the instructions each server executes per request (callgrind, the same
//! signed call over one keep-alive connection): unlike times and rates, these counts do not move with the load of a
//! shared machine, so a change of a few percent shows. `SERVE_INSTR_REQUESTS` sets how many requests are counted
//! (default 2000), `SERVE_INSTR_ONLY=1` runs only that part.
#![allow(clippy::unwrap_used, missing_docs)]

use regmock::Emulator;
use regmock::http::Request;
use regmock::pipeline::KeyPair;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The `regmock` binary under test: this build's, or `SERVE_REGMOCK` (to compare another build in the same run).
fn regmock_bin() -> PathBuf {
    std::env::var_os("SERVE_REGMOCK").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_regmock")),
        PathBuf::from,
    )
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some("--bare") {
        let busy = args.get(4).map_or(0, |ns| ns.parse().unwrap());
        bare_server(&args[1], &args[2], &args[3], Duration::from_nanos(busy));
        return;
    }
    let instr_requests = env_or("SERVE_INSTR_REQUESTS", 2000);
    if std::env::var_os("SERVE_INSTR_ONLY").is_some() {
        instructions(instr_requests);
        return;
    }
    if std::env::var_os("SERVE_BUDGET_ONLY").is_some() {
        budget(env_or("SERVE_WRK_SECS", 8));
        return;
    }
    let runs: usize = env_or("SERVE_COLD_RUNS", 25);
    cold_start(runs);
    if std::env::var_os("SERVE_COLD_ONLY").is_some() {
        return;
    }
    if Command::new("wrk").arg("--version").output().is_ok() {
        throughput(env_or("SERVE_WRK_SECS", 8));
        budget(env_or("SERVE_WRK_SECS", 8));
        let requests = env_or("SERVE_RSS_REQUESTS", 1_000_000);
        rss_over_requests(requests, &[]);
        if journal_supported() {
            rss_over_requests(requests, &["--journal", "1000"]);
        }
    } else {
        println!("wrk not found: throughput skipped (apt-get install wrk)");
    }
    instructions(instr_requests);
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The baseline: any request gets `body` with `content_type`, from axum on tokio's multi-thread runtime, as a minimal
/// real service would be written.
/// Answers every request with `body_file`'s bytes, after spinning `busy` on the CPU (the budget runs).
fn bare_server(addr: &str, body_file: &str, content_type: &str, busy: Duration) {
    let body = std::fs::read(body_file).unwrap();
    let content_type = content_type.to_string();
    let addr: SocketAddr = addr.parse().unwrap();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async move {
            let app = axum::Router::new().fallback(move || {
                let (body, content_type) = (body.clone(), content_type.clone());
                // On the worker, as regmock's own work runs: a busy CPU, not a sleep, which would cost nothing.
                let began = Instant::now();
                while began.elapsed() < busy {
                    std::hint::spin_loop();
                }
                async move { ([(axum::http::header::CONTENT_TYPE, content_type)], body) }
            });
            let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
            axum::serve(listener, app).await.unwrap();
        });
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The raw HTTP/1.1 bytes of `req` sent to `port`, asking the server to close the connection after the answer.
fn wire(req: &Request, port: u16) -> Vec<u8> {
    wire_with(req, port, "close")
}

/// The raw HTTP/1.1 bytes of `req` sent to `port`, with `Connection: <connection>`.
fn wire_with(req: &Request, port: u16, connection: &str) -> Vec<u8> {
    let target = match &req.query {
        Some(q) => format!("{}?{q}", req.path),
        None => req.path.clone(),
    };
    let mut out = format!(
        "{} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n",
        req.method
    );
    for (k, v) in &req.headers {
        if !k.eq_ignore_ascii_case("host") {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: {connection}\r\n\r\n",
        req.body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&req.body);
    bytes
}

/// Sends `raw` and returns (status, content type, body) once the server closes the connection.
fn exchange(port: u16, raw: &[u8]) -> std::io::Result<(u16, String, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.write_all(raw)?;
    let mut all = Vec::new();
    stream.read_to_end(&mut all)?;
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(all.len());
    let head = String::from_utf8_lossy(&all[..split]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let content_type = head
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        })
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    let body = all.get(split + 4..).unwrap_or_default().to_vec();
    // Bodies here are never chunked: both servers know the length of what they send.
    Ok((status, content_type, body))
}

/// Starts a server and waits (polling every 100 µs) for its first 200; returns the child and exec → 200.
#[allow(
    clippy::zombie_processes,
    reason = "the child is returned to the caller, which always ends it with `stop`"
)]
fn start(mut cmd: Command, port: u16, probe: &[u8]) -> (Child, Duration) {
    let t0 = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    loop {
        if let Ok((200, _, _)) = exchange(port, probe) {
            return (child, t0.elapsed());
        }
        if t0.elapsed() > Duration::from_secs(30) {
            stop(child);
            panic!("server did not answer");
        }
        std::thread::sleep(Duration::from_micros(100));
    }
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn regmock_cmd(port: u16, extra: &[&str]) -> Command {
    let mut cmd = Command::new(regmock_bin());
    cmd.args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .args(extra);
    cmd
}

fn bare_cmd(port: u16, body: &Path, content_type: &str) -> Command {
    busy_bare_cmd(port, body, content_type, Duration::ZERO)
}

/// The bare server, spinning `busy` on each request before it answers.
fn busy_bare_cmd(port: u16, body: &Path, content_type: &str, busy: Duration) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--bare",
        &format!("127.0.0.1:{port}"),
        body.to_str().unwrap(),
        content_type,
        &busy.as_nanos().to_string(),
    ]);
    cmd
}

fn scratch() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-bench");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The SWR example call ("list the documented example repository"), which the embedded dataset answers.
fn swr_probe() -> Request {
    Request::get("/v2/manage/repos?namespace=group&name=busybox").header("X-Auth-Token", "bench")
}

fn cold_start(runs: usize) {
    let probe = swr_probe();
    // The bytes the bare server will return: regmock's own answer.
    let port = free_port();
    let (child, _) = start(regmock_cmd(port, &[]), port, &wire(&probe, port));
    let (_, content_type, body) = exchange(port, &wire(&probe, port)).unwrap();
    stop(child);
    let body_file = scratch().join("cold.body");
    std::fs::write(&body_file, &body).unwrap();

    let (mut ours, mut bare) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        // Alternate, so load from other work hits both alike.
        let port = free_port();
        let (child, t) = start(regmock_cmd(port, &[]), port, &wire(&probe, port));
        stop(child);
        ours.push(t);
        let port = free_port();
        let (child, t) = start(
            bare_cmd(port, &body_file, &content_type),
            port,
            &wire(&probe, port),
        );
        stop(child);
        bare.push(t);
    }
    let (ours, bare) = (median(ours), median(bare));
    // The share of it that is preparing the embedded dataset (parse, generate the synthetic lists, index), in process.
    let load = median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(regmock::model::Dataset::embedded().unwrap());
                t.elapsed()
            })
            .collect(),
    );
    println!(
        "cold start, exec -> first 200 (median of {runs}): regmock serve {:.1} ms, bare axum {:.1} ms = {:.2}x; of which preparing the embedded dataset {:.1} ms",
        ours.as_secs_f64() * 1e3,
        bare.as_secs_f64() * 1e3,
        ours.as_secs_f64() / bare.as_secs_f64(),
        load.as_secs_f64() * 1e3
    );
}

/// A wrk Lua script sending `req` (method, headers, body) to whatever URL wrk is given.
fn wrk_script(req: &Request, file: &Path) {
    let quote = |s: &str| format!("{s:?}");
    let mut lua = format!("wrk.method = {}\n", quote(&req.method));
    for (k, v) in &req.headers {
        if !k.eq_ignore_ascii_case("host") {
            lua.push_str(&format!("wrk.headers[{}] = {}\n", quote(k), quote(v)));
        }
    }
    if !req.body.is_empty() {
        lua.push_str(&format!(
            "wrk.body = {}\n",
            quote(&String::from_utf8_lossy(&req.body))
        ));
    }
    std::fs::write(file, lua).unwrap();
}

struct Wrk {
    requests: u64,
    requests_per_sec: f64,
    p99_ms: f64,
    non_2xx: u64,
}

fn wrk(url: &str, script: &Path, secs: u64) -> Wrk {
    let out = Command::new("wrk")
        .args(["-t2", "-c32", &format!("-d{secs}s"), "--latency", "-s"])
        .arg(script)
        .arg(url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let field = |prefix: &str| -> Option<String> {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .map(|l| l[prefix.len()..].trim().to_string())
    };
    let ms = |s: &str| -> f64 {
        let (num, unit) = s.split_at(s.find(|c: char| c.is_alphabetic()).unwrap_or(s.len()));
        let v: f64 = num.parse().unwrap_or(f64::NAN);
        match unit {
            "us" => v / 1e3,
            "s" => v * 1e3,
            _ => v,
        }
    };
    Wrk {
        // "123456 requests in 8.00s, 55.12MB read"
        requests: text
            .lines()
            .find_map(|l| l.trim().split_once(" requests in "))
            .and_then(|(n, _)| n.parse().ok())
            .unwrap_or(0),
        requests_per_sec: field("Requests/sec:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0),
        p99_ms: field("99%").map_or(f64::NAN, |v| ms(&v)),
        non_2xx: field("Non-2xx or 3xx responses:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    }
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// `provider`'s example call, signed with the default key for a server on `port`.
fn signed_example(provider: &dyn regmock::pipeline::Provider, port: u16) -> Request {
    let key = KeyPair {
        access_key: regmock::pipeline::DEFAULT_ACCESS_KEY.into(),
        secret_key: regmock::pipeline::DEFAULT_SECRET_KEY.into(),
    };
    let mut req = provider.example();
    provider.sign(
        &mut req,
        &key,
        chrono::Utc::now(),
        &format!("127.0.0.1:{port}"),
    );
    req
}

fn throughput(secs: u64) {
    let dir = scratch();
    let emulator = Emulator::embedded();
    // The documented TCR limit (100 requests/second) would refuse most of the load: measure serving, not refusing.
    let port = free_port();
    let probe = swr_probe();
    let (server, _) = start(
        regmock_cmd(port, &["--rate-limit", "off"]),
        port,
        &wire(&probe, port),
    );
    let pid = server.id();
    let rss_start = rss_kb(pid);
    println!(
        "throughput, wrk -t2 -c32 -d{secs}s on loopback, each provider's example list call (signed):"
    );
    println!(
        "{:<6} {:>8} {:>12} {:>9} {:>12} {:>9} {:>8} {:>8} {:>12} {:>10}",
        "call",
        "bytes",
        "regmock r/s",
        "p99 ms",
        "bare r/s",
        "p99 ms",
        "ratio",
        "p99 x",
        "dispatch µs",
        "µs/req gap"
    );
    let mut profiled = std::env::var_os("SERVE_PROFILE").is_none();
    for provider in emulator.providers() {
        let req = signed_example(*provider, port);
        let (status, content_type, body) = exchange(port, &wire(&req, port)).unwrap();
        assert_eq!(
            status,
            200,
            "{}: {}",
            provider.id().as_str(),
            String::from_utf8_lossy(&body)
        );
        let name = provider.id().as_str();
        // The emulator core alone, in-process: how much of a request's cost is not transport and kernel.
        let direct = {
            let emu = Emulator::with(
                regmock::model::Dataset::embedded().unwrap(),
                regmock::Credentials::default(),
                regmock::Options {
                    rate_limit: regmock::pipeline::RateLimit::Off,
                    ..regmock::Options::default()
                },
            );
            let mut signed = req.clone();
            signed
                .headers
                .retain(|(k, _)| !k.eq_ignore_ascii_case("host"));
            signed
                .headers
                .push(("Host".into(), format!("127.0.0.1:{port}")));
            assert_eq!(emu.dispatch(&signed).status, 200, "{name} in-process");
            let n = 20_000u32;
            let t0 = Instant::now();
            for _ in 0..n {
                std::hint::black_box(emu.dispatch(std::hint::black_box(&signed)));
            }
            t0.elapsed() / n
        };
        let body_file = dir.join(format!("{name}.body"));
        std::fs::write(&body_file, &body).unwrap();
        let script = dir.join(format!("{name}.lua"));
        wrk_script(&req, &script);
        let target = match &req.query {
            Some(q) => format!("{}?{q}", req.path),
            None => req.path.clone(),
        };
        let perf = (!profiled).then(|| {
            profiled = true;
            Command::new("perf")
                .args(["record", "-F", "2000", "-g", "-o"])
                .arg(dir.join("../serve.perf.data"))
                .args(["-p", &pid.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()
        });
        let ours = wrk(&format!("http://127.0.0.1:{port}{target}"), &script, secs);
        if let Some(Some(mut p)) = perf {
            // SIGINT lets perf write its file.
            let _ = Command::new("kill")
                .args(["-INT", &p.id().to_string()])
                .status();
            let _ = p.wait();
        }
        let bare_port = free_port();
        let (bare, _) = start(
            bare_cmd(bare_port, &body_file, &content_type),
            bare_port,
            &wire(&req, bare_port),
        );
        let base = wrk(
            &format!("http://127.0.0.1:{bare_port}{target}"),
            &script,
            secs,
        );
        stop(bare);
        println!(
            "{name:<6} {:>8} {:>12.0} {:>9.2} {:>12.0} {:>9.2} {:>8.2} {:>8.2} {:>12.1} {:>10.1}{}",
            body.len(),
            ours.requests_per_sec,
            ours.p99_ms,
            base.requests_per_sec,
            base.p99_ms,
            ours.requests_per_sec / base.requests_per_sec,
            ours.p99_ms / base.p99_ms,
            direct.as_secs_f64() * 1e6,
            // Two cores serve both: the extra CPU time per request regmock spends over the bare server.
            2e6 / ours.requests_per_sec - 2e6 / base.requests_per_sec,
            if ours.non_2xx > 0 {
                format!("  ({} non-2xx!)", ours.non_2xx)
            } else {
                String::new()
            }
        );
    }
    println!(
        "regmock serve RSS: {:.1} MB at start, {:.1} MB after the runs above",
        rss_start as f64 / 1e3,
        rss_kb(pid) as f64 / 1e3
    );
    stop(server);
}

/// The bare server's throughput with a fixed CPU cost added to each request, as a ratio to itself without it: where
/// the 0.8x line lies in microseconds of work a request, with SWR's signed example call and its answer's bytes.
fn budget(secs: u64) {
    let dir = scratch();
    let port = free_port();
    let (server, _) = start(
        regmock_cmd(port, &["--rate-limit", "off"]),
        port,
        &wire(&swr_probe(), port),
    );
    let emulator = Emulator::embedded();
    let swr = emulator.providers()[0];
    assert_eq!(swr.id().as_str(), "swr");
    let req = signed_example(swr, port);
    let (status, content_type, body) = exchange(port, &wire(&req, port)).unwrap();
    stop(server);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let body_file = dir.join("budget.body");
    std::fs::write(&body_file, &body).unwrap();
    let script = dir.join("budget.lua");
    wrk_script(&req, &script);
    let rate = |busy_us: u64| {
        let port = free_port();
        let busy = Duration::from_micros(busy_us);
        let (bare, _) = start(
            busy_bare_cmd(port, &body_file, &content_type, busy),
            port,
            &wire(&req, port),
        );
        let r = wrk(
            &format!("http://127.0.0.1:{port}{}", req.target()),
            &script,
            secs,
        );
        stop(bare);
        r.requests_per_sec
    };
    // Each level twice, in rising then falling order, so a drift of the machine's speed during the runs hits all alike.
    const LEVELS: [u64; 6] = [0, 1, 2, 3, 4, 6];
    let mut sums = [0.0; LEVELS.len()];
    for i in (0..LEVELS.len()).chain((0..LEVELS.len()).rev()) {
        sums[i] += rate(LEVELS[i]) / 2.0;
    }
    let base = sums[0];
    let busy: Vec<(u64, f64)> = LEVELS.iter().copied().zip(sums).skip(1).collect();
    println!(
        "CPU budget: the bare server burning a fixed CPU time on each request (wrk -t2 -c32 -d{secs}s, SWR's example call, each level twice), against itself without it ({base:.0} r/s):"
    );
    println!("{:>10} {:>10} {:>8}", "busy µs", "r/s", "ratio");
    for (us, r) in &busy {
        println!("{us:>10} {r:>10.0} {:>8.2}", r / base);
    }
    // Linear between the two measured points around 0.8.
    let points: Vec<(f64, f64)> = std::iter::once((0.0, 1.0))
        .chain(busy.iter().map(|&(us, r)| (us as f64, r / base)))
        .collect();
    match points.windows(2).find(|w| w[0].1 >= 0.8 && w[1].1 < 0.8) {
        Some(w) => {
            let at = w[0].0 + (w[0].1 - 0.8) / (w[0].1 - w[1].1) * (w[1].0 - w[0].0);
            println!(
                "0.8x of the bare server leaves about {at:.1} µs of CPU a request for all of regmock's own work"
            );
        }
        None => println!("0.8x not crossed between 0 and 6 µs on this run (too noisy?)"),
    }
}

/// Whether the binary under test has `serve --journal` (an earlier build measured with `SERVE_REGMOCK` may not).
fn journal_supported() -> bool {
    Command::new(regmock_bin())
        .args(["serve", "--help"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("--journal"))
}

/// Resident memory of `serve` over `total` requests of the SWR example call (wrk in 4 s rounds until `total` are
/// answered, at most 5 minutes), sampled after each round. Flat means: after the first round (connections, allocator
/// pools, lazily built state), the largest sample stays within a few percent of it.
fn rss_over_requests(total: u64, extra: &[&str]) {
    let port = free_port();
    let probe = swr_probe();
    let mut args = vec!["--rate-limit", "off"];
    args.extend_from_slice(extra);
    let (server, _) = start(regmock_cmd(port, &args), port, &wire(&probe, port));
    let pid = server.id();
    let script = scratch().join("rss.lua");
    wrk_script(&probe, &script);
    let target = probe.target();
    let url = format!("http://127.0.0.1:{port}{target}");
    let (mut done, mut samples) = (0u64, Vec::new());
    let began = Instant::now();
    while done < total && began.elapsed() < Duration::from_secs(300) {
        let round = wrk(&url, &script, 4);
        assert_eq!(round.non_2xx, 0, "refused requests");
        done += round.requests;
        samples.push(rss_kb(pid));
    }
    stop(server);
    let first = samples.first().copied().unwrap_or(0) as f64;
    let max = samples.iter().copied().max().unwrap_or(0) as f64;
    let last = samples.last().copied().unwrap_or(0) as f64;
    let trend: Vec<String> = samples
        .iter()
        .map(|kb| format!("{:.1}", *kb as f64 / 1e3))
        .collect();
    println!(
        "serve RSS over {done} requests ({}): {:.1} MB after the first round, {:.1} MB at most, {:.1} MB at the end = {:+.1} % (max over first); MB per round: {}",
        if extra.is_empty() {
            "journal off".to_string()
        } else {
            extra.join(" ")
        },
        first / 1e3,
        max / 1e3,
        last / 1e3,
        (max / first.max(1.0) - 1.0) * 100.0,
        trend.join(" ")
    );
}

/// Sends `raw` on a keep-alive connection and reads one answer whole (both servers send a `Content-Length`); returns
/// its status.
fn keep_alive_exchange(conn: &mut std::io::BufReader<TcpStream>, raw: &[u8]) -> u16 {
    use std::io::BufRead;
    conn.get_mut().write_all(raw).unwrap();
    let (mut status, mut length) = (0, 0);
    let mut line = String::new();
    loop {
        line.clear();
        assert!(conn.read_line(&mut line).unwrap() > 0, "connection closed");
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some(code) = trimmed.strip_prefix("HTTP/1.1 ") {
            status = code.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        } else if let Some((name, value)) = trimmed.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).unwrap();
    status
}

/// `cmd` run under callgrind with instrumentation off until [`count_instructions`] turns it on.
fn under_callgrind(cmd: &Command, out: &Path) -> Command {
    let mut wrapped = Command::new("valgrind");
    wrapped
        .args(["--tool=callgrind", "--instr-atstart=no"])
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(cmd.get_program())
        .args(cmd.get_args());
    wrapped
}

fn callgrind_control(args: &[&str], pid: u32) {
    let status = Command::new("callgrind_control")
        .args(args)
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "callgrind_control {args:?}");
}

/// Instructions per request of the server `cmd` starts (under callgrind) for `requests` sends of `req`, after 200 sends
/// to warm up.
fn count_instructions(cmd: &Command, port: u16, req: &Request, requests: u32, out: &Path) -> f64 {
    let dump = PathBuf::from(format!("{}.1", out.display()));
    let _ = std::fs::remove_file(&dump);
    let (child, _) = start(under_callgrind(cmd, out), port, &wire(req, port));
    let raw = wire_with(req, port, "keep-alive");
    let mut conn = std::io::BufReader::new(TcpStream::connect(("127.0.0.1", port)).unwrap());
    for _ in 0..200 {
        assert_eq!(keep_alive_exchange(&mut conn, &raw), 200);
    }
    callgrind_control(&["--instr=on"], child.id());
    for _ in 0..requests {
        assert_eq!(keep_alive_exchange(&mut conn, &raw), 200);
    }
    callgrind_control(&["--instr=off"], child.id());
    callgrind_control(&["--dump"], child.id());
    let t0 = Instant::now();
    let total = loop {
        let text = std::fs::read_to_string(&dump).unwrap_or_default();
        if let Some(total) = text
            .lines()
            .find_map(|l| l.strip_prefix("totals: "))
            .and_then(|t| t.trim().parse::<u64>().ok())
        {
            break total;
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "no callgrind dump");
        std::thread::sleep(Duration::from_millis(50));
    };
    stop(child);
    total as f64 / f64::from(requests)
}

/// Instructions per request, regmock and the bare server, for each provider's signed example call.
fn instructions(requests: u32) {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("valgrind not found: instruction counts skipped (apt-get install valgrind)");
        return;
    }
    println!(
        "instructions a request (callgrind, {requests} requests on one keep-alive connection after 200 to warm up; \
         valgrind hides the CPU's SHA extensions, so SHA-256 runs in software and regmock's counts include about 3,000 \
         instructions a hash block that the CPU does in a few hundred):"
    );
    println!(
        "{:<6} {:>12} {:>12} {:>8}",
        "call", "regmock", "bare", "ratio"
    );
    let dir = scratch();
    for provider in Emulator::embedded().providers() {
        let name = provider.id().as_str();
        let port = free_port();
        let req = signed_example(*provider, port);
        let ours = count_instructions(
            &regmock_cmd(port, &["--rate-limit", "off"]),
            port,
            &req,
            requests,
            &dir.join(format!("{name}.callgrind")),
        );
        // The bare server returns the bytes regmock answers (asked again, without valgrind).
        let (plain, _) = start(
            regmock_cmd(port, &["--rate-limit", "off"]),
            port,
            &wire(&req, port),
        );
        let (_, content_type, body) = exchange(port, &wire(&req, port)).unwrap();
        stop(plain);
        let body_file = dir.join(format!("{name}.instr.body"));
        std::fs::write(&body_file, &body).unwrap();
        let bare_port = free_port();
        let bare = count_instructions(
            &bare_cmd(bare_port, &body_file, &content_type),
            bare_port,
            &req,
            requests,
            &dir.join(format!("{name}.bare.callgrind")),
        );
        println!("{name:<6} {ours:>12.0} {bare:>12.0} {:>8.2}", ours / bare);
    }
}
