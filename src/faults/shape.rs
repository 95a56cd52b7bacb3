//! The flat wire shape of a rule ([`RuleSpec`]): one key per parameter, shared by faults files, the admin API and
//! (through the same words) `--fault` specs; conversions to and from [`FaultRule`] check every value.

use super::duration::{format_duration, parse_delay, parse_duration};
use super::rule::{
    DEFAULT_DRIP_WITHIN, DEFAULT_RETRY_AFTER_SECS, FaultKind, FaultRule, Scope, SocketFault,
};
use super::schedule::Schedule;
use crate::model::ProviderId;
use serde::{Deserialize, Serialize};

/// The flat wire shape of a rule: one key per parameter, so files, the admin API and `--fault` specs share words.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSpec {
    pub(crate) fault: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) delay: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retry_after: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) keep: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) rate: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) within: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) provider: Option<ProviderId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) every: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) first: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) probability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) seed: Option<u64>,
}

impl TryFrom<RuleSpec> for FaultRule {
    type Error = String;

    fn try_from(spec: RuleSpec) -> Result<FaultRule, String> {
        let name = spec.fault.trim().to_ascii_lowercase();
        // Keys that belong to another kind are refused rather than ignored: `status` on a throttle is a mistake.
        let mut unused: Vec<&str> = Vec::new();
        let mut not_for = |present: bool, key: &'static str, kinds: &[&str]| {
            if present && !kinds.contains(&name.as_str()) {
                unused.push(key);
            }
        };
        not_for(spec.delay.is_some(), "delay", &["latency"]);
        not_for(spec.status.is_some(), "status", &["error"]);
        not_for(spec.code.is_some(), "code", &["code"]);
        not_for(spec.retry_after.is_some(), "retry_after", &["throttle"]);
        not_for(spec.keep.is_some(), "keep", &["truncate"]);
        not_for(spec.rate.is_some(), "rate", &["drip"]);
        not_for(spec.within.is_some(), "within", &["drip"]);
        if !unused.is_empty() {
            return Err(format!(
                "{name}: {} does not apply to this fault",
                unused.join(", ")
            ));
        }
        let kind = match name.as_str() {
            "latency" => {
                let delay = spec
                    .delay
                    .ok_or("latency needs delay (e.g. 200ms, or 200ms..500ms)")?;
                let (min, max) = parse_delay(&delay).map_err(|e| format!("latency: {e}"))?;
                FaultKind::Latency { min, max }
            }
            "error" => FaultKind::Error {
                status: spec.status,
            },
            "code" => FaultKind::Code(
                spec.code
                    .ok_or("code needs code (a catalogue code, forbidden or internal-error)")?,
            ),
            "throttle" => FaultKind::Throttle {
                retry_after_secs: spec.retry_after.unwrap_or(DEFAULT_RETRY_AFTER_SECS),
            },
            "malformed" => FaultKind::Malformed,
            "reset" => FaultKind::Socket(SocketFault::Reset),
            "close-after-headers" => FaultKind::Socket(SocketFault::CloseAfterHeaders),
            "truncate" => FaultKind::Socket(SocketFault::Truncate { keep: spec.keep }),
            "drip" => FaultKind::Socket(SocketFault::Drip {
                bytes_per_second: spec
                    .rate
                    .ok_or("drip needs rate (bytes per second, e.g. 100)")?,
                within: match spec.within {
                    Some(w) => parse_duration(&w).map_err(|e| format!("drip: {e}"))?,
                    None => DEFAULT_DRIP_WITHIN,
                },
            }),
            other => {
                return Err(format!(
                    "unknown fault {other:?}; use one of {}",
                    FaultKind::NAMES.join(", ")
                ));
            }
        };
        let schedule = match (spec.every, spec.first, spec.probability) {
            (None, None, None) => Schedule::Always,
            (Some(n), None, None) => Schedule::EveryNth(n),
            (None, Some(n), None) => Schedule::FirstN(n),
            (None, None, Some(p)) => Schedule::Probability(p),
            _ => return Err("choose one schedule: every, first or probability".into()),
        };
        let rule = FaultRule {
            kind,
            scope: Scope {
                provider: spec.provider,
                operation: spec.operation,
                path_prefix: spec.path,
            },
            schedule,
            seed: spec.seed.unwrap_or(0),
        };
        rule.validate()?;
        Ok(rule)
    }
}

impl From<FaultRule> for RuleSpec {
    fn from(rule: FaultRule) -> RuleSpec {
        let mut spec = RuleSpec {
            fault: rule.kind.name().to_string(),
            provider: rule.scope.provider,
            operation: rule.scope.operation,
            path: rule.scope.path_prefix,
            seed: (rule.seed != 0).then_some(rule.seed),
            ..RuleSpec::default()
        };
        match rule.kind {
            FaultKind::Latency { min, max } if min == max => {
                spec.delay = Some(format_duration(min));
            }
            FaultKind::Latency { min, max } => {
                spec.delay = Some(format!(
                    "{}..{}",
                    format_duration(min),
                    format_duration(max)
                ));
            }
            FaultKind::Error { status } => spec.status = status,
            FaultKind::Code(code) => spec.code = Some(code),
            FaultKind::Throttle { retry_after_secs } => spec.retry_after = Some(retry_after_secs),
            FaultKind::Socket(SocketFault::Truncate { keep }) => spec.keep = keep,
            FaultKind::Socket(SocketFault::Drip {
                bytes_per_second,
                within,
            }) => {
                spec.rate = Some(bytes_per_second);
                spec.within = Some(format_duration(within));
            }
            FaultKind::Malformed
            | FaultKind::Socket(SocketFault::Reset | SocketFault::CloseAfterHeaders) => {}
        }
        match rule.schedule {
            Schedule::Always => {}
            Schedule::EveryNth(n) => spec.every = Some(n),
            Schedule::FirstN(n) => spec.first = Some(n),
            Schedule::Probability(p) => spec.probability = Some(p),
        }
        spec
    }
}
