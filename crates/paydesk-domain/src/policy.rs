//! Who may do what: the permission matrix, in one readable place.
//!
//! Every service call asks [`Principal::may`] before it acts. People are allowed actions
//! by role ([`MATRIX`]); systems calling with an API token by the token's scopes
//! ([`Scope`]). Where the records a principal may see are narrower than its actions
//! (a BPO agent sees only its vendor's queues), [`Principal::ticket_scope`] says so, and
//! the store applies it to every query. The docs' permission table is printed from
//! [`MATRIX`] by `paydesk permissions`.

use crate::id::{CustomerId, TicketId, UserId, VendorId};
use crate::role::Role;

crate::label_enum!(
    /// Something a principal does. Stable names: they appear in audit records and docs.
    Action {
        TicketRead = "ticket_read",
        TicketCreate = "ticket_create",
        TicketUpdate = "ticket_update",
        TicketReply = "ticket_reply",
        TicketNote = "ticket_note",
        CustomerRead = "customer_read",
        /// See customers' emails, phones and full names unmasked.
        CustomerPii = "customer_pii",
        CustomerWrite = "customer_write",
        /// Export a customer's data (subject access request).
        CustomerExport = "customer_export",
        /// Erase a customer's identity (right to erasure).
        CustomerErase = "customer_erase",
        UserManage = "user_manage",
        TokenManage = "token_manage",
        /// Vendors, queues, retention rules and other settings.
        ConfigManage = "config_manage",
        AuditRead = "audit_read",
        ReportRead = "report_read",
        /// See queues, their counts and their ticket views.
        QueueRead = "queue_read",
        /// Create queues and set their conditions, routing, overflow and members.
        QueueManage = "queue_manage",
        /// Take an unassigned ticket (claim, or "next ticket").
        TicketClaim = "ticket_claim",
        /// Set one's own presence (online, away, offline).
        PresenceSet = "presence_set",
        /// See agents' profiles, presence and load, and the teams.
        AgentRead = "agent_read",
        /// Set agents' skills, capacity, team and presence; create teams.
        AgentManage = "agent_manage",
        /// See transactions, payouts, refunds, disputes and incidents, and link them to tickets.
        PaymentRead = "payment_read",
        /// Load transactions, payouts and payment events (by API or import).
        PaymentWrite = "payment_write",
        /// Ask for a refund from a ticket.
        RefundRequest = "refund_request",
        /// Approve or reject another person's refund (maker-checker).
        RefundApprove = "refund_approve",
        /// Work disputes: evidence, packets, submission, outcomes.
        DisputeWork = "dispute_work",
        /// Declare, update and resolve incidents; accept proposed ones.
        IncidentManage = "incident_manage",
        /// Escalate a ticket to a tier or partner team.
        EscalationCreate = "escalation_create",
        /// Work escalations in one's partner team's queue: take, answer, decline, wait.
        EscalationWork = "escalation_work",
        /// Read the SOP library and follow SOPs on tickets.
        SopRead = "sop_read",
        /// Write SOP drafts and send them for review.
        SopWrite = "sop_write",
        /// Publish and retire SOP versions; set which categories require a checklist.
        SopPublish = "sop_publish",
        /// Use macros (and keep personal ones).
        MacroUse = "macro_use",
        /// Keep team and shared macros.
        MacroManage = "macro_manage",
        /// Write, dry-run and turn on trigger and time rules.
        RuleManage = "rule_manage",
    }
);

crate::label_enum!(
    /// What an API token may do.
    Scope {
        TicketsRead = "tickets:read",
        TicketsWrite = "tickets:write",
        CustomersRead = "customers:read",
        CustomersWrite = "customers:write",
        /// Channels that bring tickets in (mail gateway, chat, forms).
        Intake = "intake",
        Webhooks = "webhooks",
        ReportsRead = "reports:read",
        /// Read payment objects (transactions, payouts, refunds, disputes, incidents).
        PaymentsRead = "payments:read",
        /// Load transactions, payouts and payment events.
        PaymentsWrite = "payments:write",
    }
);

use Action as A;
use Role as R;

