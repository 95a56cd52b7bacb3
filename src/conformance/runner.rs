//! Runs the checks of one provider in table order over one session ([`Cx`]) and turns what they recorded into a
//! [`Report`].
//!
//! A check sees the discovery walks, sends requests through [`Cx::send`] (which counts them and records every answer
//! for the session-wide checks), counts its cases and records failures. It returns `Err(Stop)` to skip or to error.
//! After the check, the runner decides the outcome: error or skip as told, else fail when a case failed, else pass,
//! and a pass with no case is an error: no vacuous passes.

use super::checks::{self, Check};
use super::client::{self, Auth, Client};
use super::config::{Config, Target};
use super::exchange::{self, Exchange};
use super::report::{self, CheckReport, Failure, MAX_FAILURES, Outcome, Report};
use super::schema::{self, Verdict as SchemaVerdict};
use crate::http::{Request, Response};
use crate::model::ProviderId;
use crate::pipeline::KeyPair;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

/// What a check function returns.
pub(crate) type BoxFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Stop>> + Send + 'a>>;
/// A check function.
pub(crate) type CheckFn = for<'a> fn(&'a mut Cx) -> BoxFuture<'a>;

/// Why a check ended early.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Not applicable, or its premise failed elsewhere.
    Skip(String),
    /// The suite or the target could not run it.
    Error(String),
}

/// One page a walk saw.
#[derive(Debug, Clone)]
pub(crate) struct PageSeen {
    /// The request (unsigned).
    pub request: Request,
    /// Requested offset (SWR) or page number (NCR, TCR).
    pub at: u64,
    /// Requested page size.
    pub size: u64,
    /// Items on the page.
    pub len: usize,
    /// The declared total (Content-Range total, `count`, `TotalCount`).
    pub total: Option<u64>,
    /// The answer.
    pub response: Response,
}

/// One listed item, in the fields the reference model needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Item {
    /// Identity within the list (tag name, or `namespace/name` for repositories).
    pub key: String,
    /// Tag or repository name.
    pub name: String,
    /// Repository namespace.
    pub namespace: String,
    /// Repository category.
    pub category: String,
    /// Update time as sent.
    pub updated: String,
    /// Digest.
    pub digest: String,
    /// Repository tag count (SWR `num_images`).
    pub count: u64,
}

/// A walk of one unfiltered list through its pagination.
#[derive(Debug, Clone, Default)]
pub(crate) struct Walk {
    /// Which list (`repos`, or the target label).
    pub label: String,
    /// The target (default for SWR's repository list).
    pub target: Option<Target>,
    /// Items in list order, duplicates kept.
    pub items: Vec<Item>,
    /// Every page.
    pub pages: Vec<PageSeen>,
    /// The walk stopped because pages stopped adding new items.
    pub stalled: bool,
}

impl Walk {
    /// The item keys in order.
    pub(crate) fn keys(&self) -> Vec<String> {
        self.items.iter().map(|i| i.key.clone()).collect()
    }

    /// The first duplicated key, if any.
    pub(crate) fn duplicate(&self) -> Option<&str> {
        let mut seen = std::collections::HashSet::new();
        self.items
            .iter()
            .map(|i| i.key.as_str())
            .find(|k| !seen.insert(*k))
    }

    /// Declared totals, one per page that declared one.
    pub(crate) fn totals(&self) -> Vec<u64> {
        self.pages.iter().filter_map(|p| p.total).collect()
    }
}

/// Decides when a walk stops: an empty or short page, pages that add nothing new, or the hard page cap.
#[derive(Debug, Default)]
pub(crate) struct WalkStep {
    seen: std::collections::HashSet<String>,
}

/// The answer bytes the session keeps in all for failure cassettes (see [`Cx::send`]): far above what a documented
/// session holds (a few MiB), and far below what a target sending huge answers would make it hold.
const KEPT_ANSWER_BYTES: usize = 256 << 20;

