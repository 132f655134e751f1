//! Escalations over HTTP, on both engines: each route's success codes and the problem
//! documents (status, stable code, field at fault) of what it refuses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;
mod console;
#[path = "../console_ticket/desk.rs"]
#[allow(dead_code, reason = "only some of the browser helpers are used here")]
mod desk;

use console::{admins_keep_partner_teams_in_the_console, the_console_escalates_and_answers};

use axum::http::{Method, StatusCode};
use common::{Api, Call, Person, person, problem};
use paydesk_app::App;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};

async fn ok(api: &Api, who: &Person, call: Call, status: StatusCode) -> Value {
    let reply = who.send(api, call).await;
    assert_eq!(reply.status, status, "{}", reply.text());
    reply.json()
}

async fn escalation_routes_answer_with_their_codes(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let admin = person(&api, &app, "ada", Role::Admin, None).await;
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let specialist = person(&api, &app, "sam", Role::Partner, None).await;
    let outsider = person(&api, &app, "oli", Role::Partner, None).await;

    let team_body = json!({
        "name": "Engineering", "kind": "engineering",
        "targets": {"sev1_minutes": 60, "sev2_minutes": 240, "sev3_minutes": 480, "sev4_minutes": 960},
        "members": [specialist.id.0],
        "reasons": ["Webhook not delivered", "Payout file rejected"]
    });
    let refused = agent
        .send(&api, Call::post("/api/v1/partner-teams", team_body.clone()))
        .await;
    problem(&refused, StatusCode::FORBIDDEN, "forbidden", None);
    let team = ok(
        &api,
        &admin,
        Call::post("/api/v1/partner-teams", team_body.clone()),
        StatusCode::CREATED,
    )
    .await;
    let dup = admin
        .send(&api, Call::post("/api/v1/partner-teams", team_body))
        .await;
    problem(&dup, StatusCode::CONFLICT, "duplicate", None);
    let team_id = team["id"].as_i64().unwrap();
    let reason_id = team["reasons"][1]["id"].as_i64().unwrap();
    assert_eq!(team["reasons"][1]["label"], "Webhook not delivered");
    let teams = ok(
        &api,
        &agent,
        Call::get("/api/v1/partner-teams"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(teams["items"].as_array().unwrap().len(), 1);

    let ticket = ok(
        &api,
        &agent,
        Call::post(
            "/api/v1/tickets",
            json!({ "subject": "Webhook missing", "body": "Our shop never got the paid webhook",
                    "business_line": "merchant" }),
        ),
        StatusCode::CREATED,
    )
    .await;
    let number = ticket["number"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/tickets/{number}/escalations");
    let ask = json!({ "team_id": team_id, "reason_id": reason_id, "severity": "sev2",
                      "summary": "Paid webhook not sent", "question": "Did the webhook fire for this order?",
                      "hold_ticket": true });
    let mut empty = ask.clone();
    empty["question"] = json!("");
    let bad = agent.send(&api, Call::post(&path, empty)).await;
    problem(
        &bad,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("question"),
    );
    let mut wrong = ask.clone();
    wrong["severity"] = json!("sev9");
    let bad = agent.send(&api, Call::post(&path, wrong)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text());
    let missing = agent
        .send(
            &api,
            Call::post("/api/v1/tickets/PD-99999/escalations", ask.clone()),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text());
    let e = ok(&api, &agent, Call::post(&path, ask), StatusCode::CREATED).await;
    assert_eq!(e["status"], "open");
    assert_eq!(e["team"], "Engineering");
    assert_eq!(e["clock"]["state"], "running");
    assert_eq!(e["ticket"], number.as_str());
    let held = ok(
        &api,
        &agent,
        Call::get(format!("/api/v1/tickets/{number}")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(held["status"], "on_hold", "{held}");
    let id = e["id"].as_i64().unwrap();

    let listed = ok(&api, &agent, Call::get(&path), StatusCode::OK).await;
    assert_eq!(listed["items"][0]["id"], id);
    let queue = ok(
        &api,
        &specialist,
        Call::get("/api/v1/escalations?status=live"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue["items"][0]["id"], id);
    let empty_queue = ok(
        &api,
        &outsider,
        Call::get("/api/v1/escalations"),
        StatusCode::OK,
    )
    .await;
    assert!(empty_queue["items"].as_array().unwrap().is_empty());
    let bad_status = specialist
        .send(&api, Call::get("/api/v1/escalations?status=lost"))
        .await;
    problem(
        &bad_status,
        StatusCode::BAD_REQUEST,
        "invalid_query",
        Some("status"),
    );

    let take = format!("/api/v1/escalations/{id}/take");
    let not_member = outsider.send(&api, Call::post(&take, json!({}))).await;
    problem(&not_member, StatusCode::FORBIDDEN, "forbidden", None);
    let taken = ok(
        &api,
        &specialist,
        Call::new(Method::POST, format!("{take}?expected_version=1")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(taken["status"], "in_progress");
    let again = specialist.send(&api, Call::new(Method::POST, &take)).await;
    problem(&again, StatusCode::CONFLICT, "escalation_state", None);
    let stale = specialist
        .send(
            &api,
            Call::new(
                Method::POST,
                format!("/api/v1/escalations/{id}/wait?expected_version=1"),
            ),
        )
        .await;
    problem(&stale, StatusCode::CONFLICT, "version_conflict", None);

    let one = format!("/api/v1/escalations/{id}");
    let bad_ref = specialist
        .send(
            &api,
            Call::patch(&one, json!({ "external_ref": "ask Bob" })),
        )
        .await;
    problem(
        &bad_ref,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("external_ref"),
    );
    let linked = ok(
        &api,
        &specialist,
        Call::patch(
            &one,
            json!({ "external_ref": "https://tracker.example/browse/ENG-77" }),
        ),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        linked["external_ref"],
        "https://tracker.example/browse/ENG-77"
    );

    let answer = format!("/api/v1/escalations/{id}/answer");
    let blank = specialist
        .send(&api, Call::post(&answer, json!({ "text": " " })))
        .await;
    problem(
        &blank,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("answer"),
    );
    let answered = ok(
        &api,
        &specialist,
        Call::post(
            &answer,
            json!({ "text": "It fired at 10:02 and got a 500 from the shop." }),
        ),
        StatusCode::OK,
    )
    .await;
    assert_eq!(answered["status"], "answered");
    assert_eq!(answered["clock"]["state"], "stopped");
    let detail = ok(
        &api,
        &agent,
        Call::get(format!("/api/v1/tickets/{number}")),
        StatusCode::OK,
    )
    .await;
    let messages = detail["messages"].as_array().unwrap();
    let note = messages.last().unwrap();
    assert_eq!(note["visibility"], "internal", "{note}");
    assert!(
        note["body"].as_str().unwrap().contains("got a 500"),
        "{note}"
    );
    let late = specialist
        .send(
            &api,
            Call::post(
                format!("/api/v1/escalations/{id}/decline"),
                json!({ "text": "no" }),
            ),
        )
        .await;
    problem(&late, StatusCode::CONFLICT, "escalation_state", None);
    let unknown = agent
        .send(&api, Call::get("/api/v1/escalations/9999"))
        .await;
    problem(&unknown, StatusCode::NOT_FOUND, "not_found", None);
}

on_both_engines!(
    escalation_routes_answer_with_their_codes,
    the_console_escalates_and_answers,
    admins_keep_partner_teams_in_the_console
);
