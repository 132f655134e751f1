//! Payment service health through the use cases, on both engines: batches keep their good
//! items and refuse the bad ones one by one; the health view compares the last minutes
//! with the objective and the day; a sharp drop proposes exactly one incident (also when
//! two checks race), a normal rate none; a lead accepts a proposal (its rules then link
//! the tickets) or dismisses it (and no proposal comes back within the hour).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod incident_support;

use incident_support::{app, at, count, customer, failed_charge, person, ticket};
use paydesk_app::payment_health::{
    AttemptInput, BATCH_MAX, ObjectiveOverride, Objectives, Refusal,
};
use paydesk_app::{App, AppError, Caller};
use paydesk_domain::Timestamp;
use paydesk_domain::incident::{IncidentOrigin, IncidentStatus, PaymentMethod};
use paydesk_domain::payment_health::{HealthState, Objective};
use paydesk_domain::role::Role;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;

fn attempt(gateway: &str, method: &str, ok: bool, when: Timestamp) -> AttemptInput {
    AttemptInput {
        gateway: gateway.into(),
        method: method.into(),
        result: if ok { "success" } else { "decline" }.into(),
        code: (!ok).then(|| "do_not_honor".to_string()),
        latency_ms: 300,
        at: when,
        region: Some("eu".into()),
        business_line: Some("buyer".into()),
    }
}

/// `n` attempts of which `successes` succeed, spread over the minutes before `end`.
async fn send(
    app: &App,
    gateway: &str,
    method: &str,
    n: usize,
    successes: usize,
    end: Timestamp,
    minutes: i64,
) {
    let writer = Caller::system();
    let items: Vec<_> = (0..n)
        .map(|i| {
            let back = i64::try_from(i).unwrap() % minutes.max(1);
            Ok(attempt(
                gateway,
                method,
                i < successes,
                end.plus_millis(-back * Timestamp::MINUTE),
            ))
        })
        .collect();
    for chunk in items.chunks(BATCH_MAX) {
        let recorded = app
            .record_payment_attempts(&writer, chunk.to_vec())
            .await
            .unwrap();
        assert!(recorded.refused.is_empty(), "{:?}", recorded.refused);
    }
}

async fn batches_keep_good_items_and_refuse_bad_ones(store: Store) {
    let (app, _) = app(store.clone());
    let agent = person(&app, "ana@desk.test", Role::Agent).await;
    let mut card_in_code = attempt("adyen", "card", false, at(-1));
    card_in_code.code = Some("4111111111111111".into());
    let items = vec![
        Ok(attempt("adyen", "card", true, at(-1))),
        Ok(attempt("adyen", "cash", true, at(-1))),
        Err(Refusal {
            index: 2,
            field: Some("latency_ms".into()),
            reason: "invalid type".into(),
        }),
        Ok(attempt("adyen", "card", false, at(-2_000))),
        Ok(card_in_code),
        Ok(attempt("adyen", "card", false, at(-1))),
    ];
    let refused = app.record_payment_attempts(&agent, items.clone()).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden { .. })),
        "agents do not load payments"
    );
    let recorded = app
        .record_payment_attempts(&Caller::system(), items)
        .await
        .unwrap();
    assert_eq!(recorded.accepted, 2);
    let fields: Vec<(usize, Option<&str>)> = recorded
        .refused
        .iter()
        .map(|r| (r.index, r.field.as_deref()))
        .collect();
    assert_eq!(
        fields,
        vec![
            (1, Some("method")),
            (2, Some("latency_ms")),
            (3, Some("at")),
            (4, Some("code"))
        ]
    );
    assert!(!recorded.refused[3].reason.contains("4111111111111111"));
    let codes = count(
        &store,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM payment_health_codes WHERE code LIKE '4111%'",
    )
    .await;
    assert_eq!(codes, 0, "a card number is never kept as a code");
    let health = app.payment_health(&agent).await.unwrap();
    assert_eq!(health.len(), 1);
    assert_eq!(health[0].recent.tally.attempts, 2);
    assert_eq!(health[0].recent.tally.successes, 1);
    assert_eq!(health[0].top_codes, vec![("do_not_honor".to_string(), 1)]);

    let too_many = vec![Ok(attempt("adyen", "card", true, at(-1))); BATCH_MAX + 1];
    let refused = app
        .record_payment_attempts(&Caller::system(), too_many)
        .await;
    assert!(
        matches!(&refused, Err(e) if e.field() == Some("events")),
        "{refused:?}"
    );
}

