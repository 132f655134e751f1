//! The timer loop: fires due timers (SLA warnings and breaches) as they fall due, in
//! batches, on every instance at once (the store hands each timer to one of them); each
//! firing's lag is exported as `paydesk_timer_lag_seconds` (see `App::fire_due_timers`).
//!
//! A timer that fell due while no instance ran fires at the next start, late, and its lag
//! says how late. The loop sleeps only when nothing is due: a full batch is followed at
//! once by the next, so a burst of timers drains as fast as the database allows.

use paydesk_app::App;
use paydesk_app::error::AppError;
use paydesk_store::FiredTimer;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Timers fired per transaction.
pub const BATCH: i64 = 500;

/// How long the loop sleeps when nothing is due: the most a timer waits past its due time
/// on an idle desk.
pub const POLL: Duration = Duration::from_millis(100);

/// Fires every timer due now, batch after batch; returns what fired.
pub async fn fire_due(app: &App) -> Result<Vec<FiredTimer>, AppError> {
    let mut all = Vec::new();
    loop {
        let fired = app.fire_due_timers(BATCH).await?;
        let full = i64::try_from(fired.len()).unwrap_or(i64::MAX) >= BATCH;
        all.extend(fired);
        if !full {
            return Ok(all);
        }
    }
}

/// Starts the loop; it runs until the process ends and survives database errors.
#[must_use]
pub fn spawn(app: App) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = fire_due(&app).await {
                tracing::warn!(error = %e, "could not fire due timers; trying again shortly");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            tokio::time::sleep(POLL).await;
        }
    })
}
