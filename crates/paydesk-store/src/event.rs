//! The append-only event log: appends and the timeline read.

use crate::error::StoreError;
use crate::page::{Page, PageRequest, decode_cursor, encode_cursor};
use crate::sql::{Row, Tx};
use crate::{Store, args};
use paydesk_domain::event::{Event, NewEvent};
use paydesk_domain::{Actor, CustomerId, EventId, TicketId, Timestamp, UserId};

fn actor_columns(actor: &Actor) -> (&'static str, Option<i64>, Option<&str>) {
    match actor {
        Actor::User { id } => ("user", Some(id.get()), None),
        Actor::Customer { id } => ("customer", Some(id.get()), None),
        Actor::Api { client } => ("api", None, Some(client.as_str())),
        Actor::System => ("system", None, None),
    }
}

fn actor_from(kind: &str, id: Option<i64>, label: Option<String>) -> Result<Actor, StoreError> {
    match (kind, id) {
        ("user", Some(id)) => Ok(Actor::User { id: UserId(id) }),
        ("customer", Some(id)) => Ok(Actor::Customer { id: CustomerId(id) }),
        ("api", _) => Ok(Actor::Api {
            client: label.unwrap_or_default(),
        }),
        ("system", _) => Ok(Actor::System),
        (other, _) => Err(StoreError::Corrupt(format!("event actor kind '{other}'"))),
    }
}

/// Appends one event. Only ever called inside the transaction of the change it records.
pub(crate) async fn append(tx: &mut Tx, e: &NewEvent) -> Result<EventId, StoreError> {
    let (kind, id, label) = actor_columns(&e.actor);
    let id = tx
        .insert_id(
            "INSERT INTO events (ticket_id, customer_id, actor_kind, actor_id, actor_label, at, kind, data) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            &args![
                e.ticket_id.map(TicketId::get),
                e.customer_id.map(CustomerId::get),
                kind,
                id,
                label,
                e.at.0,
                e.kind.as_str(),
                e.data.to_string(),
            ],
        )
        .await?;
    Ok(EventId(id))
}

/// Appends several events in one statement, in order (ids grow in slice order).
pub(crate) async fn append_all(tx: &mut Tx, events: &[NewEvent]) -> Result<(), StoreError> {
    // Well under both engines' limits on bound parameters per statement.
    for chunk in events.chunks(500) {
        let mut values = Vec::with_capacity(chunk.len() * 8);
        for e in chunk {
            let (kind, id, label) = actor_columns(&e.actor);
            values.extend(args![
                e.ticket_id.map(TicketId::get),
                e.customer_id.map(CustomerId::get),
                kind,
                id,
                label,
                e.at.0,
                e.kind.as_str(),
                e.data.to_string(),
            ]);
        }
        let sql = format!(
            "INSERT INTO events (ticket_id, customer_id, actor_kind, actor_id, actor_label, at, kind, data) VALUES {}",
            crate::sql::value_rows(chunk.len(), 8)
        );
        tx.exec(&sql, &values).await?;
    }
    Ok(())
}

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
