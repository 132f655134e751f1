//! The audit chain, on both engines: every way the store appends events leaves a chain that
//! verifies, and a record edited, deleted or rewritten by hand in the database is named.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_domain::customer::{NewCustomer, Tier};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{Author, NewMessage, Visibility};
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status, Ticket, TicketPatch};
use paydesk_domain::{Actor, CustomerId, TicketId, Timestamp, UserId};
use paydesk_store::audit::{ChainEntry, GENESIS, entry_hash};
use paydesk_store::{
    ChainBreak, ChainReport, Engine, PageRequest, Store, StoreError, TicketRecord, args,
};
use paydesk_testkit::on_both_engines;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};

fn customer(name: &str) -> NewCustomer {
    NewCustomer {
        business_line: BusinessLine::Buyer,
        name: name.into(),
        emails: vec![format!("{}@example.com", name.to_lowercase())],
        phone: None,
        country: Some("DE".into()),
        locale: None,
        tier: Tier::Standard,
        external_ids: Default::default(),
    }
}

fn record(subject: &str, at: i64, customer: Option<CustomerId>) -> TicketRecord {
    let t = Timestamp(at);
    TicketRecord {
        ticket: Ticket {
            id: TicketId(0),
            subject: subject.into(),
            status: Status::New,
            priority: Priority::Normal,
            channel: Channel::Web,
            business_line: BusinessLine::Buyer,
            category: None,
            tags: vec![],
            queue_id: None,
            assignee_id: None,
            customer_id: customer,
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
            author: Author::Customer { id: customer },
            body: format!("body of {subject}"),
            attachments: vec![],
        }],
        events: vec![
            NewEvent::ticket(
                None,
                &Actor::Api {
                    client: "intake".into(),
                },
                t,
                EventKind::TicketCreated,
                json!({"subject": subject, "note": "ünïcode \"quoted\"\n"}),
            ),
            NewEvent::ticket(None, &Actor::System, t, EventKind::MessageAdded, json!({})),
        ],
    }
}

fn audit_event(kind: EventKind, user: i64, customer: Option<CustomerId>) -> NewEvent {
    NewEvent {
        ticket_id: None,
        customer_id: customer,
        actor: Actor::User { id: UserId(user) },
        at: Timestamp(9_000),
        kind,
        data: json!({"what": kind.as_str()}),
        ip: None,
    }
}

async fn verify(store: &Store) -> ChainReport {
    store.verify_audit_chain(|_, _| {}).await.unwrap()
}

async fn event_count(store: &Store) -> i64 {
    let mut tx = store.read().await.unwrap();
    tx.row("SELECT COUNT(*) AS n FROM events", &[])
        .await
        .unwrap()
        .unwrap()
        .i64("n")
        .unwrap()
}

/// Changes the events table by hand, as someone with database access could: switches the
/// append-only triggers off first.
async fn tamper(store: &Store, sql: &str, id: i64) {
    let mut tx = store.write().await.unwrap();
    match store.engine() {
        Engine::Sqlite => {
            tx.exec("DROP TRIGGER events_no_update", &[]).await.unwrap();
            tx.exec("DROP TRIGGER events_no_delete", &[]).await.unwrap();
        }
        Engine::Postgres => {
            tx.exec("ALTER TABLE events DISABLE TRIGGER events_no_change", &[])
                .await
                .unwrap();
        }
    }
    assert_eq!(tx.exec(sql, &args![id]).await.unwrap(), 1, "{sql}");
    tx.commit().await.unwrap();
}

/// A short chain: a customer, its update, three tickets and an audit record.
async fn small_chain(store: &Store) {
    let c = store
        .insert_customer(
            &customer("Mia"),
            Timestamp(1),
            &audit_event(EventKind::CustomerCreated, 1, None),
        )
        .await
        .unwrap();
    let mut changed = c.clone();
    changed.name = "Mia K.".into();
    changed.version += 1;
    store
        .update_customer(
            &changed,
            c.version,
            &audit_event(EventKind::CustomerUpdated, 1, Some(c.id)),
        )
        .await
        .unwrap();
    for i in 0..3 {
        store
            .insert_ticket(&record(&format!("t{i}"), 10 + i, Some(c.id)), None)
            .await
            .unwrap();
    }
    store
        .append_audit(
            &[audit_event(EventKind::PiiRead, 1, Some(c.id))],
            Some("203.0.113.9"),
        )
        .await
        .unwrap();
}