/// Most pages a walk requests; generated page sizes keep walks far below it.
pub(crate) const MAX_PAGES: usize = 250;

impl WalkStep {
    /// Adds a page of `size` requested items; `true` when the walk should go on.
    pub(crate) fn more(&mut self, walk: &mut Walk, items: Vec<Item>, size: u64) -> bool {
        let len = items.len();
        let fresh = items
            .iter()
            .filter(|i| self.seen.insert(i.key.clone()))
            .count();
        walk.items.extend(items);
        if len == 0 || (len as u64) < size || walk.pages.len() >= MAX_PAGES {
            return false;
        }
        // A page that mostly repeats what was seen means the target does not advance (e.g. an item offset read as a
        // page number): stop rather than ask for every item one page at a time.
        if fresh * 2 < len {
            walk.stalled = true;
            return false;
        }
        true
    }
}

/// Every answer of the session, for the checks that judge them all (schemas, Content-Type, TCR's HTTP 200 errors).
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub request: String,
    pub status: u16,
    pub content_type: Option<String>,
    /// The body is the provider's error shape.
    pub is_error: bool,
    pub schema: SchemaVerdict,
    /// The exchange itself when its body broke its schema: a session-wide check reports it after later requests,
    /// which may have sent the same request again and got another answer (a flaky target).
    pub exchange: Option<Box<Exchange>>,
}

