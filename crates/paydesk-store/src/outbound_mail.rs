//! Outgoing mail: one email per public staff reply, queued in the reply's own transaction
//! and sent by a durable job (see [`crate::job`]).
//!
//! Queuing with the reply means an acknowledged reply always has its email, and a reply
//! that was refused has none. Each email gets its Message-ID when queued and keeps it
//! through retries; the id is recorded in `mail_threads` at once, so a customer's answer
//! that quotes it threads back to the ticket even if paydesk stopped right after sending.
//! `status` is the email's own truth: once `sent`, a job that runs again sends nothing.

use crate::error::StoreError;
use crate::job::{self, JobId, NewJob, Settlement};
use crate::sql::{Row, Tx};
use crate::{Store, args, event, ticket};
use paydesk_domain::event::NewEvent;
use paydesk_domain::message::{Message, NewMessage};
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{MessageId, TicketId, Timestamp};
use serde_json::json;

/// The job kind that sends outgoing mail.
pub const MAIL_JOB: &str = "mail";

/// Message-IDs kept in a new email's References (the first one and the latest ones).
pub const REFERENCES_CAP: usize = 20;

/// Where an email is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailStatus {
    /// Waiting for its first or next attempt (or for SMTP to be configured).
    Queued,
    Sent,
    /// Out of attempts; see `last_error`.
    Failed,
}

impl MailStatus {
    /// The stored label.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "queued" => Self::Queued,
            "sent" => Self::Sent,
            "failed" => Self::Failed,
            other => return Err(StoreError::Corrupt(format!("mail status '{other}'"))),
        })
    }
}

/// What the store needs to queue the email of a reply; the store finds the recipient (the
/// customer's first email) and the threading ids itself, inside the reply's transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOutboundMail {
    pub subject: String,
    /// Random text that makes the Message-ID unguessable and unique.
    pub mail_id_token: String,
    /// The domain of the From address, the right-hand side of the Message-ID.
    pub mail_id_domain: String,
    pub max_attempts: i64,
    /// Appended to the timeline when an email is queued; the store adds the mail's ids
    /// to its data.
    pub queued_event: NewEvent,
}

/// An email as stored, with when its next attempt is due while queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundMail {
    pub id: i64,
    pub ticket_id: TicketId,
    pub message_id: MessageId,
    pub job_id: JobId,
    /// Its Message-ID, with angle brackets.
    pub mail_id: String,
    pub recipient: String,
    pub subject: String,
    pub in_reply_to: Option<String>,
    /// Oldest first.
    pub references: Vec<String>,
    pub status: MailStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub next_attempt_at: Option<Timestamp>,
}

const COLUMNS: &str = "o.id, o.ticket_id, o.message_id, o.job_id, o.mail_id, o.recipient, o.subject, \
     o.in_reply_to, o.mail_references, o.status, o.attempts, o.last_error, o.created_at, \
     o.updated_at, o.sent_at, CASE WHEN o.status = 'queued' THEN j.run_at END AS next_attempt_at";

fn mail_from_row(r: &Row) -> Result<OutboundMail, StoreError> {
    Ok(OutboundMail {
        id: r.i64("id")?,
        ticket_id: TicketId(r.i64("ticket_id")?),
        message_id: MessageId(r.i64("message_id")?),
        job_id: JobId(r.i64("job_id")?),
        mail_id: r.text("mail_id")?,
        recipient: r.text("recipient")?,
        subject: r.text("subject")?,
        in_reply_to: r.opt_text("in_reply_to")?,
        references: r
            .text("mail_references")?
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        status: MailStatus::parse(&r.text("status")?)?,
        attempts: r.i64("attempts")?,
        last_error: r.opt_text("last_error")?,
        created_at: Timestamp(r.i64("created_at")?),
        updated_at: Timestamp(r.i64("updated_at")?),
        sent_at: r.opt_i64("sent_at")?.map(Timestamp),
        next_attempt_at: r.opt_i64("next_attempt_at")?.map(Timestamp),
    })
}

/// The customer's first email, if the ticket has a customer with one.
async fn recipient(tx: &mut Tx, ticket: &Ticket) -> Result<Option<String>, StoreError> {
    let Some(customer) = ticket.customer_id else {
        return Ok(None);
    };
    let row = tx
        .row(
            "SELECT email FROM customer_emails WHERE customer_id = $1 ORDER BY position LIMIT 1",
            &args![customer.0],
        )
        .await?;
    row.map(|r| r.text("email")).transpose()
}

