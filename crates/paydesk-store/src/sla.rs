//! Business calendars, SLA policies and the clocks of a ticket, as the API reads and
//! changes them. A change to a policy or calendar is recorded in the event log with the
//! change itself; [`Store::reapply_sla`] then brings open tickets under it.

use crate::error::StoreError;
use crate::job::{self, NewJob};
use crate::sql::{Row, Tx};
use crate::{Store, args, event, sla_clock, sla_config, ticket};
use paydesk_domain::event::NewEvent;
use paydesk_domain::sla::SlaClock;
use paydesk_domain::{Actor, TicketId, Timestamp};
use serde::Serialize;

/// A stored business calendar; `spec` is the JSON of
/// `paydesk_domain::calendar::CalendarSpec`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCalendar {
    pub id: i64,
    pub name: String,
    pub spec: serde_json::Value,
    pub version: i64,
    pub updated_at: Timestamp,
}

/// A stored SLA policy; `definition` is the JSON of `paydesk_domain::sla::PolicySpec`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPolicy {
    pub id: i64,
    pub name: String,
    pub position: i64,
    pub definition: serde_json::Value,
    pub is_active: bool,
    pub version: i64,
    pub updated_at: Timestamp,
}

/// A calendar or policy to write: `id` None inserts, Some updates if still at `version`.
#[derive(Debug, Clone)]
pub struct SlaSetting {
    pub id: Option<i64>,
    pub expected_version: Option<i64>,
    pub name: String,
    /// The JSON definition, already validated by the caller.
    pub body: String,
    /// Policies only: order and whether it is on.
    pub position: i64,
    pub is_active: bool,
}

fn calendar_from_row(r: &Row) -> Result<StoredCalendar, StoreError> {
    Ok(StoredCalendar {
        id: r.i64("id")?,
        name: r.text("name")?,
        spec: r.json("spec")?,
        version: r.i64("version")?,
        updated_at: Timestamp(r.i64("updated_at")?),
    })
}

fn policy_from_row(r: &Row) -> Result<StoredPolicy, StoreError> {
    Ok(StoredPolicy {
        id: r.i64("id")?,
        name: r.text("name")?,
        position: r.i64("position")?,
        definition: r.json("definition")?,
        is_active: r.i64("is_active")? != 0,
        version: r.i64("version")?,
        updated_at: Timestamp(r.i64("updated_at")?),
    })
}

/// Inserts or updates one row of `table` (calendars or sla_policies), checking the version.
async fn write_setting(
    tx: &mut Tx,
    table: &'static str,
    s: &SlaSetting,
    now: Timestamp,
) -> Result<i64, StoreError> {
    let is_policy = table == "sla_policies";
    let body_column = if is_policy { "definition" } else { "spec" };
    match s.id {
        None if is_policy => {
            tx.insert_id(
                "INSERT INTO sla_policies (name, position, definition, is_active, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
                &args![&s.name, s.position, &s.body, i64::from(s.is_active), now.0],
            )
            .await
        }
        None => {
            tx.insert_id(
                "INSERT INTO calendars (name, spec, version, created_at, updated_at) \
                 VALUES ($1, $2, 1, $3, $3) RETURNING id",
                &args![&s.name, &s.body, now.0],
            )
            .await
        }
        Some(id) => {
            let touched = tx
                .exec(
                    &format!(
                        "UPDATE {table} SET name = $1, {body_column} = $2, version = version + 1, updated_at = $3{} \
                         WHERE id = $4 AND ($5 < 0 OR version = $5)",
                        if is_policy { ", position = $6, is_active = $7" } else { "" }
                    ),
                    &if is_policy {
                        args![
                            &s.name,
                            &s.body,
                            now.0,
                            id,
                            s.expected_version.unwrap_or(-1),
                            s.position,
                            i64::from(s.is_active)
                        ]
                        .to_vec()
                    } else {
                        args![&s.name, &s.body, now.0, id, s.expected_version.unwrap_or(-1)]
                            .to_vec()
                    },
                )
                .await?;
            if touched == 0 {
                let exists = tx
                    .row(&format!("SELECT id FROM {table} WHERE id = $1"), &args![id])
                    .await?;
                let entity = if is_policy { "sla_policy" } else { "calendar" };
                return Err(match exists {
                    Some(_) => StoreError::VersionConflict {
                        entity,
                        expected: s.expected_version.unwrap_or(-1),
                    },
                    None => StoreError::NotFound { entity },
                });
            }
            Ok(id)
        }
    }
}

/// The job that brings open tickets under changed policies or calendars.
pub const SLA_REAPPLY_JOB: &str = "sla_reapply";

