//! The demo's money: for each batch of demo tickets, the transactions and payouts their
//! texts talk about, saved before the tickets go in, so that the tickets link to them the
//! way every ticket does (by the order ids and gateway references they name, in the
//! ticket write) and the panel beside each ticket shows them.
//!
//! Buyers' orders become card, wallet and bank-transfer charges: captured or settled,
//! failed with a decline code on declined-payment tickets, refunded on refund tickets,
//! pending on pending ones; a refund reference becomes a refund. Merchants' and creators'
//! payouts are paid, in transit, failed (with a failure code) or held for review, on a
//! schedule; a creator or merchant asking about money without naming a payout still gets
//! their latest payout, so "where is my money" shows it beside the ticket. Each object is
//! recorded with a `<kind>_recorded` event, as the gateway's intake would.

use super::chance::weighted;
use super::intake::Topic;
use crate::error::AppError;
use crate::payments::recorded_event;
use paydesk_domain::payment::{
    Money, PaymentMethod, PaymentObject, Payout, PayoutId, PayoutSchedule, PayoutStatus,
    Transaction, TransactionId, TransactionKind, TransactionStatus,
};
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{Actor, Timestamp};
use paydesk_store::{PaymentWork, Store, TicketRecord};
use rand::Rng;
use rand::rngs::SmallRng;
use serde_json::json;
use std::collections::HashSet;

/// Card decline codes of failed demo charges, with their weights.
const DECLINES: &[(&str, u32)] = &[
    ("insufficient_funds", 30),
    ("do_not_honor", 18),
    ("generic_decline", 14),
    ("incorrect_cvc", 8),
    ("expired_card", 8),
    ("card_velocity_exceeded", 5),
    ("authentication_required", 7),
    ("transaction_not_allowed", 4),
    ("fraudulent", 3),
    ("51", 2),
    ("05", 1),
];

/// Payout failure codes, with their weights.
const PAYOUT_FAILURES: &[(&str, u32)] = &[
    ("account_closed", 30),
    ("invalid_account_number", 25),
    ("no_account", 15),
    ("account_frozen", 10),
    ("could_not_process", 12),
    ("bank_account_restricted", 8),
];

const WALLETS: &[(&str, u32)] = &[("apple_pay", 45), ("google_pay", 35), ("paypal", 20)];

const BRANDS: &[(&str, u32)] = &[("visa", 55), ("mastercard", 35), ("amex", 10)];

/// How many payment objects the demo made.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Made {
    pub transactions: usize,
    pub payouts: usize,
}

/// The gateway references already used, so that a reference drawn twice makes one object.
#[derive(Debug, Default)]
pub(super) struct Ledger {
    used: HashSet<String>,
    pub made: Made,
}

fn mentions(record: &TicketRecord, needle: &str) -> bool {
    record.ticket.subject.contains(needle)
        || record.messages.iter().any(|m| m.body.contains(needle))
}

fn method(rng: &mut SmallRng, t: &mut Transaction, last4: &str) {
    let (m, wallet) = match rng.random_range(0..100) {
        0..70 => (PaymentMethod::Card, None),
        70..88 => (PaymentMethod::Wallet, weighted(rng, WALLETS)),
        88..96 => (PaymentMethod::BankTransfer, None),
        _ => (PaymentMethod::Other, None),
    };
    t.method = Some(m);
    t.wallet = wallet.map(str::to_string);
    if matches!(m, PaymentMethod::Card) || wallet.is_some_and(|w| w != "paypal") {
        t.card_brand = weighted(rng, BRANDS).map(str::to_string);
        t.card_last4 = Some(last4.to_string());
    }
}

/// The charge a ticket's order or charge reference names.
fn charge(rng: &mut SmallRng, record: &TicketRecord, topic: &Topic) -> Transaction {
    let f = &topic.facts;
    let is_buyer = record.ticket.business_line == BusinessLine::Buyer;
    let mut t = Transaction {
        id: TransactionId(0),
        gateway: "stripe".into(),
        gateway_ref: f.charge.clone(),
        kind: TransactionKind::Charge,
        status: TransactionStatus::Captured,
        money: Money {
            amount: f.amount,
            currency: f.currency.code().into(),
        },
        amount_refunded: 0,
        // A merchant's charge was paid by one of its buyers, whom the demo does not know.
        customer_id: record.ticket.customer_id.filter(|_| is_buyer),
        order_id: Some(f.order.clone()),
        failure_code: None,
        failure_message: None,
        card_brand: None,
        card_last4: None,
        method: None,
        wallet: None,
        created_at: f.date,
        updated_at: f.date,
    };
    method(rng, &mut t, &f.last4);
    match topic.category {
        "payment_declined" => {
            t.status = TransactionStatus::Failed;
            t.failure_code = weighted(rng, DECLINES).map(str::to_string);
            t.failure_message = Some("Your card was declined.".into());
        }
        "pending_payment" => t.status = TransactionStatus::Pending,
        "refund" if rng.random_bool(0.5) => {
            t.status = TransactionStatus::Refunded;
            t.amount_refunded = t.money.amount;
        }
        _ if rng.random_bool(0.4) => t.status = TransactionStatus::Settled,
        _ => {}
    }
    t
}

