//! The append-only event log: appends (chained, see [`crate::audit`]) and the timeline read.

use crate::audit::{self, ChainEntry};
use crate::error::StoreError;
use crate::page::{Page, PageRequest, decode_cursor, encode_cursor};
use crate::sql::{Row, Tx};
use crate::{Store, args};
use paydesk_domain::event::{Event, NewEvent};
use paydesk_domain::id::RuleId;
use paydesk_domain::{Actor, CustomerId, EventId, TicketId, Timestamp, UserId};

/// How an actor is stored: kind, id, label.
pub fn actor_columns(actor: &Actor) -> (&'static str, Option<i64>, Option<&str>) {
    match actor {
        Actor::User { id } => ("user", Some(id.get()), None),
        Actor::Customer { id } => ("customer", Some(id.get()), None),
        Actor::Api { client } => ("api", None, Some(client.as_str())),
        Actor::System => ("system", None, None),
        Actor::Rule { id, name } => ("rule", Some(id.get()), Some(name.as_str())),
    }
}

pub(crate) fn actor_from(
    kind: &str,
    id: Option<i64>,
    label: Option<String>,
) -> Result<Actor, StoreError> {
    match (kind, id) {
        ("user", Some(id)) => Ok(Actor::User { id: UserId(id) }),
        ("customer", Some(id)) => Ok(Actor::Customer { id: CustomerId(id) }),
        ("api", _) => Ok(Actor::Api {
            client: label.unwrap_or_default(),
        }),
        ("system", _) => Ok(Actor::System),
        ("rule", Some(id)) => Ok(Actor::Rule {
            id: RuleId(id),
            name: label.unwrap_or_default(),
        }),
        (other, _) => Err(StoreError::Corrupt(format!("event actor kind '{other}'"))),
    }
}

/// Appends one event with the address its actor came from, if known. Only ever called
/// inside the transaction of the change it records, as its last statement (see
/// [`append_all`]).
pub(crate) async fn append(
    tx: &mut Tx,
    e: &NewEvent,
    ip: Option<&str>,
) -> Result<EventId, StoreError> {
    append_all(tx, std::slice::from_ref(e), ip)
        .await?
        .pop()
        .ok_or_else(|| StoreError::Corrupt("append returned no id".into()))
}

/// Appends `events` in slice order, chained onto the audit trail (see [`crate::audit`]),
/// all with the same `ip`; returns their ids.
///
/// The ids are assigned here, following the last record's, because each is part of its
/// record's hash. On PostgreSQL this takes the chain's advisory lock, held until the
/// transaction ends and blocking every other appender meanwhile: call it as the last
/// statement before commit.
pub(crate) async fn append_all(
    tx: &mut Tx,
    events: &[NewEvent],
    ip: Option<&str>,
) -> Result<Vec<EventId>, StoreError> {
    if events.is_empty() {
        return Ok(vec![]);
    }
    let (mut id, mut prev_hash) = audit::lock_head(tx).await?;
    let mut ids = Vec::with_capacity(events.len());
    // Well under both engines' limits on bound parameters per statement.
    for chunk in events.chunks(500) {
        let mut values = Vec::with_capacity(chunk.len() * COLUMNS);
        for e in chunk {
            id += 1;
            let (kind, actor_id, label) = actor_columns(&e.actor);
            let data = e.data.to_string();
            let ip = e.ip.as_deref().or(ip);
            let entry = ChainEntry {
                id,
                ticket_id: e.ticket_id.map(TicketId::get),
                customer_id: e.customer_id.map(CustomerId::get),
                actor_kind: kind,
                actor_id,
                actor_label: label,
                ip,
                at: e.at.0,
                kind: e.kind.as_str(),
                data: &data,
            };
            let hash = audit::entry_hash(&prev_hash, &entry);
            values.extend(args![
                id,
                entry.ticket_id,
                entry.customer_id,
                kind,
                actor_id,
                label,
                ip,
                e.at.0,
                e.kind.as_str(),
                data,
                std::mem::replace(&mut prev_hash, hash.clone()),
                hash,
            ]);
            ids.push(EventId(id));
        }
        let sql = format!(
            "INSERT INTO events (id, ticket_id, customer_id, actor_kind, actor_id, actor_label, ip, at, kind, data, prev_hash, hash) VALUES {}",
            crate::sql::value_rows(tx.engine(), chunk.len(), COLUMNS)
        );
        tx.exec(&sql, &values).await?;
    }
    Ok(ids)
}

/// Columns written per event.
const COLUMNS: usize = 12;

pub(crate) fn event_from_row(row: &Row) -> Result<Event, StoreError> {
    Ok(Event {
        id: EventId(row.i64("id")?),
        ticket_id: row.opt_i64("ticket_id")?.map(TicketId),
        customer_id: row.opt_i64("customer_id")?.map(CustomerId),
        actor: actor_from(
            &row.text("actor_kind")?,
            row.opt_i64("actor_id")?,
            row.opt_text("actor_label")?,
        )?,
        at: Timestamp(row.i64("at")?),
        kind: row.label("kind")?,
        data: row.json("data")?,
    })
}

impl Store {
    /// A ticket's events in the order they happened (by id), a page at a time.
    /// Errors: [`StoreError::NotFound`] for an unknown ticket; [`StoreError::BadCursor`].
    pub async fn timeline(
        &self,
        ticket_id: TicketId,
        page: &PageRequest,
    ) -> Result<Page<Event>, StoreError> {
        let after = match &page.cursor {
            Some(c) => decode_cursor(c, 1)
                .and_then(|v| v.first().copied())
                .ok_or(StoreError::BadCursor)?,
            None => 0,
        };
        let mut tx = self.read().await?;
        if tx
            .row("SELECT id FROM tickets WHERE id = $1", &args![ticket_id.0])
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound { entity: "ticket" });
        }
        let limit = i64::try_from(page.limit).unwrap_or(50);
        let rows = tx
            .rows(
                "SELECT id, ticket_id, customer_id, actor_kind, actor_id, actor_label, at, kind, data \
                 FROM events WHERE ticket_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                &args![ticket_id.0, after, limit + 1],
            )
            .await?;
        let mut items = rows
            .iter()
            .map(event_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > page.limit {
            items.truncate(page.limit);
            items.last().map(|e| encode_cursor(&[e.id.0]))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }
}
