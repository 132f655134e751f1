//! One ticket's clock for one metric, and the moves it can make.
//!
//! A clock counts target time (calendar or business) while it runs. `elapsed_ms` is what
//! was counted before `running_since`; pausing adds the running stretch to it, so a clock
//! can pause and resume any number of times and its due time is always "the instant at
//! which the rest of the target is used up, counted from when it last resumed".

use super::{BusinessTime, Metric};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

crate::label_enum!(
    /// Where a clock stands.
    ClockState {
        Running = "running",
        Paused = "paused",
        /// The metric was met (a reply was sent, the ticket was solved).
        Achieved = "achieved",
        /// The metric no longer applies (solved without a reply, policy no longer targets it).
        Cancelled = "cancelled",
    }
);

/// A ticket's clock for one metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlaClock {
    pub metric: Metric,
    /// The policy that set the target.
    pub policy_id: Option<i64>,
    pub target_ms: i64,
    /// The business calendar the target counts in; `None` is calendar hours.
    pub calendar_id: Option<i64>,
    pub state: ClockState,
    pub started_at: Timestamp,
    pub running_since: Option<Timestamp>,
    pub elapsed_ms: i64,
    pub paused_since: Option<Timestamp>,
    /// Wall time spent paused, all pauses together.
    pub paused_ms: i64,
    /// When the target is used up, while running.
    pub due_at: Option<Timestamp>,
    /// When the clock becomes at risk, while running.
    pub warn_at: Option<Timestamp>,
    pub warned_at: Option<Timestamp>,
    pub breached_at: Option<Timestamp>,
    pub achieved_at: Option<Timestamp>,
    /// How many times the clock started over (next reply and periodic updates restart).
    pub cycle: i64,
}

impl SlaClock {
    /// A clock that starts running at `now` with the full target ahead of it.
    #[must_use]
    pub fn start(
        metric: Metric,
        policy_id: Option<i64>,
        target_ms: i64,
        calendar_id: Option<i64>,
        now: Timestamp,
    ) -> Self {
        Self {
            metric,
            policy_id,
            target_ms,
            calendar_id,
            state: ClockState::Running,
            started_at: now,
            running_since: Some(now),
            elapsed_ms: 0,
            paused_since: None,
            paused_ms: 0,
            due_at: None,
            warn_at: None,
            warned_at: None,
            breached_at: None,
            achieved_at: None,
            cycle: 0,
        }
    }

    /// A clock for a fixed deadline: running from `opened_at`, due at `due_at`, in
    /// calendar time.
    #[must_use]
    pub fn deadline(metric: Metric, opened_at: Timestamp, due_at: Timestamp) -> Self {
        Self::start(
            metric,
            None,
            due_at.since(opened_at).max(0),
            None,
            opened_at,
        )
    }

    /// Whether the clock is counting.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.state == ClockState::Running
    }

    /// Whether the clock has neither been met nor dropped.
    #[must_use]
    pub fn is_active(&self) -> bool {
        matches!(self.state, ClockState::Running | ClockState::Paused)
    }

    /// Target time counted up to `now`.
    #[must_use]
    pub fn elapsed_at(&self, time: &dyn BusinessTime, now: Timestamp) -> i64 {
        match (self.state, self.running_since) {
            (ClockState::Running, Some(since)) => {
                self.elapsed_ms.saturating_add(time.between(since, now))
            }
            _ => self.elapsed_ms,
        }
    }

    /// Sets `due_at` and `warn_at` from the time still left, counted from `running_since`.
    pub fn schedule(&mut self, time: &dyn BusinessTime, at_risk_percent: i64) {
        match (self.state, self.running_since) {
            (ClockState::Running, Some(since)) => {
                let left = self.target_ms.saturating_sub(self.elapsed_ms);
                self.due_at = time.add(since, left);
                let warn_mark = self.target_ms.saturating_mul(at_risk_percent) / 100;
                self.warn_at = time.add(since, warn_mark.saturating_sub(self.elapsed_ms));
            }
            _ => {
                self.due_at = None;
                self.warn_at = None;
            }
        }
    }

    /// Stops counting at `now`, keeping what was counted.
    pub fn pause(&mut self, time: &dyn BusinessTime, now: Timestamp) {
        if self.state != ClockState::Running {
            return;
        }
        self.elapsed_ms = self.elapsed_at(time, now);
        self.state = ClockState::Paused;
        self.running_since = None;
        self.paused_since = Some(now);
    }

    /// Counts again from `now`.
    pub fn resume(&mut self, now: Timestamp) {
        if self.state != ClockState::Paused {
            return;
        }
        if let Some(since) = self.paused_since.take() {
            self.paused_ms = self.paused_ms.saturating_add(now.since(since).max(0));
        }
        self.state = ClockState::Running;
        self.running_since = Some(now);
    }

    /// Ends the clock as met (`Achieved`) or dropped (`Cancelled`) at `now`.
    pub fn end(&mut self, state: ClockState, time: &dyn BusinessTime, now: Timestamp) {
        if !self.is_active() {
            return;
        }
        self.pause(time, now);
        if let Some(since) = self.paused_since.take() {
            self.paused_ms = self.paused_ms.saturating_add(now.since(since).max(0));
        }
        self.state = state;
        if state == ClockState::Achieved {
            self.achieved_at = Some(now);
        }
    }

    /// Starts the clock over with the full target (a new reply cycle).
    pub fn restart(&mut self, now: Timestamp) {
        let cycle = self.cycle + 1;
        *self = Self::start(
            self.metric,
            self.policy_id,
            self.target_ms,
            self.calendar_id,
            now,
        );
        self.cycle = cycle;
    }

    /// Takes a new target from `now` on: what was counted so far stays counted (in the old
    /// calendar up to `now`), the rest counts in the new one.
    pub fn retarget(
        &mut self,
        policy_id: Option<i64>,
        target_ms: i64,
        calendar_id: Option<i64>,
        old_time: &dyn BusinessTime,
        now: Timestamp,
    ) {
        if self.is_running() {
            self.elapsed_ms = self.elapsed_at(old_time, now);
            self.running_since = Some(now);
        }
        self.policy_id = policy_id;
        self.target_ms = target_ms;
        self.calendar_id = calendar_id;
    }
}
