//! Cassettes: one recorded or documented HTTP exchange per file (`cassettes/<provider>/*.json`, the format of
//! `schemas/cassette.schema.json`).
//!
//! This module is the one place that knows the format: [`Cassette`] (serde), [`load_dir`], the conversion of a
//! recorded request into an [`http::Request`](crate::http::Request) (signed with the provider's own client-side
//! signer when `sign: true`), the placeholder rules, [`Cassette::compare`] (the differences between an answer and
//! the recorded one, by JSON pointer), redaction of secrets and an atomic, crash-safe [`Cassette::save`].
//!
//! ```
//! use regmock::cassette::Cassette;
//! let text = r#"{"provider": "swr", "description": "one repository", "source": {"title": "t", "document": "d"},
//!   "sign": true, "request": {"method": "GET", "path": "/v2/manage/repos", "query": "filter=name::busybox"},
//!   "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": []}}"#;
//! let cassette = Cassette::from_json(text).unwrap();
//! let req = cassette.request(regmock::cassette::fixed_now(), regmock::cassette::DEFAULT_HOST);
//! assert!(req.header_value("authorization").is_some(), "signed as the SDK signs");
//! ```

use crate::http::{Request, Response};
use crate::model::ProviderId;
use crate::pipeline::{Credentials, Provider};
use crate::providers::PROVIDERS;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What replaces a secret on disk.
pub const REDACTED: &str = "<redacted>";

/// The Host a replayed request is signed for when no other is known (the tests' and `serve`'s default address).
pub const DEFAULT_HOST: &str = "127.0.0.1:8080";

/// Header names (lower case) that always carry a secret or a signature bound to one.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "x-auth-token",
    "x-ncp-iam-access-key",
    "x-ncp-apigw-signature-v1",
    "x-ncp-apigw-signature-v2",
    "x-tc-token",
    // NAVER's older API Gateway key.
    "x-ncp-apigw-api-key",
];

/// Words that make any header, query parameter or JSON field name a secret (case-insensitive): also a client's own
/// `Cookie`, `Proxy-Authorization` or `X-Api-Key`.
const SECRET_WORDS: &[&str] = &[
    "secret",
    "token",
    "password",
    "signature",
    "authorization",
    "cookie",
    "api-key",
    "api_key",
    "apikey",
];

/// The instant replays are signed at and drift runs at when a cassette implies no other: 2026-11-24T12:00:00Z, the
/// tests' fixed clock (the SWR note's vectors; the TCR `signature-expire` cassette is five days after it).
pub fn fixed_now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_953_600 - 5 * 86_400, 0).unwrap_or_default()
}

/// A cassette: one exchange, with where it comes from and the rules for the spots an exact comparison cannot hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cassette {
    /// Which provider answers it.
    pub provider: ProviderId,
    /// What the exchange shows.
    pub description: String,
    /// The vendor page (or recording) it comes from.
    pub source: Source,
    /// Replay adds the provider's authentication with the default credentials.
    #[serde(default)]
    pub sign: bool,
    /// The request.
    pub request: RecordedRequest,
    /// The answer.
    pub response: RecordedResponse,
    /// Spots compared by a rule instead of exactly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub placeholders: Vec<Placeholder>,
}

/// Where a cassette comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Page title.
    pub title: String,
    /// Vendor page (a file under the vendor docs, or a URL).
    pub document: String,
    /// Section of the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// URL of the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The recorded request. `body` is `null` (none), a string (sent as is) or any other JSON (sent serialised).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Raw path, percent-encoding as sent.
    pub path: String,
    /// Raw query without `?`.
    #[serde(default)]
    pub query: Option<String>,
    /// Headers sent besides the signature ones `sign` adds.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Body.
    #[serde(default)]
    pub body: Value,
}

/// The recorded answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// Only these headers are compared.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Schema file under `schemas/` the body must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Body (JSON; a string when the answer was not JSON).
    pub body: Value,
}

