//! The emulator: a dataset, credentials and options, answering requests for every enabled provider.
//!
//! [`Emulator::dispatch`] is the only way into the providers; the transports in [`crate::transport`] are thin adapters
//! around it.

use crate::admin::{self, AdminOptions, Journal, Live};
use crate::faults::{Decision, Delivered, Faults};
use crate::http::{Request, Response};
use crate::model::Dataset;
use crate::pipeline::{Clock, Credentials, Ctx, Options, Provider, RateLimiter, Rejection};
use crate::providers::PROVIDERS;
use chrono::{DateTime, Utc};
use std::net::SocketAddr;
use std::sync::Arc;

/// Liveness endpoint for CI service containers and load balancers; off every vendor's paths.
pub const HEALTH_PATH: &str = "/__regmock/health";

struct Inner {
    /// The data served: a snapshot per request, changed at run time through the admin API; shared with the
    /// emulators made by [`Emulator::sharing_data`].
    live: Arc<Live>,
    journal: Journal,
    admin: AdminOptions,
    credentials: Credentials,
    options: Options,
    providers: Vec<&'static dyn Provider>,
    limiter: RateLimiter,
    faults: Faults,
}

/// The emulator: a dataset plus options, answering requests for every enabled provider. Cheap to clone.
///
/// ```
/// use regmock::{Emulator, http::Request};
/// let emu = Emulator::embedded();
/// let resp = emu.dispatch(&Request::get("/v2/manage/repos?filter=name::busybox").header("X-Auth-Token", "t"));
/// assert_eq!(resp.status, 200);
/// ```
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("registries", &self.inner.live.loaded().registries.len())
            .field("options", &self.inner.options)
            .finish()
    }
}

impl Emulator {
    /// An emulator over `dataset` with default credentials and options.
    pub fn new(dataset: Dataset) -> Emulator {
        Emulator::with(dataset, Credentials::default(), Options::default())
    }

    /// An emulator over the embedded default dataset.
    pub fn embedded() -> Emulator {
        // The embedded dataset is covered by tests; failing here means the binary itself is broken.
        Emulator::new(Dataset::embedded().expect("embedded dataset is valid"))
    }

    /// An emulator with explicit credentials and options, no journal and the admin API for loopback clients.
    pub fn with(dataset: Dataset, credentials: Credentials, options: Options) -> Emulator {
        Emulator::with_admin(dataset, credentials, options, AdminOptions::default())
    }

    /// An emulator with explicit credentials, options and admin options (journal size, who may use the admin API).
    ///
    /// ```
    /// use regmock::{Credentials, Emulator, Options, admin::AdminOptions, model::Dataset};
    /// let admin = AdminOptions { journal: 100, open: false };
    /// let emu = Emulator::with_admin(Dataset::embedded().unwrap(), Credentials::default(), Options::default(), admin);
    /// assert_eq!(emu.journal().capacity(), 100);
    /// ```
    pub fn with_admin(
        dataset: Dataset,
        credentials: Credentials,
        options: Options,
        admin: AdminOptions,
    ) -> Emulator {
        Emulator::over(Arc::new(Live::new(dataset)), credentials, options, admin)
    }

    /// An emulator over the same live data (a change through either is seen by both) and credentials, with other
    /// `options`, no journal and no fault rules: a second view of one emulator's data, e.g. to compare an answer
    /// with what it would be without authentication.
    ///
    /// ```
    /// use regmock::{Emulator, Options, admin::RepoAddress, http::Request};
    /// let emu = Emulator::embedded();
    /// let open = emu.sharing_data(Options { no_auth: true, ..Options::default() });
    /// emu.live().delete_tag(&RepoAddress::swr("group", "busybox"), "latest").unwrap();
    /// let unsigned = Request::get("/v2/manage/namespaces/group/repos/busybox/tags/latest");
    /// assert_eq!(open.dispatch(&unsigned).status, 404);
    /// ```
    pub fn sharing_data(&self, options: Options) -> Emulator {
        Emulator::over(
            self.inner.live.clone(),
            self.inner.credentials.clone(),
            options,
            AdminOptions {
                journal: 0,
                open: self.inner.admin.open,
            },
        )
    }

