//! The scale-out engine: PostgreSQL, shared by several stateless paydesk instances.

use crate::error::StoreError;
use crate::group_commit::GroupCommit;
use crate::sql::Tx;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// The PostgreSQL engine's pool.
#[derive(Clone, Debug)]
pub struct PgEngine {
    pool: PgPool,
    group: GroupCommit,
}

impl PgEngine {
    /// Connects to `url` (`postgres://user@host:port/db`).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Open(format!("bad PostgreSQL URL: {e}")))?
            .application_name("paydesk");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Open(format!("PostgreSQL at {}: {e}", redact_url(url))))?;
        let writer = pool.clone();
        let group = GroupCommit::start(move || {
            let pool = writer.clone();
            async move { Ok(Tx::Pg(pool.begin().await?)) }
        });
        Ok(Self { pool, group })
    }

    /// The group-commit queue for single ticket inserts: appends to the audit chain are
    /// serialised, so concurrent creates commit together rather than one flush each.
    #[must_use]
    pub fn group(&self) -> &GroupCommit {
        &self.group
    }

    /// A write transaction.
    pub async fn write(&self) -> Result<Tx, StoreError> {
        Ok(Tx::Pg(self.pool.begin().await?))
    }

    /// A read transaction.
    pub async fn read(&self) -> Result<Tx, StoreError> {
        Ok(Tx::Pg(self.pool.begin().await?))
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The URL without its password, for messages and logs.
#[must_use]
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}
