//! The SOP library over HTTP, on both engines: each route's success codes, the problem
//! documents of what it refuses (status, stable code, field at fault), the ticket's SOPs
//! and the solve guard's 409; and the console pages (library, SOP, ticket panel).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;
mod console;

use console::{library_and_sop_pages, ticket_panel_ticks_by_form_and_blocks_solving};

use axum::http::{Method, StatusCode};
use common::{Api, Call, Person, Reply, T0, person, problem};
use paydesk_app::App;
use paydesk_domain::Timestamp;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};

fn ok(reply: &Reply, status: StatusCode) -> Value {
    assert_eq!(reply.status, status, "{}", reply.text());
    reply.json()
}

fn put(uri: impl Into<String>, body: Value) -> Call {
    Call::new(Method::PUT, uri).json(body)
}

pub const CLAIM_BODY: &str = "Use for every charge the customer says they did not make.\n\n\
1. Confirm the customer's identity\n\
2. Check the transaction in the ledger\n\n\
- [ ] Block the card\n";

/// The people of one test.
pub struct Desk {
    pub api: Api,
    pub app: App,
    pub lead: Person,
    pub lead2: Person,
    pub agent: Person,
}

pub async fn desk(store: Store) -> Desk {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead, None).await;
    let lead2 = person(&api, &app, "leo", Role::Lead, None).await;
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    Desk {
        api,
        app,
        lead,
        lead2,
        agent,
    }
}

/// Creates the claim SOP as `lead`, and has `lead2` publish it; its id.
pub async fn published_claim(d: &Desk) -> i64 {
    let body = json!({
        "title": "Unauthorised charge claim",
        "body": CLAIM_BODY,
        "links": { "categories": ["unauthorised_charge"] },
        "review_by": Timestamp(T0 - Timestamp::DAY).rfc3339(),
    });
    let created = ok(
        &d.lead.send(&d.api, Call::post("/api/v1/sops", body)).await,
        StatusCode::CREATED,
    );
    let id = created["id"].as_i64().unwrap();
    ok(
        &d.lead
            .send(
                &d.api,
                Call::post(format!("/api/v1/sops/{id}/versions/1/submit"), json!({})),
            )
            .await,
        StatusCode::OK,
    );
    ok(
        &d.lead2
            .send(
                &d.api,
                Call::post(format!("/api/v1/sops/{id}/versions/1/publish"), json!({})),
            )
            .await,
        StatusCode::OK,
    );
    id
}