async fn a_sharp_drop_proposes_one_incident_and_a_normal_rate_none(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    // The day before: adyen and stripe cards succeed nine times in ten.
    send(&app, "adyen", "card", 600, 540, at(-120), 600).await;
    send(&app, "stripe", "card", 600, 540, at(-120), 600).await;
    // The last minutes: adyen collapses to a quarter, stripe stays as usual.
    send(&app, "adyen", "card", 80, 20, at(0), 10).await;
    send(&app, "stripe", "card", 80, 70, at(0), 10).await;

    let health = app.payment_health(&lead).await.unwrap();
    let state = |g: &str| {
        health
            .iter()
            .find(|h| h.gateway == g)
            .unwrap()
            .assessment
            .state
    };
    assert_eq!(state("adyen"), HealthState::Failing);
    assert_eq!(state("stripe"), HealthState::Ok);
    let adyen = health.iter().find(|h| h.gateway == "adyen").unwrap();
    assert_eq!(adyen.recent.tally.attempts, 80);
    assert_eq!(adyen.day.tally.attempts, 680);
    assert!(adyen.recent.success_rate.unwrap() < 0.3);
    assert!(adyen.day.p95_ms.is_some());

    let agent = person(&app, "ana@desk.test", Role::Agent).await;
    let refused = app.check_payment_health(&agent).await;
    assert!(matches!(refused, Err(AppError::Forbidden { .. })));

    // Two checks at once (two instances' loops): one proposal.
    let system = Caller::system();
    let (one, two) = tokio::join!(
        app.check_payment_health(&system),
        app.check_payment_health(&system)
    );
    let proposed: Vec<_> = one.unwrap().into_iter().chain(two.unwrap()).collect();
    assert_eq!(proposed.len(), 1, "{proposed:?}");
    let proposal = &proposed[0];
    assert_eq!(proposal.status, IncidentStatus::Proposed);
    assert_eq!(proposal.origin, IncidentOrigin::HealthCheck);
    assert_eq!(proposal.scope.gateway.as_deref(), Some("adyen"));
    assert_eq!(proposal.scope.method, Some(PaymentMethod::Card));
    let rules = proposal.rules.clone().unwrap();
    assert_eq!(rules.gateways, vec!["adyen"]);
    assert_eq!(rules.methods, vec![PaymentMethod::Card]);
    assert!(
        app.check_payment_health(&Caller::system())
            .await
            .unwrap()
            .is_empty()
    );
    let events = count(
        &store,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM events WHERE kind = 'incident_changed' AND data LIKE '%\"proposed\"%'",
    )
    .await;
    assert_eq!(events, 1, "the leads are told once");

    // Accepted, its rules link the tickets about adyen card payments in the window.
    let a = customer(&app, "Ana").await;
    failed_charge(&store, "adyen", "do_not_honor", Some(a), at(-3), None).await;
    let about = ticket(&app, &clock, Some(a), at(-2), "payment_declined").await;
    let b = customer(&app, "Bea").await;
    failed_charge(&store, "stripe", "do_not_honor", Some(b), at(-3), None).await;
    let other = ticket(&app, &clock, Some(b), at(-2), "payment_declined").await;
    let (accepted, linked) = app.accept_incident(&lead, proposal.id).await.unwrap();
    assert_eq!(accepted.status, IncidentStatus::Investigating);
    assert_eq!(linked, 1);
    let about_incidents = app.ticket_incidents(&lead, about).await.unwrap();
    assert_eq!(about_incidents.len(), 1);
    assert!(app.ticket_incidents(&lead, other).await.unwrap().is_empty());
    let twice = app.accept_incident(&lead, proposal.id).await;
    assert!(
        matches!(&twice, Err(e) if e.code() == "incident_state"),
        "{twice:?}"
    );
    // Still open: no second proposal, even a minute later.
    clock.advance(Timestamp::MINUTE);
    assert!(
        app.check_payment_health(&Caller::system())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_dismissed_proposal_keeps_quiet_for_an_hour(store: Store) {
    let (app, _) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    send(&app, "paypal", "wallet", 600, 570, at(-120), 600).await;
    send(&app, "paypal", "wallet", 60, 10, at(0), 10).await;
    let proposed = app.check_payment_health(&Caller::system()).await.unwrap();
    assert_eq!(proposed.len(), 1);
    let dismissed = app
        .dismiss_incident(&lead, proposed[0].id, Some("PayPal test traffic"))
        .await
        .unwrap();
    assert_eq!(dismissed.status, IncidentStatus::Dismissed);
    assert!(dismissed.closed_at.is_some());
    assert!(
        app.check_payment_health(&Caller::system())
            .await
            .unwrap()
            .is_empty()
    );
    let update = app
        .post_incident_update(
            &lead,
            proposed[0].id,
            paydesk_app::incidents::updates::UpdateInput {
                body: "x".into(),
                is_public: true,
                solve_tickets: false,
            },
            "k",
        )
        .await;
    assert!(
        matches!(&update, Err(e) if e.code() == "incident_state"),
        "{update:?}"
    );
}

async fn objectives_are_replaced_whole_and_judge_the_health(store: Store) {
    let (app, _) = app(store.clone());
    let admin = person(&app, "sam@desk.test", Role::Admin).await;
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let defaults = app.payment_objectives(&admin).await.unwrap();
    assert_eq!(defaults.default, Objective::default());
    assert!(defaults.overrides.is_empty());
    let refused = app.payment_objectives(&lead).await;
    assert!(matches!(refused, Err(AppError::Forbidden { .. })));

    send(&app, "adyen", "card", 100, 88, at(0), 10).await;
    let strict = Objectives {
        default: Objective::default(),
        overrides: vec![ObjectiveOverride {
            gateway: "Adyen".into(),
            method: PaymentMethod::Card,
            objective: Objective {
                success_rate: 0.95,
                p95_latency_ms: 2_000,
            },
        }],
    };
    let saved = app
        .set_payment_objectives(&admin, strict.clone())
        .await
        .unwrap();
    assert_eq!(saved.overrides[0].gateway, "adyen");
    assert_eq!(saved.of("adyen", PaymentMethod::Card).success_rate, 0.95);
    let health = app.payment_health(&lead).await.unwrap();
    assert_eq!(
        health[0].assessment.state,
        HealthState::Degraded,
        "88% is below 95%"
    );

    let mut twice = strict.clone();
    twice.overrides.push(twice.overrides[0].clone());
    let refused = app.set_payment_objectives(&admin, twice).await;
    assert!(
        matches!(&refused, Err(e) if e.field() == Some("overrides[1]")),
        "{refused:?}"
    );
    let mut bad = strict;
    bad.default.success_rate = 2.0;
    let refused = app.set_payment_objectives(&admin, bad).await;
    assert!(
        matches!(&refused, Err(e) if e.field() == Some("default.success_rate")),
        "{refused:?}"
    );
    let changes = count(
        &store,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM events WHERE kind = 'config_changed' AND data LIKE '%payment_objectives%'",
    )
    .await;
    assert_eq!(changes, 1);
}

on_both_engines!(
    batches_keep_good_items_and_refuse_bad_ones,
    a_sharp_drop_proposes_one_incident_and_a_normal_rate_none,
    a_dismissed_proposal_keeps_quiet_for_an_hour,
    objectives_are_replaced_whole_and_judge_the_health,
);
