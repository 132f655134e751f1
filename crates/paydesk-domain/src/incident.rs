//! Incidents: something went wrong on the payments side (a gateway declines everything, a
//! wallet times out) and many customers write in about it at once. An incident has a
//! severity, a status, a scope (what is affected and since when) and optional matching
//! rules that decide which tickets are about it ([`rules`]), so that the desk answers them
//! together: one update reaches every linked ticket, and resolving it can solve them all.
//!
//! Incidents are declared by leads, or proposed by the payment health check (see
//! [`crate::payment_health`]) and then accepted or dismissed by a lead.

pub mod rules;

pub use rules::{MatchRules, TicketFacts, TransactionFacts};

use crate::error::DomainError;
use crate::ticket::BusinessLine;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// An incident's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct IncidentId(pub i64);

impl std::fmt::Display for IncidentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

crate::label_enum!(
    /// How bad an incident is, from sev1 (worst) to sev4. See [`Severity::meaning`].
    Severity {
        Sev1 = "sev1",
        Sev2 = "sev2",
        Sev3 = "sev3",
        Sev4 = "sev4",
    }
);

impl Severity {
    /// What the level means, for people choosing one.
    #[must_use]
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Sev1 => {
                "critical: most payments of a gateway or method fail, or money is at risk; everyone on it until it is over"
            }
            Self::Sev2 => {
                "major: a large share of payments fail or a key flow is down for some customers; leads and specialists on it"
            }
            Self::Sev3 => {
                "minor: payments are slow or partly failing and a workaround exists; customers notice"
            }
            Self::Sev4 => "low: little customer impact; watched, answered in the normal flow",
        }
    }
}

crate::label_enum!(
    /// Where an incident stands. `proposed` incidents come from the health check and wait
    /// for a lead; `resolved` and `dismissed` are final.
    IncidentStatus {
        /// Suggested by the payment health check; a lead accepts or dismisses it.
        Proposed = "proposed",
        Investigating = "investigating",
        /// The cause is known; a fix is under way.
        Identified = "identified",
        /// A fix is in; watching that it holds.
        Monitoring = "monitoring",
        Resolved = "resolved",
        /// A proposal a lead turned down.
        Dismissed = "dismissed",
    }
);

impl IncidentStatus {
    /// Whether the incident is still open (neither resolved nor dismissed).
    #[must_use]
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Resolved | Self::Dismissed)
    }

    /// Whether the incident is being worked: declared or accepted, not yet resolved.
    #[must_use]
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Self::Investigating | Self::Identified | Self::Monitoring
        )
    }

    /// Whether a lead may move the incident from `self` to `to` by a change. Active
    /// statuses move freely among themselves; proposals are accepted or dismissed and
    /// incidents resolved by their own actions, never by a plain change.
    pub fn check_change(self, to: IncidentStatus) -> Result<(), DomainError> {
        if self.is_active() && to.is_active() {
            return Ok(());
        }
        let reason = match (self, to) {
            (Self::Proposed, _) => {
                "a proposed incident is accepted (POST .../accept) or dismissed (POST .../dismiss) first"
            }
            (_, Self::Resolved) => "resolve an incident with POST /api/v1/incidents/{id}/resolve",
            (Self::Resolved | Self::Dismissed, _) => "the incident is over; it no longer changes",
            _ => "only investigating, identified and monitoring can be set by a change",
        };
        Err(DomainError::invalid("status", reason))
    }
}

crate::label_enum!(
    /// How an incident came to be.
    IncidentOrigin {
        /// A lead declared it.
        Declared = "declared",
        /// The payment health check proposed it.
        HealthCheck = "health_check",
    }
);

crate::label_enum!(
    /// Why a ticket is linked to an incident.
    LinkReason {
        /// The incident's matching rules found it.
        Rule = "rule",
        /// Someone linked it by hand.
        Manual = "manual",
    }
);

crate::label_enum!(
    /// How a customer paid: a transaction's recorded method, or `card` when it records
    /// none but has a card brand (see [`TransactionFacts::method`]).
    PaymentMethod {
        Card = "card",
        Wallet = "wallet",
        BankTransfer = "bank_transfer",
    }
);

