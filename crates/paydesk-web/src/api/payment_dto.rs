//! The shapes of the payment routes: transactions and payouts in and out (each failure with
//! its explanation), batch answers with one outcome per item, a ticket's payments panel and
//! a customer's activity.

use crate::time::{format, format_opt};
use paydesk_app::payments::{
    ItemError, ItemOutcome, LinkedViews, LoadResult, PayoutView, RecentViews, TicketPayments,
    TransactionView,
};
use paydesk_domain::payment::decline::Explanation;
use paydesk_domain::payment::{
    Dispute, DisputeStage, DisputeStatus, PaymentMethod, PaymentObjectKind, PayoutSchedule,
    PayoutStatus, TransactionKind, TransactionStatus,
};
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status, ticket_number};
use paydesk_store::{Activity, TicketSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A transaction to create or update, found by `gateway` and `gateway_ref`. Fields left
/// out keep what paydesk held.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransactionIn {
    /// The gateway (`stripe`, `adyen`, ...).
    pub gateway: String,
    /// The gateway's id for the transaction.
    pub gateway_ref: String,
    #[serde(default = "charge")]
    pub kind: TransactionKind,
    pub status: TransactionStatus,
    /// Minor units (cents).
    pub amount: i64,
    /// ISO 4217, e.g. `USD`.
    pub currency: String,
    #[serde(default)]
    pub amount_refunded: i64,
    /// paydesk's customer id.
    pub customer_id: Option<i64>,
    /// The customer's id at the gateway (kept as `<gateway>_customer_id`).
    pub customer_platform_id: Option<String>,
    pub customer_email: Option<String>,
    pub order_id: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub payment_method: Option<PaymentMethod>,
    /// `apple_pay`, `google_pay`, `paypal`, ... (implies `payment_method: wallet`).
    pub wallet: Option<String>,
    pub card_brand: Option<String>,
    /// The last four digits only; a full card number is refused.
    pub card_last4: Option<String>,
    /// RFC 3339; default: when first loaded.
    pub created_at: Option<String>,
}

fn charge() -> TransactionKind {
    TransactionKind::Charge
}

/// A payout to create or update, found by `gateway` and `gateway_ref`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutIn {
    pub gateway: String,
    pub gateway_ref: String,
    pub status: PayoutStatus,
    pub amount: i64,
    pub currency: String,
    pub customer_id: Option<i64>,
    /// The merchant's or creator's id at the gateway (`<gateway>_customer_id` or
    /// `<gateway>_account_id`).
    pub customer_platform_id: Option<String>,
    pub customer_email: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    /// RFC 3339: when the money is expected to arrive.
    pub arrival_at: Option<String>,
    pub schedule: Option<PayoutSchedule>,
    /// Held for review (also when `status` is `held`).
    #[serde(default)]
    pub held: bool,
    pub created_at: Option<String>,
}

/// Up to 1,000 transactions.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TransactionBatch {
    pub items: Vec<TransactionIn>,
}

/// Up to 1,000 payouts.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PayoutBatch {
    pub items: Vec<PayoutIn>,
}

/// What became of one item of a batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemResultOut {
    /// Its place in the batch, from 0.
    pub index: usize,
    /// `created`, `updated`, `unchanged` or `rejected`.
    pub outcome: String,
    /// The stored object's id (not for a rejected item).
    pub id: Option<i64>,
    /// For a rejected item: the field at fault and what to do.
    pub field: Option<String>,
    pub reason: Option<String>,
}

/// A batch's answer: one result per item, in order, and the counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchOut {
    pub items: Vec<ItemResultOut>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    /// Card numbers and security codes masked in the items' texts.
    pub masked: usize,
}

