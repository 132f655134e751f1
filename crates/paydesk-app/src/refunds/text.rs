//! The internal notes a refund leaves on its ticket, one per step, in the words an agent
//! reads on the ticket page. Every text quoted here was redacted on its way in.

use paydesk_domain::payment::Transaction;
use paydesk_domain::payment::refund::RefundState;
use paydesk_store::RefundRecord;

fn refund(r: &RefundRecord) -> String {
    format!("Refund #{} of {}", r.id.0, r.amount.display())
}

/// The request: what, of which charge, why, and what the policy said.
pub(super) fn requested(r: &RefundRecord, charge: &Transaction, policy: &[String]) -> String {
    let next = if r.state == RefundState::PendingApproval {
        "It waits for a finance approver other than the requester."
    } else {
        "It runs now."
    };
    format!(
        "{} requested on charge {} ({}, {}). Reason: {}\nPolicy: {}. {next}",
        refund(r),
        charge.gateway_ref,
        charge.gateway,
        charge.money.display(),
        r.reason,
        policy.join("; "),
    )
}

/// The decision, with the approver's note.
pub(super) fn decided(r: &RefundRecord) -> String {
    let (what, next) = if r.state == RefundState::Rejected {
        ("rejected", "It will not be paid.")
    } else {
        ("approved", "It runs now.")
    };
    match &r.decision_note {
        Some(note) => format!("{} {what}. Note: {note}\n{next}", refund(r)),
        None => format!("{} {what}. {next}", refund(r)),
    }
}

/// The result of the execution.
pub(super) fn executed(r: &RefundRecord) -> String {
    match (&r.gateway_refund_ref, &r.failure_reason) {
        (Some(reference), _) if r.connector == super::RECORD_ONLY => format!(
            "{} recorded as made outside paydesk, reference {reference}.",
            refund(r)
        ),
        (Some(reference), _) => format!(
            "{} succeeded through {}: the gateway's reference is {reference}.",
            refund(r),
            r.connector
        ),
        (None, reason) => format!(
            "{} failed through {}: {}. Nothing was paid; ask for a new refund once the cause is fixed.",
            refund(r),
            r.connector,
            reason.as_deref().unwrap_or("no reason given")
        ),
    }
}
