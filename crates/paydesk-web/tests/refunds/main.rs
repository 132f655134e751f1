//! Refunds over HTTP, on both engines: the status codes and problem documents of each
//! route (201/200 replay, 400 naming the field, 403 forbidden and self_approval, 404, 409
//! refund_not_pending and version_conflict, 422 refund_refused with every reason), the
//! approval queue, the refund policy, and vendor isolation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

use axum::http::StatusCode;
use common::{Api, Call, Person, Reply, T0, person};
use paydesk_app::refunds::TestConnector;
use paydesk_app::tickets::NewTicketInput;
use paydesk_app::{App, Caller};
use paydesk_domain::Timestamp;
use paydesk_domain::payment::{Money, Transaction};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel, ticket_number};
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use paydesk_testkit::payment::linked_charge;
use serde_json::{Value, json};
use std::sync::Arc;

struct Desk {
    api: Api,
    gateway: Arc<TestConnector>,
    ticket: String,
    charge: i64,
    ana: Person,
    fay: Person,
    finn: Person,
    sam: Person,
}

async fn desk(store: Store) -> Desk {
    let gateway = Arc::new(TestConnector::new());
    let connector = gateway.clone();
    let api = Api::with(store.clone(), |app| {
        app.with_refund_connector("stripe", connector)
    });
    let app = App::new(store.clone(), api.clock.clone());
    let input = NewTicketInput::new(
        "Refund for a cancelled order",
        "Order 77 was cancelled but I paid 500.00",
        BusinessLine::Buyer,
        Channel::Web,
    );
    let ticket = app
        .create_ticket(&Caller::system(), input, None)
        .await
        .unwrap()
        .ticket
        .id;
    let now = Timestamp(T0);
    let charge = Transaction {
        order_id: Some("ORD-77".into()),
        created_at: now.plus_millis(-2 * Timestamp::DAY),
        ..Transaction::captured_charge("stripe", "ch_77", Money::new(50_000, "usd").unwrap(), now)
    };
    let charge = linked_charge(&store, ticket, &charge).await.unwrap();
    Desk {
        ana: person(&api, &app, "ana", Role::Agent, None).await,
        fay: person(&api, &app, "fay", Role::Finance, None).await,
        finn: person(&api, &app, "finn", Role::Finance, None).await,
        sam: person(&api, &app, "sam", Role::Admin, None).await,
        api,
        gateway,
        ticket: ticket_number(ticket),
        charge: charge.id.0,
    }
}

impl Desk {
    async fn ask(&self, who: &Person, amount: i64, key: Option<&str>) -> Reply {
        let body = json!({ "transaction_id": self.charge, "amount": amount, "reason": "Order 77 was cancelled" });
        let mut call = Call::post(format!("/api/v1/tickets/{}/refunds", self.ticket), body);
        if let Some(key) = key {
            call = call.header("idempotency-key", key);
        }
        who.send(&self.api, call).await
    }

    async fn decide(&self, who: &Person, id: i64, verb: &str, body: Value) -> Reply {
        let call = Call::post(format!("/api/v1/refunds/{id}/{verb}"), body);
        who.send(&self.api, call).await
    }
}

async fn put(api: &Api, who: &Person, body: Value) -> Reply {
    let call = Call::new(axum::http::Method::PUT, "/api/v1/refund-policy").json(body);
    who.send(api, call).await
}

/// The problem document's code, after checking the status and the media type.
fn problem(reply: &Reply, status: StatusCode) -> Value {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.content_type(), "application/problem+json");
    reply.json()
}

