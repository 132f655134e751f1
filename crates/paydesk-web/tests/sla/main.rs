//! Calendars, SLA policies and a ticket's clocks over HTTP, on both engines: an admin sets
//! them up, an agent may read but not change them, bad definitions are refused with the
//! field named, a ticket shows its clocks, and a breach shows on the timeline and in
//! `/metrics`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

use axum::http::{Method, StatusCode};
use common::{Api, Call, person};
use paydesk_app::App;
use paydesk_domain::Timestamp;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};

fn weekdays(start: &str, end: &str) -> Vec<Value> {
    ["monday", "tuesday", "wednesday", "thursday", "friday"]
        .iter()
        .map(|d| json!({ "day": d, "start": start, "end": end }))
        .collect()
}

async fn policies_and_clocks_over_http(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let sam = person(&api, &app, "sam", Role::Admin).await;
    let ana = person(&api, &app, "ana", Role::Agent).await;

    let calendar = json!({
        "name": "Manila vendor",
        "spec": { "time_zone": "Asia/Manila", "hours": weekdays("08:00", "20:00"),
                  "holidays": [{ "date": "2026-12-25", "yearly": true, "name": "Christmas" }] },
    });
    let reply = sam
        .send(&api, Call::post("/api/v1/calendars", calendar.clone()))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let calendar_id = reply.json()["id"].as_i64().unwrap();
    let reply = sam
        .send(&api, Call::post("/api/v1/calendars", calendar))
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "a name is taken once");

    let bad_zone = json!({ "name": "Mars", "spec": { "time_zone": "Mars/Olympus", "hours": [] } });
    let reply = sam
        .send(&api, Call::post("/api/v1/calendars", bad_zone))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["field"], "spec.time_zone", "{}", reply.text());

    let policy = json!({
        "name": "Standard", "position": 10,
        "definition": { "targets": [
            { "metric": "first_reply", "priority": "normal", "minutes": 10 },
            { "metric": "resolution", "priority": "normal", "minutes": 600, "calendar_id": calendar_id },
        ]},
    });
    let reply = ana
        .send(&api, Call::post("/api/v1/sla-policies", policy.clone()))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "agents read, admins change"
    );
    let reply = sam
        .send(&api, Call::post("/api/v1/sla-policies", policy))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let listed = ana.send(&api, Call::get("/api/v1/sla-policies")).await;
    assert_eq!(listed.json()[0]["name"], "Standard");

    let bad = json!({ "name": "Broken", "definition": { "targets": [
        { "metric": "first_reply", "priority": "normal", "minutes": -5 } ] } });
    let reply = sam
        .send(&api, Call::post("/api/v1/sla-policies", bad))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    let unknown = json!({ "name": "Typo", "definition": { "targets": [
        { "metric": "first_answer", "priority": "normal", "minutes": 5 } ] } });
    let reply = sam
        .send(&api, Call::post("/api/v1/sla-policies", unknown))
        .await;
    assert!(reply.status.is_client_error(), "{}", reply.status);

    let ticket = json!({ "subject": "Coins missing", "body": "I paid but got no coins",
                         "business_line": "buyer", "channel": "api" });
    let reply = ana.send(&api, Call::post("/api/v1/tickets", ticket)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let number = reply.json()["number"].as_str().unwrap().to_string();
    let clocks = ana
        .send(&api, Call::get(format!("/api/v1/tickets/{number}/sla")))
        .await
        .json();
    let first = clocks["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == "first_reply")
        .unwrap()
        .clone();
    assert_eq!(first["state"], "running");
    assert_eq!(first["target_minutes"], 10);
    assert!(first["due_at"].is_string());

    // Nobody answers for twenty minutes: the breach fires and shows on the timeline and /metrics.
    api.clock.advance(20 * Timestamp::MINUTE);
    let fired = app.fire_due_timers(100).await.unwrap();
    assert!(
        fired
            .iter()
            .any(|f| f.kind == "sla_breach" && f.is_effective)
    );
    let timeline = ana
        .send(
            &api,
            Call::get(format!("/api/v1/tickets/{number}/timeline?limit=200")),
        )
        .await
        .json();
    let kinds: Vec<&Value> = timeline["items"]
        .as_array()
        .map(|items| items.iter().map(|e| &e["kind"]).collect())
        .unwrap_or_default();
    assert!(kinds.contains(&&json!("sla_breached")), "{timeline}");
    let metrics = api.send(Call::get("/metrics").into_request()).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.text().contains("paydesk_timer_lag_seconds_bucket"),
        "{}",
        metrics.text()
    );
    let other = Call::new(Method::DELETE, "/api/v1/sla-policies/1");
    assert_eq!(
        sam.send(&api, other).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

on_both_engines!(policies_and_clocks_over_http);
