//! Staff users, vendors and queues: the people and places work is routed to.

use crate::error::StoreError;
use crate::sql::{Row, Value, placeholders};
use crate::{Store, args};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{QueueId, Timestamp, UserId, VendorId};

/// A staff user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub vendor_id: Option<VendorId>,
    pub password_hash: Option<String>,
    pub is_active: bool,
    pub created_at: Timestamp,
}

/// Input for a new user (password already hashed by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub vendor_id: Option<VendorId>,
    pub password_hash: Option<String>,
}

/// A BPO vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    pub id: VendorId,
    pub name: String,
}

/// A work queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub id: QueueId,
    pub key: String,
    pub name: String,
    pub business_line: Option<BusinessLine>,
    pub vendor_id: Option<VendorId>,
}

/// Input for a new queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQueue {
    pub key: String,
    pub name: String,
    pub business_line: Option<BusinessLine>,
    pub vendor_id: Option<VendorId>,
}

const USER_COLUMNS: &str = "id, email, name, role, vendor_id, password_hash, is_active, created_at";

fn user_from(row: &Row) -> Result<User, StoreError> {
    Ok(User {
        id: UserId(row.i64("id")?),
        email: row.text("email")?,
        name: row.text("name")?,
        role: row.label("role")?,
        vendor_id: row.opt_i64("vendor_id")?.map(VendorId),
        password_hash: row.opt_text("password_hash")?,
        is_active: row.i64("is_active")? != 0,
        created_at: Timestamp(row.i64("created_at")?),
    })
}

pub(crate) fn queue_from(row: &Row) -> Result<Queue, StoreError> {
    Ok(Queue {
        id: QueueId(row.i64("id")?),
        key: row.text("key")?,
        name: row.text("name")?,
        business_line: row
            .opt_text("business_line")?
            .map(|s| s.parse())
            .transpose()
            .map_err(|e: paydesk_domain::DomainError| StoreError::Corrupt(e.to_string()))?,
        vendor_id: row.opt_i64("vendor_id")?.map(VendorId),
    })
}

impl Store {
    /// Creates a user. Errors: [`StoreError::Duplicate`] when the email is taken.
    pub async fn insert_user(&self, u: &NewUser, at: Timestamp) -> Result<User, StoreError> {
        let mut tx = self.write().await?;
        let id = tx
            .insert_id(
                "INSERT INTO users (email, name, role, vendor_id, password_hash, is_active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
                &args![&u.email, &u.name, u.role.as_str(), u.vendor_id.map(VendorId::get), u.password_hash.as_deref(), at.0],
            )
            .await?;
        tx.commit().await?;
        self.user(UserId(id)).await
    }

    /// One user. Errors: [`StoreError::NotFound`].
    pub async fn user(&self, id: UserId) -> Result<User, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = tx
            .row(&sql, &args![id.0])
            .await?
            .ok_or(StoreError::NotFound { entity: "user" })?;
        user_from(&row)
    }

    /// The user with this (normalised) email, if any.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        tx.row(&sql, &args![email])
            .await?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    /// All users, by id.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id");
        tx.rows(&sql, &[]).await?.iter().map(user_from).collect()
    }

    /// The names of the users with these ids, by id; unknown ids are left out. One query
    /// however many ids, for pages that name many people (a ticket's authors and actors).
    pub async fn user_names(&self, ids: &[UserId]) -> Result<Vec<(UserId, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT id, name FROM users WHERE id IN ({}) ORDER BY id",
            placeholders(1, ids.len())
        );
        let values: Vec<Value> = ids.iter().map(|u| u.0.into()).collect();
        tx.rows(&sql, &values)
            .await?
            .iter()
            .map(|r| Ok((UserId(r.i64("id")?), r.text("name")?)))
            .collect()
    }

    /// Creates a vendor. Errors: [`StoreError::Duplicate`] when the name is taken.
    pub async fn insert_vendor(&self, name: &str, at: Timestamp) -> Result<Vendor, StoreError> {
        let mut tx = self.write().await?;
        let id = tx
            .insert_id(
                "INSERT INTO vendors (name, created_at) VALUES ($1, $2) RETURNING id",
                &args![name, at.0],
            )
            .await?;
        tx.commit().await?;
        Ok(Vendor {
            id: VendorId(id),
            name: name.to_string(),
        })
    }

    /// All vendors, by name.
    pub async fn vendors(&self) -> Result<Vec<Vendor>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows("SELECT id, name FROM vendors ORDER BY name, id", &[])
            .await?
            .iter()
            .map(|r| {
                Ok(Vendor {
                    id: VendorId(r.i64("id")?),
                    name: r.text("name")?,
                })
            })
            .collect()
    }

    /// Creates a queue. Errors: [`StoreError::Duplicate`] when the key is taken.
    pub async fn insert_queue(&self, q: &NewQueue, at: Timestamp) -> Result<Queue, StoreError> {
        let mut tx = self.write().await?;
        let id = tx
            .insert_id(
                "INSERT INTO queues (key, name, business_line, vendor_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &args![&q.key, &q.name, q.business_line.map(|b| b.as_str()), q.vendor_id.map(VendorId::get), at.0],
            )
            .await?;
        tx.commit().await?;
        Ok(Queue {
            id: QueueId(id),
            key: q.key.clone(),
            name: q.name.clone(),
            business_line: q.business_line,
            vendor_id: q.vendor_id,
        })
    }

    /// The vendor serving a queue, if any. Errors: [`StoreError::NotFound`] for an unknown queue.
    pub async fn queue_vendor(&self, id: QueueId) -> Result<Option<VendorId>, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row("SELECT vendor_id FROM queues WHERE id = $1", &args![id.0])
            .await?
            .ok_or(StoreError::NotFound { entity: "queue" })?;
        Ok(row.opt_i64("vendor_id")?.map(VendorId))
    }

    /// One queue. Errors: [`StoreError::NotFound`].
    pub async fn queue(&self, id: QueueId) -> Result<Queue, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row(
                "SELECT id, key, name, business_line, vendor_id FROM queues WHERE id = $1",
                &args![id.0],
            )
            .await?
            .ok_or(StoreError::NotFound { entity: "queue" })?;
        queue_from(&row)
    }

    /// All queues, by id.
    pub async fn queues(&self) -> Result<Vec<Queue>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT id, key, name, business_line, vendor_id FROM queues ORDER BY id",
            &[],
        )
        .await?
        .iter()
        .map(queue_from)
        .collect()
    }
}
