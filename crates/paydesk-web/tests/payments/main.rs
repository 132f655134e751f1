//! Transactions, payouts and the money beside tickets over HTTP, on both engines: a batch
//! answers per item (an unreadable item is its own error), a rerun changes nothing, a
//! ticket naming an order links to it and shows it explained beside the ticket, links by
//! hand come and go, a customer's activity pages newest first, and an agent may read but
//! not load payments.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

use axum::http::StatusCode;
use common::{Api, Call, Reply, sign_in};
use paydesk_app::{App, Caller};
use paydesk_domain::role::Role;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};

const PASSWORD: &str = "a long enough passphrase";

async fn send(api: &Api, call: Call) -> Reply {
    api.send(call.into_request()).await
}

fn charge(reference: &str, order: &str) -> Value {
    json!({ "gateway": "stripe", "gateway_ref": reference, "status": "failed", "amount": 1999,
            "currency": "usd", "order_id": order, "customer_email": "ana@example.com",
            "failure_code": "do_not_honor", "payment_method": "card", "card_brand": "visa",
            "card_last4": "4242", "created_at": "2026-09-20T10:00:00Z" })
}

async fn loading_and_the_money_beside_a_ticket(store: Store) {
    let api = Api::new(store.clone());
    let customer = send(
        &api,
        Call::post(
            "/api/v1/customers",
            json!({ "business_line": "buyer", "name": "Ana", "emails": ["ana@example.com"] }),
        ),
    )
    .await;
    assert_eq!(customer.status, StatusCode::CREATED, "{}", customer.text());
    let customer_id = customer.json()["id"].as_i64().unwrap();

    let batch = json!({ "items": [
        charge("ch_3NhttpA1", "ORD-HTTP01"),
        { "gateway": "stripe", "gateway_ref": "ch_3NhttpB2", "amount": 5, "currency": "usd" },
        { "gateway": "stripe", "gateway_ref": "ch_3NhttpC3", "status": "captured", "amount": 5,
          "currency": "usd", "card_last4": "4111111111111111" },
    ]});
    let first = send(&api, Call::post("/api/v1/transactions", batch.clone())).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let body = first.json();
    assert_eq!(body["created"], 1, "{body}");
    assert_eq!(body["rejected"], 2);
    assert_eq!(body["items"][0]["outcome"], "created");
    assert_eq!(body["items"][1]["field"], "status", "{body}");
    assert_eq!(body["items"][2]["field"], "card_last4", "{body}");
    assert!(!first.text().contains("4111111111111111"), "never echoed");
    let id = body["items"][0]["id"].as_i64().unwrap();
    let again = send(&api, Call::post("/api/v1/transactions", batch)).await;
    assert_eq!(again.json()["unchanged"], 1, "{}", again.text());
    assert_eq!(again.json()["created"], 0);

    let one = send(&api, Call::get(format!("/api/v1/transactions/{id}"))).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text());
    let t = one.json();
    assert_eq!(t["customer_id"], customer_id);
    assert_eq!(t["explanation"]["code"], "do_not_honor");
    assert_eq!(t["explanation"]["retry"], "after_fix");
    assert!(
        t["explanation"]["customer_action"]
            .as_str()
            .unwrap()
            .contains("bank")
    );
    let by_order = send(&api, Call::get("/api/v1/transactions?order_id=ORD-HTTP01")).await;
    assert_eq!(by_order.json()["items"][0]["id"], id);
    let none = send(
        &api,
        Call::get("/api/v1/transactions?gateway_ref=ch_nothing"),
    )
    .await;
    assert_eq!(none.json()["items"].as_array().unwrap().len(), 0);
    let missing = send(&api, Call::get("/api/v1/transactions/99999")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let payouts = json!({ "items": [
        { "gateway": "stripe", "gateway_ref": "po_1PhttpP1", "status": "held", "amount": 50000,
          "currency": "usd", "customer_id": customer_id, "schedule": "monthly",
          "arrival_at": "2026-10-01T00:00:00Z" },
    ]});
    let loaded = send(&api, Call::post("/api/v1/payouts", payouts)).await;
    assert_eq!(loaded.json()["created"], 1, "{}", loaded.text());
    let payout_id = loaded.json()["items"][0]["id"].as_i64().unwrap();
    let listed = send(
        &api,
        Call::get(format!("/api/v1/payouts?customer_id={customer_id}")),
    )
    .await;
    let p = &listed.json()["items"][0];
    assert_eq!(p["held"], true, "{p}");
    assert_eq!(p["schedule"], "monthly");
    assert_eq!(p["arrival_at"], "2026-10-01T00:00:00.000Z");

    let ticket = send(
        &api,
        Call::post(
            "/api/v1/tickets",
            json!({ "subject": "Declined?", "body": "Why was ORD-HTTP01 declined?",
                    "business_line": "buyer", "channel": "api", "customer_id": customer_id }),
        ),
    )
    .await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.text());
    let number = ticket.json()["number"].as_str().unwrap().to_string();
    let panel = send(
        &api,
        Call::get(format!("/api/v1/tickets/{number}/payments")),
    )
    .await;
    assert_eq!(panel.status, StatusCode::OK, "{}", panel.text());
    let panel = panel.json();
    assert_eq!(panel["linked"]["transactions"][0]["id"], id, "{panel}");
    assert_eq!(
        panel["linked"]["transactions"][0]["explanation"]["code"],
        "do_not_honor"
    );
    assert_eq!(panel["linked"]["payouts"].as_array().unwrap().len(), 0);
    assert_eq!(panel["recent"]["transactions"][0]["id"], id);

    let link = json!({ "kind": "payout", "id": payout_id });
    let linked = send(
        &api,
        Call::post(format!("/api/v1/tickets/{number}/payments"), link.clone()),
    )
    .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text());
    let twice = send(
        &api,
        Call::post(format!("/api/v1/tickets/{number}/payments"), link),
    )
    .await;
    assert_eq!(twice.status, StatusCode::OK);
    assert_eq!(twice.json()["changed"], false);
    let panel = send(
        &api,
        Call::get(format!("/api/v1/tickets/{number}/payments")),
    )
    .await;
    assert_eq!(panel.json()["linked"]["payouts"][0]["id"], payout_id);
    let unlink = format!("/api/v1/tickets/{number}/payments/payout/{payout_id}");
    let gone = send(&api, Call::delete(unlink.clone())).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text());
    let again = send(&api, Call::delete(unlink)).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let bad_kind = send(
        &api,
        Call::delete(format!("/api/v1/tickets/{number}/payments/refund/1")),
    )
    .await;
    assert_eq!(bad_kind.status, StatusCode::NOT_FOUND);
    let timeline = send(
        &api,
        Call::get(format!("/api/v1/tickets/{number}/timeline")),
    )
    .await;
    let reasons: Vec<String> = timeline.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "payment_linked")
        .map(|e| format!("{} {}", e["data"]["reason"], e["data"]["linked"]))
        .collect();
    assert_eq!(
        reasons,
        ["\"mention\" true", "\"manual\" true", "\"manual\" false"]
    );

    let mut seen = Vec::new();
    let mut uri = format!("/api/v1/customers/{customer_id}/activity?limit=1");
    loop {
        let page = send(&api, Call::get(uri.clone())).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let page = page.json();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["type"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/v1/customers/{customer_id}/activity?limit=1&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["ticket", "payout", "transaction"], "newest first");
}

