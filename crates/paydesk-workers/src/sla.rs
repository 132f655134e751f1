//! The handler of `sla_reapply` jobs: after an SLA policy or calendar changes, brings every
//! open ticket under the policies as they are now (see `App::reapply_sla`).

use crate::runner::{Handler, JobFuture};
use paydesk_app::App;
use paydesk_app::jobs::JobError;
use paydesk_store::Job;

/// Re-applies SLA policies to open tickets.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReapplyHandler;

impl Handler for ReapplyHandler {
    fn run<'a>(&'a self, app: &'a App, _job: &'a Job) -> JobFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let batches = app
                .reapply_sla()
                .await
                .map_err(|e| JobError::transient(format!("cannot re-apply SLA policies: {e}")))?;
            tracing::info!(batches, "SLA policies re-applied to open tickets");
            Ok(())
        })
    }
}
