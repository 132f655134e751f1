//! The channels card data can arrive through, as a table: each entry delivers one ticket's
//! worth of traffic carrying card numbers (the ticket and its follow-ups) and counts what
//! it sent.
//!
//! Today every channel is the JSON API. Email intake, the web form, chat and the payment
//! gateways' webhooks will each add one ingest function and one row to [`CHANNELS`]; the
//! scans that follow need no change.

use crate::client::{Call, Client};
use crate::pan::{self, Text};
use axum::http::{Method, StatusCode};
use rand::Rng as _;
use serde_json::{Value, json};
use std::future::Future;
use std::pin::Pin;

pub type Ingest = for<'a> fn(&'a mut Client) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// One way in, and how often the traffic takes it.
pub struct Channel {
    pub name: &'static str,
    pub weight: u32,
    pub ingest: Ingest,
}

mod chat;
mod email;
mod form;
mod webhook;

pub const CHANNELS: &[Channel] = &[
    Channel {
        name: "api: ticket (subject, first message, attachment names)",
        weight: 50,
        ingest: |c| Box::pin(api_ticket(c)),
    },
    Channel {
        name: "api: customer's messages relayed by a gateway",
        weight: 15,
        ingest: |c| Box::pin(api_customer_relay(c)),
    },
    Channel {
        name: "api: staff reply",
        weight: 10,
        ingest: |c| Box::pin(api_staff_reply(c)),
    },
    Channel {
        name: "api: internal note",
        weight: 10,
        ingest: |c| Box::pin(api_internal_note(c)),
    },
    Channel {
        name: "api: subject change",
        weight: 10,
        ingest: |c| Box::pin(api_subject_change(c)),
    },
    Channel {
        name: "api: customer name, then the customer's ticket",
        weight: 5,
        ingest: |c| Box::pin(api_customer(c)),
    },
    Channel {
        name: "email: inbound mail (subject, bodies, attachments, quoted replies)",
        weight: 10,
        ingest: |c| Box::pin(email::ingest(c)),
    },
    Channel {
        name: "support form: request, then the customer's answer on the status page",
        weight: 10,
        ingest: |c| Box::pin(form::ingest(c)),
    },
    Channel {
        name: "chat: a session's messages",
        weight: 10,
        ingest: |c| Box::pin(chat::ingest(c)),
    },
    Channel {
        name: "webhooks: gateway events (dispute reasons, failure messages)",
        weight: 10,
        ingest: |c| Box::pin(webhook::ingest(c)),
    },
];

/// Draws a channel by weight.
pub fn draw(client: &mut Client) -> &'static Channel {
    let total: u32 = CHANNELS.iter().map(|c| c.weight).sum();
    let mut n = client.rng.random_range(0..total);
    for channel in CHANNELS {
        if n < channel.weight {
            return channel;
        }
        n -= channel.weight;
    }
    &CHANNELS[0]
}

const LINES: &[&str] = &["buyer", "merchant", "creator"];

fn attachment(name: &str, rng: &mut rand::rngs::StdRng) -> Value {
    let types = ["application/pdf", "image/png", "image/jpeg"];
    json!({
        "filename": name,
        "content_type": types[rng.random_range(0..types.len())],
        "size_bytes": rng.random_range(1_000..5_000_000),
    })
}

