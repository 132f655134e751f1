//! Storage failures, with stable codes. Unique and foreign-key violations are told apart
//! by the driver's error kind, never by message text.

use thiserror::Error;

/// What went wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// The row changed since it was read (optimistic concurrency).
    #[error("{entity} was changed by someone else (expected version {expected})")]
    VersionConflict { entity: &'static str, expected: i64 },
    /// A unique constraint refused the write.
    #[error("already exists")]
    Duplicate,
    /// A foreign key names a row that does not exist.
    #[error("a referenced record does not exist")]
    MissingReference,
    /// A pagination cursor that this store did not issue.
    #[error("the cursor is not valid; start again without one")]
    BadCursor,
    /// Someone else holds the ticket already (claims and automatic assignment).
    #[error("the ticket is already assigned to someone else")]
    AlreadyAssigned,
    /// The agent holds as many open tickets as their capacity allows.
    #[error("the agent already holds {capacity} open tickets, their capacity")]
    AtCapacity { capacity: i64 },
    /// The ticket is solved or closed: nothing left to take.
    #[error("the ticket is {status}; only new, open, pending and on-hold tickets can be taken")]
    NotWorkable { status: &'static str },
    /// Automatic assignment found the agent no longer online.
    #[error("the agent is not online")]
    AgentUnavailable,
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    #[error("could not encode a parameter: {0}")]
    Encode(sqlx::error::BoxDynError),
    #[error("migration {version} failed: {cause}")]
    Migration { version: i64, cause: String },
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl StoreError {
    /// The stable code of this failure.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "not_found",
            Self::VersionConflict { .. } => "version_conflict",
            Self::Duplicate => "duplicate",
            Self::MissingReference => "missing_reference",
            Self::BadCursor => "invalid_cursor",
            Self::AlreadyAssigned => "already_assigned",
            Self::AtCapacity { .. } => "at_capacity",
            Self::NotWorkable { .. } => "not_workable",
            Self::AgentUnavailable => "agent_unavailable",
            Self::Corrupt(_) => "corrupt_data",
            Self::Encode(_) => "encode_failed",
            Self::Migration { .. } => "migration_failed",
            Self::Open(_) => "database_unavailable",
            Self::Database(_) => "database_error",
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => return Self::Duplicate,
                sqlx::error::ErrorKind::ForeignKeyViolation => return Self::MissingReference,
                _ => {}
            }
        }
        Self::Database(e)
    }
}
