//! The hashing primitives the vendors' signature schemes share.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// HMAC-SHA256 of `data` under `key`.
///
/// ```
/// let mac = regmock::shared::crypto::hmac_sha256(b"key", b"The quick brown fox jumps over the lazy dog");
/// assert_eq!(hex::encode(mac), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
/// ```
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Lower-case hex SHA-256 of no bytes: the payload hash of every bodiless signed request, so not computed for each.
///
/// ```
/// assert_eq!(regmock::shared::crypto::sha256_hex(b""), regmock::shared::crypto::EMPTY_SHA256);
/// ```
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lower-case hex SHA-256 of `data`.
///
/// ```
/// assert_eq!(
///     regmock::shared::crypto::sha256_hex(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn sha256_hex(data: &[u8]) -> String {
    hex_lower(&Sha256::digest(data))
}

/// Lower-case hex of `bytes`, written in one pass: `hex::encode` goes through a `char` iterator, and with three
/// hashes and HMACs a signed request it showed in profiles of `serve`.
///
/// ```
/// assert_eq!(regmock::shared::crypto::hex_lower(&[0x00, 0xab, 0xff]), "00abff");
/// ```
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    // The output is exactly twice the input, so encoding cannot fail, and hex digits are ASCII.
    let _ = hex::encode_to_slice(bytes, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Compares two byte strings in time that depends only on their lengths, so a verifier leaks nothing through timing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Why a `SignedHeaders` list (`;`-separated names, any letter case) does not cover the headers a scheme requires
/// signed, or `None` when it does. Both header-signing schemes (SWR's SDK-HMAC-SHA256 and TCR's TC3) have such a set.
///
/// ```
/// use regmock::shared::crypto::unsigned_required;
/// assert_eq!(unsigned_required("Content-Type;host", &["content-type", "host"]), None);
/// assert_eq!(
///     unsigned_required("host", &["content-type", "host"]).as_deref(),
///     Some("SignedHeaders \"host\" lacks content-type, which must be signed")
/// );
/// ```
pub fn unsigned_required(signed_headers: &str, required: &[&str]) -> Option<String> {
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|h| {
            !signed_headers
                .split(';')
                .any(|n| n.trim().eq_ignore_ascii_case(h))
        })
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "SignedHeaders {signed_headers:?} lacks {}, which must be signed",
            missing.join(" and ")
        )
    })
}
