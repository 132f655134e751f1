//! Customer and user use cases on both engines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::{App, AppError, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::customer::{CustomerPatch, NewCustomer, Tier};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::BusinessLine;
use paydesk_store::{CustomerFilter, PageRequest, Store};
use paydesk_testkit::on_both_engines;
use std::sync::Arc;

fn app(store: Store) -> App {
    App::new(
        store,
        Arc::new(ManualClock::at(Timestamp(1_790_000_000_000))),
    )
}

fn merchant(name: &str, emails: &[&str]) -> NewCustomer {
    NewCustomer {
        business_line: BusinessLine::Merchant,
        name: name.into(),
        emails: emails.iter().map(|e| (*e).to_string()).collect(),
        phone: None,
        country: Some("ph".into()),
        locale: Some("en-PH".into()),
        tier: Tier::Vip,
        external_ids: [("shop_id".to_string(), "s-77".to_string())].into(),
    }
}

async fn customers_are_normalised_and_versioned(store: Store) {
    let app = app(store);
    let actor = Caller::system();
    let c = app
        .create_customer(
            &actor,
            merchant(
                " Sari Store ",
                &["Owner@Sari.example", "owner@sari.example"],
            ),
        )
        .await
        .unwrap();
    assert_eq!(c.name, "Sari Store");
    assert_eq!(c.emails, ["owner@sari.example"]);
    assert_eq!(c.country.as_deref(), Some("PH"));

    let bad = app
        .create_customer(&actor, merchant("x", &["not-an-email"]))
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("emails"));
    let bad = app
        .create_customer(
            &actor,
            NewCustomer {
                country: Some("Philippines".into()),
                ..merchant("x", &[])
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("country"));

    let patch = CustomerPatch {
        tier: Some(Tier::Strategic),
        phone: Some(Some("+63 2 555 0100".into())),
        ..Default::default()
    };
    let updated = app
        .update_customer(&actor, c.id, patch.clone(), Some(c.version))
        .await
        .unwrap();
    assert_eq!(
        (updated.tier, updated.version),
        (Tier::Strategic, c.version + 1)
    );
    let stale = app
        .update_customer(
            &actor,
            c.id,
            CustomerPatch {
                tier: Some(Tier::Standard),
                ..Default::default()
            },
            Some(c.version),
        )
        .await;
    assert!(
        matches!(stale, Err(AppError::VersionConflict { .. })),
        "{stale:?}"
    );

    let named = app
        .create_customer(&actor, merchant("card 4111 1111 1111 1111 shop", &[]))
        .await
        .unwrap();
    assert!(
        !named.name.contains("4111 1111 1111 1111"),
        "names are redacted too"
    );

    let found = app
        .list_customers(
            &actor,
            &CustomerFilter {
                email: Some("OWNER@sari.example".into()),
                ..Default::default()
            },
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
}

async fn users_have_hashed_passwords_and_unique_emails(store: Store) {
    let app = app(store.clone());
    let u = app
        .add_user(
            &Caller::system(),
            "Lead@Desk.example",
            "Devon",
            Role::Lead,
            None,
            Some("correct horse battery"),
        )
        .await
        .unwrap();
    assert_eq!(u.email, "lead@desk.example");
    let hash = u.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(paydesk_app::password::verify(
        "correct horse battery",
        &hash
    ));
    assert!(!paydesk_app::password::verify("wrong", &hash));
    let dup = app
        .add_user(
            &Caller::system(),
            "lead@desk.example",
            "Other",
            Role::Agent,
            None,
            None,
        )
        .await;
    assert!(matches!(dup, Err(AppError::Duplicate(_))), "{dup:?}");
    let short = app
        .add_user(
            &Caller::system(),
            "a@desk.example",
            "A",
            Role::Agent,
            None,
            Some("short"),
        )
        .await
        .unwrap_err();
    assert_eq!(short.field(), Some("password"));
    let no_vendor = app
        .add_user(
            &Caller::system(),
            "b@desk.example",
            "B",
            Role::BpoAgent,
            None,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(no_vendor.field(), Some("vendor"));
}

on_both_engines!(
    customers_are_normalised_and_versioned,
    users_have_hashed_passwords_and_unique_emails
);
