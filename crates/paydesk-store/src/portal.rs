//! What the public support portal keeps beside tickets: the count of submissions per
//! client (for the rate limit and the honeypot tally), and customers found or made by an
//! email address that came in through an intake channel.

use crate::customer::{self, load};
use crate::error::StoreError;
use crate::sql::{Engine, Tx};
use crate::{Store, args, event};
use paydesk_domain::customer::{Customer, NewCustomer};
use paydesk_domain::event::NewEvent;
use paydesk_domain::{CustomerId, Timestamp};
use sha2::{Digest, Sha256};

/// Whether a submission was admitted, and if not, since when the window is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Recorded; it counts against the client from now on.
    Admitted,
    /// The client already has `limit` submissions in the window; the oldest of them was
    /// at `oldest` (the window frees a place once it is older than the window).
    Refused { oldest: Timestamp },
}

impl Store {
    /// Records one submission by `client_key` with `outcome` at `at`, unless the client
    /// already made `limit` or more since `since`; forgets every submission older than
    /// `forget_before`, so the table holds only recent ones. One transaction.
    pub async fn admit_portal_submission(
        &self,
        client_key: &str,
        outcome: &str,
        at: Timestamp,
        since: Timestamp,
        limit: u32,
        forget_before: Timestamp,
    ) -> Result<Admission, StoreError> {
        let mut tx = self.write().await?;
        // Two requests of one client at once must not both take the last place.
        lock(&mut tx, "portal_submission", client_key).await?;
        let row = tx
            .row(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n, MIN(at) AS oldest FROM portal_submissions \
                 WHERE client_key = $1 AND at > $2",
                &args![client_key, since.0],
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt("COUNT returned no row".into()))?;
        if row.i64("n")? >= i64::from(limit) {
            let oldest = row.opt_i64("oldest")?.unwrap_or(at.0);
            return Ok(Admission::Refused {
                oldest: Timestamp(oldest),
            });
        }
        tx.exec(
            "INSERT INTO portal_submissions (client_key, outcome, at) VALUES ($1, $2, $3)",
            &args![client_key, outcome, at.0],
        )
        .await?;
        tx.exec(
            "DELETE FROM portal_submissions WHERE at < $1",
            &args![forget_before.0],
        )
        .await?;
        tx.commit().await?;
        Ok(Admission::Admitted)
    }

    /// How many submissions had `outcome` (for example `honeypot`) since `since`.
    pub async fn portal_submissions(
        &self,
        outcome: &str,
        since: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM portal_submissions \
                 WHERE outcome = $1 AND at >= $2",
                &args![outcome, since.0],
            )
            .await?;
        row.map_or(Ok(0), |r| r.i64("n"))
    }

    /// The customer who has `email` (already normalised), or, if none has, `new` inserted
    /// with `event` (its customer id filled in). Returns the customer and whether it was
    /// made now. One transaction; on PostgreSQL, callers with the same email queue behind
    /// each other, so one email never makes two customers.
    pub async fn customer_by_email_or_insert(
        &self,
        email: &str,
        new: &NewCustomer,
        at: Timestamp,
        event: &NewEvent,
    ) -> Result<(Customer, bool), StoreError> {
        let mut tx = self.write().await?;
        lock(&mut tx, "customer_email", email).await?;
        let found = tx
            .row(
                "SELECT MIN(customer_id) AS id FROM customer_emails WHERE email = $1",
                &args![email],
            )
            .await?
            .and_then(|r| r.opt_i64("id").transpose())
            .transpose()?;
        if let Some(id) = found {
            let customer = load(&mut tx, CustomerId(id)).await?;
            tx.commit().await?;
            return Ok((customer, false));
        }
        let id = customer::insert(&mut tx, new, at).await?;
        let customer = load(&mut tx, id).await?;
        let mut e = event.clone();
        e.customer_id = Some(id);
        event::append(&mut tx, &e, None).await?;
        tx.commit().await?;
        Ok((customer, true))
    }
}

/// Serialises, until the transaction ends, the transactions that take the same lock
/// (`kind`, `what`). SQLite has one writer already; PostgreSQL takes an advisory lock.
async fn lock(tx: &mut Tx, kind: &str, what: &str) -> Result<(), StoreError> {
    if tx.engine() != Engine::Postgres {
        return Ok(());
    }
    let digest = Sha256::digest(format!("{kind}\0{what}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    tx.exec(
        "SELECT pg_advisory_xact_lock($1)",
        &args![i64::from_be_bytes(first)],
    )
    .await?;
    Ok(())
}
