//! The limits that keep one client from holding `serve`: each one ends in an answer or a closed connection, never in a
//! wait without end.
//!
//! Where a limit is checked decides what the client gets back:
//! - hyper checks the request head while parsing it, before any handler runs. Too many headers or too large a head is a
//!   plain `431` with no body (a request line over 64 KiB counts as head, so it is a 431 too), a head that does not
//!   parse is a plain `400`, and a head not finished within the header timeout closes the connection. There is no
//!   request yet to give a provider or a request id to, and hyper offers no hook for that answer, so these are
//!   plain.
//! - the handler reads the body: too large or malformed is the provider's own error (through
//!   [`Emulator::reject`](crate::Emulator::reject)); not received within the request timeout is a `408` with
//!   `X-Request-Id`, and the connection is closed.
//! - the connection: a client that leaves its answer unread is disconnected after the write timeout, one that reads it
//!   too slowly after the answer timeout, and connections beyond the connection limit wait in the listen backlog until
//!   one ends.

use hyper::server::conn::http1;
use hyper_util::rt::TokioTimer;
use std::time::Duration;

/// Largest request body read; the emulated operations are GETs or small JSON POSTs.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Largest request head (request line and headers) by default.
pub const MAX_HEADER_BYTES: usize = 64 << 10;

/// Most headers a request may have: hyper's default, answered `431` beyond it. Not configurable, because any other value
/// makes hyper allocate the header array per request instead of on the stack.
pub const MAX_HEADERS: usize = 100;

/// hyper's own read-buffer cap (8 KiB + 100 × 4 KiB); a head larger than this is refused whatever the header limit.
const HYPER_MAX_BUF: usize = 8192 + 4096 * 100;

/// The server's limits; [`Limits::default`] is what `serve` uses without flags.
///
/// ```
/// use std::time::Duration;
/// let limits = regmock::transport::server::Limits {
///     header_timeout: Duration::from_secs(2),
///     ..Default::default()
/// };
/// assert_eq!(limits.max_connections, 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body read; a larger one is the provider's own error. Default [`MAX_BODY_BYTES`] (1 MiB).
    pub max_body_bytes: usize,
    /// Largest request head (request line and headers), answered a plain `431` beyond it. Default
    /// [`MAX_HEADER_BYTES`] (64 KiB).
    pub max_header_bytes: usize,
    /// Time a connection may take to send a complete request head, counted from when the server starts waiting for
    /// one: after accepting the connection and after each answer. So it is also the idle keep-alive timeout; hyper
    /// has no separate one. Beyond it the connection is closed. Default 10 s.
    pub header_timeout: Duration,
    /// Time to receive the request body once the head is in; beyond it the answer is `408` and the connection is
    /// closed. Default 30 s.
    pub request_timeout: Duration,
    /// Time a write of the answer may wait for the client to read; beyond it the connection is closed, so a client
    /// that never reads holds its answer's memory for this long at most. Default 30 s.
    pub write_timeout: Duration,
    /// Time to write what a client asked for, counted from the first byte written after the client last sent
    /// something; beyond it the connection is closed (at most a write timeout later, if a write is waiting then). So
    /// a client that reads, but so slowly that each write still progresses within the write timeout, holds an answer
    /// for this long at most. Answers under a drip fault are not held to it. Default 60 s.
    pub answer_timeout: Duration,
    /// Connections served at once; more wait, unaccepted, until one ends. Default 1024.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: MAX_BODY_BYTES,
            max_header_bytes: MAX_HEADER_BYTES,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            answer_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

impl Limits {
    /// hyper's HTTP/1 connection settings for these limits. HTTP/1 only: see the module docs of
    /// [`server`](super) for why cleartext HTTP/2 is not served.
    pub(super) fn http1(&self) -> http1::Builder {
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_timeout)
            .max_header_size(self.max_header_bytes)
            // A client may shut its side down once its request is sent (`shutdown(SHUT_WR)`, `curl
            // --no-keepalive`-style tools, some proxies). hyper's default then closes the connection as soon as its
            // read sees the end, often before the answer is written: the request was lost without a word.
            .half_close(true)
            // hyper writes header names in lower case unless told otherwise, and cannot keep the case a provider
            // gave them. Title case is the documented spelling (`Content-Range`, `X-Request-Id`), and the official
            // Huawei Java SDK finds `Content-Range` only under it: it looks the name up case-sensitively.
            .title_case_headers(true);
        if self.max_header_bytes > HYPER_MAX_BUF {
            // Otherwise the read buffer, not the header limit, would cut a large head.
            builder.max_buf_size(self.max_header_bytes);
        }
        builder
    }
}
