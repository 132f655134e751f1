//! A refund's life: at once below the threshold, approved or rejected above it, made
//! elsewhere and recorded, failed with its reason; the policy as configuration.

use super::{Desk, ask, person};
use paydesk_app::refunds::{Decision, PolicyInput, TestBehaviour};
use paydesk_app::{AppError, Caller};
use paydesk_domain::event::EventKind;
use paydesk_domain::payment::TransactionStatus;
use paydesk_domain::payment::refund::{LineLimit, RefundError, RefundPolicy, RefundState};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::BusinessLine;
use paydesk_store::{PageRequest, Store};

pub async fn a_small_refund_runs_at_once_and_says_so_on_the_ticket(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("stripe", 5_000, 3).await;
    let first = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 2_000, "k1"))
        .await
        .unwrap();
    assert!(first.is_new);
    let refund = first.refund;
    assert_eq!(refund.state, RefundState::Succeeded, "{refund:?}");
    assert_eq!(refund.connector, "test");
    assert_eq!(refund.attempts, 1);
    assert!(
        refund
            .gateway_refund_ref
            .as_deref()
            .is_some_and(|r| r.starts_with("re_test_"))
    );
    assert_eq!(desk.gateway.payments(&refund.idempotency_key), 1);
    let key = &refund.idempotency_key;
    assert!(key.starts_with("pdrf_") && !key.contains("k1"), "{key}");
    assert!(
        !key.chars().any(|c| c.is_ascii_digit()),
        "no digit runs: {key}"
    );
    let now = desk.charge_now(&charge).await;
    assert_eq!(now.amount_refunded, 2_000);
    assert_eq!(now.status, TransactionStatus::Captured);

    let rest = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 3_000, "k2"))
        .await
        .unwrap()
        .refund;
    assert_eq!(rest.state, RefundState::Succeeded);
    let now = desk.charge_now(&charge).await;
    assert_eq!(now.amount_refunded, 5_000);
    assert_eq!(now.status, TransactionStatus::Refunded, "refunded in full");

    assert_eq!(desk.events(EventKind::RefundRequested).await, 2);
    assert_eq!(desk.events(EventKind::RefundExecuted).await, 2);
    assert_eq!(desk.events(EventKind::RefundDecided).await, 0);
    let notes = desk.notes().await;
    assert_eq!(notes.len(), 4, "{notes:?}");
    assert!(
        notes[0].contains("USD 20.00 requested on charge") && notes[0].contains("Charged twice")
    );
    assert!(notes[0].contains("runs now"), "{}", notes[0]);
    assert!(notes[1].contains("succeeded through test"), "{}", notes[1]);
    let listed = desk
        .app
        .ticket_refunds(&desk.agent, desk.ticket)
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id).collect::<Vec<_>>(),
        [refund.id, rest.id]
    );
}

pub async fn above_the_threshold_a_finance_user_other_than_the_requester_approves(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("stripe", 50_000, 3).await;
    let waiting = desk
        .app
        .request_refund(&desk.finance, desk.ticket, ask(&charge, 20_000, "big"))
        .await
        .unwrap()
        .refund;
    assert_eq!(waiting.state, RefundState::PendingApproval);
    assert_eq!(
        desk.gateway.total_payments(),
        0,
        "nothing paid before approval"
    );
    assert!(desk.notes().await[0].contains("waits for a finance approver"));

    let own = desk
        .app
        .decide_refund(&desk.finance, waiting.id, Decision::approve())
        .await;
    assert!(
        matches!(own, Err(AppError::Refund(RefundError::SelfApproval))),
        "{own:?}"
    );
    let by_agent = desk
        .app
        .decide_refund(&desk.agent, waiting.id, Decision::approve())
        .await;
    assert!(
        matches!(by_agent, Err(AppError::Forbidden { .. })),
        "{by_agent:?}"
    );
    let lead = person(&desk.app, Role::Lead).await;
    assert!(matches!(
        desk.app
            .decide_refund(&lead, waiting.id, Decision::approve())
            .await,
        Err(AppError::Forbidden { .. })
    ));
    assert!(
        matches!(
            desk.app
                .decide_refund(&Caller::system(), waiting.id, Decision::approve())
                .await,
            Err(AppError::Invalid { .. })
        ),
        "maker and checker are people"
    );
    assert_eq!(
        desk.store.refund(waiting.id).await.unwrap().state,
        RefundState::PendingApproval
    );

    let done = desk
        .app
        .decide_refund(
            &desk.other_finance,
            waiting.id,
            Decision {
                note: Some("Order 77 was cancelled".into()),
                ..Decision::approve()
            },
        )
        .await
        .unwrap();
    assert_eq!(done.state, RefundState::Succeeded);
    assert_eq!(
        done.decision_note.as_deref(),
        Some("Order 77 was cancelled")
    );
    assert!(done.decided_at.is_some() && done.approved_by.is_some());
    assert_eq!(desk.gateway.payments(&done.idempotency_key), 1);
    let again = desk
        .app
        .decide_refund(&desk.other_finance, waiting.id, Decision::reject("no"))
        .await;
    assert!(
        matches!(
            again,
            Err(AppError::Refund(RefundError::NotPending("succeeded")))
        ),
        "{again:?}"
    );
    assert_eq!(desk.events(EventKind::RefundDecided).await, 1);
    assert_eq!(desk.events(EventKind::RefundExecuted).await, 1);
    let notes = desk.notes().await;
    assert!(
        notes[1].contains("approved. Note: Order 77 was cancelled"),
        "{notes:?}"
    );
}

