//! SWR query parameters: individual parameters and the `filter=key::value|key::value` grammar.
//!
//! Rules (README, "Behaviour where the vendor docs are silent"):
//! - a non-empty `filter` replaces every individual parameter of the operation (the SDK docstrings say `filter` wins);
//! - segments are split on `|`; empty segments (a trailing `|`) are skipped; a segment without `::` is a 400;
//! - unknown keys are ignored; an empty value (`name::`) counts as not given; a repeated key keeps its last value;
//! - a value is everything after its key's first `::` up to the next `|`: a `::` or `,` inside it is part of it (and
//!   so matches no name), and a `|` inside it ends it (the rest is a segment without `::`, a 400);
//! - `limit` must be an integer 1..=1000 and `offset` an integer >= 0, else 400; for repositories the offset must be
//!   0 or a multiple of the limit, as the repository page documents;
//! - `order_column` accepts `updated_at`, `updated_time` (same column), `name`, and for repositories `tag_count`;
//!   `order_type` accepts `asc`/`desc` (any case); either one alone defaults the other to `updated_at` / `desc`.
//!
//! Where the docs are silent, [`parse_with`] answers as the [`Emulated`] alternatives say (`serve --ambiguity`); the
//! rules above are the defaults of that table (`regmock::conformance::ambiguities`).

use super::errors::{ApiError, SwrCode};
use crate::conformance::ambiguities::Emulated;
use crate::shared::query;

/// Default page size (both list pages: "100 records will be returned by default").
pub const DEFAULT_LIMIT: u64 = 100;
/// Largest page size (SDK docstrings: "maximum 1000").
pub const MAX_LIMIT: u64 = 1000;

/// Which list operation is being parsed; they accept different keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// `list_repos_details`.
    Repos,
    /// `list_repository_tags`.
    Tags,
}

impl ListKind {
    fn keys(self) -> &'static [&'static str] {
        match self {
            ListKind::Repos => &[
                "namespace",
                "name",
                "category",
                "limit",
                "offset",
                "order_column",
                "order_type",
            ],
            ListKind::Tags => &["limit", "offset", "order_column", "order_type", "tag"],
        }
    }
}

/// A sort column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderColumn {
    /// Update time (`updated_at` or `updated_time`).
    Updated,
    /// Name.
    Name,
    /// Number of tags (repositories only).
    TagCount,
}

/// A sort order; ties are always broken by name ascending so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    /// Column.
    pub column: OrderColumn,
    /// Descending or not.
    pub descending: bool,
}

/// Default order when none is asked for: most recently updated first.
pub const DEFAULT_ORDER: Order = Order {
    column: OrderColumn::Updated,
    descending: true,
};

/// Parsed list parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    /// Namespace substring (repositories).
    pub namespace: Option<String>,
    /// Repository-name substring (repositories).
    pub name: Option<String>,
    /// Exact category (repositories).
    pub category: Option<String>,
    /// Tag-name substring (tags).
    pub tag: Option<String>,
    /// Page size.
    pub limit: u64,
    /// Start index.
    pub offset: u64,
    /// Whether `limit` or `offset` was given, which makes SWR send `Content-Range`.
    pub paged: bool,
    /// Sort order.
    pub order: Order,
    /// A filter key with an empty value was given and the emulator serves `swr.filter.empty-value=matches-nothing`.
    pub matches_nothing: bool,
    /// The name filters came from `filter=` and the emulator serves `swr.filter.comma-in-value=any-of`: a value
    /// holding `,` matches what any of its parts matches ([`ListParams::parts`]).
    pub any_of: bool,
}

impl ListParams {
    /// The needles of a name filter `value`: its `,`-separated parts under `swr.filter.comma-in-value=any-of`, else
    /// the value itself.
    ///
    /// ```
    /// use regmock::conformance::ambiguities::Emulated;
    /// use regmock::providers::swr::params::{parse_with, ListKind};
    /// let any_of = Emulated::default().select("swr.filter.comma-in-value=any-of").unwrap();
    /// let p = parse_with(ListKind::Tags, Some("filter=tag::v1,v2"), &any_of).unwrap();
    /// assert_eq!(p.parts(p.tag.as_deref().unwrap()), ["v1", "v2"]);
    /// let p = parse_with(ListKind::Tags, Some("filter=tag::v1,v2"), &Emulated::default()).unwrap();
    /// assert_eq!(p.parts(p.tag.as_deref().unwrap()), ["v1,v2"]);
    /// ```
    pub fn parts<'v>(&self, value: &'v str) -> Vec<&'v str> {
        match self.any_of {
            true => value.split(',').filter(|p| !p.is_empty()).collect(),
            false => vec![value],
        }
    }
}

