//! Payment-gateway webhooks over HTTP, on both engines.
//!
//! The Stripe examples in `shared/data/stripe` (stripe-ruby-mock's event payloads,
//! Stripe's own object fixtures wrapped in events, the Stripe CLI's trigger recipes) are
//! replayed signed with the right secret, a wrong one, a tampered body, an old or future
//! timestamp, and again: the good ones land exactly once, the others are refused and
//! change nothing ([`replay`]). A dispute is followed from creation to close, and charges
//! and payouts find their tickets and customers ([`lifecycle`], [`payment`]). paydesk's
//! own format is checked with its signature ([`generic`]), and bodies that cannot be used
//! are refused and kept ([`refused`]).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

mod dispute_work;
mod generic;
mod lifecycle;
mod payment;
mod refused;
mod replay;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Api, Reply, STRIPE_WEBHOOK_SECRET, T0, WEBHOOK_SECRET};
use paydesk_app::webhooks::signature::sign;
use paydesk_store::Store;
use serde_json::Value;
use std::path::Path;

/// The shared Stripe examples.
pub const STRIPE_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/stripe");

pub const STRIPE: &str = "/webhooks/stripe";
pub const PAYDESK: &str = "/webhooks/paydesk";

/// The test clock's time in Unix seconds (what a fresh signature carries).
pub fn now_secs(api: &Api) -> i64 {
    use paydesk_app::Clock as _;
    api.clock.now().0 / 1_000
}

/// A file of the shared examples, as bytes. Missing examples fail the test: it never skips.
pub fn shared(path: &str) -> Vec<u8> {
    let full = Path::new(STRIPE_DATA).join(path);
    std::fs::read(&full).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): these tests need shared/data/stripe beside the repository",
            full.display()
        )
    })
}

/// The shared ruby-mock event `name`, its id made unique (the examples all share one id),
/// the rest of its bytes as they are.
pub fn ruby_event(name: &str, id: &str) -> Vec<u8> {
    let raw = String::from_utf8(shared(&format!("events_stripe_ruby_mock/{name}.json"))).unwrap();
    let replaced = raw.replacen("\"evt_00000000000000\"", &format!("\"{id}\""), 1);
    assert_ne!(raw, replaced, "{name} has no event id to replace");
    replaced.into_bytes()
}

/// A Stripe event of `event_type` around the object `object`.
pub fn stripe_event(id: &str, event_type: &str, object: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(&serde_json::json!({
        "id": id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1_721_948_530,
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": event_type,
        "data": { "object": object },
    }))
    .unwrap()
}

/// A shared object fixture (`objects/<name>.json`), parsed.
pub fn object(name: &str) -> Value {
    serde_json::from_slice(&shared(&format!("objects/{name}.json"))).unwrap()
}

/// `t=<t>,v1=<signature>` for `body` with `secret`.
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", sign(secret.as_bytes(), t, body))
}

/// Posts `body` to `path` with `header` as its signature (if any).
pub async fn post(api: &Api, path: &str, header: Option<String>, body: Vec<u8>) -> Reply {
    let name = if path == STRIPE {
        "stripe-signature"
    } else {
        "paydesk-signature"
    };
    let mut builder = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json");
    if let Some(h) = header {
        builder = builder.header(name, h);
    }
    let reply = api.send(builder.body(Body::from(body)).unwrap()).await;
    assert!(
        !reply.status.is_server_error(),
        "{path}: {} {}",
        reply.status,
        reply.text()
    );
    reply
}

/// Posts a Stripe event signed now with the right secret.
pub async fn stripe(api: &Api, body: Vec<u8>) -> Reply {
    let header = signature(STRIPE_WEBHOOK_SECRET, now_secs(api), &body);
    post(api, STRIPE, Some(header), body).await
}

/// Posts a paydesk-format event signed now with the right secret.
pub async fn paydesk(api: &Api, body: &Value) -> Reply {
    let body = serde_json::to_vec(body).unwrap();
    let header = signature(WEBHOOK_SECRET, now_secs(api), &body);
    post(api, PAYDESK, Some(header), body).await
}

/// The reply must be 200 with this outcome; returns its JSON.
pub fn accepted(reply: &Reply, outcome: &str, duplicate: bool) -> Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let v = reply.json();
    assert_eq!(v["received"], true);
    assert_eq!(v["outcome"], outcome, "{v}");
    assert_eq!(v["duplicate"], duplicate, "{v}");
    v
}

/// The reply must be a 4xx problem document with this code.
pub fn refused(reply: &Reply, status: StatusCode, code: &str) -> Value {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.content_type(), "application/problem+json");
    let v = reply.json();
    assert_eq!(v["code"], code, "{v}");
    v
}

/// Rows per table that a delivery may change, to compare before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts(Vec<(&'static str, i64)>);

pub async fn counts(store: &Store) -> Counts {
    let mut out = vec![];
    let mut tx = store.read().await.unwrap();
    for table in [
        "tickets",
        "messages",
        "events",
        "queues",
        "transactions",
        "disputes",
        "payouts",
        "ticket_payment_links",
        "webhook_events",
    ] {
        let row = tx
            .row(&format!("SELECT COUNT(*) AS n FROM {table}"), &[])
            .await
            .unwrap()
            .unwrap();
        out.push((table, row.i64("n").unwrap()));
    }
    Counts(out)
}

impl Counts {
    pub fn of(&self, table: &str) -> i64 {
        self.0.iter().find(|(t, _)| *t == table).unwrap().1
    }
}

/// One text column of the first row of `sql`.
pub async fn text(store: &Store, sql: &str) -> Option<String> {
    let mut tx = store.read().await.unwrap();
    tx.row(sql, &[])
        .await
        .unwrap()
        .and_then(|r| r.opt_text("v").unwrap())
}

/// One integer column of the first row of `sql`.
pub async fn int(store: &Store, sql: &str) -> Option<i64> {
    let mut tx = store.read().await.unwrap();
    tx.row(sql, &[])
        .await
        .unwrap()
        .and_then(|r| r.opt_i64("v").unwrap())
}

/// Test apps start at [`T0`]; their signatures are made from it.
const _: () = assert!(T0 > 0);
