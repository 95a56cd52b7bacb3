//! regmock's own request and response values.
//!
//! Providers see only these types, never axum, hyper or wiremock ones, so one handler serves both transports and can be
//! called directly from tests (see [`crate::Emulator::dispatch`]).
//!
//! The path and query are kept exactly as received (still percent-encoded): signature schemes sign the raw request
//! target, and decoding here would lose the difference between `%2F` and `/` that some vendors care about.

/// An HTTP request as the emulator sees it.
///
/// ```
/// use regmock::http::Request;
/// let req = Request::get("/v2/manage/repos?limit=10").header("X-Auth-Token", "t");
/// assert_eq!(req.path, "/v2/manage/repos");
/// assert_eq!(req.query.as_deref(), Some("limit=10"));
/// assert_eq!(req.header_value("x-auth-token"), Some("t"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// Upper-case method, e.g. `GET`.
    pub method: String,
    /// Path as received, percent-encoding untouched.
    pub path: String,
    /// Query string as received (without `?`), `None` when the target had no `?`.
    pub query: Option<String>,
    /// Header name/value pairs in arrival order; names keep their case, look-ups ignore it.
    pub headers: Vec<(String, String)>,
    /// Raw body bytes.
    pub body: Vec<u8>,
}

impl Request {
    /// A request with `method` and a raw request target (`/path?query`).
    pub fn new(method: &str, target: &str) -> Self {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (target.to_string(), None),
        };
        Request {
            method: method.to_ascii_uppercase(),
            path,
            query,
            ..Request::default()
        }
    }

    /// A `GET` request for a raw target.
    pub fn get(target: &str) -> Self {
        Self::new("GET", target)
    }

    /// Adds a header (builder style).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The first value of a header, matched case-insensitively.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The request target exactly as received: path, plus `?query` when a query was sent.
    pub fn target(&self) -> String {
        match &self.query {
            // Joined: `format!` costs several times as much, and this is written for every request's log line.
            Some(q) => [self.path.as_str(), "?", q].concat(),
            None => self.path.clone(),
        }
    }
}

/// An HTTP response produced by a provider.
///
/// ```
/// use regmock::http::Response;
/// let resp = Response::json(404, &serde_json::json!({"error": "x"}));
/// assert_eq!(resp.status, 404);
/// assert_eq!(resp.header_value("content-type"), Some("application/json"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Header name/value pairs.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// A response whose body is `value` serialised as JSON, with `Content-Type: application/json`.
    pub fn json<T: serde::Serialize + ?Sized>(status: u16, value: &T) -> Self {
        // Most answers fit: growing from empty took several reallocations per answer. Just under 1 KiB: glibc serves
        // a request of 1 KiB or more from its large bins, and each such request first consolidates the fast bins.
        let mut body = Vec::with_capacity(1000);
        // sonic-rs, not serde_json: the same bytes (the whole test suite's bodies and snapshots agree, and so does
        // every character up to U+07FF: the test below), but it escapes strings a vector at a time. serde_json's
        // byte-by-byte escape (about 10 instructions a byte) was a third of a 100-item SWR tag page's cost; sonic-rs
        // cut the page's instructions by a quarter (BENCHMARKS.md, "Big pages").
        // Serialising our own wire structs cannot fail: they hold no maps with non-string keys.
        if sonic_rs::to_writer(&mut body, value).is_err() {
            body.clear();
        }
        // Room for the headers a provider and the pipeline add (request id, Content-Range, explain): one allocation.
        let mut headers = Vec::with_capacity(4);
        headers.push(("Content-Type".into(), "application/json".into()));
        Response {
            status,
            headers,
            body,
        }
    }

    /// Adds a header (builder style).
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// The first value of a header, matched case-insensitively.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body parsed as JSON (`Null` when it is not JSON).
    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Response;

    /// The answers are rendered by sonic-rs; clients and snapshots expect serde_json's bytes. Every character up to
    /// U+07FF (all of ASCII's escapes among them), the line separators, a BOM, an emoji and a key that needs escaping.
    #[test]
    fn json_bodies_are_the_bytes_serde_json_writes() {
        let mut texts: Vec<String> = (0u32..0x800)
            .filter_map(char::from_u32)
            .map(|c| format!("a{c}b"))
            .collect();
        texts.extend(["\u{2028}\u{2029}", "\u{feff}", "😀", "</script>", ""].map(String::from));
        for text in &texts {
            assert_eq!(
                Response::json(200, text).body,
                serde_json::to_vec(text).unwrap(),
                "{text:?}"
            );
        }
        let value = serde_json::json!({"k\"ey": [1, -2, u64::MAX, null, true, {"nested": "x\ny"}], "n": i64::MIN});
        assert_eq!(
            Response::json(200, &value).body,
            serde_json::to_vec(&value).unwrap()
        );
    }
}
