//! Email intake end to end over HTTP, on both engines: the shared corpus of 108 messages
//! written by others, messages of our own in every shape, threading, noise, unreadable
//! mail, duplicates and card data.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

mod corpus;
mod mails;
mod shapes;
mod threading;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Api, Reply};
use corpus::every_corpus_message_lands_once;
use paydesk_testkit::on_both_engines;
use serde_json::Value;
use shapes::each_shape_lands_as_expected;
use shapes::intake_needs_credentials_and_a_mail;
use shapes::unreadable_mail_is_kept_raw_on_a_ticket;
use threading::noise_never_opens_tickets;
use threading::replies_thread_by_headers_and_token_never_by_subject;

/// Posts one raw mail to the intake endpoint.
pub async fn post_mail(api: &Api, raw: impl Into<Vec<u8>>) -> Reply {
    let request = Request::post("/api/v1/intake/email")
        .header("content-type", "message/rfc822")
        .body(Body::from(raw.into()))
        .unwrap();
    api.send(request).await
}

/// Posts a mail and returns the receipt, failing unless the status is 200 or 201.
pub async fn deliver(api: &Api, raw: impl Into<Vec<u8>>) -> Value {
    let reply = post_mail(api, raw).await;
    assert!(
        reply.status == StatusCode::OK || reply.status == StatusCode::CREATED,
        "{} {}",
        reply.status,
        reply.text()
    );
    reply.json()
}

/// A ticket with its messages.
pub async fn ticket(api: &Api, number: &str) -> Value {
    let reply = api
        .send(common::Call::get(format!("/api/v1/tickets/{number}")).into_request())
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

/// How many tickets the desk holds.
pub async fn ticket_count(api: &Api) -> usize {
    let mut count = 0;
    let mut cursor: Option<String> = None;
    loop {
        let uri = match &cursor {
            Some(c) => format!("/api/v1/tickets?limit=200&cursor={c}"),
            None => "/api/v1/tickets?limit=200".to_string(),
        };
        let page = api.send(common::Call::get(uri).into_request()).await.json();
        count += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return count,
        }
    }
}

on_both_engines!(every_corpus_message_lands_once);
on_both_engines!(each_shape_lands_as_expected);
on_both_engines!(unreadable_mail_is_kept_raw_on_a_ticket);
on_both_engines!(intake_needs_credentials_and_a_mail);
on_both_engines!(replies_thread_by_headers_and_token_never_by_subject);
on_both_engines!(noise_never_opens_tickets);
