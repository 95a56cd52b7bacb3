//! The progress line on a terminal: which check runs, how many of the run's checks are done, the check's cases so far
//! and the elapsed time, redrawn in place on stderr. Only when asked ([`Config::progress`](super::Config::progress),
//! which `regmock conform` sets when stderr is a terminal): a pipe or a CI log gets nothing, so the reports stay the
//! only output.

use std::io::Write;
use std::time::{Duration, Instant};

/// Least time between two redraws: fast targets answer thousands of requests a second.
const REDRAW: Duration = Duration::from_millis(100);

/// The state of the progress line.
#[derive(Debug)]
pub(crate) struct Progress {
    enabled: bool,
    started: Instant,
    last_draw: Option<Instant>,
    checks: usize,
    done: usize,
    check: &'static str,
}

impl Progress {
    pub(crate) fn new(enabled: bool, checks: usize) -> Progress {
        Progress {
            enabled,
            started: Instant::now(),
            last_draw: None,
            checks,
            done: 0,
            check: "",
        }
    }

    /// A check starts.
    pub(crate) fn start(&mut self, check: &'static str) {
        self.check = check;
        self.last_draw = None;
        self.cases(0);
    }

    /// A check ended.
    pub(crate) fn finish(&mut self) {
        self.done += 1;
    }

    /// The current check has judged `cases` cases.
    pub(crate) fn cases(&mut self, cases: u32) {
        if !self.enabled || self.last_draw.is_some_and(|t| t.elapsed() < REDRAW) {
            return;
        }
        self.last_draw = Some(Instant::now());
        let line = line(
            self.check,
            self.done,
            self.checks,
            cases,
            self.started.elapsed(),
        );
        // A broken stderr is no reason to stop judging.
        let _ = write!(std::io::stderr(), "\r\x1b[K{line}");
    }

    /// Clears the line before the reports are printed.
    pub(crate) fn clear(&self) {
        if self.enabled {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
    }
}

/// One progress line.
fn line(check: &str, done: usize, checks: usize, cases: u32, elapsed: Duration) -> String {
    format!(
        "regmock conform: [{done}/{checks}] {check}: {cases} cases, {:.1} s",
        elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_check_the_checks_done_the_cases_and_the_time() {
        assert_eq!(
            line("swr.tags.filter", 3, 20, 7, Duration::from_millis(2500)),
            "regmock conform: [3/20] swr.tags.filter: 7 cases, 2.5 s"
        );
    }

    #[test]
    fn a_disabled_line_never_draws() {
        let mut p = Progress::new(false, 1);
        p.start("x");
        p.cases(1);
        assert!(p.last_draw.is_none());
    }
}
