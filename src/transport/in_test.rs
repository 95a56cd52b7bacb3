//! The in-test transport: a [`wiremock::MockServer`] whose catch-all mock answers through [`Emulator::dispatch`].
//!
//! The catch-all is mounted at the lowest priority (255), so any mock the test mounts itself (default priority 5)
//! wins for the requests it matches: override one answer, keep the emulator for the rest.

use crate::Emulator;
use crate::admin::{self, AdminOptions, Live};
use crate::faults::{FaultRule, Faults, RuleId};
use crate::http::{Request, Response};
use crate::model::Dataset;
use crate::pipeline::{Credentials, Options, Spec};
use crate::replay::Replay;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate, matchers::any};

/// Priority of the emulator's catch-all mock: the lowest wiremock has.
pub const EMULATOR_PRIORITY: u8 = u8::MAX;

/// Adapts an [`Emulator`] to wiremock's [`Respond`].
#[derive(Debug, Clone)]
pub struct EmulatorResponder(pub Emulator);

impl Respond for EmulatorResponder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let delivered = self.0.deliver(&from_wiremock(request));
        match delivered.socket {
            // wiremock writes whole answers only: say so rather than answer as if nothing had been asked.
            Some(fault) => ResponseTemplate::new(500).set_body_json(serde_json::json!({
                "message": format!(
                    "regmock: the socket fault {fault:?} needs regmock serve or transport::server::spawn*; \
                     the in-test transport cannot produce it"
                )
            })),
            // Latency is wiremock's own delay: the answer waits without holding a thread.
            None => to_template(delivered.response).set_delay(delivered.delay),
        }
    }
}

/// Adapts a [`Replay`] (cassettes in front of an emulator) to wiremock's [`Respond`]: the in-test form of
/// `regmock serve --cassettes`, used by [`ProviderMock::start_replaying`].
#[derive(Debug, Clone)]
pub struct ReplayResponder(pub Arc<Replay>);

impl Respond for ReplayResponder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        to_template(self.0.answer(&from_wiremock(request)))
    }
}

/// Converts a wiremock request. wiremock re-serialises the target through `url::Url`, which keeps percent-escapes
/// as sent; only characters `Url` itself must escape (spaces, quotes) can differ from the raw bytes.
pub fn from_wiremock(request: &wiremock::Request) -> Request {
    super::request_from_parts(
        &request.method,
        request.url.path(),
        request.url.query(),
        &request.headers,
        request.body.clone(),
    )
}

fn to_template(resp: Response) -> ResponseTemplate {
    let mut t = ResponseTemplate::new(resp.status);
    let mut content_type = None;
    for (name, value) in &resp.headers {
        if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.clone());
        } else {
            t = t.insert_header(name.as_str(), value.as_str());
        }
    }
    // set_body_raw is the only body setter that keeps our Content-Type instead of imposing its own.
    match content_type {
        Some(ct) => t.set_body_raw(resp.body, &ct),
        None => t.set_body_bytes(resp.body),
    }
}

async fn mount(responder: impl Respond + 'static, record_requests: bool) -> MockServer {
    let builder = MockServer::builder();
    let server = if record_requests {
        builder.start().await
    } else {
        builder.disable_request_recording().start().await
    };
    Mock::given(any())
        .respond_with(responder)
        .with_priority(EMULATOR_PRIORITY)
        .named("regmock emulator")
        .mount(&server)
        .await;
    server
}

/// One provider's emulator for tests, on a wiremock server: `ProviderMock<Swr>` is [`crate::SwrMock`], and so on for
/// every provider. Only that provider answers; the catch-all lets any mock mounted on [`ProviderMock::server`] win.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use wiremock::{Mock, ResponseTemplate, matchers::{method, path}};
///
/// // Arrange: the emulator, plus one answer of our own that overrides it.
/// let swr = regmock::SwrMock::start().await;
/// Mock::given(method("GET"))
///     .and(path("/v2/manage/namespaces/group/repos/busybox/tags/latest"))
///     .respond_with(ResponseTemplate::new(500))
///     .mount(swr.server())
///     .await;
///
/// // Act
/// let client = reqwest::Client::new();
/// let get = |tag: &str| {
///     client
///         .get(format!("{}/v2/manage/namespaces/group/repos/busybox/tags/{tag}", swr.uri()))
///         .header("X-Auth-Token", "any-token")
///         .send()
/// };
/// let overridden = get("latest").await.unwrap();
/// let emulated = get("log").await.unwrap();
///
/// // Assert
/// assert_eq!(overridden.status(), 500);
/// assert_eq!(emulated.status(), 200);
/// # }
/// ```
pub struct ProviderMock<P: Spec> {
    server: MockServer,
    emulator: Emulator,
    provider: PhantomData<fn() -> P>,
}

