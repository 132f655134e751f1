//! Incidents through the use cases, on both engines: matching rules link the tickets
//! that match and no others; later tickets are linked by a later run; tickets unlinked by
//! hand stay unlinked; a public update reaches each linked ticket exactly once (repeated
//! requests, a ticket linked twice, deliveries racing each other), with its email; resolving
//! solves the linked tickets with the message.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod incident_support;

use incident_support::{
    app, at, count, customer, failed_charge, failed_wallet_payment, person, ticket,
};
use paydesk_app::incidents::updates::UpdateInput;
use paydesk_app::incidents::{DeclareInput, IncidentPatch, ScopeInput};
use paydesk_app::{App, AppError, Caller};
use paydesk_domain::event::EventKind;
use paydesk_domain::incident::{
    IncidentAction, IncidentId, IncidentStatus, LinkReason, MatchRules, PaymentMethod, Severity,
};
use paydesk_domain::message::Visibility;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{Status, TicketPatch};
use paydesk_domain::{Actor, TicketId};
use paydesk_store::{PageRequest, Store};
use paydesk_testkit::on_both_engines;

fn adyen_declines() -> MatchRules {
    MatchRules {
        gateways: vec!["adyen".into()],
        failure_codes: vec!["do_not_honor".into()],
        ..MatchRules::default()
    }
}

fn declare_input(rules: Option<MatchRules>) -> DeclareInput {
    DeclareInput {
        title: "Adyen declines card payments".into(),
        severity: Severity::Sev2,
        scope: ScopeInput {
            gateway: Some("adyen".into()),
            method: Some(PaymentMethod::Card),
            region: Some("eu".into()),
            started_at: Some(at(-30)),
            ..ScopeInput::default()
        },
        rules,
        public_summary: Some("Some card payments fail; we are on it.".into()),
    }
}

async fn linked(app: &App, ticket: TicketId) -> Vec<(IncidentId, LinkReason)> {
    app.ticket_incidents(&Caller::system(), ticket)
        .await
        .unwrap()
        .iter()
        .map(|l| (l.incident.id, l.reason))
        .collect()
}

async fn public_replies(store: &Store, ticket: TicketId, body: &str) -> usize {
    store
        .messages(ticket)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.visibility == Visibility::Public && m.body == body)
        .count()
}

