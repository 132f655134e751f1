//! Chat sessions: each carries one ticket, whose messages are its transcript.
//!
//! Whether a session is idle is decided in SQL against its own `idle_minutes`, so that a
//! message that keeps a session alive and a sweep that ends it cannot both win: each is a
//! conditional update of the session's row.

use crate::error::StoreError;
use crate::sql::{Row, Tx};
use crate::ticket::{TicketRecord, insert_with_key};
use crate::{Store, args, event};
use paydesk_domain::chat::{ChatEndReason, ChatSession, ChatStatus};
use paydesk_domain::event::NewEvent;
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{CustomerId, TicketId, Timestamp};

const COLUMNS: &str = "id, ticket_id, customer_id, status, started_at, last_activity_at, \
     ended_at, end_reason, idle_minutes";

/// Rows of sessions still active at `$1` whose last activity is older than their limit.
const IDLE: &str = "status = 'active' AND last_activity_at < $1 - idle_minutes * 60000";

fn from_row(row: &Row) -> Result<ChatSession, StoreError> {
    Ok(ChatSession {
        id: row.i64("id")?,
        ticket_id: TicketId(row.i64("ticket_id")?),
        customer_id: CustomerId(row.i64("customer_id")?),
        status: row.label("status")?,
        started_at: Timestamp(row.i64("started_at")?),
        last_activity_at: Timestamp(row.i64("last_activity_at")?),
        ended_at: row.opt_i64("ended_at")?.map(Timestamp),
        end_reason: row
            .opt_text("end_reason")?
            .map(|r| r.parse::<ChatEndReason>())
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        idle_minutes: row.i64("idle_minutes")?,
    })
}

async fn load(tx: &mut Tx, id: i64) -> Result<ChatSession, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM chat_sessions WHERE id = $1");
    let row = tx
        .row(&sql, &args![id])
        .await?
        .ok_or(StoreError::NotFound {
            entity: "chat session",
        })?;
    from_row(&row)
}

impl Store {
    /// Inserts a chat's ticket (as [`Store::insert_ticket`] would, events included) and its
    /// session, active from the ticket's creation, in one transaction.
    ///
    /// Errors: [`StoreError::MissingReference`] when the customer does not exist.
    pub async fn insert_chat_session(
        &self,
        record: &TicketRecord,
        customer: CustomerId,
        idle_minutes: i64,
    ) -> Result<(Ticket, ChatSession), StoreError> {
        let mut tx = self.write().await?;
        let ticket = insert_with_key(&mut tx, record, None).await?;
        let at = ticket.created_at;
        // After the ticket's events: one small row while the audit chain's lock is held.
        let id = tx
            .insert_id(
                "INSERT INTO chat_sessions (ticket_id, customer_id, status, started_at, last_activity_at, idle_minutes) \
                 VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
                &args![
                    ticket.id.0,
                    customer.0,
                    ChatStatus::Active.as_str(),
                    at.0,
                    idle_minutes
                ],
            )
            .await?;
        tx.commit().await?;
        let session = ChatSession {
            id,
            ticket_id: ticket.id,
            customer_id: customer,
            status: ChatStatus::Active,
            started_at: at,
            last_activity_at: at,
            ended_at: None,
            end_reason: None,
            idle_minutes,
        };
        Ok((ticket, session))
    }

    /// One chat session. Errors: [`StoreError::NotFound`].
    pub async fn chat_session(&self, id: i64) -> Result<ChatSession, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// Marks activity at `now` on a session that is active and not idle at `now`; returns
    /// whether it was (false: the session has ended or is due to end).
    pub async fn touch_chat_session(&self, id: i64, now: Timestamp) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let touched = tx
            .exec(
                "UPDATE chat_sessions SET last_activity_at = $1 \
                 WHERE id = $2 AND status = 'active' AND last_activity_at >= $1 - idle_minutes * 60000",
                &args![now.0, id],
            )
            .await?;
        tx.commit().await?;
        Ok(touched > 0)
    }

    /// Active sessions idle at `now` (oldest activity first), at most `limit`.
    pub async fn idle_chat_sessions(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<ChatSession>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM chat_sessions WHERE {IDLE} ORDER BY last_activity_at, id LIMIT $2"
        );
        tx.rows(&sql, &args![now.0, limit])
            .await?
            .iter()
            .map(from_row)
            .collect()
    }

    /// Ends session `id` for being idle at `now`, with `event` (on its ticket), if it still
    /// is active and idle; returns the ended session, or `None` when it was not (already
    /// ended by someone else, or written to meanwhile). One transaction.
    pub async fn end_idle_chat_session(
        &self,
        id: i64,
        now: Timestamp,
        event: &NewEvent,
    ) -> Result<Option<ChatSession>, StoreError> {
        let mut tx = self.write().await?;
        let sql = format!(
            "UPDATE chat_sessions SET status = 'ended', ended_at = $1, end_reason = $2 \
             WHERE id = $3 AND {IDLE}"
        );
        let touched = tx
            .exec(&sql, &args![now.0, ChatEndReason::Idle.as_str(), id])
            .await?;
        if touched == 0 {
            return Ok(None);
        }
        let session = load(&mut tx, id).await?;
        let mut e = event.clone();
        e.ticket_id = Some(session.ticket_id);
        event::append(&mut tx, &e, None).await?;
        tx.commit().await?;
        Ok(Some(session))
    }
}