/// A spot of the response (`/status`, `/headers/<name>`, `/body/...`) compared by a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placeholder {
    /// JSON pointer into `{status, headers, body}`.
    pub pointer: String,
    /// How the spot is compared.
    pub rule: Rule,
    /// For [`Rule::Glob`]: the pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Why an exact comparison cannot hold.
    pub why: String,
}

/// A placeholder rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rule {
    /// `*` matches any run of characters; the rest must be equal.
    Glob,
    /// Anything, as long as the spot exists.
    Any,
}

/// regmock's own failures reading or writing cassettes.
#[derive(Debug, thiserror::Error)]
pub enum CassetteError {
    /// The file or folder could not be read or written.
    #[error("{path}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a cassette.
    #[error("{path}: not a cassette")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What serde said.
        source: serde_json::Error,
    },
    /// The name given to [`Cassette::save`] is not a plain file name.
    #[error("{0:?} is not a plain file name ending in .json")]
    BadName(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CassetteError + '_ {
    move |source| CassetteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A cassette read from disk, with its path.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file.
    pub path: PathBuf,
    /// Its content.
    pub cassette: Cassette,
}

impl Loaded {
    /// The file name, for messages.
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Every `*.json` file under `dir` (recursively), sorted by path; `dir` may also be one file.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>, CassetteError> {
    let mut out = Vec::new();
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(io(&d))? {
            let path = entry.map_err(io(&d))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Loads every cassette under `dir` (see [`files`]).
pub fn load_dir(dir: &Path) -> Result<Vec<Loaded>, CassetteError> {
    files(dir)?
        .into_iter()
        .map(|path| {
            Cassette::load(&path).map(|cassette| Loaded {
                path: path.clone(),
                cassette,
            })
        })
        .collect()
}

/// One way an answer differs from the recorded one.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// Another status.
    Status {
        /// Recorded.
        recorded: u16,
        /// Answered.
        actual: u16,
    },
    /// A recorded header is missing or has another value.
    Header {
        /// Header name (lower case).
        name: String,
        /// Recorded value.
        recorded: String,
        /// Answered value, `None` when absent.
        actual: Option<String>,
    },
    /// A JSON value differs (`None`: absent on that side).
    Field {
        /// JSON pointer into the body, e.g. `/Response/TotalCount`.
        pointer: String,
        /// Recorded value.
        recorded: Option<Value>,
        /// Answered value.
        actual: Option<Value>,
    },
    /// An array holds the same items in another order.
    Order {
        /// JSON pointer of the array in the body.
        pointer: String,
    },
    /// A placeholder rule did not hold.
    Placeholder {
        /// The placeholder's pointer.
        pointer: String,
        /// What was wrong.
        problem: String,
    },
}

impl Difference {
    /// Where it is: `/status`, `/headers/<name>` or `/body<pointer>`.
    pub fn pointer(&self) -> String {
        match self {
            Difference::Status { .. } => "/status".into(),
            Difference::Header { name, .. } => format!("/headers/{}", escape(name)),
            Difference::Field { pointer, .. } | Difference::Order { pointer } => {
                format!("/body{pointer}")
            }
            Difference::Placeholder { pointer, .. } => pointer.clone(),
        }
    }
}

fn shown(v: &Option<Value>) -> String {
    match v {
        Some(v) => v.to_string(),
        None => "(absent)".into(),
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.pointer();
        match self {
            Difference::Status { recorded, actual } => {
                write!(f, "{at}: recorded {recorded}, answered {actual}")
            }
            Difference::Header {
                recorded, actual, ..
            } => write!(
                f,
                "{at}: recorded {recorded:?}, answered {}",
                actual
                    .as_ref()
                    .map_or("(absent)".to_string(), |a| format!("{a:?}"))
            ),
            Difference::Field {
                recorded, actual, ..
            } => write!(
                f,
                "{at}: recorded {}, answered {}",
                shown(recorded),
                shown(actual)
            ),
            Difference::Order { .. } => write!(f, "{at}: same items in another order"),
            Difference::Placeholder { problem, .. } => write!(f, "{at}: {problem}"),
        }
    }
}

/// Escapes one JSON pointer token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `*` matches any run of characters (also none); everything else must be equal.
///
/// ```
/// assert!(regmock::cassette::glob("*/group/busybox", "swr.example.com/group/busybox"));
/// assert!(!regmock::cassette::glob("a*b*c", "acb"));
/// ```
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = match (parts.first(), parts.last()) {
        (Some(f), Some(l)) if parts.len() > 1 => (*f, *l),
        _ => return pattern == text,
    };
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Header names compare case-insensitively, so header pointers are lower-cased like the header maps.
fn normalise_pointer(pointer: &str) -> String {
    match pointer.strip_prefix("/headers/") {
        Some(h) => format!("/headers/{}", h.to_ascii_lowercase()),
        None => pointer.to_string(),
    }
}

impl Cassette {
    /// Parses a cassette from JSON text.
    pub fn from_json(text: &str) -> Result<Cassette, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Reads one cassette file.
    pub fn load(path: &Path) -> Result<Cassette, CassetteError> {
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        Cassette::from_json(&text).map_err(|source| CassetteError::Parse {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The provider that answers it.
    pub fn provider(&self) -> &'static dyn Provider {
        // PROVIDERS lists every ProviderId: a missing one is a bug of the crate, caught by the cassette tests.
        PROVIDERS
            .iter()
            .copied()
            .find(|p| p.id() == self.provider)
            .expect("every provider id is in PROVIDERS")
    }

    /// The recorded request body as bytes: `null` none, a string as is, other JSON serialised.
    pub fn request_body(&self) -> Vec<u8> {
        match &self.request.body {
            Value::Null => Vec::new(),
            Value::String(s) => s.clone().into_bytes(),
            other => other.to_string().into_bytes(),
        }
    }

    /// The recorded request as regmock's request, without signature: what a matcher compares against.
    pub fn unsigned_request(&self) -> Request {
        let r = &self.request;
        let mut req = Request::new(&r.method, &r.path);
        req.query = r.query.clone();
        // A redacted header (a recorded signature or token) is never sent: `sign` adds fresh credentials.
        req.headers = r
            .headers
            .iter()
            .filter(|(_, v)| v.as_str() != REDACTED)
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
        req.body = self.request_body();
        req
    }

    /// The recorded request, ready to send: with `sign: true` the provider's client-side signer adds its
    /// authentication for the first default key pair at `now`, for a client connecting to `host`.
    pub fn request(&self, now: DateTime<Utc>, host: &str) -> Request {
        let mut req = self.unsigned_request();
        if self.sign
            && let Some(key) = Credentials::default().keys.first()
        {
            self.provider().sign(&mut req, key, now, host);
        }
        req
    }

    /// The recorded response as an answer: status, recorded headers and the body (JSON serialised; a string as is).
    pub fn response(&self) -> Response {
        let body = match &self.response.body {
            Value::Null => Vec::new(),
            Value::String(s) => s.clone().into_bytes(),
            other => other.to_string().into_bytes(),
        };
        Response {
            status: self.response.status,
            headers: self
                .response
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
            body,
        }
    }

    /// The recorded body as JSON: a body recorded as text (kept byte for byte) is parsed when it is JSON.
    pub fn response_json(&self) -> Value {
        match &self.response.body {
            Value::String(s) => {
                serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))
            }
            other => other.clone(),
        }
    }

    /// Every way `resp` differs from the recorded answer, after the placeholder rules: status, each recorded header
    /// (only those are compared), each body field by JSON pointer, and arrays whose items are only reordered.
    /// Empty means the answer is the recorded one.
    pub fn compare(&self, resp: &Response) -> Vec<Difference> {
        let mut out = Vec::new();
        if resp.status != self.response.status {
            out.push(Difference::Status {
                recorded: self.response.status,
                actual: resp.status,
            });
        }
        let lower =
            |h: &mut dyn Iterator<Item = (String, String)>| -> serde_json::Map<String, Value> {
                h.map(|(n, v)| (n.to_ascii_lowercase(), Value::from(v)))
                    .collect()
            };
        let mut actual = serde_json::json!({
            "status": resp.status,
            "headers": lower(&mut resp.headers.iter().cloned()),
            "body": resp.body_json(),
        });
        let expected = serde_json::json!({
            "status": self.response.status,
            "headers": lower(&mut self.response.headers.clone().into_iter()),
            "body": self.response_json(),
        });
        for p in &self.placeholders {
            let pointer = normalise_pointer(&p.pointer);
            let Some(got) = actual.pointer(&pointer).cloned() else {
                out.push(Difference::Placeholder {
                    pointer: pointer.clone(),
                    problem: "nothing there in the answer".into(),
                });
                continue;
            };
            if p.rule == Rule::Glob {
                let text = got
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| got.to_string());
                let pattern = p.value.as_deref().unwrap_or("*");
                if !glob(pattern, &text) {
                    out.push(Difference::Placeholder {
                        pointer: pointer.clone(),
                        problem: format!("{text:?} does not match {pattern:?}"),
                    });
                }
            }
            // The rule was judged: take the recorded value so the exact comparison below ignores this spot.
            match expected.pointer(&pointer).cloned() {
                Some(slot) => {
                    if let Some(v) = actual.pointer_mut(&pointer) {
                        *v = slot;
                    }
                }
                None => {
                    if let Some((parent, key)) = pointer.rsplit_once('/')
                        && let Some(obj) = actual.pointer_mut(parent).and_then(Value::as_object_mut)
                    {
                        obj.remove(key);
                    }
                }
            }
        }
        if let (Some(rec), Some(act)) = (
            expected["headers"].as_object(),
            actual["headers"].as_object(),
        ) {
            for (n, v) in rec {
                let redacted = v.as_str() == Some(REDACTED) && act.contains_key(n);
                if act.get(n) != Some(v) && !redacted {
                    out.push(Difference::Header {
                        name: n.clone(),
                        recorded: v.as_str().unwrap_or_default().to_string(),
                        actual: act.get(n).and_then(Value::as_str).map(str::to_string),
                    });
                }
            }
        }
        diff_json("", &expected["body"], &actual["body"], &mut out);
        out
    }

    /// Replaces every secret by [`REDACTED`]: the headers that always carry one (`Authorization`, `X-Auth-Token`,
    /// `x-ncp-iam-access-key`, `x-ncp-apigw-signature-v1/v2`, `X-TC-Token`) and any header, query parameter or JSON
    /// field (request and response bodies) whose name contains `secret`, `token`, `password` or `signature`.
    pub fn redact(&mut self) {
        redact_headers(&mut self.request.headers);
        redact_headers(&mut self.response.headers);
        if let Some(q) = &self.request.query {
            self.request.query = Some(redact_query(q));
        }
        redact_body(&mut self.request.body);
        redact_body(&mut self.response.body);
    }

    /// Redacts a copy (see [`Cassette::redact`]) and writes it to `dir/name` atomically: a temporary file in `dir`,
    /// fsync, rename over `name`, fsync of `dir`. A crash at any point leaves either the old file or the new one,
    /// never a half-written cassette; a leftover temporary file starts with `.` and does not end in `.json`.
    pub fn save(&self, dir: &Path, name: &str) -> Result<PathBuf, CassetteError> {
        if name.contains(['/', '\\']) || name.starts_with('.') || !name.ends_with(".json") {
            return Err(CassetteError::BadName(name.to_string()));
        }
        let mut copy = self.clone();
        copy.redact();
        let mut text =
            serde_json::to_string_pretty(&copy).map_err(|source| CassetteError::Parse {
                path: dir.join(name),
                source,
            })?;
        text.push('\n');
        write_atomic(dir, name, text.as_bytes())
    }
}

/// Writes `bytes` to `dir/name` through a temporary file, fsync and rename, then fsyncs `dir`.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, CassetteError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, &target)?;
        // The rename is durable only once the directory entry is on disk.
        std::fs::File::open(dir)?.sync_all()
    })();
    if let Err(source) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(CassetteError::Io {
            path: target,
            source,
        });
    }
    Ok(target)
}

