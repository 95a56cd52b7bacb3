//! `serve` against clients that misbehave: limits with a clear answer, timeouts, the connection limit, slow and stuck
//! clients, malformed HTTP, cleartext HTTP/2, request ids on answers made before a provider, graceful shutdown.
//!
//! See: #9. Timing is never asserted (CI is a shared 2-core machine): each test shows that the misbehaving client is
//! answered or cut off and that a well-behaved client is still served. Orderings are used where a claim is about
//! "while"; every wait has a generous bound that only a hang reaches.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use regmock::http::{Request, Response};
use regmock::model::Dataset;
use regmock::pipeline::Options;
use regmock::transport::server::{
    Limits, MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_HEADERS, RunningServer, spawn_with,
};
use serde_json::json;
use std::future::Future;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The longest any test waits for something; reaching it means a hang, not a slow machine.
const BOUND: Duration = Duration::from_secs(60);
/// The limit under test, shortened so the tests do not wait for the defaults.
const SHORT: Duration = Duration::from_secs(1);

/// An SWR list call, answered 200 by the embedded dataset.
const SWR_LIST: &str =
    "GET /v2/manage/repos?limit=1 HTTP/1.1\r\nHost: regmock\r\nX-Auth-Token: t\r\n\r\n";

async fn server(limits: Limits) -> RunningServer {
    serve(common::emulator(), limits).await
}

async fn serve(emulator: regmock::Emulator, limits: Limits) -> RunningServer {
    spawn_with(emulator, "127.0.0.1:0".parse().unwrap(), limits)
        .await
        .unwrap()
}

async fn within<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(BOUND, f)
        .await
        .unwrap_or_else(|_| panic!("{what}: no result within {BOUND:?}"))
}

/// A well-behaved client (reqwest, a new connection) gets its 200.
async fn assert_served(server: &RunningServer) {
    let req = common::swr_get("/v2/manage/repos?limit=1");
    let resp = within("well-behaved client", common::send(&server.uri(), &req)).await;
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
}

/// A raw HTTP/1.1 client over one connection, for what reqwest will not send.
struct Raw {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Raw {
    async fn connect(server: &RunningServer) -> Raw {
        Raw {
            stream: TcpStream::connect(server.addr).await.unwrap(),
            buf: Vec::new(),
        }
    }

    async fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.stream.write_all(bytes.as_ref()).await.unwrap();
    }

    /// Reads more bytes into the buffer; false once the server has closed (or reset) the connection.
    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 16 << 10];
        match within("reading", self.stream.read(&mut chunk)).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// The next answer (head, then a `Content-Length` body); `None` when the connection closes first.
    async fn answer(&mut self) -> Option<Response> {
        let head_len = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if !self.fill().await {
                return None;
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_len]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.to_string(), v.trim().to_string()))
            .collect();
        let resp = Response {
            status,
            headers,
            body: Vec::new(),
        };
        let len: usize = resp
            .header_value("content-length")
            .map_or(0, |v| v.parse().unwrap());
        while self.buf.len() < head_len + len {
            if !self.fill().await {
                return None;
            }
        }
        let body = self.buf[head_len..head_len + len].to_vec();
        self.buf.drain(..head_len + len);
        Some(Response { body, ..resp })
    }

    /// Reads until the server closes the connection; the number of bytes that came before the close.
    async fn bytes_until_closed(&mut self) -> usize {
        while self.fill().await {}
        std::mem::take(&mut self.buf).len()
    }
}

/// Whether the server has closed `conn`, looked at without waiting (a plain non-blocking read).
fn closed_now(conn: &std::net::TcpStream) -> bool {
    conn.set_nonblocking(true).unwrap();
    match (&*conn).read(&mut [0u8; 1]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    }
}

fn swr_error_code(resp: &Response) -> String {
    let body = resp.body_json();
    common::assert_schema("swr/error.schema.json", &body);
    body["error_code"].as_str().unwrap_or_default().to_string()
}

