//! The append-only event log's vocabulary. Every change to a ticket or customer is one
//! event, written in the same transaction as the change; timelines and reports read them.
//! The same log is the audit trail, so it also records what changed nothing but must be
//! accounted for: sign-ins, reads of personal data, exports, configuration changes.

use crate::actor::Actor;
use crate::id::{CustomerId, EventId, TicketId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

crate::label_enum!(
    /// What kind of thing happened.
    EventKind {
        TicketCreated = "ticket_created",
        MessageAdded = "message_added",
        FieldChanged = "field_changed",
        Reopened = "reopened",
        /// Card data was found and masked in something that came in. Records how many, never the value.
        Redacted = "redacted",
        CustomerCreated = "customer_created",
        CustomerUpdated = "customer_updated",
        /// A person signed in. Audit only: no ticket or customer changed.
        SignIn = "sign_in",
        /// A sign-in was refused (unknown account, wrong password, inactive user).
        SignInFailed = "sign_in_failed",
        SignOut = "sign_out",
        /// A person read a customer's personal data (who read whose, not what it said).
        PiiRead = "pii_read",
        /// Data left the desk: an export or a download.
        Export = "export",
        /// A setting, role or permission changed.
        ConfigChanged = "config_changed",
        /// Someone was refused an action they are not allowed to take.
        PermissionDenied = "permission_denied",
        /// A customer's identity was erased on request; financial records stay.
        CustomerErased = "customer_erased",
        /// A retention rule removed a closed ticket's texts.
        TicketAnonymised = "ticket_anonymised",
        /// A ticket was brought in from another system (CSV, Zendesk export); its history
        /// keeps the original times, this records when and from where it came.
        TicketImported = "ticket_imported",
        /// A gateway reported a transaction (charge, refund, ...) paydesk now holds or changed.
        TransactionRecorded = "transaction_recorded",
        /// A gateway reported a dispute paydesk now holds or changed.
        DisputeRecorded = "dispute_recorded",
        /// A gateway reported a payout paydesk now holds or changed.
        PayoutRecorded = "payout_recorded",
        /// A public reply's email to the customer was queued.
        MailQueued = "mail_queued",
        /// A reply's email was accepted by the SMTP server.
        MailSent = "mail_sent",
        /// A reply's email could not be sent, even after retries.
        MailFailed = "mail_failed",
        /// A chat session opened on this ticket.
        ChatStarted = "chat_started",
        /// A chat session on this ticket ended (for example after being idle).
        ChatEnded = "chat_ended",
        /// Another SLA policy (or none) now sets the ticket's targets.
        SlaPolicyApplied = "sla_policy_applied",
        /// An SLA clock used the at-risk share of its target.
        SlaAtRisk = "sla_at_risk",
        /// An SLA clock passed its due time without being met.
        SlaBreached = "sla_breached",
        /// A ticket's assignee was set or cleared: `{assignee_id, previous_assignee_id,
        /// reason, queue_id}` (reason: claim, next_ticket, round_robin, least_loaded,
        /// skills, manual, overflow, agent_offline).
        Assigned = "assigned",
        /// A ticket moved queue: `{from, to, reason}` (reason: placement, overflow, manual).
        QueueChanged = "queue_changed",
        /// An agent's presence changed (online, away, offline). Audit only: no ticket.
        PresenceChanged = "presence_changed",
        /// A ticket was linked to a payment object or an incident (or unlinked):
        /// `{kind, object_id, linked, reason}` (reason: manual, mention, rule).
        PaymentLinked = "payment_linked",
        /// A refund was asked for: `{refund_id, amount, currency, needs_approval}`.
        RefundRequested = "refund_requested",
        /// A refund was approved or rejected: `{refund_id, approved, note}`.
        RefundDecided = "refund_decided",
        /// A refund was executed through its connector, or failed: `{refund_id, state,
        /// connector, gateway_ref}`.
        RefundExecuted = "refund_executed",
        /// Evidence was added to or removed from a dispute: `{dispute_id, evidence_id, kind}`.
        DisputeEvidence = "dispute_evidence",
        /// A dispute was answered (evidence submitted, or accepted) or its outcome recorded:
        /// `{dispute_id, action, status, amount_won, amount_lost}`.
        DisputeWorked = "dispute_worked",
        /// An incident was declared, proposed, updated or resolved: `{incident_id, action,
        /// status, severity}`.
        IncidentChanged = "incident_changed",
        /// An escalation was opened, taken, answered, declined, set waiting or linked to an
        /// external tracker: `{escalation_id, action, status, team, reason, severity}`.
        EscalationChanged = "escalation_changed",
        /// An SOP was started on a ticket or one of its steps ticked or unticked:
        /// `{sop_id, version, step, done}`.
        SopProgress = "sop_progress",
        /// A macro was applied to the ticket: `{macro_id, name}`.
        MacroApplied = "macro_applied",
        /// A trigger or time rule fired on the ticket: `{rule_id, name, on, actions}`. The
        /// changes it made follow as their own events, each with the rule as its actor.
        RuleFired = "rule_fired",
    }
);

/// One field that changed, from what to what (as JSON values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub field: &'static str,
    pub from: Value,
    pub to: Value,
}

impl Change {
    #[must_use]
    pub fn text(field: &'static str, from: Option<&str>, to: Option<&str>) -> Self {
        Self {
            field,
            from: json!(from),
            to: json!(to),
        }
    }

    #[must_use]
    pub fn id(field: &'static str, from: Option<i64>, to: Option<i64>) -> Self {
        Self {
            field,
            from: json!(from),
            to: json!(to),
        }
    }

    #[must_use]
    pub fn tags(from: &[String], to: &[String]) -> Self {
        Self {
            field: "tags",
            from: json!(from),
            to: json!(to),
        }
    }

    /// The event data of this change.
    #[must_use]
    pub fn to_data(&self) -> Value {
        json!({ "field": self.field, "from": self.from, "to": self.to })
    }
}

/// An event about to be appended.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub ticket_id: Option<TicketId>,
    pub customer_id: Option<CustomerId>,
    pub actor: Actor,
    pub at: Timestamp,
    pub kind: EventKind,
    pub data: Value,
    /// The address the actor came from, when known (the audit trail's "from where").
    pub ip: Option<String>,
}

impl NewEvent {
    /// The same event, recorded as coming from `ip`.
    #[must_use]
    pub fn from_ip(mut self, ip: Option<&str>) -> Self {
        self.ip = ip.map(str::to_string);
        self
    }

    /// A ticket event. The ticket id may be filled in by the store when the ticket is new.
    #[must_use]
    pub fn ticket(
        ticket_id: Option<TicketId>,
        actor: &Actor,
        at: Timestamp,
        kind: EventKind,
        data: Value,
    ) -> Self {
        Self {
            ticket_id,
            customer_id: None,
            actor: actor.clone(),
            at,
            kind,
            data,
            ip: None,
        }
    }

    /// One `field_changed` event per change.
    #[must_use]
    pub fn from_changes(
        ticket_id: TicketId,
        actor: &Actor,
        at: Timestamp,
        changes: &[Change],
    ) -> Vec<Self> {
        changes
            .iter()
            .map(|c| {
                Self::ticket(
                    Some(ticket_id),
                    actor,
                    at,
                    EventKind::FieldChanged,
                    c.to_data(),
                )
            })
            .collect()
    }
}

/// An event as read back from the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: EventId,
    pub ticket_id: Option<TicketId>,
    pub customer_id: Option<CustomerId>,
    pub actor: Actor,
    pub at: Timestamp,
    pub kind: EventKind,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: Value,
}
