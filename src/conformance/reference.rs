//! The reference model: what a correct answer contains, given what discovery saw. Written from the vendor docs alone
//! (it never calls the emulator's listing or parameter code), so one misunderstanding cannot hide in both.
//!
//! ```
//! use regmock::conformance::reference::{filter, Match, page_window};
//! let names = ["latest", "v1.0", "V1.1"];
//! assert_eq!(filter(&names, "v1", Match::SubstringCi), vec!["v1.0", "V1.1"]);
//! assert_eq!(filter(&names, "v1", Match::SubstringCs), vec!["v1.0"]);
//! assert_eq!(page_window(2, 2, 3), 2..3);
//! ```

use chrono::{DateTime, Utc};

/// How a name filter matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Case-insensitive substring (what "fuzzy" most often means).
    SubstringCi,
    /// Case-sensitive substring.
    SubstringCs,
    /// Byte equality.
    Exact,
}

impl Match {
    /// Whether `name` matches `needle`.
    pub fn matches(self, name: &str, needle: &str) -> bool {
        match self {
            Match::SubstringCi => name.to_lowercase().contains(&needle.to_lowercase()),
            Match::SubstringCs => name.contains(needle),
            Match::Exact => name == needle,
        }
    }

    /// The id this match has in the ambiguity table.
    pub fn id(self) -> &'static str {
        match self {
            Match::SubstringCi => "substring-ci",
            Match::SubstringCs => "substring-cs",
            Match::Exact => "exact",
        }
    }
}

/// The names matching `needle`, in list order (a filter never reorders).
pub fn filter<S: AsRef<str>>(names: &[S], needle: &str, how: Match) -> Vec<String> {
    names
        .iter()
        .map(AsRef::as_ref)
        .filter(|n| how.matches(n, needle))
        .map(str::to_string)
        .collect()
}

/// Which of `candidates` (alternative id, expected list) equals `observed`; the first that does.
pub fn classify<'a>(
    observed: &[String],
    candidates: &'a [(&'a str, Vec<String>)],
) -> Option<&'a str> {
    candidates
        .iter()
        .find(|(_, expected)| expected.as_slice() == observed)
        .map(|(id, _)| *id)
}

/// Every alternative (id, expected list) that `observed` equals and `allowed` accepts.
pub fn fitting(
    observed: &[String],
    candidates: &[(&'static str, Vec<String>)],
    allowed: impl Fn(&str) -> bool,
) -> Vec<&'static str> {
    candidates
        .iter()
        .filter(|(id, expected)| expected.as_slice() == observed && allowed(id))
        .map(|(id, _)| *id)
        .collect()
}

/// Items `[offset, offset + limit)` of a list of `n` (SWR: "offset: Start index", "limit: Number of returned records").
pub fn offset_window(offset: u64, limit: u64, n: usize) -> std::ops::Range<usize> {
    let start = offset.min(n as u64) as usize;
    let end = offset.saturating_add(limit).min(n as u64) as usize;
    start..end
}

/// Items of 1-based page `page` of size `size` (NCR page/pagesize; TCR Offset/Limit: "limit 20 offset 2 gives items
/// 21-40").
pub fn page_window(page: u64, size: u64, n: usize) -> std::ops::Range<usize> {
    offset_window(page.saturating_sub(1).saturating_mul(size), size, n)
}

/// The number of pages of size `size` that hold `n` items.
pub fn page_count(size: u64, n: usize) -> u64 {
    (n as u64).div_ceil(size.max(1))
}

/// NCR `next`: the next page number, `null` on the last page.
pub fn next_page(page: u64, size: u64, n: usize) -> Option<u64> {
    (page < page_count(size, n)).then_some(page + 1)
}

/// NCR `previous` on a page that holds items: the previous page number, `null` on the first page.
pub fn previous_page(page: u64) -> Option<u64> {
    (page > 1).then(|| page - 1)
}

/// `{n} {noun} starting "first"` for a failure's expected or actual line, or `{n} {noun}` when there is no first:
/// never Rust's `Some(..)`/`None` in a report.
pub fn count_from<T: std::fmt::Debug>(n: usize, noun: &str, first: Option<T>) -> String {
    match first {
        Some(first) => format!("{n} {noun} starting {first:?}"),
        None => format!("{n} {noun}"),
    }
}

/// A JSON number as a count: an integer, or a number with no fraction (`283.0`), which JSON Schema's `integer` type
/// also takes, so a server whose encoder writes floats is judged on its values, not on their spelling.
///
/// ```
/// use regmock::conformance::reference::json_count;
/// use serde_json::json;
/// assert_eq!((json_count(&json!(283)), json_count(&json!(283.0))), (Some(283), Some(283)));
/// assert_eq!((json_count(&json!(2.5)), json_count(&json!(-1)), json_count(&json!("3"))), (None, None, None));
/// ```
pub fn json_count(v: &serde_json::Value) -> Option<u64> {
    // Below 2^53 every integer is exact as a float, so the conversion loses nothing.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && (0.0..EXACT).contains(f))
            .map(|f| f as u64)
    })
}

/// The parts of an SWR `Content-Range`: "Offset (Start index) – Count (Number of records on the current page)/Total
/// (Total number of records)". The docs print the dash as an en dash; a hyphen is accepted too.
pub fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let (range, total) = value.trim().split_once('/')?;
    let (offset, count) = range.split_once('-').or_else(|| range.split_once('–'))?;
    let num = |s: &str| s.trim().parse::<u64>().ok();
    Some((num(offset)?, num(count)?, num(total)?))
}

/// An update time as the vendors print it: RFC 3339 (ISO 8601's extended format, `T` or a space between date and
/// time); without a zone suffix (as SWR writes some) it is read as UTC.
///
/// ```
/// use regmock::conformance::reference::parse_time;
/// assert_eq!(parse_time("2018-07-06T06:18:55Z"), parse_time("2018-07-06 14:18:55+08:00"));
/// assert_eq!(parse_time("2018-07-06T06:18:55Z"), parse_time("2018-07-06 06:18:55"));
/// assert!(parse_time("20180706T061855Z").is_none(), "the basic format is not RFC 3339");
/// ```
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
                .iter()
                .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
                .map(|t| t.and_utc())
        })
}

/// The first position where `times` is out of order (`ascending` or descending; equal neighbours are fine).
pub fn first_out_of_order(times: &[DateTime<Utc>], ascending: bool) -> Option<usize> {
    times
        .windows(2)
        .position(|w| if ascending { w[0] > w[1] } else { w[0] < w[1] })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_reads_both_dashes() {
        assert_eq!(parse_content_range("0-10/25"), Some((0, 10, 25)));
        assert_eq!(parse_content_range("20–5/25"), Some((20, 5, 25)));
        assert_eq!(parse_content_range("0-10"), None);
        assert_eq!(parse_content_range("a-1/2"), None);
    }

    #[test]
    fn links_follow_the_page_numbers() {
        assert_eq!(
            (next_page(1, 10, 25), next_page(3, 10, 25)),
            (Some(2), None)
        );
        assert_eq!((previous_page(1), previous_page(3)), (None, Some(2)));
        assert_eq!(page_window(3, 10, 25), 20..25);
    }

    #[test]
    fn order_allows_ties() {
        let t = |s| parse_time(s).expect("a valid time");
        let times = [
            t("2024-01-01T00:00:00Z"),
            t("2024-01-01T00:00:00Z"),
            t("2023-01-01T00:00:00Z"),
        ];
        assert_eq!(first_out_of_order(&times, false), None);
        assert_eq!(first_out_of_order(&times, true), Some(2));
    }
}
