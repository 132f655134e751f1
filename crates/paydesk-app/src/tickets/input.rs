//! What callers send to create or change a ticket.

use crate::error::AppError;
use paydesk_domain::message::AttachmentMeta;
use paydesk_domain::ticket::{
    BusinessLine, Channel, NewTicket, Priority, Status, Ticket, TicketPatch,
};
use paydesk_domain::{CustomerId, QueueId, TicketId, Timestamp, UserId};

/// A new ticket as a caller describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicketInput {
    pub subject: String,
    /// The first message: what the customer wrote.
    pub body: String,
    pub priority: Priority,
    pub channel: Channel,
    pub business_line: BusinessLine,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub queue_id: Option<QueueId>,
    pub assignee_id: Option<UserId>,
    pub customer_id: Option<CustomerId>,
    pub language: String,
    pub attachments: Vec<AttachmentMeta>,
}

impl NewTicketInput {
    /// A minimal input; callers set the rest.
    #[must_use]
    pub fn new(subject: &str, body: &str, business_line: BusinessLine, channel: Channel) -> Self {
        Self {
            subject: subject.into(),
            body: body.into(),
            priority: Priority::Normal,
            channel,
            business_line,
            category: None,
            tags: vec![],
            queue_id: None,
            assignee_id: None,
            customer_id: None,
            language: "en".into(),
            attachments: vec![],
        }
    }

    pub(crate) fn validated_ticket(
        &self,
        subject: String,
        now: Timestamp,
    ) -> Result<Ticket, AppError> {
        if self.body.trim().is_empty() {
            return Err(AppError::invalid(
                "body",
                "must not be empty: say what happened",
            ));
        }
        if self.body.len() > paydesk_domain::message::BODY_MAX {
            return Err(AppError::invalid(
                "body",
                format!("at most {} bytes", paydesk_domain::message::BODY_MAX),
            ));
        }
        let n = NewTicket {
            subject,
            priority: self.priority,
            channel: self.channel,
            business_line: self.business_line,
            category: self.category.clone(),
            tags: self.tags.clone(),
            queue_id: self.queue_id,
            assignee_id: self.assignee_id,
            customer_id: self.customer_id,
            language: self.language.clone(),
        }
        .validated()?;
        Ok(Ticket {
            id: TicketId(0),
            subject: n.subject,
            status: Status::New,
            priority: n.priority,
            channel: n.channel,
            business_line: n.business_line,
            category: n.category,
            tags: n.tags,
            queue_id: n.queue_id,
            assignee_id: n.assignee_id,
            customer_id: n.customer_id,
            language: n.language,
            version: 1,
            created_at: now,
            updated_at: now,
            solved_at: None,
            closed_at: None,
        })
    }
}

/// A change to a ticket, optionally guarded by the version the caller read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketChange {
    pub patch: TicketPatch,
    pub expected_version: Option<i64>,
}
