//! The routing loop on both engines: rounds run at once by two instances over one
//! database assign every ticket at most once and no agent beyond capacity; the loop wakes
//! when asked.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::routing::QueuePatch;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::routing::RoutingMode;
use paydesk_store::{PageRequest, Store};
use paydesk_testkit::on_both_engines;
use paydesk_testkit::routing::{in_house, queue, tickets};
use paydesk_workers::routing::{RoutingLoop, round};
use std::sync::Arc;
use std::time::Duration;

fn instance(store: &Store) -> App {
    App::new(
        store.clone(),
        Arc::new(ManualClock::at(Timestamp(1_790_000_000_000))),
    )
}

async fn two_instances_never_assign_twice(store: Store) {
    let (a, b) = (instance(&store), instance(&store));
    let q = queue(&store, "refunds", None).await.unwrap();
    let mut people = Vec::new();
    for i in 0..5 {
        people.push(in_house(&store, &format!("agent{i}"), 10, q).await.unwrap());
    }
    tickets(&store, q, 60, 10).await.unwrap();
    let patch = QueuePatch {
        routing: Some(RoutingMode::LeastLoaded),
        ..QueuePatch::default()
    };
    a.change_queue(&Caller::system(), q, patch).await.unwrap();
    let (ra, rb) = tokio::join!(round(&a), round(&b));
    let assigned = ra.unwrap().assigned + rb.unwrap().assigned;
    assert_eq!(assigned, 50, "five agents of capacity ten");
    for p in &people {
        let work = store
            .assigned_work(*p, None, &PageRequest::first(50))
            .await
            .unwrap();
        assert_eq!(work.items.len(), 10, "least loaded fills everyone evenly");
    }
    let mut tx = store.read().await.unwrap();
    let row = tx
        .row(
            "SELECT COUNT(*) AS n, COUNT(DISTINCT ticket_id) AS d FROM events WHERE kind = 'assigned'",
            &[],
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.i64("n").unwrap(), row.i64("d").unwrap()), (50, 50));
    assert_eq!(round(&a).await.unwrap().assigned, 0);
}

async fn the_loop_wakes_when_asked(store: Store) {
    let app = instance(&store);
    let q = queue(&store, "refunds", None).await.unwrap();
    let patch = QueuePatch {
        routing: Some(RoutingMode::RoundRobin),
        ..QueuePatch::default()
    };
    app.change_queue(&Caller::system(), q, patch).await.unwrap();
    let ana = in_house(&store, "ana", 3, q).await.unwrap();
    let handle = RoutingLoop {
        every: Duration::from_secs(3_600),
    }
    .spawn(app.clone());
    tokio::time::sleep(Duration::from_millis(200)).await;
    tickets(&store, q, 2, 10).await.unwrap();
    app.want_routing();
    let mut held = 0;
    for _ in 0..100 {
        held = store
            .assigned_work(ana, None, &PageRequest::default())
            .await
            .unwrap()
            .items
            .len();
        if held == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    handle.abort();
    assert_eq!(held, 2);
}

on_both_engines!(two_instances_never_assign_twice, the_loop_wakes_when_asked);
