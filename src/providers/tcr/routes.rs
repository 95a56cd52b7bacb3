//! TCR routing: API 3.0 routes by headers, not paths. Every call is `POST /` (or `GET /` with the parameters in the
//! query) on `tcr.tencentcloudapi.com`, naming its action in `X-TC-Action` and its API version in `X-TC-Version`.
//!
//! Checked in this order (undocumented: the vendor does not say which check comes first): method, action, version,
//! region; authentication follows (see [`super::auth`]).

use super::errors::{ApiError, TcrCode};
use crate::http::Request;

/// The one action regmock serves.
pub const ACTION: &str = "DescribeImages";
/// Its API version.
pub const VERSION: &str = "2019-09-24";

/// Where the action's parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `POST /`: a JSON body.
    DescribeImagesJson,
    /// `GET /`: the query string, form-encoded (the SDKs' `reqMethod="GET"`).
    DescribeImagesQuery,
}

/// Matches a request claimed by TCR.
///
/// ```
/// use regmock::http::Request;
/// use regmock::providers::tcr::routes::{route, Route};
/// let req = Request::new("POST", "/")
///     .header("X-TC-Action", "DescribeImages")
///     .header("X-TC-Version", "2019-09-24")
///     .header("X-TC-Region", "ap-guangzhou");
/// assert_eq!(route(&req), Ok(Route::DescribeImagesJson));
/// assert!(route(&req.clone().header("X-TC-Action", "")).is_ok(), "the first header counts");
/// ```
pub fn route(req: &Request) -> Result<Route, ApiError> {
    let route = match req.method.as_str() {
        "POST" => Route::DescribeImagesJson,
        "GET" => Route::DescribeImagesQuery,
        other => {
            return Err(ApiError::new(
                TcrCode::UnsupportedProtocol,
                format!("The method {other} is not GET or POST."),
            ));
        }
    };
    let action = required_header(req, "X-TC-Action", "Action").map_err(|missing| {
        if is_legacy_signed(req) {
            ApiError::new(
                TcrCode::InvalidAuthorization,
                "The legacy HmacSHA1/HmacSHA256 signature (`Signature` and `SignatureMethod` parameters) is not \
                 emulated: sign with TC3-HMAC-SHA256 (the SDKs' default signMethod).",
            )
        } else {
            missing
        }
    })?;
    if action != ACTION {
        return Err(ApiError::new(
            TcrCode::InvalidAction,
            format!("The action `{action}` is not one regmock emulates for tcr (only `{ACTION}`)."),
        ));
    }
    let version = required_header(req, "X-TC-Version", "Version")?;
    if version != VERSION {
        return Err(ApiError::new(
            TcrCode::NoSuchVersion,
            format!("`{ACTION}` has no version `{version}` (only `{VERSION}`)."),
        ));
    }
    required_header(req, "X-TC-Region", "Region")?;
    Ok(route)
}

/// Whether the request is signed with the legacy v1 scheme, which carries every common parameter (`Action`,
/// `SecretId`, `SignatureMethod`, `Signature`, ..) in the form body or the query and sends no `X-TC-Action`. regmock
/// does not emulate it; asked only once `X-TC-Action` is missing, so API 3.0 requests never pay for it.
fn is_legacy_signed(req: &Request) -> bool {
    let body = std::str::from_utf8(&req.body).ok();
    [req.query.as_deref(), body].into_iter().any(|raw| {
        crate::shared::query::parse_form(raw)
            .iter()
            .any(|(k, _)| k == "Signature" || k == "SignatureMethod")
    })
}

/// A common parameter's header, present and not blank.
pub(super) fn required_header<'r>(
    req: &'r Request,
    header: &str,
    parameter: &str,
) -> Result<&'r str, ApiError> {
    req.header_value(header)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                TcrCode::MissingParameter,
                format!("The common parameter `{parameter}` ({header} header) is missing."),
            )
        })
}
