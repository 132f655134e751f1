//! Refunds as stored: rows in and out, the approval queue, and the guarded moves of an
//! execution (claim, take up again after a crash, try again later).
//!
//! Every change of state is one `UPDATE ... WHERE state = '<expected>'`: of two
//! approvals, claims or sweeps racing on one refund, exactly one touches the row and the
//! others see nothing changed, on both engines. A change that also writes the ticket (the
//! request, a decision, the result) goes through [`crate::RefundWork`].

use crate::error::StoreError;
use crate::page::{Page, PageRequest, decode_cursor, encode_cursor};
use crate::sql::{Row, Tx, placeholders};
use crate::{Store, args, payment_object};
use paydesk_domain::payment::refund::{Refund, RefundId, RefundState};
use paydesk_domain::payment::{Money, Transaction, TransactionId};
use paydesk_domain::{TicketId, Timestamp, UserId, VendorId};

pub(crate) const REFUND_COLUMNS: &str = "r.id, r.ticket_id, r.transaction_id, r.amount, r.currency, r.reason, r.state, \
     r.policy_version, r.requested_by, r.requested_at, r.approved_by, r.decided_at, r.decision_note, \
     r.idempotency_key, r.connector, r.external_ref, r.gateway_refund_ref, r.failure_reason, r.last_error, \
     r.attempts, r.next_attempt_at, r.executed_at, r.version, r.updated_at";

/// A refund as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRecord {
    pub id: RefundId,
    pub ticket_id: TicketId,
    pub transaction_id: TransactionId,
    pub amount: Money,
    /// Why, in the requester's words (redacted).
    pub reason: String,
    pub state: RefundState,
    /// The version of the refund policy it was checked against.
    pub policy_version: i64,
    pub requested_by: UserId,
    pub requested_at: Timestamp,
    /// Who approved or rejected it.
    pub approved_by: Option<UserId>,
    pub decided_at: Option<Timestamp>,
    /// The approver's words (redacted).
    pub decision_note: Option<String>,
    /// Sent to the gateway with every attempt.
    pub idempotency_key: String,
    /// The connector that executes it (`record_only`, `test`, a gateway's own).
    pub connector: String,
    /// The reference of a refund made outside paydesk (`record_only`).
    pub external_ref: Option<String>,
    /// The gateway's reference of the refund, once it succeeded.
    pub gateway_refund_ref: Option<String>,
    /// Why it failed for good.
    pub failure_reason: Option<String>,
    /// The last attempt's failure that a later attempt may mend.
    pub last_error: Option<String>,
    /// Executions started (the first and every retry).
    pub attempts: i64,
    /// When an approved or executing refund is next tried.
    pub next_attempt_at: Option<Timestamp>,
    pub executed_at: Option<Timestamp>,
    pub version: i64,
    pub updated_at: Timestamp,
}

impl RefundRecord {
    /// The refund as the domain's rules see it.
    #[must_use]
    pub fn refund(&self) -> Refund {
        Refund {
            amount: self.amount.clone(),
            requested_by: self.requested_by,
            state: self.state,
            approved_by: self.approved_by,
            idempotency_key: self.idempotency_key.clone(),
        }
    }
}

fn time(row: &Row, col: &str) -> Result<Option<Timestamp>, StoreError> {
    Ok(row.opt_i64(col)?.map(Timestamp))
}

pub(crate) fn refund_from(row: &Row) -> Result<RefundRecord, StoreError> {
    Ok(RefundRecord {
        id: RefundId(row.i64("id")?),
        ticket_id: TicketId(row.i64("ticket_id")?),
        transaction_id: TransactionId(row.i64("transaction_id")?),
        amount: Money {
            amount: row.i64("amount")?,
            currency: row.text("currency")?,
        },
        reason: row.text("reason")?,
        state: row.label("state")?,
        policy_version: row.i64("policy_version")?,
        requested_by: UserId(row.i64("requested_by")?),
        requested_at: Timestamp(row.i64("requested_at")?),
        approved_by: row.opt_i64("approved_by")?.map(UserId),
        decided_at: time(row, "decided_at")?,
        decision_note: row.opt_text("decision_note")?,
        idempotency_key: row.text("idempotency_key")?,
        connector: row.text("connector")?,
        external_ref: row.opt_text("external_ref")?,
        gateway_refund_ref: row.opt_text("gateway_refund_ref")?,
        failure_reason: row.opt_text("failure_reason")?,
        last_error: row.opt_text("last_error")?,
        attempts: row.i64("attempts")?,
        next_attempt_at: time(row, "next_attempt_at")?,
        executed_at: time(row, "executed_at")?,
        version: row.i64("version")?,
        updated_at: Timestamp(row.i64("updated_at")?),
    })
}

