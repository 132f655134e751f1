//! Refunds changed with the ticket beside them, in one [`PaymentWork`] transaction.
//!
//! Asking for a refund, deciding on it and recording its result each read what the rules
//! need (the charge, locked; its open disputes; what other refunds still hold on it),
//! write the refund, leave an internal note on the ticket and keep the events for
//! [`PaymentWork::commit`], all together or not at all. The service decides; these
//! methods read and write.

use crate::agent::for_update;
use crate::error::StoreError;
use crate::refund::{RefundRecord, by_key, load};
use crate::{PaymentWork, args, payment_object, ticket};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{Author, NewMessage, Visibility};
use paydesk_domain::payment::refund::{RefundId, RefundState};
use paydesk_domain::payment::{DisputeStatus, Money, Transaction, TransactionId};
use paydesk_domain::ticket::{Status, Ticket};
use paydesk_domain::{Actor, TicketId, Timestamp, UserId};
use serde_json::json;

/// A refund to insert, as the policy made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefund {
    pub ticket_id: TicketId,
    pub transaction_id: TransactionId,
    pub amount: Money,
    /// Redacted.
    pub reason: String,
    /// `pending_approval` or `approved`.
    pub state: RefundState,
    pub policy_version: i64,
    pub requested_by: UserId,
    pub idempotency_key: String,
    pub connector: String,
    pub external_ref: Option<String>,
    pub at: Timestamp,
}

/// A decision on a refund waiting for approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundDecision<'a> {
    /// `approved` or `rejected`.
    pub to: RefundState,
    pub by: UserId,
    /// The approver's words (redacted).
    pub note: Option<&'a str>,
    /// The reference of a refund the approver made elsewhere (`record_only`); kept as it
    /// was when `None`.
    pub external_ref: Option<&'a str>,
    pub at: Timestamp,
}

/// How an execution ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundResult {
    /// The gateway's reference of the refund.
    Succeeded { gateway_refund_ref: String },
    /// Why it failed for good (redacted).
    Failed { reason: String },
}

impl PaymentWork {
    /// The ticket. Errors: [`StoreError::NotFound`].
    pub async fn ticket(&mut self, id: TicketId) -> Result<Ticket, StoreError> {
        ticket::load(&mut self.tx, id).await
    }

    /// The refund made with this idempotency key, if any (committed by others before this
    /// work began or, on PostgreSQL, before its last lock was taken).
    pub async fn refund_by_key(&mut self, key: &str) -> Result<Option<RefundRecord>, StoreError> {
        by_key(&mut self.tx, key).await
    }

    /// The transaction, locked until the work ends (PostgreSQL; SQLite's single writer
    /// already excludes every other writer), so two refunds of one charge are checked one
    /// after the other.
    pub async fn lock_transaction(
        &mut self,
        id: TransactionId,
    ) -> Result<Option<Transaction>, StoreError> {
        let sql = format!(
            "SELECT gateway, gateway_ref FROM transactions WHERE id = $1{}",
            for_update(&self.tx)
        );
        let Some(row) = self.tx.row(&sql, &args![id.0]).await? else {
            return Ok(None);
        };
        let (gateway, gateway_ref) = (row.text("gateway")?, row.text("gateway_ref")?);
        payment_object::transaction_by_ref(&mut self.tx, &gateway, &gateway_ref).await
    }

