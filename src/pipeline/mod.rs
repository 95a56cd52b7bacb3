//! The provider seam: one request pipeline, and providers as specs plugged into it.
//!
//! Every request runs the same steps, written once in [`run`]:
//! refused at the edge? → route → authenticate → rate limit → injected fault → answer → render errors → request id.
//! A provider ([`Spec`]) supplies its routes, its authentication, its wire types, its `errors.json` (through
//! [`ErrorCode`]) and its error body shape; it never sees a transport, a socket or the system clock.

mod credentials;
mod fault;
mod limiter;
mod options;
mod served;

pub use crate::shared::catalogue::{ApiError, ErrorCode, ErrorEntry, Layer};
pub use credentials::{
    Credentials, CredentialsError, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, KeyPair,
};
pub use fault::{FAULT_HEADER, Fault, VendorFault};
pub use limiter::RateLimiter;
pub use options::{Clock, Options, ProviderOptions, RateLimit};
pub use served::{Located, Served, shell_quote};

use crate::http::{Request, Response};
use crate::model::{Dataset, ProviderId};
use chrono::{DateTime, Utc};

/// A fresh request id: a random (version 4) UUID.
///
/// Drawn from a per-thread generator seeded once from the OS, not from the OS for every request as
/// `Uuid::new_v4` does: a request id names a request in logs, it guards no secret, and the `getrandom` call per
/// request showed in profiles of `serve` under load.
///
/// ```
/// let (a, b) = (regmock::pipeline::request_id(), regmock::pipeline::request_id());
/// assert_ne!(a, b);
/// assert_eq!(a.get_version_num(), 4);
/// ```
pub fn request_id() -> uuid::Uuid {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid()
}

/// Why a transport refused a request before the provider could read it; the provider still answers, in its own
/// error shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// The body is larger than the transport reads.
    BodyTooLarge,
    /// The body could not be decoded: a bad chunk size, too many or too large trailers, a body cut short.
    MalformedBody,
    /// An HTTP/1.1 request without `Host`, which a server must answer 400 (RFC 9112 §3.2).
    MissingHost,
}

/// Everything a handler may read besides the request.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The data served.
    pub dataset: &'a Dataset,
    /// "Now", from the emulator's clock (real or fixed).
    pub now: DateTime<Utc>,
    /// Accepted credentials.
    pub credentials: &'a Credentials,
    /// Behaviour switches.
    pub options: &'a Options,
    /// Id of this request; each provider places it where its vendor does (a header, or the body).
    pub request_id: uuid::Uuid,
    /// Request counters for documented rate limits.
    pub limiter: &'a RateLimiter,
    /// Set when the transport refused the request before reading it whole.
    pub rejection: Option<Rejection>,
    /// The operation, set by the pipeline once it has routed the request (`None` before, or when nothing routed): the
    /// request log and the journal name it without routing the request a second time.
    pub operation: std::cell::Cell<Option<&'static str>>,
}

/// What the pipeline needs an error code for; each provider maps these to its own catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The `internal-error` fault.
    InternalError,
    /// The `forbidden` fault.
    Forbidden,
    /// Over the documented rate limit.
    Throttled,
    /// An `X-Regmock-Fault` value that is neither a named fault nor a catalogue code.
    UnknownFault,
    /// See [`Rejection::BodyTooLarge`].
    BodyTooLarge,
    /// See [`Rejection::MalformedBody`].
    MalformedBody,
    /// See [`Rejection::MissingHost`].
    MissingHost,
}

/// A documented rate limit that applies to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateKey<'r> {
    /// The action counted (TCR `X-TC-Action`).
    pub action: &'static str,
    /// Who is counted (TCR SecretId).
    pub caller: &'r str,
    /// The vendor's documented requests per second.
    pub per_second: u32,
}