/// Role × action: which roles may take each action. Read it as a table.
pub const MATRIX: &[(Action, &[Role])] = &[
    (
        A::TicketRead,
        &[
            R::Agent,
            R::BpoAgent,
            R::Lead,
            R::QaAnalyst,
            R::Finance,
            R::Partner,
            R::Admin,
        ],
    ),
    (
        A::TicketCreate,
        &[R::Agent, R::BpoAgent, R::Lead, R::Finance, R::Admin],
    ),
    (
        A::TicketUpdate,
        &[R::Agent, R::BpoAgent, R::Lead, R::Finance, R::Admin],
    ),
    (
        A::TicketReply,
        &[R::Agent, R::BpoAgent, R::Lead, R::Finance, R::Admin],
    ),
    (
        A::TicketNote,
        &[
            R::Agent,
            R::BpoAgent,
            R::Lead,
            R::QaAnalyst,
            R::Finance,
            R::Partner,
            R::Admin,
        ],
    ),
    (
        A::CustomerRead,
        &[
            R::Agent,
            R::BpoAgent,
            R::Lead,
            R::QaAnalyst,
            R::Finance,
            R::Partner,
            R::Admin,
        ],
    ),
    (A::CustomerPii, &[R::Agent, R::Lead, R::Finance, R::Admin]),
    (A::CustomerWrite, &[R::Agent, R::Lead, R::Finance, R::Admin]),
    (A::CustomerExport, &[R::Lead, R::Admin]),
    (A::CustomerErase, &[R::Admin]),
    (A::UserManage, &[R::Admin]),
    (A::TokenManage, &[R::Admin]),
    (A::ConfigManage, &[R::Admin]),
    (A::AuditRead, &[R::Admin]),
    (
        A::ReportRead,
        &[R::Lead, R::QaAnalyst, R::Finance, R::Admin, R::Viewer],
    ),
    (
        A::QueueRead,
        &[
            R::Agent,
            R::BpoAgent,
            R::Lead,
            R::QaAnalyst,
            R::Finance,
            R::Admin,
        ],
    ),
    (A::QueueManage, &[R::Lead, R::Admin]),
    (A::TicketClaim, &[R::Agent, R::BpoAgent, R::Lead]),
    (
        A::PresenceSet,
        &[
            R::Agent,
            R::BpoAgent,
            R::Lead,
            R::QaAnalyst,
            R::Finance,
            R::Partner,
            R::Admin,
        ],
    ),
    (A::AgentRead, &[R::Lead, R::Admin]),
    (A::AgentManage, &[R::Lead, R::Admin]),
    (
        A::PaymentRead,
        &[
            R::Agent,
            R::BpoAgent,
            R::Lead,
            R::QaAnalyst,
            R::Finance,
            R::Admin,
        ],
    ),
    (A::PaymentWrite, &[R::Finance, R::Admin]),
    (
        A::RefundRequest,
        &[R::Agent, R::BpoAgent, R::Lead, R::Finance, R::Admin],
    ),
    (A::RefundApprove, &[R::Finance, R::Admin]),
    (A::DisputeWork, &[R::Agent, R::Lead, R::Finance, R::Admin]),
    (A::IncidentManage, &[R::Lead, R::Admin]),
    (
        A::EscalationCreate,
        &[R::Agent, R::BpoAgent, R::Lead, R::Finance, R::Admin],
    ),
    (
        A::EscalationWork,
        &[R::Agent, R::Lead, R::Finance, R::Partner, R::Admin],
    ),
    (
        A::SopRead,
        &[
            R::Agent,
            R::BpoAgent,
            R::Lead,
            R::QaAnalyst,
            R::Finance,
            R::Partner,
            R::Admin,
        ],
    ),
    (A::SopWrite, &[R::Lead, R::QaAnalyst, R::Admin]),
    (A::SopPublish, &[R::Lead, R::Admin]),
    (
        A::MacroUse,
        &[R::Agent, R::BpoAgent, R::Lead, R::Finance, R::Admin],
    ),
    (A::MacroManage, &[R::Lead, R::Admin]),
    (A::RuleManage, &[R::Lead, R::Admin]),
];