/// The refund with this id, read inside `tx`.
pub(crate) async fn load(tx: &mut Tx, id: RefundId) -> Result<RefundRecord, StoreError> {
    let sql = format!("SELECT {REFUND_COLUMNS} FROM refunds r WHERE r.id = $1");
    let row = tx
        .row(&sql, &args![id.0])
        .await?
        .ok_or(StoreError::NotFound { entity: "refund" })?;
    refund_from(&row)
}

/// The refund made with this idempotency key, read inside `tx`.
pub(crate) async fn by_key(tx: &mut Tx, key: &str) -> Result<Option<RefundRecord>, StoreError> {
    let sql = format!("SELECT {REFUND_COLUMNS} FROM refunds r WHERE r.idempotency_key = $1");
    tx.row(&sql, &args![key])
        .await?
        .as_ref()
        .map(refund_from)
        .transpose()
}

/// Which refunds a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefundFilter {
    /// Any of these states; empty: every state.
    pub states: Vec<RefundState>,
    /// Only refunds on tickets in queues served by this vendor (vendor isolation).
    pub vendor_id: Option<VendorId>,
}

impl Store {
    /// One refund. Errors: [`StoreError::NotFound`].
    pub async fn refund(&self, id: RefundId) -> Result<RefundRecord, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// The refund made with this idempotency key, if any.
    pub async fn refund_by_key(&self, key: &str) -> Result<Option<RefundRecord>, StoreError> {
        let mut tx = self.read().await?;
        by_key(&mut tx, key).await
    }

