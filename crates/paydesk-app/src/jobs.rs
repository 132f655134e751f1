//! Durable jobs as the services see them: claiming due work, settling it, and the retry
//! policy (exponential backoff with jitter).
//!
//! Jobs are enqueued by the use cases that call for them, inside their own transaction
//! (a reply's email, say); the workers claim and run them. These functions are for
//! workers, which act as paydesk itself, so they take no [`crate::Caller`].

use crate::App;
use crate::error::AppError;
use paydesk_domain::Timestamp;
use paydesk_store::{Job, JobId, NewJob, Settlement};
use rand::Rng as _;

/// Longest failure text kept on a job or an email.
pub const ERROR_MAX_CHARS: usize = 500;

/// Why one run of a job did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    /// What went wrong, for people (never holds a secret).
    pub message: String,
    /// No retry can mend it (the job is failed at once).
    pub is_permanent: bool,
}

impl JobError {
    /// A failure that a later attempt may not meet (a server down, a timeout).
    #[must_use]
    pub fn transient(message: impl std::fmt::Display) -> Self {
        Self {
            message: message.to_string(),
            is_permanent: false,
        }
    }

    /// A failure that retrying cannot mend (a message that cannot be built).
    #[must_use]
    pub fn permanent(message: impl std::fmt::Display) -> Self {
        Self {
            message: message.to_string(),
            is_permanent: true,
        }
    }
}

/// When a failed job runs again: the n-th failure waits `base_ms * 2^(n-1)`, at most
/// `max_ms`, less a random part of up to half (jitter), so that jobs that failed together
/// do not all come back together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base_ms: i64,
    pub max_ms: i64,
}

impl Default for RetryPolicy {
    /// 30 seconds, doubling, at most an hour.
    fn default() -> Self {
        Self {
            base_ms: 30_000,
            max_ms: 3_600_000,
        }
    }
}

impl RetryPolicy {
    /// The longest wait after the `attempt`-th failure (1-based), before jitter.
    #[must_use]
    pub fn ceiling_ms(&self, attempt: i64) -> i64 {
        let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 62)).unwrap_or(62);
        let factor = 1_i64.checked_shl(doublings).unwrap_or(i64::MAX);
        self.base_ms
            .max(1)
            .saturating_mul(factor)
            .min(self.max_ms.max(1))
    }

    /// The wait after the `attempt`-th failure: between half the ceiling and the ceiling.
    #[must_use]
    pub fn delay_ms(&self, attempt: i64) -> i64 {
        let ceiling = self.ceiling_ms(attempt);
        let floor = (ceiling / 2).max(1);
        rand::rng().random_range(floor..=ceiling.max(floor))
    }

    /// How a claimed `job` that failed with `error` is settled at `now`: retried later
    /// while it has attempts left and the failure may pass, failed otherwise.
    #[must_use]
    pub fn settlement(&self, job: &Job, error: &JobError, now: Timestamp) -> Settlement {
        let text = truncated(&error.message);
        if error.is_permanent || job.attempts >= job.max_attempts {
            return Settlement::Failed { error: text };
        }
        Settlement::Retry {
            at: Timestamp(now.0.saturating_add(self.delay_ms(job.attempts))),
            error: text,
        }
    }
}

/// `text` cut to [`ERROR_MAX_CHARS`] characters, with card data masked.
#[must_use]
pub fn truncated(text: &str) -> String {
    let masked = paydesk_domain::redaction::redact(text).text;
    match masked.char_indices().nth(ERROR_MAX_CHARS) {
        Some((at, _)) => format!("{}…", &masked[..at]),
        None => masked,
    }
}

impl App {
    /// Enqueues a job on its own and wakes this instance's runner.
    pub async fn enqueue_job(&self, job: &NewJob) -> Result<JobId, AppError> {
        let id = self.store.enqueue_job(job, self.clock.now()).await?;
        self.jobs_waiting.notify_one();
        Ok(id)
    }

    /// Claims the next due job of one of `kinds` for `owner`, for `lease_ms`.
    pub async fn claim_job(
        &self,
        owner: &str,
        kinds: &[&str],
        lease_ms: i64,
    ) -> Result<Option<Job>, AppError> {
        Ok(self
            .store
            .claim_job(owner, kinds, self.clock.now(), lease_ms)
            .await?)
    }

    /// Settles a job `owner` claimed. Returns false when the claim was no longer its own.
    pub async fn settle_job(
        &self,
        job: &Job,
        owner: &str,
        settlement: &Settlement,
    ) -> Result<bool, AppError> {
        Ok(self
            .store
            .settle_job(job.id, owner, settlement, &[], self.clock.now())
            .await?)
    }

    /// Woken whenever this instance enqueues a job, so a runner need not wait for its
    /// next poll. A wake-up sent while no runner waits is kept for the next wait.
    #[must_use]
    pub fn jobs_waiting(&self) -> &tokio::sync::Notify {
        &self.jobs_waiting
    }
}
