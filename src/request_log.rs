//! The request log's direct path.
//!
//! The emulator logs one line per request (target `regmock::request`). Through `tracing-subscriber`, that line cost
//! `serve` more CPU than the rest of a small answer: 5–8 µs of about 30 µs a request, measured under `wrk -c32` on
//! 2 cores. So `serve`, when its log is on for that target and goes to a file or pipe (not a terminal, where tracing's
//! colours are kept), installs a [`RequestLog`]. It writes the same line, byte for byte in both formats, with the same
//! formatting primitives (`Debug` for text fields, `serde_json` for JSON), but without tracing's per-event machinery.
//! Without one installed (a library user with a `tracing` subscriber), the line goes through `tracing`.

use serde::Serialize;
use std::cell::RefCell;
use std::io::Write as _;
use std::sync::OnceLock;

/// The fields of one request's line, in the order both formats print them.
#[derive(Debug, Serialize)]
pub struct Line<'a> {
    /// `swr`, `ncr`, `tcr`, or `-` when no provider claimed the request.
    pub provider: &'a str,
    /// The SDK's name of the operation, or `-`.
    pub operation: &'a str,
    /// The request method.
    pub method: &'a str,
    /// The request target as received.
    pub uri: &'a str,
    /// The answer's status.
    pub status: u16,
    /// Time spent answering, in milliseconds.
    pub latency_ms: f64,
    /// The request id as the client sees it.
    pub request_id: &'a str,
    /// The `X-Regmock-Explain` text of an explained failure, or empty.
    pub explain: &'a str,
}

impl Line<'_> {
    /// Emits the line as a `tracing` event (target `regmock::request`, level INFO), which tracing-subscriber's
    /// formats print as [`RequestLog`] does: the path taken when no log is installed.
    pub(crate) fn trace(&self) {
        tracing::info!(
            target: "regmock::request",
            provider = self.provider,
            operation = self.operation,
            method = %self.method,
            uri = %self.uri,
            status = self.status,
            latency_ms = self.latency_ms,
            request_id = %self.request_id,
            explain = self.explain,
            "request"
        );
    }
}

/// How lines are written: tracing-subscriber's default text format, or its JSON format with the fields flattened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `<time>  INFO regmock::request: request provider="swr" ... explain=""`.
    Human,
    /// `{"timestamp":..,"level":"INFO","message":"request","provider":..,..,"target":"regmock::request"}`.
    Json,
}

/// What a finished line (newline included) is handed to.
type WriteLine = Box<dyn Fn(&[u8]) + Send + Sync>;

/// Where and how request lines are written.
pub struct RequestLog {
    format: Format,
    write: WriteLine,
}

static INSTALLED: OnceLock<RequestLog> = OnceLock::new();

impl RequestLog {
    /// A log writing each finished line (newline included) with `write`.
    ///
    /// ```
    /// use regmock::request_log::{Format, Line, RequestLog};
    /// let log = RequestLog::new(Format::Json, |line| assert!(line.ends_with(b"}\n")));
    /// log.write(&Line { provider: "swr", operation: "-", method: "GET", uri: "/", status: 404,
    ///     latency_ms: 0.5, request_id: "id", explain: "" });
    /// ```
    pub fn new(format: Format, write: impl Fn(&[u8]) + Send + Sync + 'static) -> RequestLog {
        RequestLog {
            format,
            write: Box::new(write),
        }
    }

    /// Makes `self` the process's request log; `false` when one is installed already (it stays).
    pub fn install(self) -> bool {
        INSTALLED.set(self).is_ok()
    }

    /// Formats `line` and writes it.
    pub fn write(&self, line: &Line<'_>) {
        thread_local! {
            // One buffer and one timestamp per thread, reused: a line is formatted for every request.
            static BUF: RefCell<(Vec<u8>, Timestamp)> = RefCell::new((Vec::new(), Timestamp::default()));
        }
        BUF.with_borrow_mut(|(buf, timestamp)| {
            buf.clear();
            let timestamp = timestamp.at(chrono::Utc::now());
            match self.format {
                Format::Human => human(buf, timestamp, line),
                Format::Json => json(buf, timestamp, line),
            }
            buf.push(b'\n');
            (self.write)(buf);
        });
    }
}

