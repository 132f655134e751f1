//! Disputes as the desk works them: listed by due date, read with how they were answered,
//! their evidence (text and files), and the moves made on them (answered, accepted,
//! decided). A move is a guarded update — it happens only from the status it was decided
//! on — so two people cannot both make it; and it moves the deadline clock of the ticket
//! working the dispute in the same transaction.

use crate::error::StoreError;
use crate::page::{Page, PageRequest, decode_cursor, encode_cursor};
use crate::payment_object::{DISPUTE_COLUMNS, dispute_from};
use crate::sql::{Row, Tx};
use crate::{Store, args, event, sla_clock};
use paydesk_domain::event::NewEvent;
use paydesk_domain::payment::reason_code::Evidence;
use paydesk_domain::payment::{Dispute, DisputeId, DisputeStatus};
use paydesk_domain::{Actor, Timestamp, UserId};

/// How the desk answered a dispute and what the network decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisputeAnswer {
    pub submitted_at: Option<Timestamp>,
    pub submitted_by: Option<UserId>,
    pub decided_at: Option<Timestamp>,
    pub decided_by: Option<UserId>,
    pub amount_won: Option<i64>,
    pub amount_lost: Option<i64>,
    pub outcome_note: Option<String>,
}

/// A dispute with how it was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeRecord {
    pub dispute: Dispute,
    pub answer: DisputeAnswer,
}

/// Which disputes to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisputeFilter {
    pub status: Option<DisputeStatus>,
    /// Only those that still need an answer.
    pub needs_response: bool,
    /// Only those due before this instant.
    pub due_before: Option<Timestamp>,
}

/// One piece of evidence on a dispute (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceItem {
    pub id: i64,
    pub dispute_id: DisputeId,
    pub kind: Evidence,
    pub title: String,
    pub body: Option<String>,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: i64,
    /// The ticket attachment it points to, when it is one.
    pub attachment_id: Option<i64>,
    pub added_by: Option<UserId>,
    pub added_at: Timestamp,
}

/// Evidence to add (texts already redacted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvidence {
    pub kind: Evidence,
    pub title: String,
    pub body: Option<String>,
    /// An uploaded file: name, content type, bytes.
    pub file: Option<(String, String, Vec<u8>)>,
    /// Or one of the ticket's attachments.
    pub attachment_id: Option<i64>,
    pub added_by: Option<UserId>,
    pub added_at: Timestamp,
}

/// A move decided on a dispute, to make only from `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeMove {
    pub from: DisputeStatus,
    pub to: DisputeStatus,
    /// Whether the move answers the dispute (submit, accept), and who did.
    pub answered: bool,
    pub submitted_by: Option<UserId>,
    /// Set when the move decides it (accept, outcome): won and lost amounts.
    pub decided: Option<(i64, i64)>,
    pub decided_by: Option<UserId>,
    pub note: Option<String>,
    pub at: Timestamp,
}

const ANSWER_COLUMNS: &str =
    "submitted_at, submitted_by, decided_at, decided_by, amount_won, amount_lost, outcome_note";

const EVIDENCE_COLUMNS: &str = "id, dispute_id, kind, title, body, filename, content_type, size_bytes, \
     attachment_id, added_by, added_at";

fn record_from(r: &Row) -> Result<DisputeRecord, StoreError> {
    Ok(DisputeRecord {
        dispute: dispute_from(r)?,
        answer: DisputeAnswer {
            submitted_at: r.opt_i64("submitted_at")?.map(Timestamp),
            submitted_by: r.opt_i64("submitted_by")?.map(UserId),
            decided_at: r.opt_i64("decided_at")?.map(Timestamp),
            decided_by: r.opt_i64("decided_by")?.map(UserId),
            amount_won: r.opt_i64("amount_won")?,
            amount_lost: r.opt_i64("amount_lost")?,
            outcome_note: r.opt_text("outcome_note")?,
        },
    })
}

fn evidence_from(r: &Row) -> Result<EvidenceItem, StoreError> {
    Ok(EvidenceItem {
        id: r.i64("id")?,
        dispute_id: DisputeId(r.i64("dispute_id")?),
        kind: r.label("kind")?,
        title: r.text("title")?,
        body: r.opt_text("body")?,
        filename: r.opt_text("filename")?,
        content_type: r.opt_text("content_type")?,
        size_bytes: r.i64("size_bytes")?,
        attachment_id: r.opt_i64("attachment_id")?,
        added_by: r.opt_i64("added_by")?.map(UserId),
        added_at: Timestamp(r.i64("added_at")?),
    })
}

/// Disputes without a due date sort after every dated one.
const NO_DUE: i64 = sla_clock::NO_DUE;

