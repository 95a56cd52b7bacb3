//! Latency and socket faults (see [`crate::faults`]): the handler waits out a delay and arms the connection's
//! [`SocketFaultSlot`]; [`FaultyIo`], around the connection's stream, then mistreats the bytes hyper writes for that
//! answer: a reset (TCP RST, through `SO_LINGER` 0), a close after the head, a truncated body or a drip.
//!
//! The fault is applied below hyper, on the bytes, because hyper offers no way to send half an answer on purpose. The
//! end of the head is found as the first `\r\n\r\n` after arming: HTTP/1 answers are written in order, and the next
//! request of the connection is not read before this answer is written.

use super::answer_clock::AnswerClock;
use super::{App, own_answer};
use crate::faults::SocketFault;
use crate::http::{Request, Response};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;
use tokio_io_timeout::TimeoutWriter;

/// The blank line that ends an answer's head.
const HEAD_END: u32 = u32::from_be_bytes(*b"\r\n\r\n");

/// How often a drip sends its next bytes.
const DRIP_TICK: Duration = Duration::from_millis(100);

/// A socket fault armed for the next answer of one connection, shared by its handler and its [`FaultyIo`].
#[derive(Clone, Default)]
pub(super) struct SocketFaultSlot(Arc<Slot>);

#[derive(Default)]
struct Slot {
    /// Whether `fault` holds one: read on every write without taking the lock, so clean answers pay one atomic load.
    armed: AtomicBool,
    fault: Mutex<Option<Armed>>,
}

#[derive(Debug, Clone, Copy)]
struct Armed {
    fault: SocketFault,
    body_len: usize,
}

impl SocketFaultSlot {
    fn arm(&self, fault: SocketFault, body_len: usize) {
        *self.0.fault.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(Armed { fault, body_len });
        self.0.armed.store(true, Ordering::Release);
    }

    fn is_armed(&self) -> bool {
        self.0.armed.load(Ordering::Acquire)
    }