/// Parses the raw query of a list request.
///
/// ```
/// use regmock::providers::swr::params::{parse, ListKind};
/// let p = parse(ListKind::Repos, Some("filter=namespace::group|name::busy|limit::10|offset::0|")).unwrap();
/// assert_eq!((p.namespace.as_deref(), p.name.as_deref(), p.limit, p.paged), (Some("group"), Some("busy"), 10, true));
/// assert!(parse(ListKind::Repos, Some("filter=limit::abc")).is_err());
/// ```
pub fn parse(kind: ListKind, raw_query: Option<&str>) -> Result<ListParams, ApiError> {
    parse_with(kind, raw_query, &Emulated::default())
}

/// [`parse`], answering where the docs are silent as `emulated` selects.
///
/// ```
/// use regmock::conformance::ambiguities::Emulated;
/// use regmock::providers::swr::params::{parse_with, ListKind};
/// let clamp = Emulated::default().select("swr.limit.above-max=clamp").unwrap();
/// assert_eq!(parse_with(ListKind::Tags, Some("limit=5000"), &clamp).unwrap().limit, 1000);
/// assert!(parse_with(ListKind::Tags, Some("limit=5000"), &Emulated::default()).is_err());
/// ```
pub fn parse_with(
    kind: ListKind,
    raw_query: Option<&str>,
    emulated: &Emulated,
) -> Result<ListParams, ApiError> {
    let pairs = query::parse(raw_query);
    let filter = query::last(&pairs, "filter").filter(|f| !f.is_empty());
    let from_filter = filter.is_some();
    let given: std::borrow::Cow<'_, [(String, String)]> = match filter {
        Some(f) => parse_filter(kind, f, emulated)?.into(),
        None => pairs.as_slice().into(),
    };
    let first_wins = from_filter && emulated.serves("swr.filter.repeated-key", "first-wins");
    let get = |key: &str| -> Option<&str> {
        let value = if first_wins {
            given
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        } else {
            query::last(&given, key)
        };
        kind.keys()
            .contains(&key)
            .then_some(value)
            .flatten()
            .filter(|v| !v.is_empty())
    };
    let matches_nothing = from_filter
        && emulated.serves("swr.filter.empty-value", "matches-nothing")
        && given.iter().any(|(k, v)| {
            v.is_empty() && ["namespace", "name", "category", "tag"].contains(&k.as_str())
        });
    let lenient = emulated.serves("swr.paging.invalid", "lenient-200");
    // A number above the maximum is the other ambiguity (swr.limit.above-max): lenient only with what is no page size.
    let above_max = |v: &str| count(v).is_some_and(|n| n > MAX_LIMIT);
    let limit = match get("limit").map(|v| parse_limit(v, emulated)).transpose() {
        Err(_) if lenient && !get("limit").is_some_and(above_max) => Some(DEFAULT_LIMIT),
        other => other?,
    };
    let offset = match get("offset").map(|v| parse_number("offset", v)).transpose() {
        Err(_) if lenient => Some(0),
        other => other?,
    };
    let paged = if emulated.serves("swr.content-range.single-key", "absent") {
        limit.is_some() && offset.is_some()
    } else {
        limit.is_some() || offset.is_some()
    };
    // The tag list's page documents no default for either and says they "should always be used together"
    // (`swr.tags.single-key`): by default the repository page's defaults apply.
    let limit = match (kind, limit, offset) {
        (ListKind::Tags, Some(_), None) | (ListKind::Tags, None, Some(_))
            if emulated.serves("swr.tags.single-key", "reject-400") =>
        {
            return Err(ApiError::new(
                SwrCode::InvalidParameter,
                "limit and offset must be given together",
            ));
        }
        (ListKind::Tags, None, Some(_)) if emulated.serves("swr.tags.single-key", "all") => {
            u64::MAX
        }
        _ => limit.unwrap_or(DEFAULT_LIMIT),
    };
    let offset = offset.unwrap_or(0);
    if kind == ListKind::Repos && offset % limit != 0 {
        return Err(ApiError::new(
            SwrCode::InvalidParameter,
            format!("offset {offset} must be 0 or a multiple of limit {limit}"),
        ));
    }
    let order = parse_order(kind, get("order_column"), get("order_type"))?;
    let any_of = from_filter && emulated.serves("swr.filter.comma-in-value", "any-of");
    Ok(ListParams {
        namespace: get("namespace").map(str::to_string),
        name: get("name").map(str::to_string),
        category: get("category").map(str::to_string),
        tag: get("tag").map(str::to_string),
        limit,
        offset,
        paged,
        order,
        matches_nothing,
        any_of,
    })
}

