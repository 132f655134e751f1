//! Importing tickets from CSV, on both engines: good rows go in with their history and
//! redacted, bad rows are reported with the reason, reruns and resumed runs never
//! duplicate, a dry run writes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod import_support;

use import_support::{
    NOW, all_tickets, app, customers_with_email, events, fixture, imported, ms, run, texts,
};
use paydesk_app::Caller;
use paydesk_app::import::{ImportFormat, RejectionReport, TicketFile};
use paydesk_domain::Timestamp;
use paydesk_domain::event::EventKind;
use paydesk_domain::message::{Author, Visibility};
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status};
use paydesk_store::{NewQueue, Store};
use paydesk_testkit::on_both_engines;

const FILE: &str = "tickets.csv";
const SCOPE: &str = "import:csv:tickets.csv";
/// The good rows of the fixture.
const GOOD: [&str; 4] = ["CSV-1", "CSV-2", "CSV-9", "CSV-14"];

async fn with_queue(store: &Store) {
    store
        .insert_queue(
            &NewQueue {
                key: "payments".into(),
                name: "Payments".into(),
                business_line: None,
                vendor_id: None,
            },
            Timestamp(NOW),
        )
        .await
        .unwrap();
}

async fn good_rows_go_in_and_bad_rows_are_reported(store: Store) {
    with_queue(&store).await;
    let app = app(store.clone());
    assert_eq!(import_support::format_of(FILE), ImportFormat::Csv);
    let run = run(&app, FILE, 4, None, false).await;
    assert_eq!(run.read, 15);
    assert_eq!(run.imported, 4);
    assert_eq!(run.skipped, 0);
    let reasons = run.reasons();
    let expect = [
        ("CSV-3", "status: 'escalated' is not a status"),
        ("CSV-4", "subject: must not be empty"),
        ("CSV-5", "business_line: 'seller' is not a business line"),
        (
            "CSV-6",
            "requester_email: 'not-an-email' is not an email address",
        ),
        ("CSV-7", "created_at: 'yesterday' is not an RFC 3339 time"),
        ("CSV-8", "tags: looks like a card number"),
        ("row 12", "external_id: missing"),
        ("CSV-1", "external_id: repeats the one on row 2"),
        ("CSV-12", "queue: no queue you work has the key 'nope'"),
        ("CSV-13", "the row has 3 fields; the header has 13"),
        ("CSV-15", "category: looks like a card number"),
    ];
    for (id, reason) in expect {
        let got = reasons
            .get(id)
            .unwrap_or_else(|| panic!("{id} not rejected: {reasons:?}"));
        assert!(got.starts_with(reason), "{id}: {got}");
    }
    assert_eq!(run.rejected.len(), expect.len(), "{reasons:?}");
    let rows: Vec<u64> = run.rejected.iter().map(|r| r.row).collect();
    assert_eq!(rows, [4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 17]);

    let views = all_tickets(&app).await;
    assert_eq!(views.len(), 4);
    let stored = texts(&views);
    for pan in ["4111 1111 1111 1111", "5500-0000-0000-0004", "CVV: 123"] {
        assert!(!stored.contains(pan), "{pan} was stored");
    }

    let one = imported(&app, SCOPE, "CSV-1").await;
    assert_eq!(one.ticket.status, Status::Open);
    assert_eq!(one.ticket.priority, Priority::High);
    assert_eq!(one.ticket.channel, Channel::Email);
    assert_eq!(one.ticket.category.as_deref(), Some("refund"));
    assert_eq!(one.ticket.tags, ["card", "double-charge"]);
    assert_eq!(one.ticket.created_at, ms("2024-03-01T09:30:00Z"));
    assert!(one.ticket.queue_id.is_some());
    assert_eq!(one.messages.len(), 1);
    assert_eq!(one.messages[0].created_at, ms("2024-03-01T09:30:00Z"));
    assert_eq!(one.messages[0].visibility, Visibility::Public);
    assert!(one.messages[0].body.contains("[card ****1111]"));
    let customer = one.ticket.customer_id.unwrap();
    assert_eq!(
        one.messages[0].author,
        Author::Customer { id: Some(customer) }
    );

    // The same requester (an address written differently) is one customer.
    let two = imported(&app, SCOPE, "CSV-2").await;
    assert_eq!(two.ticket.customer_id, Some(customer));
    assert_eq!(two.ticket.business_line, BusinessLine::Buyer, "the default");
    assert_eq!(two.ticket.created_at, ms("2024-03-02T09:00:00Z"));
    assert_eq!(two.ticket.status, Status::Solved);
    assert_eq!(two.ticket.solved_at, Some(ms("2024-03-02T09:00:00Z")));
    let customers = customers_with_email(&store, Some("ana@example.com")).await;
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0].name, "Ana Buyer");

    let closed = imported(&app, SCOPE, "CSV-14").await;
    assert_eq!(closed.ticket.status, Status::Closed);
    assert_eq!(closed.ticket.closed_at, Some(ms("2023-12-31T23:59:59Z")));
    assert_eq!(closed.ticket.business_line, BusinessLine::Merchant);

    // History keeps its times; the import itself is recorded when it happened.
    let log = events(&app, one.ticket.id).await;
    let created = log
        .iter()
        .find(|e| e.kind == EventKind::TicketCreated)
        .unwrap();
    assert_eq!(created.at, ms("2024-03-01T09:30:00Z"));
    assert_eq!(created.data["status"], "open");
    assert_eq!(created.data["customer_id"], customer.0);
    let imported_event = log
        .iter()
        .find(|e| e.kind == EventKind::TicketImported)
        .unwrap();
    assert_eq!(imported_event.at, Timestamp(NOW));
    assert_eq!(imported_event.data["external_id"], "CSV-1");
    assert!(log.iter().any(|e| e.kind == EventKind::Redacted));
    assert!(matches!(
        store.verify_audit_chain(|_, _| {}).await.unwrap(),
        paydesk_store::ChainReport::Intact { .. }
    ));
}

