//! The payments panel: what is linked to the ticket (transactions, payouts, disputes),
//! its refunds and the incidents it belongs to, each with its status in words and
//! amounts with their currency; failure codes come with what they mean.

use super::timeline::words;
use crate::console::when::When;
use paydesk_app::payments::{PayoutView, TicketPayments, TransactionView};
use paydesk_domain::Timestamp;
use paydesk_domain::payment::{Dispute, Money};
use paydesk_store::{RefundRecord, TicketIncident};

/// One payment object as a row of the panel.
#[derive(Debug, Clone)]
pub struct MoneyRow {
    /// The gateway and its reference (`stripe ch_123`).
    pub reference: String,
    /// What it is (`charge`, `payout`, `refund`, `chargeback dispute`).
    pub what: String,
    pub amount: String,
    pub status: String,
    /// `ok`, `warn`, `bad` or `neutral`: the badge's colour (the status says it in words).
    pub tone: &'static str,
    /// Card, method or due date, when known.
    pub detail: String,
    /// The failure code and what it means, when there is one.
    pub explanation: Option<String>,
    pub when: When,
}

/// One incident the ticket is linked to.
#[derive(Debug, Clone)]
pub struct IncidentRow {
    pub title: String,
    pub severity: &'static str,
    pub status: String,
    pub tone: &'static str,
    pub since: When,
}

/// Everything money beside the ticket.
#[derive(Debug, Clone, Default)]
pub struct PaymentsPanel {
    pub transactions: Vec<MoneyRow>,
    pub payouts: Vec<MoneyRow>,
    pub disputes: Vec<MoneyRow>,
    pub refunds: Vec<MoneyRow>,
    pub incidents: Vec<IncidentRow>,
    /// The customer's recent transactions and payouts not linked to the ticket.
    pub recent: Vec<MoneyRow>,
}

impl PaymentsPanel {
    /// The panel from what the services returned, as seen at `now`.
    #[must_use]
    pub fn new(
        payments: &TicketPayments,
        refunds: &[RefundRecord],
        incidents: &[TicketIncident],
        now: Timestamp,
    ) -> Self {
        let linked = &payments.linked;
        let is_linked_transaction = |v: &&TransactionView| {
            linked
                .transactions
                .iter()
                .any(|l| l.transaction.id == v.transaction.id)
        };
        let is_linked_payout =
            |v: &&PayoutView| linked.payouts.iter().any(|l| l.payout.id == v.payout.id);
        let recent = &payments.recent;
        let recent_transactions = recent
            .transactions
            .iter()
            .filter(|v| !is_linked_transaction(v))
            .map(|t| transaction(t, now));
        let recent_payouts = (recent.payouts.iter())
            .filter(|v| !is_linked_payout(v))
            .map(|p| payout(p, now));
        Self {
            recent: recent_transactions.chain(recent_payouts).collect(),
            transactions: linked
                .transactions
                .iter()
                .map(|t| transaction(t, now))
                .collect(),
            payouts: linked.payouts.iter().map(|p| payout(p, now)).collect(),
            disputes: linked.disputes.iter().map(|d| dispute(d, now)).collect(),
            refunds: refunds.iter().map(|r| refund(r, now)).collect(),
            incidents: incidents.iter().map(|i| incident(i, now)).collect(),
        }
    }
}

impl MoneyRow {
    /// A row of `money` in `status` since `at`, with no detail yet.
    fn new(reference: String, what: String, money: &Money, status: &str, when: When) -> Self {
        Self {
            reference,
            what,
            amount: money.display(),
            status: words(status),
            tone: tone(status),
            detail: String::new(),
            explanation: None,
            when,
        }
    }
}

fn tone(status: &str) -> &'static str {
    match status {
        "failed"
        | "reversed"
        | "lost"
        | "rejected"
        | "canceled"
        | "needs_response"
        | "warning_needs_response" => "bad",
        "pending"
        | "authorised"
        | "held"
        | "in_transit"
        | "scheduled"
        | "executing"
        | "pending_approval"
        | "under_review"
        | "warning_under_review" => "warn",
        "captured" | "settled" | "paid" | "won" | "succeeded" | "approved" => "ok",
        _ => "neutral",
    }
}

fn explained(e: Option<&paydesk_domain::payment::decline::Explanation>) -> Option<String> {
    e.map(|e| format!("{}: {} {}", e.code, e.explanation, e.customer_action))
}

fn transaction(v: &TransactionView, now: Timestamp) -> MoneyRow {
    let t = &v.transaction;
    let card = match (&t.card_brand, &t.card_last4) {
        (Some(b), Some(l)) => format!("{b} ending {l}"),
        (None, Some(l)) => format!("card ending {l}"),
        _ => t.method.map(|m| words(m.as_str())).unwrap_or_default(),
    };
    let detail = match (&t.order_id, card.is_empty()) {
        (Some(o), false) => format!("{card}, order {o}"),
        (Some(o), true) => format!("order {o}"),
        (None, _) => card,
    };
    let reference = format!("{} {}", t.gateway, t.gateway_ref);
    let what = words(t.kind.as_str());
    let when = When::at(t.created_at, now);
    let base = MoneyRow::new(reference, what, &t.money, t.status.as_str(), when);
    MoneyRow {
        detail,
        explanation: explained(v.explanation.as_ref()),
        ..base
    }
}

fn payout(v: &PayoutView, now: Timestamp) -> MoneyRow {
    let p = &v.payout;
    let mut detail = p
        .arrival_at
        .map(|a| format!("arrives {}", crate::console::when::exact(a)))
        .unwrap_or_default();
    if p.is_held {
        detail = format!("held for review. {detail}");
    }
    let reference = format!("{} {}", p.gateway, p.gateway_ref);
    let when = When::at(p.created_at, now);
    let base = MoneyRow::new(
        reference,
        "payout".into(),
        &p.money,
        p.status.as_str(),
        when,
    );
    MoneyRow {
        detail,
        explanation: explained(v.explanation.as_ref()),
        ..base
    }
}

fn dispute(d: &Dispute, now: Timestamp) -> MoneyRow {
    let reason = d.reason.as_deref().map(words).unwrap_or_default();
    let due = d
        .due_at
        .map(|due| format!("evidence due {}", crate::console::when::exact(due)))
        .unwrap_or_default();
    let reference = format!("{} {}", d.gateway, d.gateway_ref);
    let what = format!("{} dispute", words(d.stage.as_str()));
    let when = When::at(d.created_at, now);
    let base = MoneyRow::new(reference, what, &d.money, d.status.as_str(), when);
    MoneyRow {
        detail: [reason, due]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        ..base
    }
}

fn refund(r: &RefundRecord, now: Timestamp) -> MoneyRow {
    let reference = format!("refund #{}", r.id.0);
    let when = When::at(r.requested_at, now);
    let base = MoneyRow::new(
        reference,
        "refund".into(),
        &r.amount,
        r.state.as_str(),
        when,
    );
    MoneyRow {
        detail: r.reason.clone(),
        explanation: r.failure_reason.clone(),
        ..base
    }
}

fn incident(i: &TicketIncident, now: Timestamp) -> IncidentRow {
    let status = i.incident.status.as_str();
    IncidentRow {
        title: i.incident.title.clone(),
        severity: i.incident.severity.as_str(),
        status: words(status),
        tone: match status {
            "resolved" | "dismissed" => "ok",
            "monitoring" => "warn",
            _ => "bad",
        },
        since: When::at(i.incident.created_at, now),
    }
}
