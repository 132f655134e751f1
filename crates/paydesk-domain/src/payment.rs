//! Payment objects beside the tickets: transactions (charges, refunds, payouts, top-ups,
//! transfers), disputes (inquiries and chargebacks) and payouts, as the payment gateways
//! report them. Money is an integer in minor units with its ISO 4217 code ([`Money`]).
//!
//! Gateways speak their own vocabularies. [`stripe`] maps Stripe's onto the labels here;
//! [`fact`] is the gateway-neutral account of one gateway event that webhook intake builds
//! from Stripe's format or paydesk's own; [`merge`] lays it over what paydesk holds;
//! [`follow_up`] decides what it does to tickets, and [`notice`] writes the texts agents
//! read about it.

pub mod decline;
mod diff;
pub mod dispute_case;
pub mod fact;
pub mod follow_up;
pub mod mention;
pub mod merge;
mod money;
pub mod notice;
pub mod packet;
pub mod reason_code;
pub mod refund;
pub mod stripe;

pub use diff::changes;

pub use money::{Money, normalize_currency};

use crate::id::{CustomerId, TicketId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

crate::label_enum!(
    /// What moved the money.
    TransactionKind {
        /// A customer paid (card, wallet, bank).
        Charge = "charge",
        /// Money given back on a charge.
        Refund = "refund",
        /// Money sent out to a merchant or creator.
        Payout = "payout",
        /// Money added to a balance or wallet.
        TopUp = "top_up",
        /// Money moved between balances.
        Transfer = "transfer",
    }
);

crate::label_enum!(
    /// Where a transaction stands.
    TransactionStatus {
        Pending = "pending",
        /// Approved by the issuer, not yet captured.
        Authorised = "authorised",
        Captured = "captured",
        /// Paid out to the receiving side.
        Settled = "settled",
        Failed = "failed",
        /// Taken back (a chargeback or a reversal by the gateway).
        Reversed = "reversed",
        /// Refunded in full (a partial refund keeps the status and raises `amount_refunded`).
        Refunded = "refunded",
    }
);

crate::label_enum!(
    /// How the customer paid. A card keeps only its brand and last four digits; a wallet
    /// its name (`apple_pay`, `google_pay`, `paypal`, ...).
    PaymentMethod {
        Card = "card",
        /// A wallet (which may hold a card: then the card's brand and last four are kept too).
        Wallet = "wallet",
        BankTransfer = "bank_transfer",
        Other = "other",
    }
);

crate::label_enum!(
    /// How often a merchant's or creator's balance is paid out.
    PayoutSchedule {
        Daily = "daily",
        Weekly = "weekly",
        Monthly = "monthly",
        /// Only when the merchant or creator asks.
        Manual = "manual",
    }
);

crate::label_enum!(
    /// Where a dispute stands in the card networks' cycle. The `warning_*` statuses are
    /// inquiries (retrieval requests) that may still become chargebacks.
    DisputeStatus {
        WarningNeedsResponse = "warning_needs_response",
        WarningUnderReview = "warning_under_review",
        /// An inquiry that ended without becoming a chargeback.
        WarningClosed = "warning_closed",
        NeedsResponse = "needs_response",
        UnderReview = "under_review",
        Won = "won",
        Lost = "lost",
        /// The merchant accepted the chargeback (or refunded instead of answering).
        Accepted = "accepted",
        /// Resolved before it became a dispute (for example by a network's pre-dispute program).
        Prevented = "prevented",
    }
);

impl DisputeStatus {
    /// Whether the dispute is over.
    #[must_use]
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Self::WarningClosed | Self::Won | Self::Lost | Self::Accepted | Self::Prevented
        )
    }

    /// Whether the desk must answer (submit evidence or accept) before the due date.
    #[must_use]
    pub fn needs_response(self) -> bool {
        matches!(self, Self::WarningNeedsResponse | Self::NeedsResponse)
    }
}

crate::label_enum!(
    /// How far a dispute has gone.
    DisputeStage {
        /// A retrieval request: the issuer asks before disputing.
        Inquiry = "inquiry",
        Chargeback = "chargeback",
        PreArbitration = "pre_arbitration",
        Arbitration = "arbitration",
    }
);

impl DisputeStage {
    /// The stage a status implies when the gateway does not say: `warning_*` statuses
    /// belong to inquiries, the others to chargebacks.
    #[must_use]
    pub fn implied_by(status: DisputeStatus) -> Self {
        match status {
            DisputeStatus::WarningNeedsResponse
            | DisputeStatus::WarningUnderReview
            | DisputeStatus::WarningClosed => Self::Inquiry,
            _ => Self::Chargeback,
        }
    }
}

