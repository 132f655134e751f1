//! Inserting new tickets in bulk: a group of tickets with all their tags, messages,
//! search rows, events and idempotency keys in a handful of multi-row statements.
//!
//! Ids are allocated up front (SQLite: after the current maximum, safe under its single
//! writer; PostgreSQL: from the identity sequence), so rows can reference their ticket
//! without reading anything back. One statement per table rather than one per row is what
//! makes batch imports and group commit fast: on SQLite every statement is a hand-off to
//! the connection's thread.
//!
//! Events come last, after the idempotency keys: their ids and hashes extend the audit
//! chain (see [`crate::audit`]), whose PostgreSQL lock is then held only from the append to
//! the commit.

use crate::error::StoreError;
use crate::payment_link::{self, Mentions};
use crate::sql::{Engine, Tx, Value, value_rows};
use crate::ticket::{IdempotencyKey, TicketRecord};
use crate::{args, event, message, sla_clock, sla_config};
use paydesk_domain::Actor;
use paydesk_domain::event::NewEvent;
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{CustomerId, QueueId, TicketId, UserId};

/// The `tickets` columns a new ticket's row fills, for `INSERT INTO <this> VALUES ...`.
pub const TICKET_INSERT: &str = "tickets (id, subject, status, priority, channel, business_line, category, queue_id, \
         assignee_id, customer_id, language, version, created_at, updated_at, solved_at, closed_at, priority_rank, queued_at)";

/// Rows per statement: far below both engines' limits on bound parameters.
const ROWS: usize = 400;

/// New ids for `n` tickets.
async fn allocate(tx: &mut Tx, n: usize) -> Result<Vec<i64>, StoreError> {
    let count = i64::try_from(n).map_err(|_| StoreError::Corrupt("too many tickets".into()))?;
    match tx.engine() {
        Engine::Sqlite => {
            let row = tx.row("SELECT COALESCE(MAX(id), 0) AS id FROM tickets", &[]).await?;
            let max = row.map(|r| r.i64("id")).transpose()?.unwrap_or(0);
            Ok((1..=count).map(|i| max + i).collect())
        }
        Engine::Postgres => tx
            .rows(
                "SELECT nextval(pg_get_serial_sequence('tickets', 'id')) AS id FROM generate_series(1, $1)",
                &args![count],
            )
            .await?
            .iter()
            .map(|r| r.i64("id"))
            .collect(),
    }
}

/// Runs `INSERT INTO <head> VALUES (...), (...)` for `rows`, `ROWS` at a time.
async fn insert_rows(
    tx: &mut Tx,
    head: &str,
    cols: usize,
    rows: Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS) {
        let sql = format!(
            "INSERT INTO {head} VALUES {}",
            value_rows(tx.engine(), chunk.len(), cols)
        );
        let values: Vec<Value> = chunk.iter().flatten().cloned().collect();
        tx.exec(&sql, &values).await?;
    }
    Ok(())
}

/// A ticket's `tickets` row, in the column order of [`TICKET_INSERT`].
pub fn ticket_row(id: i64, t: &Ticket) -> Vec<Value> {
    args![
        id,
        &t.subject,
        t.status.as_str(),
        t.priority.as_str(),
        t.channel.as_str(),
        t.business_line.as_str(),
        t.category.as_deref(),
        t.queue_id.map(QueueId::get),
        t.assignee_id.map(UserId::get),
        t.customer_id.map(CustomerId::get),
        &t.language,
        1_i64,
        t.created_at.0,
        t.updated_at.0,
        t.solved_at.map(|x| x.0),
        t.closed_at.map(|x| x.0),
        t.priority.rank(),
        t.queue_id.map(|_| t.created_at.0),
    ]
    .to_vec()
}

