//! Who may come in: sign-in sessions of people, API tokens of systems, and the record of
//! failed sign-ins that lock-out is computed from.
//!
//! Secrets never reach the database: a session is found by the SHA-256 hex of its cookie
//! value and a token by the SHA-256 hex of the whole token, both computed by the caller.
//! Each method is one transaction.

use crate::error::StoreError;
use crate::sql::Row;
use crate::{Store, args};
use paydesk_domain::policy::Scope;
use paydesk_domain::{Timestamp, UserId};

/// How rarely an API token's `last_used_at` is written: at most once in this many ms.
pub const TOKEN_USE_RESOLUTION_MS: i64 = Timestamp::MINUTE;

/// The most failures [`Store::sign_in_failures_for_email`] and
/// [`Store::sign_in_failures_for_ip`] return (the latest ones).
pub const FAILURES_READ_LIMIT: i64 = 256;

/// Input for a new session (the cookie value already hashed by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// SHA-256 hex of the cookie value.
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    /// The absolute end of the session, however active it is.
    pub expires_at: Timestamp,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A sign-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: i64,
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: Timestamp,
    /// The last request seen (written at most about once a minute).
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Input for a new API token (the token already hashed by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    pub name: String,
    /// The first characters of the token (`pd_abcd1234`), shown in lists.
    pub prefix: String,
    /// SHA-256 hex of the whole token.
    pub token_hash: String,
    pub scopes: Vec<Scope>,
    /// The admin who made it; `None` when made by the system (the command line).
    pub created_by: Option<UserId>,
    pub expires_at: Option<Timestamp>,
}

/// An API token as stored (without its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

const SESSION_COLUMNS: &str = "id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at, ip, user_agent";

const TOKEN_COLUMNS: &str =
    "id, name, prefix, scopes, created_by, created_at, expires_at, revoked_at, last_used_at";

fn session_from(row: &Row) -> Result<Session, StoreError> {
    Ok(Session {
        id: row.i64("id")?,
        token_hash: row.text("token_hash")?,
        user_id: UserId(row.i64("user_id")?),
        csrf_token: row.text("csrf_token")?,
        created_at: Timestamp(row.i64("created_at")?),
        last_seen_at: Timestamp(row.i64("last_seen_at")?),
        expires_at: Timestamp(row.i64("expires_at")?),
        revoked_at: row.opt_i64("revoked_at")?.map(Timestamp),
        ip: row.opt_text("ip")?,
        user_agent: row.opt_text("user_agent")?,
    })
}

fn token_from(row: &Row) -> Result<ApiToken, StoreError> {
    let scopes = row
        .text("scopes")?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<Vec<Scope>, _>>()
        .map_err(|e: paydesk_domain::DomainError| StoreError::Corrupt(format!("scopes: {e}")))?;
    Ok(ApiToken {
        id: row.i64("id")?,
        name: row.text("name")?,
        prefix: row.text("prefix")?,
        scopes,
        created_by: row.opt_i64("created_by")?.map(UserId),
        created_at: Timestamp(row.i64("created_at")?),
        expires_at: row.opt_i64("expires_at")?.map(Timestamp),
        revoked_at: row.opt_i64("revoked_at")?.map(Timestamp),
        last_used_at: row.opt_i64("last_used_at")?.map(Timestamp),
    })
}

fn times_from(rows: &[Row]) -> Result<Vec<Timestamp>, StoreError> {
    let mut times = rows
        .iter()
        .map(|r| r.i64("at").map(Timestamp))
        .collect::<Result<Vec<_>, _>>()?;
    times.reverse();
    Ok(times)
}

