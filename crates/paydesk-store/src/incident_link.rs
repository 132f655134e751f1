//! Tickets linked to incidents: the facts the matching rules decide on, links by rule and
//! by hand, and the lists on both sides.
//!
//! A ticket is linked to an incident once (one row per pair). Unlinking by hand keeps the
//! row, marked unlinked, so the rules never link that ticket again; linking it by hand
//! brings it back. Each link and unlink records `payment_linked` on the ticket's timeline
//! (`{kind: "incident", object_id, linked, reason}`).

use crate::error::StoreError;
use crate::incident::{
    self, COLUMNS as INCIDENT_COLUMNS, NewEntry, StoredIncident, incident_from_row,
};
use crate::sql::{Tx, placeholders};
use crate::{Store, args};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::incident::{IncidentId, LinkReason, TicketFacts, TransactionFacts, Window};
use paydesk_domain::ticket::Status;
use paydesk_domain::{Actor, QueueId, TicketId, Timestamp};
use serde_json::json;
use std::collections::BTreeMap;

/// Statuses of tickets still being worked.
const UNRESOLVED: &str = "('new', 'open', 'pending', 'on_hold')";

/// A ticket linked to an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentTicket {
    pub ticket_id: TicketId,
    pub status: Status,
    pub queue_id: Option<QueueId>,
    pub reason: LinkReason,
    pub linked_at: Timestamp,
}

/// An incident a ticket is linked to, with why and since when.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketIncident {
    pub incident: StoredIncident,
    pub reason: LinkReason,
    pub linked_at: Timestamp,
}

fn link_event(
    incident: IncidentId,
    ticket: TicketId,
    linked: bool,
    reason: LinkReason,
    actor: &Actor,
    at: Timestamp,
    ip: Option<&str>,
) -> NewEvent {
    NewEvent::ticket(
        Some(ticket),
        actor,
        at,
        EventKind::PaymentLinked,
        json!({ "kind": "incident", "object_id": incident.0, "linked": linked, "reason": reason }),
    )
    .from_ip(ip)
}

/// Links `ticket` inside `tx` unless a row for the pair exists (linked, or unlinked by
/// hand); returns whether it linked.
async fn link_new(
    tx: &mut Tx,
    incident: IncidentId,
    ticket: TicketId,
    reason: LinkReason,
    at: Timestamp,
) -> Result<bool, StoreError> {
    let inserted = tx
        .exec(
            "INSERT INTO incident_tickets (incident_id, ticket_id, reason, is_linked, linked_at, updated_at) \
             VALUES ($1, $2, $3, 1, $4, $4) ON CONFLICT (incident_id, ticket_id) DO NOTHING",
            &args![incident.0, ticket.0, reason.as_str(), at.0],
        )
        .await?;
    Ok(inserted == 1)
}