impl BatchOut {
    /// The answer for `result`, with items that could not even be read put back in place.
    #[must_use]
    pub fn new(result: LoadResult) -> Self {
        let mut out = Self {
            items: Vec::with_capacity(result.items.len()),
            created: 0,
            updated: 0,
            unchanged: 0,
            rejected: 0,
            masked: result.masked,
        };
        for (index, item) in result.items.into_iter().enumerate() {
            let (outcome, id, error) = match item {
                Ok(ItemOutcome::Created(id)) => ("created", Some(id), None),
                Ok(ItemOutcome::Updated(id)) => ("updated", Some(id), None),
                Ok(ItemOutcome::Unchanged(id)) => ("unchanged", Some(id), None),
                Err(e) => ("rejected", None, Some(e)),
            };
            match outcome {
                "created" => out.created += 1,
                "updated" => out.updated += 1,
                "unchanged" => out.unchanged += 1,
                _ => out.rejected += 1,
            }
            let (field, reason) = error.map_or((None, None), |ItemError { field, reason }| {
                (Some(field), Some(reason))
            });
            out.items.push(ItemResultOut {
                index,
                outcome: outcome.to_string(),
                id,
                field,
                reason,
            });
        }
        out
    }
}

/// A transaction, with what its failure code means.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionOut {
    pub id: i64,
    pub gateway: String,
    pub gateway_ref: String,
    pub kind: TransactionKind,
    pub status: TransactionStatus,
    pub amount: i64,
    pub currency: String,
    pub amount_refunded: i64,
    pub customer_id: Option<i64>,
    pub order_id: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub payment_method: Option<PaymentMethod>,
    pub wallet: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    /// What the failure code means, what the customer can do, whether to retry; null
    /// when the transaction carries no failure code.
    pub explanation: Option<Explanation>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<TransactionView> for TransactionOut {
    fn from(v: TransactionView) -> Self {
        let t = v.transaction;
        Self {
            id: t.id.0,
            gateway: t.gateway,
            gateway_ref: t.gateway_ref,
            kind: t.kind,
            status: t.status,
            amount: t.money.amount,
            currency: t.money.currency,
            amount_refunded: t.amount_refunded,
            customer_id: t.customer_id.map(|c| c.0),
            order_id: t.order_id,
            failure_code: t.failure_code,
            failure_message: t.failure_message,
            payment_method: t.method,
            wallet: t.wallet,
            card_brand: t.card_brand,
            card_last4: t.card_last4,
            explanation: v.explanation,
            created_at: format(t.created_at),
            updated_at: format(t.updated_at),
        }
    }
}

/// A payout, with what its failure code means.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutOut {
    pub id: i64,
    pub gateway: String,
    pub gateway_ref: String,
    pub customer_id: Option<i64>,
    pub amount: i64,
    pub currency: String,
    pub status: PayoutStatus,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    /// When the money is (or was) expected to arrive.
    pub arrival_at: Option<String>,
    pub schedule: Option<PayoutSchedule>,
    /// Held for review.
    pub held: bool,
    pub explanation: Option<Explanation>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<PayoutView> for PayoutOut {
    fn from(v: PayoutView) -> Self {
        let p = v.payout;
        Self {
            id: p.id.0,
            gateway: p.gateway,
            gateway_ref: p.gateway_ref,
            customer_id: p.customer_id.map(|c| c.0),
            amount: p.money.amount,
            currency: p.money.currency,
            status: p.status,
            failure_code: p.failure_code,
            failure_message: p.failure_message,
            arrival_at: format_opt(p.arrival_at),
            schedule: p.schedule,
            held: p.is_held,
            explanation: v.explanation,
            created_at: format(p.created_at),
            updated_at: format(p.updated_at),
        }
    }
}

