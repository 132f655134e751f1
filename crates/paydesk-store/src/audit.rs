//! The audit trail: the event log, hash-chained.
//!
//! There is one log. Every change appends events to `events` in the transaction that makes
//! it; things that change nothing but must be accounted for (sign-ins, failed sign-ins,
//! reads of personal data, exports, configuration changes) are appended through
//! [`Store::append_audit`]. Triggers refuse `UPDATE` and `DELETE` on the table, so the product
//! cannot change or remove a record; the chain makes changes made around the product (by
//! hand, in the database) visible.
//!
//! Each record holds the hash of the record before it (`prev_hash`) and its own `hash`:
//!
//! ```text
//! hash = hex(SHA-256(prev_hash || "\n" || canonical(record)))
//! ```
//!
//! `canonical` is [`CANONICAL_VERSION`] followed by the fields id, ticket_id, customer_id,
//! actor_kind, actor_id, actor_label, ip, at, kind and data, each written as `~` when null
//! or `<byte length>:<text>` (integers in decimal, data exactly as stored), so no two
//! different records encode alike. The first record's `prev_hash` is [`GENESIS`].
//!
//! The chain runs in id order, so ids are part of the hash and the appender assigns them
//! itself (the last id plus one) instead of leaving them to the database. Appends are
//! serialised: SQLite has one writer connection (`BEGIN IMMEDIATE`); on PostgreSQL the
//! appender takes a transaction-level advisory lock before reading the last record, held
//! until commit. Writers therefore append events as the last statement of a transaction,
//! so that the lock covers as little as possible.
//!
//! [`Store::verify_audit_chain`] recomputes every hash. It finds an edited record (its hash
//! no longer matches), a record deleted from the middle (a gap in the ids) and a record
//! rewritten together with its hash (the next record's `prev_hash` no longer matches).
//! Removing records from the end leaves a shorter chain that is still whole: compare the
//! head hash it reports with one noted earlier to catch that.

use crate::error::StoreError;
use crate::event::event_from_row;
use crate::page::{Page, PageRequest, decode_cursor, encode_cursor};
use crate::sql::{Engine, Row, Tx};
use crate::{Store, args, event};
use paydesk_domain::EventId;
use paydesk_domain::event::{Event, NewEvent};
use sha2::{Digest as _, Sha256};

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The first bytes of every canonical encoding; a new encoding would get a new tag.
pub const CANONICAL_VERSION: &str = "paydesk-audit-v1";

/// The PostgreSQL advisory lock that serialises appends (the migrations use another).
const CHAIN_LOCK: i64 = 7_262_838;

/// Records read per query while verifying.
const VERIFY_PAGE: i64 = 5_000;

/// The columns of one record that its hash covers, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainEntry<'a> {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub actor_kind: &'a str,
    pub actor_id: Option<i64>,
    pub actor_label: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub at: i64,
    pub kind: &'a str,
    /// The JSON text exactly as stored.
    pub data: &'a str,
}

fn put_text(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.push(b'~'),
        Some(text) => {
            out.extend_from_slice(text.len().to_string().as_bytes());
            out.push(b':');
            out.extend_from_slice(text.as_bytes());
        }
    }
}

fn put_int(out: &mut Vec<u8>, value: Option<i64>) {
    put_text(out, value.map(|v| v.to_string()).as_deref());
}

/// The canonical encoding of `entry` (see the module documentation).
#[must_use]
pub fn canonical(entry: &ChainEntry<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(96 + entry.data.len());
    out.extend_from_slice(CANONICAL_VERSION.as_bytes());
    put_int(&mut out, Some(entry.id));
    put_int(&mut out, entry.ticket_id);
    put_int(&mut out, entry.customer_id);
    put_text(&mut out, Some(entry.actor_kind));
    put_int(&mut out, entry.actor_id);
    put_text(&mut out, entry.actor_label);
    put_text(&mut out, entry.ip);
    put_int(&mut out, Some(entry.at));
    put_text(&mut out, Some(entry.kind));
    put_text(&mut out, Some(entry.data));
    out
}