async fn declaring_links_matching_tickets_and_no_others(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let agent = person(&app, "ana@desk.test", Role::Agent).await;

    // Matches: an adyen do_not_honor decline of the customer, in the window.
    let a = customer(&app, "Ana").await;
    failed_charge(&store, "adyen", "do_not_honor", Some(a), at(-20), None).await;
    let matching = ticket(&app, &clock, Some(a), at(-10), "payment_declined").await;
    // Matches: no customer, but the decline is linked to the ticket itself.
    let by_link = ticket(&app, &clock, None, at(-9), "payment_declined").await;
    failed_charge(
        &store,
        "adyen",
        "do_not_honor",
        None,
        at(-15),
        Some(by_link),
    )
    .await;
    // Another gateway, another code, a ticket before the window, a decline before it.
    let b = customer(&app, "Bea").await;
    failed_charge(&store, "stripe", "do_not_honor", Some(b), at(-20), None).await;
    let other_gateway = ticket(&app, &clock, Some(b), at(-10), "payment_declined").await;
    let c = customer(&app, "Cai").await;
    failed_charge(
        &store,
        "adyen",
        "insufficient_funds",
        Some(c),
        at(-20),
        None,
    )
    .await;
    let other_code = ticket(&app, &clock, Some(c), at(-10), "payment_declined").await;
    let d = customer(&app, "Dan").await;
    failed_charge(&store, "adyen", "do_not_honor", Some(d), at(-20), None).await;
    let before_window = ticket(&app, &clock, Some(d), at(-120), "payment_declined").await;
    let e = customer(&app, "Eve").await;
    failed_charge(&store, "adyen", "do_not_honor", Some(e), at(-60), None).await;
    let old_decline = ticket(&app, &clock, Some(e), at(-10), "payment_declined").await;
    // Matches, but is solved already.
    let f = customer(&app, "Fay").await;
    failed_charge(&store, "adyen", "do_not_honor", Some(f), at(-20), None).await;
    let solved = ticket(&app, &clock, Some(f), at(-10), "payment_declined").await;
    let patch = TicketPatch {
        status: Some(Status::Solved),
        ..TicketPatch::default()
    };
    app.change_ticket(
        &Caller::system(),
        solved,
        paydesk_app::tickets::TicketChange {
            patch,
            expected_version: None,
        },
    )
    .await
    .unwrap();

    let refused = app
        .declare_incident(&agent, declare_input(Some(adyen_declines())))
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden { .. })),
        "{refused:?}"
    );

    let (incident, count_linked) = app
        .declare_incident(&lead, declare_input(Some(adyen_declines())))
        .await
        .unwrap();
    assert_eq!(count_linked, 2);
    assert_eq!(incident.status, IncidentStatus::Investigating);
    assert_eq!(incident.linked_tickets, 2);
    for t in [matching, by_link] {
        assert_eq!(linked(&app, t).await, vec![(incident.id, LinkReason::Rule)]);
    }
    for t in [
        other_gateway,
        other_code,
        before_window,
        old_decline,
        solved,
    ] {
        assert!(linked(&app, t).await.is_empty(), "{t:?} must not be linked");
    }
    let timeline = app
        .timeline(&Caller::system(), matching, &PageRequest::first(100))
        .await
        .unwrap();
    let link = timeline
        .items
        .iter()
        .find(|e| e.kind == EventKind::PaymentLinked)
        .unwrap();
    assert_eq!(link.data["kind"], "incident");
    assert_eq!(link.data["object_id"], incident.id.0);
    assert_eq!(link.data["reason"], "rule");
    assert_eq!(link.actor, lead.actor());

    // A ticket arriving later is linked by the next run (the workers' minute loop), once.
    clock.set(at(5));
    let g = customer(&app, "Gus").await;
    failed_charge(&store, "adyen", "do_not_honor", Some(g), at(2), None).await;
    let later = ticket(&app, &clock, Some(g), at(4), "payment_declined").await;
    assert_eq!(app.match_open_incidents().await.unwrap(), 1);
    assert_eq!(app.match_open_incidents().await.unwrap(), 0);
    assert_eq!(linked(&app, later).await.len(), 1);

    // Unlinked by hand, a ticket stays unlinked however often the rules run.
    assert!(
        app.unlink_incident_ticket(&lead, incident.id, matching)
            .await
            .unwrap()
    );
    assert_eq!(app.match_incident(&lead, incident.id).await.unwrap(), 0);
    assert!(linked(&app, matching).await.is_empty());
    // ... and a hand link brings it back, as manual.
    assert!(
        app.link_incident_ticket(&lead, incident.id, matching)
            .await
            .unwrap()
    );
    assert!(
        !app.link_incident_ticket(&lead, incident.id, matching)
            .await
            .unwrap()
    );
    assert_eq!(
        linked(&app, matching).await,
        vec![(incident.id, LinkReason::Manual)]
    );

    // The timeline says who did what.
    let view = app.incident(&agent, incident.id).await.unwrap();
    let actions: Vec<IncidentAction> = view.timeline.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            IncidentAction::Declared,
            IncidentAction::LinkedByRule,
            IncidentAction::LinkedByRule,
            IncidentAction::TicketUnlinked,
            IncidentAction::TicketLinked,
        ]
    );
    assert_eq!(view.timeline[1].detail["count"], 2);
    assert_eq!(view.timeline[1].actor, lead.actor());
    assert_eq!(view.timeline[2].actor, Actor::System);
    let events = count(
        &store,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM events WHERE kind = 'incident_changed' AND ticket_id IS NULL",
    )
    .await;
    assert_eq!(events, 5, "one incident_changed per timeline entry");

    // Changing severity and status is recorded; a status only resolve sets is refused.
    let changed = app
        .change_incident(
            &lead,
            incident.id,
            IncidentPatch {
                severity: Some(Severity::Sev1),
                status: Some(IncidentStatus::Identified),
                ..IncidentPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (changed.severity, changed.status),
        (Severity::Sev1, IncidentStatus::Identified)
    );
    let refused = app
        .change_incident(
            &lead,
            incident.id,
            IncidentPatch {
                status: Some(IncidentStatus::Resolved),
                ..IncidentPatch::default()
            },
        )
        .await;
    assert!(
        matches!(&refused, Err(AppError::Domain(e)) if e.code() == "invalid_field"),
        "{refused:?}"
    );
    let stale = app
        .change_incident(
            &lead,
            incident.id,
            IncidentPatch {
                title: Some("New title".into()),
                expected_version: Some(incident.version),
                ..IncidentPatch::default()
            },
        )
        .await;
    assert!(
        matches!(stale, Err(AppError::VersionConflict { .. })),
        "{stale:?}"
    );
}

/// An incident linking `tickets` by hand, for the update tests.
async fn incident_with(app: &App, lead: &Caller, tickets: &[TicketId]) -> IncidentId {
    let (incident, _) = app
        .declare_incident(lead, declare_input(None))
        .await
        .unwrap();
    for t in tickets {
        app.link_incident_ticket(lead, incident.id, *t)
            .await
            .unwrap();
    }
    incident.id
}

