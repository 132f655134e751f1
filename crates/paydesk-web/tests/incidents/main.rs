//! Incidents and payment health over HTTP, on both engines: each route's success codes,
//! and the problem documents (status, stable code, field at fault) of what it refuses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;
mod hostile;
#[path = "../hostile/values.rs"]
#[expect(dead_code, reason = "only the body values are used here")]
mod values;

use axum::http::{Method, StatusCode};
use common::{Api, Call, Person, Reply, T0, person};
use paydesk_app::App;
use paydesk_domain::Timestamp;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};

/// Sends `call` as `who`; asserts it is refused with `status`, `code` and `field`.
async fn refused(
    api: &Api,
    who: &Person,
    call: Call,
    status: StatusCode,
    code: &str,
    field: Option<&str>,
) -> Reply {
    let reply = who.send(api, call).await;
    problem(&reply, status, code, field);
    reply
}

/// Asserts a problem document with `status`, `code` and, when given, `field`.
fn problem(reply: &Reply, status: StatusCode, code: &str, field: Option<&str>) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.content_type(), "application/problem+json");
    let body = reply.json();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    if let Some(field) = field {
        assert_eq!(body["field"], field, "{body}");
    }
}

fn rfc3339(minutes: i64) -> String {
    Timestamp(T0 + minutes * Timestamp::MINUTE).rfc3339()
}

