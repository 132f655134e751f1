//! Retention rules on both engines: solved tickets close after the period, closed ones lose
//! their texts after theirs, newer ones are untouched, and the audit chain stays whole.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::retention::RetentionRules;
use paydesk_app::tickets::{NewTicketInput, TicketChange};
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel, Status, TicketPatch};
use paydesk_store::{ChainReport, Store};
use paydesk_testkit::on_both_engines;
use std::sync::Arc;

const DAY: i64 = Timestamp::DAY;

async fn old_tickets_close_then_lose_their_texts(store: Store) {
    let clock = Arc::new(ManualClock::at(Timestamp(1_790_000_000_000)));
    let app = App::new(store.clone(), clock.clone());
    let sys = Caller::system();
    let solve = TicketChange {
        patch: TicketPatch {
            status: Some(Status::Solved),
            ..Default::default()
        },
        expected_version: None,
    };
    let mut ids = Vec::new();
    for i in 0..3 {
        let t = app
            .create_ticket(
                &sys,
                NewTicketInput::new(
                    &format!("old refund {i}"),
                    "my secret words",
                    BusinessLine::Buyer,
                    Channel::Email,
                ),
                None,
            )
            .await
            .unwrap()
            .ticket;
        app.change_ticket(&sys, t.id, solve.clone()).await.unwrap();
        ids.push(t.id);
    }
    clock.advance(10 * DAY);
    let recent = app
        .create_ticket(
            &sys,
            NewTicketInput::new(
                "recent",
                "recent words",
                BusinessLine::Buyer,
                Channel::Email,
            ),
            None,
        )
        .await
        .unwrap()
        .ticket;
    app.change_ticket(&sys, recent.id, solve).await.unwrap();

    let agent = Caller::new(
        Principal::User {
            id: paydesk_domain::UserId(1),
            role: Role::Agent,
            vendor_id: None,
        },
        None,
    );
    let rules = RetentionRules {
        close_solved_after_days: Some(4),
        anonymise_closed_after_days: Some(30),
    };
    assert_eq!(
        app.apply_retention(&agent, rules, &|_| {})
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );

    let run = app.apply_retention(&sys, rules, &|_| {}).await.unwrap();
    assert_eq!((run.closed, run.anonymised), (3, 0));
    assert_eq!(
        app.ticket(&sys, recent.id).await.unwrap().ticket.status,
        Status::Solved,
        "too recent to close"
    );

    clock.advance(31 * DAY);
    let run = app.apply_retention(&sys, rules, &|_| {}).await.unwrap();
    assert_eq!((run.closed, run.anonymised), (1, 3));
    for id in &ids {
        let view = app.ticket(&sys, *id).await.unwrap();
        assert_eq!(view.ticket.status, Status::Closed);
        assert!(
            !view.ticket.subject.contains("refund")
                && view.messages.iter().all(|m| !m.body.contains("secret"))
        );
    }
    let again = app.apply_retention(&sys, rules, &|_| {}).await.unwrap();
    assert_eq!(
        (again.closed, again.anonymised),
        (0, 0),
        "nothing is done twice"
    );
    assert!(matches!(
        store.verify_audit_chain(|_, _| {}).await.unwrap(),
        ChainReport::Intact { .. }
    ));
}

on_both_engines!(old_tickets_close_then_lose_their_texts);
