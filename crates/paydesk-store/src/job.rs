//! Durable jobs: work that must happen once, later, even across crashes and instances.
//!
//! A job is enqueued inside the transaction of the change that calls for it, so the work
//! exists exactly when the change does. Workers claim due jobs with a lease: a claim sets
//! `locked_by` and `locked_until` in one statement, so two workers never hold one job at
//! once. On PostgreSQL the claim picks its row `FOR UPDATE SKIP LOCKED`, so concurrent
//! claimers pass each other instead of queueing on one row; on SQLite the single writer
//! serialises claims. A worker that dies leaves its claim to lapse at `locked_until`, and
//! the job is claimed again. Settling (done, retry later, failed) only takes effect while
//! the settler still holds the claim.

use crate::error::StoreError;
use crate::sql::{Engine, Row, Tx, placeholders};
use crate::{Store, args, event};
use paydesk_domain::event::NewEvent;
use paydesk_domain::{TicketId, Timestamp};
use serde_json::Value as Json;

/// A job's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub i64);

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for `run_at` (first run or a retry).
    Queued,
    /// Claimed by a worker until `locked_until`.
    Running,
    Done,
    /// Gave up: out of attempts, or a failure no retry can mend.
    Failed,
}

impl JobStatus {
    /// The stored label.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            other => return Err(StoreError::Corrupt(format!("job status '{other}'"))),
        })
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// Names the handler that runs it (e.g. `mail`).
    pub kind: String,
    /// The ticket the job is about, if any (its events go on that ticket's timeline).
    pub ticket_id: Option<TicketId>,
    /// What the handler needs, as JSON.
    pub payload: Json,
    /// Claims allowed before the job is failed.
    pub max_attempts: i64,
    /// Not before this instant.
    pub run_at: Timestamp,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub ticket_id: Option<TicketId>,
    pub payload: Json,
    pub status: JobStatus,
    /// Claims so far, this one included while running.
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: Timestamp,
    pub locked_by: Option<String>,
    pub locked_until: Option<Timestamp>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// How a claimed job ended this time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    Done,
    /// Try again at `at`.
    Retry {
        at: Timestamp,
        error: String,
    },
    /// Give up.
    Failed {
        error: String,
    },
}

const COLUMNS: &str = "id, kind, ticket_id, payload, status, attempts, max_attempts, run_at, \
     locked_by, locked_until, last_error, created_at, updated_at";

fn job_from_row(r: &Row) -> Result<Job, StoreError> {
    Ok(Job {
        id: JobId(r.i64("id")?),
        kind: r.text("kind")?,
        ticket_id: r.opt_i64("ticket_id")?.map(TicketId),
        payload: r.json("payload")?,
        status: JobStatus::parse(&r.text("status")?)?,
        attempts: r.i64("attempts")?,
        max_attempts: r.i64("max_attempts")?,
        run_at: Timestamp(r.i64("run_at")?),
        locked_by: r.opt_text("locked_by")?,
        locked_until: r.opt_i64("locked_until")?.map(Timestamp),
        last_error: r.opt_text("last_error")?,
        created_at: Timestamp(r.i64("created_at")?),
        updated_at: Timestamp(r.i64("updated_at")?),
    })
}

/// Enqueues `job` inside `tx` (the transaction of the change that calls for it).
pub(crate) async fn insert(tx: &mut Tx, job: &NewJob, now: Timestamp) -> Result<JobId, StoreError> {
    let id = tx
        .insert_id(
            "INSERT INTO jobs (kind, ticket_id, payload, status, attempts, max_attempts, run_at, created_at, updated_at) \
             VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6, $6) RETURNING id",
            &args![
                job.kind.as_str(),
                job.ticket_id.map(TicketId::get),
                job.payload.to_string(),
                job.max_attempts,
                job.run_at.0,
                now.0
            ],
        )
        .await?;
    Ok(JobId(id))
}

/// Settles a claimed job inside `tx`. Returns false, changing nothing, when `owner` no
/// longer holds the claim (it lapsed and another worker took the job, or it was settled).
pub(crate) async fn settle_in(
    tx: &mut Tx,
    id: JobId,
    owner: &str,
    settlement: &Settlement,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let (status, run_at, error) = match settlement {
        Settlement::Done => (JobStatus::Done, None, None),
        Settlement::Retry { at, error } => (JobStatus::Queued, Some(at.0), Some(error.as_str())),
        Settlement::Failed { error } => (JobStatus::Failed, None, Some(error.as_str())),
    };
    let touched = tx
        .exec(
            "UPDATE jobs SET status = $1, run_at = COALESCE($2, run_at), \
             last_error = COALESCE($3, last_error), locked_by = NULL, locked_until = NULL, updated_at = $4 \
             WHERE id = $5 AND status = 'running' AND locked_by = $6",
            &args![status.as_str(), run_at, error, now.0, id.0, owner],
        )
        .await?;
    Ok(touched == 1)
}

impl Store {
    /// Enqueues a job on its own (for jobs that no other change calls for).
    pub async fn enqueue_job(&self, job: &NewJob, now: Timestamp) -> Result<JobId, StoreError> {
        let mut tx = self.write().await?;
        let id = insert(&mut tx, job, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Claims the next due job of one of `kinds` for `owner` until `now + lease_ms`: a
    /// queued job whose `run_at` has come, or a running one whose claim has lapsed.
    /// Counts an attempt. Oldest `run_at` first. `None` when nothing is due.
    ///
    /// Never hands one job to two claimers at once, on either engine.
    pub async fn claim_job(
        &self,
        owner: &str,
        kinds: &[&str],
        now: Timestamp,
        lease_ms: i64,
    ) -> Result<Option<Job>, StoreError> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let mut tx = self.write().await?;
        let lock = match tx.engine() {
            Engine::Postgres => "FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, \
             attempts = attempts + 1, updated_at = $3 \
             WHERE id = (SELECT id FROM jobs WHERE kind IN ({kinds}) \
             AND ((status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until <= $3)) \
             ORDER BY run_at, id LIMIT 1 {lock}) \
             RETURNING {COLUMNS}",
            kinds = placeholders(4, kinds.len()),
        );
        let mut values = args![owner, now.0 + lease_ms, now.0].to_vec();
        values.extend(kinds.iter().map(|k| (*k).into()));
        let job = tx.row(&sql, &values).await?.map(|r| job_from_row(&r));
        tx.commit().await?;
        job.transpose()
    }

    /// Settles a job that `owner` claimed, with `events` (on its ticket, say), in one
    /// transaction. Returns false, writing nothing, when the claim was no longer `owner`'s.
    pub async fn settle_job(
        &self,
        id: JobId,
        owner: &str,
        settlement: &Settlement,
        events: &[NewEvent],
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        if !settle_in(&mut tx, id, owner, settlement, now).await? {
            return Ok(false);
        }
        event::append_all(&mut tx, events, None).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// One job. Errors: [`StoreError::NotFound`].
    pub async fn job(&self, id: JobId) -> Result<Job, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
        let row = tx
            .row(&sql, &args![id.0])
            .await?
            .ok_or(StoreError::NotFound { entity: "job" })?;
        job_from_row(&row)
    }

    /// How many jobs of `kind` wait to run (queued or running), for start-up notices.
    pub async fn pending_jobs(&self, kind: &str) -> Result<i64, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM jobs WHERE kind = $1 AND status IN ('queued', 'running')",
                &args![kind],
            )
            .await?;
        row.map_or(Ok(0), |r| r.i64("n"))
    }
}
