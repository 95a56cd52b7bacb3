//! A fault rule: what goes wrong ([`FaultKind`]), for which requests ([`Scope`]) and when ([`Schedule`]).
//!
//! Rules (de)serialise in one flat shape, the same in a `--faults` file, the admin API and `--fault` specs (whose keys
//! are the same words): `{"fault": "throttle", "retry_after": 1, "operation": "DescribeImages", "first": 2}`.

use super::schedule::Schedule;
use crate::model::ProviderId;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Status codes an `error` fault may answer with: the vendor's internal-error body under any of these.
pub const ERROR_STATUSES: [u16; 4] = [500, 502, 503, 504];

/// The default `Retry-After` of a throttle fault, in seconds: small enough for SDK retry tests to stay fast.
pub const DEFAULT_RETRY_AFTER_SECS: u64 = 1;

/// The default bound on a drip's total time.
pub const DEFAULT_DRIP_WITHIN: Duration = Duration::from_secs(10);

/// A fault only a real socket can produce ([`FaultKind::Socket`]): `regmock serve` or
/// [`crate::transport::server`] does it to the connection; the in-test transport refuses these.
///
/// ```
/// use regmock::faults::SocketFault;
/// assert_eq!(SocketFault::Truncate { keep: Some(3) }.body_bytes_sent(10), 3);
/// assert_eq!(SocketFault::Truncate { keep: None }.body_bytes_sent(10), 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketFault {
    /// The connection is reset (TCP RST) instead of answered.
    Reset,
    /// The status line and headers are sent, then the connection is closed before any body byte.
    CloseAfterHeaders,
    /// The headers promise the whole body (`Content-Length`), but only `keep` bytes (default: half) are sent before the
    /// connection closes.
    Truncate {
        /// Body bytes sent; `None` sends half.
        keep: Option<usize>,
    },
    /// The body is dripped at `bytes_per_second`, but the whole answer never takes longer than `within`: the rest goes
    /// at once when that time is up.
    Drip {
        /// Rate of the drip (1 or more).
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

/// What goes wrong.
///
/// ```
/// use regmock::faults::{FaultKind, SocketFault};
/// assert_eq!(FaultKind::Socket(SocketFault::Reset).name(), "reset");
/// assert!(FaultKind::Socket(SocketFault::Reset).needs_socket());
/// assert!(!FaultKind::Malformed.needs_socket());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// The answer is sent after a delay: fixed when `min == max`, otherwise drawn from `min..=max` by the rule's seed.
    /// The normal answer follows.
    Latency {
        /// Shortest delay.
        min: Duration,
        /// Longest delay.
        max: Duration,
    },
    /// The provider's internal-error body. `status` replaces the vendor's status (500, 502, 503 or 504, as a gateway in
    /// front of the vendor would answer); `None` keeps the vendor's own (TCR answers its errors in HTTP 200).
    Error {
        /// Status to answer with instead of the vendor's.
        status: Option<u16>,
    },
    /// Any code of the provider's error catalogue, or a named fault (`forbidden`, `internal-error`), exactly as the
    /// `X-Regmock-Fault` header takes it.
    Code(String),
    /// The provider's own rate-limit answer: SWR `429` with `Retry-After`, the NCR gateway's `429` rate-limit error,
    /// TCR `RequestLimitExceeded` in HTTP 200.
    Throttle {
        /// Seconds put in SWR's `Retry-After`.
        retry_after_secs: u64,
    },
    /// The answer's status and headers, with a body that is not valid JSON (a cut-off prefix of the real one).
    Malformed,
    /// A fault on the connection itself (reset, close after the head, truncated or dripped body). `serve` only.
    Socket(SocketFault),
}

impl FaultKind {
    /// Every kind's name, as `fault:` and the first word of a `--fault` spec take it.
    pub const NAMES: [&'static str; 9] = [
        "latency",
        "error",
        "code",
        "throttle",
        "malformed",
        "reset",
        "close-after-headers",
        "truncate",
        "drip",
    ];

