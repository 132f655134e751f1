//! Chat: a session opened with the customer's first message (and sometimes a name with a
//! card number in it), then the customer's messages and an agent's answer quoting the
//! number.

use crate::client::{Call, Client};
use crate::pan;
use axum::http::{Method, StatusCode};
use rand::Rng as _;
use serde_json::json;

pub async fn ingest(c: &mut Client) {
    let first = pan::customer_text(&mut c.rng);
    c.tally.masked("body", &first);
    let email: String = (0..16)
        .map(|_| char::from(b'a' + c.rng.random_range(0..26u8)))
        .collect();
    let mut start = json!({
        "customer_email": format!("{email}@example.com"),
        "business_line": "buyer",
        "message": first.text,
    });
    if c.rng.random_bool(0.5) {
        let name = pan::customer_name(&mut c.rng);
        c.tally.masked_in_names += name.cards + name.codes;
        start["customer_name"] = json!(name.text);
    }
    let session = c
        .expect(
            Call::json(Method::POST, "/api/v1/chat/sessions", &start),
            StatusCode::CREATED,
        )
        .await;
    c.tally.tickets += 1;
    let messages = format!("/api/v1/chat/sessions/{}/messages", session["id"]);
    for _ in 0..c.rng.random_range(1..=2) {
        let text = pan::customer_text(&mut c.rng);
        c.tally.masked("body", &text);
        let body = json!({ "body": text.text });
        c.expect(
            Call::json(Method::POST, &messages, &body),
            StatusCode::CREATED,
        )
        .await;
    }
    if c.rng.random_bool(0.5) {
        let text = pan::staff_reply(&mut c.rng);
        c.tally.masked("body", &text);
        let body = json!({ "body": text.text, "from": "staff" });
        c.expect(
            Call::json(Method::POST, &messages, &body),
            StatusCode::CREATED,
        )
        .await;
    }
    let transcript = format!("/api/v1/chat/sessions/{}/transcript", session["id"]);
    c.expect(Call::get(transcript), StatusCode::OK).await;
}
