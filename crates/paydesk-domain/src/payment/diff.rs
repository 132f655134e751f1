//! What changed on a payment object between two versions, as the event log records it:
//! labels, amounts, ids and times only. Gateway free text (failure messages) is left out,
//! so the immutable log holds nothing that erasing a customer would need to rewrite.

use super::PaymentObject;
use crate::event::Change;
use serde::Serialize;
use serde_json::json;

fn push<T: Serialize + PartialEq>(out: &mut Vec<Change>, field: &'static str, from: &T, to: &T) {
    if from != to {
        out.push(Change {
            field,
            from: json!(from),
            to: json!(to),
        });
    }
}

/// The fields that differ from `before` to `after`, in a fixed order. Objects of
/// different kinds have nothing in common to compare: the answer is empty.
#[must_use]
pub fn changes(before: &PaymentObject, after: &PaymentObject) -> Vec<Change> {
    let mut out = Vec::new();
    push(&mut out, "amount", &before.money(), &after.money());
    push(
        &mut out,
        "customer_id",
        &before.customer_id(),
        &after.customer_id(),
    );
    match (before, after) {
        (PaymentObject::Transaction(b), PaymentObject::Transaction(a)) => {
            push(&mut out, "status", &b.status, &a.status);
            push(
                &mut out,
                "amount_refunded",
                &b.amount_refunded,
                &a.amount_refunded,
            );
            push(&mut out, "failure_code", &b.failure_code, &a.failure_code);
            push(&mut out, "order_id", &b.order_id, &a.order_id);
            push(&mut out, "method", &b.method, &a.method);
        }
        (PaymentObject::Dispute(b), PaymentObject::Dispute(a)) => {
            push(&mut out, "status", &b.status, &a.status);
            push(&mut out, "stage", &b.stage, &a.stage);
            push(&mut out, "reason", &b.reason, &a.reason);
            push(
                &mut out,
                "network_reason_code",
                &b.network_reason_code,
                &a.network_reason_code,
            );
            push(&mut out, "due_at", &b.due_at, &a.due_at);
            push(
                &mut out,
                "funds_withdrawn_at",
                &b.funds_withdrawn_at,
                &a.funds_withdrawn_at,
            );
            push(
                &mut out,
                "funds_reinstated_at",
                &b.funds_reinstated_at,
                &a.funds_reinstated_at,
            );
            push(
                &mut out,
                "transaction_id",
                &b.transaction_id,
                &a.transaction_id,
            );
        }
        (PaymentObject::Payout(b), PaymentObject::Payout(a)) => {
            push(&mut out, "status", &b.status, &a.status);
            push(&mut out, "failure_code", &b.failure_code, &a.failure_code);
            push(&mut out, "arrival_at", &b.arrival_at, &a.arrival_at);
            push(&mut out, "schedule", &b.schedule, &a.schedule);
            push(&mut out, "is_held", &b.is_held, &a.is_held);
        }
        _ => return Vec::new(),
    }
    out
}
