//! The answer timeout: how long the connection may spend writing what a client asked for.
//!
//! The write timeout bounds one write that waits, so a client that stops reading is cut off. A client that reads a
//! little now and then makes every write progress, and could hold a large answer (and its memory) for hours. The clock
//! here starts at the first byte written after the client last sent something, and a write after it ran out fails,
//! which closes the connection. Like Go's `http.Server.WriteTimeout`, it counts the whole answer, not its pieces.
//!
//! It is checked on each write, without a timer of its own: a write that waits is woken by the client's reading or
//! ended by the write timeout, so a connection outlives its answer timeout by at most the write timeout.

use std::io;
use std::time::{Duration, Instant};

/// The state of one connection's answer timeout.
#[derive(Debug)]
pub(super) struct AnswerClock {
    timeout: Duration,
    /// When the first byte after the client's last bytes was written; `None` until then.
    started: Option<Instant>,
}

impl AnswerClock {
    pub(super) fn new(timeout: Duration) -> AnswerClock {
        AnswerClock {
            timeout,
            started: None,
        }
    }

    /// What is written next is a new answer, on a new clock: the client sent bytes, or a drip fault (exempt from the
    /// timeout, which it is meant to test clients against) has let its answer out.
    pub(super) fn restart(&mut self) {
        self.started = None;
    }

    /// Called before each write: starts the clock on the first, and fails once the answer has taken too long.
    pub(super) fn before_write(&mut self) -> io::Result<()> {
        self.check_at(Instant::now())
    }

    fn check_at(&mut self, now: Instant) -> io::Result<()> {
        match self.started {
            None => {
                self.started = Some(now);
                Ok(())
            }
            Some(started) if now.saturating_duration_since(started) > self.timeout => {
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "regmock: the answer took longer than the answer timeout to be read",
                ))
            }
            Some(_) => Ok(()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(10);

    #[test]
    fn writes_within_the_timeout_of_the_first_pass() {
        let mut clock = AnswerClock::new(TIMEOUT);
        let start = Instant::now();
        assert!(clock.check_at(start).is_ok());
        assert!(clock.check_at(start + TIMEOUT).is_ok());
    }

    #[test]
    fn a_write_after_the_timeout_fails() {
        let mut clock = AnswerClock::new(TIMEOUT);
        let start = Instant::now();
        clock.check_at(start).unwrap();
        let late = clock.check_at(start + TIMEOUT + Duration::from_millis(1));
        assert_eq!(late.map_err(|e| e.kind()), Err(io::ErrorKind::TimedOut));
    }

    #[test]
    fn the_client_sending_starts_a_new_answer() {
        let mut clock = AnswerClock::new(TIMEOUT);
        let start = Instant::now();
        clock.check_at(start).unwrap();
        clock.restart();
        // The next answer's first write starts its own clock, however late it comes.
        let later = start + 3 * TIMEOUT;
        assert!(clock.check_at(later).is_ok());
        assert!(clock.check_at(later + TIMEOUT).is_ok());
    }
}
