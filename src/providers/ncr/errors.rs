//! NCR errors: codes live in `errors.json`; this file names them and renders the two body shapes.
//!
//! The API gateway (signatures, unknown routes) answers `{"error":{"errorCode","message","details"}}` with
//! `errorCode` as a JSON string. NCR's own error body is not documented: regmock answers
//! `{"returnCode": <status>, "returnMessage": <text>}`, the `MessageResponse` shape NAVER's spec-generated clients map
//! NCR's 400/401/403/500 answers to (and the shape NCR's POST operations return).

use crate::http::Response;
use crate::pipeline::{ErrorCode, Layer};
use serde_json::json;

crate::error_codes! {
    #[catalogue(include_str!("errors.json"))]
    /// Every error the NCR provider answers with.
    pub enum NcrCode {
        /// Gateway 400: a request the gateway cannot read (injected fault).
        GatewayBadRequest = "100",
        /// Gateway 401: missing, unknown or invalid signature headers.
        AuthenticationFailed = "200",
        /// Gateway 401: credentials without permission for the API (injected fault).
        PermissionDenied = "210",
        /// Gateway 403: valid credentials without permission (injected fault).
        Forbidden = "230",
        /// Gateway 404: no API at this path (or method).
        RouteNotFound = "300",
        /// Gateway 429: over the quota (injected fault).
        QuotaExceeded = "400",
        /// Gateway 429: throttled (injected fault).
        ThrottleLimited = "410",
        /// Gateway 429: over the rate limit (injected throttle fault).
        RateLimited = "420",
        /// NCR 400: invalid `page` or `pagesize`.
        BadRequest = "BadRequest",
        /// NCR 404: unknown registry (in this region) or image.
        NotFound = "NotFound",
        /// NCR 500: injected fault.
        InternalServerError = "InternalServerError",
    }
}

/// Gateway `details` for credentials that are absent (text observed on NAVER gateways).
pub const DETAILS_MISSING: &str = "Authentication information are missing.";
/// Gateway `details` for credentials that are present but wrong (text observed on NAVER gateways).
pub const DETAILS_INVALID: &str = "Invalid authentication information.";

/// An NCR error: a [`NcrCode`] plus the detail of this occurrence.
pub type ApiError = crate::shared::catalogue::ApiError<NcrCode>;

/// Renders the body for `error`.
pub fn render(error: &ApiError) -> Response {
    let key = error.code.as_str();
    let entry = error.entry();
    let body = match entry.layer {
        Layer::Gateway => {
            json!({"error": {"errorCode": key, "message": entry.message, "details": error.detail}})
        }
        Layer::Service => {
            json!({"returnCode": entry.status, "returnMessage": error.message_with_detail()})
        }
    };
    Response::json(entry.status, &body)
}
