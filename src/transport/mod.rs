//! The transports that carry requests to the [`crate::Emulator`]: [`server`] (axum) and [`in_test`] (wiremock) are thin
//! adapters that turn their native requests into [`Request`] and back. They know no provider by name.

pub mod in_test;
pub mod server;

use crate::http::Request;

/// Builds regmock's request from the parts both transports have (both speak the `http` crate's types). Header values
/// that are not UTF-8 are kept lossily rather than rejected, so any input reaches the provider.
fn request_from_parts(
    method: &axum::http::Method,
    path: &str,
    query: Option<&str>,
    headers: &axum::http::HeaderMap,
    body: Vec<u8>,
) -> Request {
    Request {
        method: method.as_str().to_string(),
        path: path.to_string(),
        query: query.map(str::to_string),
        headers: header_pairs(headers),
        body,
    }
}

/// The headers of an `http` request or response (the transports', reqwest's) as regmock's name-value pairs, in order,
/// values that are not UTF-8 kept lossily.
///
/// ```
/// let mut headers = axum::http::HeaderMap::new();
/// headers.insert("x-request-id", "abc".parse().unwrap());
/// assert_eq!(regmock::transport::header_pairs(&headers), [("x-request-id".to_string(), "abc".to_string())]);
/// ```
pub fn header_pairs(headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), header_text(v.as_bytes())))
        .collect()
}

/// A header value as text. Nearly every value is ASCII, which `from_utf8` checks several bytes at a time; the lossy
/// conversion, only for the rest, goes character by character.
fn header_text(value: &[u8]) -> String {
    match std::str::from_utf8(value) {
        Ok(text) => text.to_string(),
        Err(_) => String::from_utf8_lossy(value).into_owned(),
    }
}
