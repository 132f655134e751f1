//! The storage contract, checked on both engines: every test here runs once on SQLite and
//! once on PostgreSQL, each on a fresh database.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_domain::customer::{NewCustomer, Tier};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{AttachmentMeta, Author, NewMessage, Visibility};
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status, Ticket, TicketPatch};
use paydesk_domain::{Actor, CustomerId, TicketId, Timestamp};
use paydesk_store::{
    CustomerFilter, IdempotencyKey, PageRequest, Store, StoreError, TicketFilter, TicketRecord,
};
use paydesk_testkit::on_both_engines;
use serde_json::json;

fn customer(name: &str, email: &str) -> NewCustomer {
    NewCustomer {
        business_line: BusinessLine::Buyer,
        name: name.into(),
        emails: vec![email.into()],
        phone: Some("+15550100".into()),
        country: Some("US".into()),
        locale: Some("en-US".into()),
        tier: Tier::Standard,
        external_ids: [("buyer_id".to_string(), "b-1".to_string())].into(),
    }
}

fn record(subject: &str, body: &str, at: i64) -> TicketRecord {
    let t = Timestamp(at);
    TicketRecord {
        ticket: Ticket {
            id: TicketId(0),
            subject: subject.into(),
            status: Status::New,
            priority: Priority::Normal,
            channel: Channel::Email,
            business_line: BusinessLine::Buyer,
            category: Some("duplicate_charge".into()),
            tags: vec!["coins".into()],
            queue_id: None,
            assignee_id: None,
            customer_id: None,
            language: "en".into(),
            version: 1,
            created_at: t,
            updated_at: t,
            solved_at: None,
            closed_at: None,
        },
        messages: vec![NewMessage {
            at: t,
            visibility: Visibility::Public,
            author: Author::Customer { id: None },
            body: body.into(),
            attachments: vec![AttachmentMeta::metadata(
                "receipt.pdf".into(),
                "application/pdf".into(),
                1234,
            )],
        }],
        events: vec![NewEvent::ticket(
            None,
            &Actor::System,
            t,
            EventKind::TicketCreated,
            json!({"subject": subject}),
        )],
    }
}

