//! Test-only: deliberately broken SWR behaviours, so the conformance suite's self-test can prove that each check fires
//! (Schemathesis's "broken apps"). Nothing sets them unless a test does (`Options::with(SwrQuirks(vec![..]))`); the
//! default is no quirk, and every hook is one line that does nothing then.
//!
//! Most quirks rewrite the request before the provider answers or the answer after it, so the provider's own code
//! stays as it is.

use super::errors::{ApiError, SwrCode};
use super::routes::Route;
use crate::http::{Request, Response};
use crate::pipeline::Ctx;
use crate::shared::query;
use serde_json::Value;
use std::borrow::Cow;

/// One faked bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwrQuirk {
    /// Tag list: every non-zero offset starts one record late.
    OffsetOffByOne,
    /// Tag list: the Content-Range total counts the records of the page.
    TotalCountsPage,
    /// Repository list: no Content-Range header.
    MissingContentRange,
    /// Tag list: `size` is sent as a string.
    SizeAsString,
    /// Repository list: `name` matches exactly instead of fuzzily.
    NameFilterExact,
    /// Tag list: `tag` matches only as a prefix.
    TagFilterPrefixOnly,
    /// Tag list: `limit`/`offset` inside `filter=` are ignored.
    FilterIgnoresPaging,
    /// Tag list: a `tag` value inside `filter=` holding `::`, `|` or `,` is dropped, so the whole list is answered
    /// (no accepted reading of a separator inside a value).
    SeparatorDropsFilter,
    /// Tag list: `order_type=asc` is answered in descending order.
    SortIgnoresOrderType,
    /// Repository list: `order_type=asc` (individual or inside `filter=`) is answered in descending order.
    RepoSortIgnoresOrderType,
    /// Tag list: a non-numeric `limit` is a 500 instead of a 400.
    ServerErrorForBadLimit,
    /// Repository list: a non-numeric `limit` is a 500 instead of a 400.
    RepoServerErrorForBadLimit,
    /// Unknown repository, namespace or tag: a 400 invalid-parameter error instead of the 404.
    WrongNotFoundCode,
    /// An offset past the end is a 404 instead of an empty page.
    PastEndIsNotFound,
    /// The AK/SK signature is not compared.
    SignatureNotChecked,
    /// `X-Sdk-Date` may be any time.
    ClockSkewNotChecked,
    /// Repository list: `tags` is always empty (`num_images` still counts the tags).
    RepoTagsEmpty,
    /// Tag list: without `limit` and `offset` (and without `filter=`), only the first 10 records.
    UnpagedTagsFirstTen,
    /// Repository list: `total_range` is the number of records on the page.
    TotalRangeIsPageLength,
}

/// The quirks in force, as SWR provider options (`Options::with`); default: none.
///
/// ```
/// use regmock::providers::swr::quirks::{SwrQuirk, SwrQuirks};
/// let options = regmock::Options::default().with(SwrQuirks(vec![SwrQuirk::MissingContentRange]));
/// assert_eq!(options.get::<SwrQuirks>().0, vec![SwrQuirk::MissingContentRange]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SwrQuirks(pub Vec<SwrQuirk>);

/// Whether `quirk` is in force.
pub fn active(ctx: &Ctx<'_>, quirk: SwrQuirk) -> bool {
    ctx.options.get::<SwrQuirks>().0.contains(&quirk)
}

fn tags(route: &Route) -> bool {
    matches!(route, Route::ListRepositoryTags { .. })
}

/// Rewrites the request before the provider reads it.
pub fn request<'r>(
    ctx: &Ctx<'_>,
    route: &Route,
    req: &'r Request,
) -> Result<Cow<'r, Request>, ApiError> {
    if ctx.options.get::<SwrQuirks>().0.is_empty() {
        return Ok(Cow::Borrowed(req));
    }
    let mut pairs = query::parse(req.query.as_deref());
    let limit_bad =
        query::last(&pairs, "limit").is_some_and(|l| l.parse::<i64>().is_err() && !l.is_empty());
    let server_error = match tags(route) {
        true => SwrQuirk::ServerErrorForBadLimit,
        false => SwrQuirk::RepoServerErrorForBadLimit,
    };
    if active(ctx, server_error) && limit_bad {
        return Err(ApiError::new(SwrCode::ImageListFailed, "quirk"));
    }
    if !tags(route) {
        return Ok(repo_request(ctx, req));
    }
    for (k, v) in pairs.iter_mut() {
        match k.as_str() {
            "offset" if active(ctx, SwrQuirk::OffsetOffByOne) => {
                if let Ok(n) = v.parse::<u64>()
                    && n > 0
                {
                    *v = n.saturating_add(1).to_string();
                }
            }
            "order_type" if active(ctx, SwrQuirk::SortIgnoresOrderType) => *v = "desc".into(),
            "filter" if active(ctx, SwrQuirk::SeparatorDropsFilter) => {
                // A `|` inside a value leaves a non-empty segment without `::`; drop it and the tag before it.
                let segments: Vec<&str> = v.split('|').collect();
                let broken = |i: usize| {
                    let s = segments[i];
                    let tag_value = s.strip_prefix("tag::");
                    tag_value.is_some_and(|t| t.contains("::") || t.contains(','))
                        || (!s.is_empty() && !s.contains("::"))
                        || (tag_value.is_some()
                            && segments
                                .get(i + 1)
                                .is_some_and(|n| !n.is_empty() && !n.contains("::")))
                };
                *v = (0..segments.len())
                    .filter(|&i| !broken(i))
                    .map(|i| segments[i])
                    .collect::<Vec<_>>()
                    .join("|");
            }
            "filter" if active(ctx, SwrQuirk::FilterIgnoresPaging) => {
                *v = v
                    .split('|')
                    .filter(|s| !s.starts_with("limit::") && !s.starts_with("offset::"))
                    .collect::<Vec<_>>()
                    .join("|");
            }
            _ => {}
        }
    }
    let mut out = req.clone();
    out.query = Some(query::render(&pairs));
    Ok(Cow::Owned(out))
}

