//! TCR errors: codes live in `errors.json`; this file names them and renders API 3.0's error body.
//!
//! Every error is HTTP 200 with `{"Response":{"Error":{"Code","Message"},"RequestId"}}`: the official Python SDK reads
//! `Response.Error` only from a 200 whose Content-Type is exactly `application/json` (any other status surfaces as a
//! `ServerNetworkError` with the code lost), so the catalogue's status is 200 throughout.

use super::wire;
use crate::http::Response;
use crate::pipeline::ErrorCode;

crate::error_codes! {
    #[catalogue(include_str!("errors.json"))]
    /// Every code the TCR provider can answer with: the 14 codes of the DescribeImages page, the API 3.0 common
    /// codes its checks need and the two not-found codes of the official Python SDK's TCR error list.
    pub enum TcrCode {
        /// Authorization header missing, malformed or not TC3-HMAC-SHA256.
        InvalidAuthorization = "AuthFailure.InvalidAuthorization",
        /// The key is not an API key (`serve --ambiguity tcr.unknown-secret-id.code=AuthFailure.InvalidSecretId`).
        InvalidSecretId = "AuthFailure.InvalidSecretId",
        /// SecretId unknown.
        SecretIdNotFound = "AuthFailure.SecretIdNotFound",
        /// X-TC-Timestamp more than 5 minutes from the server's clock.
        SignatureExpire = "AuthFailure.SignatureExpire",
        /// Signature mismatch.
        SignatureFailure = "AuthFailure.SignatureFailure",
        /// X-TC-Token not accepted.
        TokenFailure = "AuthFailure.TokenFailure",
        /// No CAM permission (the `forbidden` fault).
        UnauthorizedOperation = "AuthFailure.UnauthorizedOperation",
        /// Generic failure (fault only).
        FailedOperation = "FailedOperation",
        /// Empty core body (fault only).
        EmptyCoreBody = "FailedOperation.EmptyCoreBody",
        /// Internal error (the `internal-error` fault).
        InternalError = "InternalError",
        /// Database error (fault only).
        DbError = "InternalError.DbError",
        /// Instance internal error (fault only).
        TcrInternal = "InternalError.ErrorTcrInternal",
        /// Invalid media type (fault only).
        TcrInvalidMediaType = "InternalError.ErrorTcrInvalidMediaType",
        /// Resource conflict (fault only).
        TcrResourceConflict = "InternalError.ErrorTcrResourceConflict",
        /// No TCR permission (fault only).
        TcrUnauthorized = "InternalError.ErrorTcrUnauthorized",
        /// X-TC-Action names no action of this service.
        InvalidAction = "InvalidAction",
        /// A parameter of the wrong type or format, or an unreadable body.
        InvalidParameter = "InvalidParameter",
        /// Invalid TCR request (fault only).
        TcrInvalidParameter = "InvalidParameter.ErrorTcrInvalidParameter",
        /// A parameter value out of range (Limit < 1, negative Offset, an empty required name).
        InvalidParameterValue = "InvalidParameterValue",
        /// A required parameter or common header is absent.
        MissingParameter = "MissingParameter",
        /// X-TC-Version is not 2019-09-24.
        NoSuchVersion = "NoSuchVersion",
        /// Operation denied (fault only).
        OperationDenied = "OperationDenied",
        /// Over 100 requests per second for this action and SecretId.
        RequestLimitExceeded = "RequestLimitExceeded",
        /// Unknown instance (RegistryId).
        ResourceNotFound = "ResourceNotFound",
        /// Unknown namespace (`serve --ambiguity tcr.not-found.namespace-code=ResourceNotFound.ErrNoNamespace`).
        ErrNoNamespace = "ResourceNotFound.ErrNoNamespace",
        /// Unknown repository (`serve --ambiguity tcr.not-found.repository-code=ResourceNotFound.ErrNoRepo`).
        ErrNoRepo = "ResourceNotFound.ErrNoRepo",
        /// Unknown namespace or repository in the instance.
        TcrResourceNotFound = "ResourceNotFound.TcrResourceNotFound",
        /// The common, generic unauthorized operation (fault only).
        GenericUnauthorizedOperation = "UnauthorizedOperation",
        /// A parameter DescribeImages does not define.
        UnknownParameter = "UnknownParameter",
        /// The common, generic unsupported operation (fault only).
        UnsupportedOperation = "UnsupportedOperation",
        /// A method other than GET or POST.
        UnsupportedProtocol = "UnsupportedProtocol",
    }
}

/// A TCR error: a [`TcrCode`] plus the detail of this occurrence.
pub type ApiError = crate::shared::catalogue::ApiError<TcrCode>;

/// Renders the API 3.0 error body. The Message is the catalogue text, then the detail of this occurrence when there is
/// one: as a sentence when it is one, in parentheses when it is a note such as `injected fault`.
pub fn render(error: &ApiError, request_id: String) -> Response {
    let entry = error.entry();
    let detail = error.detail.as_str();
    let message = match detail.chars().last() {
        None => entry.message.clone(),
        Some('.') => format!("{} {detail}", entry.message),
        Some(_) => format!("{} ({detail})", entry.message),
    };
    let body = wire::ErrorResponse::new(error.code.as_str(), message, request_id);
    Response::json(entry.status, &body)
}