async fn a_ticket(api: &Api, lead: &Person) -> String {
    let body = json!({ "subject": "Card declined", "body": "My card was declined twice",
                       "business_line": "buyer", "category": "payment_declined" });
    let reply = lead.send(api, Call::post("/api/v1/tickets", body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["number"].as_str().unwrap().to_string()
}

async fn incident_routes_answer_with_their_codes(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead).await;
    let agent = person(&api, &app, "ana", Role::Agent).await;
    let number = a_ticket(&api, &lead).await;

    let declare = json!({
        "title": "Adyen declines card payments",
        "severity": "sev2",
        "scope": { "gateway": "adyen", "method": "card", "region": "EU", "started_at": rfc3339(-30) },
        "rules": { "gateways": ["adyen"], "failure_codes": ["do_not_honor"] },
        "public_summary": "Some card payments fail; we are on it."
    });
    refused(
        &api,
        &agent,
        Call::post("/api/v1/incidents", declare.clone()),
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    )
    .await;
    let reply = lead
        .send(&api, Call::post("/api/v1/incidents", declare.clone()))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let created = reply.json();
    assert_eq!(created["linked"], 0);
    let incident = &created["incident"];
    assert_eq!(incident["status"], "investigating");
    assert_eq!(incident["scope"]["region"], "eu");
    assert!(
        incident["severity_meaning"]
            .as_str()
            .unwrap()
            .starts_with("major")
    );
    let id = incident["id"].as_i64().unwrap();
    let version = incident["version"].as_i64().unwrap();

    // Refused declarations name the field (and never echo card data).
    let refusals = [
        ("/rules", json!({}), "invalid_field", Some("rules")),
        (
            "/rules",
            json!({ "gateway": ["adyen"] }),
            "invalid_json",
            None,
        ),
        (
            "/scope/started_at",
            json!("yesterday"),
            "invalid_field",
            Some("scope.started_at"),
        ),
        (
            "/rules",
            json!({ "failure_codes": ["4111111111111111"] }),
            "invalid_field",
            Some("rules.failure_codes"),
        ),
    ];
    for (pointer, value, code, field) in refusals {
        let mut body = declare.clone();
        *body.pointer_mut(pointer).unwrap() = value;
        let reply = refused(
            &api,
            &lead,
            Call::post("/api/v1/incidents", body),
            StatusCode::BAD_REQUEST,
            code,
            field,
        )
        .await;
        assert!(!reply.text().contains("4111111111111111"));
    }

    // Reads.
    let reply = agent
        .send(&api, Call::get("/api/v1/incidents?status=open"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["items"].as_array().unwrap().len(), 1);
    let reply = agent
        .send(&api, Call::get("/api/v1/incidents?status=resolved"))
        .await;
    assert!(reply.json()["items"].as_array().unwrap().is_empty());
    refused(
        &api,
        &agent,
        Call::get("/api/v1/incidents?status=bogus"),
        StatusCode::BAD_REQUEST,
        "invalid_query",
        Some("status"),
    )
    .await;
    refused(
        &api,
        &agent,
        Call::get("/api/v1/incidents/999999"),
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;
    refused(
        &api,
        &agent,
        Call::get("/api/v1/incidents/nope"),
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;

    // Changes.
    let patch = json!({ "severity": "sev1", "status": "identified", "version": version });
    let reply = lead
        .send(&api, Call::patch(format!("/api/v1/incidents/{id}"), patch))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["severity"], "sev1");
    let stale = json!({ "title": "Again", "version": version });
    refused(
        &api,
        &lead,
        Call::patch(format!("/api/v1/incidents/{id}"), stale),
        StatusCode::CONFLICT,
        "version_conflict",
        None,
    )
    .await;
    let resolved = json!({ "status": "resolved" });
    refused(
        &api,
        &lead,
        Call::patch(format!("/api/v1/incidents/{id}"), resolved),
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("status"),
    )
    .await;
    let reply = lead
        .send(
            &api,
            Call::post(format!("/api/v1/incidents/{id}/match"), json!({})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let dismiss = Call::post(format!("/api/v1/incidents/{id}/dismiss"), json!({}));
    let reply = refused(
        &api,
        &lead,
        dismiss,
        StatusCode::CONFLICT,
        "incident_state",
        None,
    )
    .await;
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("proposed")
    );

    // Links by hand.
    let link = Call::post(
        format!("/api/v1/incidents/{id}/tickets"),
        json!({ "ticket": number }),
    );
    let reply = lead.send(&api, link).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let link = Call::post(
        format!("/api/v1/incidents/{id}/tickets"),
        json!({ "ticket": number }),
    );
    let reply = lead.send(&api, link).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["changed"], false);
    let link = Call::post(
        format!("/api/v1/incidents/{id}/tickets"),
        json!({ "ticket": "PD-999999" }),
    );
    refused(&api, &lead, link, StatusCode::NOT_FOUND, "not_found", None).await;
    let link = Call::post(
        format!("/api/v1/incidents/{id}/tickets"),
        json!({ "ticket": "soon" }),
    );
    refused(
        &api,
        &lead,
        link,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("ticket"),
    )
    .await;
    let reply = agent
        .send(
            &api,
            Call::get(format!("/api/v1/tickets/{number}/incidents")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let items = reply.json()["items"].clone();
    assert_eq!(items[0]["incident"]["id"], id);
    assert_eq!(items[0]["reason"], "manual");
    let reply = agent
        .send(&api, Call::get(format!("/api/v1/incidents/{id}/tickets")))
        .await;
    assert_eq!(reply.json()["items"][0]["number"], number.as_str());

    // Updates need a key; a repeat answers 200 with the same update.
    let update = json!({ "body": "We know; a fix is under way.", "public": true });
    let call = Call::post(format!("/api/v1/incidents/{id}/updates"), update.clone());
    refused(
        &api,
        &lead,
        call,
        StatusCode::BAD_REQUEST,
        "invalid_header",
        Some("Idempotency-Key"),
    )
    .await;
    let keyed = || {
        Call::post(format!("/api/v1/incidents/{id}/updates"), update.clone())
            .header("idempotency-key", "u-1")
    };
    let reply = lead.send(&api, keyed()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let first = reply.json();
    assert_eq!(
        (first["status"].as_str(), first["total"].as_i64()),
        (Some("delivering"), Some(1))
    );
    let reply = lead.send(&api, keyed()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["id"], first["id"]);
    let other = Call::post(
        format!("/api/v1/incidents/{id}/updates"),
        json!({ "body": "Something else", "public": true }),
    )
    .header("idempotency-key", "u-1");
    refused(
        &api,
        &lead,
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        None,
    )
    .await;
    let empty = Call::post(
        format!("/api/v1/incidents/{id}/updates"),
        json!({ "body": " " }),
    )
    .header("idempotency-key", "u-2");
    refused(
        &api,
        &lead,
        empty,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("body"),
    )
    .await;
    app.deliver_incident_update(first["id"].as_i64().unwrap())
        .await
        .unwrap();
    let detail = agent
        .send(&api, Call::get(format!("/api/v1/incidents/{id}")))
        .await
        .json();
    assert_eq!(detail["updates"][0]["sent"], 1);
    assert_eq!(detail["updates"][0]["status"], "done");
    let actions: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "declared",
        "status_changed",
        "severity_changed",
        "ticket_linked",
        "update_posted",
        "update_delivered",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
    assert_eq!(detail["timeline"][0]["actor"]["kind"], "user");

    // Unlink, resolve, and nothing more to resolve.
    let reply = lead
        .send(
            &api,
            Call::delete(format!("/api/v1/incidents/{id}/tickets/{number}")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["changed"], true);
    let resolve = json!({ "solve_tickets": true });
    refused(
        &api,
        &lead,
        Call::post(format!("/api/v1/incidents/{id}/resolve"), resolve),
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("message"),
    )
    .await;
    let resolve = json!({ "message": "Fixed at the provider." });
    let reply = lead
        .send(
            &api,
            Call::post(format!("/api/v1/incidents/{id}/resolve"), resolve.clone()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["incident"]["status"], "resolved");
    assert!(body["incident"]["scope"]["ended_at"].is_string());
    assert_eq!(body["update"]["public"], false);
    // Over: nothing more to resolve or change.
    for call in [
        Call::post(format!("/api/v1/incidents/{id}/resolve"), resolve),
        Call::patch(format!("/api/v1/incidents/{id}"), json!({ "title": "x" })),
    ] {
        refused(
            &api,
            &lead,
            call,
            StatusCode::CONFLICT,
            "incident_state",
            None,
        )
        .await;
    }
}

fn event(gateway: &str, result: &str, code: Option<&str>, minutes_ago: i64) -> Value {
    json!({ "gateway": gateway, "method": "card", "result": result, "code": code,
            "latency_ms": 250, "at": rfc3339(-minutes_ago) })
}

async fn payment_health_routes_answer_with_their_codes(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead).await;
    let admin = person(&api, &app, "sam", Role::Admin).await;

    // The integration (payments:write) loads attempts; bad items are refused one by one.
    let mut events: Vec<Value> = (0..600)
        .map(|i| {
            let ok = i % 10 != 0;
            event(
                "adyen",
                if ok { "success" } else { "decline" },
                (!ok).then_some("do_not_honor"),
                60 + i % 600,
            )
        })
        .collect();
    events.push(json!({ "gateway": "adyen", "method": "card" }));
    events.push(json!("not an object"));
    let mut late = event("adyen", "success", None, 0);
    late["latency_ms"] = json!("slow");
    events.push(late);
    let reply = api
        .send(Call::post("/api/v1/payment-events", json!({ "events": events })).into_request())
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["accepted"], 600);
    let refused_items = body["refused"].as_array().unwrap();
    assert_eq!(refused_items.len(), 3);
    assert_eq!(refused_items[0]["index"], 600);
    assert_eq!(refused_items[2]["field"], "latency_ms");
    let drop: Vec<Value> = (0..60)
        .map(|i| {
            if i % 4 == 0 {
                event("adyen", "success", None, i % 10)
            } else {
                event("adyen", "decline", Some("issuer_unavailable"), i % 10)
            }
        })
        .collect();
    let reply = api
        .send(Call::post("/api/v1/payment-events", json!({ "events": drop })).into_request())
        .await;
    assert_eq!(reply.json()["accepted"], 60, "{}", reply.text());
    let too_many: Vec<Value> = (0..1_001)
        .map(|_| event("adyen", "success", None, 1))
        .collect();
    let reply = api
        .send(Call::post("/api/v1/payment-events", json!({ "events": too_many })).into_request())
        .await;
    problem(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("events"),
    );
    refused(
        &api,
        &lead,
        Call::post("/api/v1/payment-events", json!({ "events": [] })),
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    )
    .await;

    // The health view, and the check proposing one incident.
    let reply = lead.send(&api, Call::get("/api/v1/payment-health")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let health = reply.json();
    let adyen = &health["items"][0];
    assert_eq!(adyen["gateway"], "adyen");
    assert_eq!(adyen["state"], "failing", "{adyen}");
    assert_eq!(adyen["last_15_minutes"]["attempts"], 60);
    assert_eq!(adyen["last_24_hours"]["attempts"], 660);
    assert_eq!(adyen["top_codes"][0]["code"], "issuer_unavailable");
    let reply = lead
        .send(&api, Call::post("/api/v1/payment-health/check", json!({})))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let proposed = reply.json()["proposed"].clone();
    assert_eq!(proposed.as_array().unwrap().len(), 1);
    assert_eq!(proposed[0]["status"], "proposed");
    let reply = lead
        .send(&api, Call::post("/api/v1/payment-health/check", json!({})))
        .await;
    assert!(reply.json()["proposed"].as_array().unwrap().is_empty());
    let id = proposed[0]["id"].as_i64().unwrap();
    let reply = lead
        .send(
            &api,
            Call::post(
                format!("/api/v1/incidents/{id}/dismiss"),
                json!({ "reason": "a test" }),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["status"], "dismissed");
    refused(
        &api,
        &lead,
        Call::post(format!("/api/v1/incidents/{id}/accept"), json!({})),
        StatusCode::CONFLICT,
        "incident_state",
        None,
    )
    .await;

    // Objectives: admins only, checked field by field.
    refused(
        &api,
        &lead,
        Call::get("/api/v1/payment-objectives"),
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    )
    .await;
    let reply = admin
        .send(&api, Call::get("/api/v1/payment-objectives"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["default"]["success_rate"], 0.8);
    let put =
        |body: Value| Call::new(axum::http::Method::PUT, "/api/v1/payment-objectives").json(body);
    let good = json!({ "default": { "success_rate": 0.85, "p95_latency_ms": 2500 },
                       "overrides": [{ "gateway": "adyen", "method": "card", "success_rate": 0.9, "p95_latency_ms": 2000 }] });
    let reply = admin.send(&api, put(good)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["overrides"][0]["success_rate"], 0.9);
    let bad = json!({ "default": { "success_rate": 0.85, "p95_latency_ms": 0 } });
    refused(
        &api,
        &admin,
        put(bad),
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("default.p95_latency_ms"),
    )
    .await;
    let bad = json!({ "default": { "success_rate": 0.85, "p95_latency_ms": 2500 },
                      "overrides": [{ "gateway": "no way", "method": "card", "success_rate": 0.9, "p95_latency_ms": 2000 }] });
    refused(
        &api,
        &admin,
        put(bad),
        StatusCode::BAD_REQUEST,
        "invalid_field",
        Some("overrides[0].gateway"),
    )
    .await;

    // Documented in the OpenAPI document.
    let doc = api
        .send(Call::get("/api/v1/openapi.json").into_request())
        .await
        .json();
    for (path, method) in [
        ("/api/v1/incidents", "post"),
        ("/api/v1/incidents/{id}", "patch"),
        ("/api/v1/incidents/{id}/updates", "post"),
        ("/api/v1/incidents/{id}/tickets/{number}", "delete"),
        ("/api/v1/tickets/{number}/incidents", "get"),
        ("/api/v1/payment-events", "post"),
        ("/api/v1/payment-health", "get"),
        ("/api/v1/payment-objectives", "put"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
}

async fn hostile_bodies_never_get_a_5xx(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead).await;
    let admin = person(&api, &app, "sam", Role::Admin).await;
    let number = a_ticket(&api, &lead).await;
    let declare = json!({
        "title": "Wallet top-ups fail", "severity": "sev3",
        "scope": { "gateway": "paypal", "method": "wallet", "region": "br", "business_line": "buyer",
                   "started_at": rfc3339(-60), "ended_at": null },
        "rules": { "failure_codes": ["timeout"], "gateways": ["paypal"], "card_brands": ["visa"],
                   "methods": ["wallet"], "business_lines": ["buyer"], "categories": ["top_up"] },
        "public_summary": "Top-ups with wallets fail."
    });
    let reply = lead
        .send(&api, Call::post("/api/v1/incidents", declare.clone()))
        .await;
    let id = reply.json()["incident"]["id"].as_i64().unwrap();
    let incident = |tail: &str| format!("/api/v1/incidents/{id}{tail}");
    let route = |method: Method, uri: String, body: Value, sender, fields| hostile::Route {
        method,
        uri,
        body,
        sender,
        fields,
    };
    let routes = [
        route(
            Method::POST,
            "/api/v1/incidents".into(),
            declare.clone(),
            Some(&lead),
            &[
                "/title",
                "/severity",
                "/scope",
                "/scope/gateway",
                "/scope/method",
                "/scope/region",
                "/scope/business_line",
                "/scope/started_at",
                "/scope/ended_at",
                "/rules",
                "/rules/failure_codes",
                "/rules/failure_codes/0",
                "/rules/gateways/0",
                "/rules/card_brands/0",
                "/rules/methods/0",
                "/rules/business_lines/0",
                "/rules/categories/0",
                "/public_summary",
            ][..],
        ),
        route(
            Method::PATCH,
            incident(""),
            json!({ "title": "t", "severity": "sev2", "status": "monitoring",
            "public_summary": "s", "rules": declare["rules"], "scope": declare["scope"], "version": null }),
            Some(&lead),
            &[
                "/title",
                "/severity",
                "/status",
                "/public_summary",
                "/rules",
                "/scope",
                "/version",
            ],
        ),
        route(
            Method::POST,
            incident("/updates"),
            json!({ "body": "b", "public": true, "solve_tickets": false }),
            Some(&lead),
            &["/body", "/public", "/solve_tickets"],
        ),
        route(
            Method::POST,
            incident("/tickets"),
            json!({ "ticket": number }),
            Some(&lead),
            &["/ticket"],
        ),
        route(
            Method::POST,
            "/api/v1/payment-events".into(),
            json!({ "events": [{
            "gateway": "paypal", "method": "wallet", "result": "decline", "code": "timeout", "latency_ms": 100,
            "at": rfc3339(-1), "region": "br", "business_line": "buyer" }] }),
            None,
            &[
                "/events",
                "/events/0",
                "/events/0/gateway",
                "/events/0/method",
                "/events/0/result",
                "/events/0/code",
                "/events/0/latency_ms",
                "/events/0/at",
                "/events/0/region",
                "/events/0/business_line",
            ][..],
        ),
        route(
            Method::PUT,
            "/api/v1/payment-objectives".into(),
            json!({
            "default": { "success_rate": 0.8, "p95_latency_ms": 3000 },
            "overrides": [{ "gateway": "paypal", "method": "wallet", "success_rate": 0.7, "p95_latency_ms": 4000 }] }),
            Some(&admin),
            &[
                "/default",
                "/default/success_rate",
                "/default/p95_latency_ms",
                "/overrides",
                "/overrides/0/gateway",
                "/overrides/0/method",
                "/overrides/0/success_rate",
                "/overrides/0/p95_latency_ms",
            ][..],
        ),
        route(
            Method::POST,
            incident("/resolve"),
            json!({ "message": "m", "solve_tickets": true }),
            Some(&lead),
            &["/message", "/solve_tickets"],
        ),
    ];
    let sent = hostile::never_a_5xx(&api, &routes).await;
    assert!(sent > 1_500, "{sent} requests");
}

on_both_engines!(
    incident_routes_answer_with_their_codes,
    payment_health_routes_answer_with_their_codes,
    hostile_bodies_never_get_a_5xx
);
