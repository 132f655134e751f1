//! Rules over HTTP, on both engines: each route's success codes and the problem documents
//! (status, stable code, field at fault) of what it refuses; and the console pages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;
#[path = "../console_lead/html.rs"]
#[expect(dead_code, reason = "only the form helpers are used here")]
mod html;
mod pages;

use axum::http::{Method, StatusCode};
use common::{Api, Call, Person, person, problem};
use paydesk_app::App;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};

pub fn vip_rule(active: bool) -> Value {
    json!({
        "name": "VIP tickets to high priority",
        "is_active": active,
        "spec": {
            "kind": {"type": "trigger", "on": ["ticket_created"]},
            "conditions": {"all": [{"field": "ticket.category", "op": "is", "value": "payment_declined"}]},
            "actions": [{"type": "set_priority", "priority": "high"},
                        {"type": "call_webhook", "url": "http://127.0.0.1:9/hook", "secret": "topsecret"}]
        }
    })
}

async fn a_ticket(api: &Api, who: &Person) -> String {
    let body = json!({ "subject": "Card declined", "body": "My card was declined twice",
                       "business_line": "buyer", "category": "payment_declined" });
    let reply = who.send(api, Call::post("/api/v1/tickets", body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["number"].as_str().unwrap().to_string()
}

async fn rule_routes_answer_with_their_codes(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead, None).await;
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let number = a_ticket(&api, &lead).await;

    let created = lead
        .send(&api, Call::post("/api/v1/rules", vip_rule(false)))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let rule = created.json();
    let id = rule["id"].as_i64().unwrap();
    assert_eq!(rule["is_active"], false);
    assert_eq!(rule["kind"], "trigger");
    assert_eq!(
        rule["spec"]["actions"][1]["secret"], "********",
        "secrets are not answered"
    );
    let second = lead
        .send(&api, Call::post("/api/v1/rules", vip_rule(true)))
        .await;
    let second_id = second.json()["id"].as_i64().unwrap();

    let list = lead.send(&api, Call::get("/api/v1/rules")).await;
    assert_eq!(list.status, StatusCode::OK);
    let ids: Vec<i64> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [id, second_id]);

    let dry = lead
        .send(
            &api,
            Call::post(format!("/api/v1/rules/{id}/dry-run"), json!({})),
        )
        .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text());
    let dry = dry.json();
    assert_eq!(dry["tickets"][0]["ticket"], number);
    assert_eq!(
        dry["tickets"][0]["why"][0],
        "ticket.category is \"payment_declined\""
    );
    assert_eq!(dry["next_after"], Value::Null);

    let on = lead
        .send(
            &api,
            Call::post(format!("/api/v1/rules/{id}/activate"), json!({})),
        )
        .await;
    assert_eq!(on.status, StatusCode::OK);
    assert_eq!(on.json()["is_active"], true);
    let off = lead
        .send(
            &api,
            Call::post(format!("/api/v1/rules/{id}/deactivate"), json!({})),
        )
        .await;
    assert_eq!(off.json()["is_active"], false);

    let order = Call::new(Method::PUT, "/api/v1/rules/order").json(json!({"ids": [second_id, id]}));
    let reordered = lead.send(&api, order).await;
    assert_eq!(reordered.status, StatusCode::OK, "{}", reordered.text());
    assert_eq!(reordered.json()[0]["id"], second_id);

    // Replacing with the masked secret keeps the stored one.
    let mut body = vip_rule(true);
    body["spec"]["actions"][1]["secret"] = json!("********");
    body["version"] = off.json()["version"].clone();
    body["name"] = json!("VIP tickets, renamed");
    let replaced = lead
        .send(
            &api,
            Call::new(Method::PUT, format!("/api/v1/rules/{id}")).json(body.clone()),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
    let stored = store.rule(paydesk_domain::id::RuleId(id)).await.unwrap();
    assert!(format!("{:?}", stored.rule.spec).contains("topsecret"));
    let stale = lead
        .send(
            &api,
            Call::new(Method::PUT, format!("/api/v1/rules/{id}")).json(body),
        )
        .await;
    problem(&stale, StatusCode::CONFLICT, "version_conflict", None);

    let one = lead
        .send(&api, Call::get(format!("/api/v1/rules/{id}")))
        .await;
    assert_eq!(one.json()["name"], "VIP tickets, renamed");

    app.run_triggers("web-test", 100).await.unwrap();
    let fired = lead
        .send(
            &api,
            Call::get(format!("/api/v1/rules/{second_id}/firings")),
        )
        .await;
    assert_eq!(fired.status, StatusCode::OK);
    assert_eq!(fired.json().as_array().unwrap().len(), 1);
    assert_eq!(fired.json()[0]["ticket"], number);

    let gone = lead
        .send(&api, Call::delete(format!("/api/v1/rules/{id}")))
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let missing = lead
        .send(&api, Call::get(format!("/api/v1/rules/{id}")))
        .await;
    problem(&missing, StatusCode::NOT_FOUND, "not_found", None);
    let forbidden = agent.send(&api, Call::get("/api/v1/rules")).await;
    problem(&forbidden, StatusCode::FORBIDDEN, "forbidden", None);
}

