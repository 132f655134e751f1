//! No card number is stored or logged, on either engine.
//!
//! 10,000 tickets carrying freshly drawn, Luhn-valid card numbers (13-19 digits, real
//! brand prefixes, written plainly, in fours, with dashes or in odd groups, sometimes
//! with a security code) arrive through every channel ([`channel::CHANNELS`]), along with
//! their follow-up messages, notes, subject changes and customer names. Then come card
//! numbers where they do not belong: refused requests, malformed JSON, searches, filters,
//! paths, headers, credentials ([`refused`]). Then everything is read back through the API.
//!
//! Afterwards the test's own finder ([`scan`], independent of the product's redactor)
//! looks for any card-like number in:
//! 1. every reply the API gave (body and headers);
//! 2. every log line written at TRACE by any crate ([`log`]);
//! 3. every text column of every table, and the decoded JSON of every event;
//! 4. on SQLite, the raw bytes of the database file and of its `-wal` and `-shm` files,
//!    while the store is open and again after it is closed.
//!
//! Nothing may be found. And the count of card numbers the product reports having masked
//! (its `redacted` events and customer events) must equal the count the test sent into
//! fields that mask, field by field, so the test knows the redactor really ran.
//!
//! A control run first writes a card number straight into a fresh database and checks
//! that the same scans find it, so that a scan that silently reads nothing cannot pass;
//! then, that database closed, it sends card numbers into server errors (5xx), whose
//! causes are logged.
//!
//! The random source is seeded (`PAYDESK_CARD_DATA_SEED` overrides the seed), so a failure
//! can be replayed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

mod channel;
mod client;
mod database;
mod log;
mod pan;
mod refused;
mod scan;

use axum::http::{Method, StatusCode};
use client::{Call, Client, Tally};
use common::Api;
use database::Report;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use rand::SeedableRng as _;
use rand::rngs::StdRng;
use scan::Finding;
use serde_json::json;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;
use tokio::task::JoinSet;

/// Tickets carrying card data, per engine.
const TICKETS: usize = 10_000;
/// Clients sending at once, each a fixed share of the tickets.
const WORKERS: usize = 8;
const _: () = assert!(TICKETS.is_multiple_of(WORKERS));
/// Of the tickets read back one by one (detail and timeline), one in this many.
const READ_BACK_EVERY: usize = 25;