crate::label_enum!(
    /// What happened to an incident, as its timeline shows it.
    IncidentAction {
        Declared = "declared",
        Proposed = "proposed",
        Accepted = "accepted",
        Dismissed = "dismissed",
        StatusChanged = "status_changed",
        SeverityChanged = "severity_changed",
        /// Title, public summary, scope or rules changed.
        Edited = "edited",
        /// An update was posted (public updates then reach every linked ticket).
        UpdatePosted = "update_posted",
        /// A public update reached every linked ticket it was for.
        UpdateDelivered = "update_delivered",
        /// A run of the matching rules linked tickets (the count is in the entry).
        LinkedByRule = "linked_by_rule",
        TicketLinked = "ticket_linked",
        TicketUnlinked = "ticket_unlinked",
        Resolved = "resolved",
    }
);

/// The longest incident title.
pub const TITLE_MAX: usize = 200;

/// The longest public summary or update text.
pub const TEXT_MAX: usize = 20_000;

/// What an incident affects and when. Every part but the start is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub gateway: Option<String>,
    pub method: Option<PaymentMethod>,
    /// A region label (`eu`, `us-east`, `br`), lower-case.
    pub region: Option<String>,
    pub business_line: Option<BusinessLine>,
    pub started_at: Timestamp,
    /// When it ended; none while it lasts.
    pub ended_at: Option<Timestamp>,
}

impl Scope {
    /// The scope with its labels checked and normalised (gateway and region lower-case),
    /// and an end no earlier than the start.
    pub fn validated(mut self) -> Result<Self, DomainError> {
        self.gateway = self
            .gateway
            .as_deref()
            .map(crate::payment::normalize_gateway)
            .transpose()
            .map_err(|_| {
                DomainError::invalid("scope.gateway", "1-40 characters of a-z, 0-9, '_' or '-'")
            })?;
        self.region = self
            .region
            .as_deref()
            .map(|r| {
                region(r).ok_or_else(|| {
                    DomainError::invalid(
                        "scope.region",
                        "1-40 characters of letters, digits, '_' or '-'",
                    )
                })
            })
            .transpose()?;
        if self.ended_at.is_some_and(|end| end < self.started_at) {
            return Err(DomainError::invalid(
                "scope.ended_at",
                "must not be before started_at",
            ));
        }
        Ok(self)
    }

    /// The time tickets and transactions must fall in: from the start to the end, or to
    /// `now` while the incident lasts.
    #[must_use]
    pub fn window(&self, now: Timestamp) -> Window {
        Window {
            start: self.started_at,
            end: self.ended_at.unwrap_or(now).max(self.started_at),
        }
    }
}

/// A region label, lower-cased; `None` when it is not 1-40 characters of letters, digits,
/// `_` or `-`.
#[must_use]
pub fn region(raw: &str) -> Option<String> {
    let r = raw.trim().to_ascii_lowercase();
    let ok = (1..=40).contains(&r.len())
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    ok.then_some(r)
}

/// A closed span of time, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Window {
    /// Whether `t` falls in the window (both ends included).
    #[must_use]
    pub fn contains(self, t: Timestamp) -> bool {
        self.start <= t && t <= self.end
    }
}

/// A title checked: 1-[`TITLE_MAX`] characters on one line, spaces collapsed.
pub fn title(raw: &str) -> Result<String, DomainError> {
    let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "title",
            "must not contain control characters",
        ));
    }
    if t.is_empty() || t.chars().count() > TITLE_MAX {
        return Err(DomainError::invalid(
            "title",
            format!("1-{TITLE_MAX} characters"),
        ));
    }
    Ok(t)
}

/// A free text (public summary, update) checked: at most [`TEXT_MAX`] characters;
/// `None` when it is blank. Card data is masked by the caller before storing.
pub fn text(field: &'static str, raw: &str) -> Result<Option<String>, DomainError> {
    let t = raw.trim();
    if t.chars().count() > TEXT_MAX {
        return Err(DomainError::invalid(
            field,
            format!("at most {TEXT_MAX} characters"),
        ));
    }
    if t.contains('\0') {
        return Err(DomainError::invalid(
            field,
            "must not contain NUL (U+0000) characters",
        ));
    }
    Ok((!t.is_empty()).then(|| t.to_string()))
}

#[cfg(test)]
mod tests;