pub async fn a_ticket(d: &Desk, category: &str) -> String {
    let body = json!({ "subject": "A charge I never made", "body": "There is a charge on my card I did not make",
                       "business_line": "buyer", "category": category });
    let reply = d
        .lead
        .send(&d.api, Call::post("/api/v1/tickets", body))
        .await;
    ok(&reply, StatusCode::CREATED)["number"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn library_routes_answer_with_their_codes(store: Store) {
    let d = desk(store).await;
    let good = json!({ "title": "Refund not received", "body": "1. Check the refund status\n2. Share the ARN" });
    problem(
        &d.agent
            .send(&d.api, Call::post("/api/v1/sops", good.clone()))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    );
    problem(
        &d.lead
            .send(
                &d.api,
                Call::post("/api/v1/sops", json!({ "title": "", "body": "1. a" })),
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("title"),
    );
    problem(
        &d.lead
            .send(
                &d.api,
                Call::post(
                    "/api/v1/sops",
                    json!({ "title": "x", "body": "1. a", "review_by": "soon" }),
                ),
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("review_by"),
    );
    problem(
        &d.lead
            .send(&d.api, Call::post("/api/v1/sops", json!({ "title": "x", "body": "1. a", "links": { "business_lines": ["martian"] } })))
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_json",
        None,
    );
    problem(
        &d.lead
            .send(
                &d.api,
                Call::post(
                    "/api/v1/sops",
                    json!({ "title": "x", "body": "1. a\u{0}b" }),
                ),
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("body"),
    );
    let too_long = "1. step\n".repeat(9_000);
    problem(
        &d.lead
            .send(
                &d.api,
                Call::post("/api/v1/sops", json!({ "title": "x", "body": too_long })),
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("body"),
    );
    problem(
        &d.agent
            .send(&d.api, Call::get("/api/v1/sops?q=a%00b"))
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("q"),
    );
    let created = ok(
        &d.lead.send(&d.api, Call::post("/api/v1/sops", good)).await,
        StatusCode::CREATED,
    );
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["latest_status"], "draft");

    let edited = ok(
        &d.lead
            .send(&d.api, Call::patch(format!("/api/v1/sops/{id}/versions/1"), json!({ "title": "Refund not received", "body": "1. Check the refund status\n2. Share the ARN\n- [ ] Tell the customer when to expect it" })))
            .await,
        StatusCode::OK,
    );
    assert_eq!(edited["steps"].as_array().unwrap().len(), 3);
    problem(
        &d.lead
            .send(
                &d.api,
                Call::post(format!("/api/v1/sops/{id}/versions/1/launch"), json!({})),
            )
            .await,
        StatusCode::NOT_FOUND,
        "route_not_found",
        None,
    );
    ok(
        &d.lead
            .send(
                &d.api,
                Call::post(format!("/api/v1/sops/{id}/versions/1/submit"), json!({})),
            )
            .await,
        StatusCode::OK,
    );
    problem(
        &d.lead
            .send(
                &d.api,
                Call::post(format!("/api/v1/sops/{id}/versions/1/publish"), json!({})),
            )
            .await,
        StatusCode::FORBIDDEN,
        "sop_own_version",
        None,
    );
    let published = ok(
        &d.lead2
            .send(
                &d.api,
                Call::post(format!("/api/v1/sops/{id}/versions/1/publish"), json!({})),
            )
            .await,
        StatusCode::OK,
    );
    assert_eq!(published["status"], "published");
    assert!(published["html"].as_str().unwrap().contains("<ol>"));
    problem(
        &d.lead2
            .send(
                &d.api,
                Call::post(format!("/api/v1/sops/{id}/versions/1/publish"), json!({})),
            )
            .await,
        StatusCode::CONFLICT,
        "sop_version_state",
        None,
    );
    let v2 = ok(
        &d.lead
            .send(
                &d.api,
                Call::post(format!("/api/v1/sops/{id}/versions"), json!({})),
            )
            .await,
        StatusCode::CREATED,
    );
    assert_eq!(
        (v2["version"].as_i64(), v2["status"].as_str()),
        (Some(2), Some("draft"))
    );
    problem(
        &d.lead
            .send(
                &d.api,
                Call::post(format!("/api/v1/sops/{id}/versions"), json!({})),
            )
            .await,
        StatusCode::CONFLICT,
        "duplicate",
        None,
    );

    let detail = ok(
        &d.agent
            .send(&d.api, Call::get(format!("/api/v1/sops/{id}")))
            .await,
        StatusCode::OK,
    );
    assert_eq!(detail["published"]["version"], 1);
    assert_eq!(detail["versions"].as_array().unwrap().len(), 1, "{detail}");
    problem(
        &d.agent
            .send(&d.api, Call::get(format!("/api/v1/sops/{id}/versions/2")))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    problem(
        &d.agent.send(&d.api, Call::get("/api/v1/sops/999999")).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );

    let found = ok(
        &d.agent.send(&d.api, Call::get("/api/v1/sops?q=ARN")).await,
        StatusCode::OK,
    );
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let none = ok(
        &d.agent
            .send(&d.api, Call::get("/api/v1/sops?q=chargeback"))
            .await,
        StatusCode::OK,
    );
    assert!(none["items"].as_array().unwrap().is_empty());
    problem(
        &d.agent
            .send(&d.api, Call::get("/api/v1/sops?review_due=maybe"))
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
        None,
    );

    let claim = published_claim(&d).await;
    let due = ok(
        &d.agent
            .send(&d.api, Call::get("/api/v1/sops?review_due=true"))
            .await,
        StatusCode::OK,
    );
    let due_ids: Vec<i64> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(due_ids, [claim]);
    assert_eq!(due["items"][0]["is_review_overdue"], true);

    let doc = ok(
        &d.agent
            .send(&d.api, Call::get("/api/v1/openapi.json"))
            .await,
        StatusCode::OK,
    );
    for path in [
        "/api/v1/sops",
        "/api/v1/sops/{id}",
        "/api/v1/sops/{id}/versions/{n}/{step}",
        "/api/v1/tickets/{number}/sops",
        "/api/v1/tickets/{number}/sops/runs/{run}/steps/{key}",
        "/api/v1/sop-requirements/{category}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
}

async fn ticket_sops_and_the_solve_guard(store: Store) {
    let d = desk(store).await;
    let claim = published_claim(&d).await;
    problem(
        &d.agent
            .send(
                &d.api,
                put("/api/v1/sop-requirements/unauthorised_charge", json!({})),
            )
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    );
    let set = ok(
        &d.lead
            .send(
                &d.api,
                put("/api/v1/sop-requirements/unauthorised_charge", json!({})),
            )
            .await,
        StatusCode::OK,
    );
    assert_eq!(set["changed"], true);
    let listed = ok(
        &d.agent
            .send(&d.api, Call::get("/api/v1/sop-requirements"))
            .await,
        StatusCode::OK,
    );
    assert_eq!(listed["items"][0]["category"], "unauthorised_charge");

    let number = a_ticket(&d, "unauthorised_charge").await;
    let panel = ok(
        &d.agent
            .send(&d.api, Call::get(format!("/api/v1/tickets/{number}/sops")))
            .await,
        StatusCode::OK,
    );
    assert_eq!(panel["applicable"][0]["sop_id"], claim);
    assert_eq!(panel["checklist"]["blocks_solve"], true);

    let solve = json!({ "status": "solved" });
    let blocked = d
        .agent
        .send(
            &d.api,
            Call::patch(format!("/api/v1/tickets/{number}"), solve.clone()),
        )
        .await;
    problem(&blocked, StatusCode::CONFLICT, "checklist_incomplete", None);
    assert!(
        blocked.json()["detail"]
            .as_str()
            .unwrap()
            .contains("Unauthorised charge claim")
    );

    problem(
        &d.agent
            .send(
                &d.api,
                Call::post(
                    format!("/api/v1/tickets/{number}/sops"),
                    json!({ "sop_id": "one" }),
                ),
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_json",
        None,
    );
    problem(
        &d.agent
            .send(
                &d.api,
                Call::post("/api/v1/tickets/PD-999999/sops", json!({ "sop_id": claim })),
            )
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    let run = ok(
        &d.agent
            .send(
                &d.api,
                Call::post(
                    format!("/api/v1/tickets/{number}/sops"),
                    json!({ "sop_id": claim }),
                ),
            )
            .await,
        StatusCode::CREATED,
    );
    let run_id = run["id"].as_i64().unwrap();
    problem(
        &d.agent
            .send(
                &d.api,
                put(
                    format!("/api/v1/tickets/{number}/sops/runs/{run_id}/steps/nope"),
                    json!({ "done": true }),
                ),
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("step"),
    );
    let mut last = Value::Null;
    for key in [
        "confirm-the-customer-s-identity",
        "check-the-transaction-in-the-ledger",
        "block-the-card",
    ] {
        last = ok(
            &d.agent
                .send(
                    &d.api,
                    put(
                        format!("/api/v1/tickets/{number}/sops/runs/{run_id}/steps/{key}"),
                        json!({ "done": true }),
                    ),
                )
                .await,
            StatusCode::OK,
        );
    }
    assert_eq!(last["is_complete"], true, "{last}");
    let solved = ok(
        &d.agent
            .send(
                &d.api,
                Call::patch(format!("/api/v1/tickets/{number}"), solve),
            )
            .await,
        StatusCode::OK,
    );
    assert_eq!(solved["status"], "solved");

    let lifted = ok(
        &d.lead
            .send(
                &d.api,
                Call::delete("/api/v1/sop-requirements/unauthorised_charge"),
            )
            .await,
        StatusCode::OK,
    );
    assert_eq!(lifted["changed"], true);
}

on_both_engines!(
    library_routes_answer_with_their_codes,
    ticket_sops_and_the_solve_guard,
    library_and_sop_pages,
    ticket_panel_ticks_by_form_and_blocks_solving,
);