async fn a_public_update_reaches_each_ticket_exactly_once(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let (a, b, c) = (
        customer(&app, "Ana").await,
        customer(&app, "Bea").await,
        customer(&app, "Cai").await,
    );
    failed_charge(&store, "adyen", "do_not_honor", Some(a), at(-20), None).await;
    let ta = ticket(&app, &clock, Some(a), at(-10), "payment_declined").await;
    let tb = ticket(&app, &clock, Some(b), at(-10), "payment_declined").await;
    let tc = ticket(&app, &clock, Some(c), at(-10), "payment_declined").await;
    let (incident, linked) = app
        .declare_incident(&lead, declare_input(Some(adyen_declines())))
        .await
        .unwrap();
    assert_eq!(linked, 1, "ta by rule");
    let id = incident.id;
    // ta is linked by hand too: still one link.
    assert!(!app.link_incident_ticket(&lead, id, ta).await.unwrap());
    for t in [tb, tc] {
        assert!(app.link_incident_ticket(&lead, id, t).await.unwrap());
    }

    let body =
        "Card payments through Adyen fail for some banks. We will write again within the hour.";
    let input = UpdateInput {
        body: body.into(),
        is_public: true,
        solve_tickets: false,
    };
    let (update, is_new) = app
        .post_incident_update(&lead, id, input.clone(), "update-1")
        .await
        .unwrap();
    assert!(is_new);
    assert_eq!(
        (update.status.as_str(), update.total, update.sent),
        ("delivering", 3, 0)
    );
    // The request repeated: the same update, nothing new.
    let (again, is_new) = app
        .post_incident_update(&lead, id, input.clone(), "update-1")
        .await
        .unwrap();
    assert!(!is_new);
    assert_eq!(again.id, update.id);
    let reused = app
        .post_incident_update(
            &lead,
            id,
            UpdateInput {
                body: "Another text".into(),
                ..input.clone()
            },
            "update-1",
        )
        .await;
    assert!(
        matches!(reused, Err(AppError::IdempotencyKeyReused)),
        "{reused:?}"
    );
    let missing = app
        .post_incident_update(&lead, id, input.clone(), " ")
        .await;
    assert!(
        matches!(&missing, Err(e) if e.field() == Some("Idempotency-Key")),
        "{missing:?}"
    );

    // tc is solved before its turn: skipped.
    app.change_ticket(
        &Caller::system(),
        tc,
        paydesk_app::tickets::TicketChange {
            patch: TicketPatch {
                status: Some(Status::Solved),
                ..TicketPatch::default()
            },
            expected_version: None,
        },
    )
    .await
    .unwrap();

    // Two deliveries racing, then a third run: each ticket gets one reply.
    let (one, two) = tokio::join!(
        app.deliver_incident_update(update.id),
        app.deliver_incident_update(update.id)
    );
    one.unwrap();
    two.unwrap();
    let done = app.deliver_incident_update(update.id).await.unwrap();
    assert_eq!(
        (done.status.as_str(), done.total, done.sent, done.skipped),
        ("done", 3, 2, 1)
    );
    for t in [ta, tb] {
        assert_eq!(public_replies(&store, t, body).await, 1, "{t:?}");
        let mails = store.outbound_mails(t).await.unwrap();
        assert_eq!(mails.len(), 1, "{t:?} gets one email");
        let ticket = store.ticket(t).await.unwrap();
        assert_eq!(
            ticket.status,
            Status::Open,
            "a public reply opens a new ticket"
        );
    }
    assert_eq!(public_replies(&store, tc, body).await, 0);
    assert!(store.outbound_mails(tc).await.unwrap().is_empty());
    let deliveries = count(
        &store,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM incident_deliveries",
    )
    .await;
    assert_eq!(deliveries, 3);
    let view = app.incident(&lead, id).await.unwrap();
    let delivered: Vec<_> = view
        .timeline
        .iter()
        .filter(|e| e.action == IncidentAction::UpdateDelivered)
        .collect();
    assert_eq!(delivered.len(), 1, "recorded done once");
    assert_eq!(delivered[0].detail["sent"], 2);

    // An internal update replies to nobody.
    let (note, _) = app
        .post_incident_update(
            &lead,
            id,
            UpdateInput {
                body: "Adyen confirms an issuer processor outage.".into(),
                is_public: false,
                solve_tickets: false,
            },
            "note-1",
        )
        .await
        .unwrap();
    assert_eq!((note.status.as_str(), note.total), ("done", 0));
    let solve_internal = app
        .post_incident_update(
            &lead,
            id,
            UpdateInput {
                body: "x".into(),
                is_public: false,
                solve_tickets: true,
            },
            "note-2",
        )
        .await;
    assert!(matches!(&solve_internal, Err(e) if e.field() == Some("solve_tickets")));
}

