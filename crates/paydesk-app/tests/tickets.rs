//! Ticket use cases on both engines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::tickets::{NewReply, NewTicketInput, TicketChange};
use paydesk_app::{App, AppError, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::event::EventKind;
use paydesk_domain::message::{Author, Visibility};
use paydesk_domain::policy::{Principal, Scope};
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status, TicketPatch};
use paydesk_store::{PageRequest, Store};
use paydesk_testkit::on_both_engines;
use std::sync::Arc;

const T0: i64 = 1_790_000_000_000;

fn app(store: Store) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    (App::new(store, clock.clone()), clock)
}

fn token(name: &str) -> Caller {
    let principal = Principal::Token {
        id: 1,
        name: name.into(),
        scopes: Scope::ALL.to_vec(),
    };
    Caller::new(principal, None)
}

fn api() -> Caller {
    token("test")
}

fn input(subject: &str, body: &str) -> NewTicketInput {
    NewTicketInput::new(subject, body, BusinessLine::Buyer, Channel::Email)
}

fn reply(body: &str, visibility: Visibility, from_customer: bool) -> NewReply {
    NewReply {
        visibility,
        from_customer,
        body: body.into(),
        attachments: vec![],
        expected_version: None,
    }
}

async fn card_data_never_lands(store: Store) {
    let (app, _) = app(store.clone());
    let created = app
        .create_ticket(
            &api(),
            input(
                "Card 4111 1111 1111 1111 charged twice",
                "my card 5555-5555-5555-4444 cvv 123 was charged",
            ),
            None,
        )
        .await
        .unwrap();
    let view = app.ticket(&api(), created.ticket.id).await.unwrap();
    let all_text = format!("{} {}", view.ticket.subject, view.messages[0].body);
    assert!(
        !all_text.contains("4111 1111 1111 1111") && !all_text.contains("5555-5555-5555-4444"),
        "{all_text}"
    );
    assert!(
        !all_text.contains("123"),
        "the security code is masked: {all_text}"
    );
    assert!(
        all_text.contains("1111") && all_text.contains("4444"),
        "the last four digits stay visible"
    );
    let events = app
        .timeline(&api(), created.ticket.id, &PageRequest::default())
        .await
        .unwrap()
        .items;
    let redacted: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::Redacted)
        .collect();
    assert_eq!(redacted.len(), 2, "one event per redacted field");
    let logged = serde_json::to_string(&events).unwrap();
    assert!(
        !logged.contains("4111") && !logged.contains("5555"),
        "events never carry the value: {logged}"
    );

    let (_, msg) = app
        .add_message(
            &api(),
            created.ticket.id,
            reply("new card 378282246310005", Visibility::Public, true),
        )
        .await
        .unwrap();
    assert!(!msg.body.contains("378282246310005"));
}

async fn idempotent_create_returns_the_same_ticket(store: Store) {
    let (app, clock) = app(store);
    let first = app
        .create_ticket(&api(), input("Refund", "please"), Some("key-1"))
        .await
        .unwrap();
    clock.advance(1_000);
    let again = app
        .create_ticket(&api(), input("Refund", "please"), Some("key-1"))
        .await
        .unwrap();
    assert!(first.is_new && !again.is_new);
    assert_eq!(first.ticket.id, again.ticket.id);
    let other = app
        .create_ticket(&api(), input("Refund", "something else"), Some("key-1"))
        .await;
    assert!(
        matches!(other, Err(AppError::IdempotencyKeyReused)),
        "{other:?}"
    );
    let other_client = app
        .create_ticket(&token("other"), input("Refund", "please"), Some("key-1"))
        .await
        .unwrap();
    assert!(other_client.is_new, "keys are scoped per client");
}

