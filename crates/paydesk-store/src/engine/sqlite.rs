//! The embedded engine: one SQLite file in WAL mode.
//!
//! Writes go through a pool of exactly one connection, so SQLite's single writer never
//! sees two writers racing for the lock; reads use a separate pool and, under WAL, never
//! wait for the writer. `synchronous = FULL` makes every acknowledged commit durable.

use crate::error::StoreError;
use crate::group_commit::GroupCommit;
use crate::sql::Tx;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The SQLite engine's pools.
#[derive(Clone, Debug)]
pub struct SqliteEngine {
    writer: SqlitePool,
    reader: SqlitePool,
    path: PathBuf,
    group: GroupCommit,
}

impl SqliteEngine {
    /// Opens (creating if needed) the database file at `path`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-32000")
            .pragma("temp_store", "memory");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await
            .map_err(|e| StoreError::Open(format!("{}: {e}", path.display())))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Open(format!("{}: {e}", path.display())))?;
        let pool = writer.clone();
        let group = GroupCommit::start(move || {
            let pool = pool.clone();
            async move { Ok(Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?)) }
        });
        Ok(Self {
            writer,
            reader,
            path: path.to_path_buf(),
            group,
        })
    }

    /// The group-commit queue for single ticket inserts.
    #[must_use]
    pub fn group(&self) -> &GroupCommit {
        &self.group
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A write transaction; `BEGIN IMMEDIATE` takes the write lock at once.
    pub async fn write(&self) -> Result<Tx, StoreError> {
        Ok(Tx::Sqlite(self.writer.begin_with("BEGIN IMMEDIATE").await?))
    }

    /// A read transaction: one consistent snapshot.
    pub async fn read(&self) -> Result<Tx, StoreError> {
        Ok(Tx::Sqlite(self.reader.begin().await?))
    }

    /// Closes both pools, checkpointing the WAL.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}
