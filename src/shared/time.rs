//! The timestamp spellings of the vendors' examples, rendered through chrono's RFC 3339 writer.
//!
//! Every list item carries one or two timestamps, so these run thousands of times per large answer: chrono's
//! `format("%Y-…")` parses its pattern on every call (a visible share of a list call's time in a profile of `serve`),
//! while `to_rfc3339_opts` writes the digits directly. Both spell years 0000–9999 the same.

use chrono::{DateTime, SecondsFormat, Utc};

/// UTC with microseconds and `Z`, as in SWR's list-repositories example (`2021-06-10T03:24:44.784402Z`) and TCR's
/// `UpdateTime`.
///
/// ```
/// use chrono::TimeZone;
/// let t = chrono::Utc.with_ymd_and_hms(2021, 6, 10, 3, 24, 44).unwrap();
/// assert_eq!(regmock::shared::time::micros(t), "2021-06-10T03:24:44.000000Z");
/// ```
pub fn micros(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// UTC in whole seconds and `Z`, as in SWR's tag examples (`2018-07-06T06:18:55Z`).
///
/// ```
/// use chrono::TimeZone;
/// let t = chrono::Utc.with_ymd_and_hms(2018, 7, 6, 6, 18, 55).unwrap();
/// assert_eq!(regmock::shared::time::seconds(t), "2018-07-06T06:18:55Z");
/// ```
pub fn seconds(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The compact form `YYYYMMDDTHHMMSSZ` (strftime `%Y%m%dT%H%M%SZ`), as signed requests carry it (SWR's `X-Sdk-Date`).
/// Same rules as chrono's `parse_from_str` with that pattern, with the pattern's items built once instead of parsed from
/// text on every signed request.
///
/// ```
/// let t = regmock::shared::time::parse_compact("20261201T183000Z").unwrap();
/// assert_eq!(regmock::shared::time::seconds(t), "2026-12-01T18:30:00Z");
/// assert!(regmock::shared::time::parse_compact("2026-12-01T18:30:00Z").is_none());
/// ```
pub fn parse_compact(s: &str) -> Option<DateTime<Utc>> {
    use chrono::format::{Item, Numeric, Pad, Parsed};
    const COMPACT: &[Item<'static>] = &[
        Item::Numeric(Numeric::Year, Pad::Zero),
        Item::Numeric(Numeric::Month, Pad::Zero),
        Item::Numeric(Numeric::Day, Pad::Zero),
        Item::Literal("T"),
        Item::Numeric(Numeric::Hour, Pad::Zero),
        Item::Numeric(Numeric::Minute, Pad::Zero),
        Item::Numeric(Numeric::Second, Pad::Zero),
        Item::Literal("Z"),
    ];
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, s, COMPACT.iter()).ok()?;
    Some(parsed.to_naive_datetime_with_offset(0).ok()?.and_utc())
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    /// The same answers as `parse_from_str` with the pattern it replaces, for good and bad input.
    #[test]
    fn parse_compact_agrees_with_the_strftime_pattern() {
        for s in [
            "20261201T183000Z",
            "99991231T235959Z",
            "20260230T000000Z",
            "20261201T246000Z",
            "20261201T183000",
            "2026121T183000Z",
            "20261201T183000Zx",
            " 20261201T183000Z",
            "+20261201T183000Z",
            "",
        ] {
            let strftime = chrono::NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%SZ")
                .ok()
                .map(|n| n.and_utc());
            assert_eq!(super::parse_compact(s), strftime, "{s:?}");
        }
    }

    /// The same spelling as the strftime patterns these replace, fractions and all.
    #[test]
    fn agrees_with_the_strftime_patterns() {
        let base = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap();
        for t in [
            base,
            base + Duration::microseconds(784_402),
            base + Duration::nanoseconds(1_999),
            Utc.with_ymd_and_hms(9999, 1, 1, 0, 0, 0).unwrap(),
        ] {
            assert_eq!(
                super::micros(t),
                t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
            );
            assert_eq!(
                super::seconds(t),
                t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
            );
        }
    }
}