/// A deterministic generator (SplitMix64): each check gets its own stream from the seed and its id, so selecting
/// other checks never changes a check's cases.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64, id: &str) -> Rng {
        let h = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        Rng(seed ^ h)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi` (`lo` when the range is empty).
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            lo + self.next() % (hi - lo + 1)
        }
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.range(0, items.len() as u64 - 1) as usize])
    }
}

#[derive(Debug, Default)]
struct Recorder {
    requests: u32,
    cases: u32,
    failures: Vec<Failure>,
    more: u32,
}

/// The session: configuration, client, discovery results and the current check's records.
pub(crate) struct Cx {
    pub cfg: Config,
    pub rng: Rng,
    /// Discovery walks (SWR: the repository list first, then each target's tags).
    pub walks: Vec<Walk>,
    /// Set when the target refused the suite's credentials, or discovery did not pass: every later check errors with
    /// this reason.
    pub refused: Option<String>,
    /// Every answer so far.
    pub seen: Vec<Seen>,
    /// Outcomes of the checks run so far.
    pub outcomes: BTreeMap<&'static str, Outcome>,
    /// Cases judged by the session-wide checks are counted per answer, so they read `seen`.
    client: Client,
    rec: Recorder,
    /// Answers accepted (2xx, not an error body), for the "every request refused" rule.
    accepted: u32,
    /// The check running now.
    current: Option<&'static Check>,
    /// The latest exchange of each request of the session (by its description), so a failure can be written as a
    /// cassette; one entry per distinct request keeps this bounded by what the suite asks.
    exchanges: std::collections::HashMap<String, Exchange>,
    /// The answer bytes of `exchanges` and of the schema-broken answers `seen` holds.
    kept_bytes: usize,
    /// The description of the current check's latest request: a failure that names a request the suite never sent as
    /// such (a filter described without its paging) gets this exchange.
    latest: Option<String>,
    /// The terminal's progress line.
    progress: super::progress::Progress,
    /// Where the docs are silent: every alternative the target's answers were classified into, by ambiguity id.
    observed: BTreeMap<String, std::collections::BTreeSet<String>>,
}

impl Cx {
    /// Sends `req` with `auth` and records the answer, its body judged against the schemas `choose` names for it.
    pub(crate) async fn send(
        &mut self,
        req: &Request,
        auth: Auth,
        choose: schema::Chooser,
    ) -> Result<Response, Stop> {
        let sent = match self.client.send(req, auth).await {
            Ok(sent) => sent,
            Err(client::Unsent::Unreachable(why)) => return Err(Stop::Error(why)),
            Err(client::Unsent::NoAnswer(why)) => {
                // A hang is the target's failure, not an unreachable target: the check that sent it fails (and
                // stops, since a target that hangs once may hang on every later case).
                let secs = self.cfg.timeout.as_secs_f64();
                self.case();
                self.fail(
                    format!("no answer within {secs} s"),
                    req,
                    format!("an answer within {secs} s (--timeout)"),
                    why,
                );
                return Err(Stop::Error(format!(
                    "the target did not answer within {secs} s"
                )));
            }
        };
        self.rec.requests += sent.attempts;
        let resp = sent.response;
        let (schemas, is_error) = choose(resp.status, &resp.body_json());
        let verdict = schema::judge(schemas, is_error, &resp.body);
        let described = client::describe(req);
        let exchange = Exchange {
            request: req.clone(),
            sent: sent.signed,
            auth,
            response: resp.clone(),
            schemas: verdict.schemas.clone(),
        };
        let broken = !(verdict.hard.is_empty() && verdict.extra.is_empty());
        // Exchanges are kept for the failure cassettes (one per distinct request, and one per schema-broken answer)
        // within KEPT_ANSWER_BYTES in all, so a target sending huge answers cannot make the session's memory grow
        // with every request; a failure on an answer past the budget is reported without its cassette.
        let size = resp.body.len();
        if let Some(old) = self.exchanges.remove(&described) {
            self.kept_bytes -= old.response.body.len();
        }
        let keep = |kept: &mut usize| {
            let fits = *kept + size <= KEPT_ANSWER_BYTES;
            if fits {
                *kept += size;
            }
            fits
        };
        let broken_kept = broken && keep(&mut self.kept_bytes);
        self.seen.push(Seen {
            request: described.clone(),
            status: resp.status,
            content_type: resp.header_value("content-type").map(str::to_string),
            is_error: verdict.is_error,
            schema: verdict,
            exchange: broken_kept.then(|| Box::new(exchange.clone())),
        });
        if keep(&mut self.kept_bytes) {
            self.exchanges.insert(described.clone(), exchange);
        }
        self.latest = Some(described);
        if (200..300).contains(&resp.status) && !self.seen.last().is_some_and(|s| s.is_error) {
            self.accepted += 1;
        }
        Ok(resp)
    }

    /// Whether `alternative` is an accepted answer to ambiguity `id` ([`super::ambiguities::accepts`]), noting it
    /// as what the target answers for the report.
    pub(crate) fn accepts(&mut self, id: &str, alternative: &str) -> bool {
        self.observed
            .entry(id.to_string())
            .or_default()
            .insert(alternative.to_string());
        super::ambiguities::accepts(id, alternative)
    }

    /// Records the alternatives of ambiguity `id` that explained every case of a filter check (`None`: no case was
    /// judged), so the report says which matching the target uses.
    pub(crate) fn observe_fits(&mut self, id: &str, fits: &Option<Vec<&'static str>>) {
        for alternative in fits.iter().flatten() {
            self.accepts(id, alternative);
        }
    }

    /// Counts one judged case.
    pub(crate) fn case(&mut self) {
        self.rec.cases += 1;
        self.progress.cases(self.rec.cases);
    }

    /// Records a failed case.
    pub(crate) fn fail(
        &mut self,
        message: impl Into<String>,
        req: &Request,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        self.fail_raw(message, client::describe(req), expected, actual);
    }

    /// Records a property's failed case after shrinking: `from` is the generated request it was shrunk from and the
    /// shrinking steps (`None`: the generated case was already minimal).
    pub(crate) fn fail_shrunk(
        &mut self,
        minimal: super::property::Broken,
        from: Option<(Request, u32)>,
    ) {
        self.fail(
            minimal.message,
            &minimal.request,
            minimal.expected,
            minimal.actual,
        );
        if let (Some((req, steps)), Some(f)) = (from, self.rec.failures.last_mut()) {
            f.shrunk_from = Some(client::describe(&req));
            f.shrink_steps = steps;
        }
    }

    /// Records a failed case whose request is already described.
    pub(crate) fn fail_raw(
        &mut self,
        message: impl Into<String>,
        request: String,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        if self.rec.failures.len() >= MAX_FAILURES {
            self.rec.more += 1;
            return;
        }
        let message = message.into();
        let ex = self
            .exchanges
            .get(&request)
            .or_else(|| self.latest.as_ref().and_then(|l| self.exchanges.get(l)));
        let cassette = match (self.current, ex) {
            (Some(check), Some(ex)) => {
                Some(exchange::cassette(self.cfg.provider, check, &message, ex))
            }
            _ => None,
        };
        self.rec.failures.push(Failure {
            message,
            request,
            expected: expected.into(),
            actual: actual.into(),
            shrunk_from: None,
            shrink_steps: 0,
            cassette,
        });
    }

    /// Whether check `id` ran and failed.
    pub(crate) fn check_failed(&self, id: &str) -> bool {
        self.outcomes.get(id) == Some(&Outcome::Fail)
    }

    /// The walks a filter, sort or slice check may use as its reference: discovered, without duplicates, declared
    /// totals equal to what was found, and their pagination check not failed. Otherwise the check is skipped, because
    /// its reference would be wrong and the failure is already reported where it belongs.
    pub(crate) fn trusted(
        &self,
        which: std::ops::Range<usize>,
        pagination_check: &str,
    ) -> Result<Vec<Walk>, Stop> {
        if self.check_failed(pagination_check) {
            return Err(Stop::Skip(format!(
                "{pagination_check} failed, so the walk is no reference"
            )));
        }
        let walks: Vec<Walk> = self.walks.get(which).unwrap_or_default().to_vec();
        for w in &walks {
            if let Some(k) = w.duplicate() {
                return Err(Stop::Skip(format!(
                    "the walk of {} lists {k} twice",
                    w.label
                )));
            }
            if w.totals().iter().any(|t| *t != w.items.len() as u64) {
                return Err(Stop::Skip(format!(
                    "the walk of {} disagrees with its declared total",
                    w.label
                )));
            }
        }
        if walks.iter().all(|w| w.items.is_empty()) {
            return Err(Stop::Skip("discovery found nothing to compare with".into()));
        }
        Ok(walks)
    }
}

/// Runs the provider's selected checks against `config.base_url` and returns the typed report. Never panics on a
/// target's answers; an unreachable target or refused credentials give the verdict Error.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use regmock::{conformance, model::ProviderId};
/// // Arrange: nothing listens on port 9 of the loopback.
/// let config = conformance::Config::new(ProviderId::Tcr, "http://127.0.0.1:9");
/// // Act
/// let report = conformance::run(&config).await;
/// // Assert: an unreachable target cannot be judged, never passes.
/// assert_eq!(report.exit_code(), 2);
/// # })
/// ```
pub async fn run(config: &Config) -> Report {
    let started = Instant::now();
    let dialect = match config.provider {
        ProviderId::Swr => super::swr::dialect(),
        ProviderId::Ncr => super::ncr::dialect(),
        ProviderId::Tcr => super::tcr::dialect(),
    };
    let key = KeyPair {
        access_key: config.access_key.clone(),
        secret_key: config.secret_key.clone(),
    };
    // TCR documents 100 requests per second per action and key: stay under it unless told otherwise.
    let rate = config
        .rate
        .or((config.provider == ProviderId::Tcr).then_some(90));
    let client = Client::new(
        &config.base_url,
        key,
        config.token.clone(),
        dialect,
        rate,
        config.timeout,
    );
    let mut reports = Vec::new();
    let mut total_requests = 0;
    let mut observed = BTreeMap::new();
    match client {
        Err(e) => {
            for c in checks::of(config.provider) {
                reports.push(blank(c, Outcome::Error, Some(e.clone()), config));
            }
        }
        Ok(client) => {
            let mut cx = Cx {
                cfg: config.clone(),
                rng: Rng::new(config.seed, ""),
                walks: Vec::new(),
                refused: None,
                seen: Vec::new(),
                outcomes: BTreeMap::new(),
                client,
                rec: Recorder::default(),
                accepted: 0,
                current: None,
                exchanges: Default::default(),
                kept_bytes: 0,
                latest: None,
                observed: BTreeMap::new(),
                progress: super::progress::Progress::new(
                    config.progress,
                    checks::of(config.provider)
                        .filter(|c| config.selects(c.id))
                        .count(),
                ),
            };
            for c in checks::of(config.provider) {
                let is_discovery = c.id.ends_with(".discovery");
                if !config.selects(c.id) && !is_discovery {
                    reports.push(blank(c, Outcome::Skip, Some("not selected".into()), config));
                    continue;
                }
                cx.progress.start(c.id);
                let mut report = run_one(&mut cx, c).await;
                if config.selects(c.id) {
                    cx.progress.finish();
                }
                total_requests += report.requests;
                if !config.selects(c.id) {
                    // Discovery always runs (every check needs it) but is only reported when selected.
                    report.outcome = Outcome::Skip;
                    report.reason =
                        Some("not selected; ran only as the other checks' premise".into());
                }
                reports.push(report);
            }
            cx.progress.clear();
            observed = std::mem::take(&mut cx.observed);
            if cx.accepted == 0 && cx.refused.is_none() && total_requests > 0 {
                for r in &mut reports {
                    if r.outcome == Outcome::Pass {
                        r.outcome = Outcome::Error;
                        r.reason = Some("no request of the session was accepted".into());
                    }
                }
            }
        }
    }
    let (verdict, reason) = report::verdict(&reports);
    Report {
        provider: config.provider.as_str(),
        base_url: config.base_url.clone(),
        seed: config.seed,
        cases_per_check: config.cases,
        rerun_flags: config.rerun_flags(),
        verdict,
        reason,
        requests: total_requests,
        elapsed_ms: started.elapsed().as_millis() as u64,
        checks: reports,
        observed,
    }
}

