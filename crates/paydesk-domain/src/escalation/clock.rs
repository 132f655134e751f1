//! The partner-response clock of one escalation.
//!
//! It counts the team's target in the team's calendar (business time; calendar time when
//! the team has none) from the moment of escalating. While the escalation is `waiting` the
//! clock is paused: the team waits on someone else. Answering or declining stops it. It is
//! at risk once [`AT_RISK_PERCENT`] of the target is used, and breached when all of it is.
//! `due_at` and `at_risk_at` are recomputed on every move, so the durable timers always
//! fire at the right instant.

use crate::sla::BusinessTime;
use crate::time::Timestamp;

/// The share of a target after which an escalation is at risk.
pub const AT_RISK_PERCENT: i64 = 75;

/// An escalation's response clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartnerClock {
    pub target_ms: i64,
    /// Counted time before `running_since`.
    pub elapsed_ms: i64,
    /// Counting since; `None` while paused or stopped.
    pub running_since: Option<Timestamp>,
    /// When the target runs out, while counting.
    pub due_at: Option<Timestamp>,
    /// When it becomes at risk, while counting.
    pub at_risk_at: Option<Timestamp>,
}

/// How an escalation's clock reads at an instant, in the SLA clocks' words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockStanding {
    /// Counting, with this much wall time left to the due time.
    Left { ms: i64, at_risk: bool },
    /// Past due by this much wall time (or marked breached).
    Overdue { ms: i64 },
    /// Paused while waiting, with this much counted time left.
    Paused { left_ms: i64 },
    /// Answered or declined.
    Stopped,
}

impl PartnerClock {
    /// A clock that starts counting `target_minutes` at `now`.
    #[must_use]
    pub fn start(time: &dyn BusinessTime, target_minutes: i64, now: Timestamp) -> Self {
        let mut clock = Self {
            target_ms: target_minutes.saturating_mul(60_000),
            elapsed_ms: 0,
            running_since: Some(now),
            due_at: None,
            at_risk_at: None,
        };
        clock.schedule(time);
        clock
    }

    fn schedule(&mut self, time: &dyn BusinessTime) {
        match self.running_since {
            Some(since) => {
                let left = self.target_ms.saturating_sub(self.elapsed_ms);
                self.due_at = time.add(since, left);
                let mark = self.target_ms.saturating_mul(AT_RISK_PERCENT) / 100;
                self.at_risk_at = time.add(since, mark.saturating_sub(self.elapsed_ms));
            }
            None => {
                self.due_at = None;
                self.at_risk_at = None;
            }
        }
    }

    /// Counted time up to `now`.
    #[must_use]
    pub fn elapsed_at(&self, time: &dyn BusinessTime, now: Timestamp) -> i64 {
        match self.running_since {
            Some(since) => self.elapsed_ms.saturating_add(time.between(since, now)),
            None => self.elapsed_ms,
        }
    }

    /// Stops counting at `now`, keeping what was counted (waiting, or over).
    pub fn pause(&mut self, time: &dyn BusinessTime, now: Timestamp) {
        if self.running_since.is_some() {
            self.elapsed_ms = self.elapsed_at(time, now);
            self.running_since = None;
            self.schedule(time);
        }
    }

    /// Counts again from `now` (taken back from waiting).
    pub fn resume(&mut self, time: &dyn BusinessTime, now: Timestamp) {
        if self.running_since.is_none() {
            self.running_since = Some(now);
            self.schedule(time);
        }
    }

    /// The clock after a move to `status` at `now`: running while open or in progress,
    /// paused while waiting, stopped (paused for good) once answered or declined.
    pub fn follow(
        &mut self,
        status: super::EscalationStatus,
        time: &dyn BusinessTime,
        now: Timestamp,
    ) {
        use super::EscalationStatus as S;
        match status {
            S::Open | S::InProgress => self.resume(time, now),
            S::Waiting | S::Answered | S::Declined => self.pause(time, now),
        }
    }

    /// How the clock reads at `now` for an escalation in `status`, breached or not.
    #[must_use]
    pub fn standing(
        &self,
        status: super::EscalationStatus,
        breached: bool,
        now: Timestamp,
    ) -> ClockStanding {
        if !status.is_live() {
            return ClockStanding::Stopped;
        }
        match self.due_at {
            Some(due) if due <= now || breached => ClockStanding::Overdue {
                ms: now.since(due).max(0),
            },
            Some(due) => ClockStanding::Left {
                ms: due.since(now),
                at_risk: self.at_risk_at.is_some_and(|r| r <= now),
            },
            None if breached => ClockStanding::Overdue { ms: 0 },
            None => ClockStanding::Paused {
                left_ms: self.target_ms.saturating_sub(self.elapsed_ms).max(0),
            },
        }
    }
}