fn tcr_error_code(resp: &Response) -> String {
    assert_eq!(resp.status, 200, "TCR answers errors with HTTP 200");
    let body = resp.body_json();
    common::assert_schema("tcr/error.schema.json", &body);
    body["Response"]["Error"]["Code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

// ---- body size ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_body_over_1_mib_is_each_providers_own_error_with_its_request_id() {
    // Given the default server, which reads bodies up to 1 MiB
    let server = server(Limits::default()).await;
    let over = vec![b'x'; MAX_BODY_BYTES + 1];
    let with_body = |mut req: Request| {
        req.body = over.clone();
        req
    };
    let base = server.uri();
    let send = |req: Request| {
        let base = base.clone();
        async move { common::send(&base, &req).await }
    };

    // When each provider gets a body one byte over, then each answers its own parameter error
    let swr = within("SWR", send(with_body(common::swr_get("/v2/manage/repos")))).await;
    assert_eq!(swr.status, 400);
    assert_eq!(swr_error_code(&swr), "SVCSTG.SWR.4000014");
    assert!(swr.header_value("x-request-id").is_some());

    let ncr_target = "/ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags";
    let ncr = within("NCR", send(with_body(Request::get(ncr_target)))).await;
    assert_eq!(ncr.status, 400);
    let body = ncr.body_json();
    common::assert_schema("ncr/error.schema.json", &body);
    assert_eq!(body["returnCode"], 400);
    assert!(ncr.header_value("x-ncp-trace-id").is_some());

    let tcr_req = Request::new("POST", "/")
        .header("Content-Type", "application/json")
        .header("X-TC-Action", "DescribeImages");
    let tcr = within("TCR", send(with_body(tcr_req))).await;
    assert_eq!(tcr_error_code(&tcr), "InvalidParameter");
    assert!(tcr.body_json()["Response"]["RequestId"].is_string());

    // And a well-behaved client is still served
    assert_served(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_declared_body_over_1_mib_is_refused_at_once_without_waiting_for_it() {
    // Given a server whose request timeout is longer than the test waits
    let server = server(Limits {
        request_timeout: BOUND * 10,
        ..Limits::default()
    })
    .await;
    // When a client declares 2 GiB of body and sends a few bytes of it
    let mut conn = Raw::connect(&server).await;
    conn.send(
        "POST / HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\nX-TC-Action: DescribeImages\r\n\
         Content-Length: 2147483648\r\n\r\n{\"RegistryId\"",
    )
    .await;
    // Then TCR's own too-large answer comes at once, not after the request timeout
    let resp = tokio::time::timeout(SHORT * 10, conn.answer())
        .await
        .expect("answered without waiting for the declared body")
        .unwrap();
    assert_eq!(tcr_error_code(&resp), "InvalidParameter");
    assert!(
        resp.body_json()["Response"]["Error"]["Message"]
            .as_str()
            .unwrap()
            .contains("1 MiB")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_body_a_little_over_the_limit_is_read_to_its_end_so_the_client_sees_the_answer() {
    // Given the default server, which reads bodies up to 1 MiB
    let server = server(Limits::default()).await;
    let (first, second) = (MAX_BODY_BYTES / 2, MAX_BODY_BYTES / 2 + 1);
    let chunk = |n: usize| {
        [
            format!("{n:x}\r\n").into_bytes(),
            vec![b'x'; n],
            b"\r\n".to_vec(),
        ]
        .concat()
    };
    // (framing header, first part, second part): one byte over, declared, or in chunks
    let framings = [
        (
            format!("Content-Length: {}", MAX_BODY_BYTES + 1),
            vec![b'x'; first],
            vec![b'x'; second],
        ),
        (
            "Transfer-Encoding: chunked".to_string(),
            chunk(first),
            [chunk(second), b"0\r\n\r\n".to_vec()].concat(),
        ),
    ];
    for (framing, part1, part2) in framings {
        // When a client sends it in two parts, the second a moment later
        let mut conn = Raw::connect(&server).await;
        conn.send(format!(
            "POST / HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\nX-TC-Action: DescribeImages\r\n\
             {framing}\r\n\r\n"
        ))
        .await;
        conn.send(part1).await;
        tokio::time::sleep(SHORT).await;
        // Then every byte is taken (a server that had answered and closed would refuse the second part)
        conn.send(part2).await;
        // And the answer is TCR's own too-large error, after which the connection carries another request
        let resp = conn.answer().await.expect("answered");
        assert_eq!(tcr_error_code(&resp), "InvalidParameter", "{framing}");
        conn.send(
            "POST / HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\nX-TC-Action: DescribeImages\r\n\
             Content-Length: 2\r\n\r\n{}",
        )
        .await;
        let again = conn.answer().await.expect("the connection is still open");
        assert!(
            again.body_json()["Response"]["RequestId"].is_string(),
            "{framing}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_malformed_chunked_body_is_a_bad_request_not_too_large() {
    let server = server(Limits::default()).await;
    let too_many_trailers = format!("0\r\n{}\r\n", "X-Trailer: v\r\n".repeat(MAX_HEADERS + 1));
    for (what, chunks) in [
        ("negative chunk size", "-1\r\nx\r\n0\r\n\r\n".to_string()),
        (
            "18-digit chunk size",
            "123456789012345678\r\nx\r\n0\r\n\r\n".to_string(),
        ),
        ("too many trailers", too_many_trailers),
    ] {
        // Given a chunked body that does not decode, sent to SWR and to TCR
        let head = |line: &str| {
            format!(
                "{line}\r\nHost: regmock\r\nX-Auth-Token: t\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}"
            )
        };
        let mut swr = Raw::connect(&server).await;
        swr.send(head("GET /v2/manage/repos HTTP/1.1")).await;
        let mut tcr = Raw::connect(&server).await;
        tcr.send(head("POST / HTTP/1.1")).await;

        // Then each answers its parameter error (HTTP 400 for SWR, 200 for TCR), never 413 "too large"
        let swr = swr
            .answer()
            .await
            .unwrap_or_else(|| panic!("{what}: no answer"));
        assert_eq!(swr.status, 400, "{what}");
        assert_eq!(swr_error_code(&swr), "SVCSTG.SWR.4000014", "{what}");
        assert!(swr.header_value("x-request-id").is_some(), "{what}");
        let tcr = tcr
            .answer()
            .await
            .unwrap_or_else(|| panic!("{what}: no answer"));
        assert_eq!(tcr_error_code(&tcr), "InvalidParameter", "{what}");
        let message = tcr.body_json()["Response"]["Error"]["Message"].to_string();
        assert!(
            message.contains("could not be read whole"),
            "{what}: {message}"
        );
    }
    assert_served(&server).await;
}

// ---- request head size ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_request_head_over_the_limits_is_431_and_others_are_still_served() {
    let server = server(Limits::default()).await;
    let headers = |n: usize| (0..n).map(|i| format!("X-H{i}: v\r\n")).collect::<String>();
    // Host and X-Auth-Token count too.
    let at_most = headers(MAX_HEADERS - 2);
    let one_too_many = headers(MAX_HEADERS - 1);
    let long_value = "v".repeat(MAX_HEADER_BYTES);
    let long_query = "a".repeat(MAX_HEADER_BYTES);
    for (what, request, status) in [
        (
            "the most headers allowed",
            format!("GET /v2/manage/repos HTTP/1.1\r\nHost: r\r\nX-Auth-Token: t\r\n{at_most}\r\n"),
            200,
        ),
        (
            "one header too many",
            format!(
                "GET /v2/manage/repos HTTP/1.1\r\nHost: r\r\nX-Auth-Token: t\r\n{one_too_many}\r\n"
            ),
            431,
        ),
        (
            "a head over 64 KiB",
            format!(
                "GET /v2/manage/repos HTTP/1.1\r\nHost: r\r\nX-Auth-Token: {long_value}\r\n\r\n"
            ),
            431,
        ),
        (
            // The request line is part of the head; hyper answers 431 before its 414 check is reached.
            "a request line over 64 KiB",
            format!(
                "GET /v2/manage/repos?q={long_query} HTTP/1.1\r\nHost: r\r\nX-Auth-Token: t\r\n\r\n"
            ),
            431,
        ),
    ] {
        let mut conn = Raw::connect(&server).await;
        conn.send(request).await;
        let resp = conn
            .answer()
            .await
            .unwrap_or_else(|| panic!("{what}: no answer"));
        assert_eq!(resp.status, status, "{what}");
        if status == 431 {
            // hyper refuses the head while parsing it, before any handler: a plain 431, then the connection closes.
            assert!(resp.body.is_empty(), "{what}");
            assert_eq!(conn.bytes_until_closed().await, 0, "{what}");
        }
    }
    assert_served(&server).await;
}

// ---- timeouts ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_client_that_never_finishes_its_headers_is_disconnected() {
    // Given a server whose header timeout is short
    let server = server(Limits {
        header_timeout: SHORT,
        ..Limits::default()
    })
    .await;
    // and a client that sends half a head and then nothing,
    let mut silent = Raw::connect(&server).await;
    silent
        .send("GET /v2/manage/repos HTTP/1.1\r\nHost: regmock\r\n")
        .await;
    // and one that keeps trickling header lines, never the blank line that ends them
    let mut trickler = TcpStream::connect(server.addr).await.unwrap();
    trickler
        .write_all(b"GET /v2/manage/repos HTTP/1.1\r\n")
        .await
        .unwrap();
    let trickling = tokio::spawn(async move {
        // Ends when the server has closed the connection (a write then fails).
        while trickler.write_all(b"X-Slow: 1\r\n").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });

    // Then a well-behaved client is served meanwhile
    assert_served(&server).await;
    // and both are disconnected without an answer: the timeout counts from the first byte, not the last
    assert_eq!(silent.bytes_until_closed().await, 0);
    within("trickler", trickling).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_an_idle_keep_alive_connection_is_closed() {
    let server = server(Limits {
        header_timeout: SHORT,
        ..Limits::default()
    })
    .await;
    // Given a keep-alive connection that was answered once and then stays idle
    let mut idle = Raw::connect(&server).await;
    idle.send(SWR_LIST).await;
    assert_eq!(idle.answer().await.unwrap().status, 200);
    // Then the server closes it (hyper's header timeout runs while it waits for the next request)
    assert_eq!(idle.bytes_until_closed().await, 0);
    assert_served(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_body_not_received_in_time_is_answered_408_and_closed() {
    // Given a short request timeout (and a long header timeout, so only the body is timed)
    let server = server(Limits {
        request_timeout: SHORT,
        header_timeout: BOUND,
        ..Limits::default()
    })
    .await;
    // When a client announces 100 bytes of body and sends 10
    let mut slow = Raw::connect(&server).await;
    slow.send("POST / HTTP/1.1\r\nHost: regmock\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"Regist")
        .await;
    // Then a well-behaved client is served meanwhile
    assert_served(&server).await;
    // and the slow one gets 408 with a request id, then the connection closes
    let resp = slow.answer().await.unwrap();
    assert_eq!(resp.status, 408);
    assert!(resp.header_value("x-request-id").is_some());
    assert!(
        resp.body_json()["message"]
            .as_str()
            .unwrap()
            .contains("not received")
    );
    assert_eq!(slow.bytes_until_closed().await, 0);
}

// ---- connections ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_connections_beyond_the_limit_wait_and_are_served_when_a_slot_frees() {
    // Given a server that serves two connections at once, both held by clients that send nothing
    let server = server(Limits {
        max_connections: 2,
        header_timeout: SHORT,
        ..Limits::default()
    })
    .await;
    let held: Vec<_> = (0..2)
        .map(|_| std::net::TcpStream::connect(server.addr).unwrap())
        .collect();
    // When a third, well-behaved client connects, then it is served, not left hanging,
    assert_served(&server).await;
    // and only because a slot was freed: by then the server had closed a held connection (it closes the socket
    // before it frees the slot)
    assert!(
        held.iter().any(closed_now),
        "both held connections still open"
    );
}

/// `n` SWR list calls for every repository of the embedded dataset (about 120 KB each) in one write.
fn big_answers(n: usize) -> (String, usize) {
    let target = "/v2/manage/repos?limit=1000";
    let one = common::emulator().dispatch(&common::swr_get(target));
    assert_eq!(one.status, 200);
    let request =
        format!("GET {target} HTTP/1.1\r\nHost: regmock\r\nX-Auth-Token: t\r\n\r\n").repeat(n);
    (request, n * one.body.len())
}

/// A client that asks for megabytes of answers and never reads them (a small receive buffer, so they back up).
async fn stuck_client(server: &RunningServer) -> (TcpStream, usize) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(server.addr).await.unwrap();
    let (request, total) = big_answers(300);
    stream.write_all(request.as_bytes()).await.unwrap();
    (stream, total)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_client_that_never_reads_does_not_slow_others() {
    let server = server(Limits::default()).await;
    // Given a client whose answers back up because it never reads them
    let (_stuck, _) = stuck_client(&server).await;
    // Then other clients are served, one after another
    for _ in 0..5 {
        assert_served(&server).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_client_that_never_reads_is_disconnected_after_the_write_timeout() {
    // Given a server with one connection slot, held by a client that never reads (and long other timeouts, so only
    // the write timeout can free the slot)
    let server = server(Limits {
        max_connections: 1,
        write_timeout: SHORT,
        header_timeout: BOUND,
        request_timeout: BOUND,
        ..Limits::default()
    })
    .await;
    let (stuck, total) = stuck_client(&server).await;
    // When a well-behaved client comes, then it is served: the stuck connection was dropped to free the slot
    assert_served(&server).await;
    // And the stuck client got only part of what it asked for before the connection closed
    let mut stuck = Raw {
        stream: stuck,
        buf: Vec::new(),
    };
    let got = stuck.bytes_until_closed().await;
    assert!(got < total, "{got} of {total} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_client_that_reads_too_slowly_is_disconnected_after_the_answer_timeout() {
    // Given a server with one connection slot and a short answer timeout (and long other timeouts, so only the answer
    // timeout can free the slot)
    let server = server(Limits {
        max_connections: 1,
        answer_timeout: SHORT,
        write_timeout: BOUND,
        header_timeout: BOUND,
        request_timeout: BOUND,
        ..Limits::default()
    })
    .await;
    // And a client that reads its answers whole and at once: it is not cut off
    let (request, _) = big_answers(5);
    let mut quick = Raw::connect(&server).await;
    quick.send(&request).await;
    for _ in 0..5 {
        assert_eq!(quick.answer().await.unwrap().status, 200);
    }
    drop(quick);
    // When a client asks for megabytes and reads 4 KiB every 20 ms: every write progresses, the whole would take
    // minutes
    let (stuck, total_slow) = stuck_client(&server).await;
    let slow = tokio::spawn(async move {
        let mut slow = Raw {
            stream: stuck,
            buf: Vec::new(),
        };
        let mut got = 0;
        let mut chunk = [0u8; 4096];
        while let Ok(Ok(n @ 1..)) = tokio::time::timeout(BOUND, slow.stream.read(&mut chunk)).await
        {
            got += n;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        got
    });
    // Then a well-behaved client is served: the slow connection was closed to free the slot
    assert_served(&server).await;
    // And the slow client got only part of what it asked for before the close
    let got = within("the slow client's close", slow).await.unwrap();
    assert!(got < total_slow, "{got} of {total_slow} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_drip_fault_is_not_held_to_the_answer_timeout() {
    // Given a 1 s answer timeout and a drip fault that spreads each answer over about 3 s
    let emulator = common::emulator();
    let whole = emulator
        .dispatch(&common::swr_get("/v2/manage/repos?limit=1"))
        .body;
    emulator
        .faults()
        .add(regmock::faults::FaultRule::parse("drip=100,within=3s").unwrap())
        .unwrap();
    let server = serve(
        emulator,
        Limits {
            answer_timeout: SHORT,
            ..Limits::default()
        },
    )
    .await;
    // Then the dripped answer arrives whole: a drip is meant to test clients against slow answers
    let mut conn = Raw::connect(&server).await;
    conn.send(SWR_LIST).await;
    let resp = conn.answer().await.expect("the whole dripped answer");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body.len(), whole.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_slow_answers_do_not_stall_a_trivial_one() {
    // Given 300,000 tags in one SWR repository: listing it renders every tag name (3.4 MB, the documented body), which
    // stays slow however well tags are indexed (a filtered tag list over them is not slow enough any more)
    let dataset = Dataset::embedded()
        .unwrap()
        .with_synthetic_tags(300_000)
        .unwrap();
    let server = serve(
        common::emulator_with(dataset, Options::default()),
        Limits::default(),
    )
    .await;
    let finished = Arc::new(Mutex::new(Vec::new()));
    // and more of those slow requests in flight than the runtime has worker threads
    let slow =
        "GET /v2/manage/repos?namespace=synthetic HTTP/1.1\r\nHost: r\r\nX-Auth-Token: t\r\n\r\n";
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let mut conn = Raw::connect(&server).await;
        conn.send(slow).await;
        let finished = finished.clone();
        tasks.push(tokio::spawn(async move {
            let resp = conn.answer().await.unwrap();
            assert_eq!(resp.status, 200);
            finished.lock().unwrap().push("slow");
        }));
    }
    // When a trivial request comes after them
    let mut trivial = Raw::connect(&server).await;
    trivial
        .send("GET /v2/manage/namespaces/group/repos/busybox/tags/latest HTTP/1.1\r\nHost: r\r\nX-Auth-Token: t\r\n\r\n")
        .await;
    assert_eq!(trivial.answer().await.unwrap().status, 200);
    finished.lock().unwrap().push("trivial");
    // Then it is answered while the slow ones are still being computed
    for task in tasks {
        within("slow answer", task).await.unwrap();
    }
    let order = finished.lock().unwrap().clone();
    assert_eq!(order[0], "trivial", "{order:?}");
}

// ---- protocol ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_malformed_request_heads_are_answered_400_and_the_server_lives_on() {
    let server = server(Limits::default()).await;
    for (what, request) in [
        ("garbage", "\x00\x01garbage\r\n\r\n"),
        ("no target", "GET\r\n\r\n"),
        ("unknown version", "GET / HTTP/9.9\r\nHost: r\r\n\r\n"),
        (
            "a space in a header name",
            "GET / HTTP/1.1\r\nHo st: r\r\n\r\n",
        ),
        (
            "a header without a colon",
            "GET / HTTP/1.1\r\nHost r\r\n\r\n",
        ),
        (
            "a NUL in a header value",
            "GET / HTTP/1.1\r\nHost: r\x00\r\n\r\n",
        ),
        (
            "two different Content-Length",
            "POST / HTTP/1.1\r\nHost: r\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        ),
        (
            "a 20-digit Content-Length",
            "POST / HTTP/1.1\r\nHost: r\r\nContent-Length: 99999999999999999999\r\n\r\n",
        ),
    ] {
        let mut conn = Raw::connect(&server).await;
        conn.send(request).await;
        let resp = conn
            .answer()
            .await
            .unwrap_or_else(|| panic!("{what}: no answer"));
        assert_eq!(resp.status, 400, "{what}");
        assert_eq!(conn.bytes_until_closed().await, 0, "{what}");
    }
    // Bare LF line ends are read as CRLF, as most servers do.
    let mut conn = Raw::connect(&server).await;
    conn.send(SWR_LIST.replace("\r\n", "\n")).await;
    assert_eq!(conn.answer().await.unwrap().status, 200);
    assert_served(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_pipelined_requests_get_their_answers_in_order() {
    let server = server(Limits::default()).await;
    let get = |target: &str| format!("GET {target} HTTP/1.1\r\nHost: r\r\nX-Auth-Token: t\r\n\r\n");
    // Given three requests in one write
    let mut conn = Raw::connect(&server).await;
    conn.send(
        [
            get("/v2/manage/namespaces/group/repos/busybox/tags/latest"),
            get("/v2/manage/namespaces/group/repos/busybox/tags"),
            get("/nowhere"),
        ]
        .concat(),
    )
    .await;
    // Then the answers come in the same order: show tag (an object), list tags (an array), no such API
    let show = conn.answer().await.unwrap();
    assert_eq!(show.status, 200);
    assert!(show.body_json().is_object(), "{:?}", show.body_json());
    let list = conn.answer().await.unwrap();
    assert_eq!(list.status, 200);
    assert!(list.body_json().is_array(), "{:?}", list.body_json());
    assert_eq!(conn.answer().await.unwrap().status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_client_that_half_closes_after_its_requests_still_gets_every_answer() {
    let server = server(Limits::default()).await;
    let tcr_body =
        r#"{"RegistryId":"tcr-okmj78","NamespaceName":"team-01","RepositoryName":"nginx"}"#;
    let tcr = format!(
        "POST / HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\nX-TC-Action: DescribeImages\r\n\
         Content-Length: {}\r\n\r\n{tcr_body}",
        tcr_body.len()
    );
    // Given clients that send their requests and shut their side down at once (the loss was a race: a few in a
    // hundred, so many rounds)
    for round in 0..200 {
        let requests = if round % 2 == 0 {
            tcr.clone()
        } else {
            [SWR_LIST, SWR_LIST, SWR_LIST].concat()
        };
        let expected = if round % 2 == 0 { 1 } else { 3 };
        let mut conn = Raw::connect(&server).await;
        conn.send(requests).await;
        conn.stream.shutdown().await.unwrap();
        // Then every request is answered, in full, before the server closes
        for i in 0..expected {
            let resp = conn.answer().await;
            assert!(
                resp.is_some(),
                "round {round}: answer {i} of {expected} lost"
            );
            assert_eq!(resp.unwrap().status, 200, "round {round}");
        }
        assert_eq!(conn.bytes_until_closed().await, 0, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_a_2xx_answer_to_connect_goes_out_as_405_with_its_body() {
    let server = server(Limits::default()).await;
    // Given a CONNECT to TCR (whose UnsupportedProtocol comes in HTTP 200) and to the health check, each followed by
    // a GET on the same connection
    for head in [
        "CONNECT / HTTP/1.1\r\nHost: r\r\nX-TC-Action: DescribeImages\r\nX-TC-Version: 2019-09-24\r\n\r\n",
        "CONNECT /__regmock/health HTTP/1.1\r\nHost: r\r\n\r\n",
    ] {
        let mut conn = Raw::connect(&server).await;
        conn.send([head, SWR_LIST].concat()).await;
        // Then the CONNECT gets 405 with Allow and a body (a 2xx would open a tunnel and lose the body): TCR's own
        // error, and the health check's refusal of any method but GET and HEAD
        let resp = conn.answer().await.unwrap();
        assert_eq!(resp.status, 405, "{head}");
        let body = resp.body_json();
        if head.starts_with("CONNECT / ") {
            assert_eq!(resp.header_value("allow"), Some("GET, POST"));
            common::assert_schema("tcr/error.schema.json", &body);
            assert_eq!(body["Response"]["Error"]["Code"], "UnsupportedProtocol");
        } else {
            assert_eq!(resp.header_value("allow"), Some("GET, HEAD"));
            assert!(
                body["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("GET, HEAD")),
                "{body}"
            );
        }
        // and the connection goes on serving HTTP
        assert_eq!(conn.answer().await.unwrap().status, 200, "{head}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_names_go_out_as_the_docs_spell_them() {
    // The official Huawei Java SDK looks `Content-Range` up case-sensitively: under hyper's default lower case it
    // read null.
    let server = server(Limits::default()).await;
    let mut conn = Raw::connect(&server).await;
    conn.send(SWR_LIST).await;
    let resp = conn.answer().await.unwrap();
    let names: Vec<&str> = resp.headers.iter().map(|(n, _)| n.as_str()).collect();
    for documented in [
        "Content-Range",
        "X-Request-Id",
        "Content-Type",
        "Content-Length",
    ] {
        assert!(names.contains(&documented), "{documented} in {names:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_cleartext_http2_is_not_served_and_http1_is() {
    let server = server(Limits::default()).await;
    // Given a client that opens with HTTP/2 prior knowledge: the preface, then an empty SETTINGS frame
    let mut h2 = Raw::connect(&server).await;
    h2.send(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await;
    // Then the server closes the connection without a byte (an HTTP/2 server would answer with its SETTINGS)
    assert_eq!(h2.bytes_until_closed().await, 0);
    // And an HTTP/1.1 request asking to upgrade to h2c is answered in HTTP/1.1, not 101
    let mut upgrade = Raw::connect(&server).await;
    upgrade
        .send(SWR_LIST.replace(
            "\r\n\r\n",
            "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
        ))
        .await;
    assert_eq!(upgrade.answer().await.unwrap().status, 200);
}

// ---- answers made before a provider sees the request ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_answers_no_provider_makes_carry_a_request_id() {
    let server = server(Limits::default()).await;
    // A path no provider claims: the emulator's own 404, with a request id from the transport
    let mut conn = Raw::connect(&server).await;
    conn.send("GET /nowhere HTTP/1.1\r\nHost: r\r\n\r\n").await;
    let resp = conn.answer().await.unwrap();
    assert_eq!(resp.status, 404);
    assert_eq!(resp.header_value("x-request-id").map(str::len), Some(32));
    assert!(resp.body_json()["message"].is_string());
    // An unknown fault name is SWR's own parameter error, with SWR's request id
    let mut conn = Raw::connect(&server).await;
    conn.send(SWR_LIST.replace("\r\n\r\n", "\r\nX-Regmock-Fault: no-such-fault\r\n\r\n"))
        .await;
    let resp = conn.answer().await.unwrap();
    assert_eq!(resp.status, 400);
    assert_eq!(swr_error_code(&resp), "SVCSTG.SWR.4000014");
    assert!(resp.header_value("x-request-id").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_ncr_timestamps_at_the_ends_of_i64_are_401_over_the_socket() {
    let server = server(Limits::default()).await;
    for timestamp in [
        "-9223372036854775808",
        "9223372036854775807",
        "99999999999999999999",
        "-1",
    ] {
        // Given a signed-looking NCR request whose timestamp is at (or past) the ends of i64
        let mut conn = Raw::connect(&server).await;
        conn.send(format!(
            "GET /ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags HTTP/1.1\r\nHost: r\r\n\
             x-ncp-apigw-timestamp: {timestamp}\r\nx-ncp-iam-access-key: regmock-access-key\r\n\
             x-ncp-apigw-signature-v2: AAAA\r\n\r\n"
        ))
        .await;
        // Then the gateway's 401 comes back, on a connection that is still usable
        let resp = conn
            .answer()
            .await
            .unwrap_or_else(|| panic!("{timestamp}: no answer"));
        assert_eq!(resp.status, 401, "{timestamp}");
        assert_eq!(
            resp.body_json(),
            json!({"error": {"errorCode": "200", "message": "Authentication Failed", "details": "Invalid authentication information."}}),
            "{timestamp}"
        );
        conn.send(SWR_LIST).await;
        assert_eq!(conn.answer().await.unwrap().status, 200, "{timestamp}");
    }
}

// ---- graceful shutdown of the binary ----

/// The `regmock serve` child, killed if a test fails before it exits.
struct Serve(std::process::Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `regmock serve` on a random port with `extra` flags; returns it, its address and its stdout lines after the
/// first.
fn serve_binary(
    extra: &[&str],
) -> (
    Serve,
    std::net::SocketAddr,
    std::sync::mpsc::Receiver<String>,
) {
    let mut child = Serve(
        Command::new(env!("CARGO_BIN_EXE_regmock"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let (tx, lines) = std::sync::mpsc::channel();
    let stdout = BufReader::new(child.0.stdout.take().unwrap());
    // A thread keeps reading, so the child never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = lines.recv_timeout(BOUND).unwrap();
    let addr = first.strip_prefix("regmock serving on http://").unwrap();
    (child, addr.parse().unwrap(), lines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_serve_flags_set_the_limits() {
    // Zero would close every connection at once, or never accept one: refused as a usage error
    for flag in [
        "--header-timeout",
        "--request-timeout",
        "--write-timeout",
        "--answer-timeout",
        "--max-connections",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_regmock"))
            .args(["serve", "--addr", "127.0.0.1:0", flag, "0"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag} 0");
    }
    // Given serve with one connection slot and a 1 s header timeout, held by a client that sends nothing
    let (_child, addr, _lines) = serve_binary(&["--header-timeout", "1", "--max-connections", "1"]);
    let held = std::net::TcpStream::connect(addr).unwrap();
    // Then a well-behaved client is served once the silent one is cut off
    let resp = within(
        "served",
        common::send(
            &format!("http://{addr}"),
            &common::swr_get("/v2/manage/repos?limit=1"),
        ),
    )
    .await;
    assert_eq!(resp.status, 200);
    assert!(closed_now(&held));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r9_sigint_and_sigterm_let_the_in_flight_request_finish_then_exit_0() {
    for signal in ["-INT", "-TERM"] {
        let (mut child, server_addr, lines) = serve_binary(&[]);

        // Given a request in flight: its head is read and the server is waiting for its body (hyper says
        // "100 Continue" exactly when the handler starts reading it)
        let mut conn = Raw {
            stream: TcpStream::connect(server_addr).await.unwrap(),
            buf: Vec::new(),
        };
        conn.send(SWR_LIST.replace(
            "\r\n\r\n",
            "\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
        ))
        .await;
        assert_eq!(conn.answer().await.unwrap().status, 100, "{signal}");

        // When the signal comes (and the server says it is shutting down)
        let pid = child.0.id().to_string();
        assert!(
            Command::new("kill")
                .args([signal, &pid])
                .status()
                .unwrap()
                .success()
        );
        let said = std::iter::from_fn(|| lines.recv_timeout(BOUND).ok())
            .find(|l| l == "regmock: shutting down");
        assert!(said.is_some(), "{signal}: no shutdown line");

        // Then the request in flight still gets its answer
        conn.send("body").await;
        assert_eq!(conn.answer().await.unwrap().status, 200, "{signal}");
        // and the server exits 0
        let deadline = std::time::Instant::now() + BOUND;
        let status = loop {
            if let Some(status) = child.0.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{signal}: still running"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(status.code(), Some(0), "{signal}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_1_1_request_without_host_is_a_400_in_the_providers_shape() {
    let server = server(Limits::default()).await;
    // Given an HTTP/1.1 SWR list and a TCR call without Host, then an HTTP/1.0 one without it (1.0 needs none)
    let mut conn = Raw::connect(&server).await;
    conn.send(
        [
            "GET /v2/manage/repos?limit=1 HTTP/1.1\r\nX-Auth-Token: t\r\n\r\n",
            SWR_LIST,
        ]
        .concat(),
    )
    .await;
    // Then the first is the provider's 400 (RFC 9112 §3.2), and the connection goes on serving
    let resp = conn.answer().await.unwrap();
    assert_eq!(resp.status, 400, "{}", String::from_utf8_lossy(&resp.body));
    common::assert_schema("swr/error.schema.json", &resp.body_json());
    assert!(resp.header_value("x-request-id").is_some());
    assert_eq!(conn.answer().await.unwrap().status, 200);
    let mut tcr = Raw::connect(&server).await;
    tcr.send("POST / HTTP/1.1\r\nX-TC-Action: DescribeImages\r\nX-TC-Version: 2019-09-24\r\nContent-Length: 0\r\n\r\n")
        .await;
    let body = tcr.answer().await.unwrap().body_json();
    assert_eq!(
        body["Response"]["Error"]["Code"], "InvalidParameter",
        "{body}"
    );
    let mut old = Raw::connect(&server).await;
    old.send("GET /v2/manage/repos?limit=1 HTTP/1.0\r\nX-Auth-Token: t\r\n\r\n")
        .await;
    assert_eq!(old.answer().await.unwrap().status, 200);
}
