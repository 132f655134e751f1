//! SOPs followed on tickets: a run per ticket, SOP and version, the steps ticked on it,
//! and the categories whose tickets need a completed checklist before they are solved.
//!
//! Starting a run and ticking a step each append their `sop_progress` event on the ticket
//! in the same transaction. Starting twice on the same version returns the first run and
//! records nothing more; ticking a ticked step (or unticking an unticked one) changes
//! nothing and records nothing.

use crate::error::StoreError;
use crate::event::{self, actor_columns, actor_from};
use crate::sql::{Row, Tx};
use crate::{Store, args};
use paydesk_domain::event::NewEvent;
use paydesk_domain::id::SopId;
use paydesk_domain::{Actor, TicketId, Timestamp, UserId};

/// A step ticked on a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneStep {
    pub key: String,
    pub by: Actor,
    pub at: Timestamp,
}

/// An SOP followed on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SopRun {
    pub id: i64,
    pub ticket_id: TicketId,
    pub sop_id: SopId,
    /// The version followed (published when the run started).
    pub version: i64,
    pub started_by: Actor,
    pub started_at: Timestamp,
    pub updated_at: Timestamp,
    /// Ticked steps, in the order they were ticked.
    pub done: Vec<DoneStep>,
}

impl SopRun {
    /// The keys of the ticked steps.
    #[must_use]
    pub fn done_keys(&self) -> Vec<String> {
        self.done.iter().map(|d| d.key.clone()).collect()
    }
}

/// A category whose tickets need a completed SOP checklist before they are solved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolveRequirement {
    pub category: String,
    pub set_by: Option<UserId>,
    pub set_at: Timestamp,
}

const RUN_COLUMNS: &str = "id, ticket_id, sop_id, version, started_by_kind, started_by_id, started_by_label, started_at, updated_at";