/// The ticket's Message-IDs, oldest first: In-Reply-To (the latest inbound one) and
/// References (the first and the latest, at most [`REFERENCES_CAP`]).
async fn threading(
    tx: &mut Tx,
    ticket_id: TicketId,
) -> Result<(Option<String>, Vec<String>), StoreError> {
    let rows = tx
        .rows(
            "SELECT mail_id, direction FROM mail_threads WHERE ticket_id = $1 ORDER BY created_at, mail_id",
            &args![ticket_id.0],
        )
        .await?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut in_reply_to = None;
    for r in &rows {
        // Kept without angle brackets (as the intake reads them); headers need them.
        let id = format!("<{}>", r.text("mail_id")?.trim_matches(['<', '>']));
        if r.text("direction")? == "in" {
            in_reply_to = Some(id.clone());
        }
        ids.push(id);
    }
    if ids.len() > REFERENCES_CAP {
        ids.drain(1..=ids.len() - REFERENCES_CAP);
    }
    Ok((in_reply_to, ids))
}

/// Queues the email of `message` inside `tx`. `None` when the ticket's customer has no
/// email address to send to.
async fn queue(
    tx: &mut Tx,
    ticket: &Ticket,
    message: &Message,
    mail: &NewOutboundMail,
    now: Timestamp,
) -> Result<Option<(OutboundMail, NewEvent)>, StoreError> {
    let Some(recipient) = recipient(tx, ticket).await? else {
        return Ok(None);
    };
    let (in_reply_to, references) = threading(tx, ticket.id).await?;
    let mail_id = format!(
        "<pd.{}.{}.{}@{}>",
        ticket.id.0, message.id.0, mail.mail_id_token, mail.mail_id_domain
    );
    let job_id = job::insert(
        tx,
        &NewJob {
            kind: MAIL_JOB.into(),
            ticket_id: Some(ticket.id),
            payload: json!({ "message_id": message.id.0 }),
            max_attempts: mail.max_attempts,
            run_at: now,
        },
        now,
    )
    .await?;
    let id = tx
        .insert_id(
            "INSERT INTO outbound_mail (ticket_id, message_id, job_id, mail_id, recipient, subject, \
             in_reply_to, mail_references, status, attempts, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $9) RETURNING id",
            &args![
                ticket.id.0,
                message.id.0,
                job_id.0,
                &mail_id,
                &recipient,
                &mail.subject,
                in_reply_to.as_deref(),
                references.join(" "),
                now.0
            ],
        )
        .await?;
    tx.exec(
        "INSERT INTO mail_threads (mail_id, ticket_id, message_id, direction, created_at) \
         VALUES ($1, $2, $3, 'out', $4)",
        &args![
            mail_id.trim_matches(['<', '>']),
            ticket.id.0,
            message.id.0,
            now.0
        ],
    )
    .await?;
    let mut event = mail.queued_event.clone();
    if let Some(data) = event.data.as_object_mut() {
        data.insert("outbound_mail_id".into(), json!(id));
        data.insert("message_id".into(), json!(message.id.0));
    }
    let stored = OutboundMail {
        id,
        ticket_id: ticket.id,
        message_id: message.id,
        job_id,
        mail_id,
        recipient,
        subject: mail.subject.clone(),
        in_reply_to,
        references,
        status: MailStatus::Queued,
        attempts: 0,
        last_error: None,
        created_at: now,
        updated_at: now,
        sent_at: None,
        next_attempt_at: Some(now),
    };
    Ok(Some((stored, event)))
}

/// A reply stored by [`reply_in`]: its message, its queued email, and every event to
/// append for it, in order (the caller's, the SLA clocks', the email's).
pub(crate) struct StoredReply {
    pub message: Message,
    pub mail: Option<OutboundMail>,
    pub events: Vec<NewEvent>,
}

