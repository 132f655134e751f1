//! Errors of the domain rules. Each has a stable snake_case code for the API.

use thiserror::Error;

/// A rule of the domain refused a change.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("unknown {kind} '{value}'; expected one of: {}", expected.join(", "))]
    UnknownValue {
        kind: &'static str,
        value: String,
        expected: &'static [&'static str],
    },
    #[error("a ticket cannot go from {from} to {to}")]
    InvalidTransition {
        from: &'static str,
        to: &'static str,
    },
    #[error("the ticket is closed; closed tickets never change")]
    TicketClosed,
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
}

impl DomainError {
    /// The stable code of this failure.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownValue { .. } => "unknown_value",
            Self::InvalidTransition { .. } => "invalid_transition",
            Self::TicketClosed => "ticket_closed",
            Self::Invalid { .. } => "invalid_field",
        }
    }

    /// Shorthand for a field-level validation error.
    #[must_use]
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
