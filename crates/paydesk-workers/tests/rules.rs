//! Rule jobs end to end, on both engines: a notify action's email reaches a real SMTP
//! server on loopback; a webhook action's POST reaches a small HTTP server on loopback with
//! a valid HMAC-SHA256 signature of its body.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod support;

use paydesk_app::rules::{RuleInput, WEBHOOK_SIGNATURE_HEADER, webhook_signature};
use paydesk_app::{App, Caller};
use paydesk_store::{Settlement, Store};
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};
use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn rule(app: &App, actions: Value) {
    app.create_rule(
        &Caller::system(),
        &RuleInput {
            name: "Tell the lead".into(),
            spec: json!({"kind": {"type": "trigger", "on": ["ticket_created"]}, "actions": actions}),
            is_active: true,
        },
    )
    .await
    .unwrap();
}

async fn notify_sends_mail(store: Store) {
    let server = SmtpServer::start();
    let clock = clock();
    let app = app_on(&store, &clock, Some(server.settings(None)));
    rule(
        &app,
        json!([{"type": "notify", "to": {"kind": "email", "address": "lead@desk.example"},
        "subject": "Card ticket in", "text": "A card ticket came in; have a look."}]),
    )
    .await;
    let id = ticket(&app, &["ana@example.com"], "Declined twice").await;
    app.run_triggers("test", 500).await.unwrap();
    let ran = paydesk_workers::runner(&app).run_due().await.unwrap();
    assert_eq!(ran.len(), 1, "{ran:?}");
    assert_eq!(ran[0].settlement, Settlement::Done);
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].mail.to[0].address, "lead@desk.example");
    assert_eq!(got[0].mail.subject, format!("Card ticket in [PD-{}]", id.0));
    assert!(
        got[0].mail.text.contains("have a look"),
        "{:?}",
        got[0].mail.text
    );
}

/// Accepts one HTTP request on loopback, answers 204, and hands back its head and body.
async fn one_request(listener: TcpListener) -> (String, String) {
    let (mut socket, _) = listener.accept().await.unwrap();
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = socket.read(&mut buf).await.unwrap();
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if body.len() >= length {
                socket
                    .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                    .await
                    .unwrap();
                return (head.to_owned(), body.to_owned());
            }
        }
        if n == 0 {
            panic!("connection closed early");
        }
    }
}

async fn webhook_is_delivered_signed(store: Store) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(one_request(listener));
    let clock = clock();
    let app = app_on(&store, &clock, None);
    rule(
        &app,
        json!([{"type": "call_webhook", "url": format!("http://127.0.0.1:{port}/hooks/paydesk"),
        "secret": "whsec-test"}]),
    )
    .await;
    let id = ticket(&app, &["ana@example.com"], "Declined twice").await;
    app.run_triggers("test", 500).await.unwrap();
    let ran = paydesk_workers::runner(&app).run_due().await.unwrap();
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].settlement, Settlement::Done);
    let (head, body) = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap();
    assert!(head.starts_with("POST /hooks/paydesk HTTP/1.1"), "{head}");
    let signature = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case(WEBHOOK_SIGNATURE_HEADER)
                .then(|| value.trim().to_owned())
        })
        .unwrap();
    assert_eq!(signature, webhook_signature("whsec-test", body.as_bytes()));
    assert_ne!(signature, webhook_signature("another", body.as_bytes()));
    let payload: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(payload["ticket"], format!("PD-{}", id.0));
    assert_eq!(payload["rule"]["name"], "Tell the lead");
    assert_eq!(payload["event"], "ticket_created");
}

on_both_engines!(notify_sends_mail, webhook_is_delivered_signed);