/// The refund a ticket's refund reference names.
fn refund(record: &TicketRecord, topic: &Topic, charge: &Transaction) -> Transaction {
    let f = &topic.facts;
    let pending = record.ticket.created_at.0 - f.date.0 < 3 * Timestamp::DAY;
    Transaction {
        gateway_ref: f.refund.clone(),
        kind: TransactionKind::Refund,
        status: if pending {
            TransactionStatus::Pending
        } else {
            TransactionStatus::Settled
        },
        amount_refunded: 0,
        failure_code: None,
        failure_message: None,
        ..charge.clone()
    }
}

/// A payout of a merchant or creator, at `at`.
fn payout(
    rng: &mut SmallRng,
    record: &TicketRecord,
    topic: &Topic,
    reference: &str,
    at: Timestamp,
) -> Payout {
    let f = &topic.facts;
    let about_it = topic.category == "transfer_or_payout";
    let status = match rng.random_range(0..100) {
        0..30 if about_it => PayoutStatus::Failed,
        30..45 if about_it => PayoutStatus::Held,
        0..50 => PayoutStatus::InTransit,
        _ => PayoutStatus::Paid,
    };
    let failure = (status == PayoutStatus::Failed)
        .then(|| weighted(rng, PAYOUT_FAILURES))
        .flatten();
    Payout {
        id: PayoutId(0),
        gateway: "stripe".into(),
        gateway_ref: reference.to_string(),
        customer_id: record.ticket.customer_id,
        money: Money {
            amount: f.amount,
            currency: f.currency.code().into(),
        },
        status,
        failure_code: failure.map(str::to_string),
        failure_message: failure.map(|_| "The bank returned the payout.".to_string()),
        arrival_at: Some(at.plus_millis(2 * Timestamp::DAY)),
        schedule: weighted(
            rng,
            &[
                (PayoutSchedule::Weekly, 45),
                (PayoutSchedule::Daily, 30),
                (PayoutSchedule::Monthly, 15),
                (PayoutSchedule::Manual, 10),
            ],
        ),
        is_held: status == PayoutStatus::Held,
        created_at: at,
        updated_at: at,
    }
}

impl Ledger {
    /// Whether `reference` is new (and now taken).
    fn take(&mut self, reference: &str) -> bool {
        self.used.insert(reference.to_string())
    }

    /// The objects one ticket's texts talk about.
    fn objects(
        &mut self,
        rng: &mut SmallRng,
        record: &TicketRecord,
        topic: &Topic,
    ) -> Vec<PaymentObject> {
        let f = &topic.facts;
        let mut out = Vec::new();
        if (mentions(record, &f.order) || mentions(record, &f.charge)) && self.take(&f.charge) {
            let c = charge(rng, record, topic);
            if mentions(record, &f.refund) && self.take(&f.refund) {
                out.push(PaymentObject::Transaction(refund(record, topic, &c)));
            }
            out.push(PaymentObject::Transaction(c));
        }
        let line = record.ticket.business_line;
        if line != BusinessLine::Buyer && record.ticket.customer_id.is_some() {
            let named = mentions(record, &f.payout);
            let asking = topic.category == "transfer_or_payout";
            if (named || asking) && self.take(&f.payout) {
                let at = if named {
                    f.date
                } else {
                    record.ticket.created_at.plus_millis(-Timestamp::DAY)
                };
                out.push(PaymentObject::Payout(payout(
                    rng, record, topic, &f.payout, at,
                )));
            }
        }
        out
    }

    /// Saves the objects a batch of tickets talks about, in one transaction, before the
    /// tickets themselves go in.
    pub(super) async fn record(
        &mut self,
        store: &Store,
        rng: &mut SmallRng,
        batch: &[(TicketRecord, Topic)],
    ) -> Result<(), AppError> {
        let actor = Actor::Api {
            client: "gateway-webhooks".into(),
        };
        let mut work: PaymentWork = store.payment_work().await?;
        for (record, topic) in batch {
            for object in self.objects(rng, record, topic) {
                let saved = match object {
                    PaymentObject::Transaction(t) => {
                        self.made.transactions += 1;
                        PaymentObject::Transaction(work.save_transaction(&t).await?)
                    }
                    PaymentObject::Payout(p) => {
                        self.made.payouts += 1;
                        PaymentObject::Payout(work.save_payout(&p).await?)
                    }
                    PaymentObject::Dispute(d) => {
                        PaymentObject::Dispute(work.save_dispute(&d).await?)
                    }
                };
                let origin = json!({ "origin": "demo" });
                let at = match &saved {
                    PaymentObject::Transaction(t) => t.created_at,
                    PaymentObject::Payout(p) => p.created_at,
                    PaymentObject::Dispute(d) => d.created_at,
                };
                if let Some(e) = recorded_event(&actor, at, None, &saved, None, origin) {
                    work.record(e);
                }
            }
        }
        work.commit().await?;
        Ok(())
    }
}
