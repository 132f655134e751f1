//! Importing a Zendesk export, on both engines: tickets with their comments become
//! tickets with their messages (authors, visibility and times kept, card data masked),
//! requesters become customers, JSON lines that are not tickets are reported.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod import_support;

use import_support::{
    NOW, all_tickets, app, customers_with_email, events, imported, ms, run, texts,
};
use paydesk_app::import::ImportFormat;
use paydesk_domain::Timestamp;
use paydesk_domain::event::EventKind;
use paydesk_domain::message::{Author, Visibility};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{Channel, Priority, Status};
use paydesk_store::{NewUser, Store};
use paydesk_testkit::on_both_engines;

const SCOPE: &str = "import:zendesk";

async fn comments_become_messages(store: Store) {
    let bo = store
        .insert_user(
            &NewUser {
                email: "bo@desk.example".into(),
                name: "Bo Agent".into(),
                role: Role::Agent,
                vendor_id: None,
                password_hash: None,
            },
            Timestamp(NOW),
        )
        .await
        .unwrap();
    let app = app(store.clone());
    assert_eq!(
        import_support::format_of("tickets.json"),
        ImportFormat::Zendesk
    );
    let run = run(&app, "tickets.json", 2, None, false).await;
    assert_eq!((run.read, run.imported, run.skipped), (6, 3, 0));
    let reasons = run.reasons();
    assert!(
        reasons["103"].starts_with("status: 'deleted' is not a status"),
        "{reasons:?}"
    );
    assert!(
        reasons["104"].starts_with("created_at: 'the third of May'"),
        "{reasons:?}"
    );
    assert_eq!(reasons["105"], "subject: must not be empty");
    assert_eq!(run.rejected.len(), 3);

    let t = imported(&app, SCOPE, "101").await;
    assert_eq!(t.ticket.status, Status::Open);
    assert_eq!(t.ticket.priority, Priority::High);
    assert_eq!(t.ticket.channel, Channel::Email);
    assert_eq!(t.ticket.tags, ["refund", "vip"]);
    assert_eq!(t.ticket.created_at, ms("2024-05-01T08:00:00Z"));
    assert_eq!(t.ticket.updated_at, ms("2024-05-02T12:00:00Z"));
    let customer = t.ticket.customer_id.unwrap();
    let m = &t.messages;
    assert_eq!(
        m.len(),
        4,
        "the description is the first comment, not a fifth message"
    );
    assert_eq!(m[0].author, Author::Customer { id: Some(customer) });
    assert_eq!(m[0].created_at, ms("2024-05-01T08:00:00Z"));
    assert!(m[0].body.contains("[card ****1111]"));
    assert_eq!(m[1].author, Author::User { id: bo.id });
    assert_eq!(m[1].visibility, Visibility::Public);
    assert_eq!(m[1].body, "Thanks, we are looking into it.");
    assert_eq!(m[1].created_at, ms("2024-05-01T09:00:00Z"));
    assert_eq!(m[2].author, Author::System, "not a user of the desk");
    assert_eq!(m[2].visibility, Visibility::Internal);
    assert!(m[2].body.starts_with("Vendor Val wrote:"), "{}", m[2].body);
    assert!(m[2].body.contains("[card ****0004]") && m[2].body.contains("[cvv ***]"));
    assert_eq!(m[3].author, Author::Customer { id: Some(customer) });
    let added: Vec<(Timestamp, serde_json::Value)> = events(&app, t.ticket.id)
        .await
        .into_iter()
        .filter(|e| e.kind == EventKind::MessageAdded)
        .map(|e| (e.at, e.data["visibility"].clone()))
        .collect();
    let expected: Vec<(Timestamp, serde_json::Value)> = m
        .iter()
        .map(|m| (m.created_at, serde_json::json!(m.visibility)))
        .collect();
    assert_eq!(
        added, expected,
        "one message_added per message, at its time"
    );

    let held = imported(&app, SCOPE, "102").await;
    assert_eq!(held.ticket.status, Status::OnHold);
    assert_eq!(held.ticket.priority, Priority::Normal);
    assert_eq!(held.ticket.channel, Channel::Web);
    assert_eq!(held.messages.len(), 1);
    assert_eq!(
        held.messages[0].body,
        "My withdrawal has been on hold for a week."
    );
    let cleo = store
        .customer(held.ticket.customer_id.unwrap())
        .await
        .unwrap();
    assert_eq!(cleo.name, "Cleo Creator");
    assert_eq!(cleo.emails, ["cleo@example.com"]);
    assert_eq!(cleo.external_ids["zendesk_user_id"], "2");

    let solved = imported(&app, SCOPE, "106").await;
    assert_eq!(solved.ticket.status, Status::Solved);
    assert_eq!(solved.ticket.solved_at, Some(ms("2024-05-04T09:30:00Z")));
    let walk_in = store
        .customer(solved.ticket.customer_id.unwrap())
        .await
        .unwrap();
    assert_eq!(walk_in.emails, ["walkin@example.com"]);

    let stored = texts(&all_tickets(&app).await);
    for pan in ["4111 1111 1111 1111", "5500 0000 0000 0004", "CVV 321"] {
        assert!(!stored.contains(pan), "{pan} was stored");
    }
}

async fn json_lines_report_what_is_not_a_ticket(store: Store) {
    let app = app(store.clone());
    let run = run(&app, "tickets.jsonl", 10, None, false).await;
    assert_eq!(
        (run.imported, run.rejected.len()),
        (2, 2),
        "{:?}",
        run.reasons()
    );
    assert!(run.reasons()["row 3"].starts_with("the line is not JSON"));
    assert_eq!(run.reasons()["row 5"], "the line is not a JSON object");
    let chargeback = imported(&app, SCOPE, "201").await;
    assert_eq!(chargeback.ticket.status, Status::Pending);
    assert_eq!(chargeback.ticket.channel, Channel::Api);
    let fees = imported(&app, SCOPE, "203").await;
    assert_eq!(fees.ticket.customer_id, chargeback.ticket.customer_id);
    assert!(fees.messages[0].body.contains("[card ****1111]"));
    let pats = customers_with_email(&store, Some("pat@example.com")).await;
    assert_eq!(pats.len(), 1);
    assert_eq!(pats[0].name, "Pat Merchant");

    let again = import_support::run(&app, "tickets.jsonl", 10, None, false).await;
    assert_eq!((again.imported, again.skipped), (0, 2));
}

on_both_engines!(
    comments_become_messages,
    json_lines_report_what_is_not_a_ticket
);
