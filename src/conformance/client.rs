//! The suite's HTTP client: reqwest with rustls, a request-rate cap, and back-off on throttling.
//!
//! Requests are regmock's own [`Request`] values, signed with the providers' client-side signers ([`Provider::sign`],
//! the same code the emulator's tests prove against the vendor vectors), so the suite holds no signer of its own.
//! Throttling (HTTP 429, TCR `RequestLimitExceeded`, NCR's gateway rate codes) is not a conformance failure: the request
//! is re-signed and retried after `Retry-After` or an exponential back-off.

use crate::http::{Request, Response};
use crate::pipeline::{KeyPair, Provider};
use chrono::{TimeDelta, Utc};
use std::time::{Duration, Instant};

/// The most of one answer the suite reads. The largest documented answer it asks for is far below (an SWR repository
/// list names every tag: about 12 MiB for a million tags); a target sending more would otherwise be read without end.
const MAX_ANSWER_BYTES: usize = 64 << 20;

/// How a request is authenticated; the negative variants are the authentication checks' cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// The configured credentials, signed now (or the configured token).
    Signed,
    /// Signed, then one character of the signature changed.
    Tampered,
    /// Signed with a timestamp an hour old.
    Stale,
    /// Signed with an access key the target cannot know.
    WrongKey,
    /// Signed with the configured key pair, ignoring a configured SWR token.
    KeyPair,
}

/// Provider-specific parts of sending: how a request carries a token, and which answers mean "slow down".
pub(crate) struct Dialect {
    /// The client-side signer.
    pub provider: &'static dyn Provider,
    /// Adds a configured token; returns `true` when the token replaces the signature (SWR's `X-Auth-Token`).
    pub add_token: fn(&mut Request, &str) -> bool,
    /// Whether the answer is a throttling answer (429 is always one).
    pub throttled: fn(&Response) -> bool,
}

/// Retries of a throttled request before the check errors.
const MAX_ATTEMPTS: u32 = 6;

pub(crate) struct Client {
    http: reqwest::Client,
    base: String,
    host: String,
    key: KeyPair,
    token: Option<String>,
    dialect: Dialect,
    interval: Option<Duration>,
    next_slot: Instant,
}

/// Why a request got no answer to judge.
#[derive(Debug)]
pub(crate) enum Unsent {
    /// The request could not be sent, or its answer not read whole (refused connection, reset, an answer over
    /// the size cap): the run cannot judge the target.
    Unreachable(String),
    /// The target took the request and sent no whole answer within the timeout: a failure of the target (the vendors
    /// answer every request, even a bad one).
    NoAnswer(String),
}

/// What one logical request cost and returned.
pub(crate) struct Sent {
    pub response: Response,
    /// HTTP requests made (1 + retries).
    pub attempts: u32,
    /// The request as last sent (signed).
    pub signed: Request,
}

impl Client {
    pub(crate) fn new(
        base: &str,
        key: KeyPair,
        token: Option<String>,
        dialect: Dialect,
        rate: Option<u32>,
        timeout: Duration,
    ) -> Result<Client, String> {
        let host = base
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(base)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            // Below common servers' keep-alive timeouts, so a pooled connection the server already closed is not reused.
            .pool_idle_timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?;
        Ok(Client {
            http,
            base: base.trim_end_matches('/').to_string(),
            host,
            key,
            token,
            dialect,
            interval: rate
                .filter(|r| *r > 0)
                .map(|r| Duration::from_secs_f64(1.0 / f64::from(r))),
            next_slot: Instant::now(),
        })
    }