async fn customers_round_trip(store: Store) {
    let event = NewEvent {
        ticket_id: None,
        customer_id: None,
        actor: Actor::System,
        at: Timestamp(5),
        kind: EventKind::CustomerCreated,
        data: json!({}),
        ip: None,
    };
    let c = store
        .insert_customer(
            &customer("Ana Cruz", "ana@example.com"),
            Timestamp(5),
            &event,
        )
        .await
        .unwrap();
    let read = store.customer(c.id).await.unwrap();
    assert_eq!(read, c);
    assert_eq!(read.emails, ["ana@example.com"]);
    assert_eq!(
        read.external_ids.get("buyer_id").map(String::as_str),
        Some("b-1")
    );

    let mut changed = read.clone();
    changed.name = "Ana M. Cruz".into();
    changed.emails = vec!["ana@example.com".into(), "ana@work.example".into()];
    changed.version += 1;
    store
        .update_customer(&changed, read.version, &event)
        .await
        .unwrap();
    let stale = store.update_customer(&changed, read.version, &event).await;
    assert!(
        matches!(stale, Err(StoreError::VersionConflict { .. })),
        "{stale:?}"
    );
    assert_eq!(store.customer(c.id).await.unwrap().emails.len(), 2);

    let by_email = CustomerFilter {
        email: Some("ANA@work.example".into()),
        ..CustomerFilter::default()
    };
    let page = store
        .list_customers(&by_email, &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let by_name = CustomerFilter {
        name: Some("m. c".into()),
        ..CustomerFilter::default()
    };
    assert_eq!(
        store
            .list_customers(&by_name, &PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(matches!(
        store.customer(CustomerId(999)).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn ticket_insert_reads_back_with_messages_and_events(store: Store) {
    let t = store
        .insert_ticket(
            &record("Charged twice", "I see two charges of $9.99", 1_000),
            None,
        )
        .await
        .unwrap();
    assert_eq!(t.version, 1);
    assert_eq!(t.tags, ["coins"]);
    assert_eq!(store.ticket(t.id).await.unwrap(), t);
    let messages = store.messages(t.id).await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].attachments[0].filename, "receipt.pdf");
    let timeline = store.timeline(t.id, &PageRequest::default()).await.unwrap();
    assert_eq!(timeline.items.len(), 1);
    assert_eq!(timeline.items[0].kind, EventKind::TicketCreated);
    assert_eq!(timeline.items[0].ticket_id, Some(t.id));
}

async fn missing_references_are_refused(store: Store) {
    let mut r = record("x", "y", 1);
    r.ticket.customer_id = Some(CustomerId(4242));
    let err = store.insert_ticket(&r, None).await.unwrap_err();
    assert!(matches!(err, StoreError::MissingReference), "{err:?}");
    let all = store
        .list_tickets(&TicketFilter::default(), &PageRequest::default())
        .await
        .unwrap();
    assert!(
        all.items.is_empty(),
        "a refused insert leaves nothing behind"
    );
}

async fn stale_update_is_a_conflict_and_writes_nothing(store: Store) {
    let t = store
        .insert_ticket(&record("Refund", "please refund", 1_000), None)
        .await
        .unwrap();
    let mut a = t.clone();
    let changes = a
        .apply(
            &TicketPatch {
                priority: Some(Priority::High),
                ..TicketPatch::default()
            },
            Timestamp(2_000),
        )
        .unwrap();
    let events = NewEvent::from_changes(t.id, &Actor::System, Timestamp(2_000), &changes);
    store
        .update_ticket(&a, t.version, &events, None)
        .await
        .unwrap();

    let mut b = t.clone();
    let changes = b
        .apply(
            &TicketPatch {
                priority: Some(Priority::Low),
                ..TicketPatch::default()
            },
            Timestamp(3_000),
        )
        .unwrap();
    let events = NewEvent::from_changes(t.id, &Actor::System, Timestamp(3_000), &changes);
    let err = store
        .update_ticket(&b, t.version, &events, None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::VersionConflict { .. }), "{err:?}");
    assert_eq!(store.ticket(t.id).await.unwrap().priority, Priority::High);
    assert_eq!(
        store
            .timeline(t.id, &PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}

async fn update_with_message_commits_together(store: Store) {
    let t = store
        .insert_ticket(&record("Payout late", "where is my money", 1_000), None)
        .await
        .unwrap();
    let mut next = t.clone();
    let change = next.on_agent_reply(Timestamp(5_000)).unwrap().unwrap();
    next.version += 1;
    let mut events = NewEvent::from_changes(t.id, &Actor::System, Timestamp(5_000), &[change]);
    events.push(NewEvent::ticket(
        Some(t.id),
        &Actor::System,
        Timestamp(5_000),
        EventKind::MessageAdded,
        json!({}),
    ));
    let reply = NewMessage {
        at: Timestamp(5_000),
        visibility: Visibility::Internal,
        author: Author::System,
        body: "checked the payout ledger".into(),
        attachments: vec![],
    };
    let stored = store
        .update_ticket(&next, t.version, &events, Some(&reply))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.visibility, Visibility::Internal);
    assert_eq!(store.messages(t.id).await.unwrap().len(), 2);
    assert_eq!(store.ticket(t.id).await.unwrap().status, Status::Open);
}

async fn listing_filters_and_pages(store: Store) {
    let mut records = Vec::new();
    for i in 0..25_i64 {
        let mut r = record(
            &format!("Ticket {i}"),
            if i % 5 == 0 {
                "double charge on gateway"
            } else {
                "payout question"
            },
            10_000 + i * 10,
        );
        r.ticket.business_line = if i % 2 == 0 {
            BusinessLine::Buyer
        } else {
            BusinessLine::Creator
        };
        r.ticket.status = if i % 3 == 0 {
            Status::Open
        } else {
            Status::New
        };
        r.ticket.tags = if i % 4 == 0 {
            vec!["vip".into()]
        } else {
            vec![]
        };
        records.push(r);
    }
    store.insert_tickets(&records).await.unwrap();

    let mut seen = Vec::new();
    let mut page = PageRequest::first(10);
    loop {
        let p = store
            .list_tickets(&TicketFilter::default(), &page)
            .await
            .unwrap();
        seen.extend(p.items.iter().map(|t| t.id));
        match p.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, no repeats");

    let f = |filter: TicketFilter| {
        let store = store.clone();
        async move {
            store
                .list_tickets(&filter, &PageRequest::first(200))
                .await
                .unwrap()
                .items
                .len()
        }
    };
    assert_eq!(
        f(TicketFilter {
            business_line: Some(BusinessLine::Creator),
            ..TicketFilter::default()
        })
        .await,
        12
    );
    assert_eq!(
        f(TicketFilter {
            statuses: vec![Status::Open],
            ..TicketFilter::default()
        })
        .await,
        9
    );
    assert_eq!(
        f(TicketFilter {
            tag: Some("vip".into()),
            ..TicketFilter::default()
        })
        .await,
        7
    );
    assert_eq!(
        f(TicketFilter {
            text: Some("Double CHARGE".into()),
            ..TicketFilter::default()
        })
        .await,
        5
    );
    assert_eq!(
        f(TicketFilter {
            text: Some("charge\" OR payout*".into()),
            ..TicketFilter::default()
        })
        .await,
        0,
        "query syntax is not interpreted"
    );
    assert_eq!(
        f(TicketFilter {
            created_from: Some(Timestamp(10_100)),
            created_to: Some(Timestamp(10_200)),
            ..TicketFilter::default()
        })
        .await,
        10
    );
    assert_eq!(
        f(TicketFilter {
            assignee_id: Some(None),
            ..TicketFilter::default()
        })
        .await,
        25
    );
    let bad = store
        .list_tickets(
            &TicketFilter::default(),
            &PageRequest {
                limit: 5,
                cursor: Some("nonsense".into()),
            },
        )
        .await;
    assert!(matches!(bad, Err(StoreError::BadCursor)));
}

async fn idempotency_keys_are_unique_per_scope(store: Store) {
    let key = IdempotencyKey {
        scope: "api:mail".into(),
        key: "k1".into(),
        request_hash: "h".into(),
    };
    let t = store
        .insert_ticket(&record("a", "b", 1), Some(&key))
        .await
        .unwrap();
    let again = store.insert_ticket(&record("a", "b", 2), Some(&key)).await;
    assert!(matches!(again, Err(StoreError::Duplicate)), "{again:?}");
    assert_eq!(
        store.idempotent_ticket("api:mail", "k1").await.unwrap(),
        Some((t.id, "h".to_string()))
    );
    assert_eq!(
        store.idempotent_ticket("api:other", "k1").await.unwrap(),
        None
    );
    let all = store
        .list_tickets(&TicketFilter::default(), &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        all.items.len(),
        1,
        "the refused duplicate left no ticket behind"
    );
}

async fn events_cannot_be_changed_or_deleted(store: Store) {
    store
        .insert_ticket(&record("a", "b", 1), None)
        .await
        .unwrap();
    let mut tx = store.write().await.unwrap();
    assert!(tx.exec("UPDATE events SET kind = 'x'", &[]).await.is_err());
    drop(tx);
    let mut tx = store.write().await.unwrap();
    assert!(tx.exec("DELETE FROM events", &[]).await.is_err());
}

async fn migrations_are_idempotent(store: Store) {
    assert!(store.migrate(1).await.unwrap().is_empty());
    store.ping().await.unwrap();
}

async fn concurrent_creates_fail_alone(store: Store) {
    let mut handles = Vec::new();
    for i in 0..64_i64 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let mut r = record(&format!("t{i}"), "body", i);
            if i % 8 == 0 {
                r.ticket.customer_id = Some(CustomerId(999_999));
            }
            let key = (i % 16 == 1).then(|| IdempotencyKey {
                scope: "s".into(),
                key: "same".into(),
                request_hash: "h".into(),
            });
            store.insert_ticket(&r, key.as_ref()).await
        }));
    }
    let mut ok = 0;
    let mut missing = 0;
    let mut duplicate = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::MissingReference) => missing += 1,
            Err(StoreError::Duplicate) => duplicate += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((ok, missing, duplicate), (53, 8, 3));
    let all = store
        .list_tickets(&TicketFilter::default(), &PageRequest::first(200))
        .await
        .unwrap();
    assert_eq!(
        all.items.len(),
        53,
        "exactly the acknowledged tickets exist"
    );
}

on_both_engines!(
    concurrent_creates_fail_alone,
    customers_round_trip,
    ticket_insert_reads_back_with_messages_and_events,
    missing_references_are_refused,
    stale_update_is_a_conflict_and_writes_nothing,
    update_with_message_commits_together,
    listing_filters_and_pages,
    idempotency_keys_are_unique_per_scope,
    events_cannot_be_changed_or_deleted,
    migrations_are_idempotent,
);
