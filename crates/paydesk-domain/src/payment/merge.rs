//! A gateway's report ([`super::fact`]) laid over what paydesk already holds: the new
//! state of the object. The report wins where it says something; where it is silent
//! (a legacy payload without a card brand, an update without a due date) what was known
//! stays. Ids 0 mean "not stored yet".

use super::fact::{DisputeFact, GatewayEventKind, PayoutFact, TransactionFact};
use super::{Dispute, DisputeId, DisputeStatus, Payout, PayoutId, Transaction, TransactionId};
use crate::id::CustomerId;
use crate::time::Timestamp;

/// What every merge needs besides the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report<'a> {
    pub gateway: &'a str,
    /// The customer matched for this event, if any (kept over an earlier match).
    pub customer_id: Option<CustomerId>,
    /// When paydesk received it.
    pub now: Timestamp,
    /// When the gateway says it happened.
    pub occurred_at: Option<Timestamp>,
}

fn or_keep<T: Clone>(new: Option<&T>, old: Option<&T>) -> Option<T> {
    new.or(old).cloned()
}

/// The transaction after `fact`.
#[must_use]
pub fn transaction(
    before: Option<&Transaction>,
    fact: &TransactionFact,
    report: Report<'_>,
) -> Transaction {
    Transaction {
        id: before.map_or(TransactionId(0), |b| b.id),
        gateway: report.gateway.to_string(),
        gateway_ref: fact.gateway_ref.clone(),
        kind: fact.kind,
        status: fact.status,
        money: fact.money.clone(),
        amount_refunded: fact.amount_refunded,
        customer_id: report.customer_id.or(before.and_then(|b| b.customer_id)),
        order_id: or_keep(
            fact.order_id.as_ref(),
            before.and_then(|b| b.order_id.as_ref()),
        ),
        failure_code: or_keep(
            fact.failure_code.as_ref(),
            before.and_then(|b| b.failure_code.as_ref()),
        ),
        failure_message: or_keep(
            fact.failure_message.as_ref(),
            before.and_then(|b| b.failure_message.as_ref()),
        ),
        card_brand: or_keep(
            fact.card_brand.as_ref(),
            before.and_then(|b| b.card_brand.as_ref()),
        ),
        card_last4: or_keep(
            fact.card_last4.as_ref(),
            before.and_then(|b| b.card_last4.as_ref()),
        ),
        method: fact.method.or(before.and_then(|b| b.method)),
        wallet: or_keep(fact.wallet.as_ref(), before.and_then(|b| b.wallet.as_ref())),
        created_at: before.map_or(report.now, |b| b.created_at),
        updated_at: report.now,
    }
}

/// The dispute after `fact`, reported by an event of `kind`. `transaction_id`: the
/// disputed transaction when paydesk holds it. A status the gateway sent that paydesk
/// does not know leaves the status as it was (`needs_response` for a new dispute).
#[must_use]
pub fn dispute(
    before: Option<&Dispute>,
    fact: &DisputeFact,
    kind: GatewayEventKind,
    transaction_id: Option<TransactionId>,
    report: Report<'_>,
) -> Dispute {
    let happened = report.occurred_at.unwrap_or(report.now);
    let withdrawn = before.and_then(|b| b.funds_withdrawn_at);
    let reinstated = before.and_then(|b| b.funds_reinstated_at);
    Dispute {
        id: before.map_or(DisputeId(0), |b| b.id),
        gateway: report.gateway.to_string(),
        gateway_ref: fact.gateway_ref.clone(),
        transaction_id: transaction_id.or(before.and_then(|b| b.transaction_id)),
        transaction_ref: or_keep(
            fact.transaction_ref.as_ref(),
            before.and_then(|b| b.transaction_ref.as_ref()),
        ),
        customer_id: report.customer_id.or(before.and_then(|b| b.customer_id)),
        ticket_id: before.and_then(|b| b.ticket_id),
        network: or_keep(
            fact.network.as_ref(),
            before.and_then(|b| b.network.as_ref()),
        ),
        reason: or_keep(fact.reason.as_ref(), before.and_then(|b| b.reason.as_ref())),
        network_reason_code: or_keep(
            fact.network_reason_code.as_ref(),
            before.and_then(|b| b.network_reason_code.as_ref()),
        ),
        stage: fact.stage,
        status: fact
            .status
            .or(before.map(|b| b.status))
            .unwrap_or(DisputeStatus::NeedsResponse),
        money: fact.money.clone(),
        due_at: fact.due_at.or(before.and_then(|b| b.due_at)),
        funds_withdrawn_at: match kind {
            GatewayEventKind::DisputeFundsWithdrawn => withdrawn.or(Some(happened)),
            _ => withdrawn,
        },
        funds_reinstated_at: match kind {
            GatewayEventKind::DisputeFundsReinstated => reinstated.or(Some(happened)),
            _ => reinstated,
        },
        created_at: before.map_or(report.now, |b| b.created_at),
        updated_at: report.now,
    }
}

