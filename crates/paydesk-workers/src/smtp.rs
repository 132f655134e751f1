//! Sending mail over SMTP (lettre, rustls): the transport built from paydesk's SMTP
//! settings, and the message built from a reply's [`MailToSend`].
//!
//! Settings' secrets stay out of every log and error: errors carry the server's answer
//! or the connection failure, never the credentials.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use paydesk_app::jobs::JobError;
use paydesk_app::outbound::{MailToSend, mail_domain};
use paydesk_app::settings::{SmtpSecurity, SmtpSettings};
use std::time::Duration;

/// How long one SMTP command may take before the attempt fails (well under a job's lease).
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// An SMTP connection recipe; each send opens a connection of its own.
#[derive(Clone)]
pub struct SmtpSender {
    transport: Result<AsyncSmtpTransport<Tokio1Executor>, String>,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSender").finish_non_exhaustive()
    }
}

impl SmtpSender {
    /// A sender for `settings`, greeting the server with the domain of `mail_from`. Bad
    /// settings do not fail here: each send then fails with the reason (and is retried,
    /// so mail waits for fixed settings instead of being lost).
    #[must_use]
    pub fn new(settings: &SmtpSettings, mail_from: &str) -> Self {
        let transport = build_transport(settings, mail_from).map_err(|e| {
            format!(
                "SMTP settings for {}:{} are not usable: {e}",
                settings.host, settings.port
            )
        });
        if let Err(e) = &transport {
            tracing::error!(error = %e, "outgoing mail cannot be sent");
        }
        Self { transport }
    }

    /// Sends `mail`. Errors: a permanent [`JobError`] when the message cannot be built
    /// (an unusable address); a transient one for anything the server or the network
    /// said, so that it is retried.
    pub async fn send(&self, mail: &MailToSend) -> Result<(), JobError> {
        let message = build_message(mail).map_err(JobError::permanent)?;
        let transport = self.transport.as_ref().map_err(JobError::transient)?;
        transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| JobError::transient(format!("SMTP: {e}")))
    }
}

fn build_transport(
    s: &SmtpSettings,
    mail_from: &str,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    let builder = match s.security {
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)?,
    };
    let mut builder = builder
        .port(s.port)
        .timeout(Some(SMTP_TIMEOUT))
        .hello_name(ClientId::Domain(mail_domain(mail_from)));
    if let Some(user) = &s.username {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            s.password.clone().unwrap_or_default(),
        ));
    }
    Ok(builder.build())
}

/// The RFC 5322 message of `mail`: plain UTF-8 text with paydesk's threading headers.
pub fn build_message(mail: &MailToSend) -> Result<Message, String> {
    let from: Mailbox = mail
        .from
        .parse()
        .map_err(|e| format!("the From address (mail_from) is not usable: {e}"))?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| format!("the customer's address is not usable: {e}"))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.mail_id.clone()));
    if let Some(parent) = &mail.in_reply_to {
        builder = builder.in_reply_to(parent.clone());
    }
    if !mail.references.is_empty() {
        builder = builder.references(mail.references.join(" "));
    }
    builder
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body.clone()),
        )
        .map_err(|e| format!("the message cannot be built: {e}"))
}