fn parse_filter(
    kind: ListKind,
    filter: &str,
    emulated: &Emulated,
) -> Result<Vec<(String, String)>, ApiError> {
    let refuse = |why: String| Err(ApiError::new(SwrCode::InvalidParameter, why));
    if filter.split('|').any(str::is_empty)
        && emulated.serves("swr.filter.empty-segment", "reject-400")
    {
        return refuse(format!("filter {filter:?} has an empty segment"));
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for seg in filter.split('|').filter(|seg| !seg.is_empty()) {
        match seg.split_once("::") {
            Some((k, v)) => pairs.push((k.trim().to_string(), v.to_string())),
            // Where the docs are silent (`swr.filter.pipe-in-value`): a segment without `::` is a 400, or it
            // continues the value before it (a `|` inside that value), or it is ignored.
            None if emulated.serves("swr.filter.pipe-in-value", "no-match") => {
                if let Some((_, v)) = pairs.last_mut() {
                    v.push('|');
                    v.push_str(seg);
                }
            }
            None if emulated.serves("swr.filter.pipe-in-value", "prefix") => {}
            None => return refuse(format!("filter segment {seg:?} is not key::value")),
        }
    }
    for (k, v) in pairs.iter_mut() {
        separators_in_value(k, v, emulated)?;
    }
    if let Some((k, _)) = pairs
        .iter()
        .find(|(k, _)| !kind.keys().contains(&k.as_str()))
        && emulated.serves("swr.filter.unknown-key", "reject-400")
    {
        return refuse(format!("filter key {k:?} is not supported"));
    }
    if let Some((k, _)) = pairs.iter().find(|(_, v)| v.is_empty())
        && emulated.serves("swr.filter.empty-value", "reject-400")
    {
        return refuse(format!("filter key {k:?} has an empty value"));
    }
    if let Some((k, _)) = pairs
        .iter()
        .enumerate()
        .find(|(i, (k, _))| pairs[..*i].iter().any(|(earlier, _)| earlier == k))
        .map(|(_, p)| p)
        && emulated.serves("swr.filter.repeated-key", "reject-400")
    {
        return refuse(format!("filter key {k:?} is given twice"));
    }
    Ok(pairs)
}

/// A `::` or `,` inside filter value `v` of key `k`, as `swr.filter.colons-in-value` and
/// `swr.filter.comma-in-value` say: part of the value (the default), a 400, or the value cut before it (`any-of`
/// keeps the commas for [`ListParams::parts`]).
fn separators_in_value(k: &str, v: &mut String, emulated: &Emulated) -> Result<(), ApiError> {
    for (sep, id) in [
        ("::", "swr.filter.colons-in-value"),
        (",", "swr.filter.comma-in-value"),
    ] {
        let Some(at) = v.find(sep) else { continue };
        if emulated.serves(id, "reject-400") {
            return Err(ApiError::new(
                SwrCode::InvalidParameter,
                format!("filter value of {k:?} holds {sep:?}"),
            ));
        }
        if emulated.serves(id, "prefix") {
            v.truncate(at);
        }
    }
    Ok(())
}

/// A count as `str::parse::<u64>` reads one (around it spaces, before it a `+`, both long accepted here), except that
/// digits past `u64::MAX` saturate: a huge offset is still an offset, past the end, and a huge limit one above 1000.
fn count(value: &str) -> Option<u64> {
    let trimmed = value.trim();
    let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Only overflow makes the parse of validated digits fail.
    Some(digits.parse().unwrap_or(u64::MAX))
}

fn parse_number(name: &str, value: &str) -> Result<u64, ApiError> {
    count(value).ok_or_else(|| {
        ApiError::new(
            SwrCode::InvalidParameter,
            format!("{name} must be a non-negative integer, got {value:?}"),
        )
    })
}

fn parse_limit(value: &str, emulated: &Emulated) -> Result<u64, ApiError> {
    // One message for every refusal, naming what is accepted: 0 and "abc" are refused alike.
    match count(value) {
        Some(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
        Some(limit) if limit > MAX_LIMIT && emulated.serves("swr.limit.above-max", "clamp") => {
            Ok(MAX_LIMIT)
        }
        Some(limit) if limit > MAX_LIMIT && emulated.serves("swr.limit.above-max", "honour") => {
            Ok(limit)
        }
        _ => Err(ApiError::new(
            SwrCode::InvalidParameter,
            format!("limit must be an integer from 1 to {MAX_LIMIT}, got {value:?}"),
        )),
    }
}

fn parse_order(
    kind: ListKind,
    column: Option<&str>,
    order_type: Option<&str>,
) -> Result<Order, ApiError> {
    if column.is_none() && order_type.is_none() {
        return Ok(DEFAULT_ORDER);
    }
    let column = match column.unwrap_or("updated_at") {
        "updated_at" | "updated_time" => OrderColumn::Updated,
        "name" => OrderColumn::Name,
        "tag_count" if kind == ListKind::Repos => OrderColumn::TagCount,
        other => {
            return Err(ApiError::new(
                SwrCode::InvalidParameter,
                format!("order_column {other:?} is not supported"),
            ));
        }
    };
    let descending = match order_type.map(str::to_ascii_lowercase).as_deref() {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(other) => {
            return Err(ApiError::new(
                SwrCode::InvalidParameter,
                format!("order_type {other:?} must be asc or desc"),
            ));
        }
    };
    Ok(Order { column, descending })
}
