//! The routing loop: every round moves overdue tickets to their overflow queues, then
//! assigns unassigned tickets in every automatic queue. A round runs every
//! [`RoutingLoop::every`] and sooner when the services ask (a ticket arrived, an agent came
//! online or has room again).
//!
//! Safe with several instances on one PostgreSQL: every assignment goes through the
//! store's locked claim path and overflow picks its tickets with `SKIP LOCKED`, so two
//! loops running at once never assign a ticket twice or an agent beyond capacity; the
//! loser of a race just skips that ticket.

use paydesk_app::{App, Caller};
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often the routing loop runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingLoop {
    pub every: Duration,
}

impl Default for RoutingLoop {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(2),
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub overflowed: usize,
    pub assigned: usize,
}

/// One round: overflow, then automatic assignment.
pub async fn round(app: &App) -> Result<Round, paydesk_app::AppError> {
    let caller = Caller::system();
    let overflowed = app.overflow_due(&caller).await?;
    let assigned = app.route_all(&caller).await?;
    Ok(Round {
        overflowed,
        assigned,
    })
}

impl RoutingLoop {
    /// Starts the loop; it runs until the process ends. A failed round is logged and the
    /// next one tries again.
    #[must_use]
    pub fn spawn(self, app: App) -> JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match round(&app).await {
                    Ok(Round {
                        overflowed: 0,
                        assigned: 0,
                    }) => {}
                    Ok(r) => tracing::info!(
                        overflowed = r.overflowed,
                        assigned = r.assigned,
                        "routing round"
                    ),
                    Err(e) => tracing::warn!(error = %e, "routing round failed; trying again"),
                }
                let _ = tokio::time::timeout(self.every, app.routing_wanted().notified()).await;
            }
        })
    }
}
