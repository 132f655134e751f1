//! Outgoing email: a staff member's public reply goes to the customer by email.
//!
//! The email is queued in the reply's own transaction (so an acknowledged reply is never
//! lost and never queued twice) and sent by a durable job that the workers run. Its
//! subject carries the ticket's reference token (`[PD-<id>]`) and its headers the
//! ticket's Message-IDs, so that the customer's answer threads back. Success and final
//! failure go on the ticket's timeline; [`App::ticket_deliveries`] shows each email's
//! status, attempts and last error.

use crate::error::AppError;
use crate::jobs::truncated;
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{Message, NewMessage};
use paydesk_domain::policy::Action;
use paydesk_domain::ticket::{Ticket, ticket_number};
use paydesk_domain::{Actor, TicketId, Timestamp};
use paydesk_store::{Job, MailStatus, NewOutboundMail, OutboundMail, Settlement, StoreError};
use rand::Rng as _;
use serde_json::json;

/// Attempts at sending one email before it is marked failed (retries over up to about an
/// hour with the default policy).
pub const MAIL_MAX_ATTEMPTS: i64 = 8;

/// An email ready to hand to an SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailToSend {
    /// The From header, e.g. `Payments Support <support@example.com>`.
    pub from: String,
    pub to: String,
    pub subject: String,
    /// The Message-ID, with angle brackets.
    pub mail_id: String,
    pub in_reply_to: Option<String>,
    /// Oldest first, with angle brackets.
    pub references: Vec<String>,
    /// Plain UTF-8 text: the reply and a footer about the reference token.
    pub body: String,
}

/// The subject of a reply's email: `Re: <subject> [PD-<id>]`, with no second `Re:` or
/// token when the ticket's subject already has them, and no line breaks.
#[must_use]
pub fn reply_subject(subject: &str, id: TicketId) -> String {
    let one_line: String = subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut rest = one_line.trim();
    while let Some(stripped) = strip_reply_prefix(rest) {
        rest = stripped;
    }
    let token = format!("[{}]", ticket_number(id));
    let has_token = paydesk_mail::ticket_reference(rest) == Some(id.0);
    match (rest.is_empty(), has_token) {
        (true, _) => format!("Re: {token}"),
        (false, true) => format!("Re: {rest}"),
        (false, false) => format!("Re: {rest} {token}"),
    }
}

fn strip_reply_prefix(s: &str) -> Option<&str> {
    let head = s.get(..3)?;
    (head.eq_ignore_ascii_case("re:")).then(|| s[3..].trim_start())
}

/// The domain of a From address (`Name <user@domain>` or `user@domain`), which names
/// paydesk's Message-IDs.
#[must_use]
pub fn mail_domain(mail_from: &str) -> String {
    let address = match (mail_from.rfind('<'), mail_from.rfind('>')) {
        (Some(open), Some(close)) if open < close => &mail_from[open + 1..close],
        _ => mail_from,
    };
    let domain: String = address
        .rsplit_once('@')
        .map_or("", |(_, d)| d)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    if domain.is_empty() {
        "paydesk.localhost".into()
    } else {
        domain.to_ascii_lowercase()
    }
}

/// The footer under every reply's email.
#[must_use]
pub fn footer(id: TicketId) -> String {
    format!(
        "\n\n-- \nPlease keep [{}] in the subject when you reply, so that your answer reaches this conversation.\n",
        ticket_number(id)
    )
}

