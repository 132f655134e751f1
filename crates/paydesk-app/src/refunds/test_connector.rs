//! An in-memory gateway for tests: it pays once per idempotency key (a repeated key gets
//! the first refund's reference back, as a real gateway's idempotency does), counts what it
//! paid and was asked, and can be told to fail.

use super::connector::{ConnectorError, ConnectorFuture, RefundConnector, RefundOrder};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// What the test gateway does with the next orders.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TestBehaviour {
    /// Pays (once per key).
    #[default]
    Pay,
    /// Refuses every order for good with this reason.
    Refuse(String),
    /// Answers the next order with a retryable failure, paying nothing; then pays.
    FailOnce,
    /// Pays the next order but its answer is lost (a timeout after the money moved); then
    /// answers normally.
    LoseAnswerOnce,
}

#[derive(Debug, Default)]
struct Ledger {
    behaviour: TestBehaviour,
    /// Key → (reference, times money moved for it).
    paid: HashMap<String, (String, u32)>,
    calls: HashMap<String, u32>,
}

/// The `test` connector (see the module documentation).
#[derive(Debug, Default)]
pub struct TestConnector {
    ledger: Mutex<Ledger>,
    delay: Duration,
}

impl TestConnector {
    /// A gateway that pays every order.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The same gateway, answering each order after `delay` (to widen races in tests).
    #[must_use]
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Sets what the next orders meet.
    pub fn behave(&self, behaviour: TestBehaviour) {
        self.lock().behaviour = behaviour;
    }

    /// How many times money moved for `key` (never more than 1 when all is well).
    #[must_use]
    pub fn payments(&self, key: &str) -> u32 {
        self.lock().paid.get(key).map_or(0, |(_, n)| *n)
    }

    /// How many orders came with `key` (retries included).
    #[must_use]
    pub fn calls(&self, key: &str) -> u32 {
        self.lock().calls.get(key).copied().unwrap_or(0)
    }

    /// How many times money moved, over all keys.
    #[must_use]
    pub fn total_payments(&self) -> u32 {
        self.lock().paid.values().map(|(_, n)| n).sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn answer(&self, order: &RefundOrder) -> Result<String, ConnectorError> {
        let mut ledger = self.lock();
        *ledger
            .calls
            .entry(order.idempotency_key.clone())
            .or_default() += 1;
        match ledger.behaviour.clone() {
            TestBehaviour::Refuse(reason) => return Err(ConnectorError::fatal(reason)),
            TestBehaviour::FailOnce => {
                ledger.behaviour = TestBehaviour::Pay;
                return Err(ConnectorError::retryable("the test gateway is unavailable"));
            }
            TestBehaviour::Pay | TestBehaviour::LoseAnswerOnce => {}
        }
        let next = ledger.paid.len() + 1;
        let reference = ledger
            .paid
            .entry(order.idempotency_key.clone())
            .or_insert_with(|| (format!("re_test_{next}"), 1))
            .0
            .clone();
        if ledger.behaviour == TestBehaviour::LoseAnswerOnce {
            ledger.behaviour = TestBehaviour::Pay;
            return Err(ConnectorError::retryable(
                "no answer from the test gateway in time",
            ));
        }
        Ok(reference)
    }
}

/// The [`TestConnector`]'s name.
pub const TEST: &str = "test";

impl RefundConnector for TestConnector {
    fn name(&self) -> &'static str {
        TEST
    }

    fn refund<'a>(&'a self, order: &'a RefundOrder) -> ConnectorFuture<'a> {
        Box::pin(async move {
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            self.answer(order)
        })
    }
}
