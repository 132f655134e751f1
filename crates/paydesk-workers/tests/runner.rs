//! The job runner on both engines: claims with leases, settling only under one's own
//! claim, kinds without a handler left alone, a panicking handler that fails its job but
//! not the runner, and several runners (and two instances on one PostgreSQL) that never
//! run one job twice or send one email twice.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod support;

use paydesk_app::jobs::{JobError, RetryPolicy};
use paydesk_app::{App, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_store::{Job, JobId, JobStatus, NewJob, Settlement, Store};
use paydesk_testkit::on_both_engines;
use paydesk_workers::{Handler, JobFuture, Runner};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use support::*;

/// Counts the runs of each job; panics on `{"panic": true}`, fails on `{"fail": true}`.
#[derive(Clone, Default)]
struct Counting(Arc<Mutex<BTreeMap<JobId, u32>>>);

impl Handler for Counting {
    fn run<'a>(&'a self, _: &'a App, job: &'a Job) -> JobFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            *self.0.lock().unwrap().entry(job.id).or_default() += 1;
            // Give other runners the chance to race for the same job.
            tokio::task::yield_now().await;
            if job.payload["panic"] == true {
                panic!("handler bug");
            }
            if job.payload["fail"] == true {
                return Err(JobError::permanent("cannot ever work"));
            }
            Ok(())
        })
    }
}

fn new_job(kind: &str, payload: serde_json::Value) -> NewJob {
    NewJob {
        kind: kind.into(),
        ticket_id: None,
        payload,
        max_attempts: 3,
        run_at: Timestamp(T0),
    }
}

fn test_runner(app: &App, owner: &str, handler: &Counting) -> Runner {
    Runner::new(app)
        .with_owner(owner)
        .with_handler("count", handler.clone())
        .with_policy(RetryPolicy {
            base_ms: 1_000,
            max_ms: 10_000,
        })
        .with_lease_ms(60_000)
}

