//! Reading a request body within the size and time limits.
//!
//! A body over the size limit is still read to its end (and thrown away) when its excess is at most [`DRAIN_BYTES`],
//! before the provider's too-large error is sent. Answering at once and closing would race the client that is still
//! sending: its next write meets a closed socket and it sees a broken pipe or a reset instead of the answer (RFC 9112
//! §9.6 asks servers to read on for that reason; nginx's "lingering close" does the same). A body declared larger than
//! that is refused at once without reading it, as is one that turns out larger while being read.

use super::App;
use hyper::body::{Body, Buf};
use std::pin::Pin;
use std::task::{Context, Poll};

/// How many bytes past the size limit are read and thrown away so that the client sees the answer (4 MiB: on loopback
/// a few milliseconds).
pub(super) const DRAIN_BYTES: u64 = 4 << 20;

/// Why the body was not read whole.
pub(super) enum Unread {
    TooLarge,
    Malformed,
    TimedOut,
}

/// Reads the body whole, within the body size and time limits.
///
/// The timer is armed only when the body is not in by the second poll. A body that arrived with its head (nearly all
/// of them) is handed over by hyper between those two polls, so it is read without a timer, which cost about a
/// microsecond a request to arm and cancel.
pub(super) async fn read_body<B>(app: &App, body: B) -> (Vec<u8>, Option<Unread>)
where
    B: Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let max = app.limits.max_body_bytes;
    // A declared length past what is drained is refused at once: a client that sends less than it declared would
    // otherwise wait for the request timeout, and one that sends it all is not worth reading.
    if body.size_hint().lower() > (max as u64).saturating_add(DRAIN_BYTES) {
        return (Vec::new(), Some(Unread::TooLarge));
    }
    // A declared length (exact for `Content-Length`) sizes the buffer once.
    let declared = usize::try_from(body.size_hint().lower()).unwrap_or(usize::MAX);
    let mut body = std::pin::pin!(body);
    let mut reading = Reading::new(max, declared);
    let mut first_poll = true;
    let quick = std::future::poll_fn(|cx| match reading.poll(body.as_mut(), cx) {
        Poll::Ready(end) => Poll::Ready(Some(end)),
        Poll::Pending if first_poll => {
            first_poll = false;
            // Polled again at once, after hyper's connection task has had its turn to pass the body on.
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        Poll::Pending => Poll::Ready(None),
    })
    .await;
    let end = match quick {
        Some(end) => Some(end),
        None => tokio::time::timeout(
            app.limits.request_timeout,
            std::future::poll_fn(|cx| reading.poll(body.as_mut(), cx)),
        )
        .await
        .ok(),
    };
    match end {
        Some(End::Whole) => (reading.bytes, None),
        Some(End::TooLarge) => (Vec::new(), Some(Unread::TooLarge)),
        Some(End::Malformed) => (Vec::new(), Some(Unread::Malformed)),
        // Out of time while throwing the excess away: the answer is still that it was too large.
        None if reading.over() => (Vec::new(), Some(Unread::TooLarge)),
        None => (Vec::new(), Some(Unread::TimedOut)),
    }
}

/// How a body read ended.
enum End {
    Whole,
    TooLarge,
    /// hyper's decoding errors: a bad chunk size, too many or too large trailers, a body cut short.
    Malformed,
}

/// A body read so far: the bytes kept while within the limit, and how many were seen in all.
struct Reading {
    max: u64,
    bytes: Vec<u8>,
    seen: u64,
}

impl Reading {
    fn new(max: usize, declared: usize) -> Self {
        Reading {
            max: max as u64,
            bytes: Vec::with_capacity(declared.min(max)),
            seen: 0,
        }
    }

    /// Reads frames until the body ends or nothing more has arrived.
    fn poll<B>(&mut self, mut body: Pin<&mut B>, cx: &mut Context<'_>) -> Poll<End>
    where
        B: Body,
    {
        loop {
            match body.as_mut().poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) if self.over() => return Poll::Ready(End::TooLarge),
                Poll::Ready(None) => return Poll::Ready(End::Whole),
                Poll::Ready(Some(Err(_))) => return Poll::Ready(End::Malformed),
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data()
                        && self.take(data)
                    {
                        return Poll::Ready(End::TooLarge);
                    }
                }
            }
        }
    }

    /// Whether more than the limit has been seen.
    fn over(&self) -> bool {
        self.seen > self.max
    }

    /// Keeps `data` while the body is within the limit; true when the body is past what is drained.
    fn take(&mut self, mut data: impl Buf) -> bool {
        self.seen = self.seen.saturating_add(data.remaining() as u64);
        if !self.over() {
            // hyper's frames are `Bytes`, for which this is a view, not a copy.
            self.bytes
                .extend_from_slice(&data.copy_to_bytes(data.remaining()));
            return false;
        }
        // What was kept is thrown away too: the answer is the too-large error.
        self.bytes = Vec::new();
        self.seen > self.max.saturating_add(DRAIN_BYTES)
    }
}
