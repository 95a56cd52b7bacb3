//! The registry of an emulator's fault rules, with their counters and the decision per request.

use super::apply::{Decision, effect_of};
use super::rule::{FaultKind, FaultRule};
use super::schedule::{Stream, draw};
use crate::model::ProviderId;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

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
/// use regmock::faults::{FaultKind, FaultRule, Faults, SocketFault};
/// let faults = Faults::default();
/// faults.add(FaultRule::new(FaultKind::Socket(SocketFault::Reset))).unwrap();
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
/// use regmock::faults::{FaultKind, FaultRule, Faults, Schedule, SocketFault};
/// let faults = Faults::default();
/// let id = faults.add(FaultRule::parse("throttle,first=1").unwrap()).unwrap();
/// assert_eq!(faults.rules().len(), 1);
/// assert!(faults.remove(id));
/// faults.add(FaultRule::new(FaultKind::Socket(SocketFault::Reset)).schedule(Schedule::EveryNth(2))).unwrap();
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
    /// Why rules may no longer be added (see [`Faults::close`]).
    closed: std::sync::OnceLock<String>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.rules()).finish()
    }
}

impl Faults {
    /// Adds a rule after the others, once [`FaultRule::validate`] accepts it; returns its id. Refused, with the reason,
    /// once the registry is [closed](Faults::close).
    pub fn add(&self, rule: FaultRule) -> Result<RuleId, String> {
        if let Some(why) = self.closed() {
            return Err(why.to_string());
        }
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

    /// Refuses every later [`add`](Faults::add), saying `why`: for a server whose answers a rule could not reach
    /// evenly (`serve --cassettes`). The first reason given stays.
    ///
    /// ```
    /// use regmock::faults::{FaultRule, Faults};
    /// let faults = Faults::default();
    /// faults.close("not with --cassettes");
    /// assert_eq!(faults.add(FaultRule::parse("error").unwrap()), Err("not with --cassettes".to_string()));
    /// assert_eq!(faults.closed(), Some("not with --cassettes"));
    /// ```
    pub fn close(&self, why: &str) {
        let _ = self.inner.closed.set(why.to_string());
    }

    /// Why rules may no longer be added, if [`close`](Faults::close) was called.
    pub fn closed(&self) -> Option<&str> {
        self.inner.closed.get().map(String::as_str)
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
