//! A transaction on either engine.

use super::{Engine, Row, Value};
use crate::error::StoreError;
use sqlx::Arguments as _;
use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Postgres, Sqlite, Transaction};

/// An open transaction. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

fn sqlite_args(values: &[Value]) -> Result<SqliteArguments, StoreError> {
    let mut args = SqliteArguments::default();
    for v in values {
        match v {
            Value::Int(i) => args.add(*i),
            Value::Text(s) => args.add(s.clone()),
            Value::Bytes(b) => args.add(b.clone()),
        }
        .map_err(StoreError::Encode)?;
    }
    Ok(args)
}

fn pg_args(values: &[Value]) -> Result<PgArguments, StoreError> {
    let mut args = PgArguments::default();
    for v in values {
        match v {
            Value::Int(i) => args.add(*i),
            Value::Text(s) => args.add(s.clone()),
            Value::Bytes(b) => args.add(b.clone()),
        }
        .map_err(StoreError::Encode)?;
    }
    Ok(args)
}

/// Every statement text here is written in this crate; user input only ever arrives as
/// bound values, never spliced into SQL.
fn safe(sql: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql.to_string())
}

impl Tx {
    /// The engine this transaction runs on.
    #[must_use]
    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(_) => Engine::Sqlite,
            Tx::Pg(_) => Engine::Postgres,
        }
    }

    /// Runs a statement; returns the number of rows it touched.
    pub async fn exec(&mut self, sql: &str, values: &[Value]) -> Result<u64, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => sqlx::query_with(safe(sql), sqlite_args(values)?)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Pg(tx) => sqlx::query_with(safe(sql), pg_args(values)?)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
        })
    }

    /// Runs a query and returns all its rows.
    pub async fn rows(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => sqlx::query_with(safe(sql), sqlite_args(values)?)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Tx::Pg(tx) => sqlx::query_with(safe(sql), pg_args(values)?)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Pg)
                .collect(),
        })
    }

    /// Runs a query and returns its first row, if any.
    pub async fn row(&mut self, sql: &str, values: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => sqlx::query_with(safe(sql), sqlite_args(values)?)
                .fetch_optional(&mut **tx)
                .await?
                .map(Row::Sqlite),
            Tx::Pg(tx) => sqlx::query_with(safe(sql), pg_args(values)?)
                .fetch_optional(&mut **tx)
                .await?
                .map(Row::Pg),
        })
    }

    /// Runs an `INSERT ... RETURNING id` and returns the id.
    pub async fn insert_id(&mut self, sql: &str, values: &[Value]) -> Result<i64, StoreError> {
        let row = self
            .row(sql, values)
            .await?
            .ok_or_else(|| StoreError::Corrupt("insert returned no id".into()))?;
        row.i64("id")
    }

    /// Runs several statements separated by semicolons, without parameters (migrations).
    pub async fn exec_script(&mut self, sql: &str) -> Result<(), StoreError> {
        use sqlx::Executor as _;
        match self {
            Tx::Sqlite(tx) => {
                tx.execute(safe(sql)).await?;
            }
            Tx::Pg(tx) => {
                tx.execute(safe(sql)).await?;
            }
        }
        Ok(())
    }

    /// Makes the transaction's changes durable.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Pg(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
