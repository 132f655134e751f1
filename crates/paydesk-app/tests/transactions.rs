//! Transactions and payouts through the use cases, on both engines: loading is an upsert
//! with per-item errors and masked card data; tickets link to the payments their words
//! name (from the API, email and a customer's reply), and to payments that arrive later;
//! links by hand; the money beside a ticket and a customer's activity; vendor scope; and
//! Stripe's payment method details and payout schedules through webhooks.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::inbound::InboundOptions;
use paydesk_app::payments::{CustomerRef, ItemOutcome, LoadOrigin, PayoutInput, TransactionInput};
use paydesk_app::settings::IntakeSettings;
use paydesk_app::tickets::{NewReply, NewTicketInput};
use paydesk_app::webhooks::signature::sign;
use paydesk_app::webhooks::{Delivery, Endpoint};
use paydesk_app::{App, AppError, Caller, ManualClock};
use paydesk_domain::customer::{NewCustomer, Tier};
use paydesk_domain::event::EventKind;
use paydesk_domain::message::Visibility;
use paydesk_domain::payment::decline::Retry;
use paydesk_domain::payment::{
    PaymentMethod, PaymentObjectKind, PayoutSchedule, PayoutStatus, TransactionId, TransactionKind,
    TransactionStatus,
};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_domain::{CustomerId, QueueId, TicketId, Timestamp};
use paydesk_store::{Activity, NewQueue, PageRequest, Store, TransactionFilter};
use paydesk_testkit::on_both_engines;
use serde_json::json;
use std::sync::Arc;

const T0: i64 = 1_790_000_000_000;
const SECRET: &str = "whsec_transactions_tests";

fn app(store: Store) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    (App::new(store, clock.clone()), clock)
}

async fn customer(app: &App, line: BusinessLine, email: &str) -> CustomerId {
    let input = NewCustomer {
        business_line: line,
        name: "Ana Cruz".into(),
        emails: vec![email.into()],
        phone: None,
        country: None,
        locale: None,
        tier: Tier::Standard,
        external_ids: [("stripe_customer_id".to_string(), "cus_Ana1".to_string())]
            .into_iter()
            .collect(),
    };
    app.create_customer(&Caller::system(), input)
        .await
        .unwrap()
        .id
}

fn charge(gateway_ref: &str) -> TransactionInput {
    TransactionInput {
        gateway: "stripe".into(),
        gateway_ref: gateway_ref.into(),
        kind: TransactionKind::Charge,
        status: TransactionStatus::Captured,
        amount: 999,
        currency: "usd".into(),
        amount_refunded: 0,
        customer: CustomerRef::default(),
        order_id: None,
        failure_code: None,
        failure_message: None,
        method: None,
        wallet: None,
        card_brand: None,
        card_last4: None,
        created_at: None,
    }
}

fn payout(gateway_ref: &str, customer: CustomerId) -> PayoutInput {
    PayoutInput {
        gateway: "stripe".into(),
        gateway_ref: gateway_ref.into(),
        status: PayoutStatus::InTransit,
        amount: 120_000,
        currency: "USD".into(),
        customer: CustomerRef {
            id: Some(customer),
            ..CustomerRef::default()
        },
        failure_code: None,
        failure_message: None,
        arrival_at: Some(Timestamp(T0 + 2 * Timestamp::DAY)),
        schedule: Some(PayoutSchedule::Weekly),
        is_held: false,
        created_at: None,
    }
}

async fn load(app: &App, items: Vec<TransactionInput>) -> Vec<Result<ItemOutcome, String>> {
    let items: Vec<_> = items.into_iter().map(Ok).collect();
    app.load_transactions(&Caller::system(), &items, &LoadOrigin::Api)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.map_err(|e| format!("{}: {}", e.field, e.reason)))
        .collect()
}

async fn ticket(app: &App, customer: CustomerId, subject: &str, body: &str) -> TicketId {
    let input = NewTicketInput {
        customer_id: Some(customer),
        ..NewTicketInput::new(subject, body, BusinessLine::Buyer, Channel::Api)
    };
    app.create_ticket(&Caller::system(), input, None)
        .await
        .unwrap()
        .ticket
        .id
}

