//! Routing through the services, on both engines: the claim race the issue asks for,
//! automatic assignment by mode, placement by queue conditions, hand-back when an agent
//! goes offline, overflow, and vendor isolation of claims.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::routing::QueuePatch;
use paydesk_app::tickets::NewTicketInput;
use paydesk_app::{App, AppError, Caller, ManualClock};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::routing::{Presence, QueueConditions, RoutingMode, Skills};
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_domain::{QueueId, TicketId, Timestamp, UserId, VendorId};
use paydesk_store::{PageRequest, Store};
use paydesk_testkit::on_both_engines;
use paydesk_testkit::routing::{agent, in_house, queue, tickets};
use std::collections::BTreeMap;
use std::sync::Arc;

fn app(store: &Store) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(Timestamp(1_790_000_000_000)));
    (App::new(store.clone(), clock.clone()), clock)
}

fn as_user(id: UserId, role: Role, vendor: Option<VendorId>) -> Caller {
    Caller::new(
        Principal::User {
            id,
            role,
            vendor_id: vendor,
        },
        None,
    )
}

async fn agents(store: &Store, n: usize, capacity: i64, q: QueueId) -> Vec<UserId> {
    let mut out = Vec::new();
    for i in 0..n {
        let name = format!("agent{i}");
        out.push(in_house(store, &name, capacity, q).await.unwrap());
    }
    out
}

/// Integer rows of a query, as `(key, count)`.
async fn counts(store: &Store, sql: &str) -> BTreeMap<i64, i64> {
    let mut tx = store.read().await.unwrap();
    tx.rows(sql, &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.i64("k").unwrap(), r.i64("n").unwrap()))
        .collect()
}

