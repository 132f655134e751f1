//! paydesk's own signed format (`POST /webhooks/paydesk`): the same payment objects and
//! tickets as Stripe's events, its own signature secret.

use crate::common::{Api, Call, STRIPE_WEBHOOK_SECRET, WEBHOOK_SECRET};
use crate::lifecycle::ticket;
use crate::{PAYDESK, accepted, counts, now_secs, paydesk, post, refused, signature, text};
use axum::http::StatusCode;
use paydesk_store::Store;
use serde_json::{Value, json};

fn event(id: &str, event_type: &str, data: Value) -> Value {
    json!({ "id": id, "type": event_type, "gateway": "adyen", "created": 1_790_000_000, "data": data })
}

fn dispute(status: &str) -> Value {
    json!({
        "id": "dsp_1", "transaction": "psp_9", "amount": 2500, "currency": "EUR",
        "status": status, "network": "Mastercard", "reason": "goods_not_received",
        "network_reason_code": "4855", "due_at": 1_790_600_000,
        "customer": { "id": "shopper-42" },
    })
}

async fn customer(api: &Api, line: &str, ids: Value) -> i64 {
    let body = json!({ "business_line": line, "name": "Ana Cruz", "external_ids": ids });
    let reply = api
        .send(Call::post("/api/v1/customers", body).into_request())
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["id"].as_i64().unwrap()
}

pub async fn the_generic_endpoint_shares_the_logic(store: Store) {
    let api = Api::new(store.clone());
    let ana = customer(&api, "buyer", json!({ "adyen_customer_id": "shopper-42" })).await;
    let maya = customer(&api, "creator", json!({ "adyen_customer_id": "creator-7" })).await;

    let created = event("adyen-1", "dispute.created", dispute("needs_response"));
    let reply = accepted(&paydesk(&api, &created).await, "processed", false);
    let number = reply["ticket"].as_str().unwrap().to_string();
    let (detail, _) = ticket(&api, &number).await;
    assert_eq!(detail["customer_id"].as_i64(), Some(ana));
    assert_eq!(detail["priority"], "high");
    assert_eq!(detail["channel"], "gateway");
    assert_eq!(
        detail["subject"],
        "Dispute dsp_1 (EUR 25.00): needs response, evidence due 2026-09-28 12:53 UTC"
    );
    let row = "SELECT gateway || '|' || stage || '|' || network || '|' || network_reason_code AS v FROM disputes";
    assert_eq!(
        text(&store, row).await.as_deref(),
        Some("adyen|chargeback|mastercard|4855")
    );

    for (id, event_type, status) in [
        ("adyen-2", "dispute.funds_withdrawn", "needs_response"),
        ("adyen-3", "dispute.updated", "under_review"),
        ("adyen-4", "dispute.closed", "lost"),
    ] {
        let reply = accepted(
            &paydesk(&api, &event(id, event_type, dispute(status))).await,
            "processed",
            false,
        );
        assert_eq!(reply["ticket"], number.as_str());
    }
    assert_eq!(
        text(&store, "SELECT status AS v FROM disputes")
            .await
            .as_deref(),
        Some("lost")
    );
    let (detail, _) = ticket(&api, &number).await;
    assert_eq!(detail["messages"].as_array().unwrap().len(), 4);

    // The disputed payment arrives: tied to its dispute, whose ticket hears of it.
    let failed = event(
        "adyen-5",
        "transaction.failed",
        json!({ "id": "psp_9", "amount": 2500, "currency": "eur", "failure_code": "refused",
                "card_brand": "Mastercard", "card_last4": "5454", "customer": { "id": "shopper-42" } }),
    );
    let reply = accepted(&paydesk(&api, &failed).await, "processed", false);
    assert_eq!(reply["ticket"], number.as_str());
    let tied = "SELECT t.status || '|' || t.card_brand || '|' || t.card_last4 AS v FROM disputes d JOIN transactions t ON t.id = d.transaction_id";
    assert_eq!(
        text(&store, tied).await.as_deref(),
        Some("failed|mastercard|5454")
    );

    let payout = event(
        "adyen-6",
        "payout.failed",
        json!({ "id": "pay_1", "amount": 12000, "currency": "EUR", "failure_code": "bank_rejected",
                "arrival_at": 1_790_086_400, "customer": { "id": "creator-7" } }),
    );
    let reply = accepted(&paydesk(&api, &payout).await, "processed", false);
    let (detail, _) = ticket(&api, reply["ticket"].as_str().unwrap()).await;
    assert_eq!(detail["priority"], "urgent");
    assert_eq!(detail["customer_id"].as_i64(), Some(maya));

    // A type paydesk does not handle: acknowledged and kept.
    let other = event("adyen-7", "report.available", json!({ "id": "rep_1" }));
    accepted(&paydesk(&api, &other).await, "ignored", false);
    let sources = text(
        &store,
        "SELECT MIN(source) || '|' || MAX(source) || '|' || CAST(COUNT(*) AS TEXT) AS v FROM webhook_events",
    )
    .await;
    assert_eq!(sources.as_deref(), Some("paydesk:adyen|paydesk:adyen|7"));

    let landed = counts(&store).await;
    for body in [&created, &failed, &payout, &other] {
        let reply = paydesk(&api, body).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.json()["duplicate"], true);
    }
    assert_eq!(counts(&store).await, landed);
}

pub async fn the_generic_signature_is_checked(store: Store) {
    let api = Api::new(store.clone());
    let body = serde_json::to_vec(&event(
        "adyen-9",
        "dispute.created",
        dispute("needs_response"),
    ))
    .unwrap();
    let before = counts(&store).await;
    let now = now_secs(&api);
    for (header, code) in [
        (
            Some(signature(STRIPE_WEBHOOK_SECRET, now, &body)),
            "invalid_signature",
        ),
        (
            Some(signature(WEBHOOK_SECRET, now - 301, &body)),
            "signature_expired",
        ),
        (Some("t=now,v1=00".to_string()), "invalid_signature"),
        (None, "invalid_signature"),
    ] {
        let missing = header.is_none();
        let reply = post(&api, PAYDESK, header, body.clone()).await;
        let problem = refused(&reply, StatusCode::BAD_REQUEST, code);
        if missing {
            assert_eq!(problem["field"], "Paydesk-Signature");
        }
    }
    // A Stripe-signed request to the generic endpoint carries the wrong header.
    let reply = api
        .send(
            axum::http::Request::builder()
                .method("POST")
                .uri(PAYDESK)
                .header("stripe-signature", signature(WEBHOOK_SECRET, now, &body))
                .body(axum::body::Body::from(body.clone()))
                .unwrap(),
        )
        .await;
    refused(&reply, StatusCode::BAD_REQUEST, "invalid_signature");
    assert_eq!(counts(&store).await, before);

    let header = signature(WEBHOOK_SECRET, now, &body);
    accepted(
        &post(&api, PAYDESK, Some(header), body).await,
        "processed",
        false,
    );
}

paydesk_testkit::on_both_engines!(
    the_generic_endpoint_shares_the_logic,
    the_generic_signature_is_checked,
);