/// The payment links a ticket's timeline records: (kind, id, linked, reason).
async fn link_events(app: &App, id: TicketId) -> Vec<(String, i64, bool, String)> {
    let events = app
        .timeline(&Caller::system(), id, &PageRequest::first(200))
        .await
        .unwrap()
        .items;
    events
        .iter()
        .filter(|e| e.kind == EventKind::PaymentLinked)
        .map(|e| {
            (
                e.data["kind"].as_str().unwrap().to_string(),
                e.data["object_id"].as_i64().unwrap(),
                e.data["linked"].as_bool().unwrap(),
                e.data["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn linked_transactions(app: &App, id: TicketId) -> Vec<String> {
    let panel = app.ticket_payments(&Caller::system(), id).await.unwrap();
    panel
        .linked
        .transactions
        .iter()
        .map(|t| t.transaction.gateway_ref.clone())
        .collect()
}

async fn loading_is_an_upsert_with_per_item_errors(store: Store) {
    let (app, clock) = app(store.clone());
    let ana = customer(&app, BusinessLine::Buyer, "ana@example.com").await;
    let good = TransactionInput {
        customer: CustomerRef {
            email: Some("ANA@example.com".into()),
            ..CustomerRef::default()
        },
        order_id: Some("ORD-100001".into()),
        status: TransactionStatus::Failed,
        failure_code: Some("insufficient_funds".into()),
        failure_message: Some("declined for card 4111 1111 1111 1111".into()),
        card_brand: Some("Visa".into()),
        card_last4: Some("1111".into()),
        wallet: Some("apple_pay".into()),
        ..charge("ch_3NgoodA1")
    };
    let bad_currency = TransactionInput {
        currency: "dollars".into(),
        ..charge("ch_3NbadB2")
    };
    let full_card = TransactionInput {
        card_last4: Some("4242424242424242".into()),
        ..charge("ch_3NcardC3")
    };
    let unknown_customer = TransactionInput {
        customer: CustomerRef {
            id: Some(CustomerId(9_999)),
            ..CustomerRef::default()
        },
        ..charge("ch_3NwhoD4")
    };
    let batch = [good.clone(), bad_currency, full_card, unknown_customer];
    let items: Vec<_> = batch.iter().cloned().map(Ok).collect();
    let first = app
        .load_transactions(&Caller::system(), &items, &LoadOrigin::Api)
        .await
        .unwrap();
    assert_eq!(first.masked, 1, "the card number in the message was masked");
    assert!(matches!(first.items[0], Ok(ItemOutcome::Created(_))));
    let errors: Vec<String> = first.items[1..]
        .iter()
        .map(|r| r.as_ref().unwrap_err().field.clone())
        .collect();
    assert_eq!(errors, ["currency", "card_last4", "customer_id"]);

    let found = app
        .list_transactions(
            &Caller::system(),
            &TransactionFilter {
                order_id: Some("ORD-100001".into()),
                ..TransactionFilter::default()
            },
            &PageRequest::default(),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(found.len(), 1);
    let t = &found[0].transaction;
    assert_eq!(t.customer_id, Some(ana), "matched by email like webhooks");
    assert_eq!(t.method, Some(PaymentMethod::Wallet));
    assert_eq!(t.wallet.as_deref(), Some("apple_pay"));
    assert_eq!(t.card_brand.as_deref(), Some("visa"));
    let message = t.failure_message.as_deref().unwrap();
    assert!(!message.contains("4111 1111 1111 1111"), "{message}");
    let explained = found[0].explanation.as_ref().unwrap();
    assert!(explained.is_known);
    assert_eq!(explained.retry, Retry::AfterFix);
    let stored_at = t.updated_at;

    clock.advance(Timestamp::MINUTE);
    let again = load(&app, vec![good.clone()]).await;
    assert!(
        matches!(again[0], Ok(ItemOutcome::Unchanged(_))),
        "{again:?}"
    );
    let t = app
        .transaction(&Caller::system(), found[0].transaction.id)
        .await
        .unwrap();
    assert_eq!(
        t.transaction.updated_at, stored_at,
        "a rerun writes nothing"
    );

    let refunded = TransactionInput {
        status: TransactionStatus::Refunded,
        amount_refunded: 999,
        failure_message: None,
        ..good
    };
    let changed = load(&app, vec![refunded]).await;
    assert!(
        matches!(changed[0], Ok(ItemOutcome::Updated(_))),
        "{changed:?}"
    );
    let t = app
        .transaction(&Caller::system(), found[0].transaction.id)
        .await
        .unwrap();
    assert_eq!(t.transaction.status, TransactionStatus::Refunded);
    assert!(
        t.transaction.failure_message.is_some(),
        "what an item leaves out stays"
    );

    let recorded = store
        .audit_trail(&PageRequest::first(200))
        .await
        .unwrap()
        .items
        .iter()
        .filter(|r| r.event.kind == EventKind::TransactionRecorded)
        .filter(|r| r.event.customer_id == Some(ana))
        .count();
    assert_eq!(
        recorded, 2,
        "created and changed once each; the rerun recorded nothing"
    );

    let too_many: Vec<_> = (0..1_001)
        .map(|i| Ok(charge(&format!("ch_many{i}"))))
        .collect();
    let refused = app
        .load_transactions(&Caller::system(), &too_many, &LoadOrigin::Api)
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::Invalid { ref field, .. } if field == "items"));

    let agent = staff(&app, Role::Agent, None).await;
    let forbidden = app
        .load_transactions(&agent, &[Ok(charge("ch_3Nagent"))], &LoadOrigin::Api)
        .await
        .unwrap_err();
    assert!(matches!(forbidden, AppError::Forbidden { .. }));

    let creator = customer(&app, BusinessLine::Creator, "cy@example.com").await;
    let held = PayoutInput {
        status: PayoutStatus::Held,
        ..payout("po_1Pheld1", creator)
    };
    let failed = PayoutInput {
        status: PayoutStatus::Failed,
        failure_code: Some("account_closed".into()),
        ..payout("po_1Pfail2", creator)
    };
    let loaded = app
        .load_payouts(&Caller::system(), &[Ok(held), Ok(failed)], &LoadOrigin::Api)
        .await
        .unwrap();
    assert!(loaded.items.iter().all(Result::is_ok), "{loaded:?}");
    let payouts = app
        .list_payouts(&Caller::system(), Some(creator), &PageRequest::default())
        .await
        .unwrap()
        .items;
    assert_eq!(payouts.len(), 2);
    let held = payouts
        .iter()
        .find(|p| p.payout.gateway_ref == "po_1Pheld1")
        .unwrap();
    assert!(held.payout.is_held);
    assert_eq!(held.payout.schedule, Some(PayoutSchedule::Weekly));
    assert!(held.explanation.is_none());
    let failed = payouts
        .iter()
        .find(|p| p.payout.gateway_ref == "po_1Pfail2")
        .unwrap();
    assert!(!failed.payout.is_held);
    let why = failed.explanation.as_ref().unwrap();
    assert!(why.customer_action.contains("bank account"), "{why:?}");
}

async fn staff(app: &App, role: Role, vendor: Option<paydesk_domain::VendorId>) -> Caller {
    let n = app.store().users().await.map_or(0, |u| u.len());
    let user = app
        .add_user(
            &Caller::system(),
            &format!("person{n}@desk.example"),
            "Person",
            role,
            vendor,
            None,
        )
        .await
        .unwrap();
    Caller::new(
        Principal::User {
            id: user.id,
            role,
            vendor_id: vendor,
        },
        None,
    )
}

async fn tickets_link_to_the_payments_they_name(store: Store) {
    let (app, _) = app(store);
    let ana = customer(&app, BusinessLine::Buyer, "ana@example.com").await;
    let loaded = load(
        &app,
        vec![
            TransactionInput {
                order_id: Some("ORD-7F3K2Q".into()),
                customer: CustomerRef {
                    platform_id: Some("cus_Ana1".into()),
                    ..CustomerRef::default()
                },
                ..charge("ch_3NorderA")
            },
            TransactionInput {
                order_id: Some("ORD-MAIL77".into()),
                ..charge("ch_3NmailB7")
            },
            TransactionInput {
                order_id: Some("ORD-REPLY8".into()),
                ..charge("ch_3NreplyC8")
            },
        ],
    )
    .await;
    let Ok(ItemOutcome::Created(order_tx)) = loaded[0] else {
        panic!("{loaded:?}")
    };

    // From the API: the order id in the body links the ticket, once, with an event.
    let by_api = ticket(
        &app,
        ana,
        "Refund for my order",
        "Order ORD-7F3K2Q never arrived, and ORD-0000NOPE is another one.",
    )
    .await;
    assert_eq!(linked_transactions(&app, by_api).await, ["ch_3NorderA"]);
    assert_eq!(
        link_events(&app, by_api).await,
        [(
            "transaction".to_string(),
            order_tx,
            true,
            "mention".to_string()
        )]
    );

    // A ticket naming only references paydesk does not hold links nothing.
    let unknown = ticket(&app, ana, "Charge ch_3Nunknown9", "Order ORD-123456 please").await;
    assert!(linked_transactions(&app, unknown).await.is_empty());
    assert!(link_events(&app, unknown).await.is_empty());

    // From email intake.
    let raw = "From: Ana <ana@example.com>\r\nTo: support@paydesk.example\r\nSubject: Charged twice\r\nMessage-ID: <m1@example.com>\r\nDate: Mon, 14 Sep 2026 10:00:00 +0000\r\n\r\nMy order ORD-MAIL77 was charged twice, please check.\r\n";
    let outcome = app
        .receive_email(
            &Caller::system(),
            raw.as_bytes(),
            &InboundOptions::default(),
        )
        .await
        .unwrap();
    let by_mail = outcome.ticket().unwrap();
    assert_eq!(linked_transactions(&app, by_mail).await, ["ch_3NmailB7"]);

    // From a customer's reply on the ticket that named nothing known.
    let reply = NewReply {
        visibility: Visibility::Public,
        from_customer: true,
        body: "Sorry, the right order is ORD-REPLY8.".into(),
        attachments: vec![],
        expected_version: None,
    };
    app.add_message(&Caller::system(), unknown, reply)
        .await
        .unwrap();
    assert_eq!(linked_transactions(&app, unknown).await, ["ch_3NreplyC8"]);
    let events = link_events(&app, unknown).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].3, "mention");
}

async fn a_payment_arriving_later_links_the_open_ticket_naming_it(store: Store) {
    let (app, _) = app(store);
    let ana = customer(&app, BusinessLine::Buyer, "ana@example.com").await;
    let other = customer(&app, BusinessLine::Buyer, "bo@example.com").await;
    let waiting = ticket(
        &app,
        ana,
        "Payment pending",
        "My order ORD-LATE42 is pending",
    )
    .await;
    let not_hers = ticket(&app, other, "Also me", "Order ORD-LATE42 too?").await;
    assert!(linked_transactions(&app, waiting).await.is_empty());
    let later = TransactionInput {
        order_id: Some("ORD-LATE42".into()),
        customer: CustomerRef {
            id: Some(ana),
            ..CustomerRef::default()
        },
        ..charge("ch_3Nlater1")
    };
    load(&app, vec![later]).await;
    assert_eq!(linked_transactions(&app, waiting).await, ["ch_3Nlater1"]);
    assert!(
        linked_transactions(&app, not_hers).await.is_empty(),
        "only the customer's own tickets link when the payment arrives"
    );
    assert_eq!(link_events(&app, waiting).await[0].3, "mention");
}

async fn links_by_hand(store: Store) {
    let (app, _) = app(store);
    let ana = customer(&app, BusinessLine::Buyer, "ana@example.com").await;
    let loaded = load(&app, vec![charge("ch_3Nhand01")]).await;
    let Ok(ItemOutcome::Created(id)) = loaded[0] else {
        panic!("{loaded:?}")
    };
    let t = ticket(&app, ana, "Something is off", "Please look").await;
    let agent = staff(&app, Role::Agent, None).await;
    let kind = PaymentObjectKind::Transaction;
    assert!(app.link_payment(&agent, t, kind, id).await.unwrap());
    assert!(
        !app.link_payment(&agent, t, kind, id).await.unwrap(),
        "once"
    );
    assert_eq!(linked_transactions(&app, t).await, ["ch_3Nhand01"]);
    let missing = app.link_payment(&agent, t, kind, 4_242).await.unwrap_err();
    assert!(matches!(missing, AppError::NotFound { .. }), "{missing:?}");
    assert!(app.unlink_payment(&agent, t, kind, id).await.unwrap());
    assert!(!app.unlink_payment(&agent, t, kind, id).await.unwrap());
    assert!(linked_transactions(&app, t).await.is_empty());
    let events = link_events(&app, t).await;
    assert_eq!(
        events,
        [
            ("transaction".to_string(), id, true, "manual".to_string()),
            ("transaction".to_string(), id, false, "manual".to_string()),
        ]
    );
    let viewer = staff(&app, Role::Viewer, None).await;
    assert!(matches!(
        app.link_payment(&viewer, t, kind, id).await.unwrap_err(),
        AppError::Forbidden { .. }
    ));
}

async fn the_money_beside_a_ticket_and_a_customer(store: Store) {
    let (app, clock) = app(store);
    let creator = customer(&app, BusinessLine::Creator, "cy@example.com").await;
    let older = ticket(&app, creator, "Tax form", "Which form do I need?").await;
    clock.advance(Timestamp::HOUR);
    app.load_payouts(
        &Caller::system(),
        &[Ok(payout("po_1Pweek01", creator))],
        &LoadOrigin::Api,
    )
    .await
    .unwrap();
    clock.advance(Timestamp::HOUR);
    load(
        &app,
        vec![TransactionInput {
            customer: CustomerRef {
                id: Some(creator),
                ..CustomerRef::default()
            },
            status: TransactionStatus::Failed,
            failure_code: Some("51".into()),
            ..charge("ch_3Nfee001")
        }],
    )
    .await;
    clock.advance(Timestamp::HOUR);
    let asking = ticket(
        &app,
        creator,
        "Where is my money?",
        "My earnings have not arrived.",
    )
    .await;

    let panel = app
        .ticket_payments(&Caller::system(), asking)
        .await
        .unwrap();
    assert!(panel.linked.transactions.is_empty() && panel.linked.payouts.is_empty());
    assert_eq!(panel.business_line, BusinessLine::Creator);
    let payouts: Vec<_> = panel
        .recent
        .payouts
        .iter()
        .map(|p| p.payout.gateway_ref.as_str())
        .collect();
    assert_eq!(
        payouts,
        ["po_1Pweek01"],
        "a creator's ticket shows the payout"
    );
    let recent = &panel.recent.transactions[0];
    assert_eq!(recent.transaction.gateway_ref, "ch_3Nfee001");
    assert!(
        recent.explanation.as_ref().unwrap().is_known,
        "ISO code explained"
    );

    let mut kinds = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let got = app
            .customer_activity(&Caller::system(), creator, &page)
            .await
            .unwrap();
        kinds.extend(got.items.iter().map(|a| match a {
            Activity::Ticket(t) => format!("ticket {}", t.id.0),
            Activity::Transaction(t) => format!("transaction {}", t.gateway_ref),
            Activity::Payout(p) => format!("payout {}", p.gateway_ref),
            Activity::Dispute(d) => format!("dispute {}", d.gateway_ref),
        }));
        match got.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(
        kinds,
        [
            format!("ticket {}", asking.0),
            "transaction ch_3Nfee001".to_string(),
            "payout po_1Pweek01".to_string(),
            format!("ticket {}", older.0),
        ],
        "newest first, every item once across pages"
    );
    let partner = staff(&app, Role::Partner, None).await;
    assert!(
        app.ticket_payments(&partner, asking).await.is_err(),
        "partners do not read payments"
    );
}

async fn a_vendor_sees_only_its_customers_money(store: Store) {
    let (app, _) = app(store.clone());
    let at = Timestamp(1);
    let va = store.insert_vendor("Northwind", at).await.unwrap();
    let vb = store.insert_vendor("Southridge", at).await.unwrap();
    let queue = |key: &str, vendor| NewQueue {
        key: key.into(),
        name: key.into(),
        business_line: None,
        vendor_id: Some(vendor),
    };
    let qa: QueueId = store.insert_queue(&queue("a", va.id), at).await.unwrap().id;
    let qb: QueueId = store.insert_queue(&queue("b", vb.id), at).await.unwrap().id;
    let ana = customer(&app, BusinessLine::Buyer, "ana@example.com").await;
    let bo = customer(&app, BusinessLine::Buyer, "bo@example.com").await;
    let in_queue = |q: QueueId, c: CustomerId, body: &str| NewTicketInput {
        queue_id: Some(q),
        customer_id: Some(c),
        ..NewTicketInput::new("Refund", body, BusinessLine::Buyer, Channel::Email)
    };
    let sys = Caller::system();
    let ta = app
        .create_ticket(&sys, in_queue(qa, ana, "order ORD-AAA111"), None)
        .await
        .unwrap()
        .ticket
        .id;
    let tb = app
        .create_ticket(&sys, in_queue(qb, bo, "order ORD-BBB222"), None)
        .await
        .unwrap()
        .ticket
        .id;
    let of = |c: CustomerId, r: &str, order: &str| TransactionInput {
        customer: CustomerRef {
            id: Some(c),
            ..CustomerRef::default()
        },
        order_id: Some(order.into()),
        ..charge(r)
    };
    let loaded = load(
        &app,
        vec![
            of(ana, "ch_3Nana001", "ORD-AAA111"),
            of(bo, "ch_3Nbob002", "ORD-BBB222"),
        ],
    )
    .await;
    let Ok(ItemOutcome::Created(bos)) = loaded[1] else {
        panic!("{loaded:?}")
    };
    let bpo = staff(&app, Role::BpoAgent, Some(va.id)).await;
    let listed = app
        .list_transactions(&bpo, &TransactionFilter::default(), &PageRequest::default())
        .await
        .unwrap()
        .items;
    let refs: Vec<_> = listed
        .iter()
        .map(|t| t.transaction.gateway_ref.as_str())
        .collect();
    assert_eq!(refs, ["ch_3Nana001"]);
    let hidden = app.transaction(&bpo, TransactionId(bos)).await.unwrap_err();
    assert!(matches!(hidden, AppError::NotFound { .. }));
    assert!(app.ticket_payments(&bpo, ta).await.is_ok());
    assert!(matches!(
        app.ticket_payments(&bpo, tb).await.unwrap_err(),
        AppError::NotFound { .. }
    ));
    assert!(matches!(
        app.customer_activity(&bpo, bo, &PageRequest::default())
            .await
            .unwrap_err(),
        AppError::NotFound { .. }
    ));
    let mine = app
        .customer_activity(&bpo, ana, &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 2, "her ticket and her transaction");
    let linking = app
        .link_payment(&bpo, ta, PaymentObjectKind::Transaction, bos)
        .await
        .unwrap_err();
    assert!(matches!(linking, AppError::NotFound { .. }), "{linking:?}");
}

/// A Stripe event, signed for the test app's endpoint.
async fn stripe(app: &App, event: serde_json::Value) {
    let body = serde_json::to_vec(&event).unwrap();
    let t = T0 / 1_000;
    let header = format!("t={t},v1={}", sign(SECRET.as_bytes(), t, &body));
    let delivery = Delivery {
        body: &body,
        signature: Some(&header),
        ip: None,
    };
    app.receive_webhook(Endpoint::Stripe, delivery)
        .await
        .unwrap();
}

async fn stripe_webhooks_fill_the_method_and_the_schedule(store: Store) {
    let (app, _) = app(store.clone());
    let app = app.with_intake(IntakeSettings {
        stripe_webhook_secret: Some(SECRET.into()),
        ..IntakeSettings::default()
    });
    stripe(
        &app,
        json!({ "id": "evt_w1", "type": "charge.failed", "created": 1_789_999_000,
            "data": { "object": { "id": "ch_3Nwallet1", "amount": 999, "currency": "usd",
                "status": "failed", "failure_code": "card_declined",
                "payment_method_details": { "type": "card", "card": { "brand": "visa",
                    "last4": "4242", "wallet": { "type": "google_pay" } } } } } }),
    )
    .await;
    stripe(
        &app,
        json!({ "id": "evt_w2", "type": "charge.refunded", "created": 1_789_999_000,
            "data": { "object": { "id": "ch_3Nsepa0002", "amount": 500, "currency": "eur",
                "status": "succeeded", "refunded": true, "amount_refunded": 500,
                "payment_method_details": { "type": "sepa_debit" } } } }),
    )
    .await;
    stripe(
        &app,
        json!({ "id": "evt_w3", "type": "payout.failed", "created": 1_789_999_000,
            "data": { "object": { "id": "po_1Pmanual3", "amount": 5000, "currency": "usd",
                "status": "failed", "automatic": false, "failure_code": "no_account" } } }),
    )
    .await;
    let wallet = store
        .transaction_by_ref("stripe", "ch_3Nwallet1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(wallet.method, Some(PaymentMethod::Wallet));
    assert_eq!(wallet.wallet.as_deref(), Some("google_pay"));
    assert_eq!(wallet.card_last4.as_deref(), Some("4242"));
    let bank = store
        .transaction_by_ref("stripe", "ch_3Nsepa0002")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bank.method, Some(PaymentMethod::BankTransfer));
    assert_eq!(bank.wallet, None);
    let payout = store
        .payout_by_ref("stripe", "po_1Pmanual3")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(payout.schedule, Some(PayoutSchedule::Manual));
    let explained = app
        .payout(&Caller::system(), payout.id)
        .await
        .unwrap()
        .explanation
        .unwrap();
    assert!(
        explained.is_known && explained.code == "no_account",
        "{explained:?}"
    );
}

on_both_engines!(
    stripe_webhooks_fill_the_method_and_the_schedule,
    loading_is_an_upsert_with_per_item_errors,
    tickets_link_to_the_payments_they_name,
    a_payment_arriving_later_links_the_open_ticket_naming_it,
    links_by_hand,
    the_money_beside_a_ticket_and_a_customer,
    a_vendor_sees_only_its_customers_money,
);
