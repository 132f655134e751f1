//! Rule work: the trigger loop (every second, the ticket events past the cursor), the
//! time-rule sweep (every minute), and the jobs rules queue: `rule_notify` emails over
//! SMTP and `rule_webhook` calls, signed with HMAC-SHA256 when the rule has a secret.
//!
//! Safe with several instances: each loop is held by one instance at a time (a lease in
//! the store), and jobs are claimed by one runner at a time.

use crate::runner::{Handler, JobFuture};
use crate::smtp::SmtpSender;
use paydesk_app::App;
use paydesk_app::jobs::JobError;
use paydesk_app::outbound::{MailToSend, mail_domain};
use paydesk_app::rules::{WEBHOOK_SIGNATURE_HEADER, webhook_signature};
use paydesk_store::Job;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How long a webhook call may take before the attempt fails (and is retried).
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);
/// Most events one trigger round reads.
const TRIGGER_BATCH: i64 = 500;

fn text<'a>(job: &'a Job, key: &str) -> Result<&'a str, JobError> {
    job.payload
        .get(key)
        .and_then(|v| v.as_str())
        .ok_or_else(|| JobError::permanent(format!("the job has no {key}")))
}

/// Sends the emails rules queue.
#[derive(Debug, Clone)]
pub struct NotifyHandler {
    sender: SmtpSender,
}

impl NotifyHandler {
    #[must_use]
    pub fn new(sender: SmtpSender) -> Self {
        Self { sender }
    }
}

impl Handler for NotifyHandler {
    fn run<'a>(&'a self, app: &'a App, job: &'a Job) -> JobFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let from = app.intake().mail_from.clone();
            let mail = MailToSend {
                mail_id: format!("<rule-{}@{}>", job.id.0, mail_domain(&from)),
                from,
                to: text(job, "to")?.to_owned(),
                subject: text(job, "subject")?.to_owned(),
                in_reply_to: None,
                references: vec![],
                body: text(job, "text")?.to_owned(),
            };
            self.sender.send(&mail).await
        })
    }
}

/// Calls the webhooks rules queue: a POST of the JSON body, signed when there is a secret.
#[derive(Debug, Clone)]
pub struct WebhookHandler {
    client: reqwest::Client,
}

impl Default for WebhookHandler {
    fn default() -> Self {
        Self {
            client: reqwest::Client::builder()
                .timeout(WEBHOOK_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
        }
    }
}

impl Handler for WebhookHandler {
    fn run<'a>(&'a self, _app: &'a App, job: &'a Job) -> JobFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let url = text(job, "url")?;
            let body = text(job, "body")?.to_owned();
            let mut request = self
                .client
                .post(url)
                .header("Content-Type", "application/json");
            if let Some(secret) = job.payload.get("secret").and_then(|s| s.as_str()) {
                request = request.header(
                    WEBHOOK_SIGNATURE_HEADER,
                    webhook_signature(secret, body.as_bytes()),
                );
            }
            // The URL can carry a token in its query: errors name the host only.
            let host = reqwest::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_default();
            let response = request.body(body).send().await.map_err(|e| {
                let why = if e.is_timeout() {
                    "timed out"
                } else {
                    "could not connect"
                };
                JobError::transient(format!("webhook to {host}: {why}"))
            })?;
            let status = response.status();
            if status.is_success() {
                Ok(())
            } else if status.is_server_error() || status.as_u16() == 429 {
                Err(JobError::transient(format!(
                    "webhook to {host} answered {status}"
                )))
            } else {
                Err(JobError::permanent(format!(
                    "webhook to {host} answered {status}"
                )))
            }
        })
    }
}

/// Starts the trigger loop (every `every`) and the time-rule sweep (every minute).
#[must_use]
pub fn spawn(app: App, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let owner = format!("rules-{}", std::process::id());
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_sweep: Option<tokio::time::Instant> = None;
        loop {
            tick.tick().await;
            match app.run_triggers(&owner, TRIGGER_BATCH).await {
                Ok(r) if r.firings > 0 => tracing::info!(firings = r.firings, "triggers fired"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "trigger round failed; trying again"),
            }
            if last_sweep.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
                last_sweep = Some(tokio::time::Instant::now());
                match app.sweep_time_rules(&owner).await {
                    Ok(r) if r.firings > 0 => {
                        tracing::info!(firings = r.firings, "time rules fired")
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "time-rule sweep failed; trying next minute")
                    }
                }
            }
        }
    })
}
