//! The request journal: the last N requests the emulator answered, in a bounded ring, so a test can assert what its
//! client sent. Kept in memory only; bodies are kept up to [`MAX_BODY_KEPT`] bytes each, so the ring's memory is
//! bounded by N whatever clients send.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

/// The most body bytes an entry keeps; the emulated operations send small JSON bodies or none.
pub const MAX_BODY_KEPT: usize = 64 << 10;

/// The journal size of the in-test API ([`crate::SwrMock`] and the others).
pub const IN_TEST_CAPACITY: usize = 1000;

/// One header as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// Name, lower-case (as the transports hand it over).
    pub name: String,
    /// Value (bytes that are not UTF-8 replaced by U+FFFD).
    pub value: String,
}

/// A request body: as text when it is UTF-8, else base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Body {
    /// The body as UTF-8 text (empty for none).
    Text(String),
    /// The body's bytes, base64 (standard alphabet, padded).
    Base64(String),
}

/// One journalled request and what it got.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let swr = regmock::SwrMock::start().await;
/// reqwest::Client::new()
///     .get(format!("{}/v2/manage/repos", swr.uri()))
///     .header("X-Auth-Token", "t")
///     .send()
///     .await
///     .unwrap();
/// let sent = &swr.requests()[0];
/// assert_eq!(sent.operation.as_deref(), Some("list_repos_details"));
/// assert_eq!(sent.header("x-auth-token"), Some("t"));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Position in the journal since the emulator started (1 for the first request; never reused, also not by
    /// [`Journal::clear`]).
    pub seq: u64,
    /// When it was answered, by the emulator's clock (a fixed clock gives every entry the same time).
    pub time: DateTime<Utc>,
    /// HTTP method.
    pub method: String,
    /// Path and query as received (percent-escapes kept).
    pub target: String,
    /// Headers in the order received, secrets included (see the README on what the journal keeps).
    pub headers: Vec<Header>,
    /// The body, cut to [`MAX_BODY_KEPT`] bytes.
    pub body: Body,
    /// The body's full length in bytes.
    pub body_size: usize,
    /// Whether `body` holds less than the whole body.
    pub body_truncated: bool,
    /// The provider that answered (`swr`, `ncr`, `tcr`), `None` when none claimed the path.
    pub provider: Option<String>,
    /// The operation as the vendor's SDK names it, `None` when the request routes nowhere.
    pub operation: Option<String>,
    /// Status answered.
    pub status: u16,
    /// The request id answered, as the client sees it (a header, or TCR's body `RequestId`).
    pub request_id: String,
}

impl Entry {
    /// The first value of header `name` (any case).
    ///
    /// ```
    /// use regmock::{Credentials, Emulator, Options, admin::AdminOptions, http::Request, model::Dataset};
    /// let admin = AdminOptions { journal: 10, ..AdminOptions::default() };
    /// let emu = Emulator::with_admin(Dataset::embedded().unwrap(), Credentials::default(), Options::default(), admin);
    /// emu.dispatch(&Request::get("/v2/manage/repos").header("X-Auth-Token", "t"));
    /// assert_eq!(emu.journal().entries(None)[0].header("x-auth-token"), Some("t"));
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// The body as text, `None` when it was not UTF-8.
    ///
    /// ```
    /// use regmock::{Credentials, Emulator, Options, admin::AdminOptions, http::Request, model::Dataset};
    /// let admin = AdminOptions { journal: 10, ..AdminOptions::default() };
    /// let emu = Emulator::with_admin(Dataset::embedded().unwrap(), Credentials::default(), Options::default(), admin);
    /// let mut post = Request::new("POST", "/");
    /// post.body = b"{\"Limit\":1}".to_vec();
    /// emu.dispatch(&post);
    /// assert_eq!(emu.journal().entries(None)[0].body_text(), Some("{\"Limit\":1}"));
    /// ```
    pub fn body_text(&self) -> Option<&str> {
        match &self.body {
            Body::Text(t) => Some(t),
            Body::Base64(_) => None,
        }
    }

