//! Failures of the use cases, each with a stable snake_case code that the web layer maps
//! to an HTTP status in one table.

use paydesk_domain::DomainError;
use paydesk_store::StoreError;
use thiserror::Error;

/// Why a use case did not happen.
#[derive(Debug, Error)]
pub enum AppError {
    /// The input broke a rule; names the field.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Someone else changed the record since it was read.
    #[error(
        "the {entity} changed since you read it (you sent version {sent}, it is now at {current}); reload and try again"
    )]
    VersionConflict {
        entity: &'static str,
        sent: i64,
        current: i64,
    },
    /// The idempotency key was used before for a different request.
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    #[error("{0}")]
    Duplicate(String),
    /// Someone else holds the ticket already.
    #[error("someone else has taken this ticket already")]
    AlreadyAssigned,
    /// The agent holds as many open tickets as their capacity allows.
    #[error("you hold {capacity} open tickets, your capacity; solve or hand one on first")]
    AtCapacity { capacity: i64 },
    /// The ticket is solved or closed.
    #[error("the ticket is {status}; only new, open, pending and on-hold tickets can be taken")]
    NotWorkable { status: &'static str },
    /// The caller's role or token scopes do not allow this action.
    #[error("you are not allowed to {}", action.as_str().replace('_', " "))]
    Forbidden {
        action: paydesk_domain::policy::Action,
    },
    /// A rule that cannot be saved: its code, where in the rule, and what to do.
    #[error("{}: {}", .0.path, .0.message)]
    Rule(paydesk_domain::rules::RuleError),
    /// A storage failure the caller cannot fix.
    #[error("storage failure: {0}")]
    Store(StoreError),
    /// Sign-in refused: unknown email, wrong password, no password or an inactive account.
    /// Never says which, so answers do not tell whether an email has an account.
    #[error("the email or the password is not right")]
    SignInFailed,
    /// Too many failed sign-ins for this email or from this address; tries are refused,
    /// even with the right password, until the back-off has passed.
    #[error("too many failed sign-ins; try again in {retry_after_secs} seconds")]
    TooManyAttempts { retry_after_secs: u64 },
    /// No live session or valid API token came with the request.
    #[error("sign in, or send a valid API token as Authorization: Bearer")]
    Unauthenticated,
    /// This client sent more than its share in the window (the support form's limit).
    #[error("too many requests from your address; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// The refund policy refuses the refund: every reason, each with its explanation.
    #[error("the refund is not allowed: {}", explanation.join("; "))]
    RefundRefused {
        refusals: Vec<paydesk_domain::payment::refund::Refusal>,
        /// One sentence per refusal, in the same order.
        explanation: Vec<String>,
    },
    /// The refund's maker-checker rules refuse the move (self-approval, a decided refund).
    #[error(transparent)]
    Refund(#[from] paydesk_domain::payment::refund::RefundError),
    /// The chat session has ended; a new conversation starts a new session.
    #[error(
        "this chat session has ended (idle too long); start a new session with POST /api/v1/chat/sessions"
    )]
    ChatEnded,
    /// A dispute move its status or amounts do not allow.
    #[error(transparent)]
    Dispute(#[from] paydesk_domain::payment::dispute_case::MoveError),
    /// The incident's status does not allow this (it is over, or still a proposal).
    #[error("the incident is {status}; {hint}")]
    IncidentState {
        status: &'static str,
        hint: &'static str,
    },
    /// A version move its status does not allow, or publishing one's own version.
    #[error(transparent)]
    SopMove(#[from] paydesk_domain::sop::MoveError),
    /// The ticket's category needs a completed SOP checklist before it is solved.
    #[error("{}", checklist_message(category, sop.as_deref(), steps_left))]
    ChecklistIncomplete {
        category: String,
        /// The SOP to finish, if one applies.
        sop: Option<String>,
        steps_left: Vec<String>,
    },
    /// The escalation's status does not allow this move.
    #[error("the escalation is {status}; {hint}")]
    EscalationState {
        status: &'static str,
        hint: &'static str,
    },
}

fn checklist_message(category: &str, sop: Option<&str>, steps_left: &[String]) -> String {
    match sop {
        Some(title) => format!(
            "tickets in category '{category}' are solved only once an SOP checklist is complete: \
             '{title}' has {} step(s) left ({}); tick them in the ticket's SOPs panel, then solve",
            steps_left.len(),
            steps_left.join("; ")
        ),
        None => format!(
            "tickets in category '{category}' are solved only once an SOP checklist is complete, \
             and no published SOP applies to this ticket; ask a lead to publish one or lift the requirement"
        ),
    }
}

impl AppError {
    /// The stable code of this failure.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid_field",
            Self::NotFound { .. } => "not_found",
            Self::Domain(e) => e.code(),
            Self::VersionConflict { .. } => "version_conflict",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::Duplicate(_) => "duplicate",
            Self::AlreadyAssigned => "already_assigned",
            Self::AtCapacity { .. } => "at_capacity",
            Self::NotWorkable { .. } => "not_workable",
            Self::Forbidden { .. } => "forbidden",
            Self::Rule(e) => e.code,
            Self::Store(e) => e.code(),
            Self::SignInFailed => "sign_in_failed",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::Unauthenticated => "unauthenticated",
            Self::RateLimited { .. } => "rate_limited",
            Self::ChatEnded => "chat_ended",
            Self::Dispute(e) => e.code(),
            Self::IncidentState { .. } => "incident_state",
            Self::EscalationState { .. } => "escalation_state",
            Self::RefundRefused { .. } => "refund_refused",
            Self::Refund(e) => e.code(),
            Self::SopMove(e) => e.code(),
            Self::ChecklistIncomplete { .. } => "checklist_incomplete",
        }
    }

    /// A field-level validation error.
    #[must_use]
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The field at fault, when there is one.
    #[must_use]
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::Rule(e) => Some(&e.path),
            Self::Domain(DomainError::Invalid { field, .. }) => Some(field),
            _ => None,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity } => Self::NotFound { entity },
            StoreError::BadCursor => Self::invalid(
                "cursor",
                "not a cursor this server issued; start again without one",
            ),
            StoreError::MissingReference => Self::invalid(
                "reference",
                "a referenced customer, queue or user does not exist",
            ),
            StoreError::AlreadyAssigned => Self::AlreadyAssigned,
            StoreError::AtCapacity { capacity } => Self::AtCapacity { capacity },
            StoreError::NotWorkable { status } => Self::NotWorkable { status },
            other => Self::Store(other),
        }
    }
}
