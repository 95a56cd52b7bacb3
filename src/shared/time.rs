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

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

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
