//! One ticket from creation to closed: messages, the status machine, optimistic
//! concurrency, reopening, and the timeline that records it all.

use crate::client::{
    Call, all_refused, changes, create, create_customer, expect, get, of_kind, ticket, timeline,
};
use crate::common::Api;
use axum::http::StatusCode;
use paydesk_store::Store;
use serde_json::{Value, json};

const OK: StatusCode = StatusCode::OK;
const CREATED: StatusCode = StatusCode::CREATED;
const CONFLICT: StatusCode = StatusCode::CONFLICT;

/// The instant every change in this test happens at, a minute after T0.
const LATER: &str = "2026-09-21T14:14:20.000Z";

pub async fn ticket_lifecycle(store: Store) {
    let api = Api::new(store);
    let customer =
        json!({ "business_line": "buyer", "name": "Ada", "emails": ["ada@example.com"] });
    let customer_id = create_customer(&api, &customer).await["id"].clone();
    let mut body = ticket("Refund not received");
    body["customer_id"] = customer_id.clone();
    body["tags"] = json!(["Refund", "refund", "card"]);
    body["category"] = json!("Refund_Status");
    let created = create(&api, &body).await;
    assert_eq!(created["tags"], json!(["card", "refund"]));
    assert_eq!(created["category"], "refund_status");
    let number = created["number"].as_str().unwrap().to_string();
    let url = format!("/api/v1/tickets/{number}");

    let detail = Call::get(&url).expect(&api, OK).await;
    assert_eq!(detail["number"], number.as_str());
    assert_eq!(detail["subject"], "Refund not received");
    let messages = detail["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["body"], "I was charged twice for one order.");
    assert_eq!(messages[0]["visibility"], "public");
    let as_customer = json!({ "kind": "customer", "id": customer_id });
    assert_eq!(messages[0]["author"], as_customer);
    // The bare number and the lower-case form name the same ticket.
    let id = created["id"].as_i64().unwrap();
    for alias in [
        format!("/api/v1/tickets/{id}"),
        format!("/api/v1/tickets/pd-{id}"),
    ] {
        expect(&get(&api, &alias).await, OK);
    }

    api.clock.advance(60_000);
    let version = converse(&api, &url, &as_customer).await;
    let closed = solve_reopen_close(&api, &url, &number, version).await;
    for change in [
        json!({ "priority": "low" }),
        json!({ "status": "open" }),
        json!({ "tags": ["x"] }),
        json!({ "subject": "new" }),
    ] {
        Call::patch(&url, change)
            .refused(&api, CONFLICT, "ticket_closed")
            .await;
    }
    for message in [
        json!({ "body": "hello?" }),
        json!({ "body": "hello?", "from": "customer" }),
        json!({ "body": "n", "visibility": "internal" }),
    ] {
        Call::post(format!("{url}/messages"), message)
            .refused(&api, CONFLICT, "ticket_closed")
            .await;
    }
    let still = get(&api, &url).await.json();
    assert_eq!(still["version"], closed["version"]);
    assert_eq!(still["messages"].as_array().unwrap().len(), 5);

    check_timeline(&api, &number).await;
    all_refused(
        &api,
        [
            Call::get("/api/v1/tickets/PD-999"),
            Call::patch("/api/v1/tickets/PD-999", json!({ "priority": "low" })),
            Call::post("/api/v1/tickets/PD-999/messages", json!({ "body": "x" })),
        ],
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

/// Replies from staff, an internal note, the customer; one they may not send. Returns the
/// version after.
async fn converse(api: &Api, url: &str, as_customer: &Value) -> i64 {
    let say = |body: Value| Call::post(format!("{url}/messages"), body);
    let reply = say(json!({ "body": "We are looking into it." }))
        .expect(api, CREATED)
        .await;
    assert_eq!(reply["visibility"], "public");
    assert_eq!(reply["author"], json!({ "kind": "system" }));
    assert_eq!(reply["created_at"], LATER);
    let after_reply = get(api, url).await.json();
    assert_eq!(after_reply["status"], "open");
    assert_eq!(after_reply["version"], 2);

    let note = say(json!({ "body": "Acquirer says settled.", "visibility": "internal" }))
        .expect(api, CREATED)
        .await;
    assert_eq!(note["visibility"], "internal");
    let from_customer = say(json!({ "body": "Any news?", "from": "customer" }))
        .expect(api, CREATED)
        .await;
    assert_eq!(from_customer["author"], *as_customer);
    say(json!({ "body": "x", "from": "customer", "visibility": "internal" }))
        .refused(api, StatusCode::BAD_REQUEST, "invalid_field")
        .await;
    let detail = get(api, url).await.json();
    assert_eq!(detail["messages"].as_array().unwrap().len(), 4);
    assert_eq!(detail["status"], "open");
    let version = detail["version"].as_i64().unwrap();
    assert_eq!(version, 4);
    version
}

/// Solves at `version` (stale changes refused), is reopened by the customer, solved again
/// and closed. Returns the closed ticket.
async fn solve_reopen_close(api: &Api, url: &str, number: &str, version: i64) -> Value {
    // Two fields in one change: two events.
    let solved = Call::patch(
        url,
        json!({ "version": version, "status": "solved", "priority": "high" }),
    )
    .expect(api, OK)
    .await;
    assert_eq!(solved["status"], "solved");
    assert_eq!(solved["priority"], "high");
    assert_eq!(solved["version"], version + 1);
    assert_eq!(solved["solved_at"], LATER);

    let if_match = format!("\"{version}\"");
    all_refused(
        api,
        [
            Call::patch(url, json!({ "version": version, "priority": "low" })),
            Call::patch(url, json!({ "priority": "low" })).header("if-match", if_match),
            Call::post(
                format!("{url}/messages"),
                json!({ "body": "late", "version": version }),
            ),
        ],
        CONFLICT,
        "version_conflict",
    )
    .await;
    assert_eq!(get(api, url).await.json()["priority"], "high");

    Call::patch(url, json!({ "status": "pending" }))
        .refused(api, CONFLICT, "invalid_transition")
        .await;
    let no_change = Call::patch(url, json!({ "status": "solved" }))
        .expect(api, OK)
        .await;
    assert_eq!(no_change["version"], version + 1);

    Call::post(
        format!("{url}/messages"),
        json!({ "body": "Still missing!", "from": "customer" }),
    )
    .expect(api, CREATED)
    .await;
    let reopened = get(api, url).await.json();
    assert_eq!(reopened["status"], "open");
    assert!(reopened["solved_at"].is_null());
    let events = timeline(api, number).await;
    let reopened_events = of_kind(&events, "reopened");
    assert_eq!(reopened_events.len(), 1);
    assert_eq!(reopened_events[0]["data"]["by"], "customer_reply");

    let current = reopened["version"].as_i64().unwrap();
    Call::patch(url, json!({ "status": "solved", "version": current }))
        .expect(api, OK)
        .await;
    let closed = Call::patch(url, json!({ "status": "closed" }))
        .header("if-match", format!("\"{}\"", current + 1))
        .expect(api, OK)
        .await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closed_at"], LATER);
    closed
}

/// The whole story, in order, and in pages.
async fn check_timeline(api: &Api, number: &str) {
    let events = timeline(api, number).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "ticket_created",
            "message_added",
            "message_added",
            "field_changed",
            "message_added",
            "message_added",
            "field_changed",
            "field_changed",
            "message_added",
            "reopened",
            "field_changed",
            "field_changed",
            "field_changed",
        ]
    );
    let change = |field: &str, from: &str, to: &str| (field.to_string(), json!(from), json!(to));
    assert_eq!(
        changes(&events),
        [
            change("status", "new", "open"),
            change("priority", "normal", "high"),
            change("status", "open", "solved"),
            change("status", "solved", "open"),
            change("status", "open", "solved"),
            change("status", "solved", "closed"),
        ]
    );
    for e in &events {
        assert!(e["id"].is_i64());
        assert!(e["at"].as_str().is_some_and(|t| t.ends_with('Z')));
    }
    assert_eq!(
        events[0]["actor"],
        json!({ "kind": "api", "client": "tests" })
    );
    // The customer's own words are recorded as theirs.
    assert_eq!(of_kind(&events, "reopened")[0]["actor"]["kind"], "customer");
    let ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "timeline is oldest first: {ids:?}"
    );

    // The timeline pages too.
    let pages = format!("/api/v1/tickets/{number}/timeline?limit=5");
    let first = get(api, &pages).await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 5);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = get(api, &format!("{pages}&cursor={cursor}")).await.json();
    assert_eq!(second["items"][0]["id"], events[5]["id"]);
}