/// Queues one reapply job in the change's own transaction, so a change is never left
/// without one (a job already waiting covers a second change too).
async fn enqueue_reapply(tx: &mut Tx, now: Timestamp) -> Result<(), StoreError> {
    let waiting = tx
        .row(
            "SELECT id FROM jobs WHERE kind = $1 AND status = 'queued' LIMIT 1",
            &args![SLA_REAPPLY_JOB],
        )
        .await?;
    if waiting.is_none() {
        let job = NewJob {
            kind: SLA_REAPPLY_JOB.to_string(),
            ticket_id: None,
            payload: serde_json::json!({}),
            max_attempts: 10,
            run_at: now,
        };
        job::insert(tx, &job, now).await?;
    }
    Ok(())
}

impl Store {
    /// Every business calendar, by name.
    pub async fn calendars(&self) -> Result<Vec<StoredCalendar>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT id, name, spec, version, updated_at FROM calendars ORDER BY name",
            &[],
        )
        .await?
        .iter()
        .map(calendar_from_row)
        .collect()
    }

    /// Inserts or updates a calendar with its `config_changed` event. Errors:
    /// [`StoreError::Duplicate`] for a name in use, [`StoreError::VersionConflict`],
    /// [`StoreError::NotFound`].
    pub async fn save_calendar(
        &self,
        setting: &SlaSetting,
        event: &NewEvent,
        now: Timestamp,
    ) -> Result<StoredCalendar, StoreError> {
        let mut tx = self.write().await?;
        let id = write_setting(&mut tx, "calendars", setting, now).await?;
        let row = tx
            .row(
                "SELECT id, name, spec, version, updated_at FROM calendars WHERE id = $1",
                &args![id],
            )
            .await?
            .ok_or(StoreError::NotFound { entity: "calendar" })?;
        let stored = calendar_from_row(&row)?;
        enqueue_reapply(&mut tx, now).await?;
        event::append(&mut tx, event, None).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Every SLA policy, in the order they are tried.
    pub async fn sla_policies(&self) -> Result<Vec<StoredPolicy>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT id, name, position, definition, is_active, version, updated_at \
             FROM sla_policies ORDER BY position, id",
            &[],
        )
        .await?
        .iter()
        .map(policy_from_row)
        .collect()
    }

    /// Inserts or updates a policy with its `config_changed` event. Errors as
    /// [`Store::save_calendar`].
    pub async fn save_sla_policy(
        &self,
        setting: &SlaSetting,
        event: &NewEvent,
        now: Timestamp,
    ) -> Result<StoredPolicy, StoreError> {
        let mut tx = self.write().await?;
        let id = write_setting(&mut tx, "sla_policies", setting, now).await?;
        let row = tx
            .row(
                "SELECT id, name, position, definition, is_active, version, updated_at \
                 FROM sla_policies WHERE id = $1",
                &args![id],
            )
            .await?
            .ok_or(StoreError::NotFound {
                entity: "sla_policy",
            })?;
        let stored = policy_from_row(&row)?;
        enqueue_reapply(&mut tx, now).await?;
        event::append(&mut tx, event, None).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// A ticket's SLA clocks, in metric order.
    pub async fn ticket_clocks(&self, id: TicketId) -> Result<Vec<SlaClock>, StoreError> {
        let mut tx = self.read().await?;
        sla_clock::load(&mut tx, id).await
    }

    /// Brings up to `limit` unsolved tickets with ids above `after` under the policies as
    /// they are now (targets change from `now`; time already counted stays counted), in
    /// one transaction. Returns the last id looked at, or None when there are no more.
    pub async fn reapply_sla(
        &self,
        after: i64,
        limit: i64,
        now: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.write().await?;
        let rows: Vec<(i64, Option<i64>)> = tx
            .rows(
                "SELECT id, sla_policy_id FROM tickets WHERE id > $1 \
                 AND status IN ('new', 'open', 'pending', 'on_hold') ORDER BY id LIMIT $2",
                &args![after, limit],
            )
            .await?
            .iter()
            .map(|r| Ok((r.i64("id")?, r.opt_i64("sla_policy_id")?)))
            .collect::<Result<_, StoreError>>()?;
        let Some(last) = rows.last().map(|(id, _)| *id) else {
            return Ok(None);
        };
        let config = sla_config::load(&mut tx).await?;
        let mut events = Vec::new();
        for (id, policy) in rows {
            let current = ticket::load(&mut tx, TicketId(id)).await?;
            let stepped = sla_clock::step(
                &mut tx,
                &config,
                &current,
                sla_clock::Prior::Stored { policy },
                &[],
                &Actor::System,
                now,
            )
            .await?;
            sla_clock::set_urgency(&mut tx, current.id, &stepped.urgency).await?;
            events.extend(stepped.events);
        }
        event::append_all(&mut tx, &events, None).await?;
        tx.commit().await?;
        Ok(Some(last))
    }
}
