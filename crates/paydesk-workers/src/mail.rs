//! The handler of mail jobs: sends a reply's email and records the attempt on the email,
//! its job and (when sent, or failed for good) the ticket's timeline.

use crate::runner::{Handler, JobFuture};
use crate::smtp::SmtpSender;
use paydesk_app::App;
use paydesk_app::error::AppError;
use paydesk_app::jobs::JobError;
use paydesk_store::{Job, Settlement};

/// Sends outgoing mail through one SMTP server.
#[derive(Debug, Clone)]
pub struct MailHandler {
    sender: SmtpSender,
}

impl MailHandler {
    #[must_use]
    pub fn new(sender: SmtpSender) -> Self {
        Self { sender }
    }
}

impl Handler for MailHandler {
    fn run<'a>(&'a self, app: &'a App, job: &'a Job) -> JobFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let mail = app
                .mail_to_send(job)
                .await
                .map_err(|e| JobError::transient(format!("cannot read the email: {e}")))?;
            match mail {
                // Already sent (or gone): settling records the job as done, sending nothing.
                None => Ok(()),
                Some(mail) => self.sender.send(&mail).await,
            }
        })
    }

    fn settle<'a>(
        &'a self,
        app: &'a App,
        job: &'a Job,
        owner: &'a str,
        settlement: Settlement,
    ) -> JobFuture<'a, Result<bool, AppError>> {
        Box::pin(async move { app.settle_mail(job, owner, &settlement).await })
    }
}
