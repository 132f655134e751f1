//! What the incident and payment health suites share: a desk at a fixed time with a lead,
//! customers with an email each, their tickets and the transactions gateways reported.

#![allow(dead_code, reason = "each suite uses part of it")]

use paydesk_app::tickets::NewTicketInput;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::payment::{
    Money, Transaction, TransactionId, TransactionKind, TransactionStatus,
};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_domain::{CustomerId, TicketId, Timestamp};
use paydesk_store::{NewUser, Store};
use std::sync::Arc;

/// The instant every test starts at.
pub const T0: i64 = 1_790_000_000_000;
pub const MIN: i64 = Timestamp::MINUTE;

/// `minutes` from [`T0`] (negative: before).
pub fn at(minutes: i64) -> Timestamp {
    Timestamp(T0 + minutes * MIN)
}

/// The services over `store` at [`T0`], with the clock to move.
pub fn app(store: Store) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    (App::new(store, clock.clone()), clock)
}

/// A signed-in staff member of `role`.
pub async fn person(app: &App, email: &str, role: Role) -> Caller {
    let user = app
        .store()
        .insert_user(
            &NewUser {
                email: email.into(),
                name: email.split('@').next().unwrap_or("x").into(),
                role,
                vendor_id: None,
                password_hash: None,
            },
            Timestamp(T0 - 1_000 * MIN),
        )
        .await
        .unwrap();
    Caller::new(
        Principal::User {
            id: user.id,
            role,
            vendor_id: None,
        },
        Some("198.51.100.7".into()),
    )
}

/// A buyer with one email address.
pub async fn customer(app: &App, name: &str) -> CustomerId {
    let email = format!("{}@example.com", name.to_lowercase());
    app.create_customer(
        &Caller::system(),
        paydesk_testkit::customer::customer(BusinessLine::Buyer, name, &email),
    )
    .await
    .unwrap()
    .id
}

/// A ticket by `customer` (if any) opened at `when`, in `category`.
pub async fn ticket(
    app: &App,
    clock: &ManualClock,
    customer: Option<CustomerId>,
    when: Timestamp,
    category: &str,
) -> TicketId {
    let now = app.now();
    clock.set(when);
    let input = NewTicketInput {
        customer_id: customer,
        category: Some(category.into()),
        ..NewTicketInput::new(
            "My card payment was declined",
            "I tried to buy coins and it was declined twice",
            BusinessLine::Buyer,
            Channel::Email,
        )
    };
    let id = app
        .create_ticket(&Caller::system(), input, None)
        .await
        .unwrap()
        .ticket
        .id;
    clock.set(now);
    id
}

/// A failed card charge the gateway reported, of `customer` at `when`; linked to `ticket`
/// when given.
pub async fn failed_charge(
    store: &Store,
    gateway: &str,
    code: &str,
    customer: Option<CustomerId>,
    when: Timestamp,
    ticket: Option<TicketId>,
) -> TransactionId {
    let card = paydesk_domain::payment::PaymentMethod::Card;
    failed_payment(store, (gateway, code), customer, when, ticket, card).await
}

/// A failed wallet payment (no card brand recorded) of `customer` at `when`.
pub async fn failed_wallet_payment(
    store: &Store,
    gateway: &str,
    code: &str,
    customer: Option<CustomerId>,
    when: Timestamp,
) -> TransactionId {
    let wallet = paydesk_domain::payment::PaymentMethod::Wallet;
    failed_payment(store, (gateway, code), customer, when, None, wallet).await
}

async fn failed_payment(
    store: &Store,
    (gateway, code): (&str, &str),
    customer: Option<CustomerId>,
    when: Timestamp,
    ticket: Option<TicketId>,
    method: paydesk_domain::payment::PaymentMethod,
) -> TransactionId {
    let is_card = method == paydesk_domain::payment::PaymentMethod::Card;
    let mut work = store.payment_work().await.unwrap();
    let saved = work
        .save_transaction(&Transaction {
            id: TransactionId(0),
            gateway: gateway.into(),
            gateway_ref: format!("ch_{gateway}_{}_{}", when.0, customer.map_or(0, |c| c.0)),
            kind: TransactionKind::Charge,
            status: TransactionStatus::Failed,
            money: Money {
                amount: 999,
                currency: "USD".into(),
            },
            amount_refunded: 0,
            customer_id: customer,
            order_id: None,
            failure_code: Some(code.into()),
            failure_message: Some("Declined".into()),
            card_brand: is_card.then(|| "visa".into()),
            card_last4: is_card.then(|| "4242".into()),
            method: Some(method),
            wallet: None,
            created_at: when,
            updated_at: when,
        })
        .await
        .unwrap();
    if let Some(t) = ticket {
        work.link(
            t,
            paydesk_domain::payment::PaymentObjectKind::Transaction,
            saved.id.0,
            when,
        )
        .await
        .unwrap();
    }
    work.commit().await.unwrap();
    saved.id
}

/// Rows counted by a `SELECT CAST(COUNT(*) AS BIGINT) AS n ...`.
pub async fn count(store: &Store, sql: &str) -> i64 {
    let mut tx = store.read().await.unwrap();
    tx.row(sql, &[]).await.unwrap().unwrap().i64("n").unwrap()
}