    fn over(
        live: Arc<Live>,
        credentials: Credentials,
        options: Options,
        admin: AdminOptions,
    ) -> Emulator {
        let providers = PROVIDERS
            .iter()
            .copied()
            .filter(|p| options.providers.is_empty() || options.providers.contains(&p.id()))
            .collect();
        Emulator {
            inner: Arc::new(Inner {
                live,
                journal: Journal::new(admin.journal),
                admin,
                credentials,
                options,
                providers,
                limiter: RateLimiter::default(),
                faults: Faults::default(),
            }),
        }
    }

    /// The dataset loaded at start (what `POST /__regmock/reset` returns to); the data served now, changed at run
    /// time, is [`Live::snapshot`] of [`Emulator::live`].
    pub fn dataset(&self) -> &Dataset {
        self.inner.live.loaded()
    }

    /// The live data: read a snapshot, change tags and repositories, reset (the admin API's code).
    ///
    /// ```
    /// let emu = regmock::Emulator::embedded();
    /// let at = regmock::admin::RepoAddress::swr("group", "busybox");
    /// emu.live().delete_tag(&at, "latest").unwrap();
    /// let req = regmock::http::Request::get("/v2/manage/namespaces/group/repos/busybox/tags/latest")
    ///     .header("X-Auth-Token", "t");
    /// assert_eq!(emu.dispatch(&req).status, 404);
    /// ```
    pub fn live(&self) -> &Live {
        &self.inner.live
    }

    /// The request journal (empty and off unless the emulator was built with [`AdminOptions::journal`] above 0).
    ///
    /// ```
    /// assert!(!regmock::Emulator::embedded().journal().is_on());
    /// ```
    pub fn journal(&self) -> &Journal {
        &self.inner.journal
    }

    /// The credentials accepted.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.inner.options
    }

    /// The providers this emulator answers for.
    pub fn providers(&self) -> &[&'static dyn Provider] {
        &self.inner.providers
    }

    /// `GET /__regmock/health`: `200 {"status":"ok","providers":[..]}`.
    fn health(&self) -> Response {
        let providers: Vec<&str> = self.providers().iter().map(|p| p.id().as_str()).collect();
        Response::json(
            200,
            &serde_json::json!({"status": "ok", "providers": providers}),
        )
    }

    /// Answers one request. Never panics on any input; a path no provider claims gets a plain 404, and
    /// [`HEALTH_PATH`] a 200. The admin API under `/__regmock/` is answered too: a caller in this process is trusted
    /// (transports facing a network use [`Emulator::dispatch_from`]).
    pub fn dispatch(&self, req: &Request) -> Response {
        self.answer(req, None)
    }

    /// Answers a request from a network client at `peer`: as [`Emulator::dispatch`], except that the admin API
    /// (not the health check) refuses a client that is not on loopback with 403, unless [`AdminOptions::open`].
    ///
    /// ```
    /// use regmock::{Emulator, http::Request};
    /// let emu = Emulator::embedded();
    /// let reset = Request::new("POST", "/__regmock/reset");
    /// assert_eq!(emu.dispatch_from(&reset, "127.0.0.1:40000".parse().unwrap()).status, 200);
    /// assert_eq!(emu.dispatch_from(&reset, "192.0.2.1:40000".parse().unwrap()).status, 403);
    /// ```
    pub fn dispatch_from(&self, req: &Request, peer: SocketAddr) -> Response {
        if admin::claims(&req.path)
            && req.path != HEALTH_PATH
            && !admin::peer_allowed(self.inner.admin.open, peer)
        {
            return admin::refuse_peer(peer);
        }
        self.dispatch(req)
    }

    /// Answers a request the transport could not read whole (its body is left out): the provider that claims it
    /// answers its own error for `rejection`.
    pub fn reject(&self, req: &Request, rejection: Rejection) -> Response {
        self.answer(req, Some(rejection))
    }

    fn answer_delivered(&self, req: &Request, rejection: Option<Rejection>) -> Delivered {
        if req.path == HEALTH_PATH {
            // A probe reads; a POST or DELETE here is a client aimed at the wrong path, told so.
            let resp = match req.method.as_str() {
                "GET" | "HEAD" => self.health(),
                _ => admin::not_allowed("GET, HEAD"),
            };
            return tunnel_safe(req, resp).into();
        }
        let now = self.now();
        if admin::claims(&req.path) {
            return match rejection {
                None => admin::answer(self, req, now),
                // A body not read whole changes nothing: refused before any admin work.
                Some(rejection) => admin::refuse_unread(rejection),
            }
            .into();
        }
        // One snapshot for the whole answer: a change made meanwhile is seen by the next request, never by half of
        // this one.
        let dataset = self.inner.live.snapshot();
        let ctx = self.ctx(&dataset, now, rejection);
        let started = std::time::Instant::now();
        let provider = self.inner.providers.iter().find(|p| p.claims(req));
        let decision = self.decide_faults(provider.copied(), req, rejection);
        let resp = tunnel_safe(req, match provider {
            Some(p) => crate::faults::answer(*p, &ctx, req, &decision),
            None => Response::json(
                404,
                &serde_json::json!({"message": format!("regmock: no emulated API at {}", req.path)}),
            )
            .with_header("X-Request-Id", ctx.request_id.simple().to_string()),
        });
        self.log_and_journal(provider.copied(), req, &resp, &ctx, started);
        decision.deliver(resp)
    }

    /// "Now", from the emulator's clock.
    fn now(&self) -> DateTime<Utc> {
        match self.inner.options.clock {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
        }
    }

    /// The context of one request, with a fresh request id.
    fn ctx<'a>(
        &'a self,
        dataset: &'a Dataset,
        now: DateTime<Utc>,
        rejection: Option<Rejection>,
    ) -> Ctx<'a> {
        Ctx {
            dataset,
            now,
            credentials: &self.inner.credentials,
            options: &self.inner.options,
            request_id: crate::pipeline::request_id(),
            limiter: &self.inner.limiter,
            rejection,
            operation: std::cell::Cell::new(None),
        }
    }

    /// The request log line and the journal entry of one answer.
    fn log_and_journal(
        &self,
        provider: Option<&'static dyn Provider>,
        req: &Request,
        resp: &Response,
        ctx: &Ctx<'_>,
        started: std::time::Instant,
    ) {
        log_request(provider, req, resp, ctx, started.elapsed());
        if self.inner.journal.is_on() {
            self.inner
                .journal
                .record(journal_entry(provider, req, resp, ctx));
        }
    }

    /// Logs and journals an answer made outside the emulator, as its own answers are: the strict replay's `501`
    /// (see [`crate::replay`]), so the journal keeps every request a server answered.
    pub(crate) fn note_foreign_answer(
        &self,
        req: &Request,
        resp: &Response,
        started: std::time::Instant,
    ) {
        let dataset = self.inner.live.snapshot();
        let ctx = self.ctx(&dataset, self.now(), None);
        let provider = self.inner.providers.iter().find(|p| p.claims(req));
        self.log_and_journal(provider.copied(), req, resp, &ctx, started);
    }
}

