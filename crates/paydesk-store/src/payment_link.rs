//! Tickets linked to the payment objects they name, inside every ticket write.
//!
//! When a ticket is created or a message or a new subject arrives, its words are scanned
//! for candidate tokens ([`paydesk_domain::payment::mention`]); all of one write's tokens
//! are looked up at once (one statement of three indexed lookups: transactions by
//! `gateway_ref` and by `order_id`, payouts by `gateway_ref`), and each hit links the
//! ticket with a `payment_linked` event (reason `mention`). This runs in the store's two
//! ticket-write chokepoints (`ticket::update_in`, `ticket_insert::insert_all`) like the SLA
//! step, so every channel gets it: the API, email, the support form, chat, imports.
//!
//! Links are also made by hand ([`Store::set_ticket_payment_link`]) and when a payment arrives
//! that an open ticket already names (see `PaymentWork::link_mentioning`).

use crate::error::StoreError;
use crate::sql::{Tx, Value, placeholders, value_rows};
use crate::{Store, args, event};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::payment::PaymentObjectKind;
use paydesk_domain::payment::mention;
use paydesk_domain::{Actor, TicketId, Timestamp};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// Tokens looked up per statement (the statement binds each once).
const TOKENS_PER_LOOKUP: usize = 500;

/// Why a ticket was linked, as `payment_linked` events say.
pub const REASON_MENTION: &str = "mention";
/// Linked or unlinked by a person.
pub const REASON_MANUAL: &str = "manual";

/// One ticket's words, for [`link_mentions`].
pub(crate) struct Mentions {
    pub ticket: TicketId,
    pub tokens: BTreeSet<String>,
    /// Who wrote them (the write's first event's actor), and from where.
    pub actor: Actor,
    pub ip: Option<String>,
    /// When: the write's time (for a ticket arriving with a history, its last activity,
    /// so that the link follows that history on the timeline).
    pub at: Timestamp,
}

impl Mentions {
    /// The candidate tokens of `texts`, for `ticket`; `None` when there are none.
    pub(crate) fn of<'a>(
        ticket: TicketId,
        texts: impl IntoIterator<Item = &'a str>,
        first_event: Option<&NewEvent>,
        at: Timestamp,
    ) -> Option<Self> {
        let tokens = mention::tokens(texts);
        (!tokens.is_empty()).then(|| Self {
            ticket,
            tokens,
            actor: first_event.map_or(Actor::System, |e| e.actor.clone()),
            ip: first_event.and_then(|e| e.ip.clone()),
            at,
        })
    }
}

/// The payment objects some of `tokens` name: for each token, the objects it names.
async fn objects_named(
    tx: &mut Tx,
    tokens: &BTreeSet<String>,
) -> Result<BTreeMap<String, Vec<(PaymentObjectKind, i64)>>, StoreError> {
    let mut found: BTreeMap<String, Vec<(PaymentObjectKind, i64)>> = BTreeMap::new();
    let all: Vec<&String> = tokens.iter().collect();
    for chunk in all.chunks(TOKENS_PER_LOOKUP) {
        let list = placeholders(1, chunk.len());
        let sql = format!(
            "SELECT 'transaction' AS kind, id, gateway_ref AS token FROM transactions WHERE gateway_ref IN ({list}) \
             UNION ALL SELECT 'transaction' AS kind, id, order_id AS token FROM transactions WHERE order_id IN ({list}) \
             UNION ALL SELECT 'payout' AS kind, id, gateway_ref AS token FROM payouts WHERE gateway_ref IN ({list})"
        );
        let values: Vec<Value> = chunk.iter().map(|t| Value::from(t.as_str())).collect();
        for row in tx.rows(&sql, &values).await? {
            let kind: PaymentObjectKind = row.label("kind")?;
            found
                .entry(row.text("token")?)
                .or_default()
                .push((kind, row.i64("id")?));
        }
    }
    Ok(found)
}

/// One link to make: the ticket, the object, when.
pub(crate) type NewLink = (TicketId, PaymentObjectKind, i64, Timestamp);