/// A dispute (inquiry or chargeback).
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedDisputeOut {
    pub id: i64,
    pub gateway: String,
    pub gateway_ref: String,
    pub transaction_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// The ticket working it, e.g. `PD-1042`.
    pub ticket: Option<String>,
    pub network: Option<String>,
    pub reason: Option<String>,
    pub network_reason_code: Option<String>,
    pub stage: DisputeStage,
    pub status: DisputeStatus,
    pub amount: i64,
    pub currency: String,
    /// When evidence is due.
    pub due_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Dispute> for LinkedDisputeOut {
    fn from(d: Dispute) -> Self {
        Self {
            id: d.id.0,
            gateway: d.gateway,
            gateway_ref: d.gateway_ref,
            transaction_id: d.transaction_id.map(|t| t.0),
            customer_id: d.customer_id.map(|c| c.0),
            ticket: d.ticket_id.map(ticket_number),
            network: d.network,
            reason: d.reason,
            network_reason_code: d.network_reason_code,
            stage: d.stage,
            status: d.status,
            amount: d.money.amount,
            currency: d.money.currency,
            due_at: format_opt(d.due_at),
            created_at: format(d.created_at),
            updated_at: format(d.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionPage {
    pub items: Vec<TransactionOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutPage {
    pub items: Vec<PayoutOut>,
    pub next_cursor: Option<String>,
}

/// What is linked to the ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedOut {
    pub transactions: Vec<TransactionOut>,
    pub payouts: Vec<PayoutOut>,
    pub disputes: Vec<LinkedDisputeOut>,
}

/// The customer's recent money, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecentOut {
    pub transactions: Vec<TransactionOut>,
    /// For merchants and creators.
    pub payouts: Vec<PayoutOut>,
}

/// The money beside a ticket, one section per kind of fact (further sections may be
/// added; clients should ignore those they do not know).
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketPaymentsOut {
    /// `PD-1042`.
    pub ticket: String,
    pub customer_id: Option<i64>,
    pub business_line: BusinessLine,
    /// What is linked to the ticket (by its words, by a gateway, or by hand).
    pub linked: LinkedOut,
    /// The customer's recent transactions and payouts.
    pub recent: RecentOut,
}

fn outs<T, O: From<T>>(items: Vec<T>) -> Vec<O> {
    items.into_iter().map(O::from).collect()
}

impl From<TicketPayments> for TicketPaymentsOut {
    fn from(p: TicketPayments) -> Self {
        let LinkedViews {
            transactions,
            payouts,
            disputes,
        } = p.linked;
        let RecentViews {
            transactions: recent_transactions,
            payouts: recent_payouts,
        } = p.recent;
        Self {
            ticket: ticket_number(p.ticket),
            customer_id: p.customer_id.map(|c| c.0),
            business_line: p.business_line,
            linked: LinkedOut {
                transactions: outs(transactions),
                payouts: outs(payouts),
                disputes: outs(disputes),
            },
            recent: RecentOut {
                transactions: outs(recent_transactions),
                payouts: outs(recent_payouts),
            },
        }
    }
}

/// A ticket to link to a payment object.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentLinkIn {
    pub kind: PaymentObjectKind,
    /// The object's id.
    pub id: i64,
}

/// A link between a ticket and a payment object.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentLinkOut {
    pub ticket: String,
    pub kind: PaymentObjectKind,
    pub id: i64,
    /// False when the ticket was linked already.
    pub changed: bool,
}

/// A ticket in a customer's activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityTicketOut {
    pub id: i64,
    pub number: String,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub channel: Channel,
    pub updated_at: String,
}

impl From<TicketSummary> for ActivityTicketOut {
    fn from(t: TicketSummary) -> Self {
        Self {
            id: t.id.0,
            number: ticket_number(t.id),
            subject: t.subject,
            status: t.status,
            priority: t.priority,
            channel: t.channel,
            updated_at: format(t.updated_at),
        }
    }
}

/// One item of a customer's activity: `type` says which of the fields is set.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityOut {
    /// `ticket`, `transaction`, `payout` or `dispute`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it happened (created).
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<ActivityTicketOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction: Option<TransactionOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout: Option<PayoutOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispute: Option<LinkedDisputeOut>,
}

impl From<Activity> for ActivityOut {
    fn from(a: Activity) -> Self {
        let mut out = Self {
            kind: String::new(),
            at: format(a.at()),
            ticket: None,
            transaction: None,
            payout: None,
            dispute: None,
        };
        out.kind = match a {
            Activity::Ticket(t) => {
                out.ticket = Some(t.into());
                "ticket"
            }
            Activity::Transaction(t) => {
                out.transaction = Some(TransactionView::from(t).into());
                "transaction"
            }
            Activity::Payout(p) => {
                out.payout = Some(PayoutView::from(p).into());
                "payout"
            }
            Activity::Dispute(d) => {
                out.dispute = Some(d.into());
                "dispute"
            }
        }
        .to_string();
        out
    }
}

/// A page of a customer's activity, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPageOut {
    pub items: Vec<ActivityOut>,
    pub next_cursor: Option<String>,
}