async fn claims_hold_for_their_lease_and_only_the_holder_settles(store: Store) {
    let id = store
        .enqueue_job(&new_job("count", json!({})), Timestamp(T0))
        .await
        .unwrap();
    let later = store
        .enqueue_job(
            &NewJob {
                run_at: Timestamp(T0 + 5_000),
                ..new_job("count", json!({}))
            },
            Timestamp(T0),
        )
        .await
        .unwrap();
    let now = Timestamp(T0);
    let a = store
        .claim_job("a", &["count"], now, 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((a.id, a.status, a.attempts), (id, JobStatus::Running, 1));
    assert_eq!(a.locked_by.as_deref(), Some("a"));
    assert_eq!(a.locked_until, Some(Timestamp(T0 + 1_000)));
    assert!(
        store
            .claim_job("b", &["count"], now, 1_000)
            .await
            .unwrap()
            .is_none(),
        "held by a, and the other job is not due"
    );
    assert!(
        store
            .claim_job("b", &["other"], Timestamp(T0 + 9_000), 1_000)
            .await
            .unwrap()
            .is_none(),
        "no job of that kind"
    );
    // a's claim lapses: b takes the job (the earlier one first).
    let b = store
        .claim_job("b", &["count"], Timestamp(T0 + 1_000), 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((b.id, b.attempts), (id, 2));
    let done = |at| store.settle_job(id, "a", &Settlement::Done, &[], Timestamp(at));
    assert!(!done(T0 + 1_100).await.unwrap(), "a no longer holds it");
    assert!(
        store
            .settle_job(id, "b", &Settlement::Done, &[], Timestamp(T0 + 1_100))
            .await
            .unwrap()
    );
    let stored = store.job(id).await.unwrap();
    assert_eq!(stored.status, JobStatus::Done);
    assert_eq!(stored.locked_by, None);
    // Done jobs are never claimed again; the later one is, once due.
    let next = store
        .claim_job("c", &["count"], Timestamp(T0 + 5_000), 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next.id, later);
}

async fn a_failing_or_panicking_handler_never_stops_the_runner(store: Store) {
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    let app = App::new(store.clone(), clock.clone());
    let handler = Counting::default();
    let panics = app
        .enqueue_job(&new_job("count", json!({ "panic": true })))
        .await
        .unwrap();
    let fails = app
        .enqueue_job(&new_job("count", json!({ "fail": true })))
        .await
        .unwrap();
    let works = app.enqueue_job(&new_job("count", json!({}))).await.unwrap();
    let unknown = app
        .enqueue_job(&new_job("nobody-runs-this", json!({})))
        .await
        .unwrap();
    let runner = test_runner(&app, "r", &handler);
    let ran = runner.run_due().await.unwrap();
    let by_id: BTreeMap<_, _> = ran.iter().map(|r| (r.job.id, &r.settlement)).collect();
    assert_eq!(by_id.len(), 3);
    assert!(
        matches!(by_id[&panics], Settlement::Retry { error, .. } if error.contains("stopped")),
        "{:?}",
        by_id[&panics]
    );
    assert!(matches!(by_id[&fails], Settlement::Failed { error } if error == "cannot ever work"));
    assert_eq!(*by_id[&works], Settlement::Done);
    assert_eq!(store.job(fails).await.unwrap().status, JobStatus::Failed);
    assert_eq!(store.job(works).await.unwrap().status, JobStatus::Done);
    let unknown = store.job(unknown).await.unwrap();
    assert_eq!((unknown.status, unknown.attempts), (JobStatus::Queued, 0));

    // The panicking job is retried until its attempts run out, then failed.
    for _ in 0..3 {
        clock.advance(10_000);
        runner.run_due().await.unwrap();
    }
    let panicked = store.job(panics).await.unwrap();
    assert_eq!((panicked.status, panicked.attempts), (JobStatus::Failed, 3));
    assert_eq!(handler.0.lock().unwrap()[&panics], 3);
}

async fn concurrent_runners_never_run_one_job_twice(store: Store) {
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    let handler = Counting::default();
    let apps: Vec<App> = (0..4)
        .map(|_| App::new(store.clone(), clock.clone()))
        .collect();
    let mut ids = BTreeSet::new();
    for _ in 0..60 {
        ids.insert(
            apps[0]
                .enqueue_job(&new_job("count", json!({})))
                .await
                .unwrap(),
        );
    }
    let tasks: Vec<_> = apps
        .iter()
        .enumerate()
        .map(|(i, app)| {
            let runner = test_runner(app, &format!("runner-{i}"), &handler);
            tokio::spawn(async move { runner.run_due().await.unwrap().len() })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    assert_eq!(total, 60);
    let counts = handler.0.lock().unwrap().clone();
    assert_eq!(counts.keys().copied().collect::<BTreeSet<_>>(), ids);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
}

/// Replies on `n` tickets, then one runner per app sends them, all at once.
async fn send_concurrently(apps: &[App], server: &SmtpServer, n: usize) {
    let staff = agent(&apps[0], "agent@desk.example").await;
    for i in 0..n {
        let email = format!("c{i}@example.com");
        let id = ticket(&apps[0], &[email.as_str()], "Refund").await;
        reply(&apps[0], &staff, id, &format!("Reply number {i}")).await;
    }
    let tasks: Vec<_> = apps
        .iter()
        .enumerate()
        .map(|(i, app)| {
            let runner = paydesk_workers::runner(app).with_owner(&format!("instance-{i}"));
            tokio::spawn(async move { runner.run_due().await.unwrap() })
        })
        .collect();
    let mut ran = Vec::new();
    for t in tasks {
        ran.extend(t.await.unwrap());
    }
    assert_eq!(ran.len(), n, "each mail job ran once");
    assert!(ran.iter().all(|r| r.settlement == Settlement::Done));
    let got = server.received();
    assert_eq!(got.len(), n, "each email sent once");
    let ids: BTreeSet<_> = got.iter().map(|m| m.mail.message_id.clone()).collect();
    assert_eq!(ids.len(), n, "no Message-ID twice");
    let to: BTreeSet<_> = got.iter().map(|m| m.mail.to[0].address.clone()).collect();
    assert_eq!(to.len(), n, "no customer twice");
}

async fn two_runners_never_send_one_email_twice(store: Store) {
    let server = SmtpServer::start();
    let apps = two_instances([&store, &store], &server);
    send_concurrently(&apps, &server, 12).await;
}

/// Two paydesk instances (each with its own connection pool) over one PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_never_send_one_email_twice() {
    let url = paydesk_testkit::fresh_postgres_url().await.unwrap();
    let first = Store::connect_postgres(&url, 4).await.unwrap();
    first.migrate(0).await.unwrap();
    let second = Store::connect_postgres(&url, 4).await.unwrap();
    let server = SmtpServer::start();
    let apps = two_instances([&first, &second], &server);
    send_concurrently(&apps, &server, 16).await;
    first.close().await;
    second.close().await;
}

on_both_engines!(
    claims_hold_for_their_lease_and_only_the_holder_settles,
    a_failing_or_panicking_handler_never_stops_the_runner,
    concurrent_runners_never_run_one_job_twice,
    two_runners_never_send_one_email_twice,
);
