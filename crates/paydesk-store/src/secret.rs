//! Keys paydesk makes for itself and keeps, such as the status-link signing key when the
//! operator configured none.
//!
//! A key is made at most once per database: the first instance to need it inserts its
//! candidate if none is stored yet, and every instance then reads back the one stored, so
//! two instances starting at once end up with the same key.

use crate::error::StoreError;
use crate::{Store, args};
use paydesk_domain::Timestamp;

impl Store {
    /// The secret named `name`, stored as `candidate` if there was none. Returns the stored
    /// value (the candidate, or the one another caller stored first). One transaction.
    pub async fn secret_or_insert(
        &self,
        name: &str,
        candidate: &[u8],
        at: Timestamp,
    ) -> Result<Vec<u8>, StoreError> {
        let mut tx = self.write().await?;
        tx.exec(
            "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
            &args![name, candidate, at.0],
        )
        .await?;
        let row = tx
            .row("SELECT value FROM secrets WHERE name = $1", &args![name])
            .await?
            .ok_or(StoreError::NotFound { entity: "secret" })?;
        let value = row.bytes("value")?;
        tx.commit().await?;
        Ok(value)
    }

    /// The secret named `name`, if one is stored.
    pub async fn secret(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut tx = self.read().await?;
        tx.row("SELECT value FROM secrets WHERE name = $1", &args![name])
            .await?
            .map(|r| r.bytes("value"))
            .transpose()
    }
}
