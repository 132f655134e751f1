//! Executions left unfinished (an answer lost, a crash after the approval or after the
//! claim, a retryable failure) are completed by the sweep with the same key, paying once.

use super::{Desk, ask};
use paydesk_app::App;
use paydesk_app::refunds::{EXECUTION_LEASE_MS, TestBehaviour};
use paydesk_domain::Timestamp;
use paydesk_domain::event::EventKind;
use paydesk_domain::payment::refund::{RefundId, RefundState};
use paydesk_store::{RefundDecision, Store};

/// Runs `n` sweeps at once; returns how many refunds they attempted in all.
async fn sweeps(app: &App, n: usize) -> usize {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { app.retry_refunds(50).await.unwrap() })
        })
        .collect();
    let mut attempted = 0;
    for task in tasks {
        attempted += task.await.unwrap();
    }
    attempted
}

/// Approves a waiting refund the way a process dying right after the approval's commit
/// leaves it: approved, never claimed.
async fn approve_and_die(desk: &Desk, id: RefundId) {
    let finance = match desk.finance.principal {
        paydesk_domain::policy::Principal::User { id, .. } => id,
        _ => unreachable!(),
    };
    let mut work = desk.store.payment_work().await.unwrap();
    let decision = RefundDecision {
        to: RefundState::Approved,
        by: finance,
        note: None,
        external_ref: None,
        at: desk.app.now(),
    };
    let decided = work.decide_refund(id, &decision).await.unwrap();
    assert!(decided.is_some());
    work.commit().await.unwrap();
}

pub async fn a_refund_whose_answer_was_lost_is_completed_without_paying_twice(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("stripe", 4_000, 3).await;
    desk.gateway.behave(TestBehaviour::LoseAnswerOnce);
    let stuck = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 1_500, "lost"))
        .await
        .unwrap()
        .refund;
    assert_eq!(stuck.state, RefundState::Executing);
    assert!(
        stuck
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("no answer"))
    );
    assert_eq!(
        desk.gateway.payments(&stuck.idempotency_key),
        1,
        "the money moved"
    );
    assert_eq!(
        desk.charge_now(&charge).await.amount_refunded,
        0,
        "not known yet"
    );

    assert_eq!(desk.app.retry_refunds(50).await.unwrap(), 0, "not due yet");
    desk.clock.advance(2 * Timestamp::HOUR);
    assert_eq!(sweeps(&desk.app, 5).await, 1, "one sweep takes it up");
    let done = desk.store.refund(stuck.id).await.unwrap();
    assert_eq!(done.state, RefundState::Succeeded);
    assert_eq!(done.attempts, 2);
    assert_eq!(
        desk.gateway.payments(&stuck.idempotency_key),
        1,
        "never paid twice"
    );
    assert_eq!(desk.gateway.calls(&stuck.idempotency_key), 2);
    assert_eq!(desk.charge_now(&charge).await.amount_refunded, 1_500);
    assert_eq!(desk.events(EventKind::RefundExecuted).await, 1);
    assert_eq!(desk.app.retry_refunds(50).await.unwrap(), 0);
}

pub async fn a_refund_claimed_before_a_crash_is_taken_up_once(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("stripe", 90_000, 3).await;

    // Died right after the approval: twenty sweeps at once execute it once.
    let approved = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 30_000, "crash-1"))
        .await
        .unwrap()
        .refund;
    approve_and_die(&desk, approved.id).await;
    assert_eq!(sweeps(&desk.app, 20).await, 1);
    assert_eq!(desk.gateway.calls(&approved.idempotency_key), 1);
    assert_eq!(
        desk.store.refund(approved.id).await.unwrap().state,
        RefundState::Succeeded
    );

    // Died right after claiming, before calling the gateway.
    let claimed = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 40_000, "crash-2"))
        .await
        .unwrap()
        .refund;
    approve_and_die(&desk, claimed.id).await;
    let now = desk.app.now();
    let taken = desk
        .store
        .claim_refund(claimed.id, now, now.plus_millis(EXECUTION_LEASE_MS))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.state, RefundState::Executing);
    assert!(
        desk.store
            .claim_refund(claimed.id, now, now.plus_millis(EXECUTION_LEASE_MS))
            .await
            .unwrap()
            .is_none(),
        "claimed once"
    );
    assert_eq!(
        desk.app.retry_refunds(50).await.unwrap(),
        0,
        "its lease still runs"
    );
    desk.clock.advance(EXECUTION_LEASE_MS + 1);
    assert_eq!(sweeps(&desk.app, 10).await, 1);
    let done = desk.store.refund(claimed.id).await.unwrap();
    assert_eq!((done.state, done.attempts), (RefundState::Succeeded, 2));
    assert_eq!(desk.gateway.payments(&claimed.idempotency_key), 1);
    assert_eq!(desk.gateway.calls(&claimed.idempotency_key), 1);
    assert_eq!(desk.charge_now(&charge).await.amount_refunded, 70_000);
}

pub async fn a_retryable_failure_is_tried_again_by_the_sweep(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("stripe", 4_000, 3).await;
    desk.gateway.behave(TestBehaviour::FailOnce);
    let waiting = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 4_000, "flaky"))
        .await
        .unwrap()
        .refund;
    assert_eq!(waiting.state, RefundState::Executing);
    assert!(
        waiting
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("unavailable"))
    );
    assert!(waiting.failure_reason.is_none());
    assert_eq!(desk.gateway.total_payments(), 0);
    desk.clock.advance(Timestamp::HOUR);
    assert_eq!(desk.app.retry_refunds(50).await.unwrap(), 1);
    let done = desk.store.refund(waiting.id).await.unwrap();
    assert_eq!(done.state, RefundState::Succeeded);
    assert!(done.last_error.is_none(), "{done:?}");
    assert_eq!(desk.gateway.payments(&waiting.idempotency_key), 1);
}
