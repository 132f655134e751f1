//! One gateway event, told the same way whichever gateway and format it came in: what
//! happened ([`GatewayEventKind`]), to which payment object ([`PaymentFact`]) and who it
//! may concern ([`CustomerHint`]). Webhook intake builds these from Stripe's events and
//! from paydesk's own signed format; everything after that is shared.
//!
//! Every text here has already been redacted by whoever built the fact.

use super::{
    DisputeStage, DisputeStatus, Money, PaymentMethod, PayoutSchedule, PayoutStatus,
    TransactionKind, TransactionStatus,
};
use crate::time::Timestamp;

crate::label_enum!(
    /// What a gateway event says happened.
    GatewayEventKind {
        DisputeCreated = "dispute_created",
        DisputeUpdated = "dispute_updated",
        DisputeClosed = "dispute_closed",
        /// The disputed amount (and usually a fee) was taken from the balance.
        DisputeFundsWithdrawn = "dispute_funds_withdrawn",
        /// The disputed amount was given back.
        DisputeFundsReinstated = "dispute_funds_reinstated",
        TransactionFailed = "transaction_failed",
        TransactionRefunded = "transaction_refunded",
        PayoutFailed = "payout_failed",
    }
);

/// A transaction as one event reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionFact {
    pub gateway_ref: String,
    pub kind: TransactionKind,
    pub status: TransactionStatus,
    pub money: Money,
    pub amount_refunded: i64,
    pub order_id: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub card_brand: Option<String>,
    /// Exactly four digits or nothing (see [`super::card_last4`]).
    pub card_last4: Option<String>,
    pub method: Option<PaymentMethod>,
    /// The wallet's name, lower-case, when paid with one.
    pub wallet: Option<String>,
}

/// A dispute as one event reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeFact {
    pub gateway_ref: String,
    /// The disputed transaction's id at the gateway.
    pub transaction_ref: Option<String>,
    pub network: Option<String>,
    pub reason: Option<String>,
    pub network_reason_code: Option<String>,
    pub stage: DisputeStage,
    /// `None` when the gateway sent a status paydesk does not know (kept in `gateway_status`).
    pub status: Option<DisputeStatus>,
    /// The status as the gateway wrote it.
    pub gateway_status: String,
    pub money: Money,
    pub due_at: Option<Timestamp>,
}

/// A payout as one event reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutFact {
    pub gateway_ref: String,
    pub money: Money,
    pub status: PayoutStatus,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub arrival_at: Option<Timestamp>,
    /// The schedule the payout was made under, when the gateway says.
    pub schedule: Option<PayoutSchedule>,
}

/// The payment object an event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentFact {
    Transaction(TransactionFact),
    Dispute(DisputeFact),
    Payout(PayoutFact),
}

/// Who an event may concern, for matching a customer: platform ids (an `external_ids`
/// name and value, such as `stripe_customer_id` = `cus_...`) tried in order, then emails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerHint {
    pub external_ids: Vec<(String, String)>,
    pub emails: Vec<String>,
}

/// One gateway event, ready to be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayEvent {
    /// The gateway (`stripe`, `adyen`, ...), lower-case.
    pub gateway: String,
    /// The event's id at the gateway; a redelivery carries the same one.
    pub event_id: String,
    /// The type as the gateway wrote it (`charge.dispute.created`).
    pub event_type: String,
    pub kind: GatewayEventKind,
    pub fact: PaymentFact,
    pub customer: CustomerHint,
    /// When the gateway says the event happened.
    pub occurred_at: Option<Timestamp>,
}

impl GatewayEvent {
    /// The gateway reference of the object the event is about.
    #[must_use]
    pub fn object_ref(&self) -> &str {
        match &self.fact {
            PaymentFact::Transaction(t) => &t.gateway_ref,
            PaymentFact::Dispute(d) => &d.gateway_ref,
            PaymentFact::Payout(p) => &p.gateway_ref,
        }
    }
}

/// A gateway time in Unix seconds as a [`Timestamp`]; `None` when it does not fit.
#[must_use]
pub fn from_unix_seconds(secs: i64) -> Option<Timestamp> {
    secs.checked_mul(1_000).map(Timestamp)
}