async fn record(tx: &mut Tx, id: DisputeId) -> Result<DisputeRecord, StoreError> {
    let sql = format!("SELECT {DISPUTE_COLUMNS}, {ANSWER_COLUMNS} FROM disputes WHERE id = $1");
    tx.row(&sql, &args![id.0])
        .await?
        .as_ref()
        .map(record_from)
        .transpose()?
        .ok_or(StoreError::NotFound { entity: "dispute" })
}

impl Store {
    /// A dispute with how it was answered. Errors: [`StoreError::NotFound`].
    pub async fn dispute(&self, id: DisputeId) -> Result<DisputeRecord, StoreError> {
        let mut tx = self.read().await?;
        record(&mut tx, id).await
    }

    /// Disputes by due date (soonest first, undated last), then id.
    pub async fn disputes(
        &self,
        filter: &DisputeFilter,
        page: &PageRequest,
    ) -> Result<Page<DisputeRecord>, StoreError> {
        let after = match &page.cursor {
            Some(c) => Some(decode_cursor(c, 2).ok_or(StoreError::BadCursor)?),
            None => None,
        };
        let mut sql = format!(
            "SELECT {DISPUTE_COLUMNS}, {ANSWER_COLUMNS}, COALESCE(due_at, {NO_DUE}) AS due_key \
             FROM disputes WHERE 1 = 1"
        );
        let mut values: Vec<crate::sql::Value> = Vec::new();
        if let Some(s) = filter.status {
            values.push(s.as_str().into());
            sql.push_str(&format!(" AND status = ${}", values.len()));
        }
        if filter.needs_response {
            sql.push_str(" AND status IN ('needs_response', 'warning_needs_response')");
        }
        if let Some(t) = filter.due_before {
            values.push(t.0.into());
            sql.push_str(&format!(" AND due_at < ${}", values.len()));
        }
        if let Some([due, last]) = after.as_deref() {
            values.push((*due).into());
            values.push((*last).into());
            let n = values.len() - 1;
            sql.push_str(&format!(
                " AND (COALESCE(due_at, {NO_DUE}) > ${n} OR (COALESCE(due_at, {NO_DUE}) = ${n} AND id > ${}))",
                n + 1
            ));
        }
        let limit = page.limit.clamp(1, PageRequest::MAX_LIMIT);
        sql.push_str(&format!(" ORDER BY due_key, id LIMIT {}", limit + 1));
        let mut tx = self.read().await?;
        let rows = tx.rows(&sql, &values).await?;
        let mut items = rows
            .iter()
            .map(record_from)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items
                .last()
                .map(|r| encode_cursor(&[r.dispute.due_at.map_or(NO_DUE, |t| t.0), r.dispute.id.0]))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// A dispute's evidence, in the order it was added.
    pub async fn dispute_evidence(&self, id: DisputeId) -> Result<Vec<EvidenceItem>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS} FROM dispute_evidence WHERE dispute_id = $1 ORDER BY id"
        );
        tx.rows(&sql, &args![id.0])
            .await?
            .iter()
            .map(evidence_from)
            .collect()
    }

    /// The bytes of an uploaded evidence file (`None` for text-only evidence and for
    /// evidence that points at a ticket attachment).
    pub async fn evidence_content(
        &self,
        dispute: DisputeId,
        evidence: i64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row(
                "SELECT content FROM dispute_evidence WHERE id = $1 AND dispute_id = $2",
                &args![evidence, dispute.0],
            )
            .await?
            .ok_or(StoreError::NotFound { entity: "evidence" })?;
        row.opt_bytes("content")
    }

    /// Adds evidence to a dispute with its event. A ticket attachment must belong to the
    /// ticket working the dispute. Errors: [`StoreError::NotFound`] (dispute, attachment).
    pub async fn add_evidence(
        &self,
        dispute: DisputeId,
        evidence: &NewEvidence,
        events: Vec<NewEvent>,
    ) -> Result<EvidenceItem, StoreError> {
        let mut tx = self.write().await?;
        let d = record(&mut tx, dispute).await?.dispute;
        let mut size = 0_i64;
        if let Some(a) = evidence.attachment_id {
            let row = tx
                .row(
                    "SELECT a.size_bytes FROM attachments a JOIN messages m ON m.id = a.message_id \
                     WHERE a.id = $1 AND m.ticket_id = $2",
                    &args![a, d.ticket_id.map(|t| t.0)],
                )
                .await?
                .ok_or(StoreError::NotFound {
                    entity: "attachment",
                })?;
            size = row.i64("size_bytes")?;
        }
        let (filename, content_type, content) = match &evidence.file {
            Some((name, kind, bytes)) => {
                size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
                (
                    Some(name.as_str()),
                    Some(kind.as_str()),
                    Some(bytes.clone()),
                )
            }
            None => (None, None, None),
        };
        let id = tx
            .insert_id(
                "INSERT INTO dispute_evidence (dispute_id, kind, title, body, filename, content_type, size_bytes, \
                 content, attachment_id, added_by, added_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &args![
                    dispute.0,
                    evidence.kind.as_str(),
                    &evidence.title,
                    evidence.body.as_deref(),
                    filename,
                    content_type,
                    size,
                    content,
                    evidence.attachment_id,
                    evidence.added_by.map(UserId::get),
                    evidence.added_at.0
                ],
            )
            .await?;
        let events: Vec<NewEvent> = events
            .into_iter()
            .map(|mut e| {
                e.ticket_id = e.ticket_id.or(d.ticket_id);
                if e.kind == paydesk_domain::event::EventKind::DisputeEvidence {
                    e.data["evidence_id"] = id.into();
                }
                e
            })
            .collect();
        event::append_all(&mut tx, &events, None).await?;
        let sql = format!("SELECT {EVIDENCE_COLUMNS} FROM dispute_evidence WHERE id = $1");
        let row = tx
            .row(&sql, &args![id])
            .await?
            .ok_or(StoreError::NotFound { entity: "evidence" })?;
        let item = evidence_from(&row)?;
        tx.commit().await?;
        Ok(item)
    }

    /// Removes a piece of evidence, with its event. Errors: [`StoreError::NotFound`].
    pub async fn remove_evidence(
        &self,
        dispute: DisputeId,
        evidence: i64,
        mut event: NewEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let d = record(&mut tx, dispute).await?.dispute;
        let gone = tx
            .exec(
                "DELETE FROM dispute_evidence WHERE id = $1 AND dispute_id = $2",
                &args![evidence, dispute.0],
            )
            .await?;
        if gone == 0 {
            return Err(StoreError::NotFound { entity: "evidence" });
        }
        event.ticket_id = event.ticket_id.or(d.ticket_id);
        event::append_all(&mut tx, &[event], None).await?;
        tx.commit().await
    }

    /// Makes a move on a dispute, only from `m.from`; moves the deadline clock of the
    /// ticket working it; appends `events` (their ticket filled in) and the clock's.
    ///
    /// Errors: [`StoreError::VersionConflict`] when the dispute left `m.from` meanwhile;
    /// [`StoreError::NotFound`].
    pub async fn move_dispute(
        &self,
        id: DisputeId,
        m: &DisputeMove,
        events: Vec<NewEvent>,
    ) -> Result<DisputeRecord, StoreError> {
        let mut tx = self.write().await?;
        let (won, lost) = m.decided.unzip();
        let touched = tx
            .exec(
                "UPDATE disputes SET status = $1, updated_at = $2, \
                 submitted_at = CASE WHEN $3 = 1 THEN $2 ELSE submitted_at END, \
                 submitted_by = CASE WHEN $3 = 1 THEN $4 ELSE submitted_by END, \
                 decided_at = CASE WHEN $5 = 1 THEN $2 ELSE decided_at END, \
                 decided_by = COALESCE($6, decided_by), \
                 amount_won = COALESCE($7, amount_won), amount_lost = COALESCE($8, amount_lost), \
                 outcome_note = COALESCE($9, outcome_note) \
                 WHERE id = $10 AND status = $11",
                &args![
                    m.to.as_str(),
                    m.at.0,
                    i64::from(m.answered),
                    m.submitted_by.map(UserId::get),
                    i64::from(m.decided.is_some()),
                    m.decided_by.map(UserId::get),
                    won,
                    lost,
                    m.note.as_deref(),
                    id.0,
                    m.from.as_str()
                ],
            )
            .await?;
        if touched == 0 {
            let current = record(&mut tx, id).await?;
            return Err(StoreError::VersionConflict {
                entity: "dispute",
                expected: current.dispute.updated_at.0,
            });
        }
        let after = record(&mut tx, id).await?;
        let mut all: Vec<NewEvent> = events
            .into_iter()
            .map(|mut e| {
                e.ticket_id = e.ticket_id.or(after.dispute.ticket_id);
                e.customer_id = e.customer_id.or(after.dispute.customer_id);
                e
            })
            .collect();
        if let Some(ticket) = after.dispute.ticket_id {
            all.extend(sla_clock::restep(&mut tx, ticket, &Actor::System, m.at).await?);
        }
        event::append_all(&mut tx, &all, None).await?;
        tx.commit().await?;
        Ok(after)
    }
}
