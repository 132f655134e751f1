//! Bodies that cannot be used, signed right: refused with 400 and kept (redacted) with the
//! reason; nothing else changes. And endpoints without a secret, wrong methods, bodies
//! too large.

use crate::common::{Api, Call, STRIPE_WEBHOOK_SECRET};
use crate::{PAYDESK, STRIPE, counts, now_secs, post, refused, shared, signature, stripe, text};
use axum::http::{Method, StatusCode};
use paydesk_app::{App, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_store::Store;
use serde_json::json;
use std::sync::Arc;
use tower::ServiceExt as _;

pub async fn malformed_bodies_are_refused_and_kept(store: Store) {
    let api = Api::new(store.clone());
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("not JSON", b"card 4111 1111 1111 1111 {".to_vec()),
        ("not UTF-8", b"\xff\xfe\x00{".to_vec()),
        ("empty", vec![]),
        ("an array", b"[1, 2]".to_vec()),
        (
            "no id",
            br#"{"type": "charge.failed", "data": {}}"#.to_vec(),
        ),
        ("no type", br#"{"id": "evt_1", "data": {}}"#.to_vec()),
        ("the whole fixtures file", shared("objects/fixtures3.json")),
        (
            "a CLI trigger recipe",
            shared("cli_triggers/charge.dispute.created.json"),
        ),
        (
            "another CLI trigger recipe",
            shared("cli_triggers/charge.failed.json"),
        ),
    ];
    let before = counts(&store).await;
    for (what, body) in &bodies {
        let reply = stripe(&api, body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            reply.text()
        );
        refused(&reply, StatusCode::BAD_REQUEST, "malformed_payload");
    }
    let after = counts(&store).await;
    assert_eq!(
        after.of("webhook_events"),
        before.of("webhook_events") + i64::try_from(bodies.len()).unwrap()
    );
    for table in ["tickets", "transactions", "disputes", "payouts", "messages"] {
        assert_eq!(after.of(table), before.of(table), "{table}");
    }
    let kept = text(
        &store,
        "SELECT outcome || '|' || reason || '|' || payload AS v FROM webhook_events ORDER BY id LIMIT 1",
    )
    .await
    .unwrap();
    assert!(kept.starts_with("malformed|the body is not JSON"), "{kept}");
    assert!(kept.ends_with("card [card ****1111] {"), "{kept}");
    let nulls = crate::int(
        &store,
        "SELECT COUNT(*) AS v FROM webhook_events WHERE event_id IS NULL AND type IS NULL",
    )
    .await;
    assert_eq!(nulls, Some(i64::try_from(bodies.len()).unwrap()));
    // The card number in the first body was masked, and the masking is on the record.
    let redacted = crate::int(
        &store,
        "SELECT COUNT(*) AS v FROM events WHERE kind = 'redacted' AND ticket_id IS NULL",
    )
    .await;
    assert_eq!(redacted, Some(1));
}

pub async fn invalid_events_are_refused_and_kept_once(store: Store) {
    let api = Api::new(store.clone());
    let mut dispute = crate::object("dispute");
    dispute.as_object_mut().unwrap().remove("amount");
    let no_amount = crate::stripe_event("evt_no_amount", "charge.dispute.created", &dispute);
    let reply = stripe(&api, no_amount.clone()).await;
    let problem = refused(&reply, StatusCode::BAD_REQUEST, "invalid_event");
    assert_eq!(
        problem["detail"],
        "data.object.amount is missing or not a whole number"
    );
    let once = counts(&store).await;
    assert_eq!(once.of("webhook_events"), 1);
    assert_eq!(once.of("disputes"), 0);
    // Delivered again: the same answer, nothing more kept.
    let reply = stripe(&api, no_amount).await;
    refused(&reply, StatusCode::BAD_REQUEST, "invalid_event");
    assert_eq!(counts(&store).await, once);
    assert_eq!(
        text(
            &store,
            "SELECT outcome || '|' || event_id AS v FROM webhook_events"
        )
        .await
        .as_deref(),
        Some("invalid|evt_no_amount")
    );

    // paydesk's own format is strict about its labels.
    let body = json!({
        "id": "p-1", "type": "dispute.created", "gateway": "adyen",
        "data": { "id": "dsp_9", "amount": 100, "currency": "EUR", "status": "pending_review" },
    });
    let reply = crate::paydesk(&api, &body).await;
    let problem = refused(&reply, StatusCode::BAD_REQUEST, "invalid_event");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("data.status: unknown DisputeStatus 'pending_review'"),
        "{detail}"
    );
    let bad_gateway =
        json!({ "id": "p-2", "type": "dispute.created", "gateway": "Adyen EU", "data": {} });
    refused(
        &crate::paydesk(&api, &bad_gateway).await,
        StatusCode::BAD_REQUEST,
        "malformed_payload",
    );
    let bad_currency = json!({
        "id": "p-3", "type": "payout.failed", "gateway": "adyen",
        "data": { "id": "pay_9", "amount": 100, "currency": "EURO" },
    });
    refused(
        &crate::paydesk(&api, &bad_currency).await,
        StatusCode::BAD_REQUEST,
        "invalid_event",
    );
    assert_eq!(counts(&store).await.of("payouts"), 0);
}

pub async fn unconfigured_endpoints_answer_not_found(store: Store) {
    // An app without webhook secrets.
    let clock = Arc::new(ManualClock::at(Timestamp(crate::common::T0)));
    let router = paydesk_web::router(App::new(store.clone(), clock));
    let body = br#"{"id":"evt_1","type":"charge.failed"}"#.to_vec();
    for (path, setting) in [
        (STRIPE, "PAYDESK_STRIPE_WEBHOOK_SECRET"),
        (PAYDESK, "PAYDESK_WEBHOOK_SECRET"),
    ] {
        let header = signature(STRIPE_WEBHOOK_SECRET, crate::common::T0 / 1_000, &body);
        let request = axum::http::Request::builder()
            .method("POST")
            .uri(path)
            .header("stripe-signature", &header)
            .header("paydesk-signature", &header)
            .body(axum::body::Body::from(body.clone()))
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        let problem: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(problem["code"], "webhook_not_configured");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(setting), "{detail}");
    }
    assert_eq!(counts(&store).await.of("webhook_events"), 0);

    // Configured: other methods are refused with a problem, and so is a body too large.
    let api = Api::new(store.clone());
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let reply = api
            .send(Call::new(method.clone(), STRIPE).into_request())
            .await;
        refused(&reply, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    }
    let huge = vec![b' '; paydesk_web::webhooks::WEBHOOK_BODY_LIMIT + 1];
    let header = signature(STRIPE_WEBHOOK_SECRET, now_secs(&api), &huge);
    let reply = post(&api, STRIPE, Some(header), huge).await;
    refused(&reply, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    assert_eq!(counts(&store).await.of("webhook_events"), 0);
}

paydesk_testkit::on_both_engines!(
    malformed_bodies_are_refused_and_kept,
    invalid_events_are_refused_and_kept_once,
    unconfigured_endpoints_answer_not_found,
);
