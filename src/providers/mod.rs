//! Provider dialects: one folder per vendor API, each a [`Spec`](crate::pipeline::Spec) for the shared pipeline.
//!
//! The [`PROVIDERS`] table is the registration: the emulator, the transports, the CLI and the test harness loop over it
//! and never match on provider names. Handlers do no I/O; the clock, credentials and options come in through
//! [`Ctx`](crate::pipeline::Ctx).

pub mod ncr;
pub mod swr;
pub mod tcr;

use crate::pipeline::Provider;

/// Every provider regmock emulates, in routing order.
pub static PROVIDERS: &[&dyn Provider] = &[&swr::Swr, &ncr::Ncr, &tcr::Tcr];
