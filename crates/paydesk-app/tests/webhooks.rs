//! The webhook use case on both engines: deliveries racing each other land once, events
//! for one new dispute racing each other open one ticket, the audit chain stays whole,
//! and refusals carry their codes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::settings::IntakeSettings;
use paydesk_app::webhooks::signature::sign;
use paydesk_app::webhooks::{Delivery, Endpoint, Receipt, WebhookError};
use paydesk_app::{App, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::payment::WebhookOutcome;
use paydesk_store::{ChainReport, Store};
use paydesk_testkit::on_both_engines;
use serde_json::json;
use std::sync::Arc;

const T0: i64 = 1_790_000_000_000;
const SECRET: &str = "whsec_app_tests";

fn app(store: Store) -> App {
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    App::new(store, clock).with_intake(IntakeSettings {
        stripe_webhook_secret: Some(SECRET.into()),
        ..IntakeSettings::default()
    })
}

fn dispute_event(id: &str, event_type: &str, dispute: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": id,
        "type": event_type,
        "created": 1_789_999_000,
        "data": { "object": {
            "id": dispute, "object": "dispute", "amount": 2_000, "currency": "usd",
            "charge": format!("ch_{dispute}"), "reason": "fraudulent", "status": "needs_response",
        } },
    }))
    .unwrap()
}

async fn receive(
    app: &App,
    endpoint: Endpoint,
    body: &[u8],
    signature: Option<&str>,
) -> Result<Receipt, WebhookError> {
    let delivery = Delivery {
        body,
        signature,
        ip: Some("203.0.113.9"),
    };
    app.receive_webhook(endpoint, delivery).await
}

/// Delivers `body` to the Stripe endpoint, signed right.
async fn deliver(app: &App, body: &[u8]) -> Result<Receipt, WebhookError> {
    let t = T0 / 1_000;
    let header = format!("t={t},v1={}", sign(SECRET.as_bytes(), t, body));
    receive(app, Endpoint::Stripe, body, Some(&header)).await
}

async fn count(store: &Store, sql: &str) -> i64 {
    let mut tx = store.read().await.unwrap();
    tx.row(sql, &[]).await.unwrap().unwrap().i64("n").unwrap()
}

async fn racing_redeliveries_land_once(store: Store) {
    let app = app(store.clone());
    let body = dispute_event("evt_race", "charge.dispute.created", "dp_race");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (app, body) = (app.clone(), body.clone());
        tasks.spawn(async move { deliver(&app, &body).await.unwrap() });
    }
    let mut receipts = vec![];
    while let Some(r) = tasks.join_next().await {
        receipts.push(r.unwrap());
    }
    assert_eq!(receipts.iter().filter(|r| !r.duplicate).count(), 1);
    assert!(
        receipts
            .iter()
            .all(|r| r.outcome == WebhookOutcome::Processed)
    );
    let ticket = receipts[0].ticket;
    assert!(ticket.is_some() && receipts.iter().all(|r| r.ticket == ticket));
    assert_eq!(count(&store, "SELECT COUNT(*) AS n FROM tickets").await, 1);
    assert_eq!(count(&store, "SELECT COUNT(*) AS n FROM disputes").await, 1);
    assert_eq!(
        count(&store, "SELECT COUNT(*) AS n FROM webhook_events").await,
        1
    );
    assert!(matches!(
        store.verify_audit_chain(|_, _| {}).await.unwrap(),
        ChainReport::Intact { .. }
    ));
    // Every event the delivery wrote says where it came from.
    let from = count(
        &store,
        "SELECT COUNT(*) AS n FROM events WHERE ip IS NULL OR ip <> '203.0.113.9' OR actor_label <> 'webhook:stripe'",
    )
    .await;
    assert_eq!(from, 0);
}