async fn a_second_run_imports_nothing(store: Store) {
    with_queue(&store).await;
    let app = app(store);
    let first = run(&app, FILE, 3, None, false).await;
    assert_eq!(first.imported, 4);
    let second = run(&app, FILE, 3, None, false).await;
    assert_eq!(second.imported, 0);
    assert_eq!(second.skipped, 4);
    assert_eq!(second.rejected.len(), first.rejected.len());
    assert_eq!(all_tickets(&app).await.len(), 4);
}

async fn an_interrupted_run_resumes_without_duplicates(store: Store) {
    with_queue(&store).await;
    let app = app(store);
    // Stops after the rows up to CSV-2: one batch landed, the rest never read.
    let partial = run(&app, FILE, 2, Some(2), false).await;
    assert_eq!(partial.imported, 2);
    let rest = run(&app, FILE, 2, None, false).await;
    assert_eq!(rest.skipped, 2);
    assert_eq!(rest.imported, 2);
    let views = all_tickets(&app).await;
    assert_eq!(views.len(), GOOD.len());
    for id in GOOD {
        imported(&app, SCOPE, id).await;
    }
}

async fn a_dry_run_writes_nothing(store: Store) {
    with_queue(&store).await;
    let app = app(store.clone());
    let dry = run(&app, FILE, 5, None, true).await;
    assert_eq!(dry.imported, 4, "would be imported");
    assert_eq!(dry.rejected.len(), 11);
    assert!(all_tickets(&app).await.is_empty());
    assert!(customers_with_email(&store, None).await.is_empty());
}

async fn a_failed_batch_is_retried_row_by_row(store: Store) {
    with_queue(&store).await;
    let app = app(store.clone());
    let mut file = TicketFile::open(&fixture(FILE), None).unwrap();
    let mut import = app
        .ticket_import(&Caller::system(), import_support::options(&file, false))
        .await
        .unwrap();
    // The queue CSV-1 names goes away after the import has looked it up: its insert fails
    // in the store, and CSV-2 in the same batch still goes in.
    let mut tx = store.write().await.unwrap();
    tx.exec("DELETE FROM queues", &[]).await.unwrap();
    tx.commit().await.unwrap();
    let rows = file.next_batch(2).unwrap();
    let out = import.import(rows.tickets).await.unwrap();
    assert_eq!(out.imported, 1);
    assert_eq!(out.rejected.len(), 1);
    assert_eq!(out.rejected[0].external_id.as_deref(), Some("CSV-1"));
    assert!(
        out.rejected[0]
            .reason
            .starts_with("the database refused it"),
        "{}",
        out.rejected[0].reason
    );
    imported(&app, SCOPE, "CSV-2").await;
}

async fn the_report_masks_card_data(store: Store) {
    with_queue(&store).await;
    let app = app(store);
    let run = run(&app, FILE, 50, None, false).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.csv");
    let mut report = RejectionReport::create(&path).unwrap();
    report.write(&run.rejected).unwrap();
    assert_eq!(report.rows(), 11);
    drop(report);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = csv::Reader::from_path(&path).unwrap();
    assert_eq!(
        lines.headers().unwrap(),
        vec!["row", "external_id", "reason", "raw"]
    );
    let rows: Vec<csv::StringRecord> = lines.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 11);
    let card_row = rows.iter().find(|r| &r[1] == "CSV-15").unwrap();
    assert_eq!(&card_row[0], "17");
    assert!(card_row[3].contains("Card in the category"));
    assert!(!text.contains("4111111111111111") && !text.contains("5500 0000 0000 0004"));
}

on_both_engines!(
    good_rows_go_in_and_bad_rows_are_reported,
    a_second_run_imports_nothing,
    an_interrupted_run_resumes_without_duplicates,
    a_dry_run_writes_nothing,
    a_failed_batch_is_retried_row_by_row,
    the_report_masks_card_data,
);
