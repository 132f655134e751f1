//! What the policy and the input checks refuse, and how they say it.

use super::{Desk, T0, ask};
use paydesk_app::refunds::Decision;
use paydesk_app::refunds::RefundInput;
use paydesk_app::{AppError, Caller};
use paydesk_domain::TicketId;
use paydesk_domain::Timestamp;
use paydesk_domain::event::EventKind;
use paydesk_domain::payment::refund::{RefundState, Refusal};
use paydesk_domain::payment::{
    Dispute, DisputeId, DisputeStage, DisputeStatus, Money, Transaction, TransactionId,
};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_store::Store;

async fn open_dispute(desk: &Desk, charge: &Transaction) {
    let now = Timestamp(T0);
    let mut work = desk.store.payment_work().await.unwrap();
    work.save_dispute(&Dispute {
        id: DisputeId(0),
        gateway: charge.gateway.clone(),
        gateway_ref: format!("dp_{}", charge.gateway_ref),
        transaction_id: Some(charge.id),
        transaction_ref: Some(charge.gateway_ref.clone()),
        customer_id: None,
        ticket_id: None,
        network: Some("visa".into()),
        reason: Some("fraudulent".into()),
        network_reason_code: Some("10.4".into()),
        stage: DisputeStage::Chargeback,
        status: DisputeStatus::NeedsResponse,
        money: charge.money.clone(),
        due_at: Some(now.plus_millis(7 * Timestamp::DAY)),
        funds_withdrawn_at: None,
        funds_reinstated_at: None,
        created_at: now,
        updated_at: now,
    })
    .await
    .unwrap();
    work.commit().await.unwrap();
}

fn refused(
    result: Result<paydesk_app::refunds::Requested, AppError>,
) -> (Vec<Refusal>, Vec<String>) {
    match result {
        Err(AppError::RefundRefused {
            refusals,
            explanation,
        }) => (refusals, explanation),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub async fn refusals_come_with_the_policys_explanations(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("stripe", 5_000, 200).await;
    open_dispute(&desk, &charge).await;
    let (refusals, explanation) = refused(
        desk.app
            .request_refund(&desk.agent, desk.ticket, ask(&charge, 6_000, "no"))
            .await,
    );
    assert_eq!(
        refusals,
        [
            Refusal::OverRefund { available: 5_000 },
            Refusal::TooOld {
                days: 200,
                limit: 180
            },
            Refusal::OpenDispute,
        ]
    );
    assert_eq!(explanation.len(), 3);
    assert_eq!(
        explanation[0],
        "only USD 50.00 is left to refund on this charge"
    );
    assert!(explanation[1].contains("200 days ago") && explanation[1].contains("within 180 days"));
    assert!(explanation[2].contains("open dispute"));
    let e = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 6_000, "no"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "refund_refused");
    assert!(e.to_string().contains("open dispute"), "{e}");

    assert!(
        desk.store
            .ticket_refunds(desk.ticket)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(desk.events(EventKind::RefundRequested).await, 0);
    assert!(desk.notes().await.is_empty());
    assert_eq!(desk.gateway.total_payments(), 0);
}

pub async fn money_held_by_waiting_refunds_is_not_refunded_twice(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("stripe", 25_000, 3).await;
    let waiting = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 20_000, "w1"))
        .await
        .unwrap()
        .refund;
    assert_eq!(waiting.state, RefundState::PendingApproval);
    let (refusals, _) = refused(
        desk.app
            .request_refund(&desk.agent, desk.ticket, ask(&charge, 10_000, "w2"))
            .await,
    );
    assert_eq!(refusals, [Refusal::OverRefund { available: 5_000 }]);
    let rest = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&charge, 5_000, "w3"))
        .await
        .unwrap()
        .refund;
    assert_eq!(rest.state, RefundState::Succeeded);
    // Approval checks again, leaving the refund's own hold out.
    let approved = desk
        .app
        .decide_refund(&desk.finance, waiting.id, Decision::approve())
        .await
        .unwrap();
    assert_eq!(approved.state, RefundState::Succeeded);
    assert_eq!(desk.charge_now(&charge).await.amount_refunded, 25_000);

    // A dispute opened while a refund waited: the approval is refused, the refund waits on.
    let disputed = desk.charge("stripe", 30_000, 3).await;
    let waiting = desk
        .app
        .request_refund(&desk.agent, desk.ticket, ask(&disputed, 30_000, "w4"))
        .await
        .unwrap()
        .refund;
    open_dispute(&desk, &disputed).await;
    let e = desk
        .app
        .decide_refund(&desk.finance, waiting.id, Decision::approve())
        .await;
    assert!(
        matches!(&e, Err(AppError::RefundRefused { refusals, .. }) if refusals == &[Refusal::OpenDispute]),
        "{e:?}"
    );
    assert_eq!(
        desk.store.refund(waiting.id).await.unwrap().state,
        RefundState::PendingApproval
    );
    let rejected = desk
        .app
        .decide_refund(&desk.finance, waiting.id, Decision::reject("Disputed"))
        .await
        .unwrap();
    assert_eq!(rejected.state, RefundState::Rejected);
}