    /// Signs and sends `req`, retrying throttled answers; `Err` when the target cannot be reached or does not answer.
    pub(crate) async fn send(&mut self, req: &Request, auth: Auth) -> Result<Sent, Unsent> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let signed = self.sign(req, auth);
            let response = match self.transmit(&signed).await {
                Ok(r) => r,
                // Every request the suite sends is a read: one that died on the connection is sent again, twice at most.
                // One the target received and did not answer in time is not: waiting again would only triple the wait.
                Err(Unsent::Unreachable(_)) if attempts < 3 => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            if !(response.status == 429 || (self.dialect.throttled)(&response))
                || attempts >= MAX_ATTEMPTS
            {
                return Ok(Sent {
                    response,
                    attempts,
                    signed,
                });
            }
            let wait = response
                .header_value("Retry-After")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|s| Duration::from_secs(s.min(5)))
                .unwrap_or(Duration::from_millis(100 << attempts.min(5)));
            tokio::time::sleep(wait).await;
        }
    }

    fn sign(&self, req: &Request, auth: Auth) -> Request {
        let mut req = req.clone();
        if auth == Auth::Signed
            && let Some(token) = &self.token
            && (self.dialect.add_token)(&mut req, token)
        {
            return req;
        }
        let mut key = self.key.clone();
        let mut now = Utc::now();
        match auth {
            Auth::Stale => now -= TimeDelta::hours(1),
            // Unguessable by construction, so no real key can collide.
            Auth::WrongKey => {
                key.access_key =
                    format!("regmock-conform-unknown-{}", uuid::Uuid::new_v4().simple())
            }
            _ => {}
        }
        self.dialect.provider.sign(&mut req, &key, now, &self.host);
        if auth == Auth::Tampered {
            tamper(&mut req);
        }
        req
    }

    async fn transmit(&mut self, req: &Request) -> Result<Response, Unsent> {
        if let Some(interval) = self.interval {
            let now = Instant::now();
            if self.next_slot > now {
                tokio::time::sleep(self.next_slot - now).await;
            }
            self.next_slot = self.next_slot.max(now) + interval;
        }
        let url = format!("{}{}", self.base, req.target());
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| Unsent::Unreachable(format!("method: {e}")))?;
        let mut builder = self.http.request(method, &url);
        for (n, v) in &req.headers {
            builder = builder.header(n.as_str(), v.as_str());
        }
        let mut r = builder
            .body(req.body.clone())
            .send()
            .await
            // A connection that could not be made in time is an unreachable target, not one that hung.
            .map_err(|e| match e.is_timeout() && !e.is_connect() {
                true => Unsent::NoAnswer(format!("no answer to {} {url}", req.method)),
                false => Unsent::Unreachable(format!(
                    "target unreachable: {} {url}: {}",
                    req.method,
                    chain(&e)
                )),
            })?;
        let status = r.status().as_u16();
        let headers = crate::transport::header_pairs(r.headers());
        let mut body = Vec::new();
        while let Some(chunk) = r.chunk().await.map_err(|e| match e.is_timeout() {
            true => Unsent::NoAnswer(format!("the answer to {} {url} did not end", req.method)),
            false => {
                Unsent::Unreachable(format!("reading the answer to {} {url}: {e}", req.method))
            }
        })? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(Unsent::Unreachable(format!(
                    "the answer to {} {url} is over {} MiB: not read further",
                    req.method,
                    MAX_ANSWER_BYTES >> 20
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// An error with its causes, `a: b: c`.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(&format!(": {s}"));
        source = s.source();
    }
    out
}

/// Changes one character of whatever signature the signer produced (`Signature=<hex>` or NCR's base64 header).
fn tamper(req: &mut Request) {
    for (name, value) in req.headers.iter_mut() {
        if name.eq_ignore_ascii_case("authorization") {
            if let Some(at) = value.find("Signature=") {
                let i = at + "Signature=".len();
                let flipped = if value[i..].starts_with('0') {
                    "1"
                } else {
                    "0"
                };
                value.replace_range(i..i + 1, flipped);
            }
        } else if name
            .to_ascii_lowercase()
            .starts_with("x-ncp-apigw-signature")
            && !value.is_empty()
        {
            let flipped = if value.starts_with('A') { "B" } else { "A" };
            value.replace_range(0..1, flipped);
        }
    }
}

/// The request as a failure shows it: method, target, the routing headers and the body; never credentials.
pub(crate) fn describe(req: &Request) -> String {
    let mut out = format!("{} {}", req.method, req.target());
    for (n, v) in &req.headers {
        let lower = n.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "x-tc-action" | "x-tc-version" | "x-tc-region"
        ) {
            out.push_str(&format!("\n{n}: {v}"));
        }
    }
    if !req.body.is_empty() {
        out.push_str(&format!("\n\n{}", String::from_utf8_lossy(&req.body)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tampering_changes_exactly_one_signature_character() {
        let mut req = Request::get("/").header("Authorization", "X Access=a, Signature=0abc");
        tamper(&mut req);
        assert_eq!(
            req.header_value("authorization"),
            Some("X Access=a, Signature=1abc")
        );
        let mut req = Request::get("/").header("x-ncp-apigw-signature-v2", "Zm9v");
        tamper(&mut req);
        assert_eq!(req.header_value("x-ncp-apigw-signature-v2"), Some("Am9v"));
    }
}
