//! TC3-HMAC-SHA256 verification (the algorithm is [`crate::shared::tc3`]; the SDK facts are in the module docs there).
//!
//! The signature is recomputed from the request exactly as received: raw body bytes (`POST`), raw query (`GET`), the
//! signed headers' values as sent. Two SDK differences are absorbed: the service is read from the credential scope
//! (Python always signs `tcr`, Node signs the endpoint's first label, `127` for `127.0.0.1:8080`), and the signed host
//! is tried with and without its port (Python signs `127.0.0.1:8080`, Node `127.0.0.1`).

use super::errors::{ApiError, TcrCode};
use super::routes::required_header;
use crate::http::Request;
use crate::pipeline::Ctx;
use crate::shared::crypto::{constant_time_eq, unsigned_required};
use crate::shared::tc3::{self, Authorization, Signed};

/// Largest difference between `X-TC-Timestamp` and the emulator's clock, either way: API 3.0's documented 5 minutes.
/// Undocumented: exactly 300 seconds is still accepted.
pub const MAX_SKEW_SECONDS: i64 = 300;

/// The SecretId a request's Authorization names, for rate limiting.
pub fn secret_id(req: &Request) -> Option<&str> {
    Authorization::parse(req.header_value("Authorization")?.trim()).map(|a| a.secret_id)
}

/// Checks the request's signature, timestamp, key and token.
pub fn check(ctx: &Ctx<'_>, req: &Request) -> Result<(), ApiError> {
    let header = req.header_value("Authorization").ok_or_else(|| {
        ApiError::new(
            TcrCode::InvalidAuthorization,
            "No Authorization header was sent (TC3-HMAC-SHA256 is required; the legacy HmacSHA1/HmacSHA256 signature is not emulated).",
        )
    })?;
    let auth = Authorization::parse(header.trim()).ok_or_else(|| {
        ApiError::new(
            TcrCode::InvalidAuthorization,
            "Expected `TC3-HMAC-SHA256 Credential=<SecretId>/<date>/<service>/tc3_request, SignedHeaders=<names>, Signature=<hex>`.",
        )
    })?;
    let timestamp_text = required_header(req, "X-TC-Timestamp", "Timestamp")?;
    let timestamp: i64 = timestamp_text.parse().map_err(|_| {
        ApiError::new(
            TcrCode::InvalidParameter,
            "X-TC-Timestamp must be a Unix time in whole seconds.",
        )
    })?;
    // Checked: a client-chosen timestamp such as i64::MIN must not overflow the subtraction.
    let skew = ctx
        .now
        .timestamp()
        .checked_sub(timestamp)
        .and_then(i64::checked_abs);
    if skew.is_none_or(|s| s > MAX_SKEW_SECONDS) {
        let why = match skew {
            Some(s) => format!(
                "X-TC-Timestamp is {s} s from the emulator's clock (at most {MAX_SKEW_SECONDS} s)"
            ),
            None => "X-TC-Timestamp is too far from the emulator's clock to compute the skew"
                .to_string(),
        };
        return Err(ApiError::new(TcrCode::SignatureExpire, "").explained(why));
    }
    // Where the docs are silent (`tcr.unknown-secret-id.code`): SecretIdNotFound, or InvalidSecretId when selected.
    let unknown = match ctx
        .options
        .get::<crate::conformance::ambiguities::Emulated>()
        .serves("tcr.unknown-secret-id.code", "AuthFailure.InvalidSecretId")
    {
        true => TcrCode::InvalidSecretId,
        false => TcrCode::SecretIdNotFound,
    };
    let secret = ctx.credentials.secret_for(auth.secret_id).ok_or_else(|| {
        ApiError::new(unknown, "").explained(format!(
            "no configured key has SecretId {:?}",
            auth.secret_id
        ))
    })?;
    if let Some(token) = req.header_value("X-TC-Token")
        && !ctx.credentials.token_ok(token.trim())
    {
        return Err(ApiError::new(TcrCode::TokenFailure, "")
            .explained("X-TC-Token is empty or not in the configured token list"));
    }
    verify_signature(req, &auth, timestamp, timestamp_text, secret)
        // Test-only quirk hook (quirks.rs): inert unless a self-test sets it.
        .or_else(|why| {
            match super::quirks::active(ctx, super::quirks::TcrQuirk::SignatureNotChecked) {
                true => Ok(()),
                false => Err(why),
            }
        })
        .map_err(|why| ApiError::new(TcrCode::SignatureFailure, "").explained(why))
}