async fn run_from(tx: &mut Tx, r: &Row) -> Result<SopRun, StoreError> {
    let id = r.i64("id")?;
    let rows = tx
        .rows(
            "SELECT step_key, done_by_kind, done_by_id, done_by_label, done_at FROM ticket_sop_steps \
             WHERE run_id = $1 ORDER BY done_at, step_key",
            &args![id],
        )
        .await?;
    let done = rows
        .iter()
        .map(|s| {
            Ok(DoneStep {
                key: s.text("step_key")?,
                by: actor_from(
                    &s.text("done_by_kind")?,
                    s.opt_i64("done_by_id")?,
                    s.opt_text("done_by_label")?,
                )?,
                at: Timestamp(s.i64("done_at")?),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(SopRun {
        id,
        ticket_id: TicketId(r.i64("ticket_id")?),
        sop_id: SopId(r.i64("sop_id")?),
        version: r.i64("version")?,
        started_by: actor_from(
            &r.text("started_by_kind")?,
            r.opt_i64("started_by_id")?,
            r.opt_text("started_by_label")?,
        )?,
        started_at: Timestamp(r.i64("started_at")?),
        updated_at: Timestamp(r.i64("updated_at")?),
        done,
    })
}

async fn load_run(tx: &mut Tx, id: i64) -> Result<SopRun, StoreError> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM ticket_sop_runs WHERE id = $1");
    let row = tx
        .row(&sql, &args![id])
        .await?
        .ok_or(StoreError::NotFound { entity: "SOP run" })?;
    run_from(tx, &row).await
}

impl Store {
    /// Starts following `sop`'s `version` on `ticket`, appending `event`; a run that
    /// exists already is returned as it is (and `false`: nothing was recorded).
    pub async fn start_sop_run(
        &self,
        ticket: TicketId,
        sop: SopId,
        version: i64,
        actor: &Actor,
        at: Timestamp,
        event: &NewEvent,
    ) -> Result<(SopRun, bool), StoreError> {
        let mut tx = self.write().await?;
        let existing = tx
            .row(
                "SELECT id FROM ticket_sop_runs WHERE ticket_id = $1 AND sop_id = $2 AND version = $3",
                &args![ticket.0, sop.0, version],
            )
            .await?;
        if let Some(row) = existing {
            let run = load_run(&mut tx, row.i64("id")?).await?;
            return Ok((run, false));
        }
        let (kind, actor_id, label) = actor_columns(actor);
        let id = tx
            .insert_id(
                "INSERT INTO ticket_sop_runs (ticket_id, sop_id, version, started_by_kind, started_by_id, \
                 started_by_label, started_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                &args![ticket.0, sop.0, version, kind, actor_id, label, at.0],
            )
            .await?;
        let run = load_run(&mut tx, id).await?;
        event::append_all(&mut tx, std::slice::from_ref(event), event.ip.as_deref()).await?;
        tx.commit().await?;
        Ok((run, true))
    }

    /// One run. Errors: [`StoreError::NotFound`].
    pub async fn sop_run(&self, id: i64) -> Result<SopRun, StoreError> {
        let mut tx = self.read().await?;
        load_run(&mut tx, id).await
    }

    /// The runs on a ticket, oldest first.
    pub async fn ticket_sop_runs(&self, ticket: TicketId) -> Result<Vec<SopRun>, StoreError> {
        let mut tx = self.read().await?;
        let sql =
            format!("SELECT {RUN_COLUMNS} FROM ticket_sop_runs WHERE ticket_id = $1 ORDER BY id");
        let rows = tx.rows(&sql, &args![ticket.0]).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(run_from(&mut tx, r).await?);
        }
        Ok(out)
    }

    /// Ticks (`done`) or unticks a step of a run, appending `event` when that changed
    /// something; returns the run and whether it did.
    pub async fn mark_sop_step(
        &self,
        run: i64,
        key: &str,
        done: bool,
        actor: &Actor,
        at: Timestamp,
        event: &NewEvent,
    ) -> Result<(SopRun, bool), StoreError> {
        let mut tx = self.write().await?;
        load_run(&mut tx, run).await?;
        let changed = if done {
            let (kind, actor_id, label) = actor_columns(actor);
            tx.exec(
                "INSERT INTO ticket_sop_steps (run_id, step_key, done_by_kind, done_by_id, done_by_label, done_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id, step_key) DO NOTHING",
                &args![run, key, kind, actor_id, label, at.0],
            )
            .await?
        } else {
            tx.exec(
                "DELETE FROM ticket_sop_steps WHERE run_id = $1 AND step_key = $2",
                &args![run, key],
            )
            .await?
        } > 0;
        if changed {
            tx.exec(
                "UPDATE ticket_sop_runs SET updated_at = $1 WHERE id = $2",
                &args![at.0, run],
            )
            .await?;
        }
        let stored = load_run(&mut tx, run).await?;
        if changed {
            event::append_all(&mut tx, std::slice::from_ref(event), event.ip.as_deref()).await?;
        }
        tx.commit().await?;
        Ok((stored, changed))
    }

    /// The network reason codes of the disputes a ticket is about (opened for it or
    /// linked to it), without repeats.
    pub async fn ticket_reason_codes(&self, ticket: TicketId) -> Result<Vec<String>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT DISTINCT d.network_reason_code AS code FROM disputes d \
                 WHERE d.network_reason_code IS NOT NULL AND (d.ticket_id = $1 OR d.id IN \
                 (SELECT l.object_id FROM ticket_payment_links l WHERE l.ticket_id = $1 AND l.kind = 'dispute')) \
                 ORDER BY code",
                &args![ticket.0],
            )
            .await?;
        rows.iter().map(|r| r.text("code")).collect()
    }

    /// The categories that need a completed checklist, by name.
    pub async fn sop_requirements(&self) -> Result<Vec<SolveRequirement>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT category, set_by, set_at FROM sop_solve_requirements ORDER BY category",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(SolveRequirement {
                    category: r.text("category")?,
                    set_by: r.opt_i64("set_by")?.map(UserId),
                    set_at: Timestamp(r.i64("set_at")?),
                })
            })
            .collect()
    }

    /// Whether tickets of `category` (lowercase) need a completed checklist.
    pub async fn sop_required_for(&self, category: &str) -> Result<bool, StoreError> {
        let mut tx = self.read().await?;
        Ok(tx
            .row(
                "SELECT category FROM sop_solve_requirements WHERE category = $1",
                &args![category],
            )
            .await?
            .is_some())
    }

    /// Makes `category` need a completed checklist (`required`) or lifts that, with
    /// `events`; whether it changed anything.
    pub async fn set_sop_requirement(
        &self,
        category: &str,
        required: bool,
        by: Option<UserId>,
        at: Timestamp,
        events: &[NewEvent],
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let n = if required {
            tx.exec(
                "INSERT INTO sop_solve_requirements (category, set_by, set_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (category) DO NOTHING",
                &args![category, by.map(|u| u.0), at.0],
            )
            .await?
        } else {
            tx.exec(
                "DELETE FROM sop_solve_requirements WHERE category = $1",
                &args![category],
            )
            .await?
        };
        if n > 0 {
            event::append_all(&mut tx, events, None).await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }
}
