//! Updates posted on an incident, and their delivery to the linked tickets.
//!
//! A public update is for the tickets linked when it is posted and still unresolved: the
//! posting transaction writes one `pending` delivery row per such ticket and queues an
//! `incident_update` job. The job turns each row into a reply on its ticket in the
//! ticket's own transaction, which first moves the row from `pending` to `replied`: a row
//! that is no longer pending means another run already delivered it, and nothing happens.
//! So each ticket gets one reply per update, however often the request or the job repeat.

use crate::error::StoreError;
use crate::event::{self, actor_columns, actor_from};
use crate::incident::{self, NewEntry, StoredIncident};
use crate::job::{self, NewJob};
use crate::outbound_mail::{self, NewOutboundMail};
use crate::sql::{Row, Tx};
use crate::{Store, args};
use paydesk_domain::event::NewEvent;
use paydesk_domain::incident::IncidentId;
use paydesk_domain::message::NewMessage;
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{Actor, TicketId, Timestamp};
use serde_json::json;

/// The job kind that delivers a public update to its tickets.
pub const INCIDENT_UPDATE_JOB: &str = "incident_update";

/// An update to post.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUpdate {
    /// `update`, or `resolution` for the message of a resolve.
    pub kind: &'static str,
    /// Already checked and redacted.
    pub body: String,
    pub is_public: bool,
    pub solve_tickets: bool,
    pub actor: Actor,
    /// SHA-256 (hex) of the client's idempotency key and of its request.
    pub idempotency: Option<(String, String)>,
    pub at: Timestamp,
}

/// An update as stored, with how far its delivery got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUpdate {
    pub id: i64,
    pub incident_id: IncidentId,
    pub kind: String,
    pub body: String,
    pub is_public: bool,
    pub solve_tickets: bool,
    /// `delivering` while replies go out, then `done`.
    pub status: String,
    pub actor: Actor,
    /// The request hash its idempotency key was first used with.
    pub request_hash: Option<String>,
    pub created_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    /// Tickets it is for.
    pub total: i64,
    /// Tickets that got the reply.
    pub sent: i64,
    /// Tickets passed over (solved, closed or unlinked before their turn).
    pub skipped: i64,
}

/// A reply to store with a delivery: the ticket as it will be, the version it was read
/// at, the reply's events and message, and its email when one should go out.
#[derive(Debug, Clone)]
pub struct DeliveryReply<'a> {
    pub ticket: &'a Ticket,
    pub expected_version: i64,
    pub events: &'a [NewEvent],
    pub message: &'a NewMessage,
    pub mail: Option<&'a NewOutboundMail>,
}

const COLUMNS: &str = "u.id, u.incident_id, u.kind, u.body, u.is_public, u.solve_tickets, u.status, u.total, \
     u.actor_kind, u.actor_id, u.actor_label, u.request_hash, u.created_at, u.completed_at, \
     (SELECT CAST(COUNT(*) AS BIGINT) FROM incident_deliveries d WHERE d.update_id = u.id AND d.outcome = 'replied') AS sent, \
     (SELECT CAST(COUNT(*) AS BIGINT) FROM incident_deliveries d WHERE d.update_id = u.id AND d.outcome = 'skipped') AS skipped";

fn update_from_row(r: &Row) -> Result<StoredUpdate, StoreError> {
    Ok(StoredUpdate {
        id: r.i64("id")?,
        incident_id: IncidentId(r.i64("incident_id")?),
        kind: r.text("kind")?,
        body: r.text("body")?,
        is_public: r.i64("is_public")? != 0,
        solve_tickets: r.i64("solve_tickets")? != 0,
        status: r.text("status")?,
        actor: actor_from(
            &r.text("actor_kind")?,
            r.opt_i64("actor_id")?,
            r.opt_text("actor_label")?,
        )?,
        request_hash: r.opt_text("request_hash")?,
        created_at: Timestamp(r.i64("created_at")?),
        completed_at: r.opt_i64("completed_at")?.map(Timestamp),
        total: r.i64("total")?,
        sent: r.i64("sent")?,
        skipped: r.i64("skipped")?,
    })
}

