//! The snapshot of one ticket that rules read: the ticket, its customer, its payments, its
//! SLA, its escalation and, for time rules, how long things have lasted. The app builds it
//! per ticket; the evaluator changes its copy as rules act, so later rules see the change.

use crate::customer::Tier;
use crate::id::{QueueId, UserId};
use crate::ticket::{BusinessLine, Channel, Priority, Status};
use crate::time::Timestamp;

/// Everything a rule may test about one ticket, at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    pub ticket: TicketSnapshot,
    /// `None` when the ticket has no customer.
    pub customer: Option<CustomerFacts>,
    pub payment: PaymentFacts,
    pub sla: SlaFacts,
    pub escalation: EscalationFacts,
    pub time: TimeFacts,
}

/// The ticket's own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSnapshot {
    pub status: Status,
    pub priority: Priority,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub queue_id: Option<QueueId>,
    pub assignee_id: Option<UserId>,
    pub business_line: BusinessLine,
    pub channel: Channel,
    pub language: String,
    pub subject: String,
    /// The ticket's version; the evaluator adds one per firing that changed a field, as a
    /// write would.
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The customer's fields rules may test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerFacts {
    pub tier: Tier,
    pub country: Option<String>,
    pub locale: Option<String>,
}

/// The payments linked to the ticket, summarised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentFacts {
    /// Failure codes of linked transactions (`card_declined`, `insufficient_funds`, ...).
    pub failure_codes: Vec<String>,
    pub gateways: Vec<String>,
    pub methods: Vec<String>,
    /// The largest linked transaction's amount, in minor units.
    pub largest_amount: Option<i64>,
    pub has_open_dispute: bool,
    pub has_refund_pending: bool,
}

/// The ticket's SLA clocks, summarised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlaFacts {
    pub is_at_risk: bool,
    pub is_breached: bool,
    /// Minutes until the next clock falls due (negative when overdue); `None` without clocks.
    pub minutes_to_next_due: Option<i64>,
}

/// The ticket's escalation to a partner team, when one is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EscalationFacts {
    pub is_open: bool,
    /// The partner team's name.
    pub team: Option<String>,
    pub is_partner_sla_breached: bool,
}

/// Durations for time rules, on the desk's business calendar where it says so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeFacts {
    /// Business hours since the ticket entered its current status.
    pub business_hours_in_status: i64,
    /// Whole business days (of the calendar's open hours) since then.
    pub business_days_in_status: i64,
    /// Hours since the desk's last public reply; `None` when it never replied.
    pub hours_since_public_reply: Option<i64>,
    /// Hours since the customer's last message; `None` when there is none.
    pub hours_since_customer_message: Option<i64>,
    /// On hold while the escalation's partner SLA has passed.
    pub is_on_hold_past_partner_sla: bool,
}
