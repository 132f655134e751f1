//! The routes that take a body, where each request goes, and a body each would accept.

use crate::rng::Rng;
use crate::run::{Case, Run};
use crate::values::{hostile_ids, hostile_numbers};
use axum::http::Method;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    CreateTicket,
    PatchTicket,
    AddMessage,
    CreateCustomer,
    PatchCustomer,
}

pub const TARGETS: [Target; 5] = [
    Target::CreateTicket,
    Target::PatchTicket,
    Target::AddMessage,
    Target::CreateCustomer,
    Target::PatchCustomer,
];

/// Mostly one of `existing`, sometimes one of `hostile`.
fn mostly<T: ToString>(rng: &mut Rng, existing: &[T], hostile: fn() -> Vec<String>) -> String {
    if rng.chance(85) {
        rng.pick(existing).to_string()
    } else {
        rng.pick(&hostile()).clone()
    }
}

/// The top-level field names of a body.
pub fn fields(body: &Value) -> Vec<String> {
    body.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

impl Run {
    /// A ticket number: mostly one that exists, sometimes a hostile one.
    fn number(&mut self) -> String {
        mostly(&mut self.rng, &self.tickets, hostile_numbers)
    }

    fn customer(&mut self) -> String {
        mostly(&mut self.rng, &self.customers, hostile_ids)
    }

    fn uri(&mut self, target: Target) -> (Method, String) {
        match target {
            Target::CreateTicket => (Method::POST, "/api/v1/tickets".into()),
            Target::PatchTicket => (Method::PATCH, format!("/api/v1/tickets/{}", self.number())),
            Target::AddMessage => (
                Method::POST,
                format!("/api/v1/tickets/{}/messages", self.number()),
            ),
            Target::CreateCustomer => (Method::POST, "/api/v1/customers".into()),
            Target::PatchCustomer => (
                Method::PATCH,
                format!("/api/v1/customers/{}", self.customer()),
            ),
        }
    }

    /// A body the route would accept, with every field it knows.
    pub fn valid_body(&mut self, target: Target) -> Value {
        let n = self.rng.next() % 1000;
        match target {
            Target::CreateTicket => json!({
                "subject": format!("Charge {n} disputed"),
                "body": "The buyer says the charge is unknown.",
                "business_line": *self.rng.pick(&["buyer", "merchant", "creator"]),
                "priority": *self.rng.pick(&["low", "normal", "high", "urgent"]),
                "channel": *self.rng.pick(&["email", "web", "chat", "api", "phone", "social", "gateway"]),
                "category": "chargeback",
                "tags": ["dispute", format!("t{n}")],
                "queue_id": null,
                "assignee_id": null,
                "customer_id": self.customers.first().copied(),
                "language": "pt-BR",
                "attachments": [{ "filename": "receipt.pdf", "content_type": "application/pdf", "size_bytes": 1234 }],
            }),
            Target::PatchTicket => json!({
                "version": null,
                "status": *self.rng.pick(&["new", "open", "pending", "on_hold", "solved", "closed"]),
                "priority": "high",
                "subject": format!("Renamed {n}"),
                "category": null,
                "tags": ["a", "b"],
                "queue_id": null,
                "assignee_id": null,
            }),
            Target::AddMessage => json!({
                "body": format!("Reply {n}"),
                "visibility": *self.rng.pick(&["public", "internal"]),
                "from": *self.rng.pick(&["staff", "customer"]),
                "attachments": [],
                "version": null,
            }),
            Target::CreateCustomer => json!({
                "business_line": "merchant",
                "name": format!("Shop {n}"),
                "emails": [format!("shop{n}@example.com")],
                "phone": "+1 555 0100",
                "country": "BR",
                "locale": "pt-BR",
                "tier": *self.rng.pick(&["standard", "vip", "strategic"]),
                "external_ids": { "shop_id": format!("s-{n}") },
            }),
            Target::PatchCustomer => json!({
                "version": null,
                "name": format!("Renamed {n}"),
                "emails": ["a@example.com"],
                "phone": null,
                "country": "US",
                "locale": null,
                "tier": "vip",
                "external_ids": {},
            }),
        }
    }

    /// A request to `target` (at an existing or hostile path) with `body` as JSON.
    pub fn request(&mut self, target: Target, label: String, body: impl Into<Vec<u8>>) -> Case {
        let (method, uri) = self.uri(target);
        Case::new(label, method, uri).json(body)
    }

    /// A request to `target` with a body it would accept.
    pub fn valid_request(&mut self, target: Target, label: String) -> Case {
        let body = self.valid_body(target).to_string();
        self.request(target, label, body)
    }

    /// Sends a body `target` would accept but for `field`, which is set to `value`.
    pub async fn send_with(&mut self, target: Target, label: String, field: &str, value: Value) {
        let mut body = self.valid_body(target);
        body[field] = value;
        let case = self.request(target, label, body.to_string());
        self.send(case).await;
    }
}