async fn concurrent_idempotent_creates_make_one_ticket(store: Store) {
    let (app, _) = app(store.clone());
    let mut handles = Vec::new();
    for _ in 0..12 {
        let app = app.clone();
        handles.push(tokio::spawn(async move {
            app.create_ticket(&api(), input("Double", "twice"), Some("race"))
                .await
        }));
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.push(h.await.unwrap().unwrap().ticket.id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry got the same ticket");
    let all = store
        .list_tickets(&Default::default(), &PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(all.items.len(), 1);
}

async fn replies_move_the_status(store: Store) {
    let (app, clock) = app(store);
    let t = app
        .create_ticket(&api(), input("Payout", "where is it"), None)
        .await
        .unwrap()
        .ticket;
    assert_eq!(t.status, Status::New);
    let (t2, _) = app
        .add_message(
            &api(),
            t.id,
            reply("We are on it", Visibility::Public, false),
        )
        .await
        .unwrap();
    assert_eq!(t2.status, Status::Open);
    let (t3, note) = app
        .add_message(
            &api(),
            t.id,
            reply("checked ledger", Visibility::Internal, false),
        )
        .await
        .unwrap();
    assert_eq!(
        (t3.status, note.visibility),
        (Status::Open, Visibility::Internal)
    );
    clock.advance(60_000);
    let solved = app
        .change_ticket(
            &api(),
            t.id,
            TicketChange {
                patch: TicketPatch {
                    status: Some(Status::Solved),
                    ..Default::default()
                },
                expected_version: Some(t3.version),
            },
        )
        .await
        .unwrap();
    assert_eq!(solved.solved_at, Some(Timestamp(T0 + 60_000)));
    let (reopened, msg) = app
        .add_message(
            &api(),
            t.id,
            reply("still missing", Visibility::Public, true),
        )
        .await
        .unwrap();
    assert_eq!(reopened.status, Status::Open);
    assert!(matches!(msg.author, Author::Customer { .. }));
    let kinds: Vec<_> = app
        .timeline(&api(), t.id, &PageRequest::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.kind)
        .collect();
    assert!(kinds.contains(&EventKind::Reopened), "{kinds:?}");
}

async fn stale_versions_are_refused(store: Store) {
    let (app, _) = app(store);
    let t = app
        .create_ticket(&api(), input("Fee", "why this fee"), None)
        .await
        .unwrap()
        .ticket;
    let change = |p: Priority, v: i64| TicketChange {
        patch: TicketPatch {
            priority: Some(p),
            ..Default::default()
        },
        expected_version: Some(v),
    };
    let a = app
        .change_ticket(&api(), t.id, change(Priority::High, t.version))
        .await
        .unwrap();
    assert_eq!(a.version, t.version + 1);
    let b = app
        .change_ticket(&api(), t.id, change(Priority::Low, t.version))
        .await;
    assert!(
        matches!(
            b,
            Err(AppError::VersionConflict {
                sent: 1,
                current: 2,
                ..
            })
        ),
        "{b:?}"
    );
    assert_eq!(
        app.ticket(&api(), t.id).await.unwrap().ticket.priority,
        Priority::High
    );
}

async fn closed_tickets_never_change(store: Store) {
    let (app, _) = app(store);
    let t = app
        .create_ticket(&api(), input("Top-up", "coins missing"), None)
        .await
        .unwrap()
        .ticket;
    let to = |s: Status| TicketChange {
        patch: TicketPatch {
            status: Some(s),
            ..Default::default()
        },
        expected_version: None,
    };
    app.change_ticket(&api(), t.id, to(Status::Solved))
        .await
        .unwrap();
    let closed = app
        .change_ticket(&api(), t.id, to(Status::Closed))
        .await
        .unwrap();
    assert!(closed.closed_at.is_some());
    for result in [
        app.change_ticket(&api(), t.id, to(Status::Open))
            .await
            .map(|_| ()),
        app.add_message(&api(), t.id, reply("hello?", Visibility::Public, true))
            .await
            .map(|_| ()),
        app.add_message(&api(), t.id, reply("note", Visibility::Internal, false))
            .await
            .map(|_| ()),
    ] {
        assert_eq!(result.unwrap_err().code(), "ticket_closed");
    }
}

async fn invalid_input_names_the_field(store: Store) {
    let (app, _) = app(store);
    let cases = [
        (input("   ", "body"), "subject"),
        (input("ok", "  "), "body"),
        (
            NewTicketInput {
                tags: vec!["has space".into()],
                ..input("ok", "b")
            },
            "tags",
        ),
        (
            NewTicketInput {
                language: "not a language!".into(),
                ..input("ok", "b")
            },
            "language",
        ),
        (
            NewTicketInput {
                category: Some("Bad Category!".into()),
                ..input("ok", "b")
            },
            "category",
        ),
    ];
    for (i, field) in cases {
        let err = app.create_ticket(&api(), i, None).await.unwrap_err();
        assert_eq!(err.field(), Some(field), "{err:?}");
    }
}

async fn batch_create_is_all_or_nothing(store: Store) {
    let (app, _) = app(store.clone());
    let ids = app
        .create_tickets(&api(), vec![input("a", "b"), input("c", "d")])
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    let err = app
        .create_tickets(&api(), vec![input("e", "f"), input("", "g")])
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("[1].subject"));
    assert_eq!(
        store
            .list_tickets(&Default::default(), &PageRequest::first(10))
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}

async fn card_data_in_labels_is_refused(store: Store) {
    let (app, _) = app(store.clone());
    let pan = "4111111111111111";
    let cases = [
        (
            NewTicketInput {
                tags: vec![pan.into()],
                ..input("ok", "b")
            },
            "tags",
        ),
        (
            NewTicketInput {
                category: Some(pan.into()),
                ..input("ok", "b")
            },
            "category",
        ),
    ];
    for (i, field) in cases {
        let err = app.create_ticket(&api(), i, None).await.unwrap_err();
        assert_eq!(err.field(), Some(field), "{err:?}");
    }
    let t = app
        .create_ticket(&api(), input("ok", "b"), Some(pan))
        .await
        .unwrap()
        .ticket;
    let mut tx = store.read().await.unwrap();
    let keys = tx
        .rows("SELECT key FROM idempotency_keys", &[])
        .await
        .unwrap();
    assert_eq!(keys.len(), 1);
    assert!(
        !keys[0].text("key").unwrap().contains(pan),
        "only the key's hash is stored"
    );
    let again = app
        .create_ticket(&api(), input("ok", "b"), Some(pan))
        .await
        .unwrap();
    assert_eq!((again.ticket.id, again.is_new), (t.id, false));
}

on_both_engines!(
    card_data_in_labels_is_refused,
    card_data_never_lands,
    idempotent_create_returns_the_same_ticket,
    concurrent_idempotent_creates_make_one_ticket,
    replies_move_the_status,
    stale_versions_are_refused,
    closed_tickets_never_change,
    invalid_input_names_the_field,
    batch_create_is_all_or_nothing,
);