/// The scope an API token needs for an action; `None`: no token may do it.
#[must_use]
pub fn scope_for(action: Action) -> Option<Scope> {
    match action {
        A::TicketRead => Some(Scope::TicketsRead),
        A::TicketCreate | A::TicketUpdate | A::TicketReply | A::TicketNote => {
            Some(Scope::TicketsWrite)
        }
        A::CustomerRead | A::CustomerPii => Some(Scope::CustomersRead),
        A::CustomerWrite => Some(Scope::CustomersWrite),
        A::ReportRead => Some(Scope::ReportsRead),
        A::QueueRead => Some(Scope::TicketsRead),
        A::PaymentRead => Some(Scope::PaymentsRead),
        A::PaymentWrite | A::DisputeWork => Some(Scope::PaymentsWrite),
        A::EscalationCreate | A::EscalationWork => Some(Scope::TicketsWrite),
        A::SopRead => Some(Scope::TicketsRead),
        A::QueueManage
        | A::TicketClaim
        | A::PresenceSet
        | A::AgentRead
        | A::AgentManage
        | A::CustomerExport
        | A::CustomerErase
        | A::UserManage
        | A::TokenManage
        | A::ConfigManage
        | A::AuditRead
        | A::RefundRequest
        | A::RefundApprove
        | A::IncidentManage
        | A::SopWrite
        | A::SopPublish
        | A::MacroUse
        | A::MacroManage
        | A::RuleManage => None,
    }
}

/// Whether `role` may take `action`, by [`MATRIX`].
#[must_use]
pub fn role_allows(role: Role, action: Action) -> bool {
    MATRIX
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

/// Which tickets a principal may see at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketScope {
    All,
    /// Only tickets in queues served by this vendor (and their customers).
    Vendor(VendorId),
    /// Nothing (a BPO agent whose vendor is missing sees nothing rather than everything).
    Nothing,
}

/// Who is acting, as far as permissions go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User {
        id: UserId,
        role: Role,
        vendor_id: Option<VendorId>,
    },
    Token {
        id: i64,
        name: String,
        scopes: Vec<Scope>,
    },
    /// paydesk itself and the command line run by an operator.
    System,
    /// A customer without a login, through the support form and its signed status link:
    /// with no `ticket`, may open one ticket for itself; with the `ticket` its link names,
    /// may answer on that ticket and nothing else.
    Customer {
        id: CustomerId,
        ticket: Option<TicketId>,
    },
}

impl Principal {
    /// Whether this principal may take `action` (before any per-record scope).
    #[must_use]
    pub fn may(&self, action: Action) -> bool {
        match self {
            Principal::User { role, .. } => role_allows(*role, action),
            Principal::Token { scopes, .. } => {
                let intake = matches!(action, A::TicketCreate | A::TicketReply)
                    && scopes.contains(&Scope::Intake);
                intake || scope_for(action).is_some_and(|s| scopes.contains(&s))
            }
            Principal::System => true,
            Principal::Customer { ticket, .. } => match ticket {
                None => action == A::TicketCreate,
                Some(_) => action == A::TicketReply,
            },
        }
    }

    /// Whether this principal may act on ticket `ticket` (`None`: a ticket being created)
    /// of customer `customer`. A customer only on its own, and only on the ticket its link
    /// names; everyone else as far as [`Principal::ticket_scope`] lets them see.
    #[must_use]
    pub fn may_touch(&self, ticket: Option<TicketId>, customer: Option<CustomerId>) -> bool {
        match self {
            Principal::Customer { id, ticket: own } => customer == Some(*id) && ticket == *own,
            _ => true,
        }
    }

    /// Which tickets (and, through them, customers) this principal may see.
    #[must_use]
    pub fn ticket_scope(&self) -> TicketScope {
        match self {
            Principal::User {
                role: Role::BpoAgent,
                vendor_id: Some(v),
                ..
            } => TicketScope::Vendor(*v),
            Principal::User {
                role: Role::BpoAgent,
                vendor_id: None,
                ..
            } => TicketScope::Nothing,
            _ => TicketScope::All,
        }
    }

    /// The actor recorded on events for this principal.
    #[must_use]
    pub fn actor(&self) -> crate::Actor {
        match self {
            Principal::User { id, .. } => crate::Actor::User { id: *id },
            Principal::Token { name, .. } => crate::Actor::Api {
                client: name.clone(),
            },
            Principal::System => crate::Actor::System,
            Principal::Customer { id, .. } => crate::Actor::Customer { id: *id },
        }
    }
}

