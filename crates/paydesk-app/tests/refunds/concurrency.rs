//! Races: the same request sent twice (one after the other, and at once), and twenty
//! finance users approving one refund at the same moment.

use super::{Desk, ask, person};
use paydesk_app::AppError;
use paydesk_app::refunds::Decision;
use paydesk_app::refunds::TestConnector;
use paydesk_domain::event::EventKind;
use paydesk_domain::payment::refund::{RefundError, RefundState};
use paydesk_domain::role::Role;
use paydesk_store::Store;
use std::collections::BTreeSet;
use std::time::Duration;

/// A desk whose gateway takes a moment to answer, so that racing callers overlap.
async fn slow_desk(store: Store) -> Desk {
    Desk::with_gateway(
        store,
        TestConnector::new().with_delay(Duration::from_millis(20)),
    )
    .await
}

pub async fn a_double_submitted_refund_is_made_once(store: Store) {
    let desk = slow_desk(store).await;
    let charge = desk.charge("stripe", 9_000, 3).await;
    let mut sent = Vec::new();
    for _ in 0..2 {
        let input = ask(&charge, 1_000, "order-77-refund");
        sent.push(
            desk.app
                .request_refund(&desk.agent, desk.ticket, input)
                .await
                .unwrap(),
        );
    }
    let (first, again) = (&sent[0], &sent[1]);
    assert!(first.is_new && !again.is_new);
    assert_eq!(first.refund.id, again.refund.id);
    assert_eq!(again.refund.state, RefundState::Succeeded);

    // Ten submissions of one request at once: one refund, one payment, nine replays.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (app, agent, ticket) = (desk.app.clone(), desk.agent.clone(), desk.ticket);
            let input = ask(&charge, 2_000, "double-click");
            tokio::spawn(async move { app.request_refund(&agent, ticket, input).await })
        })
        .collect();
    let mut ids = BTreeSet::new();
    let mut made = 0;
    for task in tasks {
        let answer = task.await.unwrap().unwrap();
        ids.insert(answer.refund.id);
        made += usize::from(answer.is_new);
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(made, 1);
    let refund = desk.store.refund(*ids.first().unwrap()).await.unwrap();
    assert_eq!(desk.gateway.payments(&refund.idempotency_key), 1);
    assert_eq!(desk.gateway.total_payments(), 2);
    assert_eq!(
        desk.store.ticket_refunds(desk.ticket).await.unwrap().len(),
        2
    );
    assert_eq!(desk.events(EventKind::RefundRequested).await, 2);
    assert_eq!(desk.charge_now(&charge).await.amount_refunded, 3_000);

    // Another person's identical key is their own request.
    let colleague = person(&desk.app, Role::Agent).await;
    let theirs = desk
        .app
        .request_refund(
            &colleague,
            desk.ticket,
            ask(&charge, 1_000, "order-77-refund"),
        )
        .await
        .unwrap();
    assert!(theirs.is_new);
    assert_ne!(theirs.refund.idempotency_key, first.refund.idempotency_key);
}

pub async fn twenty_concurrent_approvals_execute_once(store: Store) {
    let desk = slow_desk(store).await;
    let charge = desk.charge("stripe", 80_000, 3).await;
    let waiting = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 60_000, "big-one"))
        .await
        .unwrap()
        .refund;
    let mut approvers = Vec::new();
    for _ in 0..20 {
        approvers.push(person(&desk.app, Role::Finance).await);
    }
    let tasks: Vec<_> = approvers
        .into_iter()
        .map(|approver| {
            let app = desk.app.clone();
            tokio::spawn(async move {
                app.decide_refund(&approver, waiting.id, Decision::approve())
                    .await
            })
        })
        .collect();
    let (mut won, mut lost) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(r) => {
                won += 1;
                assert_eq!(r.state, RefundState::Succeeded, "{r:?}");
            }
            Err(AppError::Refund(RefundError::NotPending(_))) => lost += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((won, lost), (1, 19));
    assert_eq!(desk.gateway.payments(&waiting.idempotency_key), 1);
    assert_eq!(desk.gateway.calls(&waiting.idempotency_key), 1);
    assert_eq!(desk.events(EventKind::RefundDecided).await, 1);
    assert_eq!(desk.events(EventKind::RefundExecuted).await, 1);
    assert_eq!(desk.charge_now(&charge).await.amount_refunded, 60_000);
    let stored = desk.store.refund(waiting.id).await.unwrap();
    assert_eq!((stored.state, stored.attempts), (RefundState::Succeeded, 1));
}