async fn load(tx: &mut Tx, id: i64) -> Result<StoredUpdate, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM incident_updates u WHERE u.id = $1");
    let row = tx
        .row(&sql, &args![id])
        .await?
        .ok_or(StoreError::NotFound {
            entity: "incident update",
        })?;
    update_from_row(&row)
}

/// Inserts `update` inside `tx`; a public one gets a pending delivery for every linked,
/// unresolved ticket and, when there is any, a job to deliver them.
pub(crate) async fn insert_in(
    tx: &mut Tx,
    incident: &StoredIncident,
    update: &NewUpdate,
) -> Result<StoredUpdate, StoreError> {
    let (kind, actor_id, label) = actor_columns(&update.actor);
    let (key, hash) = match &update.idempotency {
        Some((k, h)) => (Some(k.as_str()), Some(h.as_str())),
        None => (None, None),
    };
    let id = tx
        .insert_id(
            "INSERT INTO incident_updates (incident_id, kind, body, is_public, solve_tickets, status, total, \
             actor_kind, actor_id, actor_label, idempotency_key, request_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'done', 0, $6, $7, $8, $9, $10, $11) RETURNING id",
            &args![
                incident.id.0,
                update.kind,
                &update.body,
                i64::from(update.is_public),
                i64::from(update.solve_tickets),
                kind,
                actor_id,
                label,
                key,
                hash,
                update.at.0
            ],
        )
        .await?;
    if update.is_public {
        let audience = tx
            .exec(
                "INSERT INTO incident_deliveries (update_id, ticket_id, outcome, delivered_at) \
                 SELECT $1, it.ticket_id, 'pending', $2 FROM incident_tickets it JOIN tickets t ON t.id = it.ticket_id \
                 WHERE it.incident_id = $3 AND it.is_linked = 1 AND t.status IN ('new', 'open', 'pending', 'on_hold')",
                &args![id, update.at.0, incident.id.0],
            )
            .await?;
        if audience > 0 {
            tx.exec(
                "UPDATE incident_updates SET status = 'delivering', total = $1 WHERE id = $2",
                &args![i64::try_from(audience).unwrap_or(i64::MAX), id],
            )
            .await?;
            let job = NewJob {
                kind: INCIDENT_UPDATE_JOB.into(),
                ticket_id: None,
                payload: json!({ "update_id": id }),
                max_attempts: 10,
                run_at: update.at,
            };
            job::insert(tx, &job, update.at).await?;
        }
    }
    load(tx, id).await
}

impl Store {
    /// Posts an update with its timeline entry, in one transaction (see [`NewUpdate`]).
    /// With an idempotency key already used on this incident, posts nothing and returns
    /// the update made then (`false`); the caller compares its request hash.
    pub async fn post_incident_update(
        &self,
        incident: IncidentId,
        update: &NewUpdate,
        entry: &NewEntry,
    ) -> Result<(StoredUpdate, bool), StoreError> {
        if let Some(found) = self.update_by_key(incident, update).await? {
            return Ok((found, false));
        }
        let mut tx = self.write().await?;
        let stored_incident = incident::load(&mut tx, incident).await?;
        let stored = match insert_in(&mut tx, &stored_incident, update).await {
            Err(StoreError::Duplicate) => {
                drop(tx);
                let found = self.update_by_key(incident, update).await?;
                return found.map(|u| (u, false)).ok_or(StoreError::Duplicate);
            }
            other => other?,
        };
        let mut entry = entry.clone();
        if let Some(d) = entry.detail.as_object_mut() {
            d.insert("update_id".into(), json!(stored.id));
            d.insert("tickets".into(), json!(stored.total));
        }
        incident::finish(tx, &stored_incident, &[entry], Vec::new()).await?;
        Ok((stored, true))
    }