/// tracing-subscriber's timestamp (RFC 3339, microseconds, `Z`), kept up to the second: formatting a whole timestamp
/// cost more than the rest of a line, and lines mostly come many to the second.
#[derive(Default)]
struct Timestamp {
    /// The whole second `text` shows.
    second: Option<i64>,
    /// `text` up to and including the seconds: what stays while the second does.
    prefix_len: usize,
    text: String,
}

impl Timestamp {
    /// `now` as text: the date and time up to the second rebuilt only when the second changes, then the microseconds.
    fn at(&mut self, now: chrono::DateTime<chrono::Utc>) -> &str {
        if self.second != Some(now.timestamp()) {
            self.second = Some(now.timestamp());
            self.text = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            self.text.pop(); // the `Z`, which follows the microseconds
            self.prefix_len = self.text.len();
        }
        // Only a leap second's fraction runs past a million, and the system clock shows none: the bound keeps six
        // digits.
        let micros = now.timestamp_subsec_micros().min(999_999);
        self.text.truncate(self.prefix_len);
        self.text.push('.');
        for place in [100_000, 10_000, 1_000, 100, 10, 1] {
            self.text
                .push(char::from(b'0' + (micros / place % 10) as u8));
        }
        self.text.push('Z');
        &self.text
    }
}

/// The installed request log, if `serve` installed one.
pub(crate) fn installed() -> Option<&'static RequestLog> {
    INSTALLED.get()
}

/// tracing-subscriber's `Full` format without colours: text fields in `Debug` form, the others in `Display` form.
///
/// Written piece by piece rather than with one `write!`: the formatting machinery cost more than the rest of the line.
fn human(buf: &mut Vec<u8>, timestamp: &str, l: &Line<'_>) {
    buf.extend_from_slice(timestamp.as_bytes());
    buf.extend_from_slice(b"  INFO regmock::request: request provider=");
    push_debug(buf, l.provider);
    buf.extend_from_slice(b" operation=");
    push_debug(buf, l.operation);
    buf.extend_from_slice(b" method=");
    buf.extend_from_slice(l.method.as_bytes());
    buf.extend_from_slice(b" uri=");
    buf.extend_from_slice(l.uri.as_bytes());
    // Writing to a Vec cannot fail.
    let _ = write!(
        buf,
        " status={} latency_ms={:?} request_id=",
        l.status, l.latency_ms
    );
    buf.extend_from_slice(l.request_id.as_bytes());
    buf.extend_from_slice(b" explain=");
    push_debug(buf, l.explain);
}

/// `text` as `{:?}` prints it: quoted, with Rust's escapes. Printable ASCII without `"` or `\` (nearly every field)
/// is its own escape and is copied; anything else goes through `Debug`.
fn push_debug(buf: &mut Vec<u8>, text: &str) {
    if text
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        buf.push(b'"');
        buf.extend_from_slice(text.as_bytes());
        buf.push(b'"');
    } else {
        let _ = write!(buf, "{text:?}");
    }
}

