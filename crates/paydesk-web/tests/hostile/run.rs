//! One hostile run: the request it sends, the checks every reply must pass, what it counted,
//! and the customers and tickets it seeded to aim at.

use crate::common::{Api, Reply};
use crate::rng::Rng;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One request to send, with a label naming it in failure messages.
pub struct Case {
    pub label: String,
    pub method: Method,
    pub uri: String,
    pub headers: Vec<(&'static str, HeaderValue)>,
    pub body: Vec<u8>,
}

impl Case {
    pub fn new(label: impl Into<String>, method: Method, uri: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            method,
            uri: uri.into(),
            headers: vec![],
            body: vec![],
        }
    }

    pub fn json(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.headers
            .push(("content-type", HeaderValue::from_static("application/json")));
        self.body = body.into();
        self
    }

    pub fn header(mut self, name: &'static str, value: HeaderValue) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value));
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self
    }
}

/// What a run saw.
#[derive(Default)]
pub struct Tally {
    pub sent: usize,
    statuses: BTreeMap<u16, usize>,
    pub failures: Vec<String>,
}

impl Tally {
    pub fn server_errors(&self) -> usize {
        self.statuses
            .iter()
            .filter(|(s, _)| **s >= 500)
            .map(|(_, n)| n)
            .sum()
    }

    /// `status: count` for each status seen, lowest first.
    pub fn statuses(&self) -> String {
        self.statuses
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub struct Run {
    pub api: Arc<Api>,
    pub rng: Rng,
    pub tally: Tally,
    /// Ticket numbers that exist, in various states.
    pub tickets: Vec<String>,
    pub customers: Vec<i64>,
}

/// A run with two customers and a ticket in each state: new, open, pending, on_hold,
/// solved, closed.
pub async fn setup(api: Api) -> Run {
    let mut run = Run {
        api: Arc::new(api),
        rng: Rng(0x5EED_F0DE_5C00),
        tally: Tally::default(),
        tickets: vec![],
        customers: vec![],
    };
    for name in ["Ada", "Bea"] {
        let case = Case::new("setup customer", Method::POST, "/api/v1/customers")
            .json(json!({ "business_line": "buyer", "name": name, "emails": [format!("{name}@example.com")] }).to_string());
        let reply = run.send(case).await.unwrap();
        run.customers.push(reply.json()["id"].as_i64().unwrap());
    }
    for path in [
        &[][..],
        &["open"],
        &["pending"],
        &["on_hold"],
        &["solved"],
        &["solved", "closed"],
    ] {
        run.add_ticket(path).await;
    }
    run
}

impl Run {
    pub async fn send(&mut self, case: Case) -> Option<Reply> {
        let request = self.build(&case)?;
        let reply = self.api.send(request).await;
        self.check(&case, &reply);
        Some(reply)
    }

    /// Sends each `(method, uri, body)` under one label; a body goes as JSON.
    pub async fn send_each(
        &mut self,
        label: &str,
        requests: impl IntoIterator<Item = (Method, String, Option<&'static str>)>,
    ) {
        for (method, uri, body) in requests {
            let case = Case::new(label, method, uri);
            self.send(match body {
                Some(body) => case.json(body),
                None => case,
            })
            .await;
        }
    }

    /// The `version` of the resource at `url`, as a read sees it.
    pub async fn version_of(&mut self, url: &str) -> i64 {
        self.send(Case::new("read", Method::GET, url))
            .await
            .unwrap()
            .json()["version"]
            .as_i64()
            .unwrap()
    }

    fn build(&mut self, case: &Case) -> Option<Request<Body>> {
        let mut builder = Request::builder()
            .method(case.method.clone())
            .uri(case.uri.as_str());
        for (name, value) in &case.headers {
            builder = builder.header(*name, value.clone());
        }
        match builder.body(Body::from(case.body.clone())) {
            Ok(r) => Some(r),
            Err(e) => {
                self.tally.failures.push(format!(
                    "{}: could not build {} {} ({e})",
                    case.label, case.method, case.uri
                ));
                None
            }
        }
    }

    /// Counts a reply and records what is wrong with it.
    fn check(&mut self, case: &Case, reply: &Reply) {
        self.tally.sent += 1;
        *self
            .tally
            .statuses
            .entry(reply.status.as_u16())
            .or_default() += 1;
        let uri: String = case.uri.chars().take(160).collect();
        let what = format!("{} [{} {uri}]", case.label, case.method);
        if reply.status.is_server_error() {
            self.tally
                .failures
                .push(format!("{what}: {} {}", reply.status, reply.text()));
        } else if reply.status.is_client_error() {
            if reply.content_type() != "application/problem+json" {
                self.tally.failures.push(format!(
                    "{what}: {} with content-type {:?}: {}",
                    reply.status,
                    reply.content_type(),
                    reply.text()
                ));
            } else if case.method != Method::HEAD {
                let problem: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
                let is_filled = |k: &str| problem[k].as_str().is_some_and(|s| !s.is_empty());
                if !is_filled("code")
                    || !is_filled("detail")
                    || problem["status"] != reply.status.as_u16()
                {
                    self.tally.failures.push(format!(
                        "{what}: {} with a poor problem document: {}",
                        reply.status,
                        reply.text()
                    ));
                }
            }
        }
    }

    /// Sends all `cases` at once, as a retry storm or racing clients would.
    pub async fn send_together(&mut self, cases: Vec<Case>) -> Vec<Reply> {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, case) in cases.iter().enumerate() {
            if let Some(request) = self.build(case) {
                let api = self.api.clone();
                tasks.spawn(async move { (i, api.send(request).await) });
            }
        }
        let mut replies: Vec<(usize, Reply)> = tasks.join_all().await;
        replies.sort_by_key(|(i, _)| *i);
        for (i, reply) in &replies {
            self.check(&cases[*i], reply);
        }
        replies.into_iter().map(|(_, r)| r).collect()
    }

    /// Creates a ticket an instant later and moves it through `statuses`.
    pub async fn add_ticket(&mut self, statuses: &[&str]) {
        self.api.clock.advance(1_000);
        let body = json!({ "subject": "Seed", "body": "Seed ticket.", "business_line": "buyer", "customer_id": self.customers[0] });
        let reply = self
            .send(Case::new("seed ticket", Method::POST, "/api/v1/tickets").json(body.to_string()))
            .await
            .unwrap();
        let number = reply.json()["number"].as_str().unwrap().to_string();
        for status in statuses {
            let case = Case::new(
                "seed status",
                Method::PATCH,
                format!("/api/v1/tickets/{number}"),
            )
            .json(json!({ "status": status }).to_string());
            self.send(case).await;
        }
        self.tickets.push(number);
    }
}
