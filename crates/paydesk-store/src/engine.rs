//! Opening a database on either engine and starting transactions on it.

pub(crate) mod migrate;
mod postgres;
mod sqlite;

pub use migrate::{AppliedMigration, MIGRATION_COUNT};
pub use postgres::PgEngine;
pub use sqlite::SqliteEngine;
