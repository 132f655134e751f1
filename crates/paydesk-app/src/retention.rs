//! Retention rules: how long solved tickets stay open to a reply, and how long closed
//! tickets keep their texts. Applied by `paydesk retention run` (and, once durable jobs
//! exist, on a schedule).

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::Timestamp;
use paydesk_domain::event::EventKind;
use paydesk_domain::policy::Action;
use serde_json::json;

/// The rules; `None` leaves that step out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionRules {
    /// Solved tickets close this many days after they were solved.
    pub close_solved_after_days: Option<i64>,
    /// Closed tickets lose their texts this many days after they closed.
    pub anonymise_closed_after_days: Option<i64>,
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionRun {
    pub closed: u64,
    pub anonymised: u64,
}

impl App {
    /// Applies `rules` now, in batches; `progress(closed, anonymised)` after each batch.
    /// Requires `config_manage`. Recorded in the audit trail.
    pub async fn apply_retention(
        &self,
        caller: &Caller,
        rules: RetentionRules,
        progress: &(dyn Fn(RetentionRun) + Send + Sync),
    ) -> Result<RetentionRun, AppError> {
        caller.require(Action::ConfigManage)?;
        for days in [
            rules.close_solved_after_days,
            rules.anonymise_closed_after_days,
        ]
        .into_iter()
        .flatten()
        {
            if !(1..=36_500).contains(&days) {
                return Err(AppError::invalid(
                    "retention",
                    "periods are 1 to 36,500 days",
                ));
            }
        }
        let actor = caller.actor();
        let mut run = RetentionRun::default();
        let cutoff = |days: i64| Timestamp(self.clock.now().0 - days * Timestamp::DAY);
        if let Some(days) = rules.close_solved_after_days {
            while let n @ 1.. = self
                .store
                .close_solved_before(cutoff(days), &actor, self.clock.now())
                .await?
            {
                run.closed += n;
                progress(run);
            }
        }
        if let Some(days) = rules.anonymise_closed_after_days {
            while let n @ 1.. = self
                .store
                .anonymise_closed_before(cutoff(days), &actor, self.clock.now())
                .await?
            {
                run.anonymised += n;
                progress(run);
            }
        }
        let data = json!({
            "what": "retention_run",
            "close_solved_after_days": rules.close_solved_after_days,
            "anonymise_closed_after_days": rules.anonymise_closed_after_days,
            "closed": run.closed,
            "anonymised": run.anonymised,
        });
        self.audit(caller, EventKind::ConfigChanged, None, data)
            .await?;
        Ok(run)
    }
}
