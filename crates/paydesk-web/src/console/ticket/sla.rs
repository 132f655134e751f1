//! The SLA panel: one row per clock of the ticket, with its target, due time, the time
//! left or overdue, and where it stands, in words as well as colour.

use super::timeline::words;
use crate::console::when::{When, span};
use paydesk_domain::Timestamp;
use paydesk_domain::sla::{ClockState, SlaClock};

/// One clock as the panel shows it.
#[derive(Debug, Clone)]
pub struct ClockRow {
    /// The metric's stable name, for `data-metric`.
    pub metric: &'static str,
    /// The metric in words.
    pub name: String,
    /// The clock state's stable name, for `data-state`.
    pub state: &'static str,
    /// Where it stands, in words ("running", "met, stopped", "paused").
    pub state_words: String,
    pub target: String,
    pub due: Option<When>,
    /// "2 h 10 min left", "overdue by 15 min", or empty when the clock does not run.
    pub left: String,
    /// `on_track`, `at_risk`, `breached` or `none`: the colour of `left`.
    pub tone: &'static str,
}

/// The rows for `clocks`, as seen at `now`.
#[must_use]
pub fn rows(clocks: &[SlaClock], now: Timestamp) -> Vec<ClockRow> {
    clocks.iter().map(|c| row(c, now)).collect()
}

fn row(c: &SlaClock, now: Timestamp) -> ClockRow {
    let is_breached = c.breached_at.is_some();
    let state_words = match c.state {
        ClockState::Running => "running",
        ClockState::Paused => "paused",
        ClockState::Achieved if is_breached => "met late, stopped",
        ClockState::Achieved => "met, stopped",
        ClockState::Cancelled => "cancelled, stopped",
    };
    let state_words = if is_breached && c.state != ClockState::Achieved {
        format!("{state_words}, breached")
    } else {
        state_words.to_string()
    };
    let (left, tone) = match (c.state, c.due_at) {
        (ClockState::Running, Some(due)) if due.since(now) < 0 => {
            (format!("overdue by {}", span(now.since(due))), "breached")
        }
        (ClockState::Running, Some(due)) => {
            let at_risk = c.warn_at.is_some_and(|w| w <= now);
            (
                format!("{} left", span(due.since(now))),
                if at_risk { "at_risk" } else { "on_track" },
            )
        }
        _ if is_breached => ("breached".to_string(), "breached"),
        _ => (String::new(), "none"),
    };
    ClockRow {
        metric: c.metric.as_str(),
        name: sentence_case(&words(c.metric.as_str())),
        state: c.state.as_str(),
        state_words,
        target: span(c.target_ms),
        due: c.due_at.map(|d| When::at(d, now)),
        left,
        tone,
    }
}

/// `first reply` → `First reply`.
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
