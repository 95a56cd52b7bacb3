//! Injected faults: a test asks for one with the `X-Regmock-Fault` request header, and the provider answers with its
//! own documented error for it. Apart from a catalogue code asked for by name, this is the only way regmock answers
//! 5xx (and 403: no dataset has permissions).

use super::{ApiError, Cause, Ctx, ErrorCode, Spec};
use crate::http::{Request, Response};

/// The request header that asks for a fault.
pub const FAULT_HEADER: &str = "X-Regmock-Fault";

/// A fault a provider can be asked to produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The vendor's documented internal error instead of the answer.
    InternalError,
    /// The vendor's documented permission refusal for valid credentials.
    Forbidden,
    /// Any code of the provider's error catalogue, by its vendor spelling (e.g. `FailedOperation.EmptyCoreBody`), so
    /// every documented code is reachable even when nothing in a dataset can trigger it.
    Code(String),
}

impl Fault {
    /// The named faults with their header values.
    pub const NAMED: &'static [(&'static str, Fault)] = &[
        ("internal-error", Fault::InternalError),
        ("forbidden", Fault::Forbidden),
    ];

    /// Parses a header value: a named fault (any case), otherwise a catalogue code for the provider to resolve.
    ///
    /// ```
    /// use regmock::pipeline::Fault;
    /// assert_eq!(Fault::parse("Internal-Error"), Fault::InternalError);
    /// assert_eq!(Fault::parse("ResourceNotFound"), Fault::Code("ResourceNotFound".into()));
    /// ```
    pub fn parse(value: &str) -> Fault {
        let value = value.trim();
        Fault::NAMED
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(value))
            .map(|(_, f)| f.clone())
            .unwrap_or_else(|| Fault::Code(value.to_string()))
    }

    /// The accepted values, for the error that answers an unknown one.
    pub fn help(codes: impl Iterator<Item = &'static str>) -> String {
        let names: Vec<&str> = Fault::NAMED.iter().map(|(n, _)| *n).collect();
        let codes: Vec<&str> = codes.collect();
        format!(
            "{FAULT_HEADER} accepts {} or one of this provider's error codes: {}.",
            names.join(", "),
            codes.join(", ")
        )
    }
}

/// A vendor error asked for by a fault rule (see `crate::faults`), rendered by the provider in its own shape.
///
/// ```
/// use regmock::pipeline::{Fault, VendorFault};
/// let fault = VendorFault::Fault(Fault::parse("forbidden"));
/// assert_eq!(fault, VendorFault::Fault(Fault::Forbidden));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VendorFault {
    /// The provider's internal error; `status` replaces the vendor's status when set (500, 502, 503 or 504).
    Error {
        /// Status to answer with instead of the vendor's.
        status: Option<u16>,
    },
    /// A named fault or catalogue code, as the [`FAULT_HEADER`] takes it.
    Fault(Fault),
    /// The provider's own rate-limit answer. A `429` carries `Retry-After: retry_after_secs` (SWR); TCR answers its
    /// `RequestLimitExceeded` in HTTP 200 without one.
    Throttle {
        /// Seconds for `Retry-After`.
        retry_after_secs: u64,
    },
}

/// Every `429` carries `Retry-After` (README, "Faults"), also one an `X-Regmock-Fault` code asked for: the official
/// Huawei SDK waits for it before retrying. `secs` is used when the answer has none yet.
pub(super) fn with_retry_after(resp: Response, secs: u64) -> Response {
    if resp.status == 429 && resp.header_value("Retry-After").is_none() {
        resp.with_header("Retry-After", secs.to_string())
    } else {
        resp
    }
}

/// The provider's answer for an injected vendor fault, with the request id where the vendor puts it. Routing decides
/// the code where the provider has one per operation (SWR's show and list internal errors); a request that routes
/// nowhere gets the provider's code for no operation.
pub(super) fn inject<S: Spec>(
    spec: &S,
    ctx: &Ctx<'_>,
    req: &Request,
    fault: &VendorFault,
) -> Response {
    let route = spec.route(req).ok();
    let route = route.as_ref();
    let cause = |cause: Cause, detail: &str| ApiError::new(spec.code_for(cause, route), detail);
    let error = match fault {
        VendorFault::Error { .. } | VendorFault::Fault(Fault::InternalError) => {
            cause(Cause::InternalError, "injected fault")
        }
        VendorFault::Throttle { .. } => cause(Cause::Throttled, "injected fault"),
        VendorFault::Fault(Fault::Forbidden) => cause(Cause::Forbidden, "injected fault"),
        VendorFault::Fault(Fault::Code(code)) => match S::Code::parse(code) {
            Some(c) => ApiError::new(c, "injected fault"),
            None => cause(
                Cause::UnknownFault,
                &Fault::help(S::Code::ALL.iter().map(|c| c.as_str())),
            ),
        },
    };
    let mut resp = spec.render(ctx, &error);
    let mut retry_after = crate::faults::DEFAULT_RETRY_AFTER_SECS;
    match fault {
        VendorFault::Error {
            status: Some(status),
        } => resp.status = *status,
        VendorFault::Throttle { retry_after_secs } => retry_after = *retry_after_secs,
        _ => {}
    }
    let resp = with_retry_after(resp, retry_after);
    match S::REQUEST_ID_HEADER {
        Some(name) if resp.header_value(name).is_none() => {
            resp.with_header(name, ctx.request_id.simple().to_string())
        }
        _ => resp,
    }
}
