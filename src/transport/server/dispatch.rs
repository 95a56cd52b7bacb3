//! Where [`Emulator::dispatch`] runs. It is synchronous and may take seconds (a filtered, sorted list over a million
//! tags), so it must never occupy every runtime worker: connections on a blocked worker would wait for it.
//!
//! Sending every dispatch to tokio's blocking pool would fix that, but the hand-off costs about as much as a small
//! answer: measured on 2 cores with 8 keep-alive clients, CPU per request rose from about 65 µs to 95 µs and context
//! switches from 0.03 to 2.8 per request. So dispatches run on the current worker while fewer than `workers - 1` do,
//! and only the ones beyond go to the blocking pool: at least one worker is always free.
//!
//! Under load on 2 cores that still sent about half the dispatches to the pool (strace: 0.53 futex calls a request
//! against a bare server's 0.13), although with a small dataset no answer can take long. So while the data served
//! holds fewer than [`INLINE_BELOW_TAGS`] tags (the default dataset has about 5,000), every dispatch runs inline.

use super::own_answer;
use crate::Emulator;
use crate::faults::Delivered;
use crate::http::{Request, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this many tags in the data served, every dispatch runs on the current worker: the slowest answer then (an
/// SWR repository list naming every tag, about 90 ns a tag) stays around a millisecond.
pub(super) const INLINE_BELOW_TAGS: usize = 20_000;

/// Runs dispatches inline (all of them over small data, up to a bound over large data), and on the blocking pool
/// beyond it.
#[derive(Clone)]
pub(super) struct Dispatcher {
    inline: Arc<AtomicUsize>,
    max_inline: usize,
}

/// A claimed inline slot, given back when dropped (also if dispatch panicked).
struct InlineSlot(Arc<AtomicUsize>);

impl Drop for InlineSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Dispatcher {
    /// Sized for the runtime this is called on; outside one (or on a single worker), every dispatch over data of
    /// [`INLINE_BELOW_TAGS`] tags or more goes to the blocking pool.
    pub(super) fn for_current_runtime() -> Dispatcher {
        let workers =
            tokio::runtime::Handle::try_current().map_or(1, |h| h.metrics().num_workers());
        Dispatcher {
            inline: Arc::default(),
            max_inline: workers.saturating_sub(1),
        }
    }

    fn try_inline(&self, emulator: &Emulator) -> Option<InlineSlot> {
        if emulator.live().tag_count() < INLINE_BELOW_TAGS {
            self.inline.fetch_add(1, Ordering::AcqRel);
            return Some(InlineSlot(self.inline.clone()));
        }
        self.inline
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max_inline).then_some(n + 1)
            })
            .ok()
            .map(|_| InlineSlot(self.inline.clone()))
    }

    /// The emulator's answer to `request`.
    pub(super) async fn dispatch(&self, emulator: &Emulator, request: Request) -> Response {
        if let Some(_slot) = self.try_inline(emulator) {
            return emulator.dispatch(&request);
        }
        let emulator = emulator.clone();
        Self::blocking(move || emulator.dispatch(&request)).await
    }

    /// The emulator's answer to `request` with its fault rules' delay and socket fault, run as
    /// [`Dispatcher::dispatch`].
    pub(super) async fn deliver(&self, emulator: &Emulator, request: Request) -> Delivered {
        if let Some(_slot) = self.try_inline(emulator) {
            return emulator.deliver(&request);
        }
        let emulator = emulator.clone();
        tokio::task::spawn_blocking(move || emulator.deliver(&request))
            .await
            // Only a panic in dispatch (a bug) or a runtime shutting down gets here.
            .unwrap_or_else(|_| {
                own_answer(500, "regmock: the emulator failed on this request").into()
            })
    }

    /// Runs `answer` (a replay or an admin call, either of which may read `emulator`'s data) inline or on the
    /// blocking pool, as [`Dispatcher::dispatch`].
    pub(super) async fn run(
        &self,
        emulator: &Emulator,
        answer: impl FnOnce() -> Response + Send + 'static,
    ) -> Response {
        if let Some(_slot) = self.try_inline(emulator) {
            return answer();
        }
        Self::blocking(answer).await
    }

    async fn blocking(answer: impl FnOnce() -> Response + Send + 'static) -> Response {
        tokio::task::spawn_blocking(answer)
            .await
            // Only a panic in dispatch (a bug) or a runtime shutting down gets here.
            .unwrap_or_else(|_| own_answer(500, "regmock: the emulator failed on this request"))
    }
}
