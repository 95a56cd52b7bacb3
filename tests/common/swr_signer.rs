//! Client-side SDK-HMAC-SHA256 signer for SWR, written from the SDK note's steps 1–11 only (it shares no code with the
//! server's verifier, so a bug in one is caught by the other).

use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use regmock::http::Request;
use sha2::{Digest, Sha256};

const SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, SAFE).to_string()
}

fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Canonical request for `req` signing the listed headers (lower-case names, `;`-joined).
pub fn canonical_request(req: &Request, signed: &[&str]) -> String {
    let path = percent_decode_str(&req.path)
        .decode_utf8_lossy()
        .to_string();
    let mut uri: String = path.split('/').map(enc).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    let mut pairs: Vec<(String, String)> = req
        .query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode_str(k).decode_utf8_lossy().to_string(),
                percent_decode_str(v).decode_utf8_lossy().to_string(),
            )
        })
        .collect();
    pairs.sort();
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let headers: String = signed
        .iter()
        .map(|h| format!("{h}:{}\n", req.header_value(h).unwrap_or_default().trim()))
        .collect();
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        uri,
        query,
        headers,
        signed.join(";"),
        hex_sha256(&req.body)
    )
}

/// The signature (lower-case hex) for `req` at `sdk_date` (`YYYYMMDDTHHMMSSZ`).
pub fn signature(req: &Request, signed: &[&str], sdk_date: &str, secret_key: &str) -> String {
    let string_to_sign = format!(
        "SDK-HMAC-SHA256\n{sdk_date}\n{}",
        hex_sha256(canonical_request(req, signed).as_bytes())
    );
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret_key.as_bytes()).expect("any key length");
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Signs `req` the way the Python SDK does: adds `Content-Type`, `User-Agent`, `X-Sdk-Date`, `Host` and
/// `Authorization` (signed headers `content-type;host;user-agent;x-sdk-date`).
pub fn sign(req: &mut Request, host: &str, sdk_date: &str, access_key: &str, secret_key: &str) {
    for (n, v) in [
        ("User-Agent", "huaweicloud-usdk-python/3.0; regmock"),
        ("Content-Type", "application/json"),
        ("X-Sdk-Date", sdk_date),
        ("Host", host),
    ] {
        req.headers.push((n.to_string(), v.to_string()));
    }
    let signed = ["content-type", "host", "user-agent", "x-sdk-date"];
    let sig = signature(req, &signed, sdk_date, secret_key);
    req.headers.push((
        "Authorization".to_string(),
        format!(
            "SDK-HMAC-SHA256 Access={access_key}, SignedHeaders={}, Signature={sig}",
            signed.join(";")
        ),
    ));
}
