//! Erasing a customer's identity on request (GDPR art. 17) while keeping the records the
//! law requires: tickets keep their status, times, category and links to payments; what
//! identifies the person (name, emails, phone, platform ids, the words of every message,
//! subjects, attachment names, the search index) is removed. The event log is not touched:
//! it never holds those words (see ADR 0002), and the erasure itself is one more event.

use crate::error::StoreError;
use crate::{Store, args, event};
use paydesk_domain::CustomerId;
use paydesk_domain::event::NewEvent;

/// What replaces erased text.
pub const ERASED: &str = "[erased at the customer's request]";

/// How much an erasure removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub tickets: u64,
    pub messages: u64,
}

impl Store {
    /// Erases the customer's identity and the texts of their tickets in one transaction,
    /// and appends `event` (from `ip`). Errors: [`StoreError::NotFound`].
    pub async fn erase_customer(
        &self,
        id: CustomerId,
        event: &NewEvent,
        ip: Option<&str>,
    ) -> Result<Erased, StoreError> {
        let mut tx = self.write().await?;
        let touched = tx
            .exec(
                "UPDATE customers SET name = $1, phone = NULL, locale = NULL, external_ids = '{}', \
                 version = version + 1, updated_at = $2 WHERE id = $3",
                &args![format!("Erased customer {}", id.0), event.at.0, id.0],
            )
            .await?;
        if touched == 0 {
            return Err(StoreError::NotFound { entity: "customer" });
        }
        tx.exec(
            "DELETE FROM customer_emails WHERE customer_id = $1",
            &args![id.0],
        )
        .await?;
        let messages = tx
            .exec(
                "UPDATE messages SET body = $1 WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = $2)",
                &args![ERASED, id.0],
            )
            .await?;
        tx.exec(
            "UPDATE attachments SET filename = $1 WHERE message_id IN \
             (SELECT m.id FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.customer_id = $2)",
            &args![ERASED, id.0],
        )
        .await?;
        tx.exec(
            "DELETE FROM ticket_search WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = $1)",
            &args![id.0],
        )
        .await?;
        // The files, the mail kept as it came, and where replies were sent go too.
        tx.exec(
            "DELETE FROM attachment_contents WHERE attachment_id IN (SELECT a.id FROM attachments a \
             JOIN messages m ON m.id = a.message_id JOIN tickets t ON t.id = m.ticket_id \
             WHERE t.customer_id = $1)",
            &args![id.0],
        )
        .await?;
        // Evidence gathered for their disputes is about them too.
        tx.exec(
            "UPDATE dispute_evidence SET title = $1, body = NULL, filename = NULL, content = NULL \
             WHERE dispute_id IN (SELECT d.id FROM disputes d LEFT JOIN tickets t ON t.id = d.ticket_id \
             WHERE d.customer_id = $2 OR t.customer_id = $2)",
            &args![ERASED, id.0],
        )
        .await?;
        tx.exec(
            "UPDATE inbound_mail SET raw = $1, subject = $1, sender = NULL \
             WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = $2)",
            &args![ERASED, id.0],
        )
        .await?;
        tx.exec(
            "UPDATE outbound_mail SET recipient = $1, subject = $1 \
             WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = $2)",
            &args![ERASED, id.0],
        )
        .await?;
        let tickets = tx
            .exec("UPDATE tickets SET subject = $1, version = version + 1, updated_at = $2 WHERE customer_id = $3", &args![ERASED, event.at.0, id.0])
            .await?;
        let mut e = event.clone();
        e.customer_id = Some(id);
        event::append_all(&mut tx, &[e], ip).await?;
        tx.commit().await?;
        Ok(Erased { tickets, messages })
    }
}
