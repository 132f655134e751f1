//! The JSON API end to end, in-process, on both engines: what a client sees for tickets,
//! messages, the status machine, optimistic concurrency, idempotent creates, listing,
//! card-data masking, customers, health checks and the OpenAPI document.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Api, Reply};
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};

fn request(
    method: Method,
    uri: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    if body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    builder.body(body).unwrap()
}

async fn get(api: &Api, uri: &str) -> Reply {
    api.send(request(Method::GET, uri, None, &[])).await
}

async fn post(api: &Api, uri: &str, body: &Value) -> Reply {
    api.send(request(Method::POST, uri, Some(body), &[])).await
}

async fn patch(api: &Api, uri: &str, body: &Value) -> Reply {
    api.send(request(Method::PATCH, uri, Some(body), &[])).await
}

/// Asserts a status, showing the body when it differs.
fn expect(reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "body: {}", reply.text());
}

/// Asserts a problem document with this status and code.
fn expect_problem(reply: &Reply, status: StatusCode, code: &str) {
    expect(reply, status);
    assert_eq!(reply.content_type(), "application/problem+json");
    let body = reply.json();
    assert_eq!(body["code"], code, "body: {body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "body: {body}"
    );
}

fn ticket(subject: &str) -> Value {
    json!({ "subject": subject, "body": "I was charged twice for one order.", "business_line": "buyer" })
}

async fn create(api: &Api, body: &Value) -> Value {
    let reply = post(api, "/api/v1/tickets", body).await;
    expect(&reply, StatusCode::CREATED);
    reply.json()
}

async fn timeline(api: &Api, number: &str) -> Vec<Value> {
    let reply = get(api, &format!("/api/v1/tickets/{number}/timeline?limit=200")).await;
    expect(&reply, StatusCode::OK);
    let page = reply.json();
    assert!(page["next_cursor"].is_null());
    page["items"].as_array().unwrap().clone()
}

fn of_kind<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["kind"] == kind).collect()
}

/// `(field, from, to)` of each `field_changed` event, in order.
fn changes(events: &[Value]) -> Vec<(String, Value, Value)> {
    of_kind(events, "field_changed")
        .into_iter()
        .map(|e| {
            (
                e["data"]["field"].as_str().unwrap().to_string(),
                e["data"]["from"].clone(),
                e["data"]["to"].clone(),
            )
        })
        .collect()
}

fn numbers(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_str().unwrap().to_string())
        .collect()
}

async fn list(api: &Api, query: &str) -> Vec<String> {
    let reply = get(api, &format!("/api/v1/tickets?{query}")).await;
    expect(&reply, StatusCode::OK);
    numbers(&reply.json())
}

async fn create_is_idempotent_by_key(store: Store) {
    let api = Api::new(store);
    let body = ticket("Charged twice");
    let key = [("idempotency-key", "order-1001-retry")];

    let first = api
        .send(request(Method::POST, "/api/v1/tickets", Some(&body), &key))
        .await;
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
    let at_location = get(&api, &location).await;
    expect(&at_location, StatusCode::OK);
    assert_eq!(at_location.json()["id"], created["id"]);

    let retry = api
        .send(request(Method::POST, "/api/v1/tickets", Some(&body), &key))
        .await;
    expect(&retry, StatusCode::OK);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.json()["id"], created["id"]);
    assert_eq!(retry.json()["number"], "PD-1");
    assert_eq!(list(&api, "").await, ["PD-1"]);

    let other = ticket("Charged three times");
    let reused = api
        .send(request(Method::POST, "/api/v1/tickets", Some(&other), &key))
        .await;
    expect_problem(
        &reused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    assert_eq!(list(&api, "").await, ["PD-1"]);

    // Without a key, the same body makes a second ticket.
    assert_eq!(create(&api, &body).await["number"], "PD-2");
    assert_eq!(list(&api, "").await, ["PD-2", "PD-1"]);
}