fn seed() -> u64 {
    std::env::var("PAYDESK_CARD_DATA_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_CA4D)
}

async fn no_card_number_is_stored_or_logged(store: Store) {
    log::install();
    let started = Instant::now();
    let engine = store.engine();
    let seed = seed();
    assert!(database::clock_is_not_card_like(common::T0));
    let control_tally = control(engine, seed).await;

    let api = Arc::new(Api::new(store.clone()));
    let (mut tally, channels) = ingest(&api, seed).await;
    let ingested = started.elapsed();
    let mut c = Client::new(api.clone(), StdRng::seed_from_u64(seed ^ 0xBAD));
    let (number, customer) = plain_ticket_and_customer(&mut c).await;
    refused::misplaced(&mut c, &number, customer).await;
    read_back(&mut c).await;
    tally.add(c.tally);
    tally.add(control_tally);

    // The product's own count of what it masked must match what was sent.
    let (cards, codes, names) = database::redactions(&store).await;
    let nonzero = |m: &BTreeMap<&'static str, usize>| -> BTreeMap<String, usize> {
        m.iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| ((*k).to_string(), *n))
            .collect()
    };
    assert_eq!(
        cards,
        nonzero(&tally.masked_cards),
        "card numbers masked by field"
    );
    assert_eq!(
        codes,
        nonzero(&tally.masked_codes),
        "security codes masked by field"
    );
    assert_eq!(
        names, tally.masked_in_names,
        "card data masked in customer names"
    );
    assert!(tally.tickets >= TICKETS, "{} tickets", tally.tickets);
    assert!(tally.masked_card_total() >= TICKETS);
    assert!(tally.cards_sent() >= TICKETS);
    assert!(
        tally.statuses.keys().any(|s| (400..500).contains(s))
            && tally.statuses.keys().any(|s| *s >= 500),
        "both client and server errors must be met: {:?}",
        tally.statuses
    );

    // The database, through SQL, and on SQLite, its files.
    let mut findings: Vec<Finding> = std::mem::take(&mut tally.findings);
    let columns = database::scan_columns(&store).await;
    let events = database::scan_event_data(&store).await;
    let mut files = vec![];
    if let Store::Sqlite(_) = &store {
        let paths = database::sqlite_files(&store);
        let digests = database::digests(&store).await;
        let open = database::scan_files(&paths, &digests, "store open");
        assert!(
            open.files
                .iter()
                .all(|(_, size)| size.is_some_and(|s| s > 0)),
            "the WAL should be in use while the store is open: {:?}",
            open.files
        );
        store.close().await;
        let closed = database::scan_files(&paths, &digests, "store closed");
        files.push(("open", open));
        files.push(("closed", closed));
    }
    findings.extend(columns.findings.iter().cloned());
    findings.extend(events.findings.iter().cloned());
    for (_, report) in &files {
        findings.extend(report.findings.iter().cloned());
    }

    // Every log line so far, from both engines' tests.
    let capture = &log::CAPTURE;
    let log_findings = capture
        .findings
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    findings.extend(log_findings);
    let access_lines = capture.access_lines.load(Ordering::Relaxed);
    assert!(
        access_lines >= tally.requests,
        "the log capture missed requests: {access_lines} access lines for {} requests",
        tally.requests
    );
    assert!(capture.statement_lines.load(Ordering::Relaxed) > 0);
    assert!(capture.server_error_lines.load(Ordering::Relaxed) > 0);

    summary(
        engine, seed, started, ingested, &tally, &channels, &columns, &events, &files,
    );
    // Stored and logged first: those matter most.
    findings.sort_by_key(|f| f.place.starts_with("reply"));
    let mut by_place: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &findings {
        let kind = f.place.split(" (").next().unwrap_or_default();
        *by_place.entry(kind).or_default() += 1;
    }
    assert!(
        findings.is_empty(),
        "{} card numbers found on {}, by place: {by_place:#?}\nthe first 50:\n{}",
        findings.len(),
        engine.name(),
        findings
            .iter()
            .take(50)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Sends [`TICKETS`] tickets' worth of traffic from [`WORKERS`] clients at once.
async fn ingest(api: &Arc<Api>, seed: u64) -> (Tally, BTreeMap<&'static str, usize>) {
    let mut workers = JoinSet::new();
    for w in 0..WORKERS {
        let api = api.clone();
        // A fixed share per worker, so that each worker's requests follow from the seed.
        let share = TICKETS / WORKERS;
        workers.spawn(async move {
            let seed = seed.wrapping_add(u64::try_from(w).unwrap());
            let mut c = Client::new(api, StdRng::seed_from_u64(seed));
            let mut used: BTreeMap<&'static str, usize> = BTreeMap::new();
            for _ in 0..share {
                let channel = channel::draw(&mut c);
                (channel.ingest)(&mut c).await;
                *used.entry(channel.name).or_default() += 1;
            }
            (c.tally, used)
        });
    }
    let mut tally = Tally::default();
    let mut channels = BTreeMap::new();
    while let Some(done) = workers.join_next().await {
        let (t, used) = done.unwrap();
        tally.add(t);
        for (k, v) in used {
            *channels.entry(k).or_default() += v;
        }
    }
    (tally, channels)
}

async fn plain_ticket_and_customer(c: &mut Client) -> (String, i64) {
    let ticket = json!({ "subject": "Plain", "body": "Nothing to see.", "business_line": "buyer" });
    let created = c
        .expect(
            Call::json(Method::POST, "/api/v1/tickets", &ticket),
            StatusCode::CREATED,
        )
        .await;
    let customer = json!({ "business_line": "buyer", "name": "Plain Customer" });
    let made = c
        .expect(
            Call::json(Method::POST, "/api/v1/customers", &customer),
            StatusCode::CREATED,
        )
        .await;
    (
        created["number"].as_str().unwrap().to_string(),
        made["id"].as_i64().unwrap(),
    )
}

/// Reads every ticket and customer back through the API, and some tickets in full.
async fn read_back(c: &mut Client) {
    let mut numbers = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let uri = match &cursor {
            Some(k) => format!("/api/v1/tickets?limit=200&cursor={k}"),
            None => "/api/v1/tickets?limit=200".to_string(),
        };
        let page = c.expect(Call::get(uri), StatusCode::OK).await;
        for t in page["items"].as_array().unwrap() {
            numbers.push(t["number"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(k) => cursor = Some(k.to_string()),
            None => break,
        }
    }
    assert!(numbers.len() > TICKETS, "{} tickets listed", numbers.len());
    let mut cursor: Option<String> = None;
    loop {
        let uri = match &cursor {
            Some(k) => format!("/api/v1/customers?limit=200&cursor={k}"),
            None => "/api/v1/customers?limit=200".to_string(),
        };
        let page = c.expect(Call::get(uri), StatusCode::OK).await;
        match page["next_cursor"].as_str() {
            Some(k) => cursor = Some(k.to_string()),
            None => break,
        }
    }
    for number in numbers.iter().step_by(READ_BACK_EVERY) {
        c.expect(
            Call::get(format!("/api/v1/tickets/{number}")),
            StatusCode::OK,
        )
        .await;
        let uri = format!("/api/v1/tickets/{number}/timeline?limit=200");
        c.expect(Call::get(uri), StatusCode::OK).await;
    }
    for q in ["refund", "card", "charged twice", "tarjeta"] {
        let uri = format!("/api/v1/tickets?limit=200&q={}", q.replace(' ', "%20"));
        c.expect(Call::get(uri), StatusCode::OK).await;
    }
}

/// The scans find a card number that the test writes straight into a fresh database,
/// below the product (so a scan that reads nothing, or the wrong file, fails here). Then,
/// with that database closed, requests carrying card numbers meet server errors, whose
/// causes are logged.
async fn control(engine: paydesk_store::Engine, seed: u64) -> Tally {
    const CANARY: &str = "4000 0566 5566 5556";
    let db = paydesk_testkit::fresh(engine).await.unwrap();
    let mut tx = db.store.write().await.unwrap();
    tx.exec(
        "INSERT INTO customers (business_line, name, tier, external_ids, version, created_at, updated_at)
         VALUES ('buyer', $1, 'standard', '{}', 1, 0, 0)",
        &[CANARY.into()],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let columns = database::scan_columns(&db.store).await;
    let places: Vec<&str> = columns.findings.iter().map(|f| f.place.as_str()).collect();
    assert_eq!(
        places,
        ["customers.name (row 0)"],
        "control on {}",
        engine.name()
    );
    if let Store::Sqlite(_) = &db.store {
        let paths = database::sqlite_files(&db.store);
        let open = database::scan_files(&paths, &HashSet::new(), "control");
        assert!(
            open.findings
                .iter()
                .any(|f| f.place.starts_with("paydesk.db-wal")),
            "the control card is not found in the WAL: {:?}",
            open.findings
        );
        db.store.close().await;
        let closed = database::scan_files(&paths, &HashSet::new(), "control");
        assert!(
            closed
                .findings
                .iter()
                .any(|f| f.place.starts_with("paydesk.db ")),
            "the control card is not found in the database file: {:?}",
            closed.findings
        );
    }
    db.store.close().await;
    let mut c = Client::new(
        Arc::new(Api::new(db.store.clone())),
        StdRng::seed_from_u64(seed ^ 0x5_0000),
    );
    server_errors(&mut c).await;
    db.finish().await.unwrap();
    c.tally
}

/// Requests with card numbers that fail on the server's side (the store is closed).
async fn server_errors(c: &mut Client) {
    for _ in 0..4 {
        let text = pan::customer_text(&mut c.rng);
        let subject = pan::subject(&mut c.rng);
        let ticket =
            json!({ "subject": subject.text, "body": text.text, "business_line": "buyer" });
        let name = pan::customer_name(&mut c.rng);
        let customer = json!({ "business_line": "buyer", "name": name.text });
        let q = pan::card_in_fours(&mut c.rng).replace(' ', "%20");
        for (cards, call) in [
            (
                subject.cards + text.cards,
                Call::json(Method::POST, "/api/v1/tickets", &ticket),
            ),
            (
                name.cards,
                Call::json(Method::POST, "/api/v1/customers", &customer),
            ),
            (1, Call::get(format!("/api/v1/tickets?q={q}"))),
        ] {
            c.tally.refused += cards;
            let reply = c.send(call).await;
            assert!(reply.status.is_server_error(), "{}", reply.status);
        }
    }
}

#[expect(clippy::too_many_arguments, reason = "one report, printed once")]
fn summary(
    engine: paydesk_store::Engine,
    seed: u64,
    started: Instant,
    ingested: std::time::Duration,
    tally: &Tally,
    channels: &BTreeMap<&'static str, usize>,
    columns: &Report,
    events: &Report,
    files: &[(&str, Report)],
) {
    let capture = &log::CAPTURE;
    eprintln!(
        "card data on {} (seed {seed}): {:.1?} in all, {:.1?} to ingest",
        engine.name(),
        started.elapsed(),
        ingested
    );
    eprintln!("  tickets by channel: {channels:?}");
    eprintln!(
        "  requests {} (statuses {:?}), reply bytes scanned {}",
        tally.requests, tally.statuses, tally.reply_bytes
    );
    eprintln!(
        "  card numbers sent {}: masked {:?}, in names {}, as idempotency keys {}, refused {}, read-only {}",
        tally.cards_sent(),
        tally.masked_cards,
        tally.masked_in_names,
        tally.hashed,
        tally.refused,
        tally.read_only
    );
    eprintln!(
        "  security codes sent in masked fields {:?}",
        tally.masked_codes
    );
    eprintln!(
        "  columns: {} columns, {} values, {} bytes, {} digests checked for shape; events: {} decoded",
        columns.columns, columns.values, columns.bytes, columns.digests, events.values
    );
    for (when, report) in files {
        eprintln!(
            "  files ({when}): {:?}, {} hits within digests set aside",
            report.files, report.hits_in_digests
        );
    }
    eprintln!(
        "  log: {} lines, {} bytes, {} access lines, {} statement lines, {} duration fractions set aside",
        capture.lines.load(Ordering::Relaxed),
        capture.bytes.load(Ordering::Relaxed),
        capture.access_lines.load(Ordering::Relaxed),
        capture.statement_lines.load(Ordering::Relaxed),
        capture.duration_fractions.load(Ordering::Relaxed)
    );
}

on_both_engines!(no_card_number_is_stored_or_logged);
