//! A client that scans every reply it gets and counts every card number it sends.

use crate::common::{Api, Reply};
use crate::scan::{Finding, find, masked};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use rand::rngs::StdRng;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What one worker sent and saw.
#[derive(Debug, Default)]
pub struct Tally {
    pub requests: usize,
    pub reply_bytes: usize,
    pub statuses: BTreeMap<u16, usize>,
    /// Tickets created that carry card data.
    pub tickets: usize,
    /// Card numbers sent in ticket texts that are masked, by the field the `redacted`
    /// event names (`subject`, `body`, `attachment_name`).
    pub masked_cards: BTreeMap<&'static str, usize>,
    /// Security codes sent in those texts, by field.
    pub masked_codes: BTreeMap<&'static str, usize>,
    /// Card numbers and codes sent in customer names (masked, counted in customer events).
    pub masked_in_names: usize,
    /// Card numbers sent as an Idempotency-Key (kept only as a hash).
    pub hashed: usize,
    /// Card numbers in requests that were refused (4xx).
    pub refused: usize,
    /// Card numbers in read requests: searches, filters, paths (never stored).
    pub read_only: usize,
    pub findings: Vec<Finding>,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.requests += other.requests;
        self.reply_bytes += other.reply_bytes;
        for (k, v) in other.statuses {
            *self.statuses.entry(k).or_default() += v;
        }
        self.tickets += other.tickets;
        for (k, v) in other.masked_cards {
            *self.masked_cards.entry(k).or_default() += v;
        }
        for (k, v) in other.masked_codes {
            *self.masked_codes.entry(k).or_default() += v;
        }
        self.masked_in_names += other.masked_in_names;
        self.hashed += other.hashed;
        self.refused += other.refused;
        self.read_only += other.read_only;
        self.findings.extend(other.findings);
    }

    /// Counts a masked text sent in `field`.
    pub fn masked(&mut self, field: &'static str, text: &crate::pan::Text) {
        *self.masked_cards.entry(field).or_default() += text.cards;
        *self.masked_codes.entry(field).or_default() += text.codes;
    }

    pub fn masked_card_total(&self) -> usize {
        self.masked_cards.values().sum()
    }

    /// Every card number sent, whatever became of it.
    pub fn cards_sent(&self) -> usize {
        self.masked_card_total()
            + self.masked_in_names
            + self.hashed
            + self.refused
            + self.read_only
    }
}

/// One worker: the API, its own random source, its own tally.
pub struct Client {
    api: Arc<Api>,
    pub rng: StdRng,
    pub tally: Tally,
}

/// A request to send.
pub struct Call {
    pub method: Method,
    pub uri: String,
    pub content_type: Option<&'static str>,
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
    /// The client address the request comes from (none: unknown, as in-process).
    pub peer: Option<std::net::SocketAddr>,
}

impl Call {
    pub fn new(method: Method, uri: impl Into<String>) -> Self {
        Self {
            method,
            uri: uri.into(),
            content_type: None,
            body: vec![],
            headers: vec![],
            peer: None,
        }
    }

    pub fn get(uri: impl Into<String>) -> Self {
        Self::new(Method::GET, uri)
    }

    pub fn json(method: Method, uri: impl Into<String>, body: &Value) -> Self {
        Self::new(method, uri).raw("application/json", body.to_string().into_bytes())
    }

    pub fn raw(mut self, content_type: &'static str, body: Vec<u8>) -> Self {
        self.content_type = Some(content_type);
        self.body = body;
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

impl Client {
    pub fn new(api: Arc<Api>, rng: StdRng) -> Self {
        Self {
            api,
            rng,
            tally: Tally::default(),
        }
    }

    /// Sends; scans the reply's headers and body for card numbers.
    pub async fn send(&mut self, call: Call) -> Reply {
        let what = format!("{} {}", call.method, masked(&call.uri.replace("%20", " ")));
        let mut builder = Request::builder().method(call.method).uri(&call.uri);
        if let Some(ct) = call.content_type {
            builder = builder.header("content-type", ct);
        }
        for (name, value) in &call.headers {
            builder = builder.header(*name, value.as_str());
        }
        let mut request = builder.body(Body::from(call.body)).unwrap();
        if let Some(peer) = call.peer {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        let reply = self.api.send(request).await;
        self.tally.requests += 1;
        self.tally.reply_bytes += reply.body.len();
        *self
            .tally
            .statuses
            .entry(reply.status.as_u16())
            .or_default() += 1;
        let place = format!("reply to {what} ({})", reply.status);
        for hit in find(&reply.body) {
            self.tally
                .findings
                .push(Finding::new(format!("{place} body"), &reply.body, &hit));
        }
        for (name, value) in &reply.headers {
            for hit in find(value.as_bytes()) {
                self.tally.findings.push(Finding::new(
                    format!("{place} header {name}"),
                    value.as_bytes(),
                    &hit,
                ));
            }
        }
        reply
    }

    /// Sends; the reply must have `status`; returns its JSON.
    pub async fn expect(&mut self, call: Call, status: StatusCode) -> Value {
        let what = format!("{} {}", call.method, masked(&call.uri.replace("%20", " ")));
        let reply = self.send(call).await;
        assert_eq!(
            reply.status,
            status,
            "{what}: {}",
            masked(&String::from_utf8_lossy(&reply.body))
        );
        if reply.body.is_empty() {
            Value::Null
        } else {
            reply.json()
        }
    }
}
