//! Every route with every method, and paths and query strings that name nothing.

use crate::queries::{customer_queries, ticket_queries, timeline_queries};
use crate::run::{Case, Run};
use crate::values::{hostile_ids, hostile_numbers};
use axum::http::Method;

impl Run {
    /// Every route and path shape with every method, including ones nobody routes.
    pub async fn methods(&mut self) {
        let n = self.tickets[0].clone();
        let c = self.customers[0];
        let paths = [
            "/healthz".to_string(),
            "/readyz".into(),
            "/api/v1/openapi.json".into(),
            "/api/v1/tickets".into(),
            format!("/api/v1/tickets/{n}"),
            format!("/api/v1/tickets/{n}/messages"),
            format!("/api/v1/tickets/{n}/timeline"),
            "/api/v1/customers".into(),
            format!("/api/v1/customers/{c}"),
            "/api/v1/tickets/".into(),
            "/api/v1/".into(),
            "/".into(),
            "/api/v2/tickets".into(),
            format!("/api/v1/tickets/{n}/messages/1"),
            "//api//v1//tickets".into(),
            "/api/v1/tickets?".into(),
            "/API/V1/TICKETS".into(),
            "/api/v1/tickets%2F1".into(),
        ];
        let methods = [
            "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PURGE", "CONNECT",
        ];
        for path in &paths {
            for m in methods {
                let method = Method::from_bytes(m.as_bytes()).unwrap();
                let mut case = Case::new(format!("method {m}"), method.clone(), path.clone());
                if self.rng.chance(50) && method != Method::CONNECT {
                    let body = self
                        .rng
                        .pick(&[&b"{}"[..], b"{\"subject\":1}", b"not json", b"\xff\xfe"])
                        .to_vec();
                    case = case.json(body);
                }
                self.send(case).await;
            }
        }
    }

    /// Path segments that are not ticket numbers or customer ids.
    pub async fn paths(&mut self) {
        for n in hostile_numbers() {
            let ticket = format!("/api/v1/tickets/{n}");
            self.send_each(
                "hostile number",
                [
                    (Method::GET, ticket.clone(), None),
                    (Method::GET, format!("{ticket}/timeline"), None),
                    (Method::PATCH, ticket.clone(), Some(r#"{"priority":"low"}"#)),
                    (
                        Method::POST,
                        format!("{ticket}/messages"),
                        Some(r#"{"body":"hi"}"#),
                    ),
                ],
            )
            .await;
        }
        for id in hostile_ids() {
            let customer = format!("/api/v1/customers/{id}");
            self.send_each(
                "hostile customer id",
                [
                    (Method::GET, customer.clone(), None),
                    (Method::PATCH, customer, Some(r#"{"name":"x"}"#)),
                ],
            )
            .await;
        }
    }

    /// Query strings no client should send.
    pub async fn queries(&mut self) {
        let timeline = format!("/api/v1/tickets/{}/timeline", self.tickets[1]);
        for (label, path, queries) in [
            ("ticket query", "/api/v1/tickets", ticket_queries()),
            ("customer query", "/api/v1/customers", customer_queries()),
            ("timeline query", timeline.as_str(), timeline_queries()),
        ] {
            let gets = queries
                .into_iter()
                .map(|q| (Method::GET, format!("{path}?{q}"), None));
            self.send_each(label, gets).await;
        }
    }
}
