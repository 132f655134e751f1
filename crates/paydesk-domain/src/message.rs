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

/// An attachment: what is shown about it, and, when paydesk keeps the file itself (mail,
/// the support form), its bytes on the way in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentMeta {
    /// Set once stored; with `has_content`, the file can be downloaded by this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Whether paydesk holds the file's bytes (metadata-only attachments do not).
    #[serde(default)]
    pub has_content: bool,
    /// The bytes to store, on the way in only (never read back with the message).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub content: Option<Vec<u8>>,
}

impl AttachmentMeta {
    /// Metadata of a file paydesk does not hold.
    #[must_use]
    pub fn metadata(filename: String, content_type: String, size_bytes: i64) -> Self {
        Self {
            id: None,
            filename,
            content_type,
            size_bytes,
            has_content: false,
            content: None,
        }
    }

    /// A file paydesk stores, with its bytes.
    #[must_use]
    pub fn with_content(filename: String, content_type: String, content: Vec<u8>) -> Self {
        Self {
            id: None,
            filename,
            content_type,
            size_bytes: i64::try_from(content.len()).unwrap_or(i64::MAX),
            has_content: true,
            content: Some(content),
        }
    }
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
