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

mod apply;
mod duration;
mod file;
mod registry;
mod rule;
mod schedule;
mod shape;
mod spec;

pub use apply::{Decision, Delivered, Effect, answer, malformed_body};
pub use duration::{MAX_DURATION, format_duration, parse_delay, parse_duration};
pub use file::FaultsFile;
pub use registry::{Faults, RuleId, RuleStatus};
pub use rule::{
    DEFAULT_DRIP_WITHIN, DEFAULT_RETRY_AFTER_SECS, ERROR_STATUSES, FaultKind, FaultRule, Scope,
    SocketFault,
};
pub use schedule::Schedule;
