//! The demo desk's refunds, on the newest open buyer tickets about refunds: one made at
//! once (recorded with the reference of the refund made in the gateway's dashboard, as
//! the demo has no gateway connector), one waiting for a finance approver (the finance
//! sign-in can approve it), and one rejected with a note. Each charge is made for its
//! ticket's customer and linked to the ticket, as a gateway report and an agent would.
//!
//! Everything goes through the refund use cases, so the tickets carry the same events
//! and notes as on a working desk.

use super::people::Desk;
use crate::error::AppError;
use crate::refunds::{Decision, RefundInput};
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::payment::{Money, PaymentObjectKind, Transaction};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Status, Ticket};
use paydesk_domain::{Timestamp, UserId};
use paydesk_store::{PageRequest, TicketFilter};
use serde_json::json;

/// The refunds made: (amount in cents, the refund made elsewhere, the rejection's note).
const REFUNDS: [(i64, Option<&str>, Option<&str>); 3] = [
    (999, Some("re_demo_dashboard_1"), None),
    (25_000, None, None),
    (
        15_000,
        None,
        Some("The order was delivered and the tracking confirms it; offer a replacement instead."),
    ),
];

/// A staff member of `role` acting in the demo.
pub(super) fn person(id: UserId, role: Role) -> Caller {
    Caller::new(
        Principal::User {
            id,
            role,
            vendor_id: None,
        },
        None,
    )
}

/// Makes the refunds; returns how many notes they left on their tickets.
pub(super) async fn set_up(app: &App, desk: &Desk) -> Result<usize, AppError> {
    let agent_login = desk.logins.iter().find(|l| l.role == Role::Agent);
    let agent = match agent_login {
        Some(login) => app.store.user_by_email(&login.email).await?,
        None => None,
    };
    let (Some(agent), Some(approver)) = (agent, desk.finance.last()) else {
        return Ok(0);
    };
    let requester = person(agent.id, Role::Agent);
    let approver = person(approver.id, Role::Finance);
    let tickets = tickets(app).await?;
    let mut notes = 0;
    for (ticket, (amount, made_elsewhere, rejection)) in tickets.iter().zip(REFUNDS) {
        let before = app.store.messages(ticket.id).await?.len();
        let charge = charge(app, ticket, amount, &requester).await?;
        let input = RefundInput {
            transaction_id: charge.id,
            amount,
            currency: None,
            reason: "The customer cancelled the order before it shipped.".into(),
            external_ref: made_elsewhere.map(str::to_string),
            idempotency_key: format!("demo-refund-{}", ticket.id),
        };
        let refund = app
            .request_refund(&requester, ticket.id, input)
            .await?
            .refund;
        if let Some(note) = rejection {
            app.decide_refund(&approver, refund.id, Decision::reject(note))
                .await?;
        }
        notes += app.store.messages(ticket.id).await?.len() - before;
    }
    Ok(notes)
}

/// Up to three of the newest unresolved buyer tickets, refund requests first.
async fn tickets(app: &App) -> Result<Vec<Ticket>, AppError> {
    let unresolved = TicketFilter {
        statuses: vec![Status::New, Status::Open, Status::Pending],
        business_line: Some(BusinessLine::Buyer),
        ..TicketFilter::default()
    };
    let about_refunds = TicketFilter {
        category: Some("refund".into()),
        ..unresolved.clone()
    };
    let page = PageRequest::first(REFUNDS.len());
    let mut found = app.store.list_tickets(&about_refunds, &page).await?.items;
    if found.len() < REFUNDS.len() {
        for t in app.store.list_tickets(&unresolved, &page).await?.items {
            if found.len() < REFUNDS.len() && !found.iter().any(|f| f.id == t.id) {
                found.push(t);
            }
        }
    }
    Ok(found)
}

/// A captured card charge of the ticket's customer an hour before the ticket, linked to it.
async fn charge(
    app: &App,
    ticket: &Ticket,
    amount: i64,
    by: &Caller,
) -> Result<Transaction, AppError> {
    let paid_at = ticket.created_at.plus_millis(-Timestamp::HOUR);
    let charge = Transaction {
        customer_id: ticket.customer_id,
        order_id: Some(format!("ORD-{}", ticket.id.0 + 40_000)),
        card_brand: Some("visa".into()),
        card_last4: Some("4242".into()),
        ..Transaction::captured_charge(
            "stripe",
            &format!("ch_demo_{}", ticket.id.0),
            Money::new(amount, "usd")?,
            paid_at,
        )
    };
    let now = app.now();
    let mut work = app.store.payment_work().await?;
    let stored = work.save_transaction(&charge).await?;
    work.link(ticket.id, PaymentObjectKind::Transaction, stored.id.0, now)
        .await?;
    work.record(NewEvent::ticket(
        Some(ticket.id),
        &by.actor(),
        now,
        EventKind::PaymentLinked,
        json!({ "kind": "transaction", "object_id": stored.id.0, "linked": true, "reason": "manual" }),
    ));
    work.commit().await?;
    Ok(stored)
}