crate::label_enum!(
    /// Where a payout stands.
    PayoutStatus {
        Scheduled = "scheduled",
        InTransit = "in_transit",
        Paid = "paid",
        Failed = "failed",
        /// Stopped for review (risk, identity or tax checks).
        Held = "held",
        Canceled = "canceled",
    }
);

crate::label_enum!(
    /// Which kind of payment object a ticket is linked to.
    PaymentObjectKind {
        Transaction = "transaction",
        Dispute = "dispute",
        Payout = "payout",
    }
);

crate::label_enum!(
    /// What became of a webhook delivery that was let in (its signature held).
    WebhookOutcome {
        /// Its payment object (and tickets) were created or updated.
        Processed = "processed",
        /// A type paydesk does not handle: acknowledged and kept, nothing changed.
        Ignored = "ignored",
        /// A handled type whose object could not be used (missing or wrong fields).
        Invalid = "invalid",
        /// Not JSON, or not an event at all.
        Malformed = "malformed",
    }
);

/// Declares a payment object's integer id.
macro_rules! object_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);
    };
}

object_id!(
    /// A transaction's id.
    TransactionId
);
object_id!(
    /// A dispute's id.
    DisputeId
);
object_id!(
    /// A payout's id.
    PayoutId
);

/// A transaction as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    pub id: TransactionId,
    /// The gateway that reported it (`stripe`, `adyen`, ...).
    pub gateway: String,
    /// The gateway's id for it, unique per gateway.
    pub gateway_ref: String,
    pub kind: TransactionKind,
    pub status: TransactionStatus,
    pub money: Money,
    /// Minor units refunded so far (in `money`'s currency).
    pub amount_refunded: i64,
    pub customer_id: Option<CustomerId>,
    /// The platform's order the payment was for, when the gateway says.
    pub order_id: Option<String>,
    pub failure_code: Option<String>,
    /// The gateway's words on a failure (redacted).
    pub failure_message: Option<String>,
    pub card_brand: Option<String>,
    /// The last four digits of the card, never more.
    pub card_last4: Option<String>,
    /// How it was paid, when the gateway says.
    pub method: Option<PaymentMethod>,
    /// The wallet's name when `method` is a wallet (`apple_pay`, `google_pay`, `paypal`).
    pub wallet: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Transaction {
    /// A captured charge not stored yet (id 0), as a gateway reports a new one: nothing
    /// refunded, no customer, order, failure or card known.
    #[must_use]
    pub fn captured_charge(gateway: &str, gateway_ref: &str, money: Money, at: Timestamp) -> Self {
        Self {
            id: TransactionId(0),
            gateway: gateway.into(),
            gateway_ref: gateway_ref.into(),
            kind: TransactionKind::Charge,
            status: TransactionStatus::Captured,
            money,
            amount_refunded: 0,
            customer_id: None,
            order_id: None,
            failure_code: None,
            failure_message: None,
            card_brand: None,
            card_last4: None,
            method: None,
            wallet: None,
            created_at: at,
            updated_at: at,
        }
    }
}

