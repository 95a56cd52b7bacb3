//! Raw query-string and path-segment decoding.
//!
//! In [`parse`], `+` is kept literally (not turned into a space): the SWR and NCR SDKs encode a space as `%20` and a plus
//! as `%2B`, so a literal `+` on the wire only comes from hand-written requests, where it most likely meant a plus.
//! [`parse_form`] is for form-encoded queries (TCR's GET form), where `+` is a space.

use percent_encoding::percent_decode_str;

/// Decodes percent-escapes once; invalid UTF-8 is replaced rather than rejected, so no input can make decoding fail.
///
/// ```
/// assert_eq!(regmock::shared::query::decode("hello%2Fworld"), "hello/world");
/// assert_eq!(regmock::shared::query::decode("a+b%7C"), "a+b|");
/// ```
pub fn decode(s: &str) -> String {
    // Most paths and values have no escape: copied as they are, without the decoder's byte-by-byte UTF-8 check (the
    // text is a `str` already). Decoding runs several times a request.
    if !s.contains('%') {
        return s.to_string();
    }
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Splits a raw query into decoded `(key, value)` pairs, in order. A pair without `=` has an empty value; empty
/// pieces (`a=1&&b=2`) are skipped.
///
/// ```
/// let pairs = regmock::shared::query::parse(Some("filter=name%3A%3Abusy&limit=10&flag"));
/// assert_eq!(pairs, vec![
///     ("filter".to_string(), "name::busy".to_string()),
///     ("limit".to_string(), "10".to_string()),
///     ("flag".to_string(), String::new()),
/// ]);
/// ```
pub fn parse(raw: Option<&str>) -> Vec<(String, String)> {
    pairs(raw, false)
}

/// The inverse of [`parse`]: `(key, value)` pairs as a raw query, every byte but ASCII letters and digits
/// percent-encoded, so any value (`::`, `|`, `&`, `=`) comes back from [`parse`] as it went in.
///
/// ```
/// use regmock::shared::query::{parse, render};
/// let pairs = vec![("filter".to_string(), "name::a|b&c".to_string()), ("limit".to_string(), "10".to_string())];
/// assert_eq!(render(&pairs), "filter=name%3A%3Aa%7Cb%26c&limit=10");
/// assert_eq!(parse(Some(&render(&pairs))), pairs);
/// ```
pub fn render(pairs: &[(String, String)]) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Like [`parse`], for `application/x-www-form-urlencoded` queries, where `+` is a space (TCR's GET form: the SDKs
/// urlencode their parameters as an HTML form does).
///
/// ```
/// let pairs = regmock::shared::query::parse_form(Some("ImageVersion=a+b%2Bc"));
/// assert_eq!(pairs, vec![("ImageVersion".to_string(), "a b+c".to_string())]);
/// ```
pub fn parse_form(raw: Option<&str>) -> Vec<(String, String)> {
    pairs(raw, true)
}

fn pairs(raw: Option<&str>, plus_is_space: bool) -> Vec<(String, String)> {
    let Some(raw) = raw else { return Vec::new() };
    let decode = |s: &str| {
        if plus_is_space {
            decode(&s.replace('+', " "))
        } else {
            decode(s)
        }
    };
    raw.split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(piece), String::new()),
        })
        .collect()
}

/// The last value given for `key` (later values win, as in most web frameworks).
pub fn last<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}