/// Saves a reply inside `tx` like [`ticket::update_in`] and, when `mail` is given, queues
/// its email (see [`Store::add_reply_with_mail`]). The caller appends the returned events
/// last and commits.
pub(crate) async fn reply_in(
    tx: &mut Tx,
    ticket: &Ticket,
    expected_version: i64,
    events: &[NewEvent],
    message: &NewMessage,
    mail: Option<&NewOutboundMail>,
    now: Timestamp,
) -> Result<StoredReply, StoreError> {
    let updated = ticket::update_in(tx, ticket, expected_version, events, Some(message)).await?;
    let stored = updated
        .message
        .ok_or_else(|| StoreError::Corrupt("message not stored".into()))?;
    let queued = match mail {
        Some(mail) => queue(tx, ticket, &stored, mail, now).await?,
        None => None,
    };
    let mut all = [events, &updated.caused_events].concat();
    let queued = queued.map(|(m, e)| {
        all.push(e);
        m
    });
    Ok(StoredReply {
        message: stored,
        mail: queued,
        events: all,
    })
}

impl Store {
    /// Saves a reply like [`Store::update_ticket`] and, in the same transaction, queues
    /// its email to the ticket's customer (with a job to send it) when the customer has
    /// an email address. Returns the stored message and the queued email, if any.
    ///
    /// Errors as [`Store::update_ticket`]; nothing is written then.
    pub async fn add_reply_with_mail(
        &self,
        ticket: &Ticket,
        expected_version: i64,
        events: &[NewEvent],
        message: &NewMessage,
        mail: &NewOutboundMail,
        now: Timestamp,
    ) -> Result<(Message, Option<OutboundMail>), StoreError> {
        let mut tx = self.write().await?;
        let stored = reply_in(
            &mut tx,
            ticket,
            expected_version,
            events,
            message,
            Some(mail),
            now,
        )
        .await?;
        event::append_all(&mut tx, &stored.events, None).await?;
        tx.commit().await?;
        Ok((stored.message, stored.mail))
    }

    /// The email a mail job sends, with the reply's text. `None` when the job has none.
    pub async fn outbound_mail_of_job(
        &self,
        job_id: JobId,
    ) -> Result<Option<(OutboundMail, String)>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {COLUMNS}, m.body FROM outbound_mail o JOIN jobs j ON j.id = o.job_id \
             JOIN messages m ON m.id = o.message_id WHERE o.job_id = $1"
        );
        let row = tx.row(&sql, &args![job_id.0]).await?;
        row.map(|r| Ok((mail_from_row(&r)?, r.text("body")?)))
            .transpose()
    }

    /// A ticket's emails, oldest first.
    pub async fn outbound_mails(
        &self,
        ticket_id: TicketId,
    ) -> Result<Vec<OutboundMail>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM outbound_mail o JOIN jobs j ON j.id = o.job_id \
             WHERE o.ticket_id = $1 ORDER BY o.id"
        );
        tx.rows(&sql, &args![ticket_id.0])
            .await?
            .iter()
            .map(mail_from_row)
            .collect()
    }

    /// Records one attempt to send the email of job `job_id` and settles the job, with
    /// `events`, in one transaction. A sent email is recorded as sent (and its job done)
    /// even if `owner`'s claim lapsed meanwhile, since it did go out; a retry or failure
    /// is recorded only while `owner` holds the claim. Returns whether anything changed.
    pub async fn settle_mail(
        &self,
        job_id: JobId,
        owner: &str,
        attempts: i64,
        settlement: &Settlement,
        events: &[NewEvent],
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let (status, error) = match settlement {
            Settlement::Done => (MailStatus::Sent, None),
            Settlement::Retry { error, .. } => (MailStatus::Queued, Some(error.as_str())),
            Settlement::Failed { error } => (MailStatus::Failed, Some(error.as_str())),
        };
        let held = job::settle_in(&mut tx, job_id, owner, settlement, now).await?;
        if !held && status != MailStatus::Sent {
            return Ok(false);
        }
        if !held {
            tx.exec(
                "UPDATE jobs SET status = 'done', locked_by = NULL, locked_until = NULL, updated_at = $1 WHERE id = $2",
                &args![now.0, job_id.0],
            )
            .await?;
        }
        let sent_at = (status == MailStatus::Sent).then_some(now.0);
        let touched = tx
            .exec(
                "UPDATE outbound_mail SET status = $1, attempts = $2, last_error = COALESCE($3, last_error), \
                 sent_at = COALESCE($4, sent_at), updated_at = $5 WHERE job_id = $6 AND status <> 'sent'",
                &args![status.as_str(), attempts, error, sent_at, now.0, job_id.0],
            )
            .await?;
        if touched == 0 {
            // Already recorded as sent: nothing new to tell the timeline.
            tx.commit().await?;
            return Ok(held);
        }
        event::append_all(&mut tx, events, None).await?;
        tx.commit().await?;
        Ok(true)
    }
}
