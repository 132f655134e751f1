//! Macros over HTTP, on both engines: create, list, read, replace and delete with their
//! permissions; preview and apply on a ticket; the problem documents of what is refused;
//! and the console's macros page and ticket picker.

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
#[expect(dead_code, reason = "only part of the helpers is used here")]
mod desk;

use console::{the_macros_page_writes_lists_and_explains, the_ticket_picker_previews_then_applies};

use axum::http::{Method, StatusCode};
use common::{Api, Call, Person, Reply, person};
use paydesk_app::App;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};

/// Asserts a problem document with `status`, `code` and, when given, `field`.
fn problem(reply: &Reply, status: StatusCode, code: &str, field: Option<&str>) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.content_type(), "application/problem+json");
    let body = reply.json();
    assert_eq!(body["code"], code, "{body}");
    if let Some(field) = field {
        assert_eq!(body["field"], field, "{body}");
    }
}

async fn a_ticket(api: &Api, who: &Person) -> String {
    let body = json!({ "subject": "Charged twice", "body": "I was charged twice for coins",
                       "business_line": "buyer", "category": "duplicate_charge" });
    let reply = who.send(api, Call::post("/api/v1/tickets", body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["number"].as_str().unwrap().to_string()
}

fn refund_macro() -> Value {
    json!({
        "title": "Refund issued",
        "reply": { "body": "We refunded your payment on {{ticket.number}}. {{customer.name}}", "visibility": "public" },
        "actions": [
            { "type": "set_status", "status": "pending" },
            { "type": "add_tags", "tags": ["refund"] },
            { "type": "add_note", "body": "Macro used on {{ticket.number}}" }
        ],
        "scope": { "kind": "shared" }
    })
}

async fn macro_routes_answer_with_their_codes(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead, None).await;
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let viewer = person(&api, &app, "vic", Role::Viewer, None).await;
    let number = a_ticket(&api, &agent).await;

    let reply = agent
        .send(&api, Call::post("/api/v1/macros", refund_macro()))
        .await;
    problem(&reply, StatusCode::FORBIDDEN, "forbidden", None);
    let reply = lead
        .send(&api, Call::post("/api/v1/macros", refund_macro()))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let created = reply.json();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["scope"], json!({"kind": "shared"}));
    assert_eq!(created["usage_count"], 0);
    assert_eq!(
        created["placeholders"],
        json!(["ticket.number", "customer.name"])
    );

    // An agent keeps personal macros of their own.
    let mut own = refund_macro();
    own["title"] = json!("My thanks");
    own["scope"] = json!({"kind": "personal"});
    let reply = agent.send(&api, Call::post("/api/v1/macros", own)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["scope"]["owner_id"], agent.id.0);
    let own_id = reply.json()["id"].as_i64().unwrap();

    // Refusals name the field and say what to do.
    let mut typo = refund_macro();
    typo["reply"]["body"] = json!("Hi {{customer.nmae}}");
    let reply = lead.send(&api, Call::post("/api/v1/macros", typo)).await;
    problem(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("reply.body"),
    );
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("{{customer.nmae}}")
    );
    let mut no_team = refund_macro();
    no_team["scope"] = json!({"kind": "team"});
    let reply = lead.send(&api, Call::post("/api/v1/macros", no_team)).await;
    problem(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("scope.team_id"),
    );
    let mut bad_action = refund_macro();
    bad_action["actions"] = json!([{ "type": "launch_rocket" }]);
    let reply = lead
        .send(&api, Call::post("/api/v1/macros", bad_action))
        .await;
    problem(&reply, StatusCode::BAD_REQUEST, "invalid_json", None);

    // Lists: the agent sees the shared macro and their own; the lead does not see the
    // agent's personal one; a viewer may not use macros.
    let reply = agent.send(&api, Call::get("/api/v1/macros")).await;
    assert_eq!(reply.json()["items"].as_array().unwrap().len(), 2);
    let reply = lead.send(&api, Call::get("/api/v1/macros?q=refund")).await;
    assert_eq!(reply.json()["items"].as_array().unwrap().len(), 1);
    let reply = lead
        .send(&api, Call::get(format!("/api/v1/macros/{own_id}")))
        .await;
    problem(&reply, StatusCode::NOT_FOUND, "not_found", None);
    let reply = viewer.send(&api, Call::get("/api/v1/macros")).await;
    problem(&reply, StatusCode::FORBIDDEN, "forbidden", None);

    // Preview writes nothing; apply does it all and counts.
    let reply = agent
        .send(
            &api,
            Call::post(
                format!("/api/v1/tickets/{number}/macros/{id}/preview"),
                json!({}),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let preview = reply.json();
    assert_eq!(
        preview["reply"]["body"],
        format!("We refunded your payment on {number}. [customer name unknown]")
    );
    assert_eq!(preview["missing"], json!(["customer.name"]));
    let version = preview["ticket_version"].as_i64().unwrap();
    let fields: Vec<&str> = preview["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["status", "tags", "note"]);
    assert_eq!(
        preview["changes"][0],
        json!({"field": "status", "from": "new", "to": "pending"})
    );

    let apply = format!("/api/v1/tickets/{number}/macros/{id}/apply");
    let reply = agent
        .send(&api, Call::post(&apply, json!({ "version": version + 5 })))
        .await;
    problem(&reply, StatusCode::CONFLICT, "version_conflict", None);
    let reply = agent
        .send(&api, Call::post(&apply, json!({ "version": version })))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let applied = reply.json();
    assert_eq!(applied["ticket"]["status"], "pending");
    assert_eq!(applied["ticket"]["version"], version + 1);
    let reply = agent
        .send(&api, Call::get(format!("/api/v1/macros/{id}")))
        .await;
    assert_eq!(reply.json()["usage_count"], 1);
    let reply = agent
        .send(&api, Call::get(format!("/api/v1/tickets/{number}")))
        .await;
    let messages = reply.json()["messages"].as_array().unwrap().clone();
    assert!(
        messages.iter().any(
            |m| m["visibility"] == "internal" && m["body"] == format!("Macro used on {number}")
        )
    );
    // Without a body, the macro applies to the ticket as it is.
    let reply = agent.send(&api, Call::new(Method::POST, &apply)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());

    let reply = agent
        .send(
            &api,
            Call::post("/api/v1/tickets/PD-99999/macros/1/preview", json!({})),
        )
        .await;
    problem(&reply, StatusCode::NOT_FOUND, "not_found", None);

    // Linking an SOP that does not exist is refused, naming it.
    let mut sop = refund_macro();
    sop["actions"] = json!([{ "type": "link_sop", "sop_id": 4 }]);
    let reply = lead.send(&api, Call::post("/api/v1/macros", sop)).await;
    let sop_id = reply.json()["id"].as_i64().unwrap();
    let reply = agent
        .send(
            &api,
            Call::post(
                format!("/api/v1/tickets/{number}/macros/{sop_id}/apply"),
                json!({}),
            ),
        )
        .await;
    problem(&reply, StatusCode::NOT_FOUND, "not_found", None);
    assert!(
        reply.json()["detail"].as_str().unwrap().contains("SOP"),
        "{}",
        reply.text()
    );

    // Replace with the version read; a stale one is refused; delete.
    let mut renamed = refund_macro();
    renamed["title"] = json!("Refund sent");
    renamed["version"] = json!(1);
    let reply = lead
        .send(
            &api,
            Call::new(Method::PUT, format!("/api/v1/macros/{id}")).json(renamed.clone()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["usage_count"], 2, "usage counts stay");
    let reply = lead
        .send(
            &api,
            Call::new(Method::PUT, format!("/api/v1/macros/{id}")).json(renamed),
        )
        .await;
    problem(&reply, StatusCode::CONFLICT, "version_conflict", None);
    let reply = agent
        .send(&api, Call::delete(format!("/api/v1/macros/{id}")))
        .await;
    problem(&reply, StatusCode::FORBIDDEN, "forbidden", None);
    let reply = lead
        .send(&api, Call::delete(format!("/api/v1/macros/{id}")))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());

    // The OpenAPI document lists the routes.
    let reply = agent.send(&api, Call::get("/api/v1/openapi.json")).await;
    let doc = reply.json();
    for path in [
        "/api/v1/macros",
        "/api/v1/macros/{id}",
        "/api/v1/tickets/{number}/macros/{id}/preview",
        "/api/v1/tickets/{number}/macros/{id}/apply",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
}

async fn a_customers_time_zone_is_set_through_the_customer_api(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead, None).await;
    let body =
        json!({ "business_line": "buyer", "name": "Maria", "emails": ["maria@example.com"] });
    let reply = lead.send(&api, Call::post("/api/v1/customers", body)).await;
    let id = reply.json()["id"].as_i64().unwrap();
    let reply = lead
        .send(
            &api,
            Call::patch(
                format!("/api/v1/customers/{id}"),
                json!({ "time_zone": "Asia/Manila" }),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["time_zone"], "Asia/Manila");
    let reply = lead
        .send(
            &api,
            Call::patch(
                format!("/api/v1/customers/{id}"),
                json!({ "time_zone": "Asia/Atlantis" }),
            ),
        )
        .await;
    problem(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("time_zone"),
    );
    let reply = lead
        .send(
            &api,
            Call::patch(
                format!("/api/v1/customers/{id}"),
                json!({ "time_zone": null }),
            ),
        )
        .await;
    assert_eq!(reply.json()["time_zone"], Value::Null);
}

on_both_engines!(
    macro_routes_answer_with_their_codes,
    a_customers_time_zone_is_set_through_the_customer_api,
    the_macros_page_writes_lists_and_explains,
    the_ticket_picker_previews_then_applies,
);
