//! Messages on a ticket: public replies and internal notes, with attachment metadata.

use crate::id::{CustomerId, MessageId, TicketId, UserId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

crate::label_enum!(
    /// Who can read a message.
    Visibility {
        /// Seen by the customer.
        Public = "public",
        /// Staff only.
        Internal = "internal",
    }
);

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Author {
    Customer { id: Option<CustomerId> },
    User { id: UserId },
    System,
}

/// What is kept about an attachment (the file itself is stored by the intake layer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentMeta {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: MessageId,
    pub ticket_id: TicketId,
    pub visibility: Visibility,
    pub author: Author,
    pub body: String,
    pub attachments: Vec<AttachmentMeta>,
    pub created_at: Timestamp,
}

/// A message about to be stored (already redacted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub at: Timestamp,
    pub visibility: Visibility,
    pub author: Author,
    pub body: String,
    pub attachments: Vec<AttachmentMeta>,
}

/// The largest message body accepted, in bytes.
pub const BODY_MAX: usize = 256 * 1024;
