//! The status machine and concurrency: every status to every status with right, stale and
//! absurd versions, references to rows that do not exist, and racing clients.

use crate::common::Reply;
use crate::run::{Case, Run};
use crate::target::Target;
use axum::http::{HeaderValue, Method};
use serde_json::json;

/// How many racing clients a race has.
const RACERS: usize = 24;

const STATUSES: [&str; 6] = ["new", "open", "pending", "on_hold", "solved", "closed"];

/// Asserts that exactly one of racing changes went through.
fn assert_one_wins(replies: &[Reply], what: &str) {
    assert_eq!(
        replies.iter().filter(|r| r.status.is_success()).count(),
        1,
        "one {what} wins"
    );
}

impl Run {
    /// Every status to every status, with right, stale and absurd versions; replies to each state.
    pub async fn transitions(&mut self) {
        for from in STATUSES {
            for to in STATUSES {
                let path: Vec<&str> = match from {
                    "new" => vec![],
                    "closed" => vec!["solved", "closed"],
                    other => vec![other],
                };
                self.add_ticket(&path).await;
                let number = self.tickets.last().unwrap().clone();
                let url = format!("/api/v1/tickets/{number}");
                let current = self.version_of(&url).await;
                let version =
                    *self
                        .rng
                        .pick(&[current, current - 1, current + 1, 0, -1, i64::MAX, i64::MIN]);
                let case = Case::new(
                    format!("{from} -> {to} at version {version}"),
                    Method::PATCH,
                    url.clone(),
                )
                .json(json!({ "status": to, "version": version }).to_string());
                self.send(case).await;
                let case = Case::new(format!("{from} -> {to}"), Method::PATCH, url.clone())
                    .json(json!({ "status": to }).to_string());
                self.send(case).await;
                for (from_who, visibility) in [
                    ("customer", "public"),
                    ("staff", "public"),
                    ("staff", "internal"),
                    ("customer", "internal"),
                ] {
                    let case = Case::new(
                        format!("{from_who} {visibility} message after {to}"),
                        Method::POST,
                        format!("{url}/messages"),
                    )
                    .json(
                        json!({ "body": "hello", "from": from_who, "visibility": visibility })
                            .to_string(),
                    );
                    self.send(case).await;
                }
            }
        }
        // References to rows that do not exist.
        for (field, value) in [
            ("queue_id", json!(1)),
            ("assignee_id", json!(1)),
            ("customer_id", json!(999_999)),
            ("queue_id", json!(-1)),
            ("assignee_id", json!(0)),
            ("customer_id", json!(i64::MAX)),
            ("customer_id", json!(i64::MIN)),
        ] {
            let label = format!("create with {field} {value}");
            self.send_with(Target::CreateTicket, label, field, value.clone())
                .await;
            if field != "customer_id" {
                let n = self.tickets[0].clone();
                let case = Case::new(
                    format!("patch {field} {value}"),
                    Method::PATCH,
                    format!("/api/v1/tickets/{n}"),
                )
                .json(json!({ field: value }).to_string());
                self.send(case).await;
            }
        }
    }

    /// Racing clients: a retry storm on one idempotency key, stale-version races on one
    /// ticket and one customer, replies racing a close.
    pub async fn races(&mut self) {
        let body = self.valid_body(Target::CreateTicket).to_string();
        let key = HeaderValue::from_static("storm-1");
        let cases = (0..RACERS)
            .map(|_| {
                Case::new("retry storm", Method::POST, "/api/v1/tickets")
                    .json(body.clone())
                    .header("idempotency-key", key.clone())
            })
            .collect();
        let replies = self.send_together(cases).await;
        assert!(
            replies.iter().all(|r| r.status.is_success()),
            "every retry succeeds"
        );
        let ids: std::collections::BTreeSet<i64> = replies
            .iter()
            .filter_map(|r| r.json()["id"].as_i64())
            .collect();
        assert_eq!(ids.len(), 1, "one ticket for one key, got {ids:?}");
        assert_eq!(
            replies.iter().filter(|r| r.status.as_u16() == 201).count(),
            1
        );

        self.add_ticket(&["open"]).await;
        let number = self.tickets.last().unwrap().clone();
        let url = format!("/api/v1/tickets/{number}");
        let version = self.version_of(&url).await;
        let priorities = ["low", "normal", "high", "urgent"];
        let cases = (0..RACERS)
            .map(|i| Case::new("racing change", Method::PATCH, url.clone()).json(json!({ "version": version, "priority": priorities[i % 4], "tags": [format!("r{i}")] }).to_string()))
            .collect();
        assert_one_wins(&self.send_together(cases).await, "racing change");

        let mut cases: Vec<Case> = (0..RACERS)
            .map(|i| Case::new("reply racing a close", Method::POST, format!("{url}/messages")).json(json!({ "body": format!("r{i}"), "from": if i % 2 == 0 { "customer" } else { "staff" } }).to_string()))
            .collect();
        cases.insert(
            RACERS / 2,
            Case::new("close racing replies", Method::PATCH, url.clone())
                .json(r#"{"status":"solved"}"#),
        );
        self.send_together(cases).await;

        let url = format!("/api/v1/customers/{}", self.customers[1]);
        let version = self.version_of(&url).await;
        let cases = (0..RACERS)
            .map(|i| {
                Case::new("racing customer change", Method::PATCH, url.clone())
                    .json(json!({ "version": version, "name": format!("N{i}") }).to_string())
            })
            .collect();
        assert_one_wins(&self.send_together(cases).await, "racing customer change");
    }
}
