//! Replay: recorded answers in front of [`Emulator::dispatch`].
//!
//! A request that matches a cassette gets the cassette's recorded status, headers and body; any other request falls
//! through to the emulator, or, in strict mode, gets a `501` that names the nearest cassettes and why each did not
//! match (WireMock's near-miss report).
//!
//! Matching compares the method, the path with percent-escapes decoded (except `%2F`, which some vendors tell apart
//! from `/`), the query with its parameters decoded and sorted, the body (JSON by semantic equality, anything else
//! byte for byte) and a few headers that select the operation (`X-TC-Action`, `X-TC-Version`, `X-TC-Region`) or a
//! fault (`X-Regmock-Fault`). Signatures and tokens are never matched literally: the emulator judges them as it always
//! does, and when it refuses the credentials its own refusal is the answer.
//!
//! ```
//! use regmock::{Emulator, cassette::Cassette, replay::Replay, http::Request};
//! let cassette = Cassette::from_json(r#"{"provider": "swr", "description": "pinned", "source": {"title": "t",
//!   "document": "d"}, "request": {"method": "GET", "path": "/v2/manage/repos", "query": "filter=name::busybox"},
//!   "response": {"status": 200, "body": [{"name": "pinned"}]}}"#).unwrap();
//! let replay = Replay::new(Emulator::embedded(), vec![("pinned.json".into(), cassette)]);
//! let req = Request::get("/v2/manage/repos?filter=name::busybox").header("X-Auth-Token", "t");
//! assert_eq!(replay.answer(&req).body_json()[0]["name"], "pinned");
//! ```

use crate::Emulator;
use crate::cassette::{Cassette, CassetteError, decode};
use crate::http::{Request, Response};
use crate::pipeline::{Options, RateLimit};
use serde_json::Value;
use std::path::Path;

/// Headers that select what a request asks for, so they take part in matching (compared case-sensitively, by value;
/// absent on both sides counts as equal).
const MATCHED_HEADERS: &[&str] = &[
    "x-tc-action",
    "x-tc-version",
    "x-tc-region",
    "x-regmock-fault",
];

/// Recorded headers never replayed: hop-by-hop ones, the length (the transport sets it) and request ids (each answer
/// gets its own).
const DROPPED_HEADERS: &[&str] = &[
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization",
    "content-length",
    "date",
    "x-request-id",
    "x-ncp-trace-id",
];

/// The header naming the cassette a replayed answer comes from.
pub const CASSETTE_HEADER: &str = "X-Regmock-Cassette";

/// Status of the strict-replay near-miss answer: no vendor answers 501, so a client cannot take it for a vendor
/// error such as "repository not found".
pub const STRICT_MISS_STATUS: u16 = 501;

/// How many near misses the strict answer lists.
const NEAREST: usize = 3;

#[derive(Debug, Clone, PartialEq)]
enum Body {
    Empty,
    Json(Value),
    Raw(Vec<u8>),
}

impl Body {
    fn of(bytes: &[u8]) -> Body {
        if bytes.is_empty() {
            return Body::Empty;
        }
        match serde_json::from_slice(bytes) {
            Ok(v) => Body::Json(v),
            Err(_) => Body::Raw(bytes.to_vec()),
        }
    }
}

/// What a request is matched on.
#[derive(Debug, Clone)]
struct Key {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    body: Body,
    headers: Vec<Option<String>>,
}

impl Key {
    fn of(req: &Request) -> Key {
        Key {
            method: req.method.to_ascii_uppercase(),
            path: normalise_path(&req.path),
            query: normalise_query(req.query.as_deref()),
            body: Body::of(&req.body),
            headers: MATCHED_HEADERS
                .iter()
                .map(|h| req.header_value(h).map(str::to_string))
                .collect(),
        }
    }

    /// Why `self` (a request) does not match `recorded` (a cassette's); empty when it does.
    fn mismatches(&self, recorded: &Key) -> Vec<String> {
        let mut why = Vec::new();
        if self.method != recorded.method {
            why.push(format!(
                "method {} (the cassette's is {})",
                self.method, recorded.method
            ));
        }
        if self.path != recorded.path {
            why.push(format!(
                "path {} (the cassette's is {})",
                self.path, recorded.path
            ));
        }
        if self.query != recorded.query {
            why.push(format!(
                "query {} (the cassette's is {})",
                show_query(&self.query),
                show_query(&recorded.query)
            ));
        }
        if !body_matches(&self.body, &recorded.body) {
            why.push(match (&self.body, &recorded.body) {
                (Body::Json(a), Body::Json(r)) => {
                    let mut diffs = Vec::new();
                    crate::cassette::diff_json("", r, a, &mut diffs);
                    // The difference reads "recorded .., answered ..": here the second value is the request's.
                    let first = diffs
                        .first()
                        .map(|d| {
                            d.to_string().replacen("/body", "", 1).replacen(
                                ", answered ",
                                ", this request's ",
                                1,
                            )
                        })
                        .unwrap_or_default();
                    format!("JSON body differs: {first}")
                }
                (Body::Empty, _) => "no body (the cassette has one)".to_string(),
                (_, Body::Empty) => "a body (the cassette has none)".to_string(),
                _ => "body differs".to_string(),
            });
        }
        for ((name, a), r) in MATCHED_HEADERS
            .iter()
            .zip(&self.headers)
            .zip(&recorded.headers)
        {
            if a != r {
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
                why.push(format!(
                    "header {name}: {} (the cassette's is {})",
                    show(a),
                    show(r)
                ));
            }
        }
        why
    }
}

