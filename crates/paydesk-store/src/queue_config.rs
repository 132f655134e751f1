//! How each queue routes: its placement conditions and position, its routing mode, its
//! overflow, its calendar; and who works it (members).

use crate::error::StoreError;
use crate::sql::Row;
use crate::staff::{Queue, queue_from};
use crate::{Store, args, event};
use paydesk_domain::event::NewEvent;
use paydesk_domain::routing::{QueueConditions, RoutingMode};
use paydesk_domain::{QueueId, UserId};

/// A queue's routing settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRouting {
    /// Which tickets naming no queue it takes (tried in `position` order).
    pub conditions: QueueConditions,
    pub position: i64,
    pub routing: RoutingMode,
    /// Tickets nobody took within this many minutes move to `overflow_queue_id`.
    pub overflow_after_minutes: Option<i64>,
    pub overflow_queue_id: Option<QueueId>,
    pub calendar_id: Option<i64>,
}

impl Default for QueueRouting {
    /// What a new queue has: no conditions, position 0, manual, no overflow, no calendar.
    fn default() -> Self {
        Self {
            conditions: QueueConditions::default(),
            position: 0,
            routing: RoutingMode::Manual,
            overflow_after_minutes: None,
            overflow_queue_id: None,
            calendar_id: None,
        }
    }
}

/// A queue with its routing settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSettings {
    pub queue: Queue,
    pub routing: QueueRouting,
}

pub(crate) const QUEUE_SETTINGS_COLUMNS: &str = "id, key, name, business_line, vendor_id, conditions, position, routing, \
     overflow_after_minutes, overflow_queue_id, calendar_id";

fn settings_from(row: &Row) -> Result<QueueSettings, StoreError> {
    Ok(QueueSettings {
        queue: queue_from(row)?,
        routing: QueueRouting {
            conditions: row.json("conditions")?,
            position: row.i64("position")?,
            routing: row.label("routing")?,
            overflow_after_minutes: row.opt_i64("overflow_after_minutes")?,
            overflow_queue_id: row.opt_i64("overflow_queue_id")?.map(QueueId),
            calendar_id: row.opt_i64("calendar_id")?,
        },
    })
}

impl Store {
    /// Every queue with its routing settings, in placement order (position, then id).
    pub async fn queue_settings_all(&self) -> Result<Vec<QueueSettings>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {QUEUE_SETTINGS_COLUMNS} FROM queues ORDER BY position, id");
        tx.rows(&sql, &[])
            .await?
            .iter()
            .map(settings_from)
            .collect()
    }

    /// One queue with its routing settings. Errors: [`StoreError::NotFound`].
    pub async fn queue_settings(&self, id: QueueId) -> Result<QueueSettings, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {QUEUE_SETTINGS_COLUMNS} FROM queues WHERE id = $1");
        let row = tx
            .row(&sql, &args![id.0])
            .await?
            .ok_or(StoreError::NotFound { entity: "queue" })?;
        settings_from(&row)
    }

    /// Replaces a queue's routing settings, appending `event` in the same transaction.
    /// Errors: [`StoreError::NotFound`]; [`StoreError::MissingReference`] for an unknown
    /// overflow queue or calendar.
    pub async fn set_queue_routing(
        &self,
        id: QueueId,
        r: &QueueRouting,
        event: &NewEvent,
    ) -> Result<QueueSettings, StoreError> {
        let conditions =
            serde_json::to_string(&r.conditions).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.write().await?;
        let touched = tx
            .exec(
                "UPDATE queues SET conditions = $2, position = $3, routing = $4, overflow_after_minutes = $5, \
                 overflow_queue_id = $6, calendar_id = $7 WHERE id = $1",
                &args![
                    id.0,
                    conditions,
                    r.position,
                    r.routing.as_str(),
                    r.overflow_after_minutes,
                    r.overflow_queue_id.map(QueueId::get),
                    r.calendar_id,
                ],
            )
            .await?;
        if touched == 0 {
            return Err(StoreError::NotFound { entity: "queue" });
        }
        event::append(&mut tx, event, None).await?;
        tx.commit().await?;
        self.queue_settings(id).await
    }

    /// Makes `user` a member of `queue` (nothing happens when they are one already),
    /// appending `event`. Errors: [`StoreError::MissingReference`] for an unknown queue or user.
    pub async fn add_queue_member(
        &self,
        queue: QueueId,
        user: UserId,
        event: &NewEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        tx.exec(
            "INSERT INTO queue_members (queue_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &args![queue.0, user.0],
        )
        .await?;
        event::append(&mut tx, event, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes `user` from `queue`; returns whether they were a member. Appends `event`
    /// only when something changed.
    pub async fn remove_queue_member(
        &self,
        queue: QueueId,
        user: UserId,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let removed = tx
            .exec(
                "DELETE FROM queue_members WHERE queue_id = $1 AND user_id = $2",
                &args![queue.0, user.0],
            )
            .await?;
        if removed > 0 {
            event::append(&mut tx, event, None).await?;
        }
        tx.commit().await?;
        Ok(removed > 0)
    }

    /// The members of `queue`, by user id.
    pub async fn queue_members(&self, queue: QueueId) -> Result<Vec<UserId>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT user_id FROM queue_members WHERE queue_id = $1 ORDER BY user_id",
            &args![queue.0],
        )
        .await?
        .iter()
        .map(|r| r.i64("user_id").map(UserId))
        .collect()
    }

    /// The queues `user` works, by id.
    pub async fn member_queues(&self, user: UserId) -> Result<Vec<QueueId>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT queue_id FROM queue_members WHERE user_id = $1 ORDER BY queue_id",
            &args![user.0],
        )
        .await?
        .iter()
        .map(|r| r.i64("queue_id").map(QueueId))
        .collect()
    }
}
