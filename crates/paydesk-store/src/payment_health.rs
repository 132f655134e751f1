//! Payment service health as stored: authorisation attempts counted per minute, gateway
//! and method (with a latency histogram and per-code counts), and the objectives.
//!
//! Attempts are never kept one by one: a batch adds its counts to the minute rows with
//! one upsert per statement (`attempts = attempts + excluded.attempts`), so concurrent
//! batches add up on both engines and a window's read sums at most a day of minutes.

use crate::error::StoreError;
use crate::event;
use crate::sql::{Row, Value, value_rows};
use crate::{Store, args};
use paydesk_domain::Timestamp;
use paydesk_domain::event::NewEvent;
use paydesk_domain::payment_health::{BUCKETS, Histogram, Objective, Tally};

/// Minute rows written per statement.
const CHUNK: usize = 400;

/// One minute of one gateway and method.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MinuteKey {
    pub gateway: String,
    pub method: String,
    /// The start of the minute.
    pub minute: Timestamp,
}

/// A gateway and method's counts over the recent window and the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthTallies {
    pub gateway: String,
    pub method: String,
    pub recent: Tally,
    pub day: Tally,
}

/// An objective for one gateway and method (`*` and `*` for the default).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredObjective {
    pub gateway: String,
    pub method: String,
    pub objective: Objective,
    pub updated_at: Timestamp,
}

const COUNTS: [&str; 4] = ["attempts", "successes", "declines", "failures"];

fn latency_columns() -> Vec<String> {
    (0..BUCKETS).map(|i| format!("latency_{i}")).collect()
}

fn tally_from(r: &Row, prefix: &str) -> Result<Tally, StoreError> {
    let mut latency = Histogram::default();
    for (i, slot) in latency.0.iter_mut().enumerate() {
        *slot = r.i64(&format!("{prefix}latency_{i}"))?;
    }
    Ok(Tally {
        attempts: r.i64(&format!("{prefix}attempts"))?,
        successes: r.i64(&format!("{prefix}successes"))?,
        declines: r.i64(&format!("{prefix}declines"))?,
        failures: r.i64(&format!("{prefix}failures"))?,
        latency,
    })
}

impl Store {
    /// Adds counts to their minutes (rows made as needed), and per-code counts, in one
    /// transaction. Each key must appear once per call.
    pub async fn add_payment_attempts(
        &self,
        minutes: &[(MinuteKey, Tally)],
        codes: &[(MinuteKey, String, i64)],
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let counted: Vec<String> = COUNTS
            .iter()
            .map(|c| (*c).to_string())
            .chain(latency_columns())
            .collect();
        let columns = counted.len() + 3;
        let set = counted
            .iter()
            .map(|c| format!("{c} = payment_health_minutes.{c} + excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        for chunk in minutes.chunks(CHUNK) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * columns);
            for (key, t) in chunk {
                values.extend(args![&key.gateway, &key.method, key.minute.0]);
                values.extend(args![t.attempts, t.successes, t.declines, t.failures]);
                values.extend(t.latency.0.iter().map(|n| Value::from(*n)));
            }
            let sql = format!(
                "INSERT INTO payment_health_minutes (gateway, method, minute, {}) VALUES {} \
                 ON CONFLICT (gateway, method, minute) DO UPDATE SET {set}",
                counted.join(", "),
                value_rows(tx.engine(), chunk.len(), columns)
            );
            tx.exec(&sql, &values).await?;
        }
        for chunk in codes.chunks(CHUNK) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
            for (key, code, n) in chunk {
                values.extend(args![&key.gateway, &key.method, key.minute.0, code, *n]);
            }
            let sql = format!(
                "INSERT INTO payment_health_codes (gateway, method, minute, code, attempts) VALUES {} \
                 ON CONFLICT (gateway, method, minute, code) DO UPDATE SET \
                 attempts = payment_health_codes.attempts + excluded.attempts",
                value_rows(tx.engine(), chunk.len(), 5)
            );
            tx.exec(&sql, &values).await?;
        }
        tx.commit().await
    }