async fn asking_and_the_policys_answers(store: Store) {
    let d = desk(store).await;
    let no_key = problem(&d.ask(&d.ana, 1_000, None).await, StatusCode::BAD_REQUEST);
    assert_eq!(no_key["field"], "Idempotency-Key", "{no_key}");

    let refused = problem(
        &d.ask(&d.ana, 60_000, Some("too-much")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(refused["code"], "refund_refused");
    assert_eq!(refused["refusals"][0]["code"], "over_refund", "{refused}");
    assert_eq!(refused["refusals"][0]["details"]["available"], 50_000);
    assert_eq!(
        refused["refusals"][0]["explanation"],
        "only USD 500.00 is left to refund on this charge"
    );
    assert!(refused["detail"].as_str().unwrap().contains("USD 500.00"));

    let made = d.ask(&d.ana, 2_500, Some("order-77")).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let refund = made.json();
    assert_eq!(refund["state"], "succeeded");
    assert_eq!(refund["ticket"], d.ticket);
    assert!(
        refund["gateway_refund_ref"]
            .as_str()
            .unwrap()
            .starts_with("re_test_")
    );
    let id = refund["id"].as_i64().unwrap();
    assert_eq!(
        made.header("location"),
        Some(format!("/api/v1/refunds/{id}").as_str())
    );
    let again = d.ask(&d.ana, 2_500, Some("order-77")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json()["id"], id);
    assert_eq!(d.gateway.total_payments(), 1);
    let reused = problem(
        &d.ask(&d.ana, 2_000, Some("order-77")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(reused["code"], "idempotency_key_reused");

    let in_body = json!({ "transaction_id": d.charge, "amount": 100, "reason": "r", "idempotency_key": "b1" });
    let call = Call::post(format!("/api/v1/tickets/{}/refunds", d.ticket), in_body);
    assert_eq!(d.ana.send(&d.api, call).await.status, StatusCode::CREATED);
    let unknown =
        json!({ "transaction_id": d.charge, "amount": 100, "reason": "r", "speed": "fast" });
    let call = Call::post(format!("/api/v1/tickets/{}/refunds", d.ticket), unknown)
        .header("idempotency-key", "u1");
    assert_eq!(
        d.ana.send(&d.api, call).await.status,
        StatusCode::BAD_REQUEST
    );
    let ghost = json!({ "transaction_id": 424_242, "amount": 100, "reason": "r" });
    let call = Call::post(format!("/api/v1/tickets/{}/refunds", d.ticket), ghost)
        .header("idempotency-key", "g1");
    let ghost = problem(&d.ana.send(&d.api, call).await, StatusCode::BAD_REQUEST);
    assert_eq!(ghost["field"], "transaction_id");
    let call = Call::post(
        "/api/v1/tickets/PD-999999/refunds",
        json!({ "transaction_id": d.charge, "amount": 1, "reason": "r" }),
    )
    .header("idempotency-key", "n1");
    assert_eq!(
        problem(&d.ana.send(&d.api, call).await, StatusCode::NOT_FOUND)["code"],
        "not_found"
    );

    let listed = d
        .ana
        .send(
            &d.api,
            Call::get(format!("/api/v1/tickets/{}/refunds", d.ticket)),
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json()["items"].as_array().unwrap().len(), 2);
    let timeline = d
        .ana
        .send(
            &d.api,
            Call::get(format!("/api/v1/tickets/{}/timeline?limit=200", d.ticket)),
        )
        .await
        .json();
    let kinds: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "refund_requested").count(),
        2
    );
    assert_eq!(kinds.iter().filter(|k| **k == "refund_executed").count(), 2);
}

async fn approving_and_rejecting(store: Store) {
    let d = desk(store).await;
    let waiting = d.ask(&d.ana, 20_000, Some("big")).await.json();
    assert_eq!(waiting["state"], "pending_approval");
    let id = waiting["id"].as_i64().unwrap();

    let queue = d
        .fay
        .send(&d.api, Call::get("/api/v1/refunds?state=pending_approval"))
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    assert_eq!(queue.json()["items"][0]["id"], id);
    let bad_state = problem(
        &d.fay
            .send(&d.api, Call::get("/api/v1/refunds?state=lost"))
            .await,
        StatusCode::BAD_REQUEST,
    );
    assert_eq!(bad_state["field"], "state");

    let by_agent = problem(
        &d.decide(&d.ana, id, "approve", json!({})).await,
        StatusCode::FORBIDDEN,
    );
    assert_eq!(by_agent["code"], "forbidden");
    let own = d.ask(&d.fay, 15_000, Some("fays-own")).await.json();
    let own_id = own["id"].as_i64().unwrap();
    let self_approval = problem(
        &d.decide(&d.fay, own_id, "approve", json!({})).await,
        StatusCode::FORBIDDEN,
    );
    assert_eq!(self_approval["code"], "self_approval");
    assert!(
        self_approval["detail"]
            .as_str()
            .unwrap()
            .contains("requester")
    );
    let no_reason = problem(
        &d.decide(&d.finn, own_id, "reject", json!({})).await,
        StatusCode::BAD_REQUEST,
    );
    assert_eq!(no_reason["field"], "note");
    let rejected = d
        .decide(
            &d.finn,
            own_id,
            "reject",
            json!({ "note": "Paid already by bank transfer" }),
        )
        .await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text());
    assert_eq!(rejected.json()["state"], "rejected");

    let approved = d
        .decide(&d.fay, id, "approve", json!({ "note": "Cancelled order" }))
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    assert_eq!(approved.json()["state"], "succeeded");
    assert_eq!(approved.json()["decision_note"], "Cancelled order");
    let twice = problem(
        &d.decide(&d.finn, id, "approve", json!({})).await,
        StatusCode::CONFLICT,
    );
    assert_eq!(twice["code"], "refund_not_pending");
    let after = problem(
        &d.decide(&d.finn, own_id, "approve", json!({})).await,
        StatusCode::CONFLICT,
    );
    assert_eq!(after["code"], "refund_not_pending");
    assert_eq!(d.gateway.total_payments(), 1);

    for path in [
        "/api/v1/refunds/999999",
        "/api/v1/refunds/abc",
        "/api/v1/refunds/-1",
    ] {
        let missing = problem(
            &d.fay.send(&d.api, Call::get(path)).await,
            StatusCode::NOT_FOUND,
        );
        assert_eq!(missing["code"], "not_found", "{path}");
    }
    let missing = problem(
        &d.decide(&d.finn, 999_999, "approve", json!({})).await,
        StatusCode::NOT_FOUND,
    );
    assert_eq!(missing["code"], "not_found");
    let one = d
        .ana
        .send(&d.api, Call::get(format!("/api/v1/refunds/{id}")))
        .await;
    assert_eq!(one.json()["approved_by"], d.fay.id.0);
    assert!(
        d.api
            .send(Call::get("/api/v1/refunds?state=succeeded").into_request())
            .await
            .status
            .is_success()
    );
}

async fn the_refund_policy_and_vendor_isolation(store: Store) {
    let d = desk(store.clone()).await;
    let read = d.ana.send(&d.api, Call::get("/api/v1/refund-policy")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json()["version"], 0);
    assert_eq!(read.json()["approval_above"], 10_000);
    let policy = json!({ "max_days_since_capture": 90, "approval_above": 500,
        "line_limits": [{ "business_line": "buyer", "max_amount": 30_000, "currency": "usd" }], "version": 0 });
    assert_eq!(
        problem(
            &put(&d.api, &d.fay, policy.clone()).await,
            StatusCode::FORBIDDEN
        )["code"],
        "forbidden"
    );
    let saved = put(&d.api, &d.sam, policy.clone()).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    assert_eq!(saved.json()["version"], 1);
    assert_eq!(saved.json()["line_limits"][0]["currency"], "USD");
    let stale = problem(&put(&d.api, &d.sam, policy).await, StatusCode::CONFLICT);
    assert_eq!(stale["code"], "version_conflict");
    let bad = problem(
        &put(
            &d.api,
            &d.sam,
            json!({ "max_days_since_capture": 0, "approval_above": 1 }),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    assert_eq!(bad["field"], "max_days_since_capture");

    let capped = problem(
        &d.ask(&d.ana, 40_000, Some("capped")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(capped["refusals"][0]["code"], "over_line_limit", "{capped}");
    let waits = d.ask(&d.ana, 1_000, Some("small")).await.json();
    assert_eq!(waits["state"], "pending_approval", "above 5.00 now");
    assert_eq!(waits["policy_version"], 1);

    // A BPO agent of a vendor whose queues do not hold the ticket sees none of it.
    let app = App::new(store.clone(), d.api.clock.clone());
    let vendor = store
        .insert_vendor("Northwind", Timestamp(1))
        .await
        .unwrap()
        .id;
    let bo = person(&d.api, &app, "bo", Role::BpoAgent, Some(vendor)).await;
    let id = waits["id"].as_i64().unwrap();
    let hidden = problem(
        &bo.send(&d.api, Call::get(format!("/api/v1/refunds/{id}")))
            .await,
        StatusCode::NOT_FOUND,
    );
    assert_eq!(hidden["code"], "not_found");
    assert_eq!(
        problem(&d.ask(&bo, 100, Some("bo")).await, StatusCode::NOT_FOUND)["code"],
        "not_found"
    );
    let queue = bo.send(&d.api, Call::get("/api/v1/refunds")).await.json();
    assert_eq!(queue["items"], json!([]));
}

on_both_engines!(
    asking_and_the_policys_answers,
    approving_and_rejecting,
    the_refund_policy_and_vendor_isolation
);