pub async fn a_rejected_refund_never_pays(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("stripe", 50_000, 3).await;
    let waiting = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 30_000, "r"))
        .await
        .unwrap()
        .refund;
    let no_note = desk
        .app
        .decide_refund(&desk.finance, waiting.id, Decision::default())
        .await;
    assert!(
        matches!(&no_note, Err(AppError::Invalid { field, .. }) if field == "note"),
        "{no_note:?}"
    );
    let rejected = desk
        .app
        .decide_refund(
            &desk.finance,
            waiting.id,
            Decision::reject("Goods were delivered"),
        )
        .await
        .unwrap();
    assert_eq!(rejected.state, RefundState::Rejected);
    assert_eq!(desk.app.retry_refunds(10).await.unwrap(), 0);
    assert_eq!(desk.gateway.total_payments(), 0);
    assert_eq!(desk.charge_now(&charge).await.amount_refunded, 0);
    // Its money is free again.
    let next = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 50_000, "r2"))
        .await
        .unwrap();
    assert_eq!(next.refund.state, RefundState::PendingApproval);
    assert!(desk.notes().await[1].contains("rejected. Note: Goods were delivered"));
}

pub async fn refunds_made_elsewhere_are_recorded_with_their_reference(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("adyen", 5_000, 3).await;
    let missing = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 1_000, "e1"))
        .await;
    assert!(
        matches!(&missing, Err(AppError::Invalid { field, reason }) if field == "external_ref" && reason.contains("record_only")),
        "{missing:?}"
    );
    let made = desk
        .app
        .request_refund(
            &desk.agent,
            desk.ticket,
            paydesk_app::refunds::RefundInput {
                external_ref: Some("ADY-RF-889".into()),
                ..ask(&charge, 1_000, "e1")
            },
        )
        .await
        .unwrap()
        .refund;
    assert_eq!(made.state, RefundState::Succeeded);
    assert_eq!(made.connector, "record_only");
    assert_eq!(made.gateway_refund_ref.as_deref(), Some("ADY-RF-889"));
    assert_eq!(desk.gateway.total_payments(), 0, "nothing was called");
    assert!(
        desk.notes().await[1].contains("recorded as made outside paydesk, reference ADY-RF-889")
    );

    // Above the threshold the approver makes the refund elsewhere, then approves with its
    // reference: nothing moves before the approval.
    let big = desk.charge("adyen", 90_000, 3).await;
    let waiting = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&big, 60_000, "e3"))
        .await
        .unwrap()
        .refund;
    assert_eq!(waiting.state, RefundState::PendingApproval);
    assert_eq!(waiting.external_ref, None);
    let blind = desk
        .app
        .decide_refund(&desk.finance, waiting.id, Decision::approve())
        .await;
    assert!(
        matches!(&blind, Err(AppError::Invalid { field, .. }) if field == "external_ref"),
        "{blind:?}"
    );
    let approved = Decision {
        external_ref: Some("ADY-RF-901".into()),
        ..Decision::approve()
    };
    let recorded = desk
        .app
        .decide_refund(&desk.finance, waiting.id, approved)
        .await
        .unwrap();
    assert_eq!(recorded.state, RefundState::Succeeded);
    assert_eq!(recorded.gateway_refund_ref.as_deref(), Some("ADY-RF-901"));
    assert_eq!(desk.charge_now(&big).await.amount_refunded, 60_000);

    let stripe = desk.charge("stripe", 5_000, 3).await;
    let needless = desk
        .app
        .request_refund(
            &desk.agent,
            desk.ticket,
            paydesk_app::refunds::RefundInput {
                external_ref: Some("re_elsewhere".into()),
                ..ask(&stripe, 1_000, "e2")
            },
        )
        .await;
    assert!(
        matches!(&needless, Err(AppError::Invalid { field, .. }) if field == "external_ref"),
        "{needless:?}"
    );
}

