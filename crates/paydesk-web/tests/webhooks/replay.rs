//! The shared Stripe examples replayed: signed right they land once, and again changes
//! nothing; signed wrong they are refused and change nothing.

use crate::common::{Api, STRIPE_WEBHOOK_SECRET};
use crate::{
    STRIPE, accepted, counts, now_secs, object, post, refused, ruby_event, signature, stripe,
    stripe_event, text,
};
use axum::http::StatusCode;
use paydesk_store::Store;

/// Every shared payload as a Stripe event, in delivery order, with the outcome it gets.
fn shared_events() -> Vec<(String, Vec<u8>, &'static str)> {
    let mut out = vec![];
    for name in [
        "charge.dispute.created",
        "charge.dispute.updated",
        "charge.dispute.closed",
        "charge.refunded",
        "charge.failed",
        "payout.failed",
    ] {
        let id = format!("evt_ruby_{}", name.replace('.', "_"));
        out.push((
            format!("ruby-mock {name}"),
            ruby_event(name, &id),
            "processed",
        ));
    }
    let wrapped = [
        ("dispute", "charge.dispute.created", "processed"),
        ("dispute", "charge.dispute.funds_withdrawn", "processed"),
        ("dispute", "charge.dispute.updated", "processed"),
        ("charge", "charge.failed", "processed"),
        ("charge", "charge.refunded", "processed"),
        ("payout", "payout.failed", "processed"),
        ("dispute", "charge.dispute.closed", "processed"),
        ("refund", "charge.refund.updated", "ignored"),
        ("balance_transaction", "balance.available", "ignored"),
        ("payment_intent", "payment_intent.payment_failed", "ignored"),
        ("issuing.dispute", "issuing_dispute.created", "ignored"),
    ];
    for (name, event_type, outcome) in wrapped {
        let id = format!(
            "evt_{}_{}",
            name.replace('.', "_"),
            event_type.replace('.', "_")
        );
        out.push((
            format!("objects/{name}.json as {event_type}"),
            stripe_event(&id, event_type, &object(name)),
            outcome,
        ));
    }
    out.push((
        "objects/event.json (plan.created)".into(),
        crate::shared("objects/event.json"),
        "ignored",
    ));
    out
}

pub async fn every_shared_payload_lands_exactly_once(store: Store) {
    let api = Api::new(store.clone());
    let events = shared_events();
    for (what, body, outcome) in &events {
        let reply = stripe(&api, body.clone()).await;
        assert_eq!(reply.status, StatusCode::OK, "{what}: {}", reply.text());
        accepted(&reply, outcome, false);
    }
    let landed = counts(&store).await;
    // Two disputes, two charges, two payouts; each dispute and each payout has a ticket.
    assert_eq!(landed.of("disputes"), 2, "{landed:?}");
    assert_eq!(landed.of("transactions"), 2, "{landed:?}");
    assert_eq!(landed.of("payouts"), 2, "{landed:?}");
    assert_eq!(landed.of("tickets"), 4, "{landed:?}");
    assert_eq!(
        landed.of("webhook_events"),
        i64::try_from(events.len()).unwrap()
    );
    let without_ticket = crate::int(
        &store,
        "SELECT COUNT(*) AS v FROM disputes WHERE ticket_id IS NULL",
    )
    .await;
    assert_eq!(without_ticket, Some(0));
    // The ruby-mock charge arrived after its dispute: they are tied together now.
    let tied = crate::int(
        &store,
        "SELECT COUNT(*) AS v FROM disputes WHERE transaction_id IS NOT NULL",
    )
    .await;
    assert_eq!(tied, Some(2));

    // Stripe redelivers: every event again, now and later.
    for round in 0..2 {
        for (what, body, outcome) in &events {
            let reply = stripe(&api, body.clone()).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{what} again: {}",
                reply.text()
            );
            accepted(&reply, outcome, true);
        }
        api.clock.advance(3_600_000);
        assert_eq!(
            counts(&store).await,
            landed,
            "after redelivery round {round}"
        );
    }
}