/// Creates a ticket with card numbers in one or more of subject, first message and
/// attachment names; sometimes with a card number as its Idempotency-Key. Returns its
/// number and version.
async fn create_ticket(c: &mut Client, customer_id: Option<i64>) -> (String, i64) {
    let fields = c.rng.random_range(1..8u8);
    let subject = if fields & 1 != 0 {
        let s = pan::subject(&mut c.rng);
        c.tally.masked("subject", &s);
        s.text
    } else {
        pan::plain_subject(&mut c.rng)
    };
    let body = if fields & 2 != 0 {
        let b = pan::customer_text(&mut c.rng);
        c.tally.masked("body", &b);
        b.text
    } else {
        pan::plain_body(&mut c.rng)
    };
    let mut attachments = vec![];
    if fields & 4 != 0 {
        for _ in 0..c.rng.random_range(1..=3) {
            let f = pan::filename(&mut c.rng);
            c.tally.masked("attachment_name", &f);
            attachments.push(attachment(&f.text, &mut c.rng));
        }
    }
    if c.rng.random_bool(0.2) {
        attachments.push(attachment("invoice.pdf", &mut c.rng));
    }
    let line = LINES[c.rng.random_range(0..LINES.len())];
    let mut ticket = json!({
        "subject": subject,
        "body": body,
        "business_line": line,
        "attachments": attachments,
    });
    if let Some(id) = customer_id {
        ticket["customer_id"] = json!(id);
    }
    let mut call = Call::json(Method::POST, "/api/v1/tickets", &ticket);
    if c.rng.random_bool(0.1) {
        // Kept only as a SHA-256 (paydesk-app's `idempotency_key`).
        call = call.header("idempotency-key", pan::card_without_spaces(&mut c.rng));
        c.tally.hashed += 1;
    }
    let created = c.expect(call, StatusCode::CREATED).await;
    c.tally.tickets += 1;
    (
        created["number"].as_str().unwrap().to_string(),
        created["version"].as_i64().unwrap(),
    )
}

async fn message(c: &mut Client, number: &str, body: &Value) {
    let url = format!("/api/v1/tickets/{number}/messages");
    c.expect(Call::json(Method::POST, url, body), StatusCode::CREATED)
        .await;
}

async fn api_ticket(c: &mut Client) {
    create_ticket(c, None).await;
}

async fn api_customer_relay(c: &mut Client) {
    let (number, _) = create_ticket(c, None).await;
    for _ in 0..c.rng.random_range(1..=2) {
        let text = pan::customer_text(&mut c.rng);
        c.tally.masked("body", &text);
        let mut body = json!({ "body": text.text, "from": "customer" });
        if c.rng.random_bool(0.3) {
            let f = pan::filename(&mut c.rng);
            c.tally.masked("attachment_name", &f);
            body["attachments"] = json!([attachment(&f.text, &mut c.rng)]);
        }
        message(c, &number, &body).await;
    }
}

async fn api_staff_reply(c: &mut Client) {
    let (number, _) = create_ticket(c, None).await;
    let text = pan::staff_reply(&mut c.rng);
    c.tally.masked("body", &text);
    message(c, &number, &json!({ "body": text.text })).await;
}

async fn api_internal_note(c: &mut Client) {
    let (number, _) = create_ticket(c, None).await;
    let text = pan::internal_note(&mut c.rng);
    c.tally.masked("body", &text);
    let body = json!({ "body": text.text, "visibility": "internal" });
    message(c, &number, &body).await;
}

async fn api_subject_change(c: &mut Client) {
    let (number, version) = create_ticket(c, None).await;
    let subject = pan::changed_subject(&mut c.rng);
    c.tally.masked("subject", &subject);
    let change = json!({ "subject": subject.text, "version": version });
    let url = format!("/api/v1/tickets/{number}");
    c.expect(Call::json(Method::PATCH, url, &change), StatusCode::OK)
        .await;
}

async fn api_customer(c: &mut Client) {
    let name = pan::customer_name(&mut c.rng);
    c.tally.masked_in_names += name.cards + name.codes;
    let line = LINES[c.rng.random_range(0..LINES.len())];
    let customer = json!({ "business_line": line, "name": name.text });
    let created = c
        .expect(
            Call::json(Method::POST, "/api/v1/customers", &customer),
            StatusCode::CREATED,
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    if c.rng.random_bool(0.5) {
        let name: Text = pan::changed_name(&mut c.rng);
        c.tally.masked_in_names += name.cards + name.codes;
        let change = json!({ "name": name.text, "version": created["version"] });
        let url = format!("/api/v1/customers/{id}");
        c.expect(Call::json(Method::PATCH, url, &change), StatusCode::OK)
            .await;
    }
    let (number, _) = create_ticket(c, Some(id)).await;
    if c.rng.random_bool(0.5) {
        let text = pan::customer_text(&mut c.rng);
        c.tally.masked("body", &text);
        message(
            c,
            &number,
            &json!({ "body": text.text, "from": "customer" }),
        )
        .await;
    }
}
