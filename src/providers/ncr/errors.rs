//! NCR errors: codes live in `errors.json`; this file names them and renders the two body shapes.
//!
//! The API gateway (signatures, unknown routes) answers `{"error":{"errorCode","message","details"}}` with
//! `errorCode` as a JSON string. NCR's own error body is not documented: regmock answers
//! `{"returnCode": <status>, "returnMessage": <text>}`, the `MessageResponse` shape NAVER's spec-generated clients map
//! NCR's 400/401/403/500 answers to (and the shape NCR's POST operations return).

use crate::http::Response;
use crate::shared::catalogue::Catalogue;
use serde_json::json;
use std::sync::LazyLock;

static CATALOGUE: LazyLock<Catalogue> =
    LazyLock::new(|| Catalogue::from_json(include_str!("errors.json")));

/// The NCR error catalogue.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

/// Every error the NCR provider answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NcrCode {
    /// Gateway 401: missing, unknown or invalid signature headers.
    AuthenticationFailed,
    /// Gateway 403: valid credentials without permission (injected fault).
    Forbidden,
    /// Gateway 404: no API at this path (or method).
    RouteNotFound,
    /// NCR 400: invalid `page` or `pagesize`.
    BadRequest,
    /// NCR 404: unknown registry (in this region) or image.
    NotFound,
    /// NCR 500: injected fault.
    InternalServerError,
}

impl NcrCode {
    /// The catalogue key.
    pub fn as_str(self) -> &'static str {
        match self {
            NcrCode::AuthenticationFailed => "200",
            NcrCode::Forbidden => "230",
            NcrCode::RouteNotFound => "300",
            NcrCode::BadRequest => "BadRequest",
            NcrCode::NotFound => "NotFound",
            NcrCode::InternalServerError => "InternalServerError",
        }
    }

    /// Every variant, for the catalogue-consistency test.
    pub const ALL: &'static [NcrCode] = &[
        NcrCode::AuthenticationFailed,
        NcrCode::Forbidden,
        NcrCode::RouteNotFound,
        NcrCode::BadRequest,
        NcrCode::NotFound,
        NcrCode::InternalServerError,
    ];
}

/// Gateway `details` for credentials that are absent (text observed on NAVER gateways).
pub const DETAILS_MISSING: &str = "Authentication information are missing.";
/// Gateway `details` for credentials that are present but wrong (text observed on NAVER gateways).
pub const DETAILS_INVALID: &str = "Invalid authentication information.";

/// An NCR error: a [`NcrCode`] plus the detail of this occurrence.
pub type ApiError = crate::shared::catalogue::ApiError<NcrCode>;

impl ApiError {
    /// Renders the body for this error.
    pub fn render(&self) -> Response {
        let key = self.code.as_str();
        let entry = catalogue().get(key);
        let body = if entry.layer == "gateway" {
            json!({"error": {"errorCode": key, "message": entry.message, "details": self.detail}})
        } else {
            let message = if self.detail.is_empty() {
                entry.message.clone()
            } else {
                format!("{}: {}", entry.message, self.detail)
            };
            json!({"returnCode": entry.status, "returnMessage": message})
        };
        Response::json(entry.status, &body)
    }
}