/// One vendor API as a spec for the pipeline.
pub trait Spec: Send + Sync + 'static {
    /// Which vendor this is; also the folder, CLI value and schema directory name.
    const ID: ProviderId;
    /// The header that carries the request id, or `None` when the body does (TCR's `RequestId`).
    const REQUEST_ID_HEADER: Option<&'static str>;
    /// An operation with its path parameters.
    type Route;
    /// The provider's error codes (see [`crate::error_codes!`]).
    type Code: ErrorCode;

    /// Whether this provider answers `req` (by path prefix or a vendor header).
    fn claims(&self, req: &Request) -> bool;
    /// Which operation `req` asks for.
    fn route(&self, req: &Request) -> Result<Self::Route, ApiError<Self::Code>>;
    /// The operation's name as the vendor's SDK calls it (for the request log), e.g. `list_repository_tags`.
    fn operation(&self, route: &Self::Route) -> &'static str;
    /// Every name [`Spec::operation`] returns, so a fault rule scoped to an operation can be checked when added.
    const OPERATIONS: &'static [&'static str];
    /// Checks the request's credentials (never called with `no_auth`).
    fn authenticate(
        &self,
        ctx: &Ctx<'_>,
        req: &Request,
        route: &Self::Route,
    ) -> Result<(), ApiError<Self::Code>>;
    /// The documented rate limit that counts this request, if the vendor documents one.
    fn rate_limit<'r>(&self, _req: &'r Request, _route: &Self::Route) -> Option<RateKey<'r>> {
        None
    }
    /// The code the provider answers for a pipeline-level cause.
    fn code_for(&self, cause: Cause, route: Option<&Self::Route>) -> Self::Code;
    /// The successful answer, or a vendor error.
    fn answer(
        &self,
        ctx: &Ctx<'_>,
        req: &Request,
        route: &Self::Route,
    ) -> Result<Response, ApiError<Self::Code>>;
    /// The vendor's body for an error (the status comes from the catalogue entry, [`ErrorEntry::status`]).
    fn render(&self, ctx: &Ctx<'_>, error: &ApiError<Self::Code>) -> Response;
    /// A ready-to-paste command line against `base` (e.g. `http://127.0.0.1:8080`) that `serve` prints at start-up,
    /// built from what is served: a repository that exists and a credential that is accepted.
    fn sample_curl(&self, base: &str, served: &Served<'_>) -> String;
    /// The vendor's documented example request, without credentials, answered 200 by the embedded dataset.
    fn example(&self) -> Request;
    /// Client side: adds this vendor's authentication to `req` as its official SDK would, for `key` at `now`, with
    /// `host` (`host[:port]`) as the Host the client connects to.
    fn sign(&self, req: &mut Request, key: &KeyPair, now: DateTime<Utc>, host: &str);
}

/// The object-safe face of a [`Spec`], for the `PROVIDERS` table of the providers module.
pub trait Provider: Send + Sync + 'static {
    /// Which vendor this is.
    fn id(&self) -> ProviderId;
    /// Whether this provider answers `req`.
    fn claims(&self, req: &Request) -> bool;
    /// Answers `req`. Always returns a response: vendor errors are responses, never panics.
    fn handle(&self, ctx: &Ctx<'_>, req: &Request) -> Response;
    /// See [`Spec::sample_curl`].
    fn sample_curl(&self, base: &str, served: &Served<'_>) -> String;
    /// The operation `req` names, `None` when it routes nowhere (see [`Spec::operation`]).
    fn operation(&self, req: &Request) -> Option<&'static str>;
    /// See [`Spec::OPERATIONS`].
    fn operations(&self) -> &'static [&'static str];
    /// The codes the provider names in code (its [`ErrorCode`] enum).
    fn error_codes(&self) -> Vec<&'static str>;
    /// The provider's error catalogue (`errors.json`).
    fn catalogue(&self) -> &'static crate::shared::catalogue::Catalogue;
    /// See [`Spec::example`].
    fn example(&self) -> Request;
    /// See [`Spec::sign`].
    fn sign(&self, req: &mut Request, key: &KeyPair, now: DateTime<Utc>, host: &str);
    /// The provider's own answer for an injected fault rule (see `crate::faults`), in its error shape.
    fn inject(&self, ctx: &Ctx<'_>, req: &Request, fault: &VendorFault) -> Response;
}

impl<S: Spec> Provider for S {
    fn id(&self) -> ProviderId {
        S::ID
    }
    fn claims(&self, req: &Request) -> bool {
        Spec::claims(self, req)
    }
    fn handle(&self, ctx: &Ctx<'_>, req: &Request) -> Response {
        run(self, ctx, req)
    }
    fn sample_curl(&self, base: &str, served: &Served<'_>) -> String {
        Spec::sample_curl(self, base, served)
    }
    fn operations(&self) -> &'static [&'static str] {
        S::OPERATIONS
    }
    fn operation(&self, req: &Request) -> Option<&'static str> {
        self.route(req)
            .ok()
            .map(|route| Spec::operation(self, &route))
    }
    fn error_codes(&self) -> Vec<&'static str> {
        S::Code::ALL.iter().map(|c| c.as_str()).collect()
    }
    fn catalogue(&self) -> &'static crate::shared::catalogue::Catalogue {
        S::Code::catalogue()
    }
    fn example(&self) -> Request {
        Spec::example(self)
    }
    fn sign(&self, req: &mut Request, key: &KeyPair, now: DateTime<Utc>, host: &str) {
        Spec::sign(self, req, key, now, host)
    }
    fn inject(&self, ctx: &Ctx<'_>, req: &Request, fault: &VendorFault) -> Response {
        fault::inject(self, ctx, req, fault)
    }
}

