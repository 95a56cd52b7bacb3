//! Fault injection: rules that make regmock answer late, wrong or not at all, for testing how a client survives a bad
//! day.
//!
//! A [`FaultRule`] says what goes wrong ([`FaultKind`]), for which requests ([`Scope`]) and when ([`Schedule`]).
//! Rules live in a [`Faults`] registry that every [`Emulator`](crate::Emulator) has
//! ([`Emulator::faults`](crate::Emulator::faults)); `serve --fault`/`--faults`, the in-test API and the admin API all
//! add to it.
//!
//! Where each kind happens:
//! - the emulator decides, once per request a provider claims, after routing (so the operation is known) and before
//!   authentication (an injected fault applies whatever the credentials), never for `/__regmock/` paths;
//! - vendor answers (error, code, throttle) are rendered by the provider in its own error shape
//!   ([`crate::pipeline::VendorFault`]); a malformed body replaces the answer's body;
//! - latency and socket faults travel to the transport with the answer ([`Delivered`]): `serve` sleeps, resets,
//!   closes, truncates or drips; the in-test transport maps latency to wiremock's delay and answers socket faults
//!   with a clear 500 (a real socket is needed for them).

mod duration;
mod file;
mod rule;
mod schedule;
mod spec;

pub use duration::{MAX_DURATION, format_duration, parse_delay, parse_duration};
pub use file::FaultsFile;
pub use rule::{
    DEFAULT_DRIP_WITHIN, DEFAULT_RETRY_AFTER_SECS, ERROR_STATUSES, FaultKind, FaultRule, Scope,
};
pub use schedule::Schedule;

use crate::http::{Request, Response};
use crate::model::ProviderId;
use crate::pipeline::{Ctx, Fault, Provider, VendorFault};
use schedule::{Stream, draw};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// A fault the transport must produce on the socket (see [`FaultKind`] for each).
///
/// ```
/// use regmock::faults::SocketFault;
/// assert_eq!(SocketFault::Truncate { keep: Some(3) }.body_bytes_sent(10), 3);
/// assert_eq!(SocketFault::Truncate { keep: None }.body_bytes_sent(10), 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketFault {
    /// Reset the connection (TCP RST) instead of answering.
    Reset,
    /// Send the status line and headers, then close.
    CloseAfterHeaders,
    /// Send the headers (with the full `Content-Length`) and `keep` body bytes (default half), then close.
    Truncate {
        /// Body bytes sent; `None` sends half.
        keep: Option<usize>,
    },
    /// Drip the body at `bytes_per_second`, all of it sent within `within`.
    Drip {
        /// Rate of the drip.
        bytes_per_second: u64,
        /// Bound on the drip's total time.
        within: Duration,
    },
}

impl SocketFault {
    /// How many of a `body_len`-byte body are sent before the connection closes (all of it for a drip).
    pub fn body_bytes_sent(self, body_len: usize) -> usize {
        match self {
            SocketFault::Reset | SocketFault::CloseAfterHeaders => 0,
            SocketFault::Truncate { keep } => keep.unwrap_or(body_len / 2).min(body_len),
            SocketFault::Drip { .. } => body_len,
        }
    }
}

/// What a fault does to the answer, besides a delay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The provider answers this vendor error instead.
    Vendor(VendorFault),
    /// The answer's body is replaced by bytes that are not JSON.
    Malformed,
    /// The transport mistreats the connection.
    Socket(SocketFault),
}

/// The faults decided for one request.
///
/// ```
/// use regmock::faults::Decision;
/// assert!(Decision::default().is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    /// Total delay of the latency rules that fired.
    pub delay: Duration,
    /// The first non-latency rule that fired, if any.
    pub effect: Option<Effect>,
}

impl Decision {
    /// Whether nothing fired.
    pub fn is_none(&self) -> bool {
        self.delay.is_zero() && self.effect.is_none()
    }

    /// `response` with this decision's delay and socket fault, for the transport.
    ///
    /// ```
    /// use regmock::faults::{Decision, Effect, SocketFault};
    /// let decision = Decision { effect: Some(Effect::Socket(SocketFault::Reset)), ..Decision::default() };
    /// let delivered = decision.deliver(regmock::http::Response::default());
    /// assert_eq!(delivered.socket, Some(SocketFault::Reset));
    /// ```
    pub fn deliver(self, response: Response) -> Delivered {
        Delivered {
            response,
            delay: self.delay,
            socket: match self.effect {
                Some(Effect::Socket(fault)) => Some(fault),
                _ => None,
            },
        }
    }
}

