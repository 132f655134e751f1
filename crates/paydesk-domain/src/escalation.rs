//! Escalations: a question from a ticket to a tier or partner team (L2 payment
//! specialists, engineering, finance, risk, legal, or a team an admin defines), worked in
//! that team's queue with its own status and its own partner-response clock.
//!
//! - [`PartnerTeam`]: who answers, on which business calendar, and how fast per severity
//!   ([`ResponseTargets`]).
//! - [`EscalationStatus`] and [`EscalationStatus::step`]: what may move to what.
//! - [`PartnerClock`]: the response clock, counted on the team's calendar, paused while
//!   the escalation waits on the requester, stopped when it is answered or declined.
//! - [`validate`]: the checks on what people type (summary, question, tracker link).
//!
//! Severity is the incident scale (sev1 worst .. sev4), so the same words mean the same
//! urgency on every partner-facing page; see docs/adr/0010-escalations.md.

mod clock;
mod status;
#[cfg(test)]
mod tests;
mod validate;

pub use crate::incident::Severity;
pub use clock::{AT_RISK_PERCENT, ClockStanding, PartnerClock};
pub use status::{EscalationAction, EscalationStatus};
pub use validate::{
    ANSWER_MAX, EXTERNAL_REF_MAX, NAME_MAX, QUESTION_MAX, REASON_MAX, SUMMARY_MAX, answer,
    external_ref, question, reason_label, summary, team_name,
};

use serde::{Deserialize, Serialize};

crate::label_enum!(
    /// What kind of team answers escalations.
    PartnerKind {
        /// A support tier (L2 payment specialists, L3).
        Tier = "tier",
        Engineering = "engineering",
        Finance = "finance",
        Risk = "risk",
        Legal = "legal",
        /// A team an admin defines.
        Custom = "custom",
    }
);

/// How long a partner team has to answer, per severity, in minutes of its calendar's
/// business time (calendar time when the team has no calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseTargets {
    pub sev1_minutes: i64,
    pub sev2_minutes: i64,
    pub sev3_minutes: i64,
    pub sev4_minutes: i64,
}

/// The longest target: 90 days of counted time.
pub const TARGET_MAX_MINUTES: i64 = 90 * 24 * 60;

impl ResponseTargets {
    /// The target for `severity`, in minutes.
    #[must_use]
    pub fn minutes(&self, severity: Severity) -> i64 {
        match severity {
            Severity::Sev1 => self.sev1_minutes,
            Severity::Sev2 => self.sev2_minutes,
            Severity::Sev3 => self.sev3_minutes,
            Severity::Sev4 => self.sev4_minutes,
        }
    }

    /// Checks every target is between one minute and [`TARGET_MAX_MINUTES`], and that a
    /// worse severity never gets a longer target than a milder one.
    ///
    /// # Errors
    ///
    /// [`crate::DomainError::Invalid`] naming the target at fault.
    pub fn validated(self) -> Result<Self, crate::DomainError> {
        let all = [
            ("targets.sev1_minutes", self.sev1_minutes),
            ("targets.sev2_minutes", self.sev2_minutes),
            ("targets.sev3_minutes", self.sev3_minutes),
            ("targets.sev4_minutes", self.sev4_minutes),
        ];
        for (field, minutes) in all {
            if !(1..=TARGET_MAX_MINUTES).contains(&minutes) {
                return Err(crate::DomainError::invalid(
                    field,
                    format!("must be between 1 and {TARGET_MAX_MINUTES} minutes"),
                ));
            }
        }
        for pair in all.windows(2) {
            if pair[0].1 > pair[1].1 {
                return Err(crate::DomainError::invalid(
                    pair[0].0,
                    "a worse severity cannot have a longer target than a milder one",
                ));
            }
        }
        Ok(self)
    }
}

impl Default for ResponseTargets {
    /// 1 hour, 4 hours, 1 day, 3 days.
    fn default() -> Self {
        Self {
            sev1_minutes: 60,
            sev2_minutes: 4 * 60,
            sev3_minutes: 24 * 60,
            sev4_minutes: 3 * 24 * 60,
        }
    }
}
