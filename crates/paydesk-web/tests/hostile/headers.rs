//! Headers a client gets wrong: content types, idempotency keys, version preconditions.

use crate::run::Run;
use crate::target::{TARGETS, Target};
use axum::http::HeaderValue;
use serde_json::json;

/// Header values from text, then from bytes that are not all text.
fn header_values(texts: &[&str], bytes: &[&[u8]]) -> Vec<HeaderValue> {
    texts
        .iter()
        .map(|t| t.as_bytes())
        .chain(bytes.iter().copied())
        .map(|b| HeaderValue::from_bytes(b).unwrap())
        .collect()
}

pub fn content_types() -> Vec<HeaderValue> {
    header_values(
        &[
            "text/plain",
            "application/xml",
            "application/json; charset=latin1",
            "application/json; charset=utf-16",
            "application/problem+json",
            "application/ld+json",
            "APPLICATION/JSON",
            "application/jsonx",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
            "",
            ";",
            "application/",
            "+json",
            "json",
            "*/*",
        ],
        &[b"application/json\xff", "application/jsön".as_bytes()],
    )
}

pub fn idempotency_keys() -> Vec<HeaderValue> {
    let (long, at_limit) = ("k".repeat(300), "k".repeat(255));
    header_values(
        &["", " ", "a b", "\t", "k1", "K1", "x", &long, &at_limit],
        &[b"\xff\xfe", "ключ".as_bytes(), b"key\x80"],
    )
}

pub fn if_matches() -> Vec<HeaderValue> {
    header_values(
        &[
            "abc",
            "\"\"",
            "*",
            "W/\"1\"",
            "\"99999999999999999999\"",
            "\"-1\"",
            "\"0\"",
            "1, 2",
            "\"1\"",
            "1",
            "",
            "\"9223372036854775807\"",
            "\"-9223372036854775808\"",
            "\"1.0\"",
            "W/",
        ],
        &[b"\"\xff\"", "\"١\"".as_bytes()],
    )
}

impl Run {
    /// Content types, idempotency keys, version preconditions.
    pub async fn headers(&mut self) {
        for ct in content_types() {
            for target in TARGETS {
                let case = self
                    .valid_request(target, format!("{target:?}: content-type {ct:?}"))
                    .header("content-type", ct.clone());
                self.send(case).await;
            }
        }
        for target in TARGETS {
            let case = self
                .valid_request(target, format!("{target:?}: no content-type"))
                .without("content-type");
            self.send(case).await;
        }
        for key in idempotency_keys() {
            for _ in 0..2 {
                let case = self
                    .valid_request(Target::CreateTicket, format!("idempotency-key {key:?}"))
                    .header("idempotency-key", key.clone());
                self.send(case).await;
            }
        }
        for value in if_matches() {
            for target in [Target::PatchTicket, Target::AddMessage] {
                let mut body = self.valid_body(target);
                body.as_object_mut().unwrap().remove("version");
                body["status"] = json!("pending");
                if matches!(target, Target::AddMessage) {
                    body.as_object_mut().unwrap().remove("status");
                }
                let case = self
                    .request(
                        target,
                        format!("{target:?}: if-match {value:?}"),
                        body.to_string(),
                    )
                    .header("if-match", value.clone());
                self.send(case).await;
            }
        }
    }
}
