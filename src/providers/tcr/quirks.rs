//! Test-only: deliberately broken TCR behaviours, so the conformance suite's self-test can prove that each check fires.
//! Nothing sets them unless a test does (`Options::with(TcrQuirks(vec![..]))`); the default is no quirk, and every hook
//! is one line that does nothing then.

use super::errors::{ApiError, TcrCode};
use super::params::DescribeImages;
use crate::http::{Request, Response};
use crate::pipeline::Ctx;
use crate::shared::page::{NumberedPage, window};
use serde_json::{Value, json};

/// One faked bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcrQuirk {
    /// `Offset` is read as a 0-based item offset instead of a page number (the misreading issue 11 quotes).
    OffsetIsItemOffset,
    /// `TotalCount` is the number of images on the page.
    TotalCountIsPageSize,
    /// `ExactMatch` is ignored: fuzzy where exact was asked.
    ExactMatchIgnored,
    /// `Digest` is ignored.
    DigestIgnored,
    /// `ImageVersion` matches only as a prefix.
    FuzzyIsPrefix,
    /// `Limit` below 1 is an `InternalError` instead of a parameter error.
    InternalErrorForBadLimit,
    /// Unknown instance, namespace or repository: `InvalidParameter` instead of `ResourceNotFound`.
    WrongNotFoundCode,
    /// Errors come back with HTTP 400 instead of 200.
    ErrorsAsHttp400,
    /// `Content-Type: application/json; charset=utf-8`.
    ContentTypeWithCharset,
    /// `Size` is sent as a string.
    SizeAsString,
    /// The TC3 signature is not compared.
    SignatureNotChecked,
}

/// The quirks in force, as TCR provider options (`Options::with`); default: none.
///
/// ```
/// use regmock::providers::tcr::quirks::{TcrQuirk, TcrQuirks};
/// let options = regmock::Options::default().with(TcrQuirks(vec![TcrQuirk::ErrorsAsHttp400]));
/// assert_eq!(options.get::<TcrQuirks>().0, vec![TcrQuirk::ErrorsAsHttp400]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcrQuirks(pub Vec<TcrQuirk>);

/// Whether `quirk` is in force.
pub fn active(ctx: &Ctx<'_>, quirk: TcrQuirk) -> bool {
    ctx.options.get::<TcrQuirks>().0.contains(&quirk)
}

/// Refuses the request before its parameters are read.
pub fn request(ctx: &Ctx<'_>, req: &Request) -> Result<(), ApiError> {
    // The body is read only when the quirk is set: a served request must not parse it twice.
    if !active(ctx, TcrQuirk::InternalErrorForBadLimit) {
        return Ok(());
    }
    let limit = serde_json::from_slice::<Value>(&req.body)
        .ok()
        .and_then(|b| b["Limit"].as_i64());
    if limit.is_some_and(|l| l < 1) {
        return Err(ApiError::new(TcrCode::InternalError, "quirk"));
    }
    Ok(())
}

/// Forgets parameters.
pub fn params(ctx: &Ctx<'_>, p: &mut DescribeImages) {
    if active(ctx, TcrQuirk::ExactMatchIgnored) {
        p.exact = false;
    }
    if active(ctx, TcrQuirk::DigestIgnored) {
        p.digest = None;
    }
}

/// The page as a buggy server computes it, or `None` for the documented one.
pub fn paging(ctx: &Ctx<'_>, page: u64, limit: u64, total: usize) -> Option<NumberedPage> {
    active(ctx, TcrQuirk::OffsetIsItemOffset).then(|| NumberedPage {
        range: window(page, limit, total),
        next: None,
        previous: None,
    })
}

/// Rewrites a successful answer.
pub fn response(ctx: &Ctx<'_>, req: &Request, resp: Response) -> Response {
    if ctx.options.get::<TcrQuirks>().0.is_empty() {
        return resp;
    }
    let mut body = resp.body_json();
    let r = &mut body["Response"];
    if active(ctx, TcrQuirk::FuzzyIsPrefix)
        && let Some(v) = serde_json::from_slice::<Value>(&req.body)
            .ok()
            .and_then(|b| b["ImageVersion"].as_str().map(str::to_lowercase))
        && let Some(items) = r["ImageInfoList"].as_array_mut()
    {
        items.retain(|i| {
            i["ImageVersion"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
                .starts_with(&v)
        });
    }
    if active(ctx, TcrQuirk::TotalCountIsPageSize) {
        r["TotalCount"] = json!(r["ImageInfoList"].as_array().map_or(0, Vec::len));
    }
    if active(ctx, TcrQuirk::SizeAsString)
        && let Some(items) = r["ImageInfoList"].as_array_mut()
    {
        for i in items {
            i["Size"] = Value::String(i["Size"].to_string());
        }
    }
    rendered(ctx, Response::json(resp.status, &body))
}

/// Rewrites an error before it is rendered.
pub fn error(ctx: &Ctx<'_>, error: &ApiError) -> ApiError {
    let not_found = matches!(
        error.code,
        TcrCode::ResourceNotFound | TcrCode::TcrResourceNotFound
    );
    if not_found && active(ctx, TcrQuirk::WrongNotFoundCode) {
        return ApiError {
            code: TcrCode::InvalidParameter,
            ..error.clone()
        };
    }
    error.clone()
}

/// Rewrites any rendered answer (status and headers).
pub fn rendered(ctx: &Ctx<'_>, mut resp: Response) -> Response {
    if active(ctx, TcrQuirk::ErrorsAsHttp400) && resp.body_json()["Response"].get("Error").is_some()
    {
        resp.status = 400;
    }
    if active(ctx, TcrQuirk::ContentTypeWithCharset) {
        for (n, v) in resp.headers.iter_mut() {
            if n.eq_ignore_ascii_case("content-type") {
                *v = "application/json; charset=utf-8".into();
            }
        }
    }
    resp
}
