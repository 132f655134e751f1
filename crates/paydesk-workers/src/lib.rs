//! paydesk's background work: durable jobs claimed from the database with leases and run
//! with retries (see [`runner`]), the SMTP sending of outgoing mail (see [`smtp`]), the
//! routing loop (see [`routing`]), the incident loop (see [`incidents`]) and the refund
//! sweep (see [`refunds`]), and the rule loops with their mail and webhook jobs (see
//! [`rules`]).
//!
//! A serving instance starts them with [`spawn`]; each runs until the process ends. Jobs
//! survive restarts and crashes: what was queued is still queued, and a claim held by a
//! worker that died lapses and is taken again.

pub mod incidents;
pub mod mail;
pub mod refunds;
pub mod routing;
pub mod rules;
pub mod runner;
pub mod sla;
pub mod smtp;
pub mod timers;

pub use runner::{Handler, JobFuture, Ran, Runner};

use paydesk_app::App;
use paydesk_app::rules::{RULE_NOTIFY_JOB, RULE_WEBHOOK_JOB};
use paydesk_store::{INCIDENT_UPDATE_JOB, MAIL_JOB, SLA_REAPPLY_JOB};
use tokio::task::JoinHandle;

/// The job runner `app`'s settings call for: with SMTP configured, it sends outgoing
/// mail; without, mail jobs are left queued (visible on their tickets) for an instance
/// that has SMTP settings, or for this one once restarted with them.
#[must_use]
pub fn runner(app: &App) -> Runner {
    let runner = Runner::new(app)
        .with_handler(SLA_REAPPLY_JOB, sla::ReapplyHandler)
        .with_handler(INCIDENT_UPDATE_JOB, incidents::UpdateHandler)
        .with_handler(RULE_WEBHOOK_JOB, rules::WebhookHandler::default());
    match &app.intake().smtp {
        Some(settings) => {
            let sender = smtp::SmtpSender::new(settings, &app.intake().mail_from);
            runner
                .with_handler(MAIL_JOB, mail::MailHandler::new(sender.clone()))
                .with_handler(RULE_NOTIFY_JOB, rules::NotifyHandler::new(sender))
        }
        None => runner,
    }
}

/// Starts every background worker of `app`: the job runner, the timer loop, the chat
/// sweeper, the routing loop, the incident loop and the refund sweep.
#[must_use]
pub fn spawn(app: &App) -> Vec<JoinHandle<()>> {
    let mut handles = vec![
        runner(app).spawn(),
        chat_sweeper(app.clone()),
        timers::spawn(app.clone()),
        routing::RoutingLoop::default().spawn(app.clone()),
        incidents::IncidentLoop::default().spawn(app.clone()),
        refunds::spawn(app.clone()),
        rules::spawn(app.clone(), std::time::Duration::from_secs(1)),
    ];
    if app.intake().smtp.is_none() {
        let store = app.store().clone();
        handles.push(tokio::spawn(async move {
            if let Ok(queued) = store.pending_jobs(MAIL_JOB).await {
                tracing::warn!(
                    queued,
                    "outgoing mail is not configured (set PAYDESK_SMTP_HOST): replies' emails stay queued"
                );
            }
        }));
    }
    handles
}

/// Ends idle chat sessions once a minute (a session is also ended when it is next met).
fn chat_sweeper(app: App) -> JoinHandle<()> {
    tokio::spawn(async move {
        let caller = paydesk_app::Caller::system();
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match app.end_idle_chat_sessions(&caller).await {
                Ok(0) => {}
                Ok(ended) => tracing::info!(ended, "ended idle chat sessions"),
                Err(e) => {
                    tracing::warn!(error = %e, "could not end idle chat sessions; trying again in a minute")
                }
            }
        }
    })
}
