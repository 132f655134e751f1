//! Email threading and kept mail: which ticket each Message-ID belongs to, and the mail
//! that reached no ticket as a message (noise, unparseable) with the reason.

use crate::error::StoreError;
use crate::sql::{Value, placeholders};
use crate::{Store, args};
use paydesk_domain::{CustomerId, MessageId, TicketId, Timestamp};

/// Which way a mail went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailDirection {
    In,
    Out,
}

impl MailDirection {
    fn as_str(self) -> &'static str {
        match self {
            MailDirection::In => "in",
            MailDirection::Out => "out",
        }
    }
}

/// A mail kept as received because it became no message of its own: an auto-reply or a
/// bounce (`outcome` `noise`), or one that could not be parsed (`unparseable`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptMail {
    pub received_at: Timestamp,
    pub mail_id: Option<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    /// normal, auto_reply, bounce or unknown.
    pub kind: String,
    pub outcome: String,
    pub reason: String,
    pub ticket_id: Option<TicketId>,
    pub size_bytes: i64,
    pub sha256: String,
    /// The message as text, already redacted.
    pub raw: String,
}

impl Store {
    /// The ticket one of `mail_ids` (Message-IDs from In-Reply-To and References)
    /// belongs to: the most recently recorded match.
    pub async fn ticket_of_mail(
        &self,
        mail_ids: &[String],
    ) -> Result<Option<TicketId>, StoreError> {
        if mail_ids.is_empty() {
            return Ok(None);
        }
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT ticket_id FROM mail_threads WHERE mail_id IN ({}) \
             ORDER BY created_at DESC, ticket_id DESC LIMIT 1",
            placeholders(1, mail_ids.len())
        );
        let values: Vec<Value> = mail_ids.iter().map(Value::from).collect();
        tx.row(&sql, &values)
            .await?
            .map(|r| r.i64("ticket_id").map(TicketId))
            .transpose()
    }

    /// Whether an inbound mail with this Message-ID came before: `Some(ticket)` when it
    /// did (the ticket it reached, if any), `None` when it is new.
    pub async fn mail_received(
        &self,
        mail_id: &str,
    ) -> Result<Option<Option<TicketId>>, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row(
                "SELECT ticket_id FROM mail_threads WHERE mail_id = $1 AND direction = 'in' \
                 UNION ALL SELECT ticket_id FROM inbound_mail WHERE mail_id = $1 LIMIT 1",
                &args![mail_id],
            )
            .await?;
        row.map(|r| r.opt_i64("ticket_id").map(|t| t.map(TicketId)))
            .transpose()
    }

    /// Records that `mail_id` belongs to `ticket_id` (a first record wins).
    pub async fn record_mail_thread(
        &self,
        mail_id: &str,
        ticket_id: TicketId,
        message_id: Option<MessageId>,
        direction: MailDirection,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        tx.exec(
            "INSERT INTO mail_threads (mail_id, ticket_id, message_id, direction, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (mail_id) DO NOTHING",
            &args![
                mail_id,
                ticket_id.0,
                message_id.map(|m| m.0),
                direction.as_str(),
                at.0
            ],
        )
        .await?;
        tx.commit().await
    }

    /// Keeps a mail that became no message of its own; returns its id.
    pub async fn keep_mail(&self, mail: &KeptMail) -> Result<i64, StoreError> {
        let mut tx = self.write().await?;
        let id = tx
            .insert_id(
                "INSERT INTO inbound_mail (received_at, mail_id, sender, subject, kind, outcome, \
                 reason, ticket_id, size_bytes, sha256, raw) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &args![
                    mail.received_at.0,
                    mail.mail_id.as_deref(),
                    mail.sender.as_deref(),
                    mail.subject.as_deref(),
                    mail.kind.as_str(),
                    mail.outcome.as_str(),
                    mail.reason.as_str(),
                    mail.ticket_id.map(|t| t.0),
                    mail.size_bytes,
                    mail.sha256.as_str(),
                    mail.raw.as_str()
                ],
            )
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The oldest customer with this (normalised) email address.
    pub async fn customer_by_email(&self, email: &str) -> Result<Option<CustomerId>, StoreError> {
        let mut tx = self.read().await?;
        tx.row(
            "SELECT customer_id FROM customer_emails WHERE email = $1 \
                 ORDER BY customer_id LIMIT 1",
            &args![email],
        )
        .await?
        .map(|r| r.i64("customer_id").map(CustomerId))
        .transpose()
    }
}
