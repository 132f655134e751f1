//! Durable timers with two paydesk instances on one database: 10,000 SLA breaches falling
//! due in the same second each fire exactly once, whichever instance takes them, and a
//! timer that fell due while nothing ran fires when an instance starts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::sla::SettingInput;
use paydesk_app::tickets::NewTicketInput;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_store::{Engine, Store};
use paydesk_testkit::fresh;
use paydesk_workers::timers;
use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;

const T0: i64 = 1_794_787_200_000;
const TICKETS: usize = 10_000;

async fn count(store: &Store, sql: &str) -> i64 {
    let mut tx = store.read().await.unwrap();
    tx.row(sql, &[]).await.unwrap().unwrap().i64("n").unwrap()
}

/// Saves a policy with one target.
async fn save_policy(app: &App, target: serde_json::Value) {
    let policy = SettingInput {
        id: None,
        expected_version: None,
        name: "Test policy".into(),
        position: 0,
        is_active: true,
        definition: serde_json::from_value(json!({ "targets": [target] })).unwrap(),
    };
    app.save_sla_policy(&Caller::system(), policy)
        .await
        .unwrap();
}

async fn each_timer_fires_once_across_two_instances(engine: Engine) {
    let db = fresh(engine).await.unwrap();
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    let first = App::new(db.store.clone(), clock.clone());
    let second = App::new(db.another_instance().await.unwrap(), clock.clone());
    save_policy(
        &first,
        json!({ "metric": "first_reply", "priority": "normal", "minutes": 1 }),
    )
    .await;
    for chunk in 0..TICKETS / 500 {
        let inputs = (0..500)
            .map(|i| {
                NewTicketInput::new(
                    &format!("Payout missing {chunk}-{i}"),
                    "Where is my money?",
                    BusinessLine::Creator,
                    Channel::Api,
                )
            })
            .collect();
        first
            .create_tickets(&Caller::system(), inputs)
            .await
            .unwrap();
    }
    // Every breach falls due at T0 + 1 minute, in the same second (and every warning at
    // 45 seconds). Both instances fire at once, as their loops would.
    clock.set(Timestamp(T0 + Timestamp::MINUTE));
    let (a, b) = tokio::join!(timers::fire_due(&first), timers::fire_due(&second));
    let (a, b) = (a.unwrap(), b.unwrap());
    let fired: Vec<_> = a.iter().chain(&b).collect();
    let effective = fired.iter().filter(|f| f.is_effective).count();
    assert_eq!(effective, 2 * TICKETS, "each warning and breach once");
    let distinct: HashSet<_> = fired
        .iter()
        .map(|f| (f.ticket_id, f.kind.clone()))
        .collect();
    assert_eq!(distinct.len(), fired.len(), "no timer fired twice");
    let store = &db.store;
    assert_eq!(count(store, "SELECT COUNT(*) AS n FROM timers").await, 0);
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) AS n FROM events WHERE kind = 'sla_breached'"
        )
        .await,
        TICKETS as i64
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(DISTINCT ticket_id) AS n FROM events WHERE kind = 'sla_at_risk'"
        )
        .await,
        TICKETS as i64
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) AS n FROM tickets WHERE sla_breached = 1"
        )
        .await,
        TICKETS as i64
    );
    eprintln!(
        "{}: first instance fired {}, second {}",
        engine.name(),
        a.len(),
        b.len()
    );
    // Nothing is left to fire, on either instance.
    assert!(timers::fire_due(&first).await.unwrap().is_empty());
    assert!(timers::fire_due(&second).await.unwrap().is_empty());
    second.store().close().await;
    db.finish().await.unwrap();
}

async fn a_timer_due_while_down_fires_at_start(engine: Engine) {
    let db = fresh(engine).await.unwrap();
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    let before = App::new(db.store.clone(), clock.clone());
    save_policy(
        &before,
        json!({ "metric": "resolution", "priority": "normal", "minutes": 30 }),
    )
    .await;
    let input = NewTicketInput::new("Refund", "Still waiting", BusinessLine::Buyer, Channel::Web);
    before
        .create_ticket(&Caller::system(), input, None)
        .await
        .unwrap();
    // The instance stops; three hours pass; another starts on the same database.
    let restarted = App::new(
        db.another_instance().await.unwrap(),
        Arc::new(ManualClock::at(Timestamp(T0 + 3 * Timestamp::HOUR))),
    );
    let fired = timers::fire_due(&restarted).await.unwrap();
    let breach = fired.iter().find(|f| f.kind == "sla_breach").unwrap();
    assert!(breach.is_effective);
    assert_eq!(breach.due_at, Timestamp(T0 + 30 * Timestamp::MINUTE));
    assert_eq!(breach.lag_ms(), 150 * Timestamp::MINUTE);
    restarted.store().close().await;
    db.finish().await.unwrap();
}

mod two_instances {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::each_timer_fires_once_across_two_instances(paydesk_store::Engine::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        super::each_timer_fires_once_across_two_instances(paydesk_store::Engine::Postgres).await;
    }
}

mod after_downtime {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_timer_due_while_down_fires_at_start(paydesk_store::Engine::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_timer_due_while_down_fires_at_start(paydesk_store::Engine::Postgres).await;
    }
}
