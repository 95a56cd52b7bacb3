//! NAVER Cloud API Gateway signature v2 (the official NCR SDK sources, "Signing v2").
//!
//! String to sign: `METHOD + " " + request target + "\n" + timestamp + "\n" + access key`, HMAC-SHA256 keyed with the
//! secret key's UTF-8 bytes, base64 with padding. The target is the path plus `?query` exactly as received — never
//! decoded, re-encoded or re-ordered — because that is what every known client signs. NAVER's own SDKs send the same
//! HMAC under `x-ncp-apigw-signature-v1`, so that header is accepted too.

use super::errors::{ApiError, DETAILS_INVALID, DETAILS_MISSING, NcrCode};
use crate::http::Request;
use crate::pipeline::{Ctx, KeyPair};
use crate::shared::crypto::{constant_time_eq, hmac_sha256};
use base64::Engine;
use chrono::{DateTime, Utc};

/// Largest difference between `x-ncp-apigw-timestamp` and the emulator's clock, either way (NCR overview: "more than 5
/// minutes" is invalid). Undocumented: exactly 5 minutes is still accepted.
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

/// The signature v2 of a request target.
///
/// ```
/// // A test vector computed with NAVER's documented signing algorithm.
/// let sig = regmock::providers::ncr::auth::signature(
///     "GET",
///     "/ncr/api/v2/repositories/my-registry/hello%2Fworld/tags?page=1&pagesize=10",
///     "1795953600000",
///     "regmock-access-key",
///     "regmock-secret-key",
/// );
/// assert_eq!(sig, "+55VRUMAwz1tK1qLiXyKhJSVQq+I3A7CQRX34UJwxaQ=");
/// ```
pub fn signature(
    method: &str,
    target: &str,
    timestamp: &str,
    access_key: &str,
    secret_key: &str,
) -> String {
    let message = format!("{method} {target}\n{timestamp}\n{access_key}");
    base64::engine::general_purpose::STANDARD
        .encode(hmac_sha256(secret_key.as_bytes(), message.as_bytes()))
}

/// Checks the gateway headers.
pub fn check(ctx: &Ctx<'_>, req: &Request) -> Result<(), ApiError> {
    let missing = || {
        let absent: Vec<&str> = [
            "x-ncp-apigw-timestamp",
            "x-ncp-iam-access-key",
            "x-ncp-apigw-signature-v2",
        ]
        .into_iter()
        .filter(|h| req.header_value(h).is_none())
        .collect();
        ApiError::new(NcrCode::AuthenticationFailed, DETAILS_MISSING)
            .explained(format!("missing header(s): {}", absent.join(", ")))
    };
    let invalid = || ApiError::new(NcrCode::AuthenticationFailed, DETAILS_INVALID);
    let timestamp = req
        .header_value("x-ncp-apigw-timestamp")
        .ok_or_else(missing)?;
    let access_key = req
        .header_value("x-ncp-iam-access-key")
        .ok_or_else(missing)?;
    let sent = req
        .header_value("x-ncp-apigw-signature-v2")
        .or_else(|| req.header_value("x-ncp-apigw-signature-v1"))
        .ok_or_else(missing)?;
    let millis: i64 = timestamp.parse().map_err(|_| {
        invalid().explained("x-ncp-apigw-timestamp is not a Unix time in milliseconds")
    })?;
    // Checked: a client-chosen timestamp such as i64::MIN must not overflow the subtraction (and wrap into range).
    let skew = ctx
        .now
        .timestamp_millis()
        .checked_sub(millis)
        .and_then(i64::checked_abs);
    // Test-only quirk hook (quirks.rs): inert unless a self-test sets it.
    if skew.is_none_or(|s| s > MAX_SKEW_MS)
        && !super::quirks::active(ctx, super::quirks::NcrQuirk::ClockSkewNotChecked)
    {
        let why = match skew {
            Some(s) => format!(
                "x-ncp-apigw-timestamp is {s} ms from the emulator's clock (at most {MAX_SKEW_MS} ms)"
            ),
            None => {
                "x-ncp-apigw-timestamp is too far from the emulator's clock to compute the skew"
                    .into()
            }
        };
        return Err(invalid().explained(why));
    }
    let secret = ctx.credentials.secret_for(access_key).ok_or_else(|| {
        invalid().explained(format!("no configured key has access key {access_key:?}"))
    })?;
    let target = req.target();
    let expected = signature(&req.method, &target, timestamp, access_key, secret);
    if constant_time_eq(expected.as_bytes(), sent.as_bytes()) {
        Ok(())
    } else {
        Err(invalid().explained(format!(
            "signature mismatch; the emulator signed:\n{} {target}\n{timestamp}\n{access_key}",
            req.method
        )))
    }
}

/// Client side: adds the three gateway headers (timestamp in milliseconds, access key, signature v2) for `req` at `now`.
///
/// ```
/// use regmock::{http::Request, pipeline::KeyPair};
/// let key = KeyPair { access_key: "regmock-access-key".into(), secret_key: "regmock-secret-key".into() };
/// let mut req = Request::get("/ncr/api/v2/repositories/my-registry/hello%2Fworld/tags?page=1&pagesize=10");
/// regmock::providers::ncr::auth::sign(&mut req, &key, chrono::DateTime::from_timestamp_millis(1795953600000).unwrap());
/// assert_eq!(req.header_value("x-ncp-apigw-signature-v2"), Some("+55VRUMAwz1tK1qLiXyKhJSVQq+I3A7CQRX34UJwxaQ="));
/// ```
pub fn sign(req: &mut Request, key: &KeyPair, now: DateTime<Utc>) {
    let ts = now.timestamp_millis().to_string();
    let sig = signature(
        &req.method,
        &req.target(),
        &ts,
        &key.access_key,
        &key.secret_key,
    );
    req.headers.push(("x-ncp-apigw-timestamp".into(), ts));
    req.headers
        .push(("x-ncp-iam-access-key".into(), key.access_key.clone()));
    req.headers.push(("x-ncp-apigw-signature-v2".into(), sig));
}