/// Settings for [`ProviderMock::builder`]; [`ProviderMockBuilder::start`] starts the mock.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use regmock::pipeline::{Options, RateLimit};
/// let tcr = regmock::TcrMock::builder()
///     .options(Options { rate_limit: RateLimit::Off, ..Default::default() })
///     .start()
///     .await;
/// assert!(tcr.uri().starts_with("http://127.0.0.1:"));
/// # }
/// ```
#[must_use = "a builder does nothing until start() is awaited"]
pub struct ProviderMockBuilder<P: Spec> {
    dataset: Option<Dataset>,
    credentials: Credentials,
    options: Options,
    record_requests: bool,
    provider: PhantomData<fn() -> P>,
}

impl<P: Spec> std::fmt::Debug for ProviderMockBuilder<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderMockBuilder")
            .field("provider", &P::ID)
            .field("record_requests", &self.record_requests)
            .finish_non_exhaustive()
    }
}

impl<P: Spec> ProviderMockBuilder<P> {
    /// The data served; the embedded default dataset unless set.
    pub fn dataset(mut self, dataset: Dataset) -> Self {
        self.dataset = Some(dataset);
        self
    }

    /// The keys and tokens accepted; [`Credentials::default`] unless set.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Emulator options (clock, rate limit, strictness, ambiguity alternatives); the provider served is always `P`.
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Whether the wiremock server keeps every request it receives (for [`MockServer::received_requests`]); on by
    /// default, as in wiremock. Off saves about a fifth of what each request costs in memory (6.4 KB a request
    /// measured with it on, 5.2 KB off): wiremock's mounted mock, the emulator's catch-all, keeps each request it
    /// matched in any case (for `MockGuard::received_requests`, wiremock 0.6 has no switch for that). So a load test
    /// of many thousands of requests is better served by [`crate::transport::server::spawn`], the same emulator
    /// whose memory stays flat. regmock's own journal, [`ProviderMock::requests`], is bounded and stays on either
    /// way.
    pub fn record_requests(mut self, record: bool) -> Self {
        self.record_requests = record;
        self
    }

    /// Starts the mock on a random loopback port.
    pub async fn start(self) -> ProviderMock<P> {
        let record_requests = self.record_requests;
        let emulator = self.emulator();
        let server = mount(EmulatorResponder(emulator.clone()), record_requests).await;
        ProviderMock {
            server,
            emulator,
            provider: PhantomData,
        }
    }

    /// The emulator these settings describe, serving `P` only.
    fn emulator(self) -> Emulator {
        let dataset = match self.dataset {
            Some(d) => d,
            // The embedded dataset is covered by tests; failing here means the crate itself is broken.
            None => Dataset::embedded().expect("embedded dataset is valid"),
        };
        let mut options = self.options;
        options.providers = vec![P::ID];
        let admin = AdminOptions {
            journal: admin::journal::IN_TEST_CAPACITY,
            // wiremock listens on loopback only; the emulator answers its admin paths in process anyway.
            open: false,
        };
        Emulator::with_admin(dataset, self.credentials, options, admin)
    }
}

impl<P: Spec> std::fmt::Debug for ProviderMock<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderMock")
            .field("provider", &P::ID)
            .field("uri", &self.server.uri())
            .finish()
    }
}

impl<P: Spec> ProviderMock<P> {
    /// Starts a mock on a random loopback port serving the embedded default dataset.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// Starts a mock serving `dataset` with the given credentials and options.
    pub async fn start_with(dataset: Dataset, credentials: Credentials, options: Options) -> Self {
        Self::builder()
            .dataset(dataset)
            .credentials(credentials)
            .options(options)
            .start()
            .await
    }

    /// A mock with settings of its own: dataset, credentials, options, and whether wiremock records requests.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// // The wiremock server keeps every request it receives unless told not to.
    /// let swr = regmock::SwrMock::builder().record_requests(false).start().await;
    /// let resp = reqwest::Client::new()
    ///     .get(format!("{}/v2/manage/repos", swr.uri()))
    ///     .header("X-Auth-Token", "t")
    ///     .send()
    ///     .await
    ///     .unwrap();
    /// assert_eq!(resp.status(), 200);
    /// assert!(swr.server().received_requests().await.is_none(), "nothing recorded");
    /// assert_eq!(swr.requests().len(), 1, "regmock's own bounded journal still has it");
    /// # }
    /// ```
    pub fn builder() -> ProviderMockBuilder<P> {
        ProviderMockBuilder {
            dataset: None,
            credentials: Credentials::default(),
            options: Options::default(),
            record_requests: true,
            provider: PhantomData,
        }
    }

