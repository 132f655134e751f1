//! Customers: create, read, find, page, change, and tickets that name them.

use crate::client::{Call, all_refused, create, create_customer, get, ticket};
use crate::common::Api;
use axum::http::StatusCode;
use paydesk_store::Store;
use serde_json::{Value, json};

const OK: StatusCode = StatusCode::OK;
const BAD_REQUEST: StatusCode = StatusCode::BAD_REQUEST;

/// The customers a listing query finds.
async fn found(api: &Api, query: &str) -> Vec<Value> {
    let page = Call::get(format!("/api/v1/customers?{query}"))
        .expect(api, OK)
        .await;
    page["items"].as_array().unwrap().clone()
}

pub async fn customers_round_trip(store: Store) {
    let api = Api::new(store);
    let shop = json!({
        "business_line": "merchant",
        "name": "  Corner Shop  ",
        "emails": ["Owner@Shop.Example", "owner@shop.example", "billing@shop.example"],
        "country": "de",
        "locale": "de-DE",
        "tier": "vip",
        "external_ids": { "shop_id": "s-42" },
    });
    let c = create_customer(&api, &shop).await;
    assert_eq!(c["name"], "Corner Shop");
    assert_eq!(
        c["emails"],
        json!(["owner@shop.example", "billing@shop.example"])
    );
    assert_eq!(c["country"], "DE");
    assert_eq!(c["tier"], "vip");
    assert_eq!(c["version"], 1);
    assert_eq!(c["external_ids"], json!({ "shop_id": "s-42" }));
    let id = c["id"].as_i64().unwrap();
    let other = json!({ "business_line": "buyer", "name": "Bea", "emails": ["bea@example.com"] });
    assert_eq!(create_customer(&api, &other).await["tier"], "standard");

    let url = format!("/api/v1/customers/{id}");
    assert_eq!(Call::get(&url).expect(&api, OK).await, c);
    finding(&api, id).await;
    changing(&api, &url).await;

    all_refused(
        &api,
        [
            Call::get("/api/v1/customers/999"),
            Call::get("/api/v1/customers/abc"),
            Call::patch("/api/v1/customers/999", json!({ "name": "x" })),
        ],
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // A ticket may name the customer; one naming no customer is refused.
    let mut body = ticket("About my shop");
    body["customer_id"] = json!(id);
    assert_eq!(create(&api, &body).await["customer_id"], id);
    body["customer_id"] = json!(999);
    Call::post("/api/v1/tickets", body)
        .refused(&api, BAD_REQUEST, "invalid_field")
        .await;
}

/// By email, by business line, everyone, nobody, a page at a time; `id` is the first made.
async fn finding(api: &Api, id: i64) {
    let by_email = found(api, "email=billing@shop.example").await;
    assert_eq!(by_email.len(), 1);
    assert_eq!(by_email[0]["id"], id);
    for (query, count) in [
        ("", 2),
        ("business_line=merchant", 1),
        ("email=nobody@example.com", 0),
    ] {
        assert_eq!(found(api, query).await.len(), count, "?{query}");
    }
    let first = get(api, "/api/v1/customers?limit=1").await.json();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = get(api, &format!("/api/v1/customers?limit=1&cursor={cursor}"))
        .await
        .json();
    assert_eq!(second["items"][0]["id"], id);
    assert!(second["next_cursor"].is_null());
}

/// Changes at the right version, a stale one refused, invalid input refused.
async fn changing(api: &Api, url: &str) {
    let changed = Call::patch(
        url,
        json!({ "version": 1, "tier": "strategic", "phone": "+49 30 1234", "country": null }),
    )
    .expect(api, OK)
    .await;
    assert_eq!(changed["tier"], "strategic");
    assert_eq!(changed["phone"], "+49 30 1234");
    assert!(changed["country"].is_null());
    assert_eq!(changed["version"], 2);
    Call::patch(url, json!({ "version": 1, "name": "Late" }))
        .refused(api, StatusCode::CONFLICT, "version_conflict")
        .await;
    assert_eq!(get(api, url).await.json()["name"], "Corner Shop");
    let renamed = Call::patch(url, json!({ "version": 2, "name": "Corner Shop GmbH" }))
        .expect(api, OK)
        .await;
    assert_eq!(renamed["version"], 3);

    let invalid = Call::patch(url, json!({ "emails": ["not an email"] }))
        .refused(api, BAD_REQUEST, "invalid_field")
        .await;
    assert_eq!(invalid["field"], "emails");
    Call::post(
        "/api/v1/customers",
        json!({ "business_line": "buyer", "name": " " }),
    )
    .refused(api, BAD_REQUEST, "invalid_field")
    .await;
}