async fn run_one(cx: &mut Cx, c: &'static Check) -> CheckReport {
    cx.rec = Recorder::default();
    cx.rng = Rng::new(cx.cfg.seed, c.id);
    cx.current = Some(c);
    cx.latest = None;
    let result = match (&cx.refused, c.id.ends_with(".discovery")) {
        (Some(why), false) => Err(Stop::Error(why.clone())),
        _ => (c.run)(cx).await,
    };
    let rec = std::mem::take(&mut cx.rec);
    let (outcome, reason) = match result {
        // A failure seen before the check stopped stands: the target broke the contract whatever came after.
        _ if !rec.failures.is_empty() => (Outcome::Fail, None),
        Err(Stop::Error(why)) => (Outcome::Error, Some(why)),
        Ok(()) if rec.cases == 0 => (Outcome::Error, Some("no case could be judged".into())),
        Ok(()) => (Outcome::Pass, None),
        Err(Stop::Skip(why)) => (Outcome::Skip, Some(why)),
    };
    cx.outcomes.insert(c.id, outcome);
    if c.id.ends_with(".discovery") && outcome != Outcome::Pass && cx.refused.is_none() {
        // Every other check needs what discovery saw. Its reason is told once, on its own line and in the verdict,
        // not again on each of the others.
        cx.refused = Some(format!("{} did not pass (see its reason)", c.id));
    }
    CheckReport {
        id: c.id,
        title: c.title,
        severity: c.severity,
        source: c.source,
        outcome,
        reason,
        expected_failure: cx.cfg.expected_failures.iter().any(|e| e == c.id),
        requests: rec.requests,
        cases: rec.cases,
        failures: rec.failures,
        more_failures: rec.more,
    }
}