/// 1,000 concurrent claims on 100 tickets by 20 agents of capacity 4: every ticket has at
/// most one winner, every loser hears `already_assigned` or `at_capacity`, and no agent
/// holds more than 4, as the database says afterwards.
async fn a_thousand_concurrent_claims_have_one_winner_per_ticket(store: Store) {
    let started = std::time::Instant::now();
    let (app, _) = app(&store);
    let q = queue(&store, "refunds", None).await.unwrap();
    let people = agents(&store, 20, 4, q).await;
    let ids = tickets(&store, q, 100, 10).await.unwrap();
    let mut tasks = Vec::new();
    for (a, person) in people.iter().copied().enumerate() {
        for k in 0..50 {
            // Each agent tries 50 different tickets; every ticket is wanted by 10 agents.
            let ticket = ids[(a * 5 + 2 * k) % 100];
            let (app, caller) = (app.clone(), as_user(person, Role::Agent, None));
            tasks.push(tokio::spawn(async move {
                (ticket, person, app.claim_ticket(&caller, ticket).await)
            }));
        }
    }
    assert_eq!(tasks.len(), 1_000);
    let mut winners: BTreeMap<TicketId, Vec<UserId>> = BTreeMap::new();
    for task in tasks {
        let (ticket, person, result) = task.await.unwrap();
        match result {
            Ok(t) => {
                assert_eq!(t.assignee_id, Some(person));
                winners.entry(ticket).or_default().push(person);
            }
            Err(AppError::AlreadyAssigned | AppError::AtCapacity { capacity: 4 }) => {}
            Err(e) => panic!("a losing claim must say why: {e:?}"),
        }
    }
    assert!(winners.values().all(|w| w.len() == 1), "{winners:?}");

    let held = counts(
        &store,
        "SELECT assignee_id AS k, COUNT(*) AS n FROM tickets WHERE assignee_id IS NOT NULL GROUP BY assignee_id",
    )
    .await;
    assert!(held.values().all(|n| *n <= 4), "{held:?}");
    let total: i64 = held.values().sum();
    assert_eq!(usize::try_from(total).unwrap(), winners.len());
    assert!((70..=80).contains(&total), "{total} of 80 places taken");
    for (ticket, w) in &winners {
        assert_eq!(store.ticket(*ticket).await.unwrap().assignee_id, Some(w[0]));
    }
    let events = counts(
        &store,
        "SELECT ticket_id AS k, COUNT(*) AS n FROM events WHERE kind = 'assigned' GROUP BY ticket_id",
    )
    .await;
    assert_eq!(events.len(), winners.len());
    assert!(events.values().all(|n| *n == 1), "{events:?}");
    println!(
        "{}: {} tickets won, {:?}",
        store.engine().name(),
        winners.len(),
        started.elapsed()
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

async fn round_robin_hands_out_in_turn_and_stops_at_capacity(store: Store) {
    let (app, _) = app(&store);
    let sys = Caller::system();
    let q = queue(&store, "refunds", None).await.unwrap();
    let people = agents(&store, 3, 2, q).await;
    tickets(&store, q, 8, 10).await.unwrap();
    let patch = QueuePatch {
        routing: Some(RoutingMode::RoundRobin),
        ..QueuePatch::default()
    };
    app.change_queue(&sys, q, patch).await.unwrap();
    assert_eq!(app.route_all(&sys).await.unwrap(), 6);
    let held = counts(
        &store,
        "SELECT assignee_id AS k, COUNT(*) AS n FROM tickets WHERE assignee_id IS NOT NULL GROUP BY assignee_id",
    )
    .await;
    assert_eq!(held.values().copied().collect::<Vec<_>>(), [2, 2, 2]);
    let first = store
        .queue_tickets(q, &PageRequest::first(3))
        .await
        .unwrap();
    let order: Vec<_> = first.items.iter().map(|w| w.assignee_id).collect();
    assert_eq!(order, [Some(people[0]), Some(people[1]), Some(people[2])]);
    assert_eq!(app.route_all(&sys).await.unwrap(), 0, "everyone is full");

    // One goes offline: their tickets go back to the queue; the others are full, so they
    // wait until a new colleague comes online and takes them.
    let carl = as_user(people[2], Role::Agent, None);
    app.set_presence(&carl, people[2], Presence::Offline)
        .await
        .unwrap();
    assert_eq!(app.route_all(&sys).await.unwrap(), 0);
    let dana = agent(
        &store,
        "dana@desk.example",
        Role::Agent,
        None,
        5,
        Skills::default(),
        &[q],
    )
    .await
    .unwrap();
    assert_eq!(app.route_all(&sys).await.unwrap(), 4);
    let page = store
        .assigned_work(dana, None, &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 4);
    let timeline = store
        .timeline(page.items[0].id, &PageRequest::default())
        .await
        .unwrap();
    let reasons: Vec<_> = timeline
        .items
        .iter()
        .filter(|e| e.kind.as_str() == "assigned")
        .map(|e| e.data["reason"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(reasons.last().map(String::as_str), Some("round_robin"));
}

async fn new_tickets_land_in_the_first_matching_queue(store: Store) {
    let (app, _) = app(&store);
    let sys = Caller::system();
    let anything = queue(&store, "anything", None).await.unwrap();
    let merchants = queue(&store, "merchants", None).await.unwrap();
    let catch_all = queue(&store, "catch_all", None).await.unwrap();
    let cond = |json: &str| serde_json::from_str::<QueueConditions>(json).unwrap();
    for (q, position, c) in [
        (merchants, 1, cond(r#"{"business_lines":["merchant"]}"#)),
        (
            catch_all,
            2,
            cond(r#"{"business_lines":["buyer","merchant","creator"]}"#),
        ),
    ] {
        let patch = QueuePatch {
            conditions: Some(c),
            position: Some(position),
            ..QueuePatch::default()
        };
        app.change_queue(&sys, q, patch).await.unwrap();
    }
    let input =
        |line| NewTicketInput::new("Payout late", "Where is my payout?", line, Channel::Email);
    let m = app
        .create_ticket(&sys, input(BusinessLine::Merchant), None)
        .await
        .unwrap()
        .ticket;
    let b = app
        .create_ticket(&sys, input(BusinessLine::Buyer), None)
        .await
        .unwrap()
        .ticket;
    let named = NewTicketInput {
        queue_id: Some(anything),
        ..input(BusinessLine::Merchant)
    };
    let n = app.create_ticket(&sys, named, None).await.unwrap().ticket;
    assert_eq!(m.queue_id, Some(merchants));
    assert_eq!(b.queue_id, Some(catch_all));
    assert_eq!(n.queue_id, Some(anything));
    let timeline = store.timeline(m.id, &PageRequest::default()).await.unwrap();
    assert_eq!(timeline.items[0].data["queue_id"], merchants.0);
    assert!(
        timeline
            .items
            .iter()
            .any(|e| e.kind.as_str() == "queue_changed" && e.data["reason"] == "placement")
    );
    let batch = app
        .create_tickets(
            &sys,
            vec![input(BusinessLine::Merchant), input(BusinessLine::Creator)],
        )
        .await
        .unwrap();
    assert_eq!(
        store.ticket(batch[0]).await.unwrap().queue_id,
        Some(merchants)
    );
    assert_eq!(
        store.ticket(batch[1]).await.unwrap().queue_id,
        Some(catch_all)
    );
}

async fn overflow_moves_what_nobody_took_in_time(store: Store) {
    let (app, clock) = app(&store);
    let sys = Caller::system();
    let q = queue(&store, "refunds", None).await.unwrap();
    let spill = queue(&store, "spill", None).await.unwrap();
    let patch = QueuePatch {
        overflow_after_minutes: Some(Some(30)),
        overflow_queue_id: Some(Some(spill)),
        ..QueuePatch::default()
    };
    app.change_queue(&sys, q, patch).await.unwrap();
    let input = NewTicketInput {
        queue_id: Some(q),
        ..NewTicketInput::new(
            "Refund",
            "Refund please",
            BusinessLine::Buyer,
            Channel::Email,
        )
    };
    let t = app.create_ticket(&sys, input, None).await.unwrap().ticket;
    clock.advance(29 * 60_000);
    assert_eq!(app.overflow_due(&sys).await.unwrap(), 0);
    clock.advance(60_000);
    assert_eq!(app.overflow_due(&sys).await.unwrap(), 1);
    assert_eq!(store.ticket(t.id).await.unwrap().queue_id, Some(spill));
    let bad = QueuePatch {
        overflow_queue_id: Some(Some(q)),
        ..QueuePatch::default()
    };
    let refused = app.change_queue(&sys, q, bad).await;
    assert!(
        matches!(refused, Err(AppError::Invalid { .. })),
        "{refused:?}"
    );
}

async fn a_bpo_agent_claims_only_its_vendors_tickets(store: Store) {
    let (app, _) = app(&store);
    let north = store
        .insert_vendor("Northwind", Timestamp(1))
        .await
        .unwrap()
        .id;
    let south = store
        .insert_vendor("Southridge", Timestamp(1))
        .await
        .unwrap()
        .id;
    let theirs = queue(&store, "north", Some(north)).await.unwrap();
    let other = queue(&store, "south", Some(south)).await.unwrap();
    let ana = agent(
        &store,
        "ana@x",
        Role::BpoAgent,
        Some(north),
        4,
        Skills::default(),
        &[theirs],
    )
    .await
    .unwrap();
    let mine = tickets(&store, theirs, 1, 10).await.unwrap();
    let not_mine = tickets(&store, other, 1, 10).await.unwrap();
    let caller = as_user(ana, Role::BpoAgent, Some(north));
    let refused = app.claim_ticket(&caller, not_mine[0]).await;
    assert!(
        matches!(refused, Err(AppError::NotFound { .. })),
        "{refused:?}"
    );
    app.claim_ticket(&caller, mine[0]).await.unwrap();
    let work = app.my_work(&caller, &PageRequest::default()).await.unwrap();
    assert_eq!(work.items.len(), 1);
    let joined = app.add_queue_member(&Caller::system(), other, ana).await;
    assert!(
        matches!(joined, Err(AppError::Invalid { .. })),
        "{joined:?}"
    );
    let system_claim = app.claim_ticket(&Caller::system(), mine[0]).await;
    assert!(
        matches!(system_claim, Err(AppError::Invalid { .. })),
        "{system_claim:?}"
    );
}

on_both_engines!(
    a_thousand_concurrent_claims_have_one_winner_per_ticket,
    round_robin_hands_out_in_turn_and_stops_at_capacity,
    new_tickets_land_in_the_first_matching_queue,
    overflow_moves_what_nobody_took_in_time,
    a_bpo_agent_claims_only_its_vendors_tickets,
);
