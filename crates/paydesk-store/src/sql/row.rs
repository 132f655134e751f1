//! A result row from either engine, read by column name.

use crate::error::StoreError;
use sqlx::Row as _;

/// One row of a result.
pub enum Row {
    Sqlite(sqlx::sqlite::SqliteRow),
    Pg(sqlx::postgres::PgRow),
}

impl Row {
    /// An integer column.
    pub fn i64(&self, col: &str) -> Result<i64, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Pg(r) => r.try_get(col)?,
        })
    }

    /// A nullable integer column.
    pub fn opt_i64(&self, col: &str) -> Result<Option<i64>, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Pg(r) => r.try_get(col)?,
        })
    }

    /// A text column.
    pub fn text(&self, col: &str) -> Result<String, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Pg(r) => r.try_get(col)?,
        })
    }

    /// A nullable text column.
    pub fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Pg(r) => r.try_get(col)?,
        })
    }

    /// A binary column.
    pub fn bytes(&self, col: &str) -> Result<Vec<u8>, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Pg(r) => r.try_get(col)?,
        })
    }

    /// A nullable binary column.
    pub fn opt_bytes(&self, col: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Pg(r) => r.try_get(col)?,
        })
    }

    /// A text column holding one of the domain's labels (status, priority, ...).
    pub fn label<T>(&self, col: &str) -> Result<T, StoreError>
    where
        T: std::str::FromStr<Err = paydesk_domain::DomainError>,
    {
        let raw = self.text(col)?;
        raw.parse()
            .map_err(|e: paydesk_domain::DomainError| StoreError::Corrupt(format!("{col}: {e}")))
    }

    /// A text column holding JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self, col: &str) -> Result<T, StoreError> {
        let raw = self.text(col)?;
        serde_json::from_str(&raw).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
    }
}