    /// `body` as kept: text when UTF-8 (also when the cut falls inside a character, which is then dropped), else
    /// base64.
    pub(crate) fn body_of(bytes: &[u8]) -> (Body, bool) {
        let truncated = bytes.len() > MAX_BODY_KEPT;
        let kept = &bytes[..bytes.len().min(MAX_BODY_KEPT)];
        let body = match std::str::from_utf8(kept) {
            Ok(text) => Body::Text(text.to_string()),
            // A cut inside a multi-byte character at the end is still text.
            Err(e) if truncated && e.error_len().is_none() => {
                Body::Text(String::from_utf8_lossy(&kept[..e.valid_up_to()]).into_owned())
            }
            Err(_) => Body::Base64(base64::engine::general_purpose::STANDARD.encode(kept)),
        };
        (body, truncated)
    }
}

/// The last `capacity` requests; with capacity 0 nothing is kept and recording costs nothing.
///
/// ```
/// use regmock::admin::Journal;
/// let journal = Journal::new(2);
/// assert_eq!(journal.capacity(), 2);
/// assert!(journal.entries(None).is_empty());
/// ```
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    ring: Mutex<Ring>,
}

#[derive(Debug, Default)]
struct Ring {
    entries: VecDeque<Arc<Entry>>,
    /// Requests journalled since start (the last `seq` given).
    recorded: u64,
}

impl Journal {
    /// A journal keeping the last `capacity` requests (0: off).
    ///
    /// ```
    /// assert!(!regmock::admin::Journal::new(0).is_on());
    /// ```
    pub fn new(capacity: usize) -> Journal {
        Journal {
            capacity,
            ring: Mutex::default(),
        }
    }

    /// How many requests it keeps.
    ///
    /// ```
    /// assert_eq!(regmock::admin::Journal::new(5).capacity(), 5);
    /// ```
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Whether it keeps anything.
    ///
    /// ```
    /// assert!(regmock::admin::Journal::new(1).is_on());
    /// ```
    pub fn is_on(&self) -> bool {
        self.capacity > 0
    }

    /// Requests journalled since start, including those the ring no longer holds and those cleared.
    ///
    /// ```
    /// assert_eq!(regmock::admin::Journal::new(1).recorded(), 0);
    /// ```
    pub fn recorded(&self) -> u64 {
        self.lock().recorded
    }

    /// Adds `entry` (its `seq` is set here), dropping the oldest when full.
    pub(crate) fn record(&self, mut entry: Entry) {
        if !self.is_on() {
            return;
        }
        let mut ring = self.lock();
        ring.recorded = ring.recorded.saturating_add(1);
        entry.seq = ring.recorded;
        if ring.entries.len() == self.capacity {
            ring.entries.pop_front();
        }
        ring.entries.push_back(Arc::new(entry));
    }

    /// The journalled requests, oldest first; with `limit`, only the newest `limit` of them.
    ///
    /// ```
    /// assert!(regmock::admin::Journal::new(3).entries(Some(1)).is_empty());
    /// ```
    pub fn entries(&self, limit: Option<usize>) -> Vec<Entry> {
        let kept: Vec<Arc<Entry>> = {
            let ring = self.lock();
            let skip = limit.map_or(0, |n| ring.entries.len().saturating_sub(n));
            ring.entries.iter().skip(skip).cloned().collect()
        };
        // Copied outside the lock, so a large read does not hold up the requests being journalled.
        kept.iter().map(|e| Entry::clone(e)).collect()
    }

    /// Forgets every journalled request (`seq` keeps counting).
    ///
    /// ```
    /// let journal = regmock::admin::Journal::new(3);
    /// journal.clear();
    /// assert!(journal.entries(None).is_empty());
    /// ```
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ring> {
        // Every update leaves the ring whole, so a poisoned lock is still good.
        self.ring.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
