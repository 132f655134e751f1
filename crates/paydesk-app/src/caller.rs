//! Who is calling a use case, and from where. Every use case takes a [`Caller`] and asks
//! it, through the policy of `paydesk_domain::policy`, before acting.

use crate::error::AppError;
use paydesk_domain::Actor;
use paydesk_domain::policy::{Action, Principal, TicketScope};

/// The principal behind a request and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub principal: Principal,
    /// The client's address, for the audit trail.
    pub ip: Option<String>,
    /// The rule acting through this caller, recorded as the actor of what it changes.
    pub rule: Option<(paydesk_domain::id::RuleId, String)>,
}

impl Caller {
    /// paydesk itself, or an operator at the command line: may do anything.
    #[must_use]
    pub fn system() -> Self {
        Self {
            principal: Principal::System,
            ip: None,
            rule: None,
        }
    }

    /// A trigger or time rule acting: paydesk's own permissions (the rule was allowed
    /// by a lead who may manage rules), recorded as `Actor::Rule` on every event.
    #[must_use]
    pub fn for_rule(id: paydesk_domain::id::RuleId, name: &str) -> Self {
        Self {
            principal: Principal::System,
            ip: None,
            rule: Some((id, name.to_owned())),
        }
    }

    /// A principal calling from `ip`.
    #[must_use]
    pub fn new(principal: Principal, ip: Option<String>) -> Self {
        Self {
            principal,
            ip,
            rule: None,
        }
    }

    /// The actor recorded on events.
    #[must_use]
    pub fn actor(&self) -> Actor {
        match &self.rule {
            Some((id, name)) => Actor::Rule {
                id: *id,
                name: name.clone(),
            },
            None => self.principal.actor(),
        }
    }

    /// Refuses with [`AppError::Forbidden`] unless the policy allows `action`.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if self.principal.may(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden { action })
        }
    }

    /// Which tickets this caller may see.
    #[must_use]
    pub fn ticket_scope(&self) -> TicketScope {
        self.principal.ticket_scope()
    }

    /// The vendor whose queues a list is narrowed to (`Some(None)`: not narrowed), or
    /// `None` when the caller may see no ticket at all.
    #[must_use]
    pub fn list_scope(&self) -> Option<Option<paydesk_domain::VendorId>> {
        match self.ticket_scope() {
            TicketScope::All => Some(None),
            TicketScope::Vendor(v) => Some(Some(v)),
            TicketScope::Nothing => None,
        }
    }

    /// Whether customers' personal data is shown to this caller unmasked.
    #[must_use]
    pub fn sees_pii(&self) -> bool {
        self.principal.may(Action::CustomerPii)
    }

    /// Whether the caller is a person (reads of personal data by people are audited).
    #[must_use]
    pub fn is_person(&self) -> bool {
        matches!(self.principal, Principal::User { .. })
    }
}