    async fn update_by_key(
        &self,
        incident: IncidentId,
        update: &NewUpdate,
    ) -> Result<Option<StoredUpdate>, StoreError> {
        let Some((key, _)) = &update.idempotency else {
            return Ok(None);
        };
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM incident_updates u WHERE u.incident_id = $1 AND u.idempotency_key = $2"
        );
        tx.row(&sql, &args![incident.0, key.as_str()])
            .await?
            .as_ref()
            .map(update_from_row)
            .transpose()
    }

    /// One update with its progress. Errors: [`StoreError::NotFound`].
    pub async fn incident_update(&self, id: i64) -> Result<StoredUpdate, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// An incident's updates, oldest first, with their progress.
    pub async fn incident_updates(
        &self,
        incident: IncidentId,
    ) -> Result<Vec<StoredUpdate>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM incident_updates u WHERE u.incident_id = $1 ORDER BY u.id"
        );
        tx.rows(&sql, &args![incident.0])
            .await?
            .iter()
            .map(update_from_row)
            .collect()
    }

    /// Up to `limit` tickets an update still waits to be delivered to, by id, each with
    /// whether it is still linked to the incident.
    pub async fn pending_deliveries(
        &self,
        update_id: i64,
        limit: i64,
    ) -> Result<Vec<(TicketId, bool)>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT d.ticket_id, COALESCE(it.is_linked, 0) AS is_linked FROM incident_deliveries d \
             JOIN incident_updates u ON u.id = d.update_id \
             LEFT JOIN incident_tickets it ON it.incident_id = u.incident_id AND it.ticket_id = d.ticket_id \
             WHERE d.update_id = $1 AND d.outcome = 'pending' ORDER BY d.ticket_id LIMIT $2",
            &args![update_id, limit],
        )
        .await?
        .iter()
        .map(|r| Ok((TicketId(r.i64("ticket_id")?), r.i64("is_linked")? != 0)))
        .collect()
    }

    /// Delivers an update to one ticket, once: in one transaction, marks the ticket's
    /// delivery done (`replied` with `reply`, `skipped` without) and stores the reply like
    /// any staff reply (with its email when `reply.mail` says so). Returns false, writing
    /// nothing, when the delivery was no longer pending (another run did it).
    ///
    /// Errors: [`StoreError::VersionConflict`] when the ticket changed since it was read
    /// (read it again and retry); nothing is written then.
    pub async fn deliver_incident_update(
        &self,
        update_id: i64,
        ticket: TicketId,
        reply: Option<&DeliveryReply<'_>>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let outcome = if reply.is_some() {
            "replied"
        } else {
            "skipped"
        };
        let claimed = tx
            .exec(
                "UPDATE incident_deliveries SET outcome = $1, delivered_at = $2 \
                 WHERE update_id = $3 AND ticket_id = $4 AND outcome = 'pending'",
                &args![outcome, now.0, update_id, ticket.0],
            )
            .await?;
        if claimed == 0 {
            return Ok(false);
        }
        if let Some(r) = reply {
            let stored = outbound_mail::reply_in(
                &mut tx,
                r.ticket,
                r.expected_version,
                r.events,
                r.message,
                r.mail,
                now,
            )
            .await?;
            tx.exec(
                "UPDATE incident_deliveries SET message_id = $1 WHERE update_id = $2 AND ticket_id = $3",
                &args![stored.message.id.0, update_id, ticket.0],
            )
            .await?;
            event::append_all(&mut tx, &stored.events, None).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Marks a delivering update done, with an `update_delivered` entry, once: returns
    /// false when it was done already or still has pending deliveries.
    pub async fn complete_incident_update(
        &self,
        update_id: i64,
        entry: &NewEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let touched = tx
            .exec(
                "UPDATE incident_updates SET status = 'done', completed_at = $1 WHERE id = $2 AND status = 'delivering' \
                 AND NOT EXISTS (SELECT 1 FROM incident_deliveries d WHERE d.update_id = $2 AND d.outcome = 'pending')",
                &args![entry.at.0, update_id],
            )
            .await?;
        if touched == 0 {
            return Ok(false);
        }
        let update = load(&mut tx, update_id).await?;
        let incident = incident::load(&mut tx, update.incident_id).await?;
        let mut entry = entry.clone();
        entry.detail =
            json!({ "update_id": update.id, "sent": update.sent, "skipped": update.skipped });
        incident::finish(tx, &incident, &[entry], Vec::new()).await?;
        Ok(true)
    }
}
