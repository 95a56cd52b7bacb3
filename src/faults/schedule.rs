//! When a rule fires: on every matching call, every Nth, the first N, or with a probability drawn from a seed.
//!
//! Decisions depend only on the rule's seed and the index of the matching call (0, 1, 2, ...), never on timing or on
//! other rules, so the same seed gives the same sequence in every run, whichever threads the calls arrive on.

use serde::{Deserialize, Serialize};

/// When a rule fires, counted over the calls its scope matches.
///
/// ```
/// use regmock::faults::Schedule;
/// let fired: Vec<bool> = (0..4).map(|n| Schedule::EveryNth(2).fires(n, 0)).collect();
/// assert_eq!(fired, [false, true, false, true]);
/// let fired: Vec<bool> = (0..3).map(|n| Schedule::FirstN(2).fires(n, 0)).collect();
/// assert_eq!(fired, [true, true, false]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum Schedule {
    /// Every matching call.
    #[default]
    Always,
    /// The Nth, 2Nth, 3Nth... matching call (N ≥ 1).
    EveryNth(u64),
    /// The first N matching calls, then never again: a client that retries N times succeeds.
    FirstN(u64),
    /// Each matching call with probability `p` (0 to 1), drawn from the rule's seed.
    Probability(f64),
}

impl Schedule {
    /// Whether the matching call with index `n` (counting from 0) gets the fault, for a rule seeded with `seed`.
    ///
    /// ```
    /// use regmock::faults::Schedule;
    /// let draws = |seed| (0..20).map(|n| Schedule::Probability(0.5).fires(n, seed)).collect::<Vec<_>>();
    /// assert_eq!(draws(7), draws(7));
    /// ```
    pub fn fires(self, n: u64, seed: u64) -> bool {
        match self {
            Schedule::Always => true,
            Schedule::EveryNth(every) => every != 0 && (n % every) + 1 == every,
            Schedule::FirstN(first) => n < first,
            Schedule::Probability(p) => draw(seed, n, Stream::Schedule).f64() < p,
        }
    }

    /// Checks the numbers a client gave: N ≥ 1 for every and first (a rule that can never fire is a mistake, not a
    /// rule), p a number from 0 to 1.
    ///
    /// ```
    /// use regmock::faults::Schedule;
    /// assert!(Schedule::Probability(1.5).validate().is_err());
    /// assert!(Schedule::FirstN(0).validate().is_err());
    /// assert!(Schedule::EveryNth(3).validate().is_ok());
    /// ```
    pub fn validate(self) -> Result<(), String> {
        match self {
            Schedule::EveryNth(0) => Err("every must be 1 or more".into()),
            Schedule::FirstN(0) => Err("first must be 1 or more (first=0 would never fire)".into()),
            Schedule::Probability(p) if !(0.0..=1.0).contains(&p) => Err(format!(
                "probability {p} is not a number from 0 to 1 (e.g. 0.25)"
            )),
            _ => Ok(()),
        }
    }
}

/// Which independent sequence a draw comes from, so a rule's schedule and its random latency do not share numbers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    /// Whether a call fires.
    Schedule,
    /// How long a random latency is.
    Latency,
}

/// The random generator for call `n` of a rule seeded with `seed`, on `stream`: a pure function of the three, so
/// concurrent calls need no shared generator and no lock.
pub(crate) fn draw(seed: u64, n: u64, stream: Stream) -> fastrand::Rng {
    // splitmix64's constants spread nearby (seed, n) pairs over the whole seed space before fastrand's own mixing.
    let stream = match stream {
        Stream::Schedule => 0x9E37_79B9_7F4A_7C15_u64,
        Stream::Latency => 0xBF58_476D_1CE4_E5B9_u64,
    };
    let mixed = seed
        .wrapping_mul(0x94D0_49BB_1331_11EB)
        .wrapping_add(n.wrapping_mul(stream))
        .rotate_left(31)
        ^ stream;
    fastrand::Rng::with_seed(mixed)
}