    /// The kind's name (see [`FaultKind::NAMES`]).
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Latency { .. } => "latency",
            FaultKind::Error { .. } => "error",
            FaultKind::Code(_) => "code",
            FaultKind::Throttle { .. } => "throttle",
            FaultKind::Malformed => "malformed",
            FaultKind::Socket(SocketFault::Reset) => "reset",
            FaultKind::Socket(SocketFault::CloseAfterHeaders) => "close-after-headers",
            FaultKind::Socket(SocketFault::Truncate { .. }) => "truncate",
            FaultKind::Socket(SocketFault::Drip { .. }) => "drip",
        }
    }

    /// Whether only a real socket can produce this fault (`regmock serve` or [`crate::transport::server`]); the
    /// in-test transport refuses these.
    pub fn needs_socket(&self) -> bool {
        matches!(self, FaultKind::Socket(_))
    }
}

/// Which requests a rule applies to: every field set must match; an empty scope matches every request a provider
/// claims.
///
/// ```
/// use regmock::faults::Scope;
/// use regmock::model::ProviderId;
/// let scope = Scope { provider: Some(ProviderId::Swr), operation: Some("ListRepositoryTags".into()), path_prefix: None };
/// assert!(scope.matches(ProviderId::Swr, Some("list_repository_tags"), "/v2/manage/namespaces/group/repos/busybox/tags"));
/// assert!(!scope.matches(ProviderId::Swr, Some("show_repo_tag"), "/v2/manage/namespaces/group/repos/busybox/tags/x"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    /// Only this provider.
    pub provider: Option<ProviderId>,
    /// Only this operation: the vendor's name in any spelling (`ListRepositoryTags` or `list_repository_tags`,
    /// `DescribeImages`, `GetImageTagList`); case, `_` and `-` are ignored.
    pub operation: Option<String>,
    /// Only paths starting with this (as received, percent-encoding untouched).
    pub path_prefix: Option<String>,
}

impl Scope {
    /// Whether a request of `provider`, routed to `operation` (`None` when it routes nowhere), at `path` is in scope.
    pub fn matches(&self, provider: ProviderId, operation: Option<&str>, path: &str) -> bool {
        self.provider.is_none_or(|p| p == provider)
            && self
                .operation
                .as_deref()
                .is_none_or(|want| operation.is_some_and(|op| same_operation(want, op)))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
    }
}