/// Whether a customer may take `action` at all, through the form or a status link.
#[must_use]
pub fn customer_may(action: Action) -> bool {
    [None, Some(TicketId(0))].into_iter().any(|ticket| {
        Principal::Customer {
            id: CustomerId(0),
            ticket,
        }
        .may(action)
    })
}

/// The permission matrix as a Markdown table (for the docs and `paydesk permissions`).
#[must_use]
pub fn matrix_markdown() -> String {
    let mut out = String::from("| action |");
    for r in Role::ALL {
        out.push_str(&format!(" {} |", r.as_str()));
    }
    out.push_str(" customer (status link) | API token scope |\n|---|");
    for _ in Role::ALL {
        out.push_str(":-:|");
    }
    out.push_str(":-:|---|\n");
    for (action, _) in MATRIX {
        out.push_str(&format!("| `{}` |", action.as_str()));
        for r in Role::ALL {
            out.push_str(if role_allows(*r, *action) {
                " ✔ |"
            } else {
                " |"
            });
        }
        out.push_str(if customer_may(*action) {
            " ✔ |"
        } else {
            " |"
        });
        let scope =
            scope_for(*action).map_or("(none)".to_string(), |s| format!("`{}`", s.as_str()));
        out.push_str(&format!(" {scope} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_in_the_matrix_once() {
        for a in Action::ALL {
            assert_eq!(MATRIX.iter().filter(|(x, _)| x == a).count(), 1, "{a}");
        }
    }

    #[test]
    fn bpo_agents_never_see_pii_or_admin() {
        for a in [
            A::CustomerPii,
            A::CustomerExport,
            A::UserManage,
            A::TokenManage,
            A::AuditRead,
        ] {
            assert!(!role_allows(Role::BpoAgent, a), "{a}");
        }
    }

    #[test]
    fn vendorless_bpo_agent_sees_nothing() {
        let p = Principal::User {
            id: UserId(1),
            role: Role::BpoAgent,
            vendor_id: None,
        };
        assert_eq!(p.ticket_scope(), TicketScope::Nothing);
    }

    #[test]
    fn tokens_follow_scopes() {
        let t = Principal::Token {
            id: 1,
            name: "mail".into(),
            scopes: vec![Scope::Intake],
        };
        assert!(t.may(A::TicketCreate) && t.may(A::TicketReply));
        assert!(!t.may(A::TicketRead) && !t.may(A::CustomerPii) && !t.may(A::UserManage));
    }

    #[test]
    fn a_customer_opens_its_own_ticket_and_answers_only_the_linked_one() {
        let me = CustomerId(7);
        let opening = Principal::Customer {
            id: me,
            ticket: None,
        };
        assert!(opening.may(A::TicketCreate));
        assert!(
            Action::ALL
                .iter()
                .all(|a| *a == A::TicketCreate || !opening.may(*a))
        );
        assert!(opening.may_touch(None, Some(me)));
        assert!(!opening.may_touch(None, Some(CustomerId(8))) && !opening.may_touch(None, None));

        let linked = Principal::Customer {
            id: me,
            ticket: Some(TicketId(3)),
        };
        assert!(linked.may(A::TicketReply));
        assert!(
            Action::ALL
                .iter()
                .all(|a| *a == A::TicketReply || !linked.may(*a))
        );
        assert!(linked.may_touch(Some(TicketId(3)), Some(me)));
        assert!(!linked.may_touch(Some(TicketId(4)), Some(me)));
        assert!(!linked.may_touch(Some(TicketId(3)), Some(CustomerId(8))));
        assert!(!linked.may_touch(None, Some(me)));
        assert_eq!(linked.actor(), crate::Actor::Customer { id: me });
        assert!(Principal::System.may_touch(Some(TicketId(4)), None));
    }

    #[test]
    fn matrix_prints_every_role_and_action() {
        let md = matrix_markdown();
        assert!(Role::ALL.iter().all(|r| md.contains(r.as_str())));
        assert_eq!(md.lines().count(), 2 + MATRIX.len());
    }
}
