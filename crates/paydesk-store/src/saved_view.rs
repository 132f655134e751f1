//! Saved views: a person's named filters of their work list in the console.

use crate::error::StoreError;
use crate::sql::Row;
use crate::{Store, args};
use paydesk_domain::{Timestamp, UserId};

/// A saved view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    pub id: i64,
    pub user_id: UserId,
    pub name: String,
    /// The home page's query string, without the leading `?`.
    pub query: String,
    pub created_at: Timestamp,
}

fn view_from(row: &Row) -> Result<SavedView, StoreError> {
    Ok(SavedView {
        id: row.i64("id")?,
        user_id: UserId(row.i64("user_id")?),
        name: row.text("name")?,
        query: row.text("query")?,
        created_at: Timestamp(row.i64("created_at")?),
    })
}

impl Store {
    /// Saves `user`'s view `name`, replacing the query of a view of that name.
    pub async fn save_view(
        &self,
        user: UserId,
        name: &str,
        query: &str,
        at: Timestamp,
    ) -> Result<SavedView, StoreError> {
        let mut tx = self.write().await?;
        let row = tx
            .row(
                "INSERT INTO saved_views (user_id, name, query, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, name) DO UPDATE SET query = excluded.query \
                 RETURNING id, user_id, name, query, created_at",
                &args![user.0, name, query, at.0],
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt("saved view not returned".into()))?;
        let view = view_from(&row)?;
        tx.commit().await?;
        Ok(view)
    }

    /// `user`'s saved views, by name.
    pub async fn saved_views(&self, user: UserId) -> Result<Vec<SavedView>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT id, user_id, name, query, created_at FROM saved_views \
                 WHERE user_id = $1 ORDER BY name, id",
                &args![user.0],
            )
            .await?;
        rows.iter().map(view_from).collect()
    }

    /// Deletes `user`'s view `id`; whether there was one (another person's is left alone).
    pub async fn delete_view(&self, user: UserId, id: i64) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec(
                "DELETE FROM saved_views WHERE id = $1 AND user_id = $2",
                &args![id, user.0],
            )
            .await?;
        tx.commit().await?;
        Ok(n > 0)
    }
}
