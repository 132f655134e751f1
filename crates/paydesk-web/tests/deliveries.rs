//! `GET /api/v1/tickets/{number}/deliveries` on both engines: a staff reply's queued email
//! is visible on its ticket with its status; personal data is masked for a BPO agent, and
//! a ticket outside the caller's sight answers 404 like one that does not exist.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::{Timestamp, VendorId};
use paydesk_store::{NewQueue, Store};
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use tower::ServiceExt as _;

/// The router, acting for the caller named in `x-test-as` (none: no credentials).
fn router(app: App, callers: HashMap<&'static str, Caller>) -> axum::Router {
    let callers = Arc::new(callers);
    paydesk_web::router(app).layer(axum::middleware::from_fn(
        move |mut request: Request<Body>, next: axum::middleware::Next| {
            let callers = callers.clone();
            async move {
                let who = request
                    .headers()
                    .get("x-test-as")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|name| callers.get(name).cloned());
                if let Some(caller) = who {
                    request.extensions_mut().insert(caller);
                }
                next.run(request).await
            }
        },
    ))
}

async fn send(
    router: &axum::Router,
    method: &str,
    uri: &str,
    who: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("x-test-as", who)
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn get(router: &axum::Router, uri: &str, who: &str) -> (StatusCode, Value) {
    send(router, "GET", uri, who, None).await
}

async fn post(router: &axum::Router, uri: &str, who: &str, body: Value) -> Value {
    let (status, body) = send(router, "POST", uri, who, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{uri}: {body}");
    body
}

/// A staff member of `role` (of `vendor`) as a caller.
async fn staff(app: &App, email: &str, role: Role, vendor: Option<VendorId>) -> Caller {
    let u = app
        .add_user(&Caller::system(), email, "Someone", role, vendor, None)
        .await
        .unwrap();
    Caller::new(
        Principal::User {
            id: u.id,
            role,
            vendor_id: vendor,
        },
        None,
    )
}

async fn deliveries_show_on_the_ticket(store: Store) {
    let app = App::new(
        store.clone(),
        Arc::new(ManualClock::at(Timestamp(1_790_000_000_000))),
    );
    let at = Timestamp(1);
    let va = store.insert_vendor("Northwind", at).await.unwrap().id;
    let vb = store.insert_vendor("Southridge", at).await.unwrap().id;
    let new_queue = NewQueue {
        key: "a".into(),
        name: "a".into(),
        business_line: None,
        vendor_id: Some(va),
    };
    let queue = store.insert_queue(&new_queue, at).await.unwrap().id;
    let callers = HashMap::from([
        (
            "agent",
            staff(&app, "agent@desk.example", Role::Agent, None).await,
        ),
        (
            "bpo_a",
            staff(&app, "a@northwind.example", Role::BpoAgent, Some(va)).await,
        ),
        (
            "bpo_b",
            staff(&app, "b@southridge.example", Role::BpoAgent, Some(vb)).await,
        ),
    ]);
    let router = router(app, callers);
    let customer = post(
        &router,
        "/api/v1/customers",
        "agent",
        json!({ "business_line": "buyer", "name": "Ana Cruz", "emails": ["ana.cruz@example.com"] }),
    )
    .await;
    let ticket = post(
        &router,
        "/api/v1/tickets",
        "agent",
        json!({ "subject": "Double charge", "body": "charged twice", "business_line": "buyer",
                "queue_id": queue.0, "customer_id": customer["id"] }),
    )
    .await;
    let number = ticket["number"].as_str().unwrap();
    let uri = format!("/api/v1/tickets/{number}/deliveries");
    let (_, none_yet) = get(&router, &uri, "agent").await;
    assert_eq!(none_yet["items"], json!([]));
    post(
        &router,
        &format!("/api/v1/tickets/{number}/messages"),
        "agent",
        json!({ "body": "Refunded." }),
    )
    .await;

    let (status, body) = get(&router, &uri, "agent").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let d = &items[0];
    assert_eq!(
        d["status"], "queued",
        "no SMTP configured: it waits, visibly"
    );
    assert_eq!(d["attempts"], 0);
    assert_eq!(d["recipient"], "ana.cruz@example.com");
    assert_eq!(d["subject"], format!("Re: Double charge [{number}]"));
    let id = number.trim_start_matches("PD-");
    assert!(
        d["mail_id"]
            .as_str()
            .unwrap()
            .starts_with(&format!("<pd.{id}."))
    );
    assert!(d["next_attempt_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(d["sent_at"], Value::Null);

    let (status, body) = get(&router, &uri, "bpo_a").await;
    assert_eq!(status, StatusCode::OK);
    let masked = body["items"][0]["recipient"].as_str().unwrap();
    assert_ne!(masked, "ana.cruz@example.com", "masked for a BPO agent");

    let (status, body) = get(&router, &uri, "bpo_b").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = get(&router, "/api/v1/tickets/PD-999999/deliveries", "agent").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&router, &uri, "nobody").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (_, doc) = get(&router, "/api/v1/openapi.json", "agent").await;
    assert!(
        doc["paths"]
            .get("/api/v1/tickets/{number}/deliveries")
            .is_some()
    );
}

on_both_engines!(deliveries_show_on_the_ticket);