/// The hash of `entry` when it follows a record whose hash is `prev_hash`: lower-case hex
/// of SHA-256 over `prev_hash`, a newline and [`canonical`]`(entry)`.
#[must_use]
pub fn entry_hash(prev_hash: &str, entry: &ChainEntry<'_>) -> String {
    let mut sha = Sha256::new();
    sha.update(prev_hash.as_bytes());
    sha.update(b"\n");
    sha.update(canonical(entry));
    hex(&sha.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Takes the append lock (PostgreSQL; SQLite's writer is already alone) and returns the
/// last record's id and hash: `(0, GENESIS)` on an empty log. Only for appenders, inside
/// their write transaction; the lock lasts until it ends.
pub(crate) async fn lock_head(tx: &mut Tx) -> Result<(i64, String), StoreError> {
    if tx.engine() == Engine::Postgres {
        tx.exec("SELECT pg_advisory_xact_lock($1)", &args![CHAIN_LOCK])
            .await?;
    }
    let head = tx
        .row("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", &[])
        .await?;
    match head {
        Some(row) => Ok((row.i64("id")?, row.text("hash")?)),
        None => Ok((0, GENESIS.to_string())),
    }
}

/// One record of the audit trail: the event, where its actor came from, and its links.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub event: Event,
    /// The actor's address, when the caller knew it.
    pub ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// What [`Store::verify_audit_chain`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainReport {
    /// Every record checks out.
    Intact {
        /// How many records the chain holds.
        records: u64,
        /// The last record's id (0 when empty).
        head_id: i64,
        /// The last record's hash ([`GENESIS`] when empty). Note it down: a chain cut
        /// short at its end is whole again, but ends on another hash.
        head_hash: String,
    },
    /// The first record (in id order) at which the chain does not hold.
    Broken {
        first_bad_id: i64,
        reason: ChainBreak,
    },
}

/// Why the chain breaks at a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The record's content does not match its hash: it was edited.
    HashMismatch { stored: String, computed: String },
    /// The record's `prev_hash` is not the hash of the record before it: that one was
    /// rewritten together with its hash, or this one was put in.
    PrevHashMismatch { expected: String, found: String },
    /// No record has this id, and the next one present has `next_id`: the records in
    /// between were deleted.
    Missing { next_id: i64 },
    /// A record with an id lower than the chain allows here (put in by hand).
    UnexpectedId { expected: i64 },
    /// A column could not be read as its type (changed by hand).
    Unreadable { cause: String },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::HashMismatch { stored, computed } => write!(
                f,
                "its content does not match its hash (the record was edited; stored {stored}, computed {computed})"
            ),
            Self::PrevHashMismatch { expected, found } => write!(
                f,
                "its prev_hash {found} is not the hash of the record before it, {expected} (the record before was rewritten, or this one was put in)"
            ),
            Self::Missing { next_id } => {
                let last = next_id - 1;
                write!(
                    f,
                    "it is missing: the records from here up to #{last} were deleted (the next present is #{next_id})"
                )
            }
            Self::UnexpectedId { expected } => write!(
                f,
                "its id is out of sequence (expected #{expected}; the record was put in by hand)"
            ),
            Self::Unreadable { cause } => {
                write!(f, "a column cannot be read (changed by hand): {cause}")
            }
        }
    }
}

/// The stored columns of one record, owned, as read for verification.
struct StoredEntry {
    ticket_id: Option<i64>,
    customer_id: Option<i64>,
    actor_kind: String,
    actor_id: Option<i64>,
    actor_label: Option<String>,
    ip: Option<String>,
    at: i64,
    kind: String,
    data: String,
    prev_hash: String,
    hash: String,
}