    /// Every gateway and method with attempts since `day_from`, with their counts since
    /// `recent_from` and since `day_from`, by gateway and method.
    pub async fn payment_health_tallies(
        &self,
        day_from: Timestamp,
        recent_from: Timestamp,
    ) -> Result<Vec<HealthTallies>, StoreError> {
        let counted: Vec<String> = COUNTS
            .iter()
            .map(|c| (*c).to_string())
            .chain(latency_columns())
            .collect();
        let sums = counted
            .iter()
            .map(|c| {
                format!(
                    "CAST(COALESCE(SUM({c}), 0) AS BIGINT) AS {c}, \
                     CAST(COALESCE(SUM(CASE WHEN minute >= $2 THEN {c} ELSE 0 END), 0) AS BIGINT) AS recent_{c}"
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT gateway, method, {sums} FROM payment_health_minutes WHERE minute >= $1 \
             GROUP BY gateway, method ORDER BY gateway, method"
        );
        let mut tx = self.read().await?;
        tx.rows(&sql, &args![day_from.0, recent_from.0])
            .await?
            .iter()
            .map(|r| {
                Ok(HealthTallies {
                    gateway: r.text("gateway")?,
                    method: r.text("method")?,
                    recent: tally_from(r, "recent_")?,
                    day: tally_from(r, "")?,
                })
            })
            .collect()
    }

    /// Decline and failure codes counted since `from`, per gateway and method, most
    /// frequent first.
    pub async fn payment_health_codes(
        &self,
        from: Timestamp,
    ) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT gateway, method, code, CAST(SUM(attempts) AS BIGINT) AS n FROM payment_health_codes \
             WHERE minute >= $1 GROUP BY gateway, method, code ORDER BY gateway, method, n DESC, code",
            &args![from.0],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.text("gateway")?,
                r.text("method")?,
                r.text("code")?,
                r.i64("n")?,
            ))
        })
        .collect()
    }

    /// Removes counts of minutes before `before`; returns how many rows went.
    pub async fn prune_payment_health(&self, before: Timestamp) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let minutes = tx
            .exec(
                "DELETE FROM payment_health_minutes WHERE minute < $1",
                &args![before.0],
            )
            .await?;
        let codes = tx
            .exec(
                "DELETE FROM payment_health_codes WHERE minute < $1",
                &args![before.0],
            )
            .await?;
        tx.commit().await?;
        Ok(minutes + codes)
    }

    /// The objectives set, the default (`*`, `*`) first if set.
    pub async fn payment_objectives(&self) -> Result<Vec<StoredObjective>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT gateway, method, success_rate_bp, p95_latency_ms, updated_at FROM payment_objectives \
             ORDER BY CASE WHEN gateway = '*' THEN 0 ELSE 1 END, gateway, method",
            &[],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(StoredObjective {
                gateway: r.text("gateway")?,
                method: r.text("method")?,
                objective: Objective::from_bp(r.i64("success_rate_bp")?, r.i64("p95_latency_ms")?),
                updated_at: Timestamp(r.i64("updated_at")?),
            })
        })
        .collect()
    }

    /// Replaces every objective with `objectives`, with the `config_changed` event, in
    /// one transaction.
    pub async fn replace_payment_objectives(
        &self,
        objectives: &[StoredObjective],
        event: &NewEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        tx.exec("DELETE FROM payment_objectives", &[]).await?;
        for o in objectives {
            tx.exec(
                "INSERT INTO payment_objectives (gateway, method, success_rate_bp, p95_latency_ms, updated_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                &args![
                    &o.gateway,
                    &o.method,
                    o.objective.success_rate_bp(),
                    o.objective.p95_latency_ms,
                    o.updated_at.0
                ],
            )
            .await?;
        }
        event::append(&mut tx, event, None).await?;
        tx.commit().await
    }
}