async fn store_writes_make_an_intact_chain(store: Store) {
    assert_eq!(
        verify(&store).await,
        ChainReport::Intact {
            records: 0,
            head_id: 0,
            head_hash: GENESIS.into()
        }
    );
    small_chain(&store).await;
    let c = store.customer(CustomerId(1)).await.unwrap();

    // A batch larger than one insert statement and than one verification page.
    let batch: Vec<_> = (0..2_600)
        .map(|i| record(&format!("batch {i}"), 100 + i, None))
        .collect();
    store.insert_tickets(&batch).await.unwrap();

    // Concurrent single creates (one shared group commit on SQLite), some refused, so that
    // groups are rolled back and retried ticket by ticket.
    let mut handles = Vec::new();
    for i in 0..50_i64 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let who = if i % 10 == 3 {
                Some(CustomerId(999_999))
            } else {
                None
            };
            store
                .insert_ticket(&record(&format!("c{i}"), 5_000 + i, who), None)
                .await
        }));
    }
    let mut refused = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(_) => {}
            Err(StoreError::MissingReference) => refused += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(refused, 5);

    // A versioned update with a message; audit records of every kind, with an address.
    let t = store.ticket(TicketId(1)).await.unwrap();
    let mut next = t.clone();
    let changes = next
        .apply(
            &TicketPatch {
                priority: Some(Priority::High),
                ..TicketPatch::default()
            },
            Timestamp(8_000),
        )
        .unwrap();
    let events = NewEvent::from_changes(t.id, &Actor::System, Timestamp(8_000), &changes);
    let reply = NewMessage {
        at: Timestamp(8_000),
        visibility: Visibility::Internal,
        author: Author::System,
        body: "noted".into(),
        attachments: vec![],
    };
    store
        .update_ticket(&next, t.version, &events, Some(&reply))
        .await
        .unwrap();
    let kinds = [
        EventKind::SignIn,
        EventKind::SignInFailed,
        EventKind::SignOut,
        EventKind::PiiRead,
        EventKind::Export,
        EventKind::ConfigChanged,
        EventKind::PermissionDenied,
    ];
    let audit: Vec<_> = kinds
        .iter()
        .map(|k| audit_event(*k, 2, Some(c.id)))
        .collect();
    let ids = store
        .append_audit(&audit, Some("2001:db8::7"))
        .await
        .unwrap();
    assert_eq!(ids.len(), kinds.len());

    // A refused append leaves the chain as it was.
    let before = event_count(&store).await;
    let bad = store
        .append_audit(
            &[audit_event(
                EventKind::PiiRead,
                2,
                Some(CustomerId(424_242)),
            )],
            None,
        )
        .await;
    assert!(matches!(bad, Err(StoreError::MissingReference)), "{bad:?}");
    assert_eq!(event_count(&store).await, before);

    let total = event_count(&store).await;
    let last_progress = AtomicU64::new(0);
    let report = store
        .verify_audit_chain(|done, all| {
            assert!(done <= all);
            last_progress.store(done, Ordering::Relaxed);
        })
        .await
        .unwrap();
    let ChainReport::Intact {
        records,
        head_id,
        head_hash,
    } = report
    else {
        panic!("broken: {report:?}");
    };
    assert_eq!(i64::try_from(records).unwrap(), total);
    assert_eq!(head_id, total, "ids run 1..=n without gaps");
    assert_eq!(last_progress.load(Ordering::Relaxed), records);
    assert_eq!(head_hash.len(), 64);

    // The audit records read back with their address and links.
    let page = store
        .audit_trail(&PageRequest {
            limit: 10,
            cursor: None,
        })
        .await
        .unwrap();
    assert_eq!(page.items[0].prev_hash, GENESIS);
    assert_eq!(page.items[0].event.id.0, 1);
    assert!(
        page.items
            .windows(2)
            .all(|w| w[1].prev_hash == w[0].hash && w[1].event.id.0 == w[0].event.id.0 + 1)
    );
    let pii = page
        .items
        .iter()
        .find(|r| r.event.kind == EventKind::PiiRead)
        .unwrap();
    assert_eq!(pii.ip.as_deref(), Some("203.0.113.9"));
    assert!(
        page.items
            .iter()
            .all(|r| r.event.kind == EventKind::PiiRead || r.ip.is_none())
    );
}

async fn an_edited_record_is_named(store: Store) {
    small_chain(&store).await;
    assert!(matches!(verify(&store).await, ChainReport::Intact { .. }));
    tamper(
        &store,
        "UPDATE events SET data = '{\"subject\":\"nothing to see\"}' WHERE id = $1",
        4,
    )
    .await;
    let report = verify(&store).await;
    assert!(
        matches!(
            report,
            ChainReport::Broken {
                first_bad_id: 4,
                reason: ChainBreak::HashMismatch { .. }
            }
        ),
        "{report:?}"
    );
}

async fn an_edited_address_is_named(store: Store) {
    small_chain(&store).await;
    let last = event_count(&store).await;
    tamper(&store, "UPDATE events SET ip = NULL WHERE id = $1", last).await;
    let report = verify(&store).await;
    assert!(
        matches!(report, ChainReport::Broken { first_bad_id, reason: ChainBreak::HashMismatch { .. } } if first_bad_id == last),
        "{report:?}"
    );
}

