//! Listing tickets: filters, full-text search, pages and refused queries.

use crate::client::{Call, all_refused_naming, create, create_customer, get, list, numbers};
use crate::common::Api;
use axum::http::StatusCode;
use paydesk_store::Store;
use serde_json::json;

const ALL: [&str; 5] = ["PD-5", "PD-4", "PD-3", "PD-2", "PD-1"];

pub async fn listing_filters_and_pages(store: Store) {
    let api = Api::new(store);
    let customer =
        json!({ "business_line": "merchant", "name": "Shop", "emails": ["ops@shop.example"] });
    let customer_id = create_customer(&api, &customer).await["id"]
        .as_i64()
        .unwrap();
    let day = 86_400_000;
    // PD-1 .. PD-5, one a day.
    let specs = [
        json!({ "subject": "Chargeback on order 77", "body": "The buyer opened a dispute.", "business_line": "merchant", "tags": ["dispute"], "category": "chargeback", "customer_id": customer_id }),
        json!({ "subject": "Payout delayed", "body": "My weekly payout is late.", "business_line": "creator", "tags": ["payout", "urgent-ish"] }),
        json!({ "subject": "Double charge", "body": "Charged twice for the same basket.", "business_line": "buyer", "tags": ["dispute", "refund"], "category": "duplicate_charge" }),
        json!({ "subject": "Card declined", "body": "My card keeps getting declined at checkout.", "business_line": "buyer", "category": "declines" }),
        json!({ "subject": "Payout missing", "body": "Nothing arrived this week, payout missing.", "business_line": "merchant", "customer_id": customer_id, "tags": ["payout"] }),
    ];
    for spec in &specs {
        create(&api, spec).await;
        api.clock.advance(day);
    }
    // PD-2 open, PD-3 pending, PD-4 solved; PD-1 and PD-5 stay new.
    for (number, status) in [("PD-2", "open"), ("PD-3", "pending"), ("PD-4", "solved")] {
        let change = json!({ "status": status });
        Call::patch(format!("/api/v1/tickets/{number}"), change)
            .expect(&api, StatusCode::OK)
            .await;
    }
    // Full-text search covers replies, not only the first message.
    let reply = json!({ "body": "Issuer reference ZX81 confirms the decline." });
    Call::post("/api/v1/tickets/PD-4/messages", reply)
        .expect(&api, StatusCode::CREATED)
        .await;

    let by_customer = format!("customer_id={customer_id}");
    let filters: [(&str, &[&str]); 24] = [
        ("", &ALL),
        ("status=new", &["PD-5", "PD-1"]),
        ("status=open,pending", &["PD-3", "PD-2"]),
        ("status=open,%20solved,", &["PD-4", "PD-2"]),
        ("business_line=merchant", &["PD-5", "PD-1"]),
        ("business_line=buyer&status=solved", &["PD-4"]),
        ("tag=dispute", &["PD-3", "PD-1"]),
        ("tag=%20Payout%20", &["PD-5", "PD-2"]),
        ("category=declines", &["PD-4"]),
        (&by_customer, &["PD-5", "PD-1"]),
        ("customer_id=999", &[]),
        ("assignee_id=7", &[]),
        // Day 1 starts at T0 (PD-1); created_to is exclusive.
        ("created_from=2026-09-22T14:13:20Z", &ALL[..4]),
        (
            "created_from=2026-09-22T14:13:20Z&created_to=2026-09-24T14:13:20Z",
            &["PD-3", "PD-2"],
        ),
        ("created_to=2026-09-23", &["PD-2", "PD-1"]),
        ("created_from=2026-09-23T16:13:20%2B02:00", &ALL[..3]),
        ("q=payout", &["PD-5", "PD-2"]),
        ("q=PAYOUT%20missing", &["PD-5"]),
        ("q=zx81", &["PD-4"]),
        ("q=dispute", &["PD-1"]),
        ("q=nothing-like-this-word", &[]),
        // Filters combine, including the two with engine-specific SQL.
        ("status=new&tag=payout&q=payout", &["PD-5"]),
        (
            "business_line=creator&tag=payout&q=weekly&status=open",
            &["PD-2"],
        ),
        ("tag=dispute&q=charged", &["PD-3"]),
    ];
    for (query, expected) in filters {
        assert_eq!(list(&api, query).await, expected, "?{query}");
    }
    assert_eq!(list(&api, "assignee_id=none").await.len(), 5);

    pages(&api).await;
    refused_queries(&api).await;
}

/// Pages of two, each cursor leading on, no ticket twice, none missed; a cursor keeps its
/// filter.
async fn pages(api: &Api) {
    let mut seen = Vec::new();
    let mut uri = "/api/v1/tickets?limit=2".to_string();
    let mut pages = 0;
    loop {
        let page = Call::get(&uri).expect(api, StatusCode::OK).await;
        let items = numbers(&page);
        assert!(items.len() <= 2);
        seen.extend(items);
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(cursor) => uri = format!("/api/v1/tickets?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ALL);
    // A cursor keeps its filter's order.
    let page = get(api, "/api/v1/tickets?limit=1&status=new").await.json();
    let cursor = page["next_cursor"].as_str().unwrap();
    assert_eq!(
        list(api, &format!("limit=1&status=new&cursor={cursor}")).await,
        ["PD-1"]
    );
}

async fn refused_queries(api: &Api) {
    let query = |q: &str| Call::get(format!("/api/v1/tickets?{q}"));
    let invalid = [
        (query("status=bogus"), Some("status")),
        (query("created_from=yesterday"), Some("created_from")),
        (query("assignee_id=someone"), Some("assignee_id")),
        (query("limit=abc"), None),
        (query("colour=red"), None),
    ];
    all_refused_naming(api, invalid, StatusCode::BAD_REQUEST, "invalid_query").await;
    query("cursor=not-ours")
        .refused(api, StatusCode::BAD_REQUEST, "invalid_field")
        .await;
}