async fn agents_read_payments_but_do_not_load_them(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store, api.clock.clone());
    app.add_user(
        &Caller::system(),
        "ana@desk.example",
        "Ana",
        Role::Agent,
        None,
        Some(PASSWORD),
    )
    .await
    .unwrap();
    let (cookie, csrf) = sign_in(&api, "ana@desk.example", PASSWORD).await;
    let as_agent = |call: Call| {
        call.header("cookie", cookie.clone())
            .header("x-csrf-token", csrf.clone())
            .into_request()
    };
    let refused = api
        .send(as_agent(Call::post(
            "/api/v1/transactions",
            json!({ "items": [charge("ch_3Nagent1", "ORD-AGENT1")] }),
        )))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    let listed = api.send(as_agent(Call::get("/api/v1/transactions"))).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    let empty = api
        .send(as_agent(Call::post(
            "/api/v1/transactions",
            json!({ "items": [] }),
        )))
        .await;
    assert_eq!(empty.status, StatusCode::FORBIDDEN, "permission first");
    let too_many: Vec<Value> = (0..1_001)
        .map(|i| charge(&format!("ch_{i}"), "ORD-X"))
        .collect();
    let big = send(
        &api,
        Call::post("/api/v1/transactions", json!({ "items": too_many })),
    )
    .await;
    assert_eq!(big.status, StatusCode::BAD_REQUEST, "{}", big.text());
    assert_eq!(big.json()["field"], "items");
}

on_both_engines!(
    loading_and_the_money_beside_a_ticket,
    agents_read_payments_but_do_not_load_them,
);