/// A failure text fit for the append-only timeline: email addresses (which a server may
/// echo back) are left out, since the log cannot be erased later.
#[must_use]
pub fn without_addresses(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn random_token() -> String {
    let bytes: [u8; 8] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl App {
    /// Stores a reply with its events. A staff member's (a user's) public reply also
    /// queues its email to the customer, in the same transaction, and wakes the runner.
    pub(crate) async fn save_reply(
        &self,
        ticket: &Ticket,
        expected_version: i64,
        events: &[NewEvent],
        message: &NewMessage,
        is_public_staff_reply: bool,
        actor: &Actor,
    ) -> Result<Option<Message>, StoreError> {
        if !Self::reply_is_mailed(is_public_staff_reply, actor) {
            return self
                .store
                .update_ticket(ticket, expected_version, events, Some(message))
                .await;
        }
        let now = self.clock.now();
        let mail = self.reply_mail(ticket, actor, now);
        let (stored, queued) = self
            .store
            .add_reply_with_mail(ticket, expected_version, events, message, &mail, now)
            .await?;
        if queued.is_some() {
            self.jobs_waiting.notify_one();
        }
        Ok(Some(stored))
    }

    /// The email of a staff member's public reply on `ticket`, to queue with it.
    pub(crate) fn reply_mail(
        &self,
        ticket: &Ticket,
        actor: &Actor,
        now: Timestamp,
    ) -> NewOutboundMail {
        NewOutboundMail {
            subject: reply_subject(&ticket.subject, ticket.id),
            mail_id_token: random_token(),
            mail_id_domain: mail_domain(&self.intake.mail_from),
            max_attempts: MAIL_MAX_ATTEMPTS,
            queued_event: NewEvent::ticket(
                Some(ticket.id),
                actor,
                now,
                EventKind::MailQueued,
                json!({ "channel": "email" }),
            ),
        }
    }

    /// Whether a reply by `actor` emails the customer: a public one by a staff member (a
    /// user) or by a rule sending a macro's reply.
    #[must_use]
    pub(crate) fn reply_is_mailed(is_public_staff_reply: bool, actor: &Actor) -> bool {
        is_public_staff_reply && matches!(actor, Actor::User { .. } | Actor::Rule { .. })
    }

    /// The emails of a ticket's replies, oldest first: status (queued, sent, failed),
    /// attempts, last error, next attempt. Needs ticket read permission and sight of the
    /// ticket; the recipient is masked for callers who may not see personal data.
    /// Errors: [`AppError::NotFound`], [`AppError::Forbidden`].
    pub async fn ticket_deliveries(
        &self,
        caller: &Caller,
        id: TicketId,
    ) -> Result<Vec<OutboundMail>, AppError> {
        caller.require(Action::TicketRead)?;
        self.visible_ticket(caller, id).await?;
        let mut mails = self.store.outbound_mails(id).await?;
        if !caller.sees_pii() {
            for m in &mut mails {
                m.recipient = paydesk_domain::customer::mask_email(&m.recipient);
                m.last_error = m.last_error.as_deref().map(without_addresses);
            }
        }
        Ok(mails)
    }

    /// The email that mail job `job` sends. `None` when there is nothing to send: the job
    /// has no email, or its email was already sent (a job run again never sends twice).
    pub async fn mail_to_send(&self, job: &Job) -> Result<Option<MailToSend>, AppError> {
        let Some((mail, body)) = self.store.outbound_mail_of_job(job.id).await? else {
            return Ok(None);
        };
        if mail.status == MailStatus::Sent {
            return Ok(None);
        }
        Ok(Some(MailToSend {
            from: self.intake.mail_from.clone(),
            to: mail.recipient,
            subject: mail.subject,
            mail_id: mail.mail_id,
            in_reply_to: mail.in_reply_to,
            references: mail.references,
            body: format!("{}{}", body.trim_end(), footer(mail.ticket_id)),
        }))
    }

    /// Records how one attempt at sending mail job `job` went, settles the job and, when
    /// the email was sent or has failed for good, tells the ticket's timeline; all in one
    /// transaction. Returns false when nothing changed (the claim was no longer `owner`'s).
    pub async fn settle_mail(
        &self,
        job: &Job,
        owner: &str,
        settlement: &Settlement,
    ) -> Result<bool, AppError> {
        let now: Timestamp = self.clock.now();
        let data = |extra: serde_json::Value| {
            let mut d =
                json!({ "message_id": job.payload.get("message_id"), "attempts": job.attempts });
            if let (Some(d), Some(extra)) = (d.as_object_mut(), extra.as_object()) {
                d.extend(extra.clone());
            }
            d
        };
        let event = |kind, d| NewEvent::ticket(job.ticket_id, &Actor::System, now, kind, d);
        let events = match settlement {
            Settlement::Done => vec![event(EventKind::MailSent, data(json!({})))],
            Settlement::Failed { error } => vec![event(
                EventKind::MailFailed,
                data(json!({ "error": truncated(&without_addresses(error)) })),
            )],
            Settlement::Retry { .. } => vec![],
        };
        Ok(self
            .store
            .settle_mail(job.id, owner, job.attempts, settlement, &events, now)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_get_one_re_and_one_token() {
        let id = TicketId(42);
        assert_eq!(
            reply_subject("Refund missing", id),
            "Re: Refund missing [PD-42]"
        );
        assert_eq!(
            reply_subject("RE: re:Refund missing", id),
            "Re: Refund missing [PD-42]"
        );
        assert_eq!(
            reply_subject("Re: Refund missing [PD-42]", id),
            "Re: Refund missing [PD-42]"
        );
        assert_eq!(
            reply_subject("Refund [PD-7] missing", id),
            "Re: Refund [PD-7] missing [PD-42]"
        );
        assert_eq!(
            reply_subject("a\r\nBcc: x@y", id),
            "Re: a  Bcc: x@y [PD-42]"
        );
        assert_eq!(reply_subject("  ", id), "Re: [PD-42]");
    }

    #[test]
    fn domains_come_from_the_address() {
        assert_eq!(
            mail_domain("Payments Support <Support@Example.COM>"),
            "example.com"
        );
        assert_eq!(mail_domain("help@desk.example"), "desk.example");
        assert_eq!(mail_domain("nobody"), "paydesk.localhost");
    }

    #[test]
    fn addresses_stay_off_the_timeline() {
        assert_eq!(
            without_addresses("550 <ana@example.com> unknown"),
            "550 <address> unknown"
        );
    }
}
