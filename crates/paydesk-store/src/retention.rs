//! Retention rules, applied in batches: solved tickets close after a while, and closed
//! tickets lose their texts (subject, messages, attachment names, search entries) after
//! the retention period, keeping the record itself. Each change is an event.

use crate::erasure::ERASED;
use crate::error::StoreError;
use crate::sql::{Tx, Value, placeholders};
use crate::{Store, args, event};
use paydesk_domain::event::{Change, EventKind, NewEvent};
use paydesk_domain::{Actor, TicketId, Timestamp};
use serde_json::json;

/// Tickets handled per transaction.
pub const BATCH: usize = 500;

/// Up to [`BATCH`] ids of tickets matching `condition` (whose parameters are `values`).
async fn due(tx: &mut Tx, condition: &str, values: &[Value]) -> Result<Vec<i64>, StoreError> {
    let limit = i64::try_from(BATCH).unwrap_or(500);
    let mut all = values.to_vec();
    all.push(limit.into());
    let sql = format!(
        "SELECT id FROM tickets WHERE {condition} ORDER BY id LIMIT ${}",
        all.len()
    );
    tx.rows(&sql, &all)
        .await?
        .iter()
        .map(|r| r.i64("id"))
        .collect()
}

impl Store {
    /// Closes up to [`BATCH`] tickets solved before `cutoff`; returns how many. Call again
    /// until it returns 0.
    pub async fn close_solved_before(
        &self,
        cutoff: Timestamp,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let ids = due(
            &mut tx,
            "status = 'solved' AND solved_at < $1",
            &args![cutoff.0],
        )
        .await?;
        if ids.is_empty() {
            return Ok(0);
        }
        let mut values: Vec<Value> = args![at.0].to_vec();
        values.extend(ids.iter().map(|i| Value::from(*i)));
        let sql = format!(
            "UPDATE tickets SET status = 'closed', closed_at = $1, updated_at = $1, version = version + 1 WHERE id IN ({})",
            placeholders(2, ids.len())
        );
        tx.exec(&sql, &values).await?;
        let change = Change::text("status", Some("solved"), Some("closed"));
        let events: Vec<NewEvent> = ids
            .iter()
            .map(|id| {
                NewEvent::ticket(
                    Some(TicketId(*id)),
                    actor,
                    at,
                    EventKind::FieldChanged,
                    change.to_data(),
                )
            })
            .collect();
        event::append_all(&mut tx, &events, None).await?;
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// Removes the texts of up to [`BATCH`] tickets closed before `cutoff` that still have
    /// them; returns how many. Call again until it returns 0.
    pub async fn anonymise_closed_before(
        &self,
        cutoff: Timestamp,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let ids = due(
            &mut tx,
            "status = 'closed' AND closed_at < $1 AND subject <> $2",
            &args![cutoff.0, ERASED],
        )
        .await?;
        if ids.is_empty() {
            return Ok(0);
        }
        let list = placeholders(2, ids.len());
        let mut values: Vec<Value> = args![ERASED].to_vec();
        values.extend(ids.iter().map(|i| Value::from(*i)));
        tx.exec(
            &format!("UPDATE tickets SET subject = $1 WHERE id IN ({list})"),
            &values,
        )
        .await?;
        tx.exec(
            &format!("UPDATE messages SET body = $1 WHERE ticket_id IN ({list})"),
            &values,
        )
        .await?;
        tx.exec(
            &format!("UPDATE attachments SET filename = $1 WHERE message_id IN (SELECT id FROM messages WHERE ticket_id IN ({list}))"),
            &values,
        )
        .await?;
        tx.exec(
            &format!("UPDATE inbound_mail SET raw = $1, subject = $1, sender = NULL WHERE ticket_id IN ({list})"),
            &values,
        )
        .await?;
        tx.exec(
            &format!(
                "UPDATE outbound_mail SET recipient = $1, subject = $1 WHERE ticket_id IN ({list})"
            ),
            &values,
        )
        .await?;
        let ids_only: Vec<Value> = ids.iter().map(|i| Value::from(*i)).collect();
        tx.exec(
            &format!(
                "DELETE FROM attachment_contents WHERE attachment_id IN (SELECT a.id FROM attachments a \
                 JOIN messages m ON m.id = a.message_id WHERE m.ticket_id IN ({}))",
                placeholders(1, ids.len())
            ),
            &ids_only,
        )
        .await?;
        tx.exec(
            &format!(
                "DELETE FROM ticket_search WHERE ticket_id IN ({})",
                placeholders(1, ids.len())
            ),
            &ids_only,
        )
        .await?;
        let events: Vec<NewEvent> = ids
            .iter()
            .map(|id| {
                NewEvent::ticket(
                    Some(TicketId(*id)),
                    actor,
                    at,
                    EventKind::TicketAnonymised,
                    json!({ "rule": "retention" }),
                )
            })
            .collect();
        event::append_all(&mut tx, &events, None).await?;
        tx.commit().await?;
        Ok(ids.len() as u64)
    }
}
