//! SWR authentication: `X-Auth-Token` (what the docs require) or the SDK's AK/SK signature `SDK-HMAC-SHA256` (what the
//! official SDKs send). The signature is recomputed from the request exactly as received, following the SDK signer
//! (the official SWR SDK sources, "Signing"): the key is the SK bytes themselves, with no date or region derivation.

use super::errors::{ApiError, SwrCode};
use crate::http::Request;
use crate::pipeline::{Ctx, KeyPair};
use crate::shared::crypto::{
    EMPTY_SHA256, constant_time_eq, hex_lower, hmac_sha256, sha256_hex, unsigned_required,
};
use crate::shared::query;
use chrono::{DateTime, TimeDelta, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Undocumented: how far `X-Sdk-Date` may be from the emulator's clock. The SDK does not say; 15 minutes is Huawei
/// API Gateway's published window for signed requests.
pub const MAX_SKEW: TimeDelta = TimeDelta::minutes(15);

const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Everything but `A-Z a-z 0-9 - _ . ~` is escaped, upper-case hex (the SDK's `urlencode(.., safe='~')`).
const SDK_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Appends `s` escaped as the SDK escapes it.
fn push_encoded(out: &mut String, s: &str) {
    out.extend(utf8_percent_encode(s, SDK_ENCODE));
}

/// Checks the request's credentials.
pub fn check(ctx: &Ctx<'_>, req: &Request) -> Result<(), ApiError> {
    if let Some(token) = req.header_value("X-Auth-Token") {
        return if ctx.credentials.token_ok(token.trim()) {
            Ok(())
        } else {
            Err(ApiError::new(SwrCode::BadAuth, "token is not accepted"))
        };
    }
    match req.header_value("Authorization") {
        Some(auth) if auth.starts_with(ALGORITHM) => verify_signature(ctx, req, auth),
        Some(_) => Err(ApiError::new(
            SwrCode::BadAuth,
            "unsupported authorization scheme",
        )),
        None => Err(ApiError::new(
            SwrCode::BadAuth,
            "neither X-Auth-Token nor an SDK-HMAC-SHA256 Authorization header was sent",
        )),
    }
}

/// The parts of `Authorization: SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..`.
struct AuthHeader<'a> {
    access: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_header(value: &str) -> Option<AuthHeader<'_>> {
    let rest = value.strip_prefix(ALGORITHM)?.trim_start();
    let (mut access, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Access" => access = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    Some(AuthHeader {
        access: access?,
        signed_headers: signed_headers?,
        signature: signature?,
    })
}

fn verify_signature(ctx: &Ctx<'_>, req: &Request, header: &str) -> Result<(), ApiError> {
    let bad = |why: &str| ApiError::new(SwrCode::BadAuth, why.to_string());
    let auth = parse_header(header).ok_or_else(|| bad("malformed Authorization header"))?;
    let date_text = req
        .header_value("X-Sdk-Date")
        .ok_or_else(|| bad("X-Sdk-Date header is missing"))?;
    let date = crate::shared::time::parse_compact(date_text.trim())
        .ok_or_else(|| bad("X-Sdk-Date is not YYYYMMDDTHHMMSSZ"))?;
    // In whole seconds, as X-Sdk-Date counts: against the clock's fraction of a second, a date exactly 15 minutes
    // behind would fail while one exactly 15 minutes ahead passed.
    let skew = ctx.now.timestamp().abs_diff(date.timestamp());
    let max_skew = MAX_SKEW.num_seconds().unsigned_abs();
    // Test-only quirk hook (quirks.rs): inert unless a self-test sets it.
    if skew > max_skew && !super::quirks::active(ctx, super::quirks::SwrQuirk::ClockSkewNotChecked)
    {
        return Err(
            bad("X-Sdk-Date is outside the allowed clock skew").explained(format!(
                "X-Sdk-Date is {skew} s from the emulator's clock (at most {max_skew} s)"
            )),
        );
    }
    // The API Gateway's signing guide: X-Sdk-Date must be signed, else a captured request could be replayed with a
    // fresh date. Host need not be: the Python, Node and Java SDKs sign it, but the official Go SDK v3 signs only the
    // headers it sets itself (`user-agent;x-sdk-date`, `core/auth/signer/signer.go`), and so does the golangsdk of the
    // Huawei Cloud Terraform provider, whose calls the real gateway accepts.
    if let Some(why) = unsigned_required(auth.signed_headers, &["x-sdk-date"]) {
        return Err(bad("verify aksk signature fail").explained(why));
    }
    let secret = ctx.credentials.secret_for(auth.access).ok_or_else(|| {
        bad("access key not found").explained(format!(
            "no configured key has access key {:?}",
            auth.access
        ))
    })?;
    let canonical = canonical_request(req, auth.signed_headers).ok_or_else(|| {
        let missing: Vec<&str> = auth
            .signed_headers
            .split(';')
            .filter(|n| !n.is_empty() && req.header_value(n).is_none())
            .collect();
        bad("a signed header is missing").explained(format!(
            "SignedHeaders names {missing:?}, which the request does not have"
        ))
    })?;
    let string_to_sign = string_to_sign(date_text.trim(), &canonical);
    let expected = hex_lower(&hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes()));
    if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes())
        || super::quirks::active(ctx, super::quirks::SwrQuirk::SignatureNotChecked)
    {
        Ok(())
    } else {
        Err(bad("verify aksk signature fail").explained(format!(
            "signature mismatch; the emulator computed:\ncanonical request:\n{canonical}\nstring to sign:\n{string_to_sign}"
        )))
    }
}

