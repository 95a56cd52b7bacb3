//! SWR errors: codes live in `errors.json`; this file names them and renders the two body shapes the vendor uses.
//!
//! Gateway errors (`APIGW.*`) come from Huawei's API gateway in front of SWR: `{"error_code","error_msg","request_id"}`.
//! Service errors (`SVCSTG.SWR.*`) use the SWR appendix's body. The appendix exists in two versions that contradict each
//! other, so both are supported ([`SwrErrorStyle`]): the current combined object (old keys inside `errors[]` plus the
//! new `error_code`/`error_msg`/`details[]`, which the official SDK parses) and the older bare array.

use crate::http::Response;
use crate::pipeline::{ErrorCode, Layer};
use serde::{Deserialize, Serialize};
use serde_json::json;

crate::error_codes! {
    #[catalogue(include_str!("errors.json"))]
    /// Every code the SWR provider can answer with.
    pub enum SwrCode {
        /// No such API (path or method).
        ApiNotFound = "APIGW.0101",
        /// Missing, unknown or invalid credentials.
        BadAuth = "APIGW.0301",
        /// Gateway 429: over the throttling threshold (injected throttle fault).
        Throttled = "APIGW.0308",
        /// A query or filter parameter is invalid.
        InvalidParameter = "SVCSTG.SWR.4000014",
        /// Valid credentials without permission (injected fault).
        Forbidden = "SVCSTG.SWR.4030170",
        /// Namespace, repository or tag not found.
        ImageNotFound = "SVCSTG.SWR.4040010",
        /// Injected internal error on the show operation.
        ImageInfoFailed = "SVCSTG.SWR.5000002",
        /// Injected internal error on the list operations.
        ImageListFailed = "SVCSTG.SWR.5000003",
    }
}

/// How SWR renders its error bodies; the vendor's appendix exists in both forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwrErrorStyle {
    /// The current appendix: `{"error_code", "error_msg", "errors":[{"errorCode","errorMessage"}], ...}`, which the
    /// official SDK parses.
    #[default]
    Combined,
    /// The older appendix: a bare array `[{"errorCode","errorMessage","detail"}]`.
    Legacy,
}

/// SWR's own options, set with [`crate::Options::with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SwrOptions {
    /// Error body form.
    pub error_style: SwrErrorStyle,
}

/// An SWR error: a [`SwrCode`] plus the detail of this occurrence.
pub type ApiError = crate::shared::catalogue::ApiError<SwrCode>;

/// Renders the vendor body for `error`.
pub fn render(error: &ApiError, style: SwrErrorStyle, request_id: &str) -> Response {
    let code = error.code.as_str();
    let entry = error.entry();
    let body = match (entry.layer, style) {
        (Layer::Gateway, _) => {
            json!({"error_code": code, "error_msg": error.message_with_detail(), "request_id": request_id})
        }
        (Layer::Service, SwrErrorStyle::Combined) => json!({
            "errors": [{"errorCode": code, "errorMessage": entry.message, "detail": error.detail}],
            "error_code": code,
            "error_msg": entry.message,
            "details": [{"error_code": code, "error_msg": error.detail}],
        }),
        (Layer::Service, SwrErrorStyle::Legacy) => {
            json!([{"errorCode": code, "errorMessage": entry.message, "detail": error.detail}])
        }
    };
    Response::json(entry.status, &body).with_header("X-Request-Id", request_id)
}