/// Inserts the links that are not there yet; returns those it inserted.
pub(crate) async fn insert_links(
    tx: &mut Tx,
    links: &[NewLink],
) -> Result<Vec<(TicketId, PaymentObjectKind, i64)>, StoreError> {
    let mut inserted = Vec::new();
    for chunk in links.chunks(400) {
        let mut values = Vec::with_capacity(chunk.len() * 4);
        for (ticket, kind, id, at) in chunk {
            values.extend(args![ticket.0, kind.as_str(), *id, at.0]);
        }
        let sql = format!(
            "INSERT INTO ticket_payment_links (ticket_id, kind, object_id, created_at) VALUES {} \
             ON CONFLICT (ticket_id, kind, object_id) DO NOTHING RETURNING ticket_id, kind, object_id",
            value_rows(tx.engine(), chunk.len(), 4)
        );
        for row in tx.rows(&sql, &values).await? {
            inserted.push((
                TicketId(row.i64("ticket_id")?),
                row.label("kind")?,
                row.i64("object_id")?,
            ));
        }
    }
    Ok(inserted)
}

/// The `payment_linked` event of one link made or removed.
#[must_use]
pub fn linked_event(
    ticket: TicketId,
    kind: PaymentObjectKind,
    object_id: i64,
    is_linked: bool,
    reason: &str,
    actor: &Actor,
    at: Timestamp,
) -> NewEvent {
    NewEvent::ticket(
        Some(ticket),
        actor,
        at,
        EventKind::PaymentLinked,
        json!({ "kind": kind, "object_id": object_id, "linked": is_linked, "reason": reason }),
    )
}

/// Links each ticket to the payment objects its tokens name, and returns one
/// `payment_linked` event per new link, for the caller to append with its own.
pub(crate) async fn link_mentions(
    tx: &mut Tx,
    mentions: &[Mentions],
) -> Result<Vec<NewEvent>, StoreError> {
    if mentions.is_empty() {
        return Ok(vec![]);
    }
    let all: BTreeSet<String> = mentions
        .iter()
        .flat_map(|m| m.tokens.iter().cloned())
        .collect();
    let found = objects_named(tx, &all).await?;
    if found.is_empty() {
        return Ok(vec![]);
    }
    let mut links = Vec::new();
    let mut who = BTreeMap::new();
    for m in mentions {
        let named: BTreeSet<(PaymentObjectKind, i64)> = m
            .tokens
            .iter()
            .filter_map(|t| found.get(t))
            .flatten()
            .copied()
            .collect();
        for (kind, id) in named {
            links.push((m.ticket, kind, id, m.at));
        }
        who.insert(m.ticket, m);
    }
    let inserted = insert_links(tx, &links).await?;
    Ok(inserted
        .into_iter()
        .filter_map(|(ticket, kind, id)| {
            let m = who.get(&ticket)?;
            Some(
                linked_event(ticket, kind, id, true, REASON_MENTION, &m.actor, m.at)
                    .from_ip(m.ip.as_deref()),
            )
        })
        .collect())
}

/// Whether a payment object of `kind` with `id` exists.
async fn object_exists(tx: &mut Tx, kind: PaymentObjectKind, id: i64) -> Result<bool, StoreError> {
    let table = match kind {
        PaymentObjectKind::Transaction => "transactions",
        PaymentObjectKind::Dispute => "disputes",
        PaymentObjectKind::Payout => "payouts",
    };
    let sql = format!("SELECT id FROM {table} WHERE id = $1");
    Ok(tx.row(&sql, &args![id]).await?.is_some())
}

impl Store {
    /// Links a ticket to a payment object by hand (`is_linked`) or removes the link, and
    /// records `event` (a `payment_linked` event), in one transaction. Returns false when
    /// there was nothing to change (then nothing is written).
    ///
    /// Errors: [`StoreError::NotFound`] naming the payment object when there is none (a
    /// missing ticket is [`StoreError::MissingReference`]).
    pub async fn set_ticket_payment_link(
        &self,
        ticket: TicketId,
        kind: PaymentObjectKind,
        object_id: i64,
        is_linked: bool,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        if !object_exists(&mut tx, kind, object_id).await? {
            return Err(StoreError::NotFound {
                entity: kind.as_str(),
            });
        }
        let changed = if is_linked {
            !insert_links(&mut tx, &[(ticket, kind, object_id, event.at)])
                .await?
                .is_empty()
        } else {
            tx.exec(
                "DELETE FROM ticket_payment_links WHERE ticket_id = $1 AND kind = $2 AND object_id = $3",
                &args![ticket.0, kind.as_str(), object_id],
            )
            .await?
                > 0
        };
        if !changed {
            return Ok(false);
        }
        event::append_all(&mut tx, std::slice::from_ref(event), None).await?;
        tx.commit().await?;
        Ok(true)
    }
}
