//! The demo desk's disputes: the gateway tickets that announce a dispute ("Dispute
//! opened: dp_…", "Inquiry opened: dp_…") get the dispute itself, with its disputed charge
//! and network reason code. Disputes of tickets long settled were answered and decided —
//! most won, some lost, one accepted — with their evidence; recent ones still need an
//! answer and run their deadline clock on the ticket; a few are under review.

use crate::disputes::{EvidenceInput, OutcomeInput};
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::Timestamp;
use paydesk_domain::payment::reason_code::Evidence;
use paydesk_domain::payment::{
    Dispute, DisputeId, DisputeStage, DisputeStatus, Money, PaymentObjectKind, Transaction,
    TransactionId, TransactionKind, TransactionStatus,
};
use paydesk_domain::ticket::Ticket;
use paydesk_store::{PageRequest, TicketFilter};

/// Amounts disputed, in cents, taken in turn.
const AMOUNTS: &[i64] = &[4_999, 12_900, 2_350, 89_000, 15_499, 7_425, 31_000];

/// What becomes of a demo dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Open,
    UnderReview,
    Won,
    Lost,
    Accepted,
}

/// Open while its ticket is (the one kept open always is), decided once it is settled.
fn fate(n: usize, ticket: &Ticket, kept_open: bool) -> Fate {
    if ticket.status.is_unresolved() || kept_open {
        return if n % 3 == 2 && !kept_open {
            Fate::UnderReview
        } else {
            Fate::Open
        };
    }
    match n % 5 {
        0 | 2 | 3 => Fate::Won,
        1 => Fate::Lost,
        _ => Fate::Accepted,
    }
}

/// The dispute's gateway id and network code from the ticket's subject.
fn announced(subject: &str) -> Option<(String, &'static str, DisputeStatus)> {
    let (rest, code, status) = if let Some(r) = subject.strip_prefix("Dispute opened: ") {
        let code = if r.contains("13.1") { "13.1" } else { "10.4" };
        (r, code, DisputeStatus::NeedsResponse)
    } else if let Some(r) = subject.strip_prefix("Inquiry opened: ") {
        (r, "10.4", DisputeStatus::WarningNeedsResponse)
    } else {
        return None;
    };
    let reference = rest.split_whitespace().next()?.to_string();
    Some((reference, code, status))
}

async fn announcing_tickets(app: &App) -> Result<Vec<Ticket>, AppError> {
    let filter = TicketFilter {
        text: Some("opened".into()),
        ..TicketFilter::default()
    };
    let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
    let mut found = Vec::new();
    loop {
        let got = app.store.list_tickets(&filter, &page).await?;
        found.extend(
            got.items
                .into_iter()
                .filter(|t| announced(&t.subject).is_some()),
        );
        match got.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => break,
        }
    }
    found.sort_by_key(|t| t.id);
    Ok(found)
}