/// Whether a header is one of the vendors' credential headers (`Authorization`, `X-Auth-Token`, NAVER's and
/// Tencent's): a request that carried one is replayed with fresh credentials. Other secrets are only redacted.
///
/// ```
/// assert!(regmock::cassette::is_credential_header("X-Auth-Token"));
/// assert!(!regmock::cassette::is_credential_header("X-My-Password"));
/// assert!(regmock::cassette::is_secret_name("X-My-Password"));
/// ```
pub fn is_credential_header(name: &str) -> bool {
    SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

/// Whether a header, parameter or field name holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_HEADERS.contains(&lower.as_str()) || SECRET_WORDS.iter().any(|w| lower.contains(w))
}

fn redact_headers(headers: &mut BTreeMap<String, String>) {
    for (n, v) in headers.iter_mut() {
        if is_secret_name(n) {
            *v = REDACTED.to_string();
        }
    }
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_name(&decode(k, true)) => format!("{k}={REDACTED}"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn redact_body(body: &mut Value) {
    match body {
        // A body kept as text may still be JSON: redact inside it.
        Value::String(s) => {
            if let Ok(original) = serde_json::from_str::<Value>(s) {
                let mut secrets = Vec::new();
                collect_secrets(&original, &mut secrets);
                if secrets.is_empty() {
                    return;
                }
                // Replace each secret string where it stands, so the rest of the text keeps its exact bytes; a
                // secret that is not a plain string (or that the text spells another way) rewrites the whole body.
                let mut text = s.clone();
                for secret in &secrets {
                    let quoted = Value::from(secret.as_str()).to_string();
                    text = text.replace(&quoted, &Value::from(REDACTED).to_string());
                }
                let mut v = original;
                redact_value(&mut v);
                *s = match serde_json::from_str::<Value>(&text) {
                    Ok(back) if back == v => text,
                    _ => v.to_string(),
                };
            }
        }
        other => redact_value(other),
    }
}

/// The string values of the secret fields of `v`.
fn collect_secrets(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                match val {
                    _ if !is_secret_name(k) => collect_secrets(val, out),
                    Value::String(secret) if secret != REDACTED => out.push(secret.clone()),
                    Value::String(_) => {}
                    // Not a string: a marker the text cannot hold, so the check after replacing forces a rewrite.
                    other => out.push(format!("\u{0}{other}")),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_secrets(i, out)),
        _ => {}
    }
}

fn redact_value(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if is_secret_name(k) {
                    *val = Value::from(REDACTED);
                } else {
                    redact_value(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// Percent-decodes `s` (`+` as a space when `plus` is set).
pub(crate) fn decode(s: &str, plus: bool) -> String {
    let s = if plus {
        s.replace('+', " ")
    } else {
        s.to_string()
    };
    percent_encoding::percent_decode_str(&s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Appends every difference between `recorded` and `actual` at `pointer` (into the body).
pub(crate) fn diff_json(
    pointer: &str,
    recorded: &Value,
    actual: &Value,
    out: &mut Vec<Difference>,
) {
    // A redacted value was a secret when recorded: only its presence can be compared.
    if recorded == actual || recorded.as_str() == Some(REDACTED) {
        return;
    }
    match (recorded, actual) {
        (Value::Object(r), Value::Object(a)) => {
            let keys: std::collections::BTreeSet<&String> = r.keys().chain(a.keys()).collect();
            for k in keys {
                let at = format!("{pointer}/{}", escape(k));
                match (r.get(k), a.get(k)) {
                    (Some(rv), Some(av)) => diff_json(&at, rv, av, out),
                    (rv, av) => out.push(Difference::Field {
                        pointer: at,
                        recorded: rv.cloned(),
                        actual: av.cloned(),
                    }),
                }
            }
        }
        (Value::Array(r), Value::Array(a)) => {
            if r.len() == a.len() && same_items(r, a) {
                out.push(Difference::Order {
                    pointer: pointer.to_string(),
                });
                return;
            }
            for i in 0..r.len().max(a.len()) {
                let at = format!("{pointer}/{i}");
                match (r.get(i), a.get(i)) {
                    (Some(rv), Some(av)) => diff_json(&at, rv, av, out),
                    (rv, av) => out.push(Difference::Field {
                        pointer: at,
                        recorded: rv.cloned(),
                        actual: av.cloned(),
                    }),
                }
            }
        }
        _ => out.push(Difference::Field {
            pointer: pointer.to_string(),
            recorded: Some(recorded.clone()),
            actual: Some(actual.clone()),
        }),
    }
}

/// Whether `a` holds exactly the items of `r`, each as many times.
fn same_items(r: &[Value], a: &[Value]) -> bool {
    let mut left: Vec<&Value> = a.iter().collect();
    r.iter()
        .all(|item| match left.iter().position(|x| *x == item) {
            Some(i) => {
                left.swap_remove(i);
                true
            }
            None => false,
        })
}

/// The first of `provider`'s embedded schemas (`schemas/<provider>/`) that `body` matches as written, error schemas
/// first when `status` is 400 or more or the body has TCR's `Response.Error`; `None` when none matches.
pub fn guess_schema(provider: ProviderId, status: u16, body: &Value) -> Option<String> {
    let is_error = status >= 400 || body.pointer("/Response/Error").is_some();
    let prefix = format!("{}/", provider.as_str());
    let mut names: Vec<&'static str> = crate::conformance::schema::names()
        .filter(|n| n.starts_with(&prefix))
        .collect();
    names.sort_by_key(|n| n.contains("error") != is_error);
    names
        .into_iter()
        .find(|n| crate::conformance::schema::validate(n, body).is_some_and(|e| e.is_empty()))
        .map(str::to_string)
}

/// Problems of one cassette file: the cassette schema, then the recorded body against the schema it names (which
/// must be one of its provider's, under `schemas/<provider>/`). Empty means the file is fine.
pub fn check_file(path: &Path) -> Vec<String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return vec![format!("cannot read: {e}")],
    };
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return vec![format!("not JSON: {e}")],
    };
    let mut problems = crate::conformance::schema::validate("cassette.schema.json", &value)
        .unwrap_or_else(|| vec!["schemas/cassette.schema.json is not embedded".into()]);
    if !problems.is_empty() {
        return problems;
    }
    let cassette: Cassette = match serde_json::from_value(value) {
        Ok(c) => c,
        Err(e) => return vec![format!("not a cassette: {e}")],
    };
    let provider = cassette.provider.as_str();
    match &cassette.response.schema {
        None => problems.push(format!(
            "response.schema is missing: name the schemas/{provider}/ file the body must match"
        )),
        Some(schema) if !schema.starts_with(&format!("{provider}/")) => problems.push(format!(
            "response.schema {schema:?} is not one of {provider}'s schemas (schemas/{provider}/)"
        )),
        Some(schema) => {
            match crate::conformance::schema::validate(schema, &cassette.response_json()) {
                None => problems.push(format!("response.schema {schema:?}: no such schema")),
                Some(errors) => problems.extend(
                    errors
                        .into_iter()
                        .map(|e| format!("response body does not match {schema}: {e}")),
                ),
            }
        }
    }
    for p in &cassette.placeholders {
        if p.rule == Rule::Glob && p.value.is_none() {
            problems.push(format!(
                "placeholder {}: rule glob needs a value",
                p.pointer
            ));
        }
    }
    problems
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn cassette() -> Cassette {
        Cassette::from_json(
            r#"{"provider": "tcr", "description": "d", "source": {"title": "t", "document": "d"},
              "request": {"method": "POST", "path": "/", "headers": {"X-TC-Action": "DescribeImages",
                "Authorization": "TC3-HMAC-SHA256 Signature=hush1", "X-TC-Token": "hush2", "X-Api-Password": "hush3"},
                "query": "a=1&client_secret=hush4", "body": "{\"SecretKey\": \"hush5\", \"Limit\": 1}"},
              "response": {"status": 200, "headers": {"Set-Token": "hush6"},
                "body": {"Response": {"List": [1, 2], "Nested": {"accessToken": "hush7"}, "N": 1}}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn glob_rule_matches_runs_of_characters() {
        assert!(glob("*/group/busybox", "swr.example.com/group/busybox"));
        assert!(glob("050*6d70a960", "0503dda878000fed0f75c0096d70a960"));
        assert!(!glob("050*6d70a960", "0503dda878000fed0f75c0096d70a961"));
        assert!(glob("exact", "exact"));
        assert!(!glob("a*b*c", "acb"));
        assert!(!glob("ab*ba", "aba"));
    }

    #[test]
    fn fixed_now_is_the_tests_clock() {
        assert_eq!(fixed_now().to_rfc3339(), "2026-11-24T12:00:00+00:00");
    }

    #[test]
    fn redaction_covers_headers_query_and_json_fields() {
        let mut c = cassette();
        c.redact();
        let text = serde_json::to_string(&c).unwrap();
        assert!(!text.contains("hush"), "a secret left in {text}");
        assert_eq!(c.request.headers["X-TC-Action"], "DescribeImages");
        assert_eq!(
            c.request.query.as_deref(),
            Some("a=1&client_secret=<redacted>")
        );
        assert!(
            text.contains("\\\"Limit\\\": 1"),
            "the bytes around the secret stay"
        );
    }

    #[test]
    fn a_clients_own_credentials_are_redacted_too() {
        let mut c = cassette();
        for name in [
            "Cookie",
            "Proxy-Authorization",
            "X-Api-Key",
            "x-ncp-apigw-api-key",
        ] {
            c.request.headers.insert(name.into(), "hush-header".into());
        }
        c.redact();
        let text = serde_json::to_string(&c).unwrap();
        assert!(!text.contains("hush-header"), "a secret left in {text}");
        // Only the vendors' credential headers make a cassette be signed again on replay.
        assert!(super::is_credential_header("x-ncp-apigw-api-key"));
        assert!(!super::is_credential_header("Cookie"));
    }

    #[test]
    fn a_text_body_keeps_its_bytes_apart_from_the_secret() {
        let mut c = cassette();
        c.response.body = Value::from(r#"{"Z":1, "Token": "hush8",  "A":[{"Password":"hush9"}]}"#);
        c.redact();
        assert_eq!(
            c.response.body,
            r#"{"Z":1, "Token": "<redacted>",  "A":[{"Password":"<redacted>"}]}"#
        );
        c.response.body = Value::from(r#"{"Token": 12}"#);
        c.redact();
        assert_eq!(c.response.body, r#"{"Token":"<redacted>"}"#);
    }

    #[test]
    fn a_redacted_value_is_compared_by_presence() {
        let mut c = cassette();
        c.redact();
        let resp = Response::json(
            200,
            &serde_json::json!({"Response": {"List": [1, 2], "N": 1,
            "Nested": {"accessToken": "live"}}}),
        )
        .with_header("Set-Token", "live");
        assert_eq!(c.compare(&resp), []);
    }

    #[test]
    fn compare_lists_fields_by_pointer_and_reorders() {
        let c = cassette();
        let mut body = c.response.body.clone();
        body["Response"]["List"] = serde_json::json!([2, 1]);
        body["Response"]["N"] = serde_json::json!(2);
        let resp = Response::json(201, &body).with_header("set-token", "hush6");
        let diffs = c.compare(&resp);
        let pointers: Vec<String> = diffs.iter().map(Difference::pointer).collect();
        assert_eq!(
            pointers,
            ["/status", "/body/Response/List", "/body/Response/N"]
        );
        assert!(matches!(diffs[1], Difference::Order { .. }));
    }

    #[test]
    fn save_is_atomic_and_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let path = cassette().save(dir.path(), "x.json").unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
        let back = Cassette::load(&path).unwrap();
        assert_eq!(back.request.headers["X-TC-Token"], REDACTED);
        assert!(cassette().save(dir.path(), "../x.json").is_err());
    }
}