    fn take(&self) -> Option<Armed> {
        if !self.0.armed.swap(false, Ordering::AcqRel) {
            return None;
        }
        self.0
            .fault
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// The emulator's answer to a request read whole, with its fault rules applied: the delay waited out here, a socket
/// fault armed on `slot`. Without a slot (the router served by something other than this server), a socket fault is
/// answered with a 500 that says so instead of being dropped silently.
pub(super) async fn faulted(
    app: &App,
    request: Request,
    slot: Option<&SocketFaultSlot>,
) -> Response {
    let delivered = app.dispatcher.deliver(&app.emulator, request).await;
    if !delivered.delay.is_zero() {
        tokio::time::sleep(delivered.delay).await;
    }
    match (delivered.socket, slot) {
        (None, _) => delivered.response,
        (Some(fault), Some(slot)) => {
            slot.arm(fault, delivered.response.body.len());
            delivered.response
        }
        (Some(fault), None) => own_answer(
            500,
            &format!(
                "regmock: the socket fault {fault:?} needs a connection served by regmock serve or \
                 transport::server::spawn*"
            ),
        ),
    }
}

/// What [`FaultyIo`] is doing to the answer being written.
enum State {
    /// Passing bytes through.
    Clean,
    /// Writing the answer of an armed fault: `head_window` holds the last bytes seen, to find the head's end.
    Faulting {
        armed: Armed,
        head_window: u32,
        head_done: bool,
        body_written: usize,
        drip: Option<Drip>,
    },
    /// The fault ended the connection: every further write fails and shutdown sends nothing more.
    Dead,
}

struct Drip {
    per_tick: usize,
    sleep: Option<Pin<Box<Sleep>>>,
}

/// The connection's stream, with the socket faults armed on its slot applied to what hyper writes, and clean answers
/// held to the answer timeout.
pub(super) struct FaultyIo {
    inner: Pin<Box<TimeoutWriter<TcpStream>>>,
    slot: SocketFaultSlot,
    state: State,
    clock: AnswerClock,
}

impl FaultyIo {
    pub(super) fn new(
        inner: Pin<Box<TimeoutWriter<TcpStream>>>,
        slot: SocketFaultSlot,
        answer_timeout: Duration,
    ) -> FaultyIo {
        FaultyIo {
            inner,
            slot,
            state: State::Clean,
            clock: AnswerClock::new(answer_timeout),
        }
    }

    /// The end of a drip: the connection goes on as usual, the next answer on its own clock.
    fn drip_done(&mut self) {
        self.state = State::Clean;
        self.clock.restart();
    }

    /// Resets instead of closing: `SO_LINGER` 0 makes the close that follows (hyper drops the stream on the error
    /// returned here) send RST and discard anything unsent.
    fn reset(&mut self) -> io::Error {
        let stream: &TcpStream = self.inner.as_ref().get_ref().get_ref();
        let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
        self.state = State::Dead;
        io::Error::new(io::ErrorKind::ConnectionReset, "regmock: injected reset")
    }

    fn close(&mut self) -> io::Error {
        self.state = State::Dead;
        io::Error::new(io::ErrorKind::BrokenPipe, "regmock: injected close")
    }
}

/// Bytes per [`DRIP_TICK`] for `bytes_per_second`, raised so that a `body_len` body is all sent within `within`.
fn drip_per_tick(bytes_per_second: u64, within: Duration, body_len: usize) -> usize {
    let ticks_per_second = 1000 / DRIP_TICK.as_millis().max(1);
    let at_rate = u128::from(bytes_per_second).div_ceil(ticks_per_second);
    let ticks_within = (within.as_millis() / DRIP_TICK.as_millis().max(1)).max(1);
    let to_finish = (body_len as u128).div_ceil(ticks_within);
    usize::try_from(at_rate.max(to_finish).max(1)).unwrap_or(usize::MAX)
}

impl AsyncWrite for FaultyIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if matches!(this.state, State::Clean)
            && let Some(armed) = this.slot.take()
        {
            if let SocketFault::Reset = armed.fault {
                return Poll::Ready(Err(this.reset()));
            }
            let drip = match armed.fault {
                SocketFault::Drip {
                    bytes_per_second,
                    within,
                } => Some(Drip {
                    per_tick: drip_per_tick(bytes_per_second, within, armed.body_len),
                    sleep: None,
                }),
                _ => None,
            };
            this.state = State::Faulting {
                armed,
                head_window: 0,
                head_done: false,
                body_written: 0,
                drip,
            };
        }
        let (allowed, is_body) = match &mut this.state {
            State::Clean => {
                this.clock.before_write()?;
                return this.inner.as_mut().poll_write(cx, buf);
            }
            State::Dead => return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
            State::Faulting {
                head_window,
                head_done: false,
                ..
            } => {
                // Up to and including the head's blank line, the bytes pass.
                let mut window = *head_window;
                let end = buf.iter().position(|&b| {
                    window = (window << 8) | u32::from(b);
                    window == HEAD_END
                });
                (end.map_or(buf.len(), |e| e + 1), false)
            }
            State::Faulting {
                armed,
                body_written,
                drip,
                ..
            } => {
                let body_left = armed
                    .fault
                    .body_bytes_sent(armed.body_len)
                    .saturating_sub(*body_written);
                if body_left == 0 {
                    if let SocketFault::Drip { .. } = armed.fault {
                        // The whole answer is out: what follows is clean.
                        this.drip_done();
                        this.clock.before_write()?;
                        return this.inner.as_mut().poll_write(cx, buf);
                    }
                    return Poll::Ready(Err(this.close()));
                }
                let allowed = match drip {
                    Some(drip) => {
                        if let Some(sleep) = drip.sleep.as_mut() {
                            ready!(sleep.as_mut().poll(cx));
                        }
                        drip.sleep = Some(Box::pin(tokio::time::sleep(DRIP_TICK)));
                        body_left.min(drip.per_tick)
                    }
                    None => body_left,
                };
                (allowed.min(buf.len()), true)
            }
        };
        let written = ready!(this.inner.as_mut().poll_write(cx, &buf[..allowed]))?;
        if let State::Faulting {
            head_window,
            head_done,
            body_written,
            ..
        } = &mut this.state
        {
            if is_body {
                *body_written = body_written.saturating_add(written);
            } else {
                for &b in &buf[..written] {
                    *head_window = (*head_window << 8) | u32::from(b);
                    *head_done |= *head_window == HEAD_END;
                }
            }
        }
        Poll::Ready(Ok(written))
    }

    /// Vectored, as the bare `TcpStream` is: hyper then sends an answer's head and body in one `writev` instead of
    /// first copying the body into its own buffer, which grows with the largest answer (the copy showed in profiles
    /// of 2 KiB answers; for the examples' answers of under 1 KiB, instruction counts did not change measurably).
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if matches!(self.state, State::Clean) && !self.slot.is_armed() {
            self.clock.before_write()?;
            return self.inner.as_mut().poll_write_vectored(cx, bufs);
        }
        // A fault counts the bytes it lets through: one buffer at a time, which a vectored write may do.
        let first = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &**b);
        self.poll_write(cx, first)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.inner.as_mut().poll_flush(cx))?;
        // An answer whose body is all out (or empty) gets no further write to end it on: end it here.
        if let State::Faulting {
            armed,
            head_done: true,
            body_written,
            ..
        } = &self.state
            && *body_written >= armed.fault.body_bytes_sent(armed.body_len)
        {
            if let SocketFault::Drip { .. } = armed.fault {
                self.drip_done();
            } else {
                return Poll::Ready(Err(self.close()));
            }
        }
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.state {
            // A reset must not be preceded by a FIN; a close needs none either (the drop closes).
            State::Dead => Poll::Ready(Ok(())),
            _ => self.inner.as_mut().poll_shutdown(cx),
        }
    }
}

impl AsyncRead for FaultyIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(self.inner.as_mut().poll_read(cx, buf))?;
        if buf.filled().len() > before {
            self.clock.restart();
        }
        Poll::Ready(Ok(()))
    }
}