/// A dispute as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    pub id: DisputeId,
    pub gateway: String,
    pub gateway_ref: String,
    /// The disputed transaction, once paydesk knows it.
    pub transaction_id: Option<TransactionId>,
    /// The gateway's id of the disputed transaction, as the dispute names it.
    pub transaction_ref: Option<String>,
    pub customer_id: Option<CustomerId>,
    /// The ticket opened for it (the latest, when a closed one was followed up).
    pub ticket_id: Option<TicketId>,
    /// The card network (`visa`, `mastercard`, ...).
    pub network: Option<String>,
    /// The gateway's reason label (`fraudulent`, `product_not_received`, ...).
    pub reason: Option<String>,
    /// The network's reason code (`10.4`, `4853`, ...).
    pub network_reason_code: Option<String>,
    pub stage: DisputeStage,
    pub status: DisputeStatus,
    pub money: Money,
    /// When evidence is due.
    pub due_at: Option<Timestamp>,
    /// When the disputed amount was taken from the balance, if it was.
    pub funds_withdrawn_at: Option<Timestamp>,
    /// When it was given back, if it was.
    pub funds_reinstated_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A payout as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payout {
    pub id: PayoutId,
    pub gateway: String,
    pub gateway_ref: String,
    /// The merchant or creator paid.
    pub customer_id: Option<CustomerId>,
    pub money: Money,
    pub status: PayoutStatus,
    pub failure_code: Option<String>,
    /// The gateway's words on a failure (redacted).
    pub failure_message: Option<String>,
    /// When the money is (or was) expected to arrive.
    pub arrival_at: Option<Timestamp>,
    /// The payout schedule it was made under, when known.
    pub schedule: Option<PayoutSchedule>,
    /// Held for review (risk, identity or tax checks): the money waits until it is released.
    pub is_held: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Any one payment object, for what treats them alike (notes, event data, links).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentObject {
    Transaction(Transaction),
    Dispute(Dispute),
    Payout(Payout),
}

impl PaymentObject {
    /// Which kind of object this is.
    #[must_use]
    pub fn kind(&self) -> PaymentObjectKind {
        match self {
            Self::Transaction(_) => PaymentObjectKind::Transaction,
            Self::Dispute(_) => PaymentObjectKind::Dispute,
            Self::Payout(_) => PaymentObjectKind::Payout,
        }
    }

    /// Its id in its own table.
    #[must_use]
    pub fn id(&self) -> i64 {
        match self {
            Self::Transaction(t) => t.id.0,
            Self::Dispute(d) => d.id.0,
            Self::Payout(p) => p.id.0,
        }
    }

    /// The gateway that reported it.
    #[must_use]
    pub fn gateway(&self) -> &str {
        match self {
            Self::Transaction(t) => &t.gateway,
            Self::Dispute(d) => &d.gateway,
            Self::Payout(p) => &p.gateway,
        }
    }

    /// The gateway's id for it.
    #[must_use]
    pub fn gateway_ref(&self) -> &str {
        match self {
            Self::Transaction(t) => &t.gateway_ref,
            Self::Dispute(d) => &d.gateway_ref,
            Self::Payout(p) => &p.gateway_ref,
        }
    }

    /// Its amount.
    #[must_use]
    pub fn money(&self) -> &Money {
        match self {
            Self::Transaction(t) => &t.money,
            Self::Dispute(d) => &d.money,
            Self::Payout(p) => &p.money,
        }
    }

    /// The customer it concerns, when known.
    #[must_use]
    pub fn customer_id(&self) -> Option<CustomerId> {
        match self {
            Self::Transaction(t) => t.customer_id,
            Self::Dispute(d) => d.customer_id,
            Self::Payout(p) => p.customer_id,
        }
    }
}

/// The longest gateway name, reference or label kept.
pub const REF_MAX: usize = 255;

/// The longest gateway text (a failure message) kept; longer ones are cut.
pub const TEXT_MAX: usize = 1_000;

/// Checks a gateway name: 1-40 characters of `a-z`, `0-9`, `_` and `-`, lower-cased.
pub fn normalize_gateway(raw: &str) -> Result<String, crate::DomainError> {
    let g = raw.trim().to_ascii_lowercase();
    let ok = (1..=40).contains(&g.len())
        && g.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(g)
    } else {
        Err(crate::DomainError::invalid(
            "gateway",
            "1-40 characters of a-z, 0-9, '_' or '-'",
        ))
    }
}

/// Checks a gateway's id for an object or event: 1-255 characters, no control characters.
pub fn check_ref(field: &'static str, raw: &str) -> Result<String, crate::DomainError> {
    let r = raw.trim();
    if r.is_empty() || r.chars().count() > REF_MAX || r.chars().any(char::is_control) {
        return Err(crate::DomainError::invalid(
            field,
            format!("1-{REF_MAX} characters without control characters"),
        ));
    }
    Ok(r.to_string())
}

/// A short optional label from a gateway (a code, a brand, a network): trimmed, empty as
/// none, control characters dropped, at most [`REF_MAX`] characters.
#[must_use]
pub fn label_text(raw: Option<&str>) -> Option<String> {
    clipped(raw, REF_MAX)
}

/// A gateway's free text (a failure message): as [`label_text`], at most [`TEXT_MAX`]
/// characters.
#[must_use]
pub fn free_text(raw: Option<&str>) -> Option<String> {
    clipped(raw, TEXT_MAX)
}

fn clipped(raw: Option<&str>, max: usize) -> Option<String> {
    let t: String = raw?
        .trim()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(max)
        .collect();
    (!t.trim().is_empty()).then(|| t.trim().to_string())
}

/// The last four digits of a card, or nothing when `raw` is anything else: more digits
/// than four are never kept.
#[must_use]
pub fn card_last4(raw: Option<&str>) -> Option<String> {
    let r = raw?.trim();
    (r.len() == 4 && r.bytes().all(|b| b.is_ascii_digit())).then(|| r.to_string())
}

#[cfg(test)]
mod tests;
