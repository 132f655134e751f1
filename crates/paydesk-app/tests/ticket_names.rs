//! Names beside a ticket (its staff and its queue), on both engines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::{App, AppError, Caller, ManualClock};
use paydesk_domain::policy::{Principal, Scope};
use paydesk_domain::role::Role;
use paydesk_domain::{QueueId, Timestamp, UserId};
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use std::sync::Arc;

fn app(store: Store) -> App {
    App::new(
        store,
        Arc::new(ManualClock::at(Timestamp(1_790_000_000_000))),
    )
}

fn reader(scopes: Vec<Scope>) -> Caller {
    Caller::new(
        Principal::Token {
            id: 1,
            name: "test".into(),
            scopes,
        },
        None,
    )
}

async fn names_of_staff_and_queues(store: Store) {
    let app = app(store.clone());
    let system = Caller::system();
    let ana = app
        .add_user(
            &system,
            "ana@desk.example",
            "Ana Reyes",
            Role::Agent,
            None,
            None,
        )
        .await
        .unwrap();
    let bo = app
        .add_user(
            &system,
            "bo@desk.example",
            "Bo Lind",
            Role::Lead,
            None,
            None,
        )
        .await
        .unwrap();
    let caller = reader(Scope::ALL.to_vec());
    let names = app
        .staff_names(&caller, &[bo.id, ana.id, bo.id, UserId(9_999)])
        .await
        .unwrap();
    assert_eq!(names.len(), 2, "each known person once: {names:?}");
    assert_eq!(names[&ana.id], "Ana Reyes");
    assert_eq!(names[&bo.id], "Bo Lind");
    assert!(app.staff_names(&caller, &[]).await.unwrap().is_empty());
    let refused = app.staff_names(&reader(vec![]), &[ana.id]).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden { .. })),
        "{refused:?}"
    );

    let queue = paydesk_testkit::routing::queue(&store, "payments", None)
        .await
        .unwrap();
    assert_eq!(app.queue_name(&caller, queue).await.unwrap(), "payments");
    let missing = app.queue_name(&caller, QueueId(9_999)).await;
    assert!(
        matches!(missing, Err(AppError::NotFound { .. })),
        "{missing:?}"
    );
}

on_both_engines!(names_of_staff_and_queues);
