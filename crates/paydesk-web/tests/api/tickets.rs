//! Creating tickets: idempotent by key, and input the store cannot hold refused up front.

use crate::client::{Call, all_refused, all_refused_naming, create, expect, get, list, ticket};
use crate::common::Api;
use axum::http::StatusCode;
use paydesk_store::Store;
use serde_json::{Value, json};

pub async fn create_is_idempotent_by_key(store: Store) {
    let api = Api::new(store);
    let body = ticket("Charged twice");
    let with_key = |body: &Value| {
        Call::post("/api/v1/tickets", body.clone()).header("idempotency-key", "order-1001-retry")
    };

    let first = with_key(&body).send(&api).await;
    expect(&first, StatusCode::CREATED);
    let created = first.json();
    assert_eq!(created["number"], "PD-1");
    assert_eq!(created["status"], "new");
    assert_eq!(created["version"], 1);
    assert_eq!(created["channel"], "api");
    assert_eq!(created["created_at"], "2026-09-21T14:13:20.000Z");
    assert!(first.header("idempotent-replayed").is_none());
    let location = first.header("location").unwrap().to_string();
    assert!(location.starts_with("/api/v1/tickets/"), "{location}");
    let at_location = Call::get(location).expect(&api, StatusCode::OK).await;
    assert_eq!(at_location["id"], created["id"]);

    let retry = with_key(&body).send(&api).await;
    expect(&retry, StatusCode::OK);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.json()["id"], created["id"]);
    assert_eq!(retry.json()["number"], "PD-1");
    assert_eq!(list(&api, "").await, ["PD-1"]);

    with_key(&ticket("Charged three times"))
        .refused(
            &api,
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
        )
        .await;
    assert_eq!(list(&api, "").await, ["PD-1"]);

    // Without a key, the same body makes a second ticket.
    assert_eq!(create(&api, &body).await["number"], "PD-2");
    assert_eq!(list(&api, "").await, ["PD-2", "PD-1"]);
}

/// Inputs that once reached the database and failed there (500) are refused up front.
pub async fn unstorable_input_is_refused(store: Store) {
    let api = Api::new(store);
    let number = create(&api, &ticket("Fine")).await["number"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("/api/v1/tickets/{number}");
    let mut with_attachment = ticket("ok");
    with_attachment["attachments"] =
        json!([{ "filename": "a.pdf", "content_type": "\u{0}", "size_bytes": 1 }]);
    // Each call, and the field the problem names where it names one.
    let calls = [
        (
            Call::post("/api/v1/tickets", ticket("nul\u{0}byte")),
            Some("subject"),
        ),
        (
            Call::post("/api/v1/tickets", with_attachment),
            Some("attachments.content_type"),
        ),
        (
            Call::post(format!("{url}/messages"), json!({ "body": "\u{0}" })),
            None,
        ),
        (Call::patch(&url, json!({ "subject": "a\u{0}" })), None),
        (Call::get("/api/v1/tickets?tag=%00"), None),
        (Call::get("/api/v1/tickets?category=a%00"), None),
        (
            Call::post(
                "/api/v1/customers",
                json!({ "business_line": "buyer", "name": "Ada", "phone": "\u{0}" }),
            ),
            Some("phone"),
        ),
        (
            Call::post(
                "/api/v1/customers",
                json!({ "business_line": "buyer", "name": "Ada", "external_ids": { "k": "v\u{0}" } }),
            ),
            None,
        ),
        (Call::get("/api/v1/customers?email=%00"), None),
        (Call::get("/api/v1/customers?name=a%00"), None),
    ];
    all_refused_naming(&api, calls, StatusCode::BAD_REQUEST, "invalid_field").await;
    // Nothing half-written.
    assert_eq!(list(&api, "").await, [number.as_str()]);
    let messages = get(&api, &url).await.json()["messages"].clone();
    assert_eq!(messages.as_array().unwrap().len(), 1);

    // Path segments that are not UTF-8 name nothing.
    all_refused(
        &api,
        [
            Call::get("/api/v1/tickets/%FF"),
            Call::get("/api/v1/customers/%C0%AF"),
            Call::get("/api/v1/tickets/%FF/timeline"),
        ],
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