    /// Whether a dispute on the transaction is still open.
    pub async fn has_open_dispute(&mut self, id: TransactionId) -> Result<bool, StoreError> {
        let statuses = self
            .tx
            .rows(
                "SELECT status FROM disputes WHERE transaction_id = $1",
                &args![id.0],
            )
            .await?;
        for row in statuses {
            let status: DisputeStatus = row.label("status")?;
            if !status.is_closed() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// What refunds of the transaction that may still pay (those whose state
    /// [holds its amount](RefundState::holds_amount)) hold on it, in minor units, leaving
    /// `except` out.
    pub async fn held_by_refunds(
        &mut self,
        id: TransactionId,
        except: Option<RefundId>,
    ) -> Result<i64, StoreError> {
        let holding: Vec<String> = RefundState::ALL
            .iter()
            .filter(|s| s.holds_amount())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS held FROM refunds \
             WHERE transaction_id = $1 AND id <> $2 AND state IN ({})",
            holding.join(", ")
        );
        let row = self
            .tx
            .row(&sql, &args![id.0, except.map_or(0, |r| r.0)])
            .await?;
        row.map_or(Ok(0), |r| r.i64("held"))
    }

    /// Inserts a refund. Errors: [`StoreError::Duplicate`] when its idempotency key was
    /// used meanwhile (the caller then reads that refund).
    pub async fn insert_refund(&mut self, r: &NewRefund) -> Result<RefundRecord, StoreError> {
        let next_attempt = (r.state == RefundState::Approved).then_some(r.at.0);
        let id = self
            .tx
            .insert_id(
                "INSERT INTO refunds (ticket_id, transaction_id, amount, currency, reason, state, policy_version, \
                 requested_by, requested_at, idempotency_key, connector, external_ref, attempts, next_attempt_at, \
                 version, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, 1, $9) RETURNING id",
                &args![
                    r.ticket_id.0,
                    r.transaction_id.0,
                    r.amount.amount,
                    &r.amount.currency,
                    &r.reason,
                    r.state.as_str(),
                    r.policy_version,
                    r.requested_by.0,
                    r.at.0,
                    &r.idempotency_key,
                    &r.connector,
                    r.external_ref.as_deref(),
                    next_attempt,
                ],
            )
            .await?;
        load(&mut self.tx, RefundId(id)).await
    }

    /// Records a decision on a refund still waiting for one (see [`RefundDecision`]).
    /// `None` when it was decided meanwhile (nothing is written then).
    pub async fn decide_refund(
        &mut self,
        id: RefundId,
        decision: &RefundDecision<'_>,
    ) -> Result<Option<RefundRecord>, StoreError> {
        let d = decision;
        let next_attempt = (d.to == RefundState::Approved).then_some(d.at.0);
        let touched = self
            .tx
            .exec(
                "UPDATE refunds SET state = $2, approved_by = $3, decided_at = $4, decision_note = $5, \
                 next_attempt_at = $6, external_ref = COALESCE($7, external_ref), version = version + 1, \
                 updated_at = $4 WHERE id = $1 AND state = 'pending_approval'",
                &args![id.0, d.to.as_str(), d.by.0, d.at.0, d.note, next_attempt, d.external_ref],
            )
            .await?;
        if touched == 0 {
            return Ok(None);
        }
        load(&mut self.tx, id).await.map(Some)
    }

    /// Records an execution's result on a refund still executing; a success also raises
    /// the charge's refunded amount (the charge becomes `refunded` once nothing is left).
    /// `None` when another attempt recorded its result first (nothing is written then).
    pub async fn finish_refund(
        &mut self,
        id: RefundId,
        result: &RefundResult,
        at: Timestamp,
    ) -> Result<Option<RefundRecord>, StoreError> {
        let (state, gateway_ref, reason) = match result {
            RefundResult::Succeeded { gateway_refund_ref } => (
                RefundState::Succeeded,
                Some(gateway_refund_ref.as_str()),
                None,
            ),
            RefundResult::Failed { reason } => (RefundState::Failed, None, Some(reason.as_str())),
        };
        let touched = self
            .tx
            .exec(
                "UPDATE refunds SET state = $2, gateway_refund_ref = $3, failure_reason = $4, executed_at = $5, \
                 last_error = NULL, next_attempt_at = NULL, version = version + 1, updated_at = $5 \
                 WHERE id = $1 AND state = 'executing'",
                &args![id.0, state.as_str(), gateway_ref, reason, at.0],
            )
            .await?;
        if touched == 0 {
            return Ok(None);
        }
        let stored = load(&mut self.tx, id).await?;
        if state == RefundState::Succeeded {
            self.tx
                .exec(
                    "UPDATE transactions SET amount_refunded = amount_refunded + $2, \
                     status = CASE WHEN amount_refunded + $2 >= amount THEN 'refunded' ELSE status END, \
                     updated_at = $3 WHERE id = $1",
                    &args![stored.transaction_id.0, stored.amount.amount, at.0],
                )
                .await?;
        }
        Ok(Some(stored))
    }

    /// Leaves an internal note on the ticket by `author`, with `events` (kept for
    /// [`PaymentWork::commit`], followed by a `message_added` of its own). The ticket's version
    /// moves and its SLA clocks are stepped like any ticket write. A closed ticket never
    /// changes: it gets the events but no note.
    pub async fn note_refund(
        &mut self,
        ticket_id: TicketId,
        author: &Actor,
        body: String,
        at: Timestamp,
        events: Vec<NewEvent>,
    ) -> Result<(), StoreError> {
        // Locked first, so a concurrent write to the ticket cannot fail this one.
        let lock = format!(
            "SELECT id FROM tickets WHERE id = $1{}",
            for_update(&self.tx)
        );
        self.tx.row(&lock, &args![ticket_id.0]).await?;
        let current = ticket::load(&mut self.tx, ticket_id).await?;
        if current.status == Status::Closed {
            self.events.extend(events);
            return Ok(());
        }
        let mut all = events;
        all.push(NewEvent::ticket(
            Some(ticket_id),
            author,
            at,
            EventKind::MessageAdded,
            json!({ "visibility": "internal" }),
        ));
        let mut next = current.clone();
        next.version += 1;
        next.updated_at = at;
        let message = NewMessage {
            at,
            visibility: Visibility::Internal,
            author: match author {
                Actor::User { id } => Author::User { id: *id },
                _ => Author::System,
            },
            body,
            attachments: Vec::new(),
        };
        let updated =
            ticket::update_in(&mut self.tx, &next, current.version, &all, Some(&message)).await?;
        self.events.extend(all);
        self.events.extend(updated.caused_events);
        Ok(())
    }
}