/// tracing-subscriber's JSON format with `flatten_event(true)`.
fn json(buf: &mut Vec<u8>, timestamp: &str, line: &Line<'_>) {
    #[derive(Serialize)]
    struct Record<'a> {
        timestamp: &'a str,
        level: &'static str,
        message: &'static str,
        #[serde(flatten)]
        line: &'a Line<'a>,
        target: &'static str,
    }
    let record = Record {
        timestamp,
        level: "INFO",
        message: "request",
        line,
        target: "regmock::request",
    };
    // Plain strings and numbers into a Vec: serialising cannot fail.
    let _ = serde_json::to_writer(buf, &record);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    const LINE: Line<'static> = Line {
        provider: "swr",
        operation: "list_repos_details",
        method: "GET",
        uri: "/v2/manage/repos?limit=1",
        status: 200,
        latency_ms: 0.153_036_999_999_999_98,
        request_id: "c9a78468366146b29e4deea0b9db363f",
        explain: "a \"quoted\"\nline",
    };

    fn formatted(format: fn(&mut Vec<u8>, &str, &Line<'_>)) -> String {
        let mut buf = Vec::new();
        format(&mut buf, "2026-12-01T18:31:31.030101Z", &LINE);
        String::from_utf8(buf).unwrap()
    }

    /// What tracing-subscriber prints for [`Line::trace`], without its timestamp (which cannot be fixed).
    fn traced(json: bool) -> String {
        #[derive(Clone, Default)]
        struct Captured(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Captured {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let captured = Captured::default();
        let writer = captured.clone();
        let builder = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .without_time();
        if json {
            let subscriber = builder.json().flatten_event(true).finish();
            tracing::subscriber::with_default(subscriber, || LINE.trace());
        } else {
            tracing::subscriber::with_default(builder.finish(), || LINE.trace());
        }
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn the_timestamp_is_chronos_rfc3339_with_microseconds() {
        let mut timestamp = Timestamp::default();
        for (secs, nanos) in [
            (1_796_155_841, 0),
            (1_796_155_841, 5_000),
            (1_796_155_841, 999_999_999),
            (1_796_155_842, 123_456_789),
            (0, 1_000),
            (253_402_300_799, 999_999_000),
            (951_782_400, 42_000),
        ] {
            let now = chrono::DateTime::from_timestamp(secs, nanos).unwrap();
            assert_eq!(
                timestamp.at(now),
                now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            );
        }
    }

    #[test]
    fn text_fields_are_written_as_debug_writes_them() {
        for text in [
            "",
            "plain-text_1.2",
            "it's",
            "a \"quoted\" word",
            "back\\slash",
            "tab\tnew\nline",
            "\u{7f}del",
            "caf\u{e9} \u{200b}",
            "~ !#$%&()*+,-./:;<=>?@[]^_`{|}",
        ] {
            let mut buf = Vec::new();
            push_debug(&mut buf, text);
            assert_eq!(String::from_utf8(buf).unwrap(), format!("{text:?}"));
        }
    }

    #[test]
    fn the_human_line_is_tracings_default_format() {
        let line = formatted(human);
        assert_eq!(
            line,
            "2026-12-01T18:31:31.030101Z  INFO regmock::request: request provider=\"swr\" \
             operation=\"list_repos_details\" method=GET uri=/v2/manage/repos?limit=1 status=200 \
             latency_ms=0.15303699999999998 request_id=c9a78468366146b29e4deea0b9db363f \
             explain=\"a \\\"quoted\\\"\\nline\""
        );
        // tracing prints the same after its timestamp and one space.
        let after_time = line.split_once(' ').unwrap().1;
        assert_eq!(traced(false), format!("{after_time}\n"));
    }

    #[test]
    fn the_json_line_is_tracings_flattened_json_format() {
        let line = formatted(json);
        assert_eq!(
            line,
            r#"{"timestamp":"2026-12-01T18:31:31.030101Z","level":"INFO","message":"request","provider":"swr","operation":"list_repos_details","method":"GET","uri":"/v2/manage/repos?limit=1","status":200,"latency_ms":0.15303699999999998,"request_id":"c9a78468366146b29e4deea0b9db363f","explain":"a \"quoted\"\nline","target":"regmock::request"}"#
        );
        // tracing prints the same fields in the same order, only without the timestamp.
        let without_time = line.replace(r#""timestamp":"2026-12-01T18:31:31.030101Z","#, "");
        assert_eq!(traced(true), format!("{without_time}\n"));
    }
}