fn blank(c: &'static Check, outcome: Outcome, reason: Option<String>, cfg: &Config) -> CheckReport {
    CheckReport {
        id: c.id,
        title: c.title,
        severity: c.severity,
        source: c.source,
        outcome,
        reason,
        expected_failure: cfg.expected_failures.iter().any(|e| e == c.id),
        requests: 0,
        cases: 0,
        failures: Vec::new(),
        more_failures: 0,
    }
}

/// Discovery's verdict on a 200 whose body is not the documented list at all (not JSON, or no list where the docs
/// put one), such as a web page at a wrong base URL: the answer breaks the contract, so discovery fails (exit 1). An
/// empty but well-formed list stays "nothing to check" (exit 2): then the data, not the target, is the problem.
///
/// Returns whether `listed` held; the caller stops discovery when it did not.
pub(crate) fn documented_list(
    cx: &mut Cx,
    page: &PageSeen,
    listed: bool,
    documented: &str,
) -> bool {
    if !listed {
        cx.case();
        cx.fail(
            "HTTP 200 without the documented list",
            &page.request,
            documented,
            format!(
                "Content-Type {}: {}",
                page.response
                    .header_value("content-type")
                    .unwrap_or("(none)"),
                schema::excerpt(&page.response.body)
            ),
        );
    }
    listed
}

