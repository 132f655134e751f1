//! Incident work: the handler of `incident_update` jobs (a public update's replies to the
//! linked tickets), and the incident loop, which every minute runs the matching rules of
//! the incidents being worked (so tickets arriving later are linked), the payment health
//! check (proposing incidents for sharp drops) and the pruning of old health counts.
//!
//! Safe with several instances: jobs are claimed by one runner at a time and deliveries
//! are recorded per ticket; links and proposals are refused a second time by their keys.

use crate::runner::{Handler, JobFuture};
use paydesk_app::jobs::JobError;
use paydesk_app::{App, AppError, Caller};
use paydesk_store::Job;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Delivers a public incident update to its tickets.
#[derive(Debug, Clone, Copy, Default)]
pub struct UpdateHandler;

impl Handler for UpdateHandler {
    fn run<'a>(&'a self, app: &'a App, job: &'a Job) -> JobFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let update = app.run_incident_update_job(job).await?;
            tracing::info!(
                update = update.id,
                incident = update.incident_id.0,
                sent = update.sent,
                skipped = update.skipped,
                "incident update delivered"
            );
            Ok(())
        })
    }
}

/// What one round of the incident loop did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    /// Tickets linked by the rules of incidents being worked.
    pub linked: usize,
    /// Incidents the health check proposed.
    pub proposed: Vec<i64>,
}

/// One round: matching rules, then the health check, then pruning.
pub async fn round(app: &App) -> Result<Round, AppError> {
    let linked = app.match_open_incidents().await?;
    let proposed = app
        .check_payment_health(&Caller::system())
        .await?
        .into_iter()
        .map(|i| i.id.0)
        .collect();
    app.prune_payment_health().await?;
    Ok(Round { linked, proposed })
}

/// How often the incident loop runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentLoop {
    pub every: Duration,
}

impl Default for IncidentLoop {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(60),
        }
    }
}

impl IncidentLoop {
    /// Starts the loop; it runs until the process ends. A failed round is logged and the
    /// next one tries again.
    #[must_use]
    pub fn spawn(self, app: App) -> JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(self.every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match round(&app).await {
                    Ok(r) if r.linked == 0 && r.proposed.is_empty() => {}
                    Ok(r) => tracing::info!(
                        linked = r.linked,
                        proposed = ?r.proposed,
                        "incident round"
                    ),
                    Err(e) => {
                        tracing::warn!(error = %e, "incident round failed; trying again in a minute")
                    }
                }
            }
        })
    }
}
