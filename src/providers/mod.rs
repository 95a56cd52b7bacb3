//! Provider dialects: pure handlers from [`Request`] to [`Response`], one folder per vendor API.
//!
//! The [`PROVIDERS`] table is the registration: transports, the CLI and the test harness loop over it and never match
//! on provider names. Handlers do no I/O; the clock, credentials and options come in through [`Ctx`].

pub mod ncr;
pub mod swr;

use crate::http::{Request, Response};
use crate::model::{Dataset, ProviderId};
use crate::transport::{Credentials, Options, fault::Fault};
use chrono::{DateTime, Utc};

/// One vendor API.
pub trait Provider: Send + Sync + 'static {
    /// Which vendor this is; also the folder, CLI value and schema directory name.
    fn id(&self) -> ProviderId;
    /// Whether this provider answers `req` (by path prefix or a vendor header).
    fn claims(&self, req: &Request) -> bool;
    /// Answers `req`. Always returns a response: vendor errors are responses, never panics.
    fn handle(&self, ctx: &Ctx<'_>, req: &Request) -> Response;
    /// A sample `curl` command line against `base` (e.g. `http://127.0.0.1:8080`) that `serve` prints at start-up.
    fn sample_curl(&self, base: &str) -> String;
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
    /// Id of this request, echoed in the vendor's request-id header.
    pub request_id: &'a str,
    /// A fault the request asked for (`X-Regmock-Fault`), answered after routing and authentication.
    pub fault: Option<Fault>,
}

/// Every provider regmock emulates, in routing order.
pub static PROVIDERS: &[&dyn Provider] = &[&swr::Swr, &ncr::Ncr];