impl Store {
    /// Starts a session at `at` (`created_at` and `last_seen_at`). Errors:
    /// [`StoreError::Duplicate`] when the token hash is taken (a random value that
    /// collided: draw another), [`StoreError::MissingReference`] for an unknown user.
    pub async fn create_session(
        &self,
        s: &NewSession,
        at: Timestamp,
    ) -> Result<Session, StoreError> {
        let mut tx = self.write().await?;
        let sql = format!(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) \
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING {SESSION_COLUMNS}"
        );
        let row = tx
            .row(
                &sql,
                &args![
                    &s.token_hash,
                    s.user_id.0,
                    &s.csrf_token,
                    at.0,
                    s.expires_at.0,
                    s.ip.as_deref(),
                    s.user_agent.as_deref()
                ],
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt("insert returned no session".into()))?;
        let session = session_from(&row)?;
        tx.commit().await?;
        Ok(session)
    }

    /// The session whose cookie hashes to `token_hash`, revoked or expired ones included
    /// (the caller judges them).
    pub async fn session_by_token_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<Session>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1");
        tx.row(&sql, &args![token_hash])
            .await?
            .as_ref()
            .map(session_from)
            .transpose()
    }

    /// Records activity on a live session: sets `last_seen_at` to `at` unless the session is
    /// revoked or `at` is not later. Returns whether a row changed. Idempotent.
    pub async fn touch_session(&self, id: i64, at: Timestamp) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec(
                "UPDATE sessions SET last_seen_at = $2 \
                 WHERE id = $1 AND revoked_at IS NULL AND last_seen_at < $2",
                &args![id, at.0],
            )
            .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    /// Ends the session whose cookie hashes to `token_hash` (sign-out). Returns whether a
    /// live session was ended; ending an unknown or already ended one is not an error, and
    /// keeps the first `revoked_at`.
    pub async fn revoke_session(
        &self,
        token_hash: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec(
                "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
                &args![token_hash, at.0],
            )
            .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    /// Ends every live session of `user_id` (sign-out everywhere, password change,
    /// deactivation). Returns how many were ended.
    pub async fn revoke_user_sessions(
        &self,
        user_id: UserId,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec(
                "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                &args![user_id.0, at.0],
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Stores a new API token made at `at`. Errors: [`StoreError::Duplicate`] when the
    /// prefix or hash is taken (draw another token), [`StoreError::MissingReference`] when
    /// `created_by` names no user.
    pub async fn create_api_token(
        &self,
        t: &NewApiToken,
        at: Timestamp,
    ) -> Result<ApiToken, StoreError> {
        let scopes = t
            .scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut tx = self.write().await?;
        let sql = format!(
            "INSERT INTO api_tokens (name, prefix, token_hash, scopes, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {TOKEN_COLUMNS}"
        );
        let row = tx
            .row(
                &sql,
                &args![
                    &t.name,
                    &t.prefix,
                    &t.token_hash,
                    scopes,
                    t.created_by.map(|u| u.0),
                    at.0,
                    t.expires_at.map(|e| e.0)
                ],
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt("insert returned no token".into()))?;
        let token = token_from(&row)?;
        tx.commit().await?;
        Ok(token)
    }

    /// The token whose whole text hashes to `token_hash`, revoked or expired ones included
    /// (the caller judges them).
    pub async fn api_token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<ApiToken>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
        tx.row(&sql, &args![token_hash])
            .await?
            .as_ref()
            .map(token_from)
            .transpose()
    }

    /// Every API token, revoked and expired ones included, oldest first.
    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY id");
        tx.rows(&sql, &[]).await?.iter().map(token_from).collect()
    }

    /// Revokes token `id` and returns it. Idempotent: revoking a revoked token keeps the
    /// first `revoked_at`. Errors: [`StoreError::NotFound`].
    pub async fn revoke_api_token(&self, id: i64, at: Timestamp) -> Result<ApiToken, StoreError> {
        let mut tx = self.write().await?;
        tx.exec(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &args![id, at.0],
        )
        .await?;
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1");
        let token = tx
            .row(&sql, &args![id])
            .await?
            .as_ref()
            .map(token_from)
            .transpose()?
            .ok_or(StoreError::NotFound {
                entity: "api token",
            })?;
        tx.commit().await?;
        Ok(token)
    }

    /// Records that token `id` was used at `at`, at most once per
    /// [`TOKEN_USE_RESOLUTION_MS`] (an earlier use within that time leaves the row alone, so
    /// a busy token does not write on every request). Returns whether a row changed.
    pub async fn record_api_token_use(&self, id: i64, at: Timestamp) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec(
                "UPDATE api_tokens SET last_used_at = $2 \
                 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)",
                &args![id, at.0, at.0 - TOKEN_USE_RESOLUTION_MS],
            )
            .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    /// Records a failed sign-in for `email` (as typed, normalised by the caller) from `ip`.
    pub async fn record_sign_in_failure(
        &self,
        email: &str,
        ip: Option<&str>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        tx.exec(
            "INSERT INTO sign_in_failures (email, ip, at) VALUES ($1, $2, $3)",
            &args![email, ip, at.0],
        )
        .await?;
        tx.commit().await
    }

    /// When sign-in failed for `email` at or after `since`: the latest
    /// [`FAILURES_READ_LIMIT`], oldest first. Times rather than a count, because the
    /// back-off depends on how the failures are spread.
    pub async fn sign_in_failures_for_email(
        &self,
        email: &str,
        since: Timestamp,
    ) -> Result<Vec<Timestamp>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT at FROM sign_in_failures WHERE email = $1 AND at >= $2 \
                 ORDER BY at DESC, id DESC LIMIT $3",
                &args![email, since.0, FAILURES_READ_LIMIT],
            )
            .await?;
        times_from(&rows)
    }

    /// When sign-in failed from `ip` at or after `since`, whatever the email: the latest
    /// [`FAILURES_READ_LIMIT`], oldest first.
    pub async fn sign_in_failures_for_ip(
        &self,
        ip: &str,
        since: Timestamp,
    ) -> Result<Vec<Timestamp>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT at FROM sign_in_failures WHERE ip = $1 AND at >= $2 \
                 ORDER BY at DESC, id DESC LIMIT $3",
                &args![ip, since.0, FAILURES_READ_LIMIT],
            )
            .await?;
        times_from(&rows)
    }

    /// Forgets the failed sign-ins of `email` (after a successful one), so they count
    /// against its IP addresses no more either: failures for other emails from the same
    /// address stay. Returns how many were forgotten.
    pub async fn clear_sign_in_failures(&self, email: &str) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec(
                "DELETE FROM sign_in_failures WHERE email = $1",
                &args![email],
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }
}
