//! A customer's data rights on both engines: export everything, then erase the identity
//! while the records stay, the audit chain stays intact and nothing of the person remains.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::tickets::{NewReply, NewTicketInput};
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::customer::{NewCustomer, Tier};
use paydesk_domain::message::Visibility;
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_store::{ChainReport, PageRequest, Store, TicketFilter};
use paydesk_testkit::on_both_engines;
use std::sync::Arc;

fn person(role: Role) -> Caller {
    Caller::new(
        Principal::User {
            id: paydesk_domain::UserId(1),
            role,
            vendor_id: None,
        },
        Some("198.51.100.4".into()),
    )
}

async fn export_then_erase(store: Store) {
    let app = App::new(
        store.clone(),
        Arc::new(ManualClock::at(Timestamp(1_790_000_000_000))),
    );
    let sys = Caller::system();
    let customer = app
        .create_customer(
            &sys,
            NewCustomer {
                business_line: BusinessLine::Creator,
                name: "Zelda Quintero".into(),
                emails: vec!["zelda.q@example.com".into()],
                phone: Some("+63 917 555 0100".into()),
                country: Some("PH".into()),
                locale: Some("tl-PH".into()),
                tier: Tier::Vip,
                external_ids: [("creator_id".to_string(), "c-991".to_string())].into(),
            },
        )
        .await
        .unwrap();
    for subject in ["Quintero payout late", "Zelda withdrawal"] {
        let input = NewTicketInput {
            customer_id: Some(customer.id),
            ..NewTicketInput::new(
                subject,
                "I am Zelda Quintero, my payout is late",
                BusinessLine::Creator,
                Channel::Email,
            )
        };
        let t = app.create_ticket(&sys, input, None).await.unwrap().ticket;
        let reply = NewReply {
            visibility: Visibility::Public,
            from_customer: false,
            body: "Hi Zelda, checking".into(),
            attachments: vec![],
            expected_version: None,
        };
        app.add_message(&sys, t.id, reply).await.unwrap();
    }

    assert_eq!(
        app.export_customer(&person(Role::Agent), customer.id)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let export = app
        .export_customer(&person(Role::Lead), customer.id)
        .await
        .unwrap();
    assert_eq!(
        export.customer.emails,
        ["zelda.q@example.com"],
        "the export is unmasked"
    );
    assert_eq!(export.tickets.len(), 2);
    assert_eq!(
        export
            .tickets
            .iter()
            .map(|t| t.messages.len())
            .sum::<usize>(),
        4
    );

    assert_eq!(
        app.erase_customer(&person(Role::Lead), customer.id)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let erased = app
        .erase_customer(&person(Role::Admin), customer.id)
        .await
        .unwrap();
    assert_eq!((erased.tickets, erased.messages), (2, 4));

    let after = app.customer(&sys, customer.id).await.unwrap();
    assert!(after.emails.is_empty() && after.phone.is_none() && after.external_ids.is_empty());
    assert!(!after.name.contains("Zelda"));
    assert_eq!(after.tier, Tier::Vip, "what is not identity stays");
    let search = TicketFilter {
        text: Some("Quintero".into()),
        ..Default::default()
    };
    assert!(
        app.list_tickets(&sys, &search, &PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let kept = TicketFilter {
        customer_id: Some(customer.id),
        ..Default::default()
    };
    assert_eq!(
        app.list_tickets(&sys, &kept, &PageRequest::first(10))
            .await
            .unwrap()
            .items
            .len(),
        2,
        "the records stay"
    );

    // Nothing of the person anywhere in the database's text.
    let mut tx = store.read().await.unwrap();
    for (table, cols) in [
        (
            "customers",
            "name || ' ' || COALESCE(phone, '') || ' ' || external_ids",
        ),
        ("customer_emails", "email"),
        ("tickets", "subject"),
        ("messages", "body"),
        ("ticket_search", "body"),
        ("events", "data"),
    ] {
        let rows = tx
            .rows(&format!("SELECT {cols} AS t FROM {table}"), &[])
            .await
            .unwrap();
        for r in rows {
            let text = r.text("t").unwrap();
            for needle in ["Zelda", "Quintero", "zelda.q@", "555 0100", "c-991"] {
                assert!(!text.contains(needle), "{needle} left in {table}: {text}");
            }
        }
    }
    drop(tx);
    let kinds: Vec<String> = store
        .read()
        .await
        .unwrap()
        .rows(
            "SELECT kind FROM events WHERE customer_id IS NOT NULL ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.text("kind").unwrap())
        .collect();
    assert!(
        kinds.contains(&"export".to_string()) && kinds.contains(&"customer_erased".to_string()),
        "{kinds:?}"
    );
    assert!(matches!(
        store.verify_audit_chain(|_, _| {}).await.unwrap(),
        ChainReport::Intact { .. }
    ));
}

on_both_engines!(export_then_erase);
