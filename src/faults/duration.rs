//! Durations as people write them in a fault spec: `250ms`, `2s`, `1m`, or a range `200ms..500ms`.

use std::time::Duration;

/// The longest duration a fault may name: one hour. Bounding it keeps every sum of delays far from overflowing and a
/// typo (`2000000s`) from parking a connection for weeks.
pub const MAX_DURATION: Duration = Duration::from_secs(3600);

/// Parses `250ms`, `2s` or `1m` (a whole number and a unit) into a duration of at most [`MAX_DURATION`].
///
/// ```
/// use std::time::Duration;
/// use regmock::faults::parse_duration;
/// assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
/// assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
/// assert!(parse_duration("2 weeks").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let accepted = "a whole number with ms, s or m (e.g. 250ms, 2s, 1m), at most 1 hour";
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration; use {accepted}"))?;
    let millis = match unit {
        "ms" => Some(n),
        "s" => n.checked_mul(1000),
        "m" => n.checked_mul(60_000),
        _ => None,
    }
    .ok_or_else(|| format!("{text:?} is not a duration; use {accepted}"))?;
    let duration = Duration::from_millis(millis);
    if duration > MAX_DURATION {
        return Err(format!("{text:?} is too long; use {accepted}"));
    }
    Ok(duration)
}

/// Parses a fixed duration (`200ms`) or a range (`200ms..500ms`, minimum first) into `(min, max)`.
///
/// ```
/// use std::time::Duration;
/// use regmock::faults::parse_delay;
/// assert_eq!(parse_delay("200ms..1s"), Ok((Duration::from_millis(200), Duration::from_secs(1))));
/// assert_eq!(parse_delay("50ms"), Ok((Duration::from_millis(50), Duration::from_millis(50))));
/// assert!(parse_delay("1s..200ms").is_err());
/// ```
pub fn parse_delay(text: &str) -> Result<(Duration, Duration), String> {
    match text.split_once("..") {
        None => parse_duration(text).map(|d| (d, d)),
        Some((min, max)) => {
            let (min, max) = (parse_duration(min)?, parse_duration(max)?);
            if min > max {
                return Err(format!(
                    "{text:?}: the range's minimum is above its maximum; write MIN..MAX"
                ));
            }
            Ok((min, max))
        }
    }
}

/// Writes a duration the way [`parse_duration`] reads it (`250ms`, `2s`), so a rule written out reads back the same.
///
/// ```
/// use std::time::Duration;
/// use regmock::faults::format_duration;
/// assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
/// assert_eq!(format_duration(Duration::from_secs(2)), "2s");
/// ```
pub fn format_duration(d: Duration) -> String {
    let millis = d.as_millis();
    if millis.is_multiple_of(1000) {
        format!("{}s", millis / 1000)
    } else {
        format!("{millis}ms")
    }
}
