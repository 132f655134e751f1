//! Bulk import of tickets from other systems: a CSV file or a Zendesk-style JSON export.
//!
//! A file is read into [`ImportedTicket`]s ([`TicketFile`]); rows that cannot be read
//! become [`Rejected`] rows with the reason. A [`TicketImport`] then takes the tickets in
//! batches: each row is validated and redacted on its own (so one bad row never holds
//! back the others), the requesters are found or created by email, and the batch is
//! inserted in one transaction together with each ticket's source id. A rerun of the
//! same file skips the ids already recorded, so an interrupted import resumes without
//! duplicates. Imported history keeps its original times: the ticket's and each
//! message's; one `ticket_imported` event records when and from where it came.

mod batch;
mod csv_file;
mod fields;
mod file;
mod record;
mod report;
mod transaction_csv;
mod zendesk;

pub use batch::{BatchOutcome, ImportOptions, TicketImport};
pub use file::{FileBatch, FileError, ImportFormat, TicketFile};
pub use report::RejectionReport;
pub use transaction_csv::{
    TRANSACTION_COLUMNS, TransactionBatchOutcome, TransactionFile, TransactionRow, TransactionRows,
};

use paydesk_domain::Timestamp;
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status};

/// A ticket as read from a file, before the desk's rules are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedTicket {
    /// Where it is in the file: the CSV line the row starts on, the JSON line, or the
    /// ticket's place in a JSON document's `tickets` list (1-based).
    pub row: u64,
    /// Its id in the source system: the key that makes a rerun skip it.
    pub external_id: String,
    /// The row as it is in the file, for the report if the desk refuses it.
    pub raw: String,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub channel: Channel,
    /// None: the import's default applies.
    pub business_line: Option<BusinessLine>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    /// A queue's key.
    pub queue: Option<String>,
    /// None: now.
    pub created_at: Option<Timestamp>,
    /// The source's last change, when it says (solved and closed tickets take it as the
    /// time they were solved or closed).
    pub updated_at: Option<Timestamp>,
    pub requester: Option<Requester>,
    /// The conversation, oldest first; the first one opened the ticket.
    pub messages: Vec<ImportedMessage>,
}

/// The customer who asked, as the source knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub email: Option<String>,
    pub name: Option<String>,
    /// Their id in the source system, kept on a customer created for them.
    pub source_id: Option<(String, String)>,
}

/// One message of an imported conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedMessage {
    pub author: ImportedAuthor,
    /// Seen by the customer; otherwise an internal note.
    pub is_public: bool,
    pub body: String,
    /// None: the ticket's creation time.
    pub at: Option<Timestamp>,
}

/// Who wrote an imported message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportedAuthor {
    /// The ticket's requester: a customer message.
    Requester,
    /// Anyone else (an agent, a CC'd person, an automation): a staff user when one of the
    /// desk's users has this email, otherwise a system message that names them.
    Other { name: String, email: Option<String> },
}

/// A row the import refused, with the reason, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Where it is in the file (see [`ImportedTicket::row`]).
    pub row: u64,
    pub external_id: Option<String>,
    pub reason: String,
    pub raw: String,
}

impl Rejected {
    pub(crate) fn of(ticket: &ImportedTicket, reason: impl Into<String>) -> Self {
        Self {
            row: ticket.row,
            external_id: Some(ticket.external_id.clone()),
            reason: reason.into(),
            raw: ticket.raw.clone(),
        }
    }
}
