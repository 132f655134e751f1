//! Opening a database on either engine and starting transactions on it.

pub(crate) mod migrate;
mod postgres;
mod sqlite;

pub use migrate::{AppliedMigration, MIGRATION_COUNT};
pub use postgres::{PgEngine, redact_url};
pub use sqlite::SqliteEngine;