/// The answer of `provider` to `req` under `decision`: its own error for a vendor fault, its normal answer otherwise,
/// with the body spoiled for a malformed one. Latency and socket faults are left to the transport.
pub fn answer(
    provider: &dyn Provider,
    ctx: &Ctx<'_>,
    req: &Request,
    decision: &Decision,
) -> Response {
    match &decision.effect {
        Some(Effect::Vendor(fault)) => provider.inject(ctx, req, fault),
        Some(Effect::Malformed) => {
            let resp = provider.handle(ctx, req);
            let body = malformed_body(&resp.body);
            Response { body, ..resp }
        }
        None | Some(Effect::Socket(_)) => provider.handle(ctx, req),
    }
}

/// An answer with what the transport must still do to it: wait `delay` before sending, and produce `socket`.
///
/// ```
/// use regmock::{Emulator, http::Request};
/// let delivered = Emulator::embedded().deliver(&Request::get("/__regmock/health"));
/// assert_eq!(delivered.response.status, 200);
/// assert!(delivered.socket.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivered {
    /// The answer.
    pub response: Response,
    /// Time to wait before sending it.
    pub delay: Duration,
    /// The socket fault to produce while sending it.
    pub socket: Option<SocketFault>,
}

impl From<Response> for Delivered {
    fn from(response: Response) -> Delivered {
        Delivered {
            response,
            ..Delivered::default()
        }
    }
}

/// A rule's id in a [`Faults`] registry, for [`Faults::remove`].
pub type RuleId = u64;

struct Entry {
    id: RuleId,
    rule: FaultRule,
    /// Calls the rule's scope matched (the index of the next one).
    matched: AtomicU64,
    /// Calls the rule fired on.
    fired: AtomicU64,
}

/// A rule in a registry with its counters, as [`Faults::status`] reports it (and the admin API lists it).
///
/// ```
/// use regmock::faults::{FaultKind, FaultRule, Faults};
/// let faults = Faults::default();
/// faults.add(FaultRule::new(FaultKind::Reset)).unwrap();
/// let json = serde_json::to_value(faults.status()).unwrap();
/// assert_eq!(json[0]["fault"], "reset");
/// assert_eq!(json[0]["matched"], 0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleStatus {
    /// The rule's id.
    pub id: RuleId,
    /// The rule, in its file shape.
    #[serde(flatten)]
    pub rule: FaultRule,
    /// Requests its scope matched.
    pub matched: u64,
    /// Requests it fired on.
    pub fired: u64,
}

/// The fault rules of an emulator: cheap to clone (clones share the rules), safe to change while requests are served.
///
/// Rules are tried in the order added. Every rule whose scope matches a request counts it; latency rules that fire
/// add their delays, and the first other rule that fires decides the answer, after which later rules do not see the
/// request.
///
/// ```
/// use regmock::faults::{FaultKind, FaultRule, Faults, Schedule};
/// let faults = Faults::default();
/// let id = faults.add(FaultRule::parse("throttle,first=1").unwrap()).unwrap();
/// assert_eq!(faults.rules().len(), 1);
/// assert!(faults.remove(id));
/// faults.add(FaultRule::new(FaultKind::Reset).schedule(Schedule::EveryNth(2))).unwrap();
/// faults.clear();
/// assert!(faults.rules().is_empty());
/// ```
#[derive(Clone, Default)]
pub struct Faults {
    inner: Arc<Registry>,
}

#[derive(Default)]
struct Registry {
    rules: RwLock<Vec<Arc<Entry>>>,
    /// Number of rules, read without the lock so a registry without rules costs one atomic load per request.
    len: AtomicUsize,
    next_id: AtomicU64,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.rules()).finish()
    }
}

impl Faults {
    /// Adds a rule after the others, once [`FaultRule::validate`] accepts it; returns its id.
    pub fn add(&self, rule: FaultRule) -> Result<RuleId, String> {
        rule.validate()?;
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut rules = self.write();
        rules.push(Arc::new(Entry {
            id,
            rule,
            matched: AtomicU64::new(0),
            fired: AtomicU64::new(0),
        }));
        self.inner.len.store(rules.len(), Ordering::Release);
        Ok(id)
    }

    /// Removes the rule with `id`; `false` when there is none.
    pub fn remove(&self, id: RuleId) -> bool {
        let mut rules = self.write();
        let before = rules.len();
        rules.retain(|e| e.id != id);
        self.inner.len.store(rules.len(), Ordering::Release);
        rules.len() != before
    }