impl StoredEntry {
    fn read(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            ticket_id: row.opt_i64("ticket_id")?,
            customer_id: row.opt_i64("customer_id")?,
            actor_kind: row.text("actor_kind")?,
            actor_id: row.opt_i64("actor_id")?,
            actor_label: row.opt_text("actor_label")?,
            ip: row.opt_text("ip")?,
            at: row.i64("at")?,
            kind: row.text("kind")?,
            data: row.text("data")?,
            prev_hash: row.text("prev_hash")?,
            hash: row.text("hash")?,
        })
    }

    fn entry(&self, id: i64) -> ChainEntry<'_> {
        ChainEntry {
            id,
            ticket_id: self.ticket_id,
            customer_id: self.customer_id,
            actor_kind: &self.actor_kind,
            actor_id: self.actor_id,
            actor_label: self.actor_label.as_deref(),
            ip: self.ip.as_deref(),
            at: self.at,
            kind: &self.kind,
            data: &self.data,
        }
    }
}

const RECORD_COLUMNS: &str = "id, ticket_id, customer_id, actor_kind, actor_id, actor_label, ip, at, kind, data, prev_hash, hash";

impl Store {
    /// Appends events that record something other than a change to stored data: sign-ins
    /// and failed sign-ins, reads of personal data, exports, configuration and permission
    /// changes. `ip` is where the actor came from, if known. One transaction: all are
    /// appended, in slice order, or none. Returns their ids.
    ///
    /// Errors: [`StoreError::MissingReference`] when an event names a ticket or customer
    /// that does not exist.
    pub async fn append_audit(
        &self,
        events: &[NewEvent],
        ip: Option<&str>,
    ) -> Result<Vec<EventId>, StoreError> {
        if events.is_empty() {
            return Ok(vec![]);
        }
        let mut tx = self.write().await?;
        let ids = event::append_all(&mut tx, events, ip).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// The audit trail in id order (oldest first), a page at a time, with each record's
    /// address and links. Errors: [`StoreError::BadCursor`]; [`StoreError::Corrupt`] when a
    /// record was changed by hand into something unreadable.
    pub async fn audit_trail(&self, page: &PageRequest) -> Result<Page<AuditRecord>, StoreError> {
        let after = match &page.cursor {
            Some(c) => decode_cursor(c, 1)
                .and_then(|v| v.first().copied())
                .ok_or(StoreError::BadCursor)?,
            None => 0,
        };
        let limit = i64::try_from(page.limit).unwrap_or(50);
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                &format!("SELECT {RECORD_COLUMNS} FROM events WHERE id > $1 ORDER BY id LIMIT $2"),
                &args![after, limit.saturating_add(1)],
            )
            .await?;
        let mut items = rows
            .iter()
            .map(|r| {
                Ok(AuditRecord {
                    event: event_from_row(r)?,
                    ip: r.opt_text("ip")?,
                    prev_hash: r.text("prev_hash")?,
                    hash: r.text("hash")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let next_cursor = if items.len() > page.limit {
            items.truncate(page.limit);
            items.last().map(|r| encode_cursor(&[r.event.id.0]))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// Recomputes the whole chain in id order, 5,000 records per query, and
    /// reports it intact or names the first record where it breaks (see [`ChainBreak`]).
    /// `progress(done, total)` is called after each page; `total` is counted at the start,
    /// so records appended meanwhile may take `done` past it.
    ///
    /// Reads only; on SQLite one snapshot, on PostgreSQL one query snapshot per page
    /// (records appended meanwhile join the end of the chain, which stays whole).
    /// Errors: only failures to read; a broken chain is an `Ok` report.
    pub async fn verify_audit_chain(
        &self,
        progress: impl Fn(u64, u64),
    ) -> Result<ChainReport, StoreError> {
        let mut tx = self.read().await?;
        let total = tx
            .row("SELECT COUNT(*) AS n FROM events", &[])
            .await?
            .map(|r| r.i64("n"))
            .transpose()?
            .unwrap_or(0);
        let total = u64::try_from(total).unwrap_or(0);
        progress(0, total);
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM events WHERE id > $1 ORDER BY id LIMIT {VERIFY_PAGE}"
        );
        let mut after = i64::MIN;
        let mut expected_id = 1_i64;
        let mut prev_hash = GENESIS.to_string();
        let mut done = 0_u64;
        loop {
            let rows = tx.rows(&sql, &args![after]).await?;
            for row in &rows {
                let id = row.i64("id")?;
                if let Some(reason) = check(row, id, expected_id, &prev_hash) {
                    let first_bad_id = match reason {
                        ChainBreak::Missing { .. } => expected_id,
                        _ => id,
                    };
                    return Ok(ChainReport::Broken {
                        first_bad_id,
                        reason,
                    });
                }
                prev_hash = row.text("hash")?;
                expected_id = id + 1;
                after = id;
                done += 1;
            }
            progress(done, total.max(done));
            if i64::try_from(rows.len()).unwrap_or(i64::MAX) < VERIFY_PAGE {
                break;
            }
        }
        Ok(ChainReport::Intact {
            records: done,
            head_id: expected_id - 1,
            head_hash: prev_hash,
        })
    }
}

/// Why the record `id` in `row` breaks the chain, if it does.
fn check(row: &Row, id: i64, expected_id: i64, prev_hash: &str) -> Option<ChainBreak> {
    if id > expected_id {
        return Some(ChainBreak::Missing { next_id: id });
    }
    if id < expected_id {
        return Some(ChainBreak::UnexpectedId {
            expected: expected_id,
        });
    }
    let stored = match StoredEntry::read(row) {
        Ok(s) => s,
        Err(e) => {
            return Some(ChainBreak::Unreadable {
                cause: e.to_string(),
            });
        }
    };
    if stored.prev_hash != prev_hash {
        return Some(ChainBreak::PrevHashMismatch {
            expected: prev_hash.to_string(),
            found: stored.prev_hash,
        });
    }
    let computed = entry_hash(prev_hash, &stored.entry(id));
    if computed != stored.hash {
        return Some(ChainBreak::HashMismatch {
            stored: stored.hash,
            computed,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(data: &'a str, label: Option<&'a str>) -> ChainEntry<'a> {
        ChainEntry {
            id: 1,
            ticket_id: Some(7),
            customer_id: None,
            actor_kind: "api",
            actor_id: None,
            actor_label: label,
            ip: Some("192.0.2.1"),
            at: 1_700_000_000_000,
            kind: "ticket_created",
            data,
        }
    }

    #[test]
    fn encoding_tells_null_from_empty_and_fields_apart() {
        let a = canonical(&entry("{}", None));
        let b = canonical(&entry("{}", Some("")));
        assert_ne!(a, b);
        // Moving bytes from one field into the next changes the encoding.
        let c = canonical(&entry("1:x", Some("ab")));
        let d = canonical(&entry("x", Some("ab1:")));
        assert_ne!(c, d);
    }

    #[test]
    fn hash_is_sha256_hex_of_prev_newline_canonical() {
        let e = entry("{\"subject\":\"hi\"}", None);
        let h = entry_hash(GENESIS, &e);
        assert_eq!(h.len(), 64);
        assert!(
            h.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        let mut input = format!("{GENESIS}\n").into_bytes();
        input.extend(canonical(&e));
        assert_eq!(h, hex(&Sha256::digest(&input)));
        assert_ne!(h, entry_hash(&h, &e), "the link is part of the hash");
        assert_eq!(
            String::from_utf8_lossy(&canonical(&e)),
            "paydesk-audit-v11:11:7~3:api~~9:192.0.2.113:170000000000014:ticket_created16:{\"subject\":\"hi\"}"
        );
    }
}