/// The response header that explains an error beyond the vendor's body (see [`ApiError::explained`]).
pub const EXPLAIN_HEADER: &str = "X-Regmock-Explain";

/// The pipeline every provider runs.
pub fn run<S: Spec>(spec: &S, ctx: &Ctx<'_>, req: &Request) -> Response {
    let resp = steps(spec, ctx, req).unwrap_or_else(|e| {
        let resp = fault::with_retry_after(
            spec.render(ctx, &e),
            crate::faults::DEFAULT_RETRY_AFTER_SECS,
        );
        match &e.explain {
            // Header values must be visible ASCII: newlines of a canonical request become `\n`.
            Some(why) => resp.with_header(EXPLAIN_HEADER, header_safe(why)),
            None => resp,
        }
    });
    match S::REQUEST_ID_HEADER {
        Some(name) if resp.header_value(name).is_none() => {
            resp.with_header(name, ctx.request_id.simple().to_string())
        }
        _ => resp,
    }
}

/// `text` as a header value (visible ASCII): newlines become `\n`, a backslash `\\`, other non-printable or non-ASCII
/// characters `\u{..}`.
fn header_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            other => out.extend(other.escape_unicode()),
        }
    }
    out
}

fn steps<S: Spec>(spec: &S, ctx: &Ctx<'_>, req: &Request) -> Result<Response, ApiError<S::Code>> {
    let cause = |cause: Cause, route: Option<&S::Route>, detail: &str| {
        ApiError::new(spec.code_for(cause, route), detail)
    };
    match ctx.rejection {
        None => {}
        Some(Rejection::BodyTooLarge) => {
            return Err(cause(
                Cause::BodyTooLarge,
                None,
                "The request body is larger than the emulator reads (1 MiB).",
            ));
        }
        Some(Rejection::MalformedBody) => {
            return Err(cause(
                Cause::MalformedBody,
                None,
                "The request body could not be read whole (it ended before its declared length, or its chunked \
                 encoding or trailers are broken).",
            ));
        }
        Some(Rejection::MissingHost) => {
            return Err(cause(
                Cause::MissingHost,
                None,
                "An HTTP/1.1 request must carry a Host header (RFC 9112, section 3.2).",
            ));
        }
    }
    let route = spec.route(req)?;
    ctx.operation.set(Some(spec.operation(&route)));
    if !ctx.options.no_auth {
        // Every authentication failure is explained (README): where a check gave no more than its body's detail, the
        // detail is the explanation, so a client reads the reason in one place whatever the failure.
        spec.authenticate(ctx, req, &route)
            .map_err(|e| match e.explain {
                Some(_) => e,
                None if e.detail.is_empty() => e,
                None => {
                    let why = e.detail.clone();
                    e.explained(why)
                }
            })?;
    }
    if let Some(key) = spec.rate_limit(req, &route) {
        let per_second = match ctx.options.rate_limit {
            RateLimit::Documented => Some(key.per_second),
            RateLimit::PerSecond(n) => Some(n),
            RateLimit::Off => None,
        };
        // Without authentication the caller is whatever the client wrote: count everyone as one, so the counters stay
        // bounded.
        let caller = if ctx.options.no_auth { "" } else { key.caller };
        if let Some(n) = per_second
            && !ctx.limiter.admit(S::ID, key.action, caller, ctx.now, n)
        {
            return Err(cause(
                Cause::Throttled,
                Some(&route),
                &format!("More than {n} requests in this second."),
            ));
        }
    }
    match req.header_value(FAULT_HEADER).map(Fault::parse) {
        None => {}
        Some(Fault::InternalError) => {
            return Err(cause(Cause::InternalError, Some(&route), "injected fault"));
        }
        Some(Fault::Forbidden) => {
            return Err(cause(Cause::Forbidden, Some(&route), "injected fault"));
        }
        Some(Fault::Code(code)) => {
            return Err(match S::Code::parse(&code) {
                Some(c) => ApiError::new(c, "injected fault"),
                None => cause(
                    Cause::UnknownFault,
                    Some(&route),
                    &Fault::help(S::Code::ALL.iter().map(|c| c.as_str())),
                ),
            });
        }
    }
    spec.answer(ctx, req, &route)
}