    /// Removes every rule.
    pub fn clear(&self) {
        let mut rules = self.write();
        rules.clear();
        self.inner.len.store(0, Ordering::Release);
    }

    /// The rules, in the order they are tried.
    pub fn rules(&self) -> Vec<FaultRule> {
        self.read().iter().map(|e| e.rule.clone()).collect()
    }

    /// The rules with their ids and counters.
    pub fn status(&self) -> Vec<RuleStatus> {
        self.read()
            .iter()
            .map(|e| RuleStatus {
                id: e.id,
                rule: e.rule.clone(),
                matched: e.matched.load(Ordering::Relaxed),
                fired: e.fired.load(Ordering::Relaxed),
            })
            .collect()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.inner.len.load(Ordering::Acquire) == 0
    }

    /// Decides the faults for one request of `provider`, routed to `operation` (`None` when it routes nowhere), at
    /// `path`, counting it in every rule it reaches.
    ///
    /// ```
    /// use regmock::faults::{Effect, FaultRule, Faults};
    /// use regmock::model::ProviderId;
    /// let faults = Faults::default();
    /// faults.add(FaultRule::parse("reset,every=2").unwrap()).unwrap();
    /// assert_eq!(faults.decide(ProviderId::Swr, None, "/v2/manage/repos").effect, None);
    /// assert!(matches!(faults.decide(ProviderId::Swr, None, "/v2/manage/repos").effect, Some(Effect::Socket(_))));
    /// ```
    pub fn decide(&self, provider: ProviderId, operation: Option<&str>, path: &str) -> Decision {
        let mut decision = Decision::default();
        if self.is_empty() {
            return decision;
        }
        for entry in self.read().iter() {
            if !entry.rule.scope.matches(provider, operation, path) {
                continue;
            }
            let n = entry.matched.fetch_add(1, Ordering::Relaxed);
            if !entry.rule.schedule.fires(n, entry.rule.seed) {
                continue;
            }
            entry.fired.fetch_add(1, Ordering::Relaxed);
            if let FaultKind::Latency { min, max } = entry.rule.kind {
                let delay = if min == max {
                    min
                } else {
                    // Nanoseconds of at most an hour fit a u64 with room to spare.
                    let span = u64::try_from((max - min).as_nanos()).unwrap_or(u64::MAX);
                    min + Duration::from_nanos(
                        draw(entry.rule.seed, n, Stream::Latency).u64(0..=span),
                    )
                };
                decision.delay = decision.delay.saturating_add(delay);
                continue;
            }
            decision.effect = effect_of(&entry.rule.kind);
            break;
        }
        decision
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<Entry>>> {
        // A panic while holding the lock cannot leave the list half-changed (each change is one Vec call).
        self.inner
            .rules
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Vec<Arc<Entry>>> {
        self.inner
            .rules
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What a kind does to the answer; `None` for latency, which only delays it.
fn effect_of(kind: &FaultKind) -> Option<Effect> {
    Some(match kind {
        FaultKind::Latency { .. } => return None,
        FaultKind::Malformed => Effect::Malformed,
        FaultKind::Error { status } => Effect::Vendor(VendorFault::Error { status: *status }),
        FaultKind::Code(code) => Effect::Vendor(VendorFault::Fault(Fault::parse(code))),
        FaultKind::Throttle { retry_after_secs } => Effect::Vendor(VendorFault::Throttle {
            retry_after_secs: *retry_after_secs,
        }),
        FaultKind::Reset => Effect::Socket(SocketFault::Reset),
        FaultKind::CloseAfterHeaders => Effect::Socket(SocketFault::CloseAfterHeaders),
        FaultKind::Truncate { keep } => Effect::Socket(SocketFault::Truncate { keep: *keep }),
        FaultKind::Drip {
            bytes_per_second,
            within,
        } => Effect::Socket(SocketFault::Drip {
            bytes_per_second: *bytes_per_second,
            within: *within,
        }),
    })
}

/// A body that is not valid JSON: the first half of `body` followed by `#`, which JSON allows only inside a string,
/// and a string cut off there is unterminated. Whatever `body` was, the result never parses.
///
/// ```
/// let bad = regmock::faults::malformed_body(br#"{"a":1}"#);
/// assert!(serde_json::from_slice::<serde_json::Value>(&bad).is_err());
/// ```
pub fn malformed_body(body: &[u8]) -> Vec<u8> {
    let mut out = body[..body.len() / 2].to_vec();
    out.push(b'#');
    out
}
