//! Every log line the process writes, at TRACE, from every crate (paydesk, sqlx, and the
//! `log` records of anything else), captured in memory and scanned as it is written.
//!
//! One subscriber serves the whole test binary: a global one, because requests run on
//! every worker thread, where a thread-local default would miss them. Both engines' tests
//! write into it at once; each checks everything captured when it ends.
//!
//! One thing is set aside, by the field it sits in and its shape: the fraction digits of a
//! duration measured in floating point (`ms=0.0381524…` from the access log,
//! `elapsed_secs=0.000734…` from sqlx), which run 13 to 17 digits long and pass Luhn one
//! time in ten. Nothing a client sends can reach those fields.

use crate::scan::{Finding, Hit, find};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use tracing_subscriber::filter::LevelFilter;

/// What the capture has seen so far.
pub struct Capture {
    pub lines: AtomicUsize,
    pub bytes: AtomicUsize,
    /// Lines of the web layer's access log (one per request).
    pub access_lines: AtomicUsize,
    /// Lines of sqlx's statement log.
    pub statement_lines: AtomicUsize,
    /// Lines logging the cause of a server error.
    pub server_error_lines: AtomicUsize,
    /// Hits set aside as duration fractions (see the module documentation).
    pub duration_fractions: AtomicUsize,
    pub findings: Mutex<Vec<Finding>>,
}

pub static CAPTURE: Capture = Capture {
    lines: AtomicUsize::new(0),
    bytes: AtomicUsize::new(0),
    access_lines: AtomicUsize::new(0),
    statement_lines: AtomicUsize::new(0),
    server_error_lines: AtomicUsize::new(0),
    duration_fractions: AtomicUsize::new(0),
    findings: Mutex::new(Vec::new()),
};

/// Installs the capture (once per process).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        tracing_subscriber::fmt()
            .with_max_level(LevelFilter::TRACE)
            .with_ansi(false)
            .with_writer(Line::default)
            .try_init()
            .unwrap();
    });
}

/// One formatted event; scanned when the formatter drops it.
#[derive(Default)]
pub struct Line(Vec<u8>);

impl io::Write for Line {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let text = &self.0;
        let c = &CAPTURE;
        c.lines.fetch_add(
            text.iter().filter(|&&b| b == b'\n').count().max(1),
            Ordering::Relaxed,
        );
        c.bytes.fetch_add(text.len(), Ordering::Relaxed);
        if contains(text, b"paydesk_web::access_log") {
            c.access_lines.fetch_add(1, Ordering::Relaxed);
        }
        if contains(text, b"request failed") {
            c.server_error_lines.fetch_add(1, Ordering::Relaxed);
        }
        if contains(text, b"sqlx::query") {
            c.statement_lines.fetch_add(1, Ordering::Relaxed);
        }
        for hit in find(text) {
            if is_duration_fraction(text, &hit) {
                c.duration_fractions.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let place = format!("log line «{}»", first_words(text));
            c.findings
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(Finding::new(place, text, &hit));
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The level and target of a line, to say where a finding came from.
fn first_words(text: &[u8]) -> String {
    String::from_utf8_lossy(text)
        .split_whitespace()
        .skip(1)
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Floating-point duration fields: their digits after the point are not card data.
const DURATION_FIELDS: &[&[u8]] = &[b"ms", b"elapsed_secs"];

/// Whether the hit lies wholly in the fraction digits of `<field>=<digits>.<digits>` for a
/// duration field, with nothing joined to those digits on either side.
fn is_duration_fraction(text: &[u8], hit: &Hit) -> bool {
    let is_digit = |i: usize| text.get(i).is_some_and(u8::is_ascii_digit);
    let mut frac_start = hit.start;
    while frac_start > 0 && is_digit(frac_start - 1) {
        frac_start -= 1;
    }
    let mut frac_end = hit.end;
    while is_digit(frac_end) {
        frac_end += 1;
    }
    if hit.end > frac_end
        || text.get(frac_end).is_some_and(|&b| b == b' ' || b == b'-') && is_digit(frac_end + 1)
    {
        return false;
    }
    let Some(point) = frac_start.checked_sub(1) else {
        return false;
    };
    if text[point] != b'.' {
        return false;
    }
    let mut int_start = point;
    while int_start > 0 && is_digit(int_start - 1) {
        int_start -= 1;
    }
    if int_start == point || int_start == 0 || text[int_start - 1] != b'=' {
        return false;
    }
    let name_end = int_start - 1;
    DURATION_FIELDS.iter().any(|name| {
        name_end >= name.len()
            && &text[name_end - name.len()..name_end] == *name
            && (name_end == name.len() || text[name_end - name.len() - 1] == b' ')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_aside(line: &str) -> Vec<bool> {
        find(line.as_bytes())
            .iter()
            .map(|h| is_duration_fraction(line.as_bytes(), h))
            .collect()
    }

    #[test]
    fn only_duration_fractions_are_set_aside() {
        // 0.4111111111111111: its fraction is a valid card number.
        assert_eq!(set_aside("x ms=0.4111111111111111 y"), [true]);
        assert_eq!(set_aside("x elapsed_secs=12.4111111111111111"), [true]);
        assert_eq!(set_aside("x body=0.4111111111111111"), [false]);
        assert_eq!(set_aside("x ms=4111111111111111"), [false]);
        assert_eq!(set_aside("x ms=0.4111111111111111-1234"), [false]);
        assert_eq!(set_aside("x xms=0.4111111111111111"), [false]);
    }
}
