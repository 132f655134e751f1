//! The API's request and response shapes. Times are RFC 3339 strings in UTC; ids are
//! integers; tickets also carry their human number (`PD-123`).

use crate::time::{format, format_opt};
use paydesk_domain::Actor;
use paydesk_domain::customer::{Customer, Tier};
use paydesk_domain::event::{Event, EventKind};
use paydesk_domain::message::{AttachmentMeta, Author, Message, Visibility};
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status, Ticket, ticket_number};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Distinguishes "absent" (leave alone) from `null` (clear) in a PATCH body.
pub(crate) fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketOut {
    pub id: i64,
    /// The human ticket number, e.g. `PD-1042`.
    pub number: String,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub channel: Channel,
    pub business_line: BusinessLine,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub queue_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub language: String,
    /// Send it back in `version` (or `If-Match`) when changing the ticket.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub solved_at: Option<String>,
    pub closed_at: Option<String>,
}

impl From<&Ticket> for TicketOut {
    fn from(t: &Ticket) -> Self {
        Self {
            id: t.id.0,
            number: ticket_number(t.id),
            subject: t.subject.clone(),
            status: t.status,
            priority: t.priority,
            channel: t.channel,
            business_line: t.business_line,
            category: t.category.clone(),
            tags: t.tags.clone(),
            queue_id: t.queue_id.map(|q| q.0),
            assignee_id: t.assignee_id.map(|u| u.0),
            customer_id: t.customer_id.map(|c| c.0),
            language: t.language.clone(),
            version: t.version,
            created_at: format(t.created_at),
            updated_at: format(t.updated_at),
            solved_at: format_opt(t.solved_at),
            closed_at: format_opt(t.closed_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageOut {
    pub id: i64,
    pub visibility: Visibility,
    pub author: Author,
    pub body: String,
    pub attachments: Vec<AttachmentMeta>,
    pub created_at: String,
}

impl From<&Message> for MessageOut {
    fn from(m: &Message) -> Self {
        Self {
            id: m.id.0,
            visibility: m.visibility,
            author: m.author.clone(),
            body: m.body.clone(),
            attachments: m.attachments.clone(),
            created_at: format(m.created_at),
        }
    }
}

/// A ticket with its conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: TicketOut,
    pub messages: Vec<MessageOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub id: i64,
    pub at: String,
    pub actor: Actor,
    pub kind: EventKind,
    /// What changed: for `field_changed`, `{field, from, to}`.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<&Event> for EventOut {
    fn from(e: &Event) -> Self {
        Self {
            id: e.id.0,
            at: format(e.at),
            actor: e.actor.clone(),
            kind: e.kind,
            data: e.data.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketPage {
    pub items: Vec<TicketOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventOut>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentIn {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

impl AttachmentIn {
    pub fn into_meta(self) -> Result<AttachmentMeta, crate::error::ApiError> {
        if self.size_bytes < 0 {
            return Err(crate::error::ApiError::new(
                "invalid_field",
                "size_bytes must not be negative",
            )
            .with_field("attachments.size_bytes"));
        }
        if self.filename.trim().is_empty() || self.filename.len() > 255 {
            return Err(
                crate::error::ApiError::new("invalid_field", "filename: 1-255 bytes")
                    .with_field("attachments.filename"),
            );
        }
        if self.content_type.trim().is_empty()
            || self.content_type.len() > 255
            || self.content_type.chars().any(char::is_control)
        {
            return Err(crate::error::ApiError::new(
                "invalid_field",
                "content_type: a media type such as application/pdf",
            )
            .with_field("attachments.content_type"));
        }
        Ok(AttachmentMeta::metadata(
            self.filename,
            self.content_type,
            self.size_bytes,
        ))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTicket {
    pub subject: String,
    /// The customer's first message.
    pub body: String,
    pub business_line: BusinessLine,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Defaults to `api`.
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub queue_id: Option<i64>,
    #[serde(default)]
    pub assignee_id: Option<i64>,
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// BCP 47, defaults to `en`.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentIn>,
}

/// Fields to change; absent fields stay, `null` clears an optional one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTicket {
    /// The version you read; a ticket changed since answers 409.
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub category: Option<Option<String>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub queue_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<Option<i64>>,
}

/// Who wrote a message sent through the API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageFrom {
    /// A staff member or system (the default).
    #[default]
    Staff,
    /// The ticket's customer (a chat or mail gateway relaying their words).
    Customer,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMessage {
    pub body: String,
    /// `public` (default) or `internal`.
    #[serde(default)]
    pub visibility: Option<Visibility>,
    #[serde(default)]
    pub from: MessageFrom,
    #[serde(default)]
    pub attachments: Vec<AttachmentIn>,
    /// The version you read; a ticket changed since answers 409.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerOut {
    pub id: i64,
    pub business_line: BusinessLine,
    pub name: String,
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub country: Option<String>,
    pub locale: Option<String>,
    /// IANA time zone that dates in macro replies are written in; unset: the country's
    /// zone, else UTC.
    pub time_zone: Option<String>,
    pub tier: Tier,
    pub external_ids: BTreeMap<String, String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Customer> for CustomerOut {
    fn from(c: &Customer) -> Self {
        Self {
            id: c.id.0,
            business_line: c.business_line,
            name: c.name.clone(),
            emails: c.emails.clone(),
            phone: c.phone.clone(),
            country: c.country.clone(),
            locale: c.locale.clone(),
            time_zone: c.time_zone.clone(),
            tier: c.tier,
            external_ids: c.external_ids.clone(),
            version: c.version,
            created_at: format(c.created_at),
            updated_at: format(c.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerPage {
    pub items: Vec<CustomerOut>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomer {
    pub business_line: BusinessLine,
    pub name: String,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub tier: Option<Tier>,
    #[serde(default)]
    pub external_ids: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchCustomer {
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub emails: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub country: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub locale: Option<Option<String>>,
    /// IANA name such as `Europe/Madrid`; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub time_zone: Option<Option<String>>,
    #[serde(default)]
    pub tier: Option<Tier>,
    #[serde(default)]
    pub external_ids: Option<BTreeMap<String, String>>,
}