    /// Starts a mock that answers from the cassettes under `dir` (this provider's; the format of `cassettes/`) in
    /// front of the emulator over the embedded dataset, as `regmock serve --cassettes DIR [--strict-replay]` does: a
    /// matching request gets its recorded answer byte for byte (marked with the `X-Regmock-Cassette` header),
    /// signatures and tokens are still verified, and an unmatched one falls through to the emulator, or with `strict`
    /// gets the near-miss report. Fault rules do not apply to replayed answers.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("cassettes");
    /// let swr = regmock::SwrMock::start_replaying(&dir, false).await.unwrap();
    /// let resp = reqwest::Client::new()
    ///     .get(format!("{}/v2/manage/repos?filter=namespace::group|name::busybox", swr.uri()))
    ///     .header("X-Auth-Token", "t")
    ///     .send()
    ///     .await
    ///     .unwrap();
    /// assert_eq!(resp.status(), 200);
    /// assert!(resp.headers().contains_key("x-regmock-cassette"), "answered from a cassette");
    /// # }
    /// ```
    pub async fn start_replaying(
        dir: &Path,
        strict: bool,
    ) -> Result<Self, crate::cassette::CassetteError> {
        let emulator = Self::builder().emulator();
        let replay = Replay::from_dir(emulator.clone(), dir)?.strict(strict);
        let server = mount(ReplayResponder(Arc::new(replay)), true).await;
        Ok(Self {
            server,
            emulator,
            provider: PhantomData,
        })
    }

    /// Base URI, e.g. `http://127.0.0.1:41234`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The underlying wiremock server, to mount overriding mocks or inspect received requests.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// The emulator behind the mock.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// The mock's fault rules (shared with [`ProviderMock::emulator`]): remove or clear them here. Add them with
    /// [`ProviderMock::fault`], which refuses the faults only a real socket can produce.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let tcr = regmock::TcrMock::start().await;
    /// tcr.fault(regmock::faults::FaultRule::parse("throttle,first=1").unwrap()).unwrap();
    /// assert_eq!(tcr.faults().rules().len(), 1);
    /// tcr.faults().clear();
    /// # }
    /// ```
    pub fn faults(&self) -> &Faults {
        self.emulator.faults()
    }

    /// Adds a fault rule; latency becomes wiremock's delay. Socket faults (reset, close-after-headers, truncate, drip)
    /// are refused: wiremock writes whole answers only, so they need `regmock serve` or
    /// [`crate::transport::server::spawn`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use regmock::faults::FaultRule;
    /// let swr = regmock::SwrMock::start().await;
    /// swr.fault(FaultRule::parse("error=503,first=1").unwrap()).unwrap();
    /// assert!(swr.fault(FaultRule::parse("reset").unwrap()).unwrap_err().contains("regmock serve"));
    /// let get = || reqwest::Client::new().get(format!("{}/v2/manage/repos", swr.uri())).header("X-Auth-Token", "t").send();
    /// assert_eq!(get().await.unwrap().status(), 503);
    /// assert_eq!(get().await.unwrap().status(), 200);
    /// # }
    /// ```
    pub fn fault(&self, rule: FaultRule) -> Result<RuleId, String> {
        if rule.kind.needs_socket() {
            return Err(format!(
                "the {} fault needs a real socket: use regmock serve or transport::server::spawn, not the in-test \
                 transport",
                rule.kind.name()
            ));
        }
        self.faults().add(rule)
    }

    /// The requests the emulator answered, oldest first: the last
    /// [`IN_TEST_CAPACITY`](admin::journal::IN_TEST_CAPACITY) of them. Requests a mock of the test's own answered
    /// never reach the emulator and are not here (wiremock's `received_requests` has every request).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let ncr = regmock::NcrMock::start().await;
    /// reqwest::get(format!("{}/ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags", ncr.uri())).await.unwrap();
    /// let sent = ncr.requests();
    /// assert_eq!(sent.len(), 1);
    /// assert_eq!(sent[0].status, 401, "unsigned");
    /// assert_eq!(sent[0].target, "/ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags");
    /// # }
    /// ```
    pub fn requests(&self) -> Vec<admin::Entry> {
        self.emulator.journal().entries(None)
    }

    /// Empties the journal [`ProviderMock::requests`] reads.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let tcr = regmock::TcrMock::start().await;
    /// reqwest::Client::new().post(tcr.uri()).send().await.unwrap();
    /// tcr.clear_requests();
    /// assert!(tcr.requests().is_empty());
    /// # }
    /// ```
    pub fn clear_requests(&self) {
        self.emulator.journal().clear();
    }

    /// The data served, changeable while the test runs (the admin API's code): add, replace and delete tags and
    /// repositories between two requests, or reset.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let swr = regmock::SwrMock::start().await;
    /// swr.live()
    ///     .delete_tag(&regmock::admin::RepoAddress::swr("group", "busybox"), "latest")
    ///     .unwrap();
    /// let resp = reqwest::Client::new()
    ///     .get(format!("{}/v2/manage/namespaces/group/repos/busybox/tags/latest", swr.uri()))
    ///     .header("X-Auth-Token", "t")
    ///     .send()
    ///     .await
    ///     .unwrap();
    /// assert_eq!(resp.status(), 404);
    /// # }
    /// ```
    pub fn live(&self) -> &Live {
        self.emulator.live()
    }
}