async fn bad_rules_are_refused_with_their_place(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead, None).await;
    let with = |conditions: Value, actions: Value| {
        json!({"name": "r", "spec": {
        "kind": {"type": "trigger", "on": ["ticket_created"]},
        "conditions": conditions, "actions": actions}})
    };
    let tag = json!([{"type": "add_tags", "tags": ["x"]}]);
    for (body, code, field) in [
        (
            with(
                json!({"all": [{"field": "ticket.colour", "op": "is", "value": "red"}]}),
                tag.clone(),
            ),
            "invalid_field",
            "spec.conditions.all[0].field",
        ),
        (
            with(
                json!({"all": [{"field": "ticket.tags", "op": "greater_than", "value": 2}]}),
                tag.clone(),
            ),
            "operator_not_allowed",
            "spec.conditions.all[0].op",
        ),
        (
            with(
                json!({"any": [{"field": "ticket.priority", "op": "is", "value": "extreme"}]}),
                tag.clone(),
            ),
            "invalid_value",
            "spec.conditions.any[0].value",
        ),
        (
            with(json!({"all": [], "none": []}), tag.clone()),
            "invalid_field",
            "spec.conditions.none",
        ),
        (with(json!({}), json!([])), "no_actions", "spec.actions"),
        (
            with(
                json!({}),
                json!([{"type": "call_webhook", "url": "ftp://x"}]),
            ),
            "invalid_value",
            "spec.actions[0].url",
        ),
    ] {
        let reply = lead.send(&api, Call::post("/api/v1/rules", body)).await;
        problem(&reply, StatusCode::BAD_REQUEST, code, Some(field));
    }
    let unknown_top = lead
        .send(
            &api,
            Call::post(
                "/api/v1/rules",
                json!({"name": "r", "spec": {}, "colour": 1}),
            ),
        )
        .await;
    assert_eq!(
        unknown_top.status,
        StatusCode::BAD_REQUEST,
        "{}",
        unknown_top.text()
    );
    let order = lead
        .send(
            &api,
            Call::new(Method::PUT, "/api/v1/rules/order").json(json!({"ids": [99]})),
        )
        .await;
    problem(
        &order,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("order"),
    );
    let dry = lead
        .send(
            &api,
            Call::post("/api/v1/rules/1/dry-run?after=nope", json!({})),
        )
        .await;
    problem(
        &dry,
        StatusCode::BAD_REQUEST,
        "invalid_query",
        Some("after"),
    );
}

#[test]
fn rule_routes_are_documented() {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(paydesk_web::api::openapi::ApiDoc::openapi()).unwrap();
    let paths = &doc["paths"];
    for (path, methods) in [
        ("/api/v1/rules", &["get", "post"][..]),
        ("/api/v1/rules/{id}", &["get", "put", "delete"][..]),
        ("/api/v1/rules/order", &["put"][..]),
        ("/api/v1/rules/{id}/dry-run", &["post"][..]),
        ("/api/v1/rules/{id}/activate", &["post"][..]),
        ("/api/v1/rules/{id}/deactivate", &["post"][..]),
        ("/api/v1/rules/{id}/firings", &["get"][..]),
    ] {
        for m in methods {
            assert!(paths[path][m].is_object(), "{m} {path} is not documented");
        }
    }
    assert!(doc["components"]["schemas"]["RuleSpec"].is_object());
}

use pages::lead_manages_rules_in_the_console;

on_both_engines!(
    rule_routes_answer_with_their_codes,
    bad_rules_are_refused_with_their_place,
    lead_manages_rules_in_the_console,
);
