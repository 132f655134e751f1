//! The job runner: claims due jobs from the database, runs each with the handler of its
//! kind, and settles it (done, retry with backoff, failed).
//!
//! Generic over job kinds: a kind names a [`Handler`]; jobs of kinds this runner has no
//! handler for stay queued for a runner that has one. The loop never stops on a job's
//! failure: a handler's error (or panic) becomes a retry or a failure of that job, and a
//! database error is logged and tried again at the next poll.

use paydesk_app::App;
use paydesk_app::error::AppError;
use paydesk_app::jobs::{JobError, RetryPolicy};
use paydesk_store::{Job, Settlement};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// A boxed future, so handlers can be kept as trait objects.
pub type JobFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Runs the jobs of one kind.
pub trait Handler: Send + Sync + 'static {
    /// Does one claimed job's work.
    fn run<'a>(&'a self, app: &'a App, job: &'a Job) -> JobFuture<'a, Result<(), JobError>>;

    /// Records how the run went, with anything the kind keeps of its own, in one
    /// transaction. Returns false when `owner` no longer held the claim.
    fn settle<'a>(
        &'a self,
        app: &'a App,
        job: &'a Job,
        owner: &'a str,
        settlement: Settlement,
    ) -> JobFuture<'a, Result<bool, AppError>> {
        Box::pin(async move { app.settle_job(job, owner, &settlement).await })
    }
}

/// What happened to one claimed job.
#[derive(Debug, Clone, PartialEq)]
pub struct Ran {
    pub job: Job,
    pub settlement: Settlement,
}

/// Most jobs one [`Runner::run_due`] runs, so one call always ends.
const RUN_DUE_LIMIT: usize = 1_000;

/// Tries at recording a job's outcome before the runner gives up on it (and the claim lapses).
const SETTLE_TRIES: u64 = 5;

/// Claims and runs jobs for one instance.
#[derive(Clone)]
pub struct Runner {
    app: App,
    owner: String,
    handlers: BTreeMap<String, Arc<dyn Handler>>,
    policy: RetryPolicy,
    lease_ms: i64,
    poll: Duration,
}

impl Runner {
    /// A runner with no handlers, a unique owner name, the default retry policy, a
    /// five-minute lease and a two-second poll.
    #[must_use]
    pub fn new(app: &App) -> Self {
        Self {
            app: app.clone(),
            owner: format!("{}-{:016x}", std::process::id(), rand_u64()),
            handlers: BTreeMap::new(),
            policy: RetryPolicy::default(),
            lease_ms: 5 * 60 * 1000,
            poll: Duration::from_secs(2),
        }
    }

    /// Runs jobs of `kind` with `handler`.
    #[must_use]
    pub fn with_handler(mut self, kind: &str, handler: impl Handler) -> Self {
        self.handlers.insert(kind.to_string(), Arc::new(handler));
        self
    }

    /// Waits between failed attempts as `policy` says.
    #[must_use]
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Holds each claim for `lease_ms`: longer than any run takes, since a run that
    /// outlasts it may be claimed again by another runner.
    #[must_use]
    pub fn with_lease_ms(mut self, lease_ms: i64) -> Self {
        self.lease_ms = lease_ms;
        self
    }

    /// Looks for due jobs at least this often (enqueues in this instance wake it sooner).
    #[must_use]
    pub fn with_poll(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// Names this runner's claims `owner` (unique per runner).
    #[must_use]
    pub fn with_owner(mut self, owner: &str) -> Self {
        self.owner = owner.to_string();
        self
    }

    /// The name this runner's claims carry.
    #[must_use]
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The kinds this runner runs.
    #[must_use]
    pub fn kinds(&self) -> Vec<&str> {
        self.handlers.keys().map(String::as_str).collect()
    }

    /// Claims one due job and runs it. `None` when nothing is due.
    pub async fn run_one(&self) -> Result<Option<Ran>, AppError> {
        let kinds = self.kinds();
        let Some(job) = self
            .app
            .claim_job(&self.owner, &kinds, self.lease_ms)
            .await?
        else {
            return Ok(None);
        };
        let Some(handler) = self.handlers.get(&job.kind).cloned() else {
            return Ok(None);
        };
        let outcome = if job.attempts > job.max_attempts {
            Err(JobError::permanent(
                "its last attempt never finished (the worker running it stopped)",
            ))
        } else {
            self.run_guarded(&handler, &job).await
        };
        let settlement = match &outcome {
            Ok(()) => Settlement::Done,
            Err(e) => self.policy.settlement(&job, e, self.app.now()),
        };
        if let Err(e) = &outcome {
            tracing::warn!(job = job.id.0, kind = %job.kind, attempt = job.attempts, error = %e.message, "job failed");
        }
        let held = self.settle(&handler, &job, &settlement).await?;
        if !held {
            tracing::warn!(job = job.id.0, "job's claim lapsed before it was settled");
        }
        Ok(Some(Ran { job, settlement }))
    }

    /// Settles, trying a few times: work that was done (an email sent) but not recorded
    /// would be done again once the claim lapses.
    async fn settle(
        &self,
        handler: &Arc<dyn Handler>,
        job: &Job,
        settlement: &Settlement,
    ) -> Result<bool, AppError> {
        let mut tries = 0;
        loop {
            tries += 1;
            match handler
                .settle(&self.app, job, &self.owner, settlement.clone())
                .await
            {
                Err(e) if tries < SETTLE_TRIES => {
                    tracing::warn!(job = job.id.0, error = %e, "cannot record a job's outcome; trying again");
                    tokio::time::sleep(Duration::from_millis(250 * tries)).await;
                }
                other => return other,
            }
        }
    }

    /// Runs the handler in a task of its own, so that a panic fails the job, not the runner.
    async fn run_guarded(&self, handler: &Arc<dyn Handler>, job: &Job) -> Result<(), JobError> {
        let (handler, app, job) = (handler.clone(), self.app.clone(), job.clone());
        match tokio::spawn(async move { handler.run(&app, &job).await }).await {
            Ok(outcome) => outcome,
            Err(e) => Err(JobError::transient(format!(
                "the job's handler stopped: {e}"
            ))),
        }
    }

    /// Runs due jobs until none is left; returns what ran, in order.
    pub async fn run_due(&self) -> Result<Vec<Ran>, AppError> {
        let mut ran = Vec::new();
        while ran.len() < RUN_DUE_LIMIT {
            match self.run_one().await? {
                Some(r) => ran.push(r),
                None => break,
            }
        }
        Ok(ran)
    }

    /// Runs due jobs forever: after each round it waits for the next poll or for a job
    /// enqueued by this instance, whichever comes first.
    pub async fn run(self) {
        tracing::info!(owner = %self.owner, kinds = ?self.kinds(), "job runner started");
        loop {
            if let Err(e) = self.run_due().await {
                tracing::warn!(error = %e, "job runner: cannot reach the database; trying again");
            }
            tokio::select! {
                () = self.app.jobs_waiting().notified() => {}
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// Starts [`Runner::run`] as a task.
    #[must_use]
    pub fn spawn(self) -> JoinHandle<()> {
        tokio::spawn(self.run())
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}
