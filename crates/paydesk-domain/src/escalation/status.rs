//! The escalation status machine.
//!
//! ```text
//! open ──take──▶ in_progress ──wait──▶ waiting ──take──▶ in_progress
//!   │                │                    │
//!   └────────────────┴────────────────────┴──answer──▶ answered
//!                                         └──decline─▶ declined
//! ```
//!
//! `open`, `in_progress` and `waiting` are live; `answered` and `declined` are final. There
//! is no reopening: a follow-up question is a new escalation, so every escalation has one
//! request time and one answer time and "who answers slowly" stays a plain measure.

use crate::DomainError;

crate::label_enum!(
    /// Where an escalation stands.
    EscalationStatus {
        /// Sent to the team; nobody has taken it yet.
        Open = "open",
        /// A team member is on it.
        InProgress = "in_progress",
        /// The team waits on the requester or the customer; the response clock is paused.
        Waiting = "waiting",
        /// The team answered; the answer is an internal note on the ticket.
        Answered = "answered",
        /// The team declined it, with a reason (also a note on the ticket).
        Declined = "declined",
    }
);

crate::label_enum!(
    /// What happened to an escalation: the `action` of its `escalation_changed` events.
    EscalationAction {
        Created = "created",
        Taken = "taken",
        Waiting = "waiting",
        Answered = "answered",
        Declined = "declined",
        ExternalRefSet = "external_ref_set",
        AtRisk = "at_risk",
        Breached = "breached",
    }
);

impl EscalationStatus {
    /// Whether the team still owes an answer.
    #[must_use]
    pub fn is_live(self) -> bool {
        matches!(self, Self::Open | Self::InProgress | Self::Waiting)
    }

    /// The status `action` moves an escalation in this status to.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`] when the action does not apply here (taking an
    /// escalation already in progress, answering one that is over, ...).
    pub fn step(self, action: EscalationAction) -> Result<Self, DomainError> {
        use EscalationAction as A;
        use EscalationStatus as S;
        let next = match (self, action) {
            (S::Open | S::Waiting, A::Taken) => Some(S::InProgress),
            (S::Open | S::InProgress, A::Waiting) => Some(S::Waiting),
            (S::Open | S::InProgress | S::Waiting, A::Answered) => Some(S::Answered),
            (S::Open | S::InProgress | S::Waiting, A::Declined) => Some(S::Declined),
            _ => None,
        };
        next.ok_or(DomainError::InvalidTransition {
            from: self.as_str(),
            to: action.target_label(),
        })
    }
}

impl EscalationAction {
    /// The status name this action aims at, for error messages.
    fn target_label(self) -> &'static str {
        match self {
            Self::Taken => EscalationStatus::InProgress.as_str(),
            Self::Waiting => EscalationStatus::Waiting.as_str(),
            Self::Answered => EscalationStatus::Answered.as_str(),
            Self::Declined => EscalationStatus::Declined.as_str(),
            other => other.as_str(),
        }
    }
}