/// The repository list's quirks: `asc` becomes `desc`, individually and inside `filter=`.
fn repo_request<'r>(ctx: &Ctx<'_>, req: &'r Request) -> Cow<'r, Request> {
    if !active(ctx, SwrQuirk::RepoSortIgnoresOrderType) {
        return Cow::Borrowed(req);
    }
    let mut pairs = query::parse(req.query.as_deref());
    for (k, v) in pairs.iter_mut() {
        match k.as_str() {
            "order_type" => *v = "desc".into(),
            "filter" => *v = v.replace("order_type::asc", "order_type::desc"),
            _ => {}
        }
    }
    let mut out = req.clone();
    out.query = Some(query::render(&pairs));
    Cow::Owned(out)
}

/// Rewrites the answer; `original` is the request as the client sent it.
pub fn response(
    ctx: &Ctx<'_>,
    route: &Route,
    original: &Request,
    resp: Result<Response, ApiError>,
) -> Result<Response, ApiError> {
    let Ok(mut resp) = resp else { return resp };
    if ctx.options.get::<SwrQuirks>().0.is_empty() || resp.status != 200 {
        return Ok(resp);
    }
    let pairs = query::parse(original.query.as_deref());
    let param = |k: &str| query::last(&pairs, k).map(str::to_string);
    let mut body: Value = resp.body_json();
    let is_tags = tags(route);
    if is_tags
        && active(ctx, SwrQuirk::PastEndIsNotFound)
        && body == Value::Array(vec![])
        && param("offset").is_some_and(|o| o != "0")
    {
        return Err(ApiError::new(SwrCode::ImageNotFound, "quirk"));
    }
    if let Value::Array(items) = &mut body {
        if is_tags && active(ctx, SwrQuirk::SizeAsString) {
            for i in items.iter_mut() {
                i["size"] = Value::String(i["size"].to_string());
            }
        }
        // The tag asked for, individually or inside `filter=` (which wins).
        let in_filter = param("filter").and_then(|f| {
            f.split('|')
                .rev()
                .find_map(|seg| seg.strip_prefix("tag::"))
                .map(str::to_string)
        });
        if let (true, true, Some(tag)) = (
            is_tags,
            active(ctx, SwrQuirk::TagFilterPrefixOnly),
            in_filter.or(param("tag")),
        ) {
            items.retain(|i| {
                i["Tag"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase()
                    .starts_with(&tag.to_lowercase())
            });
        }
        let unpaged = ["limit", "offset", "filter"]
            .iter()
            .all(|k| param(k).is_none());
        if is_tags && unpaged && active(ctx, SwrQuirk::UnpagedTagsFirstTen) {
            items.truncate(10);
        }
        if !is_tags && active(ctx, SwrQuirk::TotalRangeIsPageLength) {
            let len = items.len();
            for i in items.iter_mut() {
                i["total_range"] = len.into();
            }
        }
        if !is_tags && active(ctx, SwrQuirk::RepoTagsEmpty) {
            for i in items.iter_mut() {
                i["tags"] = Value::Array(Vec::new());
            }
        }
        if let (false, true, Some(name)) = (
            is_tags,
            active(ctx, SwrQuirk::NameFilterExact),
            param("name"),
        ) {
            items.retain(|i| i["name"] == name.as_str());
        }
    }
    let range = resp.header_value("Content-Range").map(str::to_string);
    resp.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("content-range"));
    let range = match range {
        Some(_) if !is_tags && active(ctx, SwrQuirk::MissingContentRange) => None,
        Some(r)
            if is_tags
                && (active(ctx, SwrQuirk::OffsetOffByOne)
                    || active(ctx, SwrQuirk::TotalCountsPage)) =>
        {
            // Report the requested offset and, with the quirk, the page's count as the total.
            let (_, rest) = r.split_once('-').unwrap_or(("0", &r));
            let (count, total) = rest.split_once('/').unwrap_or((rest, ""));
            let total = if active(ctx, SwrQuirk::TotalCountsPage) {
                count
            } else {
                total
            };
            Some(format!(
                "{}-{count}/{total}",
                param("offset").unwrap_or_else(|| "0".into())
            ))
        }
        other => other,
    };
    resp.body = serde_json::to_vec(&body).unwrap_or_default();
    Ok(match range {
        Some(r) => resp.with_header("Content-Range", r),
        None => resp,
    })
}

/// Rewrites an error before it is rendered.
pub fn error(ctx: &Ctx<'_>, error: &ApiError) -> ApiError {
    if error.code == SwrCode::ImageNotFound && active(ctx, SwrQuirk::WrongNotFoundCode) {
        return ApiError {
            code: SwrCode::InvalidParameter,
            ..error.clone()
        };
    }
    error.clone()
}
