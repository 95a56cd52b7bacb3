//! SWR errors: codes live in `errors.json`; this file names them and renders the two body shapes the vendor uses.
//!
//! Gateway errors (`APIGW.*`) come from Huawei's API gateway in front of SWR: `{"error_code","error_msg","request_id"}`.
//! Service errors (`SVCSTG.SWR.*`) use the SWR appendix's body. The appendix exists in two versions that contradict each
//! other, so both are supported ([`SwrErrorStyle`]): the current combined object (old keys inside `errors[]` plus the
//! new `error_code`/`error_msg`/`details[]`, which the official SDK parses) and the older bare array.

use crate::http::Response;
use crate::shared::catalogue::Catalogue;
use crate::transport::SwrErrorStyle;
use serde_json::json;
use std::sync::LazyLock;

static CATALOGUE: LazyLock<Catalogue> =
    LazyLock::new(|| Catalogue::from_json(include_str!("errors.json")));

/// The SWR error catalogue.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

/// Every code the SWR provider can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwrCode {
    /// No such API (path or method).
    ApiNotFound,
    /// Missing, unknown or invalid credentials.
    BadAuth,
    /// A query or filter parameter is invalid.
    InvalidParameter,
    /// Valid credentials without permission (injected fault).
    Forbidden,
    /// Namespace, repository or tag not found.
    ImageNotFound,
    /// Injected internal error on the show operation.
    ImageInfoFailed,
    /// Injected internal error on the list operations.
    ImageListFailed,
}

impl SwrCode {
    /// The vendor's code string (the catalogue key).
    pub fn as_str(self) -> &'static str {
        match self {
            SwrCode::ApiNotFound => "APIGW.0101",
            SwrCode::BadAuth => "APIGW.0301",
            SwrCode::InvalidParameter => "SVCSTG.SWR.4000014",
            SwrCode::Forbidden => "SVCSTG.SWR.4030170",
            SwrCode::ImageNotFound => "SVCSTG.SWR.4040010",
            SwrCode::ImageInfoFailed => "SVCSTG.SWR.5000002",
            SwrCode::ImageListFailed => "SVCSTG.SWR.5000003",
        }
    }

    /// Every variant, for the catalogue-consistency test.
    pub const ALL: &'static [SwrCode] = &[
        SwrCode::ApiNotFound,
        SwrCode::BadAuth,
        SwrCode::InvalidParameter,
        SwrCode::Forbidden,
        SwrCode::ImageNotFound,
        SwrCode::ImageInfoFailed,
        SwrCode::ImageListFailed,
    ];
}

/// An SWR error: a [`SwrCode`] plus the detail of this occurrence.
pub type ApiError = crate::shared::catalogue::ApiError<SwrCode>;

impl ApiError {
    /// Renders the vendor body for this error.
    pub fn render(&self, style: SwrErrorStyle, request_id: &str) -> Response {
        let code = self.code.as_str();
        let entry = catalogue().get(code);
        let body = if entry.layer == "gateway" {
            let msg = if self.detail.is_empty() {
                entry.message.clone()
            } else {
                format!("{}: {}", entry.message, self.detail)
            };
            json!({"error_code": code, "error_msg": msg, "request_id": request_id})
        } else {
            match style {
                SwrErrorStyle::Combined => json!({
                    "errors": [{"errorCode": code, "errorMessage": entry.message, "detail": self.detail}],
                    "error_code": code,
                    "error_msg": entry.message,
                    "details": [{"error_code": code, "error_msg": self.detail}],
                }),
                SwrErrorStyle::Legacy => {
                    json!([{"errorCode": code, "errorMessage": entry.message, "detail": self.detail}])
                }
            }
        };
        Response::json(entry.status, &body).with_header("X-Request-Id", request_id)
    }
}
