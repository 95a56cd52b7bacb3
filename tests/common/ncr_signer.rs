//! Client-side NCR API Gateway signature v2, written from the vendor note only (independent of the server verifier).

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Signature v2 of `METHOD target\ntimestamp\naccess_key` under the secret key, base64 with padding.
pub fn signature(
    method: &str,
    target: &str,
    timestamp: &str,
    access_key: &str,
    secret_key: &str,
) -> String {
    let text = format!("{method} {target}\n{timestamp}\n{access_key}");
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret_key.as_bytes()).expect("any key length");
    mac.update(text.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Adds the three gateway headers for `req` at `timestamp_ms`.
pub fn sign(
    req: &mut regmock::http::Request,
    access_key: &str,
    secret_key: &str,
    timestamp_ms: u64,
) {
    let ts = timestamp_ms.to_string();
    let sig = signature(&req.method, &req.target(), &ts, access_key, secret_key);
    req.headers.push(("x-ncp-apigw-timestamp".into(), ts));
    req.headers
        .push(("x-ncp-iam-access-key".into(), access_key.into()));
    req.headers.push(("x-ncp-apigw-signature-v2".into(), sig));
}