/// `resp`, unless it is a 2xx answer to `CONNECT`: HTTP/1.1 reads that as an opened tunnel, whose answer has no body
/// (RFC 9110, section 9.3.6), so hyper would send an empty 200 and close the connection. TCR answers every error, its
/// `UnsupportedProtocol` for CONNECT included, with 200, and the health check answers any method; such an answer goes
/// out as 405 with `Allow: GET, POST` and its body kept.
fn tunnel_safe(req: &Request, resp: Response) -> Response {
    if req.method.eq_ignore_ascii_case("CONNECT") && (200..300).contains(&resp.status) {
        Response {
            status: 405,
            ..resp
        }
        .with_header("Allow", "GET, POST")
    } else {
        resp
    }
}

/// The request id as the client sees it: the vendor's header, else TCR's body form (with dashes).
fn client_request_id(resp: &Response, ctx: &Ctx<'_>) -> String {
    ["X-Request-Id", "x-ncp-trace-id"]
        .iter()
        .find_map(|h| resp.header_value(h))
        .map_or_else(|| ctx.request_id.hyphenated().to_string(), str::to_string)
}

/// The operation `req` names: as the pipeline routed it, else (an injected fault answered before the pipeline ran)
/// routed here.
fn operation(
    provider: Option<&'static dyn Provider>,
    req: &Request,
    ctx: &Ctx<'_>,
) -> Option<&'static str> {
    ctx.operation
        .get()
        .or_else(|| provider.and_then(|p| p.operation(req)))
}

