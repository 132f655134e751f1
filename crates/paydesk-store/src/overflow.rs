//! Overflow: tickets nobody took in time move on. Per queue with an overflow configured,
//! unassigned new or open tickets that entered the queue at or before a deadline move to
//! the overflow queue (their wait starts again there), each recorded with reason
//! `overflow`. The pick reads the `tickets_queued` partial index, repeating its predicate.

use crate::agent::for_update;
use crate::error::StoreError;
use crate::sql::Engine;
use crate::{Store, args, event, ticket};
use paydesk_domain::routing::{AssignReason, routing_events};
use paydesk_domain::{Actor, QueueId, TicketId, Timestamp};

/// Most tickets one call moves, so one transaction stays short; call again for the rest.
pub const OVERFLOW_BATCH: i64 = 500;

impl Store {
    /// Moves up to [`OVERFLOW_BATCH`] unassigned new or open tickets of `from` that entered
    /// it at or before `entered_by` to `to`, in one transaction; returns them.
    /// Errors: [`StoreError::MissingReference`] for an unknown queue `to`.
    pub async fn overflow_queue(
        &self,
        from: QueueId,
        to: QueueId,
        entered_by: Timestamp,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<Vec<TicketId>, StoreError> {
        let mut tx = self.write().await?;
        let lock = match tx.engine() {
            Engine::Sqlite => "",
            Engine::Postgres => " SKIP LOCKED",
        };
        let sql = format!(
            "SELECT id FROM tickets WHERE queue_id = $1 AND queued_at <= $2 \
             AND assignee_id IS NULL AND status IN ('new', 'open') \
             ORDER BY queued_at, id LIMIT $3{}{lock}",
            for_update(&tx)
        );
        let ids = tx
            .rows(&sql, &args![from.0, entered_by.0, OVERFLOW_BATCH])
            .await?
            .iter()
            .map(|r| r.i64("id").map(TicketId))
            .collect::<Result<Vec<_>, _>>()?;
        let mut events = Vec::new();
        for id in &ids {
            let before = ticket::load(&mut tx, *id).await?;
            let mut after = before.clone();
            after.queue_id = Some(to);
            after.version += 1;
            after.updated_at = at;
            let changed = routing_events(&before, &after, actor, at, AssignReason::Overflow);
            let updated =
                ticket::update_in(&mut tx, &after, before.version, &changed, None).await?;
            events.extend(changed);
            events.extend(updated.caused_events);
        }
        event::append_all(&mut tx, &events, None).await?;
        tx.commit().await?;
        Ok(ids)
    }
}