impl Store {
    /// Up to `limit` tickets the rules of `incident` may link, by id above `after`: created
    /// within `window`, unresolved, never linked to it (nor unlinked from it), each with
    /// its facts: the transactions linked to it or of its customer made within `window`.
    pub async fn match_candidates(
        &self,
        incident: IncidentId,
        window: Window,
        after: TicketId,
        limit: i64,
    ) -> Result<Vec<(TicketId, TicketFacts)>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT t.id, t.business_line, t.category, t.created_at FROM tickets t \
             WHERE t.created_at >= $1 AND t.created_at <= $2 AND t.status IN {UNRESOLVED} AND t.id > $3 \
             AND NOT EXISTS (SELECT 1 FROM incident_tickets it WHERE it.incident_id = $4 AND it.ticket_id = t.id) \
             ORDER BY t.id LIMIT $5"
        );
        let rows = tx
            .rows(
                &sql,
                &args![window.start.0, window.end.0, after.0, incident.0, limit],
            )
            .await?;
        let mut tickets = BTreeMap::new();
        for r in &rows {
            tickets.insert(
                TicketId(r.i64("id")?),
                TicketFacts {
                    business_line: r.label("business_line")?,
                    category: r.opt_text("category")?,
                    created_at: Timestamp(r.i64("created_at")?),
                    transactions: Vec::new(),
                },
            );
        }
        if tickets.is_empty() {
            return Ok(Vec::new());
        }
        let ids = placeholders(3, tickets.len());
        let sql = format!(
            "SELECT t.id AS ticket_id, x.id AS transaction_id, x.gateway, x.failure_code, x.card_brand, x.payment_method, x.created_at \
             FROM tickets t JOIN transactions x ON x.customer_id = t.customer_id \
             WHERE t.id IN ({ids}) AND x.created_at >= $1 AND x.created_at <= $2 \
             UNION \
             SELECT l.ticket_id, x.id AS transaction_id, x.gateway, x.failure_code, x.card_brand, x.payment_method, x.created_at \
             FROM ticket_payment_links l JOIN transactions x ON x.id = l.object_id \
             WHERE l.kind = 'transaction' AND l.ticket_id IN ({ids}) AND x.created_at >= $1 AND x.created_at <= $2"
        );
        let mut values = args![window.start.0, window.end.0].to_vec();
        values.extend(tickets.keys().map(|id| id.0.into()));
        for r in tx.rows(&sql, &values).await? {
            if let Some(facts) = tickets.get_mut(&TicketId(r.i64("ticket_id")?)) {
                facts.transactions.push(TransactionFacts {
                    gateway: r.text("gateway")?,
                    failure_code: r.opt_text("failure_code")?,
                    card_brand: r.opt_text("card_brand")?,
                    // A method incidents do not scope by (`other`) counts as unknown.
                    method: r.opt_text("payment_method")?.and_then(|m| m.parse().ok()),
                    created_at: Timestamp(r.i64("created_at")?),
                });
            }
        }
        Ok(tickets.into_iter().collect())
    }

    /// Links `tickets` to `incident` by rule, in one transaction, skipping any already
    /// linked or unlinked by hand; records `payment_linked` on each ticket linked and,
    /// when any was, `entry` (its detail gets the count). Returns how many it linked.
    pub async fn link_by_rule(
        &self,
        incident: IncidentId,
        tickets: &[TicketId],
        entry: &NewEntry,
    ) -> Result<usize, StoreError> {
        if tickets.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        let stored = incident::load(&mut tx, incident).await?;
        let mut events = Vec::new();
        for ticket in tickets {
            if link_new(&mut tx, incident, *ticket, LinkReason::Rule, entry.at).await? {
                events.push(link_event(
                    incident,
                    *ticket,
                    true,
                    LinkReason::Rule,
                    &entry.actor,
                    entry.at,
                    entry.ip.as_deref(),
                ));
            }
        }
        let linked = events.len();
        if linked == 0 {
            return Ok(0);
        }
        let mut entry = entry.clone();
        if let Some(d) = entry.detail.as_object_mut() {
            d.insert("count".into(), json!(linked));
        }
        incident::finish(tx, &stored, &[entry], events).await?;
        Ok(linked)
    }

    /// Links a ticket to an incident by hand (again, if it was unlinked). Returns false,
    /// changing nothing, when it is linked already.
    pub async fn link_incident_ticket(
        &self,
        incident: IncidentId,
        ticket: TicketId,
        entry: &NewEntry,
    ) -> Result<bool, StoreError> {
        self.set_link(incident, ticket, true, entry).await
    }

    /// Unlinks a ticket from an incident by hand; the rules will not link it again.
    /// Returns false, changing nothing, when it was not linked.
    pub async fn unlink_incident_ticket(
        &self,
        incident: IncidentId,
        ticket: TicketId,
        entry: &NewEntry,
    ) -> Result<bool, StoreError> {
        self.set_link(incident, ticket, false, entry).await
    }

    async fn set_link(
        &self,
        incident: IncidentId,
        ticket: TicketId,
        linked: bool,
        entry: &NewEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let stored = incident::load(&mut tx, incident).await?;
        let at = entry.at;
        let changed = if linked
            && link_new(&mut tx, incident, ticket, LinkReason::Manual, at).await?
        {
            true
        } else {
            let sql = if linked {
                "UPDATE incident_tickets SET is_linked = 1, reason = 'manual', linked_at = $1, updated_at = $1 \
                 WHERE incident_id = $2 AND ticket_id = $3 AND is_linked = 0"
            } else {
                "UPDATE incident_tickets SET is_linked = 0, updated_at = $1 \
                 WHERE incident_id = $2 AND ticket_id = $3 AND is_linked = 1"
            };
            tx.exec(sql, &args![at.0, incident.0, ticket.0]).await? == 1
        };
        if !changed {
            return Ok(false);
        }
        let event = link_event(
            incident,
            ticket,
            linked,
            LinkReason::Manual,
            &entry.actor,
            at,
            entry.ip.as_deref(),
        );
        incident::finish(tx, &stored, std::slice::from_ref(entry), vec![event]).await?;
        Ok(true)
    }

    /// The tickets linked to an incident now, by id.
    pub async fn incident_tickets(
        &self,
        incident: IncidentId,
    ) -> Result<Vec<IncidentTicket>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT t.id, t.status, t.queue_id, it.reason, it.linked_at FROM incident_tickets it \
             JOIN tickets t ON t.id = it.ticket_id WHERE it.incident_id = $1 AND it.is_linked = 1 ORDER BY t.id",
            &args![incident.0],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(IncidentTicket {
                ticket_id: TicketId(r.i64("id")?),
                status: r.label("status")?,
                queue_id: r.opt_i64("queue_id")?.map(QueueId),
                reason: r.label("reason")?,
                linked_at: Timestamp(r.i64("linked_at")?),
            })
        })
        .collect()
    }

    /// The incidents a ticket is linked to now, newest first.
    pub async fn ticket_incidents(
        &self,
        ticket: TicketId,
    ) -> Result<Vec<TicketIncident>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {INCIDENT_COLUMNS}, l.reason AS link_reason, l.linked_at AS link_at FROM incident_tickets l \
             JOIN incidents i ON i.id = l.incident_id WHERE l.ticket_id = $1 AND l.is_linked = 1 ORDER BY i.id DESC"
        );
        tx.rows(&sql, &args![ticket.0])
            .await?
            .iter()
            .map(|r| {
                Ok(TicketIncident {
                    incident: incident_from_row(r)?,
                    reason: r.label("link_reason")?,
                    linked_at: Timestamp(r.i64("link_at")?),
                })
            })
            .collect()
    }
}
