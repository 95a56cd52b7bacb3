//! The `--fault` grammar: `KIND[=VALUE][,KEY=VALUE]...`, the same words as the file shape.
//!
//! - `KIND=VALUE` sets the kind's main parameter: `latency=DELAY`, `error=STATUS`, `code=CODE`,
//!   `throttle=RETRY_AFTER`, `truncate=KEEP`, `drip=RATE`.
//! - Keys: `delay`, `status`, `code`, `retry-after`, `keep`, `rate`, `within` (the kind's parameters); `provider`,
//!   `op` (or `operation`), `path` (the scope); `every`, `first`, `p` (or `probability`) (the schedule); `seed`.

use super::rule::{FaultKind, FaultRule};
use super::shape::RuleSpec;
use crate::model::ProviderId;

/// The keys a spec accepts, for the message that refuses an unknown one.
const KEYS: &str = "delay, status, code, retry-after, keep, rate, within, provider, op, path, every, first, p, seed";

impl FaultRule {
    /// Parses a `--fault` spec (see the module docs), e.g. `throttle,op=DescribeImages,first=2` or
    /// `latency=200ms..500ms,seed=7`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use regmock::faults::{FaultKind, FaultRule, Schedule};
    /// let rule = FaultRule::parse("latency=200ms..500ms,seed=7").unwrap();
    /// assert_eq!(rule.kind, FaultKind::Latency { min: Duration::from_millis(200), max: Duration::from_millis(500) });
    /// assert_eq!(rule.seed, 7);
    /// let rule = FaultRule::parse("throttle,op=DescribeImages,first=2").unwrap();
    /// assert_eq!(rule.schedule, Schedule::FirstN(2));
    /// assert!(FaultRule::parse("explode").unwrap_err().contains("latency, error, code"));
    /// ```
    pub fn parse(text: &str) -> Result<FaultRule, String> {
        let mut parts = text.split(',').map(str::trim);
        let head = parts.next().unwrap_or_default();
        let (kind, main) = match head.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.trim())),
            None => (head.to_ascii_lowercase(), None),
        };
        if kind.is_empty() {
            return Err(format!(
                "a fault spec starts with its kind: one of {}",
                FaultKind::NAMES.join(", ")
            ));
        }
        let mut spec = RuleSpec {
            fault: kind.clone(),
            ..RuleSpec::default()
        };
        if let Some(value) = main {
            let key = match kind.as_str() {
                "latency" => "delay",
                "error" => "status",
                "code" => "code",
                "throttle" => "retry-after",
                "truncate" => "keep",
                "drip" => "rate",
                other => {
                    return Err(format!(
                        "{other}={value}: this fault takes no value (faults with one: latency=DELAY, error=STATUS, \
                         code=CODE, throttle=RETRY_AFTER, truncate=KEEP, drip=RATE)"
                    ));
                }
            };
            set(&mut spec, key, value)?;
        }
        for part in parts.filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not KEY=VALUE; keys: {KEYS}"))?;
            set(&mut spec, &key.trim().to_ascii_lowercase(), value.trim())?;
        }
        FaultRule::try_from(spec)
    }
}

fn set(spec: &mut RuleSpec, key: &str, value: &str) -> Result<(), String> {
    let number = |what: &str| {
        value
            .parse::<u64>()
            .map_err(|_| format!("{key}={value}: {what} must be a whole number"))
    };
    match key {
        "delay" => spec.delay = Some(value.to_string()),
        "status" => {
            spec.status = Some(
                value
                    .parse()
                    .map_err(|_| format!("{key}={value}: one of 500, 502, 503, 504"))?,
            );
        }
        "code" => spec.code = Some(value.to_string()),
        "retry-after" | "retry_after" => {
            // `1s` reads as well as `1`: Retry-After is whole seconds either way.
            spec.retry_after = Some(
                value
                    .strip_suffix('s')
                    .unwrap_or(value)
                    .parse()
                    .map_err(|_| format!("{key}={value}: whole seconds (e.g. 1)"))?,
            );
        }
        "keep" => {
            spec.keep = Some(
                value
                    .parse()
                    .map_err(|_| format!("{key}={value}: a number of body bytes"))?,
            );
        }
        "rate" => spec.rate = Some(number("bytes per second")?),
        "within" => spec.within = Some(value.to_string()),
        "provider" => {
            spec.provider = Some(match value.to_ascii_lowercase().as_str() {
                "swr" => ProviderId::Swr,
                "ncr" => ProviderId::Ncr,
                "tcr" => ProviderId::Tcr,
                _ => return Err(format!("provider={value}: one of swr, ncr, tcr")),
            });
        }
        "op" | "operation" => spec.operation = Some(value.to_string()),
        "path" => spec.path = Some(value.to_string()),
        "every" => spec.every = Some(number("every")?),
        "first" => spec.first = Some(number("first")?),
        "p" | "probability" => {
            spec.probability = Some(
                value
                    .parse()
                    .map_err(|_| format!("{key}={value}: a number from 0 to 1"))?,
            );
        }
        "seed" => spec.seed = Some(number("seed")?),
        other => return Err(format!("unknown key {other:?}; keys: {KEYS}")),
    }
    Ok(())
}
