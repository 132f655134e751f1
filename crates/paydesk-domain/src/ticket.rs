//! Tickets: their vocabulary, the status machine, and how a patch becomes recorded changes.

mod status;
mod validate;

pub use status::Status;
pub use validate::{normalize_tag, normalize_tags};

use crate::error::DomainError;
use crate::event::Change;
use crate::id::{CustomerId, QueueId, TicketId, UserId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

crate::label_enum!(
    /// How urgent a ticket is.
    Priority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
);

impl Priority {
    /// Its place in urgency order: urgent 0, high 1, normal 2, low 3 (work sorts ascending).
    #[must_use]
    pub fn rank(self) -> i64 {
        match self {
            Priority::Urgent => 0,
            Priority::High => 1,
            Priority::Normal => 2,
            Priority::Low => 3,
        }
    }
}

crate::label_enum!(
    /// Where a ticket came in.
    Channel {
        Email = "email",
        Web = "web",
        Chat = "chat",
        Api = "api",
        Phone = "phone",
        Social = "social",
        Gateway = "gateway",
    }
);

crate::label_enum!(
    /// Which kind of customer the ticket is about.
    BusinessLine {
        Buyer = "buyer",
        Merchant = "merchant",
        Creator = "creator",
    }
);

/// The human name of a ticket, `PD-<id>`; the API accepts it or the bare number.
#[must_use]
pub fn ticket_number(id: TicketId) -> String {
    format!("PD-{}", id.0)
}

/// Reads `PD-123`, `pd-123` or `123`.
#[must_use]
pub fn parse_ticket_number(text: &str) -> Option<TicketId> {
    let t = text.trim();
    let digits = t
        .strip_prefix("PD-")
        .or_else(|| t.strip_prefix("pd-"))
        .unwrap_or(t);
    digits.parse::<i64>().ok().filter(|n| *n > 0).map(TicketId)
}

/// A ticket as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub channel: Channel,
    pub business_line: BusinessLine,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub queue_id: Option<QueueId>,
    pub assignee_id: Option<UserId>,
    pub customer_id: Option<CustomerId>,
    pub language: String,
    /// Grows by one with every change; a write naming an older version is refused.
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub solved_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
}

/// What a caller may change on a ticket in one request. `None` leaves a field alone;
/// `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketPatch {
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub category: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub queue_id: Option<Option<QueueId>>,
    pub assignee_id: Option<Option<UserId>>,
    pub subject: Option<String>,
}

impl Ticket {
    /// Applies `patch` at `now`, returning one [`Change`] per field that really changed.
    /// Refuses any change to a closed ticket and any transition the status machine forbids;
    /// on error the ticket is left as it was.
    pub fn apply(
        &mut self,
        patch: &TicketPatch,
        now: Timestamp,
    ) -> Result<Vec<Change>, DomainError> {
        if self.status == Status::Closed {
            return Err(DomainError::TicketClosed);
        }
        let mut next = self.clone();
        let mut changes = Vec::new();
        if let Some(subject) = &patch.subject {
            let subject = validate::subject(subject)?;
            if subject != next.subject {
                // Subjects are the customer's words: the immutable log records that the subject
                // changed, not what it said, so erasing a customer never needs to rewrite it.
                changes.push(Change::text("subject", None, None));
                next.subject = subject;
            }
        }
        if let Some(priority) = patch.priority
            && priority != next.priority
        {
            changes.push(Change::text(
                "priority",
                Some(next.priority.as_str()),
                Some(priority.as_str()),
            ));
            next.priority = priority;
        }
        if let Some(category) = &patch.category {
            let category = category.as_deref().map(validate::category).transpose()?;
            if category != next.category {
                changes.push(Change::text(
                    "category",
                    next.category.as_deref(),
                    category.as_deref(),
                ));
                next.category = category;
            }
        }
        if let Some(tags) = &patch.tags {
            let tags = normalize_tags(tags)?;
            if tags != next.tags {
                changes.push(Change::tags(&next.tags, &tags));
                next.tags = tags;
            }
        }
        if let Some(queue_id) = patch.queue_id
            && queue_id != next.queue_id
        {
            changes.push(Change::id(
                "queue_id",
                next.queue_id.map(|q| q.0),
                queue_id.map(|q| q.0),
            ));
            next.queue_id = queue_id;
        }
        if let Some(assignee_id) = patch.assignee_id
            && assignee_id != next.assignee_id
        {
            changes.push(Change::id(
                "assignee_id",
                next.assignee_id.map(|u| u.0),
                assignee_id.map(|u| u.0),
            ));
            next.assignee_id = assignee_id;
        }
        if let Some(status) = patch.status
            && status != next.status
        {
            changes.push(next.move_to(status, now)?);
        }
        if !changes.is_empty() {
            next.version += 1;
            next.updated_at = now;
        }
        *self = next;
        Ok(changes)
    }

    /// Moves the status if the machine allows it, keeping `solved_at` / `closed_at` true.
    pub fn move_to(&mut self, to: Status, now: Timestamp) -> Result<Change, DomainError> {
        let from = self.status;
        from.check_transition(to)?;
        self.status = to;
        match to {
            Status::Solved => self.solved_at = Some(now),
            Status::Closed => self.closed_at = Some(now),
            _ => self.solved_at = None,
        }
        Ok(Change::text(
            "status",
            Some(from.as_str()),
            Some(to.as_str()),
        ))
    }

    /// What a customer's reply does to the status: a pending or solved ticket opens again.
    /// Returns the change when there is one. A closed ticket refuses the reply.
    pub fn on_customer_reply(&mut self, now: Timestamp) -> Result<Option<Change>, DomainError> {
        match self.status {
            Status::Closed => Err(DomainError::TicketClosed),
            Status::Pending | Status::Solved => self.move_to(Status::Open, now).map(Some),
            Status::New | Status::Open | Status::OnHold => Ok(None),
        }
    }

    /// What an agent's public reply does: a new ticket becomes open.
    pub fn on_agent_reply(&mut self, now: Timestamp) -> Result<Option<Change>, DomainError> {
        match self.status {
            Status::Closed => Err(DomainError::TicketClosed),
            Status::New => self.move_to(Status::Open, now).map(Some),
            _ => Ok(None),
        }
    }
}

/// Validated input for a new ticket (after redaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub subject: String,
    pub priority: Priority,
    pub channel: Channel,
    pub business_line: BusinessLine,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub queue_id: Option<QueueId>,
    pub assignee_id: Option<UserId>,
    pub customer_id: Option<CustomerId>,
    pub language: String,
}

impl NewTicket {
    /// Checks and normalises the fields (trimmed subject, lower-case unique tags, language tag).
    pub fn validated(mut self) -> Result<Self, DomainError> {
        self.subject = validate::subject(&self.subject)?;
        self.category = self
            .category
            .as_deref()
            .map(validate::category)
            .transpose()?;
        self.tags = normalize_tags(&self.tags)?;
        self.language = validate::language(&self.language)?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests;
