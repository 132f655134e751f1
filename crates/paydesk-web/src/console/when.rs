//! Times as console pages show them: relative ("3 h ago", "in 20 min") to read at a
//! glance, with the exact UTC time for `<time datetime>` and its title.

use paydesk_domain::Timestamp;

/// One instant, ready for a `<time>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    /// RFC 3339, for the `datetime` attribute.
    pub iso: String,
    /// `2026-11-24 09:30 UTC`.
    pub exact: String,
    /// `3 h ago`, `in 20 min`, `just now`.
    pub relative: String,
}

impl When {
    /// `at` as seen at `now`.
    #[must_use]
    pub fn at(at: Timestamp, now: Timestamp) -> Self {
        let diff = now.since(at);
        let relative = if diff.abs() < Timestamp::MINUTE {
            "just now".to_string()
        } else if diff > 0 {
            format!("{} ago", span(diff))
        } else {
            format!("in {}", span(-diff))
        };
        Self {
            iso: at.rfc3339(),
            exact: exact(at),
            relative,
        }
    }
}

/// `2026-11-24 09:30 UTC`.
#[must_use]
pub fn exact(at: Timestamp) -> String {
    match jiff::Timestamp::from_millisecond(at.0) {
        Ok(ts) => ts.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => at.rfc3339(),
    }
}

/// A duration in the two largest units that matter: `2 d 3 h`, `4 h 10 min`, `25 min`,
/// `less than a minute`.
#[must_use]
pub fn span(millis: i64) -> String {
    let minutes = millis.max(0) / Timestamp::MINUTE;
    let (days, hours, mins) = (minutes / 1_440, minutes % 1_440 / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, 0) => "less than a minute".to_string(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_790_000_000_000);

    #[test]
    fn reads_past_and_future_at_a_glance() {
        assert_eq!(
            When::at(NOW.plus_millis(-3 * Timestamp::HOUR), NOW).relative,
            "3 h ago"
        );
        assert_eq!(
            When::at(NOW.plus_millis(20 * Timestamp::MINUTE), NOW).relative,
            "in 20 min"
        );
        assert_eq!(When::at(NOW, NOW).relative, "just now");
    }

    #[test]
    fn spans_keep_the_two_largest_units() {
        assert_eq!(
            span(26 * Timestamp::HOUR + 5 * Timestamp::MINUTE),
            "1 d 2 h"
        );
        assert_eq!(span(2 * Timestamp::DAY), "2 d");
        assert_eq!(span(90 * Timestamp::MINUTE), "1 h 30 min");
        assert_eq!(span(59_000), "less than a minute");
    }

    #[test]
    fn exact_time_is_utc_to_the_minute() {
        assert_eq!(exact(Timestamp(0)), "1970-01-01 00:00 UTC");
    }
}