async fn racing_events_of_one_new_dispute_open_one_ticket(store: Store) {
    let app = app(store.clone());
    let mut tasks = tokio::task::JoinSet::new();
    for d in 0..4 {
        let dispute = format!("dp_{d}x");
        for (i, kind) in [
            "charge.dispute.created",
            "charge.dispute.funds_withdrawn",
            "charge.dispute.updated",
        ]
        .into_iter()
        .enumerate()
        {
            let app = app.clone();
            let body = dispute_event(&format!("evt_{d}_{i}"), kind, &dispute);
            tasks.spawn(async move { deliver(&app, &body).await.unwrap() });
        }
    }
    while let Some(r) = tasks.join_next().await {
        let receipt = r.unwrap();
        assert!(!receipt.duplicate && receipt.ticket.is_some());
    }
    assert_eq!(count(&store, "SELECT COUNT(*) AS n FROM disputes").await, 4);
    assert_eq!(count(&store, "SELECT COUNT(*) AS n FROM tickets").await, 4);
    // One opening note and two follow-ups on each.
    assert_eq!(
        count(&store, "SELECT COUNT(*) AS n FROM messages").await,
        12
    );
    let unlinked = count(
        &store,
        "SELECT COUNT(*) AS n FROM disputes d WHERE NOT EXISTS (SELECT 1 FROM ticket_payment_links l \
         WHERE l.kind = 'dispute' AND l.object_id = d.id AND l.ticket_id = d.ticket_id)",
    )
    .await;
    assert_eq!(unlinked, 0);
    assert!(matches!(
        store.verify_audit_chain(|_, _| {}).await.unwrap(),
        ChainReport::Intact { .. }
    ));
}

async fn refusals_carry_their_codes(store: Store) {
    let body = dispute_event("evt_1", "charge.dispute.created", "dp_1");
    let unconfigured = App::new(store.clone(), Arc::new(ManualClock::at(Timestamp(T0))));
    let e = deliver(&unconfigured, &body).await.unwrap_err();
    assert_eq!(e.code(), "webhook_not_configured");
    assert!(
        e.to_string().contains("PAYDESK_STRIPE_WEBHOOK_SECRET"),
        "{e}"
    );

    let app = app(store.clone());
    let e = receive(&app, Endpoint::Stripe, &body, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_signature");
    assert_eq!(e.to_string(), "the Stripe-Signature header is missing");
    // The secret and the expected signature are never in an answer.
    let header = format!("t={},v1={}", T0 / 1_000, "ab".repeat(32));
    let e = receive(&app, Endpoint::Stripe, &body, Some(&header))
        .await
        .unwrap_err();
    let said = format!("{e} {e:?}");
    assert!(!said.contains(SECRET) && !said.contains(&sign(SECRET.as_bytes(), T0 / 1_000, &body)));
    assert_eq!(
        count(&store, "SELECT COUNT(*) AS n FROM webhook_events").await,
        0
    );
    // The generic endpoint has its own secret, unset here.
    let e = receive(&app, Endpoint::Paydesk, &body, Some(&header))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "webhook_not_configured");
    assert!(deliver(&app, &body).await.is_ok());
    let kept = store.webhook_events(10).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].outcome, WebhookOutcome::Processed);
    assert_eq!(kept[0].event_id.as_deref(), Some("evt_1"));
    assert!(kept[0].ticket_id.is_some());
}

/// The taxonomy categories the intake files tickets under exist in the demo's list.
#[test]
fn intake_categories_are_in_the_taxonomy() {
    use paydesk_domain::payment::follow_up::{DISPUTE_CATEGORY, PAYOUT_CATEGORY};
    for c in [DISPUTE_CATEGORY, PAYOUT_CATEGORY] {
        assert!(paydesk_app::demo::CATEGORIES.contains(&c), "{c}");
    }
}

on_both_engines!(
    racing_redeliveries_land_once,
    racing_events_of_one_new_dispute_open_one_ticket,
    refusals_carry_their_codes,
);