async fn a_deleted_record_is_named_as_a_gap(store: Store) {
    small_chain(&store).await;
    tamper(&store, "DELETE FROM events WHERE id = $1", 5).await;
    let report = verify(&store).await;
    assert_eq!(
        report,
        ChainReport::Broken {
            first_bad_id: 5,
            reason: ChainBreak::Missing { next_id: 6 }
        }
    );
    assert!(report_text(&report).contains("deleted"));
}

async fn a_deleted_first_record_is_named(store: Store) {
    small_chain(&store).await;
    tamper(&store, "DELETE FROM events WHERE id = $1", 1).await;
    assert_eq!(
        verify(&store).await,
        ChainReport::Broken {
            first_bad_id: 1,
            reason: ChainBreak::Missing { next_id: 2 }
        }
    );
}

/// Someone who knows the scheme edits a record and recomputes its hash: the next record's
/// link gives it away.
async fn a_rewritten_record_breaks_the_next_link(store: Store) {
    small_chain(&store).await;
    let page = store.audit_trail(&PageRequest::first(100)).await.unwrap();
    let target = &page.items[2];
    let forged_data = "{\"forged\":true}";
    let e = &target.event;
    let (actor_kind, actor_id, actor_label) = paydesk_store::actor_columns(&e.actor);
    let forged_hash = entry_hash(
        &target.prev_hash,
        &ChainEntry {
            id: e.id.0,
            ticket_id: e.ticket_id.map(|t| t.0),
            customer_id: e.customer_id.map(|c| c.0),
            actor_kind,
            actor_id,
            actor_label,
            ip: target.ip.as_deref(),
            at: e.at.0,
            kind: e.kind.as_str(),
            data: forged_data,
        },
    );
    tamper(
        &store,
        &format!("UPDATE events SET data = '{forged_data}', hash = '{forged_hash}' WHERE id = $1"),
        e.id.0,
    )
    .await;
    let report = verify(&store).await;
    assert!(
        matches!(report, ChainReport::Broken { first_bad_id, reason: ChainBreak::PrevHashMismatch { .. } } if first_bad_id == e.id.0 + 1),
        "{report:?}"
    );
}

/// Twenty tasks append at once (ticket creates, updates and audit records); the chain
/// stays one line.
async fn concurrent_appends_make_a_valid_chain(store: Store) {
    let seed = store
        .insert_tickets(
            &(0..20)
                .map(|i| record(&format!("seed {i}"), i, None))
                .collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    let mut handles = Vec::new();
    for (task, ticket) in (0..20_i64).zip(seed) {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            for round in 0..5_i64 {
                store
                    .insert_ticket(&record(&format!("{task}-{round}"), round, None), None)
                    .await
                    .unwrap();
                store
                    .append_audit(
                        &[
                            audit_event(EventKind::SignIn, task, None),
                            audit_event(EventKind::Export, task, None),
                        ],
                        Some("198.51.100.4"),
                    )
                    .await
                    .unwrap();
                let t = store.ticket(ticket).await.unwrap();
                let mut next = t.clone();
                let changes = next
                    .apply(
                        &TicketPatch {
                            subject: Some(format!("renamed {round}")),
                            ..TicketPatch::default()
                        },
                        Timestamp(round),
                    )
                    .unwrap();
                let events =
                    NewEvent::from_changes(t.id, &Actor::System, Timestamp(round), &changes);
                store
                    .update_ticket(&next, t.version, &events, None)
                    .await
                    .unwrap();
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let total = event_count(&store).await;
    // 20 seeds and 100 creates with 2 events each, 100 x 2 audit records, 100 renames.
    assert_eq!(total, 20 * 2 + 100 * 2 + 100 * 2 + 100);
    assert_eq!(
        verify(&store).await,
        ChainReport::Intact {
            records: u64::try_from(total).unwrap(),
            head_id: total,
            head_hash: store
                .audit_trail(&PageRequest {
                    limit: 1,
                    cursor: Some(paydesk_store::page::encode_cursor(&[total - 1])),
                })
                .await
                .unwrap()
                .items[0]
                .hash
                .clone(),
        }
    );
}

fn report_text(report: &ChainReport) -> String {
    match report {
        ChainReport::Broken { reason, .. } => reason.to_string(),
        ChainReport::Intact { .. } => String::new(),
    }
}

on_both_engines!(
    store_writes_make_an_intact_chain,
    an_edited_record_is_named,
    an_edited_address_is_named,
    a_deleted_record_is_named_as_a_gap,
    a_deleted_first_record_is_named,
    a_rewritten_record_breaks_the_next_link,
    concurrent_appends_make_a_valid_chain,
);
