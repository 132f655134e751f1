//! The solve guard through the use cases, on both engines: a ticket in a category that
//! needs a completed checklist is solved only once a run of an applicable SOP has every
//! step ticked, whether by a status change or an incident resolution (which leaves such
//! tickets open with its message).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod incident_support;
mod sop_support;

use incident_support::{app, at, person, ticket};
use paydesk_app::AppError;
use paydesk_app::incidents::{DeclareInput, ScopeInput};
use paydesk_domain::incident::Severity;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::Status;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use sop_support::{claim_input, published, solve};

async fn solving_waits_for_a_completed_checklist(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let lead2 = person(&app, "leo@desk.test", Role::Lead).await;
    let agent = person(&app, "ana@desk.test", Role::Agent).await;
    let t = ticket(&app, &clock, None, at(-5), "unauthorised_charge").await;

    let forbidden = app
        .set_sop_requirement(&agent, "unauthorised_charge", true)
        .await;
    assert!(
        matches!(forbidden, Err(AppError::Forbidden { .. })),
        "{forbidden:?}"
    );
    assert!(
        app.set_sop_requirement(&lead, " Unauthorised_Charge ", true)
            .await
            .unwrap()
    );
    let reqs = app.sop_requirements(&agent).await.unwrap();
    assert_eq!(
        reqs.iter().map(|r| r.category.as_str()).collect::<Vec<_>>(),
        ["unauthorised_charge"]
    );

    // No SOP applies yet: refused, saying so.
    let none = app.change_ticket(&agent, t, solve()).await;
    assert!(
        matches!(&none, Err(AppError::ChecklistIncomplete { sop: None, .. })),
        "{none:?}"
    );

    let claim = published(&app, &lead, &lead2, claim_input()).await;
    let blocked = app.change_ticket(&agent, t, solve()).await;
    match &blocked {
        Err(
            e @ AppError::ChecklistIncomplete {
                sop, steps_left, ..
            },
        ) => {
            assert_eq!(sop.as_deref(), Some("Unauthorised charge claim"));
            assert_eq!(steps_left.len(), 4);
            assert_eq!(e.code(), "checklist_incomplete");
            assert!(
                e.to_string().contains("Confirm the customer's identity"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!app.is_required_checklist_complete(&agent, t).await.unwrap());

    let run = app.start_sop(&agent, t, claim).await.unwrap();
    let steps = app.ticket_sops(&agent, t).await.unwrap().runs[0]
        .steps
        .clone();
    for s in &steps[..3] {
        app.mark_sop_step(&agent, t, run.id, &s.key, true)
            .await
            .unwrap();
    }
    let one_left = app.change_ticket(&agent, t, solve()).await;
    assert!(
        matches!(&one_left, Err(AppError::ChecklistIncomplete { steps_left, .. }) if steps_left == &["Block the card and send a new one".to_string()]),
        "{one_left:?}"
    );
    app.mark_sop_step(&agent, t, run.id, &steps[3].key, true)
        .await
        .unwrap();
    assert!(app.is_required_checklist_complete(&agent, t).await.unwrap());
    let panel = app.ticket_sops(&agent, t).await.unwrap();
    assert!(panel.checklist.is_required && panel.checklist.is_complete);
    let solved = app.change_ticket(&agent, t, solve()).await.unwrap();
    assert_eq!(solved.status, Status::Solved);

    // Other categories are not held; lifting the requirement frees the category.
    let other = ticket(&app, &clock, None, at(-5), "refund_not_received").await;
    assert_eq!(
        app.change_ticket(&agent, other, solve())
            .await
            .unwrap()
            .status,
        Status::Solved
    );
    let later = ticket(&app, &clock, None, at(-5), "unauthorised_charge").await;
    assert!(app.change_ticket(&agent, later, solve()).await.is_err());
    assert!(
        app.set_sop_requirement(&lead, "unauthorised_charge", false)
            .await
            .unwrap()
    );
    assert_eq!(
        app.change_ticket(&agent, later, solve())
            .await
            .unwrap()
            .status,
        Status::Solved
    );
}

async fn an_incident_resolution_leaves_unchecked_tickets_open(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let lead2 = person(&app, "leo@desk.test", Role::Lead).await;
    published(&app, &lead, &lead2, claim_input()).await;
    app.set_sop_requirement(&lead, "unauthorised_charge", true)
        .await
        .unwrap();
    let held = ticket(&app, &clock, None, at(-5), "unauthorised_charge").await;
    let free = ticket(&app, &clock, None, at(-5), "payment_declined").await;
    let (incident, _) = app
        .declare_incident(
            &lead,
            DeclareInput {
                title: "Card processor outage".into(),
                severity: Severity::Sev2,
                scope: ScopeInput::default(),
                rules: None,
                public_summary: None,
            },
        )
        .await
        .unwrap();
    for t in [held, free] {
        app.link_incident_ticket(&lead, incident.id, t)
            .await
            .unwrap();
    }
    let message = "The processor is back; you were not charged twice.";
    let (_, update) = app
        .resolve_incident(&lead, incident.id, Some(message), true)
        .await
        .unwrap();
    app.deliver_incident_update(update.unwrap().id)
        .await
        .unwrap();
    assert_eq!(store.ticket(free).await.unwrap().status, Status::Solved);
    let held_now = store.ticket(held).await.unwrap();
    assert_ne!(held_now.status, Status::Solved);
    let replied = store
        .messages(held)
        .await
        .unwrap()
        .iter()
        .any(|m| m.body == message);
    assert!(replied);
}

on_both_engines!(
    solving_waits_for_a_completed_checklist,
    an_incident_resolution_leaves_unchecked_tickets_open,
);