/// Recomputes the signature; `Err` says why it does not match (for `X-Regmock-Explain`).
fn verify_signature(
    req: &Request,
    auth: &Authorization<'_>,
    timestamp: i64,
    timestamp_text: &str,
    secret: &str,
) -> Result<(), String> {
    // The scope's date must be the timestamp's: a client that signs with another date signed something else.
    let date = tc3::utc_date(timestamp).unwrap_or_default();
    if date != auth.date {
        return Err(format!(
            "the credential scope's date is {} but X-TC-Timestamp {timestamp} is {date} (UTC)",
            auth.date
        ));
    }
    let names: Vec<String> = auth
        .signed_headers
        .split(';')
        .map(str::to_ascii_lowercase)
        .collect();
    // Tencent Cloud's signature v3 docs make content-type and host mandatory in SignedHeaders (both SDKs sign exactly
    // these): a signature over less would let the body's type or the endpoint be changed under it.
    if let Some(why) = unsigned_required(auth.signed_headers, &["content-type", "host"]) {
        return Err(why);
    }
    let mut values = Vec::with_capacity(names.len());
    for name in &names {
        match req.header_value(name) {
            Some(v) => values.push(v.trim()),
            None => {
                return Err(format!(
                    "SignedHeaders names {name:?}, which the request does not have"
                ));
            }
        }
    }
    let unsigned = req
        .header_value("X-TC-Content-SHA256")
        .is_some_and(|v| v.trim() == "UNSIGNED-PAYLOAD");
    let (query, body) = signed_query_and_body(req);
    let payload_hash = tc3::payload_hash(body, unsigned);
    let scope = tc3::credential_scope(auth.date, auth.service);
    let host_at = names.iter().position(|n| n == "host");
    let mut tried = Vec::new();
    for host in host_candidates(host_at.map(|i| values[i])) {
        let headers: Vec<(&str, &str)> = names
            .iter()
            .zip(&values)
            .enumerate()
            .map(|(i, (n, v))| (n.as_str(), if Some(i) == host_at { host } else { *v }))
            .collect();
        let signed = Signed {
            method: &req.method,
            query,
            headers: &headers,
            payload_hash: &payload_hash,
        };
        let canonical = signed.canonical_request();
        let to_sign = tc3::string_to_sign(timestamp_text, &scope, &canonical);
        let expected = tc3::signature(secret, auth.date, auth.service, &to_sign);
        if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
            return Ok(());
        }
        tried.push(format!(
            "canonical request:\n{canonical}\nstring to sign:\n{to_sign}"
        ));
    }
    Err(format!(
        "signature mismatch; the emulator computed, for each signed host it tried:\n{}",
        tried.join("\n--\n")
    ))
}

/// What TC3 signs of a request's query and body. Tencent Cloud's API 3.0 signature docs, and both SDKs: for `POST`
/// the canonical query string "is always an empty string" and the payload is the body; for `GET` the canonical query
/// is the query string and the payload "is always an empty string". So a query sent along with a `POST`, or a body
/// with a `GET`, is not signed (routing allows only these two methods).
fn signed_query_and_body(req: &Request) -> (&str, &[u8]) {
    if req.method == "GET" {
        (req.query.as_deref().unwrap_or(""), b"")
    } else {
        ("", &req.body)
    }
}

/// The Host as sent, and without its port when it has one.
fn host_candidates(host: Option<&str>) -> Vec<&str> {
    let Some(host) = host else { return vec![""] };
    let mut out = vec![host];
    if let Some((name, port)) = host.rsplit_once(':')
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && !name.ends_with(':')
    {
        out.push(name);
    }
    out
}

/// Client side: signs `req` as the official Python SDK does (service `tcr`, headers `content-type;host`), setting
/// `Host` (when absent), `X-TC-Timestamp` and `Authorization`. Used by tests, cassettes and the banner's checks; the
/// verifier above never calls it.
///
/// ```
/// use regmock::http::Request;
/// let mut req = Request::new("POST", "/").header("Content-Type", "application/json");
/// req.body = br#"{"RegistryId": "tcr-okmj78", "NamespaceName": "team-01", "RepositoryName": "nginx", "Limit": 20, "Offset": 1}"#.to_vec();
/// regmock::providers::tcr::auth::sign(&mut req, "regmock-access-key", "regmock-secret-key", 1_795_953_600, "127.0.0.1:8080");
/// // The Python SDK's signature for these inputs (TCR SDK facts, POST vector).
/// assert!(req.header_value("Authorization").unwrap().ends_with("Signature=449dfa06227976039dfc7a042471eb51f451f6f8710a92a3d7a99778646a6646"));
/// ```
pub fn sign(req: &mut Request, secret_id: &str, secret_key: &str, timestamp: i64, host: &str) {
    if req.header_value("Host").is_none() {
        req.headers.push(("Host".into(), host.into()));
    }
    let unsigned = req
        .header_value("X-TC-Content-SHA256")
        .is_some_and(|v| v.trim() == "UNSIGNED-PAYLOAD");
    let (query, body) = signed_query_and_body(req);
    let payload_hash = tc3::payload_hash(body, unsigned);
    let content_type = req.header_value("Content-Type").unwrap_or("").to_string();
    let signed_host = req.header_value("Host").unwrap_or(host).to_string();
    let headers = [
        ("content-type", content_type.as_str()),
        ("host", signed_host.as_str()),
    ];
    let signed = Signed {
        method: &req.method,
        query,
        headers: &headers,
        payload_hash: &payload_hash,
    };
    let authorization = tc3::authorization(secret_id, secret_key, timestamp, "tcr", &signed);
    req.headers.retain(|(n, _)| {
        !n.eq_ignore_ascii_case("Authorization") && !n.eq_ignore_ascii_case("X-TC-Timestamp")
    });
    req.headers
        .push(("X-TC-Timestamp".into(), timestamp.to_string()));
    req.headers.push(("Authorization".into(), authorization));
}
