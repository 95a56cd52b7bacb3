//! Failing exchanges as cassettes: what the suite sent and what the target answered, in the format of `cassettes/`
//! ([`crate::cassette`]), so a failure can be replayed, diffed and kept as a regression file.
//!
//! A request the suite signed with the configured credentials is stored unsigned with `sign: true` (replay signs it
//! again, as `regmock record` does); a request whose authentication is the point of the case (tampered, stale, wrong
//! key) keeps its headers with `sign: false`. Secrets never reach the disk: [`Cassette::save`] redacts by the rule
//! `regmock record` uses.

use super::checks::Check;
use super::client::Auth;
use crate::cassette::{Cassette, RecordedRequest, RecordedResponse, Source};
use crate::http::{Request, Response};
use crate::model::ProviderId;
use serde_json::Value;
use std::collections::BTreeMap;

/// One request of the session with its answer.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    /// The request before signing.
    pub request: Request,
    /// The request as sent (signed).
    pub sent: Request,
    /// How it was authenticated.
    pub auth: Auth,
    /// The answer.
    pub response: Response,
    /// The schemas its body had to match (empty: none).
    pub schemas: Vec<&'static str>,
}

/// Answer headers left out of a cassette: each answer has its own, or they describe the connection.
const UNRECORDED_HEADERS: &[&str] = &[
    "connection",
    "content-length",
    "date",
    "keep-alive",
    "transfer-encoding",
    "x-ncp-trace-id",
    "x-regmock-explain",
    "x-request-id",
];

/// Request headers a replay's signing adds again (the signature itself is redacted on save).
const SIGNING_HEADERS: &[&str] = &[
    "x-sdk-date",
    "x-tc-timestamp",
    "x-ncp-apigw-timestamp",
    "host",
];

/// A body as a cassette holds it: JSON when that reproduces the bytes, the text otherwise, `null` when empty.
fn body_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v) if v.to_string().as_bytes() == bytes => v,
        _ => Value::String(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// The cassette of a failing exchange of check `check`.
pub(crate) fn cassette(
    provider: ProviderId,
    check: &Check,
    message: &str,
    ex: &Exchange,
) -> Cassette {
    let resigned = ex.auth == Auth::Signed || ex.auth == Auth::KeyPair;
    let shown = if resigned { &ex.request } else { &ex.sent };
    let headers: BTreeMap<String, String> = shown
        .headers
        .iter()
        .filter(|(n, _)| !(resigned && SIGNING_HEADERS.iter().any(|h| n.eq_ignore_ascii_case(h))))
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let json = ex.response.body_json();
    // The schema the body fits; a body that fits none names the one it had to match, so `regmock cassettes check`
    // shows the very violation the check reported.
    let schema = crate::cassette::guess_schema(provider, ex.response.status, &json)
        .or_else(|| ex.schemas.first().map(|s| s.to_string()));
    Cassette {
        provider,
        description: format!("regmock conform {}: {message}", check.id),
        source: Source {
            title: format!("regmock conform {}: {}", check.id, check.title),
            document: check.source.to_string(),
            section: None,
            url: None,
        },
        sign: resigned,
        request: RecordedRequest {
            method: shown.method.clone(),
            path: shown.path.clone(),
            query: shown.query.clone(),
            headers,
            body: if shown.body.is_empty() {
                Value::Null
            } else {
                Value::String(String::from_utf8_lossy(&shown.body).into_owned())
            },
        },
        response: RecordedResponse {
            status: ex.response.status,
            headers: ex
                .response
                .headers
                .iter()
                .filter(|(n, _)| !UNRECORDED_HEADERS.iter().any(|h| n.eq_ignore_ascii_case(h)))
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
            schema,
            body: body_value(&ex.response.body),
        },
        placeholders: json
            .pointer("/Response/RequestId")
            .map(|_| crate::cassette::Placeholder {
                pointer: "/body/Response/RequestId".into(),
                rule: crate::cassette::Rule::Any,
                value: None,
                why: "the server generates a new RequestId for every request".into(),
            })
            .into_iter()
            .collect(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_json_only_when_that_keeps_its_bytes() {
        assert_eq!(body_value(b"{\"a\":1}"), serde_json::json!({"a": 1}));
        assert_eq!(body_value(b"{ \"a\": 1 }"), Value::from("{ \"a\": 1 }"));
        assert_eq!(body_value(b""), Value::Null);
        assert_eq!(body_value(b"oops"), Value::from("oops"));
    }
}
