//! NCR `page` / `pagesize`.
//!
//! The docs say both must be greater than 0 and give no default or maximum. Undocumented choices: `page` defaults to
//! 1; `pagesize` defaults to 10 and values above 100 are clamped to 100 (the tag-list envelope is Docker Hub's, and
//! these are Docker Hub's numbers); 0, negative, non-numeric, empty, or too large for an unsigned 64-bit integer → 400.

use super::errors::{ApiError, NcrCode};
use crate::conformance::ambiguities::Emulated;
use crate::shared::query;

/// Page size when `pagesize` is not given.
pub const DEFAULT_PAGE_SIZE: u64 = 10;
/// Largest page size; larger values are clamped.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Parsed paging parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// 1-based page number.
    pub page: u64,
    /// Effective page size (after clamping).
    pub size: u64,
}

/// Parses the raw query.
///
/// ```
/// use regmock::providers::ncr::params::{parse, Paging};
/// assert_eq!(parse(Some("page=2&pagesize=500")).unwrap(), Paging { page: 2, size: 100 });
/// assert_eq!(parse(None).unwrap(), Paging { page: 1, size: 10 });
/// assert!(parse(Some("page=0")).is_err());
/// ```
pub fn parse(raw_query: Option<&str>) -> Result<Paging, ApiError> {
    parse_with(raw_query, &Emulated::default())
}

/// [`parse`] answering as the `serve --ambiguity` alternatives say: `ncr.pagesize.above-max=honour` serves a
/// `pagesize` above 100 as asked and `=reject-400` refuses it; `ncr.paging.invalid=lenient-200` ignores a `page` or
/// `pagesize` it would refuse (as if absent: page 1, 10 tags).
///
/// ```
/// use regmock::conformance::ambiguities::Emulated;
/// use regmock::providers::ncr::params::{parse_with, Paging};
/// let honour = Emulated::default().select("ncr.pagesize.above-max=honour").unwrap();
/// assert_eq!(parse_with(Some("pagesize=500"), &honour).unwrap(), Paging { page: 1, size: 500 });
/// let reject = Emulated::default().select("ncr.pagesize.above-max=reject-400").unwrap();
/// assert!(parse_with(Some("pagesize=500"), &reject).is_err());
/// let lenient = Emulated::default().select("ncr.paging.invalid=lenient-200").unwrap();
/// assert_eq!(parse_with(Some("page=-1&pagesize=abc"), &lenient).unwrap(), Paging { page: 1, size: 10 });
/// ```
pub fn parse_with(raw_query: Option<&str>, emulated: &Emulated) -> Result<Paging, ApiError> {
    let pairs = query::parse(raw_query);
    let lenient = emulated.serves("ncr.paging.invalid", "lenient-200");
    let read = |name: &str| match positive(&pairs, name) {
        Err(_) if lenient => Ok(None),
        other => other,
    };
    // `ncr.paging.invalid=past-end-404`: a page number past 64 bits is a page past the end, answered as those are
    // under `ncr.page.past-end=not-found-404`.
    if emulated.serves("ncr.paging.invalid", "past-end-404")
        && let Some(huge) = query::last(&pairs, "page").filter(|v| {
            !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && v.parse::<u64>().is_err()
        })
    {
        return Err(ApiError::new(
            NcrCode::NotFound,
            format!("page {huge} is past the last page"),
        ));
    }
    let page = read("page")?.unwrap_or(1);
    let size = match read("pagesize")?.unwrap_or(DEFAULT_PAGE_SIZE) {
        n if n <= MAX_PAGE_SIZE || emulated.serves("ncr.pagesize.above-max", "honour") => n,
        n if emulated.serves("ncr.pagesize.above-max", "reject-400") => {
            return Err(ApiError::new(
                NcrCode::BadRequest,
                format!("pagesize must be at most {MAX_PAGE_SIZE}, got {n}"),
            ));
        }
        _ => MAX_PAGE_SIZE,
    };
    Ok(Paging { page, size })
}

fn positive(pairs: &[(String, String)], name: &str) -> Result<Option<u64>, ApiError> {
    let Some(value) = query::last(pairs, name) else {
        return Ok(None);
    };
    match value.parse::<u64>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(ApiError::new(
            NcrCode::BadRequest,
            format!("{name} must be an integer greater than 0, got {value:?}"),
        )),
    }
}
