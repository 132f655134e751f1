//! The refund sweep: takes up refunds whose execution is due (approved but not started,
//! or executing with no result recorded after a crash, a lost answer or a retryable
//! failure), see `App::retry_refunds`. Every instance runs it; each refund is taken by one
//! of them, and the connector is called with the refund's own idempotency key, so a
//! refund taken up again never pays twice.

use paydesk_app::App;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often the sweep looks for refunds to take up.
pub const EVERY: Duration = Duration::from_secs(30);

/// Refunds taken up per round.
pub const BATCH: i64 = 100;

/// Starts the sweep; it runs until the process ends and survives database errors.
#[must_use]
pub fn spawn(app: App) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            match app.retry_refunds(BATCH).await {
                Ok(0) => {}
                Ok(attempted) => tracing::info!(attempted, "took up refunds due for execution"),
                Err(e) => {
                    tracing::warn!(error = %e, "could not look for refunds to take up; trying again shortly");
                }
            }
        }
    })
}
