//! Test-only: deliberately broken NCR behaviours, so the conformance suite's self-test can prove that each check fires.
//! Nothing sets them unless a test does (`Options::with(NcrQuirks(vec![..]))`); the default is no quirk, and every hook
//! is one line that does nothing then.

use super::errors::{ApiError, NcrCode};
use crate::http::{Request, Response};
use crate::pipeline::Ctx;
use crate::shared::query;
use serde_json::{Value, json};

/// One faked bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NcrQuirk {
    /// The last page still has a `next`.
    NextOnLastPage,
    /// `count` is the number of tags on the page.
    CountIsPageSize,
    /// Every page after the first starts one tag late.
    PageOffByOne,
    /// `page=0` is a 500 instead of a 400.
    ServerErrorForPageZero,
    /// An unknown image or registry is a 200 with an empty list instead of a 404.
    NotFoundIsEmptyList,
    /// A timestamp of any age is accepted.
    ClockSkewNotChecked,
    /// `v2` is sent as a string.
    V2AsString,
    /// Regions share one data space: a registry is found under every region's prefix (`sgn-api`, `jpn-api`, `api`).
    RegionIgnored,
}

/// The quirks in force, as NCR provider options (`Options::with`); default: none.
///
/// ```
/// use regmock::providers::ncr::quirks::{NcrQuirk, NcrQuirks};
/// let options = regmock::Options::default().with(NcrQuirks(vec![NcrQuirk::NextOnLastPage]));
/// assert_eq!(options.get::<NcrQuirks>().0, vec![NcrQuirk::NextOnLastPage]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NcrQuirks(pub Vec<NcrQuirk>);

/// Whether `quirk` is in force.
pub fn active(ctx: &Ctx<'_>, quirk: NcrQuirk) -> bool {
    ctx.options.get::<NcrQuirks>().0.contains(&quirk)
}

/// Refuses the request before the provider reads it.
pub fn request(ctx: &Ctx<'_>, req: &Request) -> Result<(), ApiError> {
    let pairs = query::parse(req.query.as_deref());
    if active(ctx, NcrQuirk::ServerErrorForPageZero) && query::last(&pairs, "page") == Some("0") {
        return Err(ApiError::new(NcrCode::InternalServerError, "quirk"));
    }
    Ok(())
}

/// Moves the window of page `page` (after the first) one tag later.
pub fn window(
    ctx: &Ctx<'_>,
    page: u64,
    range: std::ops::Range<usize>,
    total: usize,
) -> std::ops::Range<usize> {
    if page > 1 && active(ctx, NcrQuirk::PageOffByOne) {
        return (range.start + 1).min(total)..(range.end + 1).min(total);
    }
    range
}

/// Rewrites a successful answer.
pub fn response(ctx: &Ctx<'_>, req: &Request, resp: Response) -> Response {
    if ctx.options.get::<NcrQuirks>().0.is_empty() {
        return resp;
    }
    let mut body = resp.body_json();
    let page: u64 = query::last(&query::parse(req.query.as_deref()), "page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let len = body["results"].as_array().map_or(0, Vec::len);
    if active(ctx, NcrQuirk::NextOnLastPage) && len > 0 && body["next"].is_null() {
        body["next"] = json!(page + 1);
    }
    if active(ctx, NcrQuirk::CountIsPageSize) {
        body["count"] = json!(len);
    }
    if active(ctx, NcrQuirk::V2AsString)
        && let Some(items) = body["results"].as_array_mut()
    {
        for i in items {
            i["v2"] = Value::String(i["v2"].to_string());
        }
    }
    Response::json(resp.status, &body)
}

/// Renders an error differently, or `None` for the provider's own rendering.
pub fn render(ctx: &Ctx<'_>, error: &ApiError) -> Option<Response> {
    (error.code == NcrCode::NotFound && active(ctx, NcrQuirk::NotFoundIsEmptyList)).then(|| {
        Response::json(
            200,
            &json!({"count": 0, "next": null, "previous": null, "results": []}),
        )
    })
}
