//! Fixed one-second windows counting requests per (provider, action, caller), for vendors that document a rate limit.
//!
//! Time comes from the emulator's clock, so a fixed clock never opens a new window: tests that send many requests
//! through one fixed-clock emulator turn limiting off. Callers are authenticated key ids, so the map is bounded by the
//! number of configured keys times actions (with `no_auth` every caller counts as one).

use crate::model::ProviderId;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// Who is counted: provider, action, caller.
type Counted = (ProviderId, &'static str, String);
/// The current window: its second and the requests counted in it.
type Window = (i64, u32);

/// The request counters of one emulator.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<Counted, Window>>,
}

impl RateLimiter {
    /// Counts one request; `false` when it is over `per_second` in the current second.
    ///
    /// ```
    /// use regmock::pipeline::RateLimiter;
    /// use regmock::model::ProviderId;
    /// let limiter = RateLimiter::default();
    /// let now = chrono::DateTime::from_timestamp(1_795_953_600, 0).unwrap();
    /// assert!(limiter.admit(ProviderId::Tcr, "DescribeImages", "key", now, 1));
    /// assert!(!limiter.admit(ProviderId::Tcr, "DescribeImages", "key", now, 1));
    /// assert!(limiter.admit(ProviderId::Tcr, "DescribeImages", "key", now + chrono::TimeDelta::seconds(1), 1));
    /// ```
    pub fn admit(
        &self,
        provider: ProviderId,
        action: &'static str,
        caller: &str,
        now: DateTime<Utc>,
        per_second: u32,
    ) -> bool {
        let second = now.timestamp();
        // A poisoned lock only means another request panicked mid-count; the counters are still usable.
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let slot = windows
            .entry((provider, action, caller.to_string()))
            .or_insert((second, 0));
        if slot.0 != second {
            *slot = (second, 0);
        }
        slot.1 = slot.1.saturating_add(1);
        slot.1 <= per_second
    }
}