    /// The charge a refund gives money back on. Errors: [`StoreError::NotFound`].
    pub async fn refunded_charge(&self, id: RefundId) -> Result<Transaction, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row(
                "SELECT t.gateway, t.gateway_ref FROM refunds r JOIN transactions t ON t.id = r.transaction_id \
                 WHERE r.id = $1",
                &args![id.0],
            )
            .await?
            .ok_or(StoreError::NotFound { entity: "refund" })?;
        let (gateway, gateway_ref) = (row.text("gateway")?, row.text("gateway_ref")?);
        payment_object::transaction_by_ref(&mut tx, &gateway, &gateway_ref)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "transaction",
            })
    }

    /// A ticket's refunds, oldest first.
    pub async fn ticket_refunds(&self, ticket: TicketId) -> Result<Vec<RefundRecord>, StoreError> {
        let mut tx = self.read().await?;
        let sql =
            format!("SELECT {REFUND_COLUMNS} FROM refunds r WHERE r.ticket_id = $1 ORDER BY r.id");
        tx.rows(&sql, &args![ticket.0])
            .await?
            .iter()
            .map(refund_from)
            .collect()
    }

    /// Refunds matching `filter`, oldest request first (the approval queue's order), a
    /// page at a time. Errors: [`StoreError::BadCursor`].
    pub async fn list_refunds(
        &self,
        filter: &RefundFilter,
        page: &PageRequest,
    ) -> Result<Page<RefundRecord>, StoreError> {
        let (after_at, after_id) = match &page.cursor {
            Some(c) => match decode_cursor(c, 2).as_deref() {
                Some([at, id]) => (*at, *id),
                _ => return Err(StoreError::BadCursor),
            },
            None => (i64::MIN, i64::MIN),
        };
        let limit = i64::try_from(page.limit).unwrap_or(50);
        let mut values = args![after_at, after_id, limit + 1].to_vec();
        let mut sql = format!(
            "SELECT {REFUND_COLUMNS} FROM refunds r WHERE (r.requested_at > $1 OR (r.requested_at = $1 AND r.id > $2))"
        );
        if !filter.states.is_empty() {
            sql.push_str(&format!(
                " AND r.state IN ({})",
                placeholders(values.len() + 1, filter.states.len())
            ));
            values.extend(filter.states.iter().map(|s| s.as_str().into()));
        }
        if let Some(vendor) = filter.vendor_id {
            sql.push_str(&format!(
                " AND r.ticket_id IN (SELECT t.id FROM tickets t JOIN queues q ON q.id = t.queue_id WHERE q.vendor_id = ${})",
                values.len() + 1
            ));
            values.push(vendor.0.into());
        }
        sql.push_str(" ORDER BY r.requested_at, r.id LIMIT $3");
        let mut tx = self.read().await?;
        let mut items = tx
            .rows(&sql, &values)
            .await?
            .iter()
            .map(refund_from)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > page.limit {
            items.truncate(page.limit);
            items
                .last()
                .map(|r| encode_cursor(&[r.requested_at.0, r.id.0]))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// Starts executing an approved refund: `approved` → `executing`, one attempt more,
    /// tried again from `retry_at` if no result is recorded by then. `None` when the refund
    /// is not (or no longer) approved: someone else claimed it, so the caller must not call
    /// the gateway.
    pub async fn claim_refund(
        &self,
        id: RefundId,
        now: Timestamp,
        retry_at: Timestamp,
    ) -> Result<Option<RefundRecord>, StoreError> {
        self.guarded_move(
            "state = 'executing', attempts = attempts + 1, last_error = NULL, next_attempt_at = $2, \
             version = version + 1, updated_at = $3 WHERE id = $1 AND state = 'approved'",
            &args![id.0, retry_at.0, now.0],
            id,
        )
        .await
    }

    /// Takes up again an execution whose result never came (a crash, a lost answer, a
    /// retryable failure) once its `next_attempt_at` has passed, if the refund is still at
    /// `version`: of two sweepers, one gets it. `None`: not due, or taken meanwhile.
    pub async fn reclaim_refund(
        &self,
        id: RefundId,
        version: i64,
        now: Timestamp,
        retry_at: Timestamp,
    ) -> Result<Option<RefundRecord>, StoreError> {
        self.guarded_move(
            "attempts = attempts + 1, next_attempt_at = $2, version = version + 1, updated_at = $3 \
             WHERE id = $1 AND state = 'executing' AND version = $4 AND next_attempt_at <= $3",
            &args![id.0, retry_at.0, now.0, version],
            id,
        )
        .await
    }

    /// Keeps an executing refund's retryable failure and when to try again. `false` when
    /// the refund is no longer executing (another attempt recorded a result).
    pub async fn refund_retry_later(
        &self,
        id: RefundId,
        error: &str,
        retry_at: Timestamp,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let moved = self
            .guarded_move(
                "last_error = $2, next_attempt_at = $3, version = version + 1, updated_at = $4 \
                 WHERE id = $1 AND state = 'executing'",
                &args![id.0, error, retry_at.0, now.0],
                id,
            )
            .await?;
        Ok(moved.is_some())
    }

    /// Up to `limit` refunds to try now: approved ones not yet started, and executions
    /// whose `next_attempt_at` has passed; the longest waiting first.
    pub async fn refunds_due(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<RefundRecord>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {REFUND_COLUMNS} FROM refunds r WHERE r.state IN ('approved', 'executing') \
             AND r.next_attempt_at <= $1 ORDER BY r.next_attempt_at, r.id LIMIT $2"
        );
        tx.rows(&sql, &args![now.0, limit])
            .await?
            .iter()
            .map(refund_from)
            .collect()
    }

    /// `UPDATE refunds SET <set_where>` in its own transaction; the refund as it is after,
    /// or `None` when the guard matched nothing.
    async fn guarded_move(
        &self,
        set_where: &str,
        values: &[crate::sql::Value],
        id: RefundId,
    ) -> Result<Option<RefundRecord>, StoreError> {
        let mut tx = self.write().await?;
        let touched = tx
            .exec(&format!("UPDATE refunds SET {set_where}"), values)
            .await?;
        if touched == 0 {
            return Ok(None);
        }
        let stored = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Some(stored))
    }
}