/// JSON bodies match by meaning, a redacted recorded value matching any value (the secret was not recorded); other
/// bodies byte for byte.
fn body_matches(request: &Body, recorded: &Body) -> bool {
    match (request, recorded) {
        (Body::Json(a), Body::Json(r)) => {
            let mut diffs = Vec::new();
            crate::cassette::diff_json("", r, a, &mut diffs);
            diffs.is_empty()
        }
        (a, r) => a == r,
    }
}

fn show_query(q: &[(String, String)]) -> String {
    if q.is_empty() {
        return "(none)".into();
    }
    q.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes percent-escapes, except `%2F` (kept, upper-cased) so `a%2Fb` and `a/b` stay different paths.
fn normalise_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            let byte = (h * 16 + l) as u8;
            if byte == b'/' {
                out.extend_from_slice(b"%2F");
            } else {
                out.push(byte);
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parameters decoded (`+` as space) and sorted; `a` and `a=` are the same, an empty query is no query.
fn normalise_query(query: Option<&str>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k, true), decode(v, true))
        })
        .collect();
    pairs.sort();
    pairs
}

/// A short, stable name for what `req` asks (method, decoded path, sorted query, JSON body by meaning, the matched
/// headers): two requests that replay matches as the same get the same fingerprint (8 hex digits).
pub fn fingerprint(req: &Request) -> String {
    use sha2::Digest;
    let key = Key::of(req);
    let body = match &key.body {
        Body::Empty => String::new(),
        // serde_json's maps are ordered by key, so equal JSON serialises equally.
        Body::Json(v) => v.to_string(),
        Body::Raw(b) => String::from_utf8_lossy(b).into_owned(),
    };
    let text = format!(
        "{}\n{}\n{}\n{}\n{:?}",
        key.method,
        key.path,
        show_query(&key.query),
        body,
        key.headers
    );
    hex::encode(&sha2::Sha256::digest(text.as_bytes())[..4])
}

struct Entry {
    name: String,
    cassette: Cassette,
    key: Key,
}

/// Cassettes in front of an emulator (see the module docs). Cheap to share behind an `Arc`.
pub struct Replay {
    emulator: Emulator,
    /// The same emulator without authentication or rate limits: where its answer differs from the emulator's, the
    /// emulator refused the credentials (or throttled), and that refusal is the answer. `None` under `no_auth`.
    unauthenticated: Option<Emulator>,
    entries: Vec<Entry>,
    strict: bool,
}

impl std::fmt::Debug for Replay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replay")
            .field("cassettes", &self.entries.len())
            .field("strict", &self.strict)
            .finish()
    }
}

impl Replay {
    /// Replays `cassettes` (name, cassette) in front of `emulator`; only the cassettes of providers the emulator
    /// serves are used. Unmatched requests fall through to the emulator.
    pub fn new(emulator: Emulator, cassettes: Vec<(String, Cassette)>) -> Replay {
        let served: Vec<_> = emulator.providers().iter().map(|p| p.id()).collect();
        let entries = cassettes
            .into_iter()
            .filter(|(_, c)| served.contains(&c.provider))
            .map(|(name, cassette)| Entry {
                name,
                key: Key::of(&cassette.unsigned_request()),
                cassette,
            })
            .collect();
        let unauthenticated = (!emulator.options().no_auth).then(|| {
            let options = Options {
                no_auth: true,
                rate_limit: RateLimit::Off,
                ..emulator.options().clone()
            };
            // The same live data, so only the credentials can make the two answers differ.
            emulator.sharing_data(options)
        });
        Replay {
            emulator,
            unauthenticated,
            entries,
            strict: false,
        }
    }