/// Inserts `records` (each with an optional idempotency key) inside `tx` and returns the
/// stored tickets in order. Fails as a whole: the caller decides whether to retry one by one.
pub(crate) async fn insert_all(
    tx: &mut Tx,
    records: &[(&TicketRecord, Option<&IdempotencyKey>)],
) -> Result<Vec<Ticket>, StoreError> {
    if records.is_empty() {
        return Ok(vec![]);
    }
    let ids = allocate(tx, records.len()).await?;
    let pairs = || ids.iter().copied().zip(records.iter());

    let tickets = pairs()
        .map(|(id, (r, _))| ticket_row(id, &r.ticket))
        .collect();
    insert_rows(tx, TICKET_INSERT, 18, tickets).await?;

    let tags = pairs()
        .flat_map(|(id, (r, _))| r.ticket.tags.iter().map(move |tag| args![id, tag].to_vec()))
        .collect();
    insert_rows(tx, "ticket_tags (ticket_id, tag)", 2, tags).await?;

    let messages: Vec<(TicketId, &paydesk_domain::message::NewMessage)> = pairs()
        .flat_map(|(id, (r, _))| r.messages.iter().map(move |m| (TicketId(id), m)))
        .collect();
    message::insert_all(tx, &messages).await?;

    let search = pairs()
        .map(|(id, (r, _))| {
            let mut text = r.ticket.subject.clone();
            for m in &r.messages {
                text.push('\n');
                text.push_str(&m.body);
            }
            args![text, id].to_vec()
        })
        .collect();
    insert_rows(tx, "ticket_search (body, ticket_id)", 2, search).await?;

    let keys = pairs()
        .filter_map(|(id, (r, k))| {
            k.map(|k| args![&k.scope, &k.key, &k.request_hash, id, r.ticket.created_at.0].to_vec())
        })
        .collect();
    insert_rows(
        tx,
        "idempotency_keys (scope, key, request_hash, ticket_id, created_at)",
        5,
        keys,
    )
    .await?;

    let mut events: Vec<NewEvent> = pairs()
        .flat_map(|(id, (r, _))| {
            r.events.iter().map(move |e| {
                let mut e = e.clone();
                e.ticket_id.get_or_insert(TicketId(id));
                e
            })
        })
        .collect();
    link_payments(tx, &ids, records, &mut events).await?;
    start_clocks(tx, &ids, records, &mut events).await?;
    // Last: on PostgreSQL appending takes the audit chain's lock until commit.
    event::append_all(tx, &events, None).await?;

    Ok(pairs()
        .map(|(id, (r, _))| Ticket {
            id: TicketId(id),
            version: 1,
            ..r.ticket.clone()
        })
        .collect())
}

/// Links the new tickets to the payment objects their subjects and messages name (see
/// [`crate::payment_link`]) and adds the events.
async fn link_payments(
    tx: &mut Tx,
    ids: &[i64],
    records: &[(&TicketRecord, Option<&IdempotencyKey>)],
    events: &mut Vec<NewEvent>,
) -> Result<(), StoreError> {
    let mentions: Vec<Mentions> = ids
        .iter()
        .zip(records)
        .filter_map(|(id, (r, _))| {
            let texts = std::iter::once(r.ticket.subject.as_str())
                .chain(r.messages.iter().map(|m| m.body.as_str()));
            // Like the SLA clocks: at the ticket's last activity, after its history.
            let at = r.ticket.updated_at.max(r.ticket.created_at);
            Mentions::of(TicketId(*id), texts, r.events.first(), at)
        })
        .collect();
    events.extend(payment_link::link_mentions(tx, &mentions).await?);
    Ok(())
}

/// Starts the new tickets' SLA clocks (see [`crate::sla_clock`]) and adds their events.
async fn start_clocks(
    tx: &mut Tx,
    ids: &[i64],
    records: &[(&TicketRecord, Option<&IdempotencyKey>)],
    events: &mut Vec<NewEvent>,
) -> Result<(), StoreError> {
    let config = sla_config::load(tx).await?;
    if config.is_empty() {
        return Ok(());
    }
    for (id, (record, _)) in ids.iter().zip(records) {
        let ticket = Ticket {
            id: TicketId(*id),
            ..record.ticket.clone()
        };
        let actor = record
            .events
            .first()
            .map_or(Actor::System, |e| e.actor.clone());
        // A ticket that arrives with a history (imports, demo data) starts its clocks at
        // its last activity, so its SLA events follow that history in the log.
        let at = ticket.updated_at.max(ticket.created_at);
        let stepped =
            sla_clock::step(tx, &config, &ticket, sla_clock::Prior::New, &[], &actor, at).await?;
        if stepped.urgency != sla_clock::Urgency::NONE {
            sla_clock::set_urgency(tx, ticket.id, &stepped.urgency).await?;
        }
        events.extend(stepped.events);
    }
    Ok(())
}
