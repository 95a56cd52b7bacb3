//! Behaviour switches of an emulator. Options every provider shares are fields; a provider's own switches (SWR's error
//! style, TCR's paging strictness) are types in that provider's folder, stored here by type, so adding a provider adds
//! no field.

use crate::model::ProviderId;
use chrono::{DateTime, Utc};
use std::any::{Any, TypeId};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// A fixed instant, for reproducible signatures and snapshots.
    Fixed(DateTime<Utc>),
}

/// Request-rate limiting for providers whose vendor documents a limit (TCR: 100 requests/second per action and
/// SecretId). Providers that document none are never limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateLimit {
    /// The vendor's documented limit.
    #[default]
    Documented,
    /// No limit.
    Off,
    /// This many requests per second per action and caller, instead of the documented number.
    PerSecond(u32),
}

/// A provider's own options type: anything small, cloneable and with a default.
pub trait ProviderOptions: Any + Clone + Default + std::fmt::Debug + Send + Sync {}
impl<T: Any + Clone + Default + std::fmt::Debug + Send + Sync> ProviderOptions for T {}

trait Stored: Any + std::fmt::Debug + Send + Sync {
    fn as_any(&self) -> &dyn Any;
}
impl<T: Any + std::fmt::Debug + Send + Sync> Stored for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Behaviour switches of an emulator.
///
/// ```
/// use regmock::Options;
/// use regmock::providers::swr::{SwrErrorStyle, SwrOptions};
/// let options = Options::default().with(SwrOptions { error_style: SwrErrorStyle::Legacy });
/// assert_eq!(options.get::<SwrOptions>().error_style, SwrErrorStyle::Legacy);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where "now" comes from.
    pub clock: Clock,
    /// Skip signature/token checks entirely.
    pub no_auth: bool,
    /// Rate limiting where the vendor documents a limit.
    pub rate_limit: RateLimit,
    /// Refuse, with the vendor's parameter error, inputs the docs leave undefined where regmock otherwise picks a
    /// lenient answer (README, "Behaviour where the vendor docs are silent", lists each one).
    pub strict: bool,
    /// Providers served; empty means all.
    pub providers: Vec<ProviderId>,
    /// Each provider's own options, set with [`Options::with`] and read with [`Options::get`].
    pub per_provider: PerProvider,
}

/// Provider options stored by type (see [`Options::with`]); public only so `Options { .., ..Default::default() }`
/// works.
#[derive(Debug, Clone, Default)]
pub struct PerProvider(BTreeMap<TypeId, Arc<dyn Stored>>);

impl Options {
    /// Sets a provider's own options (builder style).
    pub fn with<T: ProviderOptions>(mut self, value: T) -> Options {
        self.per_provider
            .0
            .insert(TypeId::of::<T>(), Arc::new(value));
        self
    }

    /// A provider's own options: the ones set with [`Options::with`], else its defaults.
    pub fn get<T: ProviderOptions>(&self) -> T {
        self.per_provider
            .0
            .get(&TypeId::of::<T>())
            // `Stored` is implemented for `Arc` too: deref to the stored value before asking for its type.
            .and_then(|v| (**v).as_any().downcast_ref::<T>())
            .cloned()
            .unwrap_or_default()
    }
}