pub async fn bad_signatures_change_nothing(store: Store) {
    let api = Api::new(store.clone());
    let before = counts(&store).await;
    let events = shared_events();
    for (what, body, _) in &events {
        let now = now_secs(&api);
        let right = |t: i64| signature(STRIPE_WEBHOOK_SECRET, t, body);
        let mut tampered = body.clone();
        tampered.extend_from_slice(b" ");
        let cases: Vec<(&str, Option<String>, Vec<u8>, &str)> = vec![
            (
                "wrong secret",
                Some(signature("whsec_not_this_one", now, body)),
                body.clone(),
                "invalid_signature",
            ),
            (
                "tampered body",
                Some(right(now)),
                tampered,
                "invalid_signature",
            ),
            (
                "signed at another time",
                Some(right(now).replacen(&format!("t={now}"), &format!("t={}", now - 1), 1)),
                body.clone(),
                "invalid_signature",
            ),
            (
                "expired",
                Some(right(now - 301)),
                body.clone(),
                "signature_expired",
            ),
            (
                "from the future",
                Some(right(now + 301)),
                body.clone(),
                "signature_expired",
            ),
            ("no header", None, body.clone(), "invalid_signature"),
            (
                "no timestamp",
                Some(right(now).replacen(&format!("t={now},"), "", 1)),
                body.clone(),
                "invalid_signature",
            ),
            (
                "timestamp not a number",
                Some(right(now).replacen(&format!("t={now}"), "t=now", 1)),
                body.clone(),
                "invalid_signature",
            ),
            (
                "only the legacy v0",
                Some(right(now).replacen("v1=", "v0=", 1)),
                body.clone(),
                "invalid_signature",
            ),
        ];
        for (case, header, sent, code) in cases {
            let reply = post(&api, STRIPE, header, sent).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{what}, {case}: {}",
                reply.text()
            );
            refused(&reply, StatusCode::BAD_REQUEST, code);
        }
    }
    assert_eq!(
        counts(&store).await,
        before,
        "refused deliveries changed something"
    );

    // None of them was taken for the event: signed right, each lands now. A signature at
    // the edge of the tolerance and a rolled secret's pair of signatures are accepted.
    for (i, (what, body, outcome)) in events.iter().enumerate() {
        let now = now_secs(&api);
        let header = match i % 3 {
            0 => signature(STRIPE_WEBHOOK_SECRET, now - 300, body),
            1 => format!(
                "t={now},v1={},v1={}",
                paydesk_app::webhooks::signature::sign(b"whsec_old", now, body),
                paydesk_app::webhooks::signature::sign(STRIPE_WEBHOOK_SECRET.as_bytes(), now, body)
            ),
            _ => format!(
                " t={now}, v0=00ff , {} ",
                &signature(STRIPE_WEBHOOK_SECRET, now, body)[format!("t={now},").len()..]
            ),
        };
        let reply = post(&api, STRIPE, Some(header), body.clone()).await;
        assert_eq!(reply.status, StatusCode::OK, "{what}: {}", reply.text());
        accepted(&reply, outcome, false);
    }
}

pub async fn unknown_types_are_acknowledged_and_kept(store: Store) {
    let api = Api::new(store.clone());
    let body = crate::shared("objects/event.json");
    let before = counts(&store).await;
    let reply = stripe(&api, body.clone()).await;
    accepted(&reply, "ignored", false);
    let after = counts(&store).await;
    assert_eq!(after.of("webhook_events"), 1);
    assert_eq!(after.of("tickets"), before.of("tickets"));
    assert_eq!(after.of("events"), before.of("events"));
    let kept = text(
        &store,
        "SELECT source || '|' || event_id || '|' || type || '|' || outcome AS v FROM webhook_events",
    )
    .await;
    assert_eq!(
        kept.as_deref(),
        Some("stripe|evt_1Pgc76B7WZ01zgkWwyRHS12y|plan.created|ignored")
    );
    let payload = text(&store, "SELECT payload AS v FROM webhook_events")
        .await
        .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(
        payload["data"]["object"]["id"],
        "price_1PgafmB7WZ01zgkW6dKueIc5"
    );
    let reason = text(&store, "SELECT reason AS v FROM webhook_events").await;
    assert_eq!(
        reason.as_deref(),
        Some("paydesk does not handle plan.created events")
    );
    // Again: acknowledged as a redelivery, still one record.
    accepted(&stripe(&api, body).await, "ignored", true);
    assert_eq!(counts(&store).await, after);
}

paydesk_testkit::on_both_engines!(
    every_shared_payload_lands_exactly_once,
    bad_signatures_change_nothing,
    unknown_types_are_acknowledged_and_kept,
);