pub async fn the_policy_is_configuration_with_versions(store: Store) {
    let desk = Desk::new(store).await;
    let admin = person(&desk.app, Role::Admin).await;
    let defaults = desk.app.refund_policy(&desk.agent).await.unwrap();
    assert_eq!(defaults.version, 0);
    assert_eq!(defaults.policy, RefundPolicy::default());

    let stricter = RefundPolicy {
        approval_above: 0,
        line_limits: vec![LineLimit {
            business_line: BusinessLine::Buyer,
            max_amount: 4_000,
            currency: "usd".into(),
        }],
        ..RefundPolicy::default()
    };
    let input = |expected_version| PolicyInput {
        policy: stricter.clone(),
        expected_version,
    };
    let refused = desk
        .app
        .save_refund_policy(&desk.finance, input(None))
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden { .. })),
        "{refused:?}"
    );
    let saved = desk
        .app
        .save_refund_policy(&admin, input(Some(0)))
        .await
        .unwrap();
    assert_eq!(saved.version, 1);
    assert_eq!(saved.policy.line_limits[0].currency, "USD");
    let stale = desk.app.save_refund_policy(&admin, input(Some(0))).await;
    assert!(
        matches!(
            stale,
            Err(AppError::VersionConflict {
                sent: 0,
                current: 1,
                ..
            })
        ),
        "{stale:?}"
    );
    let bad = PolicyInput {
        policy: RefundPolicy {
            max_days_since_capture: 0,
            ..RefundPolicy::default()
        },
        expected_version: None,
    };
    assert!(matches!(
        desk.app.save_refund_policy(&admin, bad).await,
        Err(AppError::Domain(_))
    ));
    assert_eq!(desk.store.refund_policy().await.unwrap().version, 1);

    let charge = desk.charge("stripe", 5_000, 3).await;
    let small = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 100, "p1"))
        .await
        .unwrap()
        .refund;
    assert_eq!(
        small.state,
        RefundState::PendingApproval,
        "every refund needs approval now"
    );
    assert_eq!(small.policy_version, 1);
    let capped = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 4_500, "p2"))
        .await;
    assert!(
        matches!(capped, Err(AppError::RefundRefused { .. })),
        "{capped:?}"
    );

    let audit = desk
        .store
        .audit_trail(&PageRequest::first(200))
        .await
        .unwrap();
    assert!(
        audit
            .items
            .iter()
            .any(|r| r.event.kind == EventKind::ConfigChanged
                && r.event.data["what"] == "refund_policy"
                && r.event.data["version"] == 1)
    );
}

pub async fn a_failing_connector_leaves_the_refund_failed_with_its_reason(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("stripe", 5_000, 3).await;
    desk.gateway
        .behave(TestBehaviour::Refuse("the card account is closed".into()));
    let failed = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 1_000, "f1"))
        .await
        .unwrap()
        .refund;
    assert_eq!(failed.state, RefundState::Failed);
    assert_eq!(
        failed.failure_reason.as_deref(),
        Some("the card account is closed")
    );
    assert!(failed.gateway_refund_ref.is_none() && failed.executed_at.is_some());
    assert_eq!(desk.gateway.total_payments(), 0);
    assert_eq!(desk.charge_now(&charge).await.amount_refunded, 0);
    assert_eq!(
        desk.app.retry_refunds(10).await.unwrap(),
        0,
        "a failure is final"
    );
    let notes = desk.notes().await;
    assert!(
        notes[1].contains("failed through test: the card account is closed"),
        "{notes:?}"
    );
    assert_eq!(desk.events(EventKind::RefundExecuted).await, 1);
    // A failed refund holds nothing: the whole charge may be asked for again.
    desk.gateway.behave(TestBehaviour::Pay);
    let retried = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 5_000, "f2"))
        .await
        .unwrap()
        .refund;
    assert_eq!(retried.state, RefundState::Succeeded);
}
