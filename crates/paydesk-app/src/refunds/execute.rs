//! Executing approved refunds: claim (`approved` → `executing`, one transaction), call the
//! connector with the refund's idempotency key outside any transaction, then record the
//! result (one transaction: the refund, the charge's refunded amount, the ticket's note
//! and event).
//!
//! A claim is a guarded update, so one caller of many gets to call the connector. An
//! execution whose result never got recorded (the process died, the answer was lost, the
//! gateway asked to try later) stays `executing` with a time to try again; the sweep
//! ([`App::retry_refunds`], run by the workers) takes it up from then with the same key,
//! and the gateway hands back the refund it already made instead of paying again.

use super::connector::{ConnectorError, RefundOrder};
use super::text;
use crate::error::AppError;
use crate::jobs::{RetryPolicy, truncated};
use crate::tickets::from_where;
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::payment::refund::RefundState;
use paydesk_store::{RefundRecord, RefundResult};
use serde_json::json;
use std::time::Duration;

/// How long an execution may go without a recorded result before the sweep takes it up
/// again; longer than [`CONNECTOR_TIMEOUT`], so a live attempt is never doubled.
pub const EXECUTION_LEASE_MS: i64 = 2 * 60 * 1000;

/// How long a connector may take to answer before the attempt counts as unanswered.
pub const CONNECTOR_TIMEOUT: Duration = Duration::from_secs(30);

impl App {
    /// Executes an approved refund, if this call is the one that claims it; otherwise
    /// leaves it to whoever did. Returns the refund as it stands after.
    pub(crate) async fn execute_refund(
        &self,
        caller: &Caller,
        refund: RefundRecord,
    ) -> Result<RefundRecord, AppError> {
        match self.claim_and_attempt(caller, &refund).await? {
            Some(done) => Ok(done),
            None => Ok(self.store.refund(refund.id).await?),
        }
    }

    /// Claims an approved refund and makes one attempt; `None` when someone else claimed it.
    async fn claim_and_attempt(
        &self,
        caller: &Caller,
        refund: &RefundRecord,
    ) -> Result<Option<RefundRecord>, AppError> {
        let now = self.now();
        let claimed = self
            .store
            .claim_refund(refund.id, now, now.plus_millis(EXECUTION_LEASE_MS))
            .await?;
        match claimed {
            Some(claimed) => self.attempt_refund(caller, claimed).await.map(Some),
            None => Ok(None),
        }
    }

    /// Takes up refunds whose execution is due (approved ones not yet started, executions
    /// whose result never came), at most `limit`, oldest first; safe to run on several
    /// instances at once, each refund being taken by one. Returns how many it attempted.
    /// A failure on one refund is logged and the others go on.
    pub async fn retry_refunds(&self, limit: i64) -> Result<usize, AppError> {
        let caller = Caller::system();
        let now = self.now();
        let mut attempted = 0;
        for refund in self.store.refunds_due(now, limit).await? {
            let id = refund.id;
            let outcome = if refund.state == RefundState::Approved {
                self.claim_and_attempt(&caller, &refund).await
            } else {
                let retry_at = now.plus_millis(EXECUTION_LEASE_MS);
                match self
                    .store
                    .reclaim_refund(id, refund.version, now, retry_at)
                    .await
                {
                    Ok(Some(claimed)) => self.attempt_refund(&caller, claimed).await.map(Some),
                    Ok(None) => Ok(None),
                    Err(e) => Err(e.into()),
                }
            };
            match outcome {
                Ok(Some(_)) => attempted += 1,
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(refund = id.0, error = %e, "could not take up a refund; the next sweep tries again");
                }
            }
        }
        Ok(attempted)
    }

    /// One call of the connector for a refund this caller claimed, and its result kept.
    async fn attempt_refund(
        &self,
        caller: &Caller,
        claimed: RefundRecord,
    ) -> Result<RefundRecord, AppError> {
        let charge = self.store.refunded_charge(claimed.id).await?;
        let Some(connector) = self
            .refund_connectors
            .named(&charge.gateway, &claimed.connector)
        else {
            let error = format!(
                "this instance has no {} connector for {}; an instance that has it takes the refund up",
                claimed.connector, charge.gateway
            );
            return self.retry_refund_later(&claimed, &error).await;
        };
        let order = RefundOrder {
            refund_id: claimed.id,
            gateway: charge.gateway.clone(),
            charge_ref: charge.gateway_ref.clone(),
            amount: claimed.amount.clone(),
            idempotency_key: claimed.idempotency_key.clone(),
            external_ref: claimed.external_ref.clone(),
        };
        let answer = tokio::time::timeout(CONNECTOR_TIMEOUT, connector.refund(&order))
            .await
            .unwrap_or_else(|_| {
                Err(ConnectorError::retryable(format!(
                    "the gateway did not answer within {} seconds",
                    CONNECTOR_TIMEOUT.as_secs()
                )))
            });
        let result = match answer {
            Ok(reference) => RefundResult::Succeeded {
                gateway_refund_ref: paydesk_domain::payment::label_text(Some(&truncated(
                    &reference,
                )))
                .unwrap_or_else(|| "(no reference given)".into()),
            },
            Err(e) if e.is_retryable => return self.retry_refund_later(&claimed, &e.message).await,
            Err(e) => RefundResult::Failed {
                reason: truncated(&e.message),
            },
        };
        self.record_refund_result(caller, &claimed, &result).await
    }

    /// Keeps a retryable failure on the refund and when to try again (backing off with
    /// each attempt, at most an hour).
    async fn retry_refund_later(
        &self,
        claimed: &RefundRecord,
        error: &str,
    ) -> Result<RefundRecord, AppError> {
        let now = self.now();
        let error = truncated(error);
        let wait = RetryPolicy::default().delay_ms(claimed.attempts);
        self.store
            .refund_retry_later(claimed.id, &error, now.plus_millis(wait), now)
            .await?;
        tracing::warn!(refund = claimed.id.0, attempts = claimed.attempts, %error, "a refund attempt failed; it will be tried again with the same key");
        Ok(self.store.refund(claimed.id).await?)
    }

    /// Records how the execution ended, with its event and note, unless another attempt
    /// recorded its own first.
    async fn record_refund_result(
        &self,
        caller: &Caller,
        claimed: &RefundRecord,
        result: &RefundResult,
    ) -> Result<RefundRecord, AppError> {
        let now = self.now();
        let mut work = self.store.payment_work().await?;
        let Some(stored) = work.finish_refund(claimed.id, result, now).await? else {
            drop(work);
            return Ok(self.store.refund(claimed.id).await?);
        };
        let actor = caller.actor();
        let mut events = vec![NewEvent::ticket(
            Some(stored.ticket_id),
            &actor,
            now,
            EventKind::RefundExecuted,
            json!({
                "refund_id": stored.id.0,
                "state": stored.state,
                "connector": stored.connector,
                "gateway_ref": stored.gateway_refund_ref,
            }),
        )];
        from_where(caller, &mut events);
        work.note_refund(
            stored.ticket_id,
            &actor,
            text::executed(&stored),
            now,
            events,
        )
        .await?;
        work.commit().await?;
        Ok(stored)
    }
}