async fn ticket_lifecycle(store: Store) {
    let api = Api::new(store);
    let customer = post(
        &api,
        "/api/v1/customers",
        &json!({ "business_line": "buyer", "name": "Ada", "emails": ["ada@example.com"] }),
    )
    .await;
    expect(&customer, StatusCode::CREATED);
    let customer_id = customer.json()["id"].clone();
    let mut body = ticket("Refund not received");
    body["customer_id"] = customer_id.clone();
    body["tags"] = json!(["Refund", "refund", "card"]);
    body["category"] = json!("Refund_Status");
    let created = create(&api, &body).await;
    assert_eq!(created["tags"], json!(["card", "refund"]));
    assert_eq!(created["category"], "refund_status");
    let number = created["number"].as_str().unwrap().to_string();
    let url = format!("/api/v1/tickets/{number}");

    let detail = get(&api, &url).await;
    expect(&detail, StatusCode::OK);
    let detail = detail.json();
    assert_eq!(detail["number"], number.as_str());
    assert_eq!(detail["subject"], "Refund not received");
    let messages = detail["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["body"], "I was charged twice for one order.");
    assert_eq!(messages[0]["visibility"], "public");
    assert_eq!(
        messages[0]["author"],
        json!({ "kind": "customer", "id": customer_id })
    );
    // The bare number and the lower-case form name the same ticket.
    let id = created["id"].as_i64().unwrap();
    expect(
        &get(&api, &format!("/api/v1/tickets/{id}")).await,
        StatusCode::OK,
    );
    expect(
        &get(&api, &format!("/api/v1/tickets/pd-{id}")).await,
        StatusCode::OK,
    );

    api.clock.advance(60_000);
    let reply = post(
        &api,
        &format!("{url}/messages"),
        &json!({ "body": "We are looking into it." }),
    )
    .await;
    expect(&reply, StatusCode::CREATED);
    assert_eq!(reply.json()["visibility"], "public");
    assert_eq!(reply.json()["author"], json!({ "kind": "system" }));
    assert_eq!(reply.json()["created_at"], "2026-09-21T14:14:20.000Z");
    let after_reply = get(&api, &url).await.json();
    assert_eq!(after_reply["status"], "open");
    assert_eq!(after_reply["version"], 2);

    let note = post(
        &api,
        &format!("{url}/messages"),
        &json!({ "body": "Acquirer says settled.", "visibility": "internal" }),
    )
    .await;
    expect(&note, StatusCode::CREATED);
    assert_eq!(note.json()["visibility"], "internal");
    let from_customer = post(
        &api,
        &format!("{url}/messages"),
        &json!({ "body": "Any news?", "from": "customer" }),
    )
    .await;
    expect(&from_customer, StatusCode::CREATED);
    assert_eq!(
        from_customer.json()["author"],
        json!({ "kind": "customer", "id": customer_id })
    );
    let internal_customer = post(
        &api,
        &format!("{url}/messages"),
        &json!({ "body": "x", "from": "customer", "visibility": "internal" }),
    )
    .await;
    expect_problem(&internal_customer, StatusCode::BAD_REQUEST, "invalid_field");
    let detail = get(&api, &url).await.json();
    assert_eq!(detail["messages"].as_array().unwrap().len(), 4);
    assert_eq!(detail["status"], "open");
    let version = detail["version"].as_i64().unwrap();
    assert_eq!(version, 4);

    // Two fields in one change: two events.
    let solved = patch(
        &api,
        &url,
        &json!({ "version": version, "status": "solved", "priority": "high" }),
    )
    .await;
    expect(&solved, StatusCode::OK);
    let solved = solved.json();
    assert_eq!(solved["status"], "solved");
    assert_eq!(solved["priority"], "high");
    assert_eq!(solved["version"], version + 1);
    assert_eq!(solved["solved_at"], "2026-09-21T14:14:20.000Z");

    let stale = patch(
        &api,
        &url,
        &json!({ "version": version, "priority": "low" }),
    )
    .await;
    expect_problem(&stale, StatusCode::CONFLICT, "version_conflict");
    let stale_by_header = api
        .send(request(
            Method::PATCH,
            &url,
            Some(&json!({ "priority": "low" })),
            &[("if-match", &format!("\"{version}\""))],
        ))
        .await;
    expect_problem(&stale_by_header, StatusCode::CONFLICT, "version_conflict");
    let stale_reply = post(
        &api,
        &format!("{url}/messages"),
        &json!({ "body": "late", "version": version }),
    )
    .await;
    expect_problem(&stale_reply, StatusCode::CONFLICT, "version_conflict");
    assert_eq!(get(&api, &url).await.json()["priority"], "high");

    let bad_move = patch(&api, &url, &json!({ "status": "pending" })).await;
    expect_problem(&bad_move, StatusCode::CONFLICT, "invalid_transition");
    let no_change = patch(&api, &url, &json!({ "status": "solved" })).await;
    expect(&no_change, StatusCode::OK);
    assert_eq!(no_change.json()["version"], version + 1);

    let reopen = post(
        &api,
        &format!("{url}/messages"),
        &json!({ "body": "Still missing!", "from": "customer" }),
    )
    .await;
    expect(&reopen, StatusCode::CREATED);
    let reopened = get(&api, &url).await.json();
    assert_eq!(reopened["status"], "open");
    assert!(reopened["solved_at"].is_null());
    let events = timeline(&api, &number).await;
    let reopened_events = of_kind(&events, "reopened");
    assert_eq!(reopened_events.len(), 1);
    assert_eq!(reopened_events[0]["data"]["by"], "customer_reply");

    let current = reopened["version"].as_i64().unwrap();
    let solve_again = patch(
        &api,
        &url,
        &json!({ "status": "solved", "version": current }),
    )
    .await;
    expect(&solve_again, StatusCode::OK);
    let close = api
        .send(request(
            Method::PATCH,
            &url,
            Some(&json!({ "status": "closed" })),
            &[("if-match", &format!("\"{}\"", current + 1))],
        ))
        .await;
    expect(&close, StatusCode::OK);
    let closed = close.json();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closed_at"], "2026-09-21T14:14:20.000Z");
    for change in [
        json!({ "priority": "low" }),
        json!({ "status": "open" }),
        json!({ "tags": ["x"] }),
        json!({ "subject": "new" }),
    ] {
        expect_problem(
            &patch(&api, &url, &change).await,
            StatusCode::CONFLICT,
            "ticket_closed",
        );
    }
    for message in [
        json!({ "body": "hello?" }),
        json!({ "body": "hello?", "from": "customer" }),
        json!({ "body": "n", "visibility": "internal" }),
    ] {
        expect_problem(
            &post(&api, &format!("{url}/messages"), &message).await,
            StatusCode::CONFLICT,
            "ticket_closed",
        );
    }
    let still = get(&api, &url).await.json();
    assert_eq!(still["version"], closed["version"]);
    assert_eq!(still["messages"].as_array().unwrap().len(), 5);

    let events = timeline(&api, &number).await;
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
    assert_eq!(
        changes(&events),
        [
            ("status".to_string(), json!("new"), json!("open")),
            ("priority".to_string(), json!("normal"), json!("high")),
            ("status".to_string(), json!("open"), json!("solved")),
            ("status".to_string(), json!("solved"), json!("open")),
            ("status".to_string(), json!("open"), json!("solved")),
            ("status".to_string(), json!("solved"), json!("closed")),
        ]
    );
    for e in &events {
        assert!(e["id"].is_i64());
        assert!(e["at"].as_str().is_some_and(|t| t.ends_with('Z')));
    }
    assert_eq!(
        events[0]["actor"],
        json!({ "kind": "api", "client": "api" })
    );
    // The customer's own words are recorded as theirs.
    assert_eq!(of_kind(&events, "reopened")[0]["actor"]["kind"], "customer");
    let ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "timeline is oldest first: {ids:?}"
    );

    // The timeline pages too.
    let first = get(&api, &format!("/api/v1/tickets/{number}/timeline?limit=5"))
        .await
        .json();
    assert_eq!(first["items"].as_array().unwrap().len(), 5);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = get(
        &api,
        &format!("/api/v1/tickets/{number}/timeline?limit=5&cursor={cursor}"),
    )
    .await
    .json();
    assert_eq!(second["items"][0]["id"], events[5]["id"]);

    expect_problem(
        &get(&api, "/api/v1/tickets/PD-999").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    expect_problem(
        &patch(
            &api,
            "/api/v1/tickets/PD-999",
            &json!({ "priority": "low" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    expect_problem(
        &post(
            &api,
            "/api/v1/tickets/PD-999/messages",
            &json!({ "body": "x" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

async fn listing_filters_and_pages(store: Store) {
    let api = Api::new(store);
    let customer = post(
        &api,
        "/api/v1/customers",
        &json!({ "business_line": "merchant", "name": "Shop", "emails": ["ops@shop.example"] }),
    )
    .await;
    let customer_id = customer.json()["id"].as_i64().unwrap();
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
    expect(
        &patch(&api, "/api/v1/tickets/PD-2", &json!({ "status": "open" })).await,
        StatusCode::OK,
    );
    expect(
        &patch(
            &api,
            "/api/v1/tickets/PD-3",
            &json!({ "status": "pending" }),
        )
        .await,
        StatusCode::OK,
    );
    expect(
        &patch(&api, "/api/v1/tickets/PD-4", &json!({ "status": "solved" })).await,
        StatusCode::OK,
    );
    // Full-text search covers replies, not only the first message.
    expect(
        &post(
            &api,
            "/api/v1/tickets/PD-4/messages",
            &json!({ "body": "Issuer reference ZX81 confirms the decline." }),
        )
        .await,
        StatusCode::CREATED,
    );

    assert_eq!(
        list(&api, "").await,
        ["PD-5", "PD-4", "PD-3", "PD-2", "PD-1"]
    );
    assert_eq!(list(&api, "status=new").await, ["PD-5", "PD-1"]);
    assert_eq!(list(&api, "status=open,pending").await, ["PD-3", "PD-2"]);
    assert_eq!(list(&api, "status=open,%20solved,").await, ["PD-4", "PD-2"]);
    assert_eq!(list(&api, "business_line=merchant").await, ["PD-5", "PD-1"]);
    assert_eq!(
        list(&api, "business_line=buyer&status=solved").await,
        ["PD-4"]
    );
    assert_eq!(list(&api, "tag=dispute").await, ["PD-3", "PD-1"]);
    assert_eq!(list(&api, "tag=%20Payout%20").await, ["PD-5", "PD-2"]);
    assert_eq!(list(&api, "category=declines").await, ["PD-4"]);
    assert_eq!(
        list(&api, &format!("customer_id={customer_id}")).await,
        ["PD-5", "PD-1"]
    );
    assert_eq!(list(&api, "customer_id=999").await, Vec::<String>::new());
    assert_eq!(list(&api, "assignee_id=none").await.len(), 5);
    assert_eq!(list(&api, "assignee_id=7").await, Vec::<String>::new());
    // Day 1 starts at T0 (PD-1); created_to is exclusive.
    assert_eq!(
        list(&api, "created_from=2026-09-22T14:13:20Z").await,
        ["PD-5", "PD-4", "PD-3", "PD-2"]
    );
    assert_eq!(
        list(
            &api,
            "created_from=2026-09-22T14:13:20Z&created_to=2026-09-24T14:13:20Z"
        )
        .await,
        ["PD-3", "PD-2"]
    );
    assert_eq!(list(&api, "created_to=2026-09-23").await, ["PD-2", "PD-1"]);
    assert_eq!(
        list(&api, "created_from=2026-09-23T16:13:20%2B02:00").await,
        ["PD-5", "PD-4", "PD-3"]
    );
    assert_eq!(list(&api, "q=payout").await, ["PD-5", "PD-2"]);
    assert_eq!(list(&api, "q=PAYOUT%20missing").await, ["PD-5"]);
    assert_eq!(list(&api, "q=zx81").await, ["PD-4"]);
    assert_eq!(list(&api, "q=dispute").await, ["PD-1"]);
    assert_eq!(
        list(&api, "q=nothing-like-this-word").await,
        Vec::<String>::new()
    );
    // Filters combine, including the two with engine-specific SQL.
    assert_eq!(list(&api, "status=new&tag=payout&q=payout").await, ["PD-5"]);
    assert_eq!(
        list(
            &api,
            "business_line=creator&tag=payout&q=weekly&status=open"
        )
        .await,
        ["PD-2"]
    );
    assert_eq!(list(&api, "tag=dispute&q=charged").await, ["PD-3"]);

    // Pages of two, each cursor leading on, no ticket twice, none missed.
    let mut seen = Vec::new();
    let mut uri = "/api/v1/tickets?limit=2".to_string();
    let mut pages = 0;
    loop {
        let page = get(&api, &uri).await;
        expect(&page, StatusCode::OK);
        let page = page.json();
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
    assert_eq!(seen, ["PD-5", "PD-4", "PD-3", "PD-2", "PD-1"]);
    // A cursor keeps its filter's order.
    let page = get(&api, "/api/v1/tickets?limit=1&status=new").await.json();
    let cursor = page["next_cursor"].as_str().unwrap();
    assert_eq!(
        list(&api, &format!("limit=1&status=new&cursor={cursor}")).await,
        ["PD-1"]
    );

    for (query, field) in [
        ("status=bogus", "status"),
        ("created_from=yesterday", "created_from"),
        ("assignee_id=someone", "assignee_id"),
    ] {
        let reply = get(&api, &format!("/api/v1/tickets?{query}")).await;
        expect_problem(&reply, StatusCode::BAD_REQUEST, "invalid_query");
        assert_eq!(reply.json()["field"], field);
    }
    expect_problem(
        &get(&api, "/api/v1/tickets?limit=abc").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    expect_problem(
        &get(&api, "/api/v1/tickets?colour=red").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    expect_problem(
        &get(&api, "/api/v1/tickets?cursor=not-ours").await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
    );
}

async fn card_data_is_masked(store: Store) {
    let api = Api::new(store);
    let created = create(
        &api,
        &json!({
            "subject": "Card 4111 1111 1111 1111 charged twice",
            "body": "My card is 4111 1111 1111 1111, CVV 123, please refund.",
            "business_line": "buyer",
        }),
    )
    .await;
    let number = created["number"].as_str().unwrap().to_string();
    let url = format!("/api/v1/tickets/{number}");
    let reply = post(
        &api,
        &format!("{url}/messages"),
        &json!({ "body": "Also tried 4111111111111111 with CVV: 123", "from": "customer" }),
    )
    .await;
    expect(&reply, StatusCode::CREATED);
    let changed = patch(
        &api,
        &url,
        &json!({ "subject": "Now about 4111-1111-1111-1111" }),
    )
    .await;
    expect(&changed, StatusCode::OK);

    let detail = get(&api, &url).await;
    let listed = get(&api, "/api/v1/tickets?q=refund").await;
    let events = get(&api, &format!("{url}/timeline")).await;
    for r in [&reply, &changed, &detail, &listed, &events] {
        assert!(r.status.is_success(), "{}: {}", r.status, r.text());
        let text = String::from_utf8_lossy(&r.body);
        for secret in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "CVV 123",
            "CVV: 123",
        ] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
    }
    assert!(
        created["subject"]
            .as_str()
            .unwrap()
            .contains("[card ****1111]"),
        "{created}"
    );
    let detail = detail.json();
    assert_eq!(
        detail["messages"][0]["body"],
        "My card is [card ****1111], CVV [cvv ***], please refund."
    );
    assert_eq!(
        detail["messages"][1]["body"],
        "Also tried [card ****1111] with CVV: [cvv ***]"
    );
    assert_eq!(detail["subject"], "Now about [card ****1111]");
    assert_eq!(numbers(&listed.json()), [number.as_str()]);

    let events = events.json()["items"].as_array().unwrap().clone();
    let redacted: Vec<(Value, Value, Value)> = of_kind(&events, "redacted")
        .into_iter()
        .map(|e| {
            (
                e["data"]["field"].clone(),
                e["data"]["card_numbers"].clone(),
                e["data"]["security_codes"].clone(),
            )
        })
        .collect();
    assert_eq!(
        redacted,
        [
            (json!("subject"), json!(1), json!(0)),
            (json!("body"), json!(1), json!(1)),
            (json!("body"), json!(1), json!(1)),
            (json!("subject"), json!(1), json!(0)),
        ]
    );
    // Nothing to mask, no event.
    let plain = create(&api, &ticket("Plain")).await;
    let plain_events = timeline(&api, plain["number"].as_str().unwrap()).await;
    assert!(of_kind(&plain_events, "redacted").is_empty());
}

async fn customers_round_trip(store: Store) {
    let api = Api::new(store);
    let created = post(
        &api,
        "/api/v1/customers",
        &json!({
            "business_line": "merchant",
            "name": "  Corner Shop  ",
            "emails": ["Owner@Shop.Example", "owner@shop.example", "billing@shop.example"],
            "country": "de",
            "locale": "de-DE",
            "tier": "vip",
            "external_ids": { "shop_id": "s-42" },
        }),
    )
    .await;
    expect(&created, StatusCode::CREATED);
    let c = created.json();
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
    let other = post(
        &api,
        "/api/v1/customers",
        &json!({ "business_line": "buyer", "name": "Bea", "emails": ["bea@example.com"] }),
    )
    .await;
    expect(&other, StatusCode::CREATED);
    assert_eq!(other.json()["tier"], "standard");

    let got = get(&api, &format!("/api/v1/customers/{id}")).await;
    expect(&got, StatusCode::OK);
    assert_eq!(got.json(), c);

    let by_email = get(&api, "/api/v1/customers?email=billing@shop.example").await;
    expect(&by_email, StatusCode::OK);
    let items = by_email.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id);
    let all = get(&api, "/api/v1/customers").await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let merchants = get(&api, "/api/v1/customers?business_line=merchant")
        .await
        .json();
    assert_eq!(merchants["items"].as_array().unwrap().len(), 1);
    let nobody = get(&api, "/api/v1/customers?email=nobody@example.com")
        .await
        .json();
    assert_eq!(nobody["items"], json!([]));
    let first = get(&api, "/api/v1/customers?limit=1").await.json();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = get(&api, &format!("/api/v1/customers?limit=1&cursor={cursor}"))
        .await
        .json();
    assert_eq!(second["items"][0]["id"], id);
    assert!(second["next_cursor"].is_null());

    let url = format!("/api/v1/customers/{id}");
    let changed = patch(
        &api,
        &url,
        &json!({ "version": 1, "tier": "strategic", "phone": "+49 30 1234", "country": null }),
    )
    .await;
    expect(&changed, StatusCode::OK);
    let changed = changed.json();
    assert_eq!(changed["tier"], "strategic");
    assert_eq!(changed["phone"], "+49 30 1234");
    assert!(changed["country"].is_null());
    assert_eq!(changed["version"], 2);
    expect_problem(
        &patch(&api, &url, &json!({ "version": 1, "name": "Late" })).await,
        StatusCode::CONFLICT,
        "version_conflict",
    );
    assert_eq!(get(&api, &url).await.json()["name"], "Corner Shop");
    let renamed = patch(
        &api,
        &url,
        &json!({ "version": 2, "name": "Corner Shop GmbH" }),
    )
    .await;
    expect(&renamed, StatusCode::OK);
    assert_eq!(renamed.json()["version"], 3);

    let invalid = patch(&api, &url, &json!({ "emails": ["not an email"] })).await;
    expect_problem(&invalid, StatusCode::BAD_REQUEST, "invalid_field");
    assert_eq!(invalid.json()["field"], "emails");
    expect_problem(
        &post(
            &api,
            "/api/v1/customers",
            &json!({ "business_line": "buyer", "name": " " }),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
    );
    expect_problem(
        &get(&api, "/api/v1/customers/999").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    expect_problem(
        &get(&api, "/api/v1/customers/abc").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    expect_problem(
        &patch(&api, "/api/v1/customers/999", &json!({ "name": "x" })).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // A ticket may name the customer; one naming no customer is refused.
    let mut body = ticket("About my shop");
    body["customer_id"] = json!(id);
    assert_eq!(create(&api, &body).await["customer_id"], id);
    body["customer_id"] = json!(999);
    expect_problem(
        &post(&api, "/api/v1/tickets", &body).await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
    );
}

async fn health_and_openapi(store: Store) {
    let api = Api::new(store);
    let health = get(&api, "/healthz").await;
    expect(&health, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");
    let ready = get(&api, "/readyz").await;
    expect(&ready, StatusCode::OK);
    assert_eq!(ready.json()["status"], "ready");

    let doc = get(&api, "/api/v1/openapi.json").await;
    expect(&doc, StatusCode::OK);
    assert!(doc.content_type().starts_with("application/json"));
    let doc = doc.json();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/messages",
        "/api/v1/tickets/{number}/timeline",
        "/api/v1/customers",
        "/api/v1/customers/{id}",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    assert!(paths["/api/v1/tickets"]["post"].is_object());
    assert!(paths["/api/v1/tickets/{number}"]["patch"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());

    expect_problem(
        &get(&api, "/api/v2/nothing").await,
        StatusCode::NOT_FOUND,
        "route_not_found",
    );
    expect_problem(
        &api.send(request(Method::DELETE, "/api/v1/tickets", None, &[]))
            .await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    for uri in ["/healthz", "/readyz"] {
        let reply = api.send(request(Method::POST, uri, None, &[])).await;
        expect_problem(&reply, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    }
}

/// Inputs that once reached the database and failed there (500) are refused up front.
async fn unstorable_input_is_refused(store: Store) {
    let api = Api::new(store);
    let number = create(&api, &ticket("Fine")).await["number"]
        .as_str()
        .unwrap()
        .to_string();
    let mut body = ticket("nul\u{0}byte");
    let reply = post(&api, "/api/v1/tickets", &body).await;
    expect_problem(&reply, StatusCode::BAD_REQUEST, "invalid_field");
    assert_eq!(reply.json()["field"], "subject");
    body["subject"] = json!("ok");
    body["attachments"] =
        json!([{ "filename": "a.pdf", "content_type": "\u{0}", "size_bytes": 1 }]);
    let reply = post(&api, "/api/v1/tickets", &body).await;
    expect_problem(&reply, StatusCode::BAD_REQUEST, "invalid_field");
    assert_eq!(reply.json()["field"], "attachments.content_type");
    let reply = post(
        &api,
        &format!("/api/v1/tickets/{number}/messages"),
        &json!({ "body": "\u{0}" }),
    )
    .await;
    expect_problem(&reply, StatusCode::BAD_REQUEST, "invalid_field");
    expect_problem(
        &patch(
            &api,
            &format!("/api/v1/tickets/{number}"),
            &json!({ "subject": "a\u{0}" }),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
    );
    for query in ["tag=%00", "category=a%00"] {
        expect_problem(
            &get(&api, &format!("/api/v1/tickets?{query}")).await,
            StatusCode::BAD_REQUEST,
            "invalid_field",
        );
    }
    let customer = json!({ "business_line": "buyer", "name": "Ada", "phone": "\u{0}" });
    let reply = post(&api, "/api/v1/customers", &customer).await;
    expect_problem(&reply, StatusCode::BAD_REQUEST, "invalid_field");
    assert_eq!(reply.json()["field"], "phone");
    let customer =
        json!({ "business_line": "buyer", "name": "Ada", "external_ids": { "k": "v\u{0}" } });
    expect_problem(
        &post(&api, "/api/v1/customers", &customer).await,
        StatusCode::BAD_REQUEST,
        "invalid_field",
    );
    for query in ["email=%00", "name=a%00"] {
        expect_problem(
            &get(&api, &format!("/api/v1/customers?{query}")).await,
            StatusCode::BAD_REQUEST,
            "invalid_field",
        );
    }
    // Nothing half-written.
    assert_eq!(list(&api, "").await, [number.as_str()]);
    assert_eq!(
        get(&api, &format!("/api/v1/tickets/{number}")).await.json()["messages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Path segments that are not UTF-8 name nothing.
    expect_problem(
        &get(&api, "/api/v1/tickets/%FF").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    expect_problem(
        &get(&api, "/api/v1/customers/%C0%AF").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    expect_problem(
        &get(&api, "/api/v1/tickets/%FF/timeline").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

on_both_engines!(
    unstorable_input_is_refused,
    create_is_idempotent_by_key,
    ticket_lifecycle,
    listing_filters_and_pages,
    card_data_is_masked,
    customers_round_trip,
    health_and_openapi,
);