/// The SDK's string to sign: the algorithm, `X-Sdk-Date` as sent, and the hex SHA-256 of the canonical request. One
/// function for the verifier and the client signer, joined rather than `format!`ed (it is built for every request).
fn string_to_sign(date: &str, canonical: &str) -> String {
    [
        ALGORITHM,
        "\n",
        date,
        "\n",
        &sha256_hex(canonical.as_bytes()),
    ]
    .concat()
}

/// The SDK's canonical request (steps 3–7 of the official SDK's signer); `None` when a header named in `SignedHeaders` is absent.
///
/// Written into one string, escaping in place: it is built for every signed request.
pub fn canonical_request(req: &Request, signed_headers: &str) -> Option<String> {
    let mut out =
        String::with_capacity(256 + req.path.len() + req.query.as_ref().map_or(0, String::len));
    out.push_str(&req.method);
    out.push('\n');
    for (i, segment) in query::decode(&req.path).split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_encoded(&mut out, segment);
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    out.push('\n');
    let mut pairs = query::parse(req.query.as_deref());
    pairs.sort();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_encoded(&mut out, k);
        out.push('=');
        push_encoded(&mut out, v);
    }
    out.push('\n');
    for name in signed_headers.split(';').filter(|n| !n.is_empty()) {
        let value = req.header_value(name)?;
        out.extend(name.chars().map(|c| c.to_ascii_lowercase()));
        out.push(':');
        out.push_str(value.trim());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(signed_headers);
    out.push('\n');
    match req.header_value("X-Sdk-Content-Sha256") {
        Some("UNSIGNED-PAYLOAD") if !req.body.is_empty() => out.push_str("UNSIGNED-PAYLOAD"),
        _ if req.body.is_empty() => out.push_str(EMPTY_SHA256),
        _ => out.push_str(&sha256_hex(&req.body)),
    }
    Some(out)
}

/// Client side: signs `req` with `SDK-HMAC-SHA256` over `host;x-sdk-date`, as the SDK does for a bodiless GET, setting
/// `Host` (when absent), `X-Sdk-Date` and `Authorization`.
///
/// ```
/// use regmock::{http::Request, pipeline::KeyPair};
/// let key = KeyPair { access_key: "ak".into(), secret_key: "sk".into() };
/// let mut req = Request::get("/v2/manage/repos");
/// let now = chrono::DateTime::from_timestamp(1_795_953_600, 0).unwrap();
/// regmock::providers::swr::auth::sign(&mut req, &key, now, "127.0.0.1:8080");
/// assert!(req.header_value("Authorization").unwrap().starts_with("SDK-HMAC-SHA256 Access=ak, SignedHeaders=host;x-sdk-date, Signature="));
/// ```
pub fn sign(req: &mut Request, key: &KeyPair, now: DateTime<Utc>, host: &str) {
    if req.header_value("Host").is_none() {
        req.headers.push(("Host".into(), host.into()));
    }
    let date = now.format("%Y%m%dT%H%M%SZ").to_string();
    req.headers.push(("X-Sdk-Date".into(), date.clone()));
    let signed_headers = "host;x-sdk-date";
    // Both headers were just set, so the canonical request always exists.
    let canonical = canonical_request(req, signed_headers).unwrap_or_default();
    let string_to_sign = string_to_sign(&date, &canonical);
    let signature = hex_lower(&hmac_sha256(
        key.secret_key.as_bytes(),
        string_to_sign.as_bytes(),
    ));
    req.headers.push((
        "Authorization".into(),
        format!(
            "{ALGORITHM} Access={}, SignedHeaders={signed_headers}, Signature={signature}",
            key.access_key
        ),
    ));
}