/// Shared by the session-wide checks: judges every recorded answer `judge` applies to (`None`: not applicable;
/// `Some(Err((expected, actual)))`: a failure).
pub(crate) fn judge_seen(cx: &mut Cx, message: &str, judge: Judge) -> Result<(), Stop> {
    let seen = std::mem::take(&mut cx.seen);
    for s in &seen {
        match judge(s) {
            None => {}
            Some(Ok(())) => cx.case(),
            Some(Err((expected, actual))) => {
                cx.case();
                cx.fail_raw(message, s.request.clone(), expected, actual);
                // The cassette of the answer judged, not of a later answer to the same request.
                if let (Some(check), Some(ex), Some(failure)) =
                    (cx.current, &s.exchange, cx.rec.failures.last_mut())
                    && failure.request == s.request
                {
                    failure.cassette =
                        Some(exchange::cassette(cx.cfg.provider, check, message, ex));
                }
            }
        }
    }
    cx.seen = seen;
    Ok(())
}

/// How a session-wide check judges one answer.
pub(crate) type Judge = fn(&Seen) -> Option<Result<(), (String, String)>>;

/// Required schema violations of an answer whose body has a schema.
/// `<provider>.schema`, the same for every provider: every body seen fits its schema (extra fields allowed).
pub(crate) fn schema(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move { judge_seen(cx, "the body does not match its schema", hard_violations) })
}

/// `<provider>.schema.extra-fields`: no body seen has fields its schema does not name.
pub(crate) fn schema_extra(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move { judge_seen(cx, "the body has undocumented fields", extra_fields) })
}

pub(crate) fn hard_violations(s: &Seen) -> Option<Result<(), (String, String)>> {
    (!s.schema.schemas.is_empty()).then(|| match s.schema.hard.is_empty() {
        true => Ok(()),
        false => Err((s.schema.schemas.join(" or "), s.schema.hard.join("; "))),
    })
}

/// Undocumented fields of an answer whose body otherwise matches its schema.
pub(crate) fn extra_fields(s: &Seen) -> Option<Result<(), (String, String)>> {
    (!s.schema.schemas.is_empty() && s.schema.hard.is_empty()).then(|| {
        match s.schema.extra.is_empty() {
            true => Ok(()),
            false => Err((
                format!("only the fields of {}", s.schema.schemas.join(" or ")),
                s.schema.extra.join("; "),
            )),
        }
    })
}

/// The client-side half of provider `id` (its signer), from the `PROVIDERS` table.
pub(crate) fn provider(id: ProviderId) -> &'static dyn crate::pipeline::Provider {
    crate::providers::PROVIDERS
        .iter()
        .copied()
        .find(|p| p.id() == id)
        .expect("every provider id is in PROVIDERS")
}
