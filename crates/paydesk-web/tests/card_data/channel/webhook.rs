//! Payment-gateway webhooks: Stripe events signed with the test app's secret whose free
//! texts (dispute evidence and metadata, failure messages, descriptions) carry card
//! numbers. A dispute opens a ticket; then its charge fails (a note on that ticket) or a
//! payout fails (a ticket of its own); sometimes an event is delivered twice.
//!
//! The product redacts each delivery's payload once, as a whole, and records what it
//! masked under the field `webhook_payload`; a redelivery masks and records nothing.

use crate::client::{Call, Client};
use crate::common::{STRIPE_WEBHOOK_SECRET, T0};
use crate::pan::{self, Text};
use axum::http::{Method, StatusCode};
use paydesk_app::webhooks::signature::sign;
use rand::Rng as _;
use serde_json::{Value, json};

const FIELD: &str = "webhook_payload";

/// Letters only: gateway ids never hold a run of digits that could pass for a card.
fn letters(c: &mut Client, n: usize) -> String {
    (0..n)
        .map(|_| char::from(c.rng.random_range(b'a'..=b'z')))
        .collect()
}

/// A text with card data, counted as sent into the payload.
fn carded(c: &mut Client) -> String {
    let text: Text = match c.rng.random_range(0..3) {
        0 => pan::customer_text(&mut c.rng),
        1 => pan::internal_note(&mut c.rng),
        _ => pan::subject(&mut c.rng),
    };
    c.tally.masked(FIELD, &text);
    text.text
}

fn event(id: &str, event_type: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": id,
        "object": "event",
        "type": event_type,
        "created": 1_789_990_000,
        "data": { "object": object },
    }))
    .unwrap()
}

/// Sends a signed delivery; the answer must be 200.
async fn deliver(c: &mut Client, body: Vec<u8>) -> Value {
    let t = T0 / 1_000;
    let header = format!(
        "t={t},v1={}",
        sign(STRIPE_WEBHOOK_SECRET.as_bytes(), t, &body)
    );
    let call = Call::new(Method::POST, "/webhooks/stripe")
        .raw("application/json", body)
        .header("stripe-signature", header);
    c.expect(call, StatusCode::OK).await
}

pub async fn ingest(c: &mut Client) {
    let charge = format!("ch_{}", letters(c, 14));
    let dispute = json!({
        "id": format!("dp_{}", letters(c, 14)),
        "object": "dispute",
        "amount": c.rng.random_range(100..50_000),
        "currency": "usd",
        "charge": charge,
        "reason": "fraudulent",
        "status": "needs_response",
        "evidence": { "uncategorized_text": carded(c), "product_description": "Gift coins" },
        "evidence_details": { "due_by": 1_790_600_000 },
        "metadata": { "agent_note": carded(c) },
    });
    let created = event(
        &format!("evt_{}", letters(c, 16)),
        "charge.dispute.created",
        dispute,
    );
    let answer = deliver(c, created.clone()).await;
    assert_eq!(answer["outcome"], "processed", "{answer}");
    c.tally.tickets += 1;
    if c.rng.random_bool(0.2) {
        let again = deliver(c, created).await;
        assert_eq!(again["duplicate"], true, "{again}");
    }
    if c.rng.random_bool(0.5) {
        let failed = json!({
            "id": charge,
            "object": "charge",
            "amount": 1_500,
            "currency": "usd",
            "status": "failed",
            "failure_code": "card_declined",
            "failure_message": carded(c),
            "description": carded(c),
            "payment_method_details": { "card": { "brand": "visa", "last4": "4242" } },
        });
        let body = event(&format!("evt_{}", letters(c, 16)), "charge.failed", failed);
        let answer = deliver(c, body).await;
        assert!(
            answer["ticket"].as_str().is_some(),
            "the dispute's ticket: {answer}"
        );
    } else {
        let payout = json!({
            "id": format!("po_{}", letters(c, 14)),
            "object": "payout",
            "amount": 9_900,
            "currency": "usd",
            "status": "failed",
            "failure_code": "account_closed",
            "failure_message": carded(c),
        });
        let body = event(&format!("evt_{}", letters(c, 16)), "payout.failed", payout);
        deliver(c, body).await;
        c.tally.tickets += 1;
    }
}