    /// Loads every cassette under `dir` (see [`crate::cassette::load_dir`]), named by their path relative to `dir`.
    pub fn from_dir(emulator: Emulator, dir: &Path) -> Result<Replay, CassetteError> {
        let loaded = crate::cassette::load_dir(dir)?;
        let cassettes = loaded
            .into_iter()
            .map(|l| {
                let name = l
                    .path
                    .strip_prefix(dir)
                    .unwrap_or(&l.path)
                    .display()
                    .to_string();
                (name, l.cassette)
            })
            .collect();
        Ok(Replay::new(emulator, cassettes))
    }

    /// Strict mode (builder style): an unmatched request gets the near-miss report instead of the emulator's answer.
    pub fn strict(mut self, strict: bool) -> Replay {
        self.strict = strict;
        self
    }

    /// The emulator behind the cassettes.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// How many cassettes are replayed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no cassette is replayed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Answers one request: a matching cassette's recorded answer, else the emulator's (or, strict, the near-miss
    /// report). Like [`Emulator::dispatch`], synchronous and never panics.
    pub fn answer(&self, req: &Request) -> Response {
        let key = Key::of(req);
        let mut hits = Vec::new();
        let mut misses = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let why = key.mismatches(&e.key);
            if why.is_empty() {
                hits.push(i);
            } else {
                misses.push((why, i));
            }
        }
        if hits.is_empty() {
            return if self.strict {
                let started = std::time::Instant::now();
                let resp = self.near_miss(req, misses);
                self.emulator.note_foreign_answer(req, &resp, started);
                resp
            } else {
                self.emulator.dispatch(req)
            };
        }
        let emulated = self.emulator.dispatch(req);
        if let Some(open) = &self.unauthenticated
            && differs(&emulated, &open.dispatch(req))
        {
            // The emulator refused the credentials (or throttled): signatures are judged, never replayed.
            return emulated;
        }
        // Several cassettes can record one request with different credentials (a documented answer and a refusal):
        // the credentials passed, so prefer one replayed with valid credentials, then the one with the same raw path.
        let best = hits
            .iter()
            .copied()
            .max_by_key(|&i| {
                let c = &self.entries[i].cassette;
                (c.sign, c.request.path == req.path, std::cmp::Reverse(i))
            })
            .unwrap_or_default();
        let entry = &self.entries[best];
        let mut resp = entry.cassette.response();
        resp.headers
            .retain(|(n, _)| !DROPPED_HEADERS.iter().any(|d| n.eq_ignore_ascii_case(d)));
        for id in ["x-request-id", "x-ncp-trace-id"] {
            if let Some(v) = emulated.header_value(id) {
                resp.headers.push((id.to_string(), v.to_string()));
            }
        }
        resp.with_header(CASSETTE_HEADER, entry.name.clone())
    }

    fn near_miss(&self, req: &Request, mut misses: Vec<(Vec<String>, usize)>) -> Response {
        misses.sort_by_key(|(why, i)| (why.len(), *i));
        let nearest: Vec<Value> = misses
            .iter()
            .take(NEAREST)
            .map(|(why, i)| serde_json::json!({"cassette": self.entries[*i].name, "why": why}))
            .collect();
        let message = format!(
            "regmock: strict replay: no cassette matches {} {}{}",
            req.method,
            req.target(),
            match nearest.len() {
                0 => " (no cassettes loaded)".to_string(),
                n => format!("; the {n} nearest and why each did not match are listed"),
            }
        );
        Response::json(
            STRICT_MISS_STATUS,
            &serde_json::json!({"message": message, "nearest": nearest}),
        )
        .with_header(
            "X-Request-Id",
            crate::pipeline::request_id().simple().to_string(),
        )
    }
}

/// Whether two emulator answers differ in more than their request ids.
fn differs(a: &Response, b: &Response) -> bool {
    let strip = |r: &Response| {
        let mut v = r.body_json();
        if let Some(resp) = v.get_mut("Response").and_then(Value::as_object_mut) {
            resp.remove("RequestId");
        }
        if v.is_null() {
            Value::from(String::from_utf8_lossy(&r.body).into_owned())
        } else {
            v
        }
    };
    a.status != b.status || strip(a) != strip(b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn paths_decode_except_the_slash() {
        assert_eq!(normalise_path("/a%20b/c%2fd"), "/a b/c%2Fd");
        assert_eq!(normalise_path("/x%"), "/x%");
        assert_ne!(normalise_path("/a%2Fb"), normalise_path("/a/b"));
    }

    #[test]
    fn queries_are_decoded_and_sorted() {
        assert_eq!(
            normalise_query(Some("b=2&a=%31&c")),
            normalise_query(Some("a=1&c=&b=2"))
        );
        assert!(normalise_query(Some("")).is_empty());
        assert_eq!(
            normalise_query(Some("q=a+b")),
            normalise_query(Some("q=a%20b"))
        );
    }
}