async fn resolving_solves_the_linked_tickets_with_the_message(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let a = customer(&app, "Ana").await;
    let b = customer(&app, "Bea").await;
    let ta = ticket(&app, &clock, Some(a), at(-10), "payment_declined").await;
    let tb = ticket(&app, &clock, Some(b), at(-10), "payment_declined").await;
    let unlinked = ticket(&app, &clock, Some(b), at(-10), "payment_declined").await;
    let id = incident_with(&app, &lead, &[ta, tb]).await;

    let missing = app.resolve_incident(&lead, id, None, true).await;
    assert!(
        matches!(&missing, Err(e) if e.field() == Some("message")),
        "{missing:?}"
    );

    clock.set(at(60));
    let message = "Card payments work again. Please try once more; you were not charged.";
    let (resolved, update) = app
        .resolve_incident(&lead, id, Some(message), true)
        .await
        .unwrap();
    assert_eq!(resolved.status, IncidentStatus::Resolved);
    assert_eq!(resolved.scope.ended_at, Some(at(60)));
    let update = update.unwrap();
    assert_eq!((update.kind.as_str(), update.total), ("resolution", 2));
    app.deliver_incident_update(update.id).await.unwrap();
    for t in [ta, tb] {
        let ticket = store.ticket(t).await.unwrap();
        assert_eq!(ticket.status, Status::Solved, "{t:?}");
        assert_eq!(public_replies(&store, t, message).await, 1);
        assert_eq!(store.outbound_mails(t).await.unwrap().len(), 1);
    }
    assert_eq!(store.ticket(unlinked).await.unwrap().status, Status::New);
    assert_eq!(public_replies(&store, unlinked, message).await, 0);

    let again = app.resolve_incident(&lead, id, Some(message), true).await;
    assert!(
        matches!(&again, Err(e) if e.code() == "incident_state"),
        "{again:?}"
    );
    let view = app.incident(&lead, id).await.unwrap();
    let resolved_entry = view
        .timeline
        .iter()
        .find(|e| e.action == IncidentAction::Resolved)
        .unwrap();
    assert_eq!(resolved_entry.detail["update_id"], update.id);
    assert_eq!(resolved_entry.actor, lead.actor());
    let listed = app
        .incidents(&lead, &[IncidentStatus::Resolved], 10, None)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    let open = app
        .incidents(&lead, &[IncidentStatus::Investigating], 10, None)
        .await
        .unwrap();
    assert!(open.items.is_empty());
}

async fn an_incident_resolved_before_its_start_ends_at_its_start(store: Store) {
    let (app, _clock) = app(store);
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let mut planned = declare_input(None);
    planned.title = "Planned gateway maintenance".into();
    planned.scope.started_at = Some(at(120));
    let (declared, _) = app.declare_incident(&lead, planned).await.unwrap();
    let (resolved, _) = app
        .resolve_incident(&lead, declared.id, None, false)
        .await
        .unwrap();
    assert_eq!(resolved.scope.ended_at, Some(at(120)));
    assert!(resolved.scope.ended_at >= Some(resolved.scope.started_at));
}

/// A rule on the payment method matches the method a transaction records (a wallet
/// payment has no card brand to go by).
async fn rules_match_the_method_a_payment_records(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let a = customer(&app, "Ana").await;
    failed_wallet_payment(&store, "paypal", "wallet_declined", Some(a), at(-20)).await;
    let wallet = ticket(&app, &clock, Some(a), at(-10), "payment_declined").await;
    let b = customer(&app, "Bea").await;
    failed_charge(&store, "paypal", "wallet_declined", Some(b), at(-20), None).await;
    let card = ticket(&app, &clock, Some(b), at(-10), "payment_declined").await;
    let rules = MatchRules {
        methods: vec![PaymentMethod::Wallet],
        ..MatchRules::default()
    };
    let (incident, _) = app
        .declare_incident(&lead, declare_input(Some(rules)))
        .await
        .unwrap();
    assert_eq!(
        linked(&app, wallet).await,
        [(incident.id, LinkReason::Rule)]
    );
    assert!(linked(&app, card).await.is_empty());
}

on_both_engines!(
    rules_match_the_method_a_payment_records,
    declaring_links_matching_tickets_and_no_others,
    a_public_update_reaches_each_ticket_exactly_once,
    resolving_solves_the_linked_tickets_with_the_message,
    an_incident_resolved_before_its_start_ends_at_its_start,
);
