//! The request log's writer: stderr, written in batches.
//!
//! `serve` logs one line per request, and one `write` to stderr per line cost about as much CPU as the rest of a small
//! answer when stderr is a file (measured under `wrk -c32` on 2 cores). So lines collect in a buffer that goes to
//! stderr when it holds [`BATCH_BYTES`], every [`FLUSH_EVERY`] from a background thread, and when `serve` ends (the
//! [`Flushed`] guard): a line appears at most [`FLUSH_EVERY`] after its request, and none is lost on a graceful stop.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;
use tracing_subscriber::fmt::MakeWriter;

/// A buffer this full is written at once, by the request that filled it.
const BATCH_BYTES: usize = 16 << 10;

/// How often the background thread writes what has collected.
const FLUSH_EVERY: Duration = Duration::from_millis(50);

/// stderr in batches, for `tracing_subscriber::fmt().with_writer(..)`.
#[derive(Clone)]
pub(crate) struct BatchedStderr(Arc<Buffer>);

/// Writes what is left when dropped (at the end of `serve`).
pub(crate) struct Flushed(Arc<Buffer>);

pub(crate) struct Buffer(Mutex<Vec<u8>>);

impl BatchedStderr {
    /// The writer, its flushing thread started, and the guard that writes the rest at the end.
    pub(crate) fn start() -> (BatchedStderr, Flushed) {
        let buffer = Arc::new(Buffer(Mutex::new(Vec::with_capacity(BATCH_BYTES))));
        let weak: Weak<Buffer> = Arc::downgrade(&buffer);
        // The thread ends once the writer and the guard are gone.
        std::thread::Builder::new()
            .name("regmock-log".into())
            .spawn(move || {
                while let Some(buffer) = {
                    std::thread::sleep(FLUSH_EVERY);
                    weak.upgrade()
                } {
                    buffer.write_out();
                }
            })
            // Without the thread, lines still go out in full batches and at the end.
            .ok();
        (BatchedStderr(buffer.clone()), Flushed(buffer))
    }
}

impl BatchedStderr {
    /// Adds one whole line (the request log's direct path, see `regmock::request_log`).
    pub(crate) fn write_line(&self, line: &[u8]) {
        // Writing to the buffer cannot fail.
        let _ = (&*self.0).write_all(line);
    }
}

impl Buffer {
    /// Writes the collected lines to stderr. The lock is held while writing, so batches keep their order; a stderr
    /// nobody reads blocks the logging requests as unbuffered writes would.
    fn write_out(&self) {
        drain(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

/// Writes `buf` to stderr and empties it.
fn drain(buf: &mut Vec<u8>) {
    if !buf.is_empty() {
        // A closed stderr is not a reason to stop serving.
        let _ = io::stderr().write_all(buf);
        buf.clear();
    }
}

impl Write for &Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut buf = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        buf.extend_from_slice(bytes);
        if buf.len() >= BATCH_BYTES {
            drain(&mut buf);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_out();
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BatchedStderr {
    type Writer = &'a Buffer;

    fn make_writer(&'a self) -> Self::Writer {
        &self.0
    }
}

impl Drop for Flushed {
    fn drop(&mut self) {
        self.0.write_out();
    }
}