pub async fn bad_requests_name_their_field(store: Store) {
    let desk = Desk::new(store).await;
    let charge = desk.charge("stripe", 5_000, 3).await;
    let field = |r: Result<paydesk_app::refunds::Requested, AppError>| match r {
        Err(e) => e
            .field()
            .map(str::to_string)
            .unwrap_or_else(|| e.code().to_string()),
        Ok(r) => panic!("{r:?}"),
    };
    let app = &desk.app;
    let t = desk.ticket;
    let agent = &desk.agent;
    let blank_reason = RefundInput {
        reason: "  ".into(),
        ..ask(&charge, 100, "b1")
    };
    assert_eq!(
        field(app.request_refund(agent, t, blank_reason).await),
        "reason"
    );
    assert_eq!(
        field(app.request_refund(agent, t, ask(&charge, 100, " ")).await),
        "Idempotency-Key"
    );
    let unknown = RefundInput {
        transaction_id: TransactionId(9_999),
        ..ask(&charge, 100, "b2")
    };
    assert_eq!(
        field(app.request_refund(agent, t, unknown).await),
        "transaction_id"
    );
    let euro = RefundInput {
        currency: Some("euro".into()),
        ..ask(&charge, 100, "b3")
    };
    assert_eq!(field(app.request_refund(agent, t, euro).await), "currency");
    let card = RefundInput {
        external_ref: Some("4111 1111 1111 1111".into()),
        ..ask(&charge, 100, "b4")
    };
    assert_eq!(
        field(app.request_refund(agent, t, card).await),
        "external_ref"
    );
    assert_eq!(
        field(
            app.request_refund(agent, TicketId(777), ask(&charge, 100, "b5"))
                .await
        ),
        "not_found"
    );
    let token = Caller::new(
        Principal::Token {
            id: 1,
            name: "erp".into(),
            scopes: paydesk_domain::policy::Scope::ALL.to_vec(),
        },
        None,
    );
    assert_eq!(
        field(app.request_refund(&token, t, ask(&charge, 100, "b6")).await),
        "forbidden"
    );

    // A charge of another ticket's customer, not linked here.
    let mut work = desk.store.payment_work().await.unwrap();
    let stranger = work
        .save_transaction(&Transaction {
            id: TransactionId(0),
            gateway_ref: "ch_stranger".into(),
            money: Money::new(900, "usd").unwrap(),
            ..charge.clone()
        })
        .await
        .unwrap();
    work.commit().await.unwrap();
    assert_eq!(
        field(
            app.request_refund(agent, t, ask(&stranger, 100, "b7"))
                .await
        ),
        "transaction_id"
    );

    // A BPO agent sees only its vendor's queues; this ticket is in none.
    let vendor = desk
        .store
        .insert_vendor("Northwind", Timestamp(T0))
        .await
        .unwrap();
    let bpo_user = app
        .add_user(
            &Caller::system(),
            "bpo@desk.test",
            "Bo",
            Role::BpoAgent,
            Some(vendor.id),
            None,
        )
        .await
        .unwrap();
    let bpo = Caller::new(
        Principal::User {
            id: bpo_user.id,
            role: Role::BpoAgent,
            vendor_id: Some(vendor.id),
        },
        None,
    );
    assert_eq!(
        field(app.request_refund(&bpo, t, ask(&charge, 100, "b8")).await),
        "not_found"
    );
    assert!(
        app.list_refunds(&bpo, vec![], &Default::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // A key used for another request is refused; card data in the reason is masked.
    let masked = RefundInput {
        reason: "Card 4111 1111 1111 1111 charged twice".into(),
        ..ask(&charge, 100, "b9")
    };
    let made = app.request_refund(agent, t, masked).await.unwrap().refund;
    assert!(
        !made.reason.contains("4111 1111 1111 1111"),
        "{}",
        made.reason
    );
    assert_eq!(desk.events(EventKind::Redacted).await, 1);
    assert!(matches!(
        app.request_refund(agent, t, ask(&charge, 200, "b9")).await,
        Err(AppError::IdempotencyKeyReused)
    ));
}