/// Creates the disputes (and their charges) of the demo's dispute tickets; returns how
/// many.
pub(super) async fn set_up(app: &App) -> Result<usize, AppError> {
    let system = Caller::system();
    let tickets = announcing_tickets(app).await?;
    // The dispute kept open whatever its ticket: the newest on a ticket still open (the
    // newest of all when every one is settled), so the open dispute sits on live work.
    let kept_open = tickets
        .iter()
        .rposition(|t| t.status.is_unresolved())
        .unwrap_or(tickets.len().saturating_sub(1));
    for (n, ticket) in tickets.iter().enumerate() {
        let Some((reference, code, status)) = announced(&ticket.subject) else {
            continue;
        };
        let amount = AMOUNTS[n % AMOUNTS.len()];
        let opened = ticket.created_at;
        let paid = opened.plus_millis(-12 * Timestamp::DAY);
        let mut work = app.store.payment_work().await?;
        let charge = work
            .save_transaction(&Transaction {
                id: TransactionId(0),
                gateway: "stripe".into(),
                gateway_ref: format!("ch_demo_disputed_{:04}", n + 1),
                kind: TransactionKind::Charge,
                status: TransactionStatus::Settled,
                money: Money {
                    amount,
                    currency: "USD".into(),
                },
                amount_refunded: 0,
                customer_id: ticket.customer_id,
                order_id: Some(format!("ORD-{}", 700_100 + n)),
                failure_code: None,
                failure_message: None,
                card_brand: Some("visa".into()),
                card_last4: Some(format!("{:04}", 1_000 + (n * 37) % 9_000)),
                method: Some(paydesk_domain::payment::PaymentMethod::Card),
                wallet: None,
                created_at: paid,
                updated_at: paid,
            })
            .await?;
        let dispute = work
            .save_dispute(&Dispute {
                id: DisputeId(0),
                gateway: "stripe".into(),
                gateway_ref: reference,
                transaction_id: Some(charge.id),
                transaction_ref: Some(charge.gateway_ref.clone()),
                customer_id: ticket.customer_id,
                ticket_id: Some(ticket.id),
                network: Some("visa".into()),
                reason: Some(
                    if code == "13.1" {
                        "product_not_received"
                    } else {
                        "fraudulent"
                    }
                    .into(),
                ),
                network_reason_code: Some(code.into()),
                stage: DisputeStage::implied_by(status),
                status,
                money: charge.money.clone(),
                due_at: Some(opened.plus_millis(30 * Timestamp::DAY)),
                funds_withdrawn_at: None,
                funds_reinstated_at: None,
                created_at: opened,
                updated_at: opened,
            })
            .await?;
        work.link(ticket.id, PaymentObjectKind::Dispute, dispute.id.0, opened)
            .await?;
        work.link(
            ticket.id,
            PaymentObjectKind::Transaction,
            charge.id.0,
            opened,
        )
        .await?;
        work.commit().await?;
        let fate = fate(n, ticket, n == kept_open);
        work_on(app, &system, dispute.id, code, fate, n).await?;
    }
    Ok(tickets.len())
}

/// Evidence, answer and outcome as the dispute's fate says.
async fn work_on(
    app: &App,
    system: &Caller,
    id: DisputeId,
    code: &str,
    fate: Fate,
    n: usize,
) -> Result<(), AppError> {
    if fate == Fate::Open && n % 2 == 1 {
        return Ok(());
    }
    let evidence: &[(Evidence, &str, &str)] = if code == "13.1" {
        &[
            (
                Evidence::DeliveryProof,
                "Carrier delivery scan",
                "UPS 1Z 4F9 delivered to the front door, signed by R. Lopez.",
            ),
            (
                Evidence::RefundPolicy,
                "Returns policy accepted at checkout",
                "30-day returns; the buyer ticked the terms box at checkout.",
            ),
        ]
    } else {
        &[
            (
                Evidence::AuthenticationRecord,
                "3-D Secure passed",
                "Frictionless 3DS2 authentication, ECI 05, AVS and CVC matched.",
            ),
            (
                Evidence::PriorPayments,
                "Earlier undisputed payments",
                "Four earlier payments from the same card and device since March, none disputed.",
            ),
        ]
    };
    let take = if fate == Fate::Open {
        1
    } else {
        evidence.len()
    };
    for (kind, title, text) in &evidence[..take] {
        app.add_dispute_evidence(
            system,
            id,
            EvidenceInput {
                kind: *kind,
                title: (*title).into(),
                text: Some((*text).into()),
                file: None,
                attachment_id: None,
            },
        )
        .await?;
    }
    match fate {
        Fate::Open => {}
        Fate::Accepted => {
            app.accept_dispute(system, id).await?;
        }
        Fate::UnderReview | Fate::Won | Fate::Lost => {
            app.submit_dispute(system, id).await?;
            if fate != Fate::UnderReview {
                let won = fate == Fate::Won;
                let note = if won {
                    "The issuer accepted the evidence."
                } else {
                    "The issuer found the evidence insufficient."
                };
                let outcome = OutcomeInput {
                    won,
                    amount_won: None,
                    amount_lost: None,
                };
                app.record_dispute_outcome(system, id, outcome, Some(note.into()))
                    .await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_announce_disputes_with_their_codes() {
        assert_eq!(
            announced("Dispute opened: dp_1Oabc (13.1 merchandise not received)"),
            Some(("dp_1Oabc".into(), "13.1", DisputeStatus::NeedsResponse))
        );
        assert_eq!(
            announced("Inquiry opened: dp_1Oxyz (retrieval request)"),
            Some((
                "dp_1Oxyz".into(),
                "10.4",
                DisputeStatus::WarningNeedsResponse
            ))
        );
        assert_eq!(announced("Payout failed: po_1"), None);
    }
}