/// `ListRepositoryTags` and `list_repository_tags` name the same operation.
fn same_operation(a: &str, b: &str) -> bool {
    let letters = |s: &str| {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    letters(a) == letters(b)
}

/// One fault rule. Build one in code, parse a `--fault` spec with [`FaultRule::parse`], or deserialise it from JSON or
/// YAML.
///
/// ```
/// use regmock::faults::{FaultKind, FaultRule, Schedule};
/// let rule = FaultRule::new(FaultKind::Throttle { retry_after_secs: 1 })
///     .operation("DescribeImages")
///     .schedule(Schedule::FirstN(2));
/// let json = serde_json::to_value(&rule).unwrap();
/// assert_eq!(json, serde_json::json!({"fault": "throttle", "retry_after": 1, "operation": "DescribeImages", "first": 2}));
/// assert_eq!(serde_json::from_value::<FaultRule>(json).unwrap(), rule);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "super::shape::RuleSpec", into = "super::shape::RuleSpec")]
pub struct FaultRule {
    /// What goes wrong.
    pub kind: FaultKind,
    /// Which requests.
    pub scope: Scope,
    /// When.
    pub schedule: Schedule,
    /// Seed of the rule's draws (probability schedule, random latency); the same seed gives the same sequence.
    pub seed: u64,
}

impl FaultRule {
    /// A rule for `kind` on every request, always, with seed 0.
    pub fn new(kind: FaultKind) -> FaultRule {
        FaultRule {
            kind,
            scope: Scope::default(),
            schedule: Schedule::Always,
            seed: 0,
        }
    }

    /// Only requests of `provider` (builder style).
    pub fn provider(mut self, provider: ProviderId) -> FaultRule {
        self.scope.provider = Some(provider);
        self
    }

    /// Only requests for `operation` (builder style; see [`Scope::operation`]).
    pub fn operation(mut self, operation: &str) -> FaultRule {
        self.scope.operation = Some(operation.to_string());
        self
    }

    /// Only paths starting with `prefix` (builder style).
    pub fn path_prefix(mut self, prefix: &str) -> FaultRule {
        self.scope.path_prefix = Some(prefix.to_string());
        self
    }

    /// When the rule fires (builder style).
    pub fn schedule(mut self, schedule: Schedule) -> FaultRule {
        self.schedule = schedule;
        self
    }

    /// The seed of the rule's draws (builder style).
    pub fn seed(mut self, seed: u64) -> FaultRule {
        self.seed = seed;
        self
    }

    /// Checks every number in the rule, with a message that says what is accepted.
    ///
    /// ```
    /// use regmock::faults::{FaultKind, FaultRule};
    /// assert!(FaultRule::new(FaultKind::Error { status: Some(418) }).validate().is_err());
    /// assert!(FaultRule::new(FaultKind::Error { status: Some(503) }).validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), String> {
        self.schedule.validate()?;
        if let Some(operation) = &self.scope.operation {
            known_operation(operation, self.scope.provider)?;
        }
        match &self.kind {
            FaultKind::Latency { min, max } if min > max => {
                Err("latency: the minimum is above the maximum".into())
            }
            FaultKind::Latency { max, .. } if *max > super::duration::MAX_DURATION => {
                Err("latency: at most 1 hour".into())
            }
            FaultKind::Error { status: Some(s) } if !ERROR_STATUSES.contains(s) => Err(format!(
                "error: status {s} is not one of 500, 502, 503, 504"
            )),
            FaultKind::Code(code) => known_code(code, &self.scope),
            FaultKind::Throttle { retry_after_secs } if *retry_after_secs > 3600 => {
                Err("throttle: retry_after is at most 3600 seconds".into())
            }
            FaultKind::Socket(SocketFault::Drip {
                bytes_per_second: 0,
                ..
            }) => Err("drip: rate must be 1 or more bytes per second".into()),
            FaultKind::Socket(SocketFault::Drip { within, .. })
                if within.is_zero() || *within > super::duration::MAX_DURATION =>
            {
                Err("drip: within must be from 1ms to 1 hour".into())
            }
            _ => Ok(()),
        }
    }
}

/// A code fault must name a named fault or a code some provider in scope has, so a typo is refused when the rule is
/// added rather than answered as the provider's "unknown fault" 400 on every request.
fn known_code(code: &str, scope: &Scope) -> Result<(), String> {
    let crate::pipeline::Fault::Code(code) = crate::pipeline::Fault::parse(code) else {
        return Ok(());
    };
    let in_scope: Vec<_> = crate::providers::PROVIDERS
        .iter()
        .filter(|p| scope.provider.is_none_or(|id| id == p.id()))
        .collect();
    if in_scope
        .iter()
        .any(|p| p.error_codes().contains(&code.as_str()))
    {
        return Ok(());
    }
    let codes: Vec<String> = in_scope
        .iter()
        .map(|p| format!("{}: {}", p.id().as_str(), p.error_codes().join(", ")))
        .collect();
    Err(format!(
        "code: {code:?} is not forbidden, internal-error or a catalogue code ({})",
        codes.join("; ")
    ))
}

/// An operation scope must name an operation of a provider in scope: a typo would otherwise match nothing, silently.
fn known_operation(operation: &str, provider: Option<ProviderId>) -> Result<(), String> {
    let in_scope = crate::providers::PROVIDERS
        .iter()
        .filter(|p| provider.is_none_or(|id| id == p.id()));
    let mut names = Vec::new();
    for p in in_scope {
        if p.operations()
            .iter()
            .any(|op| same_operation(op, operation))
        {
            return Ok(());
        }
        names.extend(
            p.operations()
                .iter()
                .map(|op| format!("{} {op}", p.id().as_str())),
        );
    }
    Err(format!(
        "operation {operation:?} is not one of {} (any case, with or without _)",
        names.join(", ")
    ))
}
