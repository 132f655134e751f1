//! Refunds through the use cases, on both engines: the policy's refusals with their
//! explanations, maker-checker approval, idempotent requests, execution exactly once under
//! concurrency and across crashes, failures kept with their reasons, the policy as
//! configuration, and the notes and events each step leaves on the ticket.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod concurrency;
mod flow;
mod refusals;
mod sweep;

use paydesk_app::refunds::{RefundInput, TestConnector};
use paydesk_app::tickets::NewTicketInput;
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::event::EventKind;
use paydesk_domain::message::Visibility;
use paydesk_domain::payment::{Money, Transaction};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel};
use paydesk_domain::{TicketId, Timestamp};
use paydesk_store::{PageRequest, Store};
use paydesk_testkit::on_both_engines;
use paydesk_testkit::payment::linked_charge;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Monday 2026-11-16 00:00 UTC.
pub const T0: i64 = 1_794_787_200_000;

/// A desk with people of each role that refunds involve, a ticket, and the test gateway
/// making the refunds of `stripe` charges.
pub struct Desk {
    pub app: App,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    pub gateway: Arc<TestConnector>,
    pub agent: Caller,
    pub finance: Caller,
    pub other_finance: Caller,
    pub ticket: TicketId,
}

static USERS: AtomicU64 = AtomicU64::new(0);

impl Desk {
    pub async fn new(store: Store) -> Self {
        Self::with_gateway(store, TestConnector::new()).await
    }

    pub async fn with_gateway(store: Store, gateway: TestConnector) -> Self {
        let clock = Arc::new(ManualClock::at(Timestamp(T0)));
        let gateway = Arc::new(gateway);
        let app =
            App::new(store.clone(), clock.clone()).with_refund_connector("stripe", gateway.clone());
        let agent = person(&app, Role::Agent).await;
        let finance = person(&app, Role::Finance).await;
        let other_finance = person(&app, Role::Finance).await;
        let input = NewTicketInput::new(
            "Charged twice for coins",
            "Two charges of 50.00 for one order",
            BusinessLine::Buyer,
            Channel::Email,
        );
        let ticket = app
            .create_ticket(&Caller::system(), input, None)
            .await
            .unwrap()
            .ticket
            .id;
        Self {
            app,
            store,
            clock,
            gateway,
            agent,
            finance,
            other_finance,
            ticket,
        }
    }

    /// A captured charge of `amount` cents made `days_ago`, linked to the desk's ticket.
    pub async fn charge(&self, gateway: &str, amount: i64, days_ago: i64) -> Transaction {
        let n = USERS.fetch_add(1, Ordering::Relaxed);
        let now = Timestamp(T0);
        let charge = Transaction {
            created_at: now.plus_millis(-days_ago * Timestamp::DAY),
            ..Transaction::captured_charge(
                gateway,
                &format!("ch_{n}"),
                Money::new(amount, "usd").unwrap(),
                now,
            )
        };
        linked_charge(&self.store, self.ticket, &charge)
            .await
            .unwrap()
    }

    /// The charge as stored now.
    pub async fn charge_now(&self, charge: &Transaction) -> Transaction {
        self.store
            .transaction_by_ref(&charge.gateway, &charge.gateway_ref)
            .await
            .unwrap()
            .unwrap()
    }

    /// How many events of `kind` the ticket has.
    pub async fn events(&self, kind: EventKind) -> usize {
        let page = PageRequest {
            limit: 200,
            cursor: None,
        };
        let timeline = self
            .app
            .timeline(&Caller::system(), self.ticket, &page)
            .await
            .unwrap();
        timeline.items.iter().filter(|e| e.kind == kind).count()
    }

    /// The ticket's internal notes, oldest first.
    pub async fn notes(&self) -> Vec<String> {
        let view = self
            .app
            .ticket(&Caller::system(), self.ticket)
            .await
            .unwrap();
        view.messages
            .into_iter()
            .filter(|m| m.visibility == Visibility::Internal)
            .map(|m| m.body)
            .collect()
    }
}

/// A new person with `role`, as a signed-in caller.
pub async fn person(app: &App, role: Role) -> Caller {
    let n = USERS.fetch_add(1, Ordering::Relaxed);
    let user = app
        .add_user(
            &Caller::system(),
            &format!("{}{n}@desk.test", role.as_str()),
            role.as_str(),
            role,
            None,
            None,
        )
        .await
        .unwrap();
    Caller::new(
        Principal::User {
            id: user.id,
            role,
            vendor_id: None,
        },
        None,
    )
}

/// A refund of `amount` cents of `charge` with the client key `key`.
pub fn ask(charge: &Transaction, amount: i64, key: &str) -> RefundInput {
    RefundInput {
        transaction_id: charge.id,
        amount,
        currency: None,
        reason: "Charged twice for one order".into(),
        external_ref: None,
        idempotency_key: key.into(),
    }
}

use concurrency::{
    a_double_submitted_refund_is_made_once, twenty_concurrent_approvals_execute_once,
};
use flow::{
    a_failing_connector_leaves_the_refund_failed_with_its_reason, a_rejected_refund_never_pays,
    a_small_refund_runs_at_once_and_says_so_on_the_ticket,
    above_the_threshold_a_finance_user_other_than_the_requester_approves,
    refunds_made_elsewhere_are_recorded_with_their_reference,
    the_policy_is_configuration_with_versions,
};
use refusals::{
    bad_requests_name_their_field, money_held_by_waiting_refunds_is_not_refunded_twice,
    refusals_come_with_the_policys_explanations,
};
use sweep::{
    a_refund_claimed_before_a_crash_is_taken_up_once,
    a_refund_whose_answer_was_lost_is_completed_without_paying_twice,
    a_retryable_failure_is_tried_again_by_the_sweep,
};

on_both_engines!(
    a_small_refund_runs_at_once_and_says_so_on_the_ticket,
    above_the_threshold_a_finance_user_other_than_the_requester_approves,
    a_rejected_refund_never_pays,
    refunds_made_elsewhere_are_recorded_with_their_reference,
    the_policy_is_configuration_with_versions,
    a_failing_connector_leaves_the_refund_failed_with_its_reason,
    refusals_come_with_the_policys_explanations,
    money_held_by_waiting_refunds_is_not_refunded_twice,
    bad_requests_name_their_field,
    a_double_submitted_refund_is_made_once,
    twenty_concurrent_approvals_execute_once,
    a_refund_whose_answer_was_lost_is_completed_without_paying_twice,
    a_refund_claimed_before_a_crash_is_taken_up_once,
    a_retryable_failure_is_tried_again_by_the_sweep,
);
