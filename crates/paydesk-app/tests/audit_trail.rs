//! What the audit trail records beyond ticket changes, on both engines: sign-ins and failed
//! ones (with the address), reads of personal data by people, user and token changes; and
//! the chain still verifies afterwards.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::customer::{NewCustomer, Tier};
use paydesk_domain::policy::{Principal, Scope};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::BusinessLine;
use paydesk_store::{ChainReport, Store};
use paydesk_testkit::on_both_engines;
use std::sync::Arc;

async fn audit_rows(store: &Store) -> Vec<(String, Option<String>, String)> {
    let mut tx = store.read().await.unwrap();
    tx.rows(
        "SELECT kind, ip, data FROM events WHERE ticket_id IS NULL ORDER BY id",
        &[],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.text("kind").unwrap(),
            r.opt_text("ip").unwrap(),
            r.text("data").unwrap(),
        )
    })
    .collect()
}

async fn security_events_are_recorded_and_chained(store: Store) {
    let app = App::new(
        store.clone(),
        Arc::new(ManualClock::at(Timestamp(1_790_000_000_000))),
    );
    let sys = Caller::system();
    let agent = app
        .add_user(
            &sys,
            "ravi@desk.example",
            "Ravi",
            Role::Agent,
            None,
            Some("a long enough passphrase"),
        )
        .await
        .unwrap();
    assert!(
        app.sign_in(
            "ravi@desk.example",
            "wrong password!!",
            Some("203.0.113.7"),
            None
        )
        .await
        .is_err()
    );
    app.sign_in(
        "ravi@desk.example",
        "a long enough passphrase",
        Some("203.0.113.7"),
        Some("test"),
    )
    .await
    .unwrap();

    let customer = app
        .create_customer(
            &sys,
            NewCustomer {
                business_line: BusinessLine::Buyer,
                name: "Ana Cruz".into(),
                emails: vec!["ana@example.com".into()],
                phone: None,
                country: None,
                locale: None,
                tier: Tier::Standard,
                external_ids: Default::default(),
            },
        )
        .await
        .unwrap();
    let person = Caller::new(
        Principal::User {
            id: agent.id,
            role: Role::Agent,
            vendor_id: None,
        },
        Some("203.0.113.7".into()),
    );
    app.customer(&person, customer.id).await.unwrap();
    let viewer_like = Caller::new(
        Principal::Token {
            id: 9,
            name: "crm".into(),
            scopes: vec![Scope::CustomersRead],
        },
        None,
    );
    app.customer(&viewer_like, customer.id).await.unwrap();
    app.create_token(&sys, "mail gateway", &[Scope::Intake], None)
        .await
        .unwrap();

    let input = paydesk_app::tickets::NewTicketInput::new(
        "Refund",
        "please",
        BusinessLine::Buyer,
        paydesk_domain::ticket::Channel::Web,
    );
    let ticket = app
        .create_ticket(&person, input, None)
        .await
        .unwrap()
        .ticket;
    let mut tx = store.read().await.unwrap();
    let ips: Vec<Option<String>> = tx
        .rows(
            "SELECT ip FROM events WHERE ticket_id = $1",
            &[ticket.id.0.into()],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.opt_text("ip").unwrap())
        .collect();
    drop(tx);
    assert!(
        !ips.is_empty() && ips.iter().all(|ip| ip.as_deref() == Some("203.0.113.7")),
        "changes record where they came from: {ips:?}"
    );

    let rows = audit_rows(&store).await;
    let kinds: Vec<&str> = rows.iter().map(|(k, _, _)| k.as_str()).collect();
    for kind in ["config_changed", "sign_in_failed", "sign_in", "pii_read"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert_eq!(
        kinds.iter().filter(|k| **k == "pii_read").count(),
        1,
        "systems' reads are not people's reads"
    );
    let sign_in = rows.iter().find(|(k, _, _)| k == "sign_in").unwrap();
    assert_eq!(sign_in.1.as_deref(), Some("203.0.113.7"), "from where");
    assert!(!rows.iter().any(|(_, _, d)| d.contains("a long enough passphrase") || d.contains("wrong password")), "passwords never land");

    match store.verify_audit_chain(|_, _| {}).await.unwrap() {
        ChainReport::Intact { records, .. } => assert!(records >= rows.len() as u64),
        broken => panic!("{broken:?}"),
    }
}

on_both_engines!(security_events_are_recorded_and_chained);