/// The payout after `fact`.
#[must_use]
pub fn payout(before: Option<&Payout>, fact: &PayoutFact, report: Report<'_>) -> Payout {
    Payout {
        id: before.map_or(PayoutId(0), |b| b.id),
        gateway: report.gateway.to_string(),
        gateway_ref: fact.gateway_ref.clone(),
        customer_id: report.customer_id.or(before.and_then(|b| b.customer_id)),
        money: fact.money.clone(),
        status: fact.status,
        failure_code: or_keep(
            fact.failure_code.as_ref(),
            before.and_then(|b| b.failure_code.as_ref()),
        ),
        failure_message: or_keep(
            fact.failure_message.as_ref(),
            before.and_then(|b| b.failure_message.as_ref()),
        ),
        arrival_at: fact.arrival_at.or(before.and_then(|b| b.arrival_at)),
        schedule: fact.schedule.or(before.and_then(|b| b.schedule)),
        // A gateway's status says whether the payout is held; a later report that it moved
        // on (paid, failed, in transit) releases it.
        is_held: fact.status == super::PayoutStatus::Held,
        created_at: before.map_or(report.now, |b| b.created_at),
        updated_at: report.now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::{DisputeStage, Money};

    fn fact(status: Option<DisputeStatus>) -> DisputeFact {
        DisputeFact {
            gateway_ref: "dp_1".into(),
            transaction_ref: Some("ch_1".into()),
            network: None,
            reason: Some("general".into()),
            network_reason_code: None,
            stage: DisputeStage::Chargeback,
            status,
            gateway_status: "x".into(),
            money: Money::new(1000, "usd").unwrap(),
            due_at: None,
        }
    }

    const REPORT: Report<'static> = Report {
        gateway: "stripe",
        customer_id: None,
        now: Timestamp(10_000),
        occurred_at: Some(Timestamp(9_000)),
    };

    #[test]
    fn a_new_dispute_and_what_later_reports_keep() {
        let first = dispute(
            None,
            &fact(Some(DisputeStatus::NeedsResponse)),
            GatewayEventKind::DisputeCreated,
            None,
            REPORT,
        );
        assert_eq!(first.id, DisputeId(0));
        assert_eq!(first.created_at, Timestamp(10_000));
        let mut stored = first.clone();
        stored.id = DisputeId(7);
        stored.due_at = Some(Timestamp(50_000));
        stored.customer_id = Some(CustomerId(3));
        let later = Report {
            now: Timestamp(20_000),
            ..REPORT
        };
        let withdrawn = dispute(
            Some(&stored),
            &fact(None),
            GatewayEventKind::DisputeFundsWithdrawn,
            Some(TransactionId(4)),
            later,
        );
        assert_eq!(withdrawn.id, DisputeId(7));
        assert_eq!(
            withdrawn.status,
            DisputeStatus::NeedsResponse,
            "unknown status keeps"
        );
        assert_eq!(withdrawn.due_at, Some(Timestamp(50_000)));
        assert_eq!(withdrawn.customer_id, Some(CustomerId(3)));
        assert_eq!(withdrawn.transaction_id, Some(TransactionId(4)));
        assert_eq!(withdrawn.funds_withdrawn_at, Some(Timestamp(9_000)));
        assert_eq!(withdrawn.created_at, Timestamp(10_000));
        assert_eq!(withdrawn.updated_at, Timestamp(20_000));
        let won = dispute(
            Some(&withdrawn),
            &fact(Some(DisputeStatus::Won)),
            GatewayEventKind::DisputeClosed,
            None,
            later,
        );
        assert_eq!(won.status, DisputeStatus::Won);
        assert_eq!(won.funds_withdrawn_at, Some(Timestamp(9_000)));
        assert_eq!(won.transaction_id, Some(TransactionId(4)));
    }
}