/// What the journal keeps of one request and its answer.
fn journal_entry(
    provider: Option<&'static dyn Provider>,
    req: &Request,
    resp: &Response,
    ctx: &Ctx<'_>,
) -> admin::Entry {
    let (body, body_truncated) = admin::Entry::body_of(&req.body);
    // A body the transport refused unread (too large, malformed) reaches here empty: say what was sent, not 0.
    let body_size = match ctx.rejection {
        Some(_) => req
            .header_value("Content-Length")
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(req.body.len()),
        None => req.body.len(),
    };
    admin::Entry {
        seq: 0,
        time: ctx.now,
        method: req.method.clone(),
        target: req.target(),
        headers: req
            .headers
            .iter()
            .map(|(name, value)| admin::journal::Header {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
        body,
        body_size,
        body_truncated: body_truncated || ctx.rejection.is_some(),
        provider: provider.map(|p| p.id().as_str().to_string()),
        operation: operation(provider, req, ctx).map(str::to_string),
        status: resp.status,
        request_id: client_request_id(resp, ctx),
    }
}

/// One line per request (target `regmock::request`): through the [`crate::request_log`] `serve` installed, else
/// through `tracing`, so tests print nothing unless they install a subscriber.
fn log_request(
    provider: Option<&'static dyn Provider>,
    req: &Request,
    resp: &Response,
    ctx: &Ctx<'_>,
    elapsed: std::time::Duration,
) {
    let log = crate::request_log::installed();
    if log.is_none() && !tracing::enabled!(target: "regmock::request", tracing::Level::INFO) {
        return;
    }
    let (request_id, uri) = (client_request_id(resp, ctx), req.target());
    let line = crate::request_log::Line {
        provider: provider.map_or("-", |p| p.id().as_str()),
        operation: operation(provider, req, ctx).unwrap_or("-"),
        method: &req.method,
        uri: &uri,
        status: resp.status,
        latency_ms: elapsed.as_secs_f64() * 1000.0,
        request_id: &request_id,
        explain: resp
            .header_value(crate::pipeline::EXPLAIN_HEADER)
            .unwrap_or(""),
    };
    match log {
        Some(log) => log.write(&line),
        None => line.trace(),
    }
}

// Fault injection (see `crate::faults`): the registry, the decision per request and the answers with their delivery.
impl Emulator {
    /// The fault rules applied to this emulator's requests; clones of the emulator share them.
    ///
    /// ```
    /// use regmock::{Emulator, faults::FaultRule, http::Request};
    /// let emu = Emulator::embedded();
    /// emu.faults().add(FaultRule::parse("error=503,provider=swr").unwrap()).unwrap();
    /// let resp = emu.dispatch(&Request::get("/v2/manage/repos").header("X-Auth-Token", "t"));
    /// assert_eq!(resp.status, 503);
    /// ```
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// Answers one request as [`Emulator::dispatch`] does, with what a transport must still do (delay, socket fault).
    pub fn deliver(&self, req: &Request) -> Delivered {
        self.answer_delivered(req, None)
    }

    /// Answers a request from a network client at `peer` as [`Emulator::dispatch_from`] does, with what a transport
    /// must still do (delay, socket fault).
    ///
    /// ```
    /// use regmock::{Emulator, http::Request};
    /// let emu = Emulator::embedded();
    /// let health = Request::get("/__regmock/health");
    /// assert_eq!(emu.deliver_from(&health, "127.0.0.1:40000".parse().unwrap()).response.status, 200);
    /// ```
    pub fn deliver_from(&self, req: &Request, peer: SocketAddr) -> Delivered {
        if admin::claims(&req.path) {
            // Admin paths are never faulted; their peer check is dispatch_from's.
            return self.dispatch_from(req, peer).into();
        }
        self.answer_delivered(req, None)
    }

    fn answer(&self, req: &Request, rejection: Option<Rejection>) -> Response {
        self.answer_delivered(req, rejection).response
    }

    /// Faults apply to requests a provider claims and the transport read whole; a refused body keeps its own answer.
    fn decide_faults(
        &self,
        provider: Option<&'static dyn Provider>,
        req: &Request,
        rejection: Option<Rejection>,
    ) -> Decision {
        let faults = &self.inner.faults;
        match provider {
            Some(p) if rejection.is_none() && !faults.is_empty() => {
                faults.decide(p.id(), p.operation(req), &req.path)
            }
            _ => Decision::default(),
        }
    }
}
