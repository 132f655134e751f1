//! Ticket writes and reads: insert with first message and events, idempotency keys,
//! versioned updates, single reads.

use crate::error::StoreError;
use crate::payment_link::{self, Mentions};
use crate::sla_clock::{self, Urgency};
use crate::sql::{Row, Tx};
use crate::{Store, args, event, message, search, sla_config, ticket_insert};
use paydesk_domain::Actor;
use paydesk_domain::event::NewEvent;
use paydesk_domain::message::{Message, NewMessage};
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{CustomerId, QueueId, TicketId, Timestamp, UserId};

/// A ticket to insert whole: its state, its messages and its events (ticket id left empty;
/// the store fills it in). New tickets and imported history both arrive this way.
#[derive(Debug, Clone)]
pub struct TicketRecord {
    /// The state to store; `id` and `version` are ignored (assigned, and 1).
    pub ticket: Ticket,
    pub messages: Vec<NewMessage>,
    pub events: Vec<NewEvent>,
}

/// A client's idempotency key for a create request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// Who sent it (an API client or user), so two clients' keys never collide.
    pub scope: String,
    pub key: String,
    /// A hash of the request, so a reused key with a different body is refused.
    pub request_hash: String,
}

pub(crate) const TICKET_COLUMNS: &str = "id, subject, status, priority, channel, business_line, category, queue_id, \
     assignee_id, customer_id, language, version, created_at, updated_at, solved_at, closed_at";

pub(crate) fn ticket_from_row(row: &Row, tags: Vec<String>) -> Result<Ticket, StoreError> {
    Ok(Ticket {
        id: TicketId(row.i64("id")?),
        subject: row.text("subject")?,
        status: row.label("status")?,
        priority: row.label("priority")?,
        channel: row.label("channel")?,
        business_line: row.label("business_line")?,
        category: row.opt_text("category")?,
        tags,
        queue_id: row.opt_i64("queue_id")?.map(QueueId),
        assignee_id: row.opt_i64("assignee_id")?.map(UserId),
        customer_id: row.opt_i64("customer_id")?.map(CustomerId),
        language: row.text("language")?,
        version: row.i64("version")?,
        created_at: Timestamp(row.i64("created_at")?),
        updated_at: Timestamp(row.i64("updated_at")?),
        solved_at: row.opt_i64("solved_at")?.map(Timestamp),
        closed_at: row.opt_i64("closed_at")?.map(Timestamp),
    })
}

/// Inserts one ticket and its idempotency key inside `tx`; returns the stored ticket.
pub(crate) async fn insert_with_key(
    tx: &mut Tx,
    record: &TicketRecord,
    key: Option<&IdempotencyKey>,
) -> Result<Ticket, StoreError> {
    let mut stored = ticket_insert::insert_all(tx, &[(record, key)]).await?;
    stored
        .pop()
        .ok_or_else(|| StoreError::Corrupt("insert returned no ticket".into()))
}

async fn insert_tags(tx: &mut Tx, id: TicketId, tags: &[String]) -> Result<(), StoreError> {
    if tags.is_empty() {
        return Ok(());
    }
    let mut values = Vec::with_capacity(tags.len() * 2);
    for tag in tags {
        values.extend(args![id.0, tag]);
    }
    let sql = format!(
        "INSERT INTO ticket_tags (ticket_id, tag) VALUES {}",
        crate::sql::value_rows(tx.engine(), tags.len(), 2)
    );
    tx.exec(&sql, &values).await?;
    Ok(())
}

pub(crate) async fn load(tx: &mut Tx, id: TicketId) -> Result<Ticket, StoreError> {
    let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1");
    let row = tx
        .row(&sql, &args![id.0])
        .await?
        .ok_or(StoreError::NotFound { entity: "ticket" })?;
    let tags = tx
        .rows(
            "SELECT tag FROM ticket_tags WHERE ticket_id = $1 ORDER BY tag",
            &args![id.0],
        )
        .await?
        .iter()
        .map(|r| r.text("tag"))
        .collect::<Result<Vec<_>, _>>()?;
    ticket_from_row(&row, tags)
}

/// Saves a changed ticket if it is still at `expected_version`, with an optional new
/// message, inside `tx`, and moves its SLA clocks; the caller appends `events` and then
/// the returned SLA events last, and commits. Errors as [`Store::update_ticket`].
///
/// A ticket entering another queue gets `queued_at` = its `updated_at` (the overflow wait
/// counts from there); it stays as it was while the queue stays.
pub(crate) async fn update_in(
    tx: &mut Tx,
    ticket: &Ticket,
    expected_version: i64,
    events: &[NewEvent],
    message: Option<&NewMessage>,
) -> Result<Updated, StoreError> {
    let touched = tx
        .exec(
            "UPDATE tickets SET subject = $1, status = $2, priority = $3, category = $4, queue_id = $5, \
             assignee_id = $6, version = $7, updated_at = $8, solved_at = $9, closed_at = $10, \
             priority_rank = $13, \
             queued_at = CASE WHEN $5 IS NULL THEN NULL WHEN queue_id IS NOT DISTINCT FROM $5 THEN queued_at ELSE $8 END \
             WHERE id = $11 AND version = $12",
            &args![
                &ticket.subject,
                ticket.status.as_str(),
                ticket.priority.as_str(),
                ticket.category.as_deref(),
                ticket.queue_id.map(QueueId::get),
                ticket.assignee_id.map(UserId::get),
                ticket.version,
                ticket.updated_at.0,
                ticket.solved_at.map(|x| x.0),
                ticket.closed_at.map(|x| x.0),
                ticket.id.0,
                expected_version,
                ticket.priority.rank(),
            ],
        )
        .await?;
    if touched == 0 {
        let exists = tx
            .row("SELECT id FROM tickets WHERE id = $1", &args![ticket.id.0])
            .await?;
        return Err(match exists {
            Some(_) => StoreError::VersionConflict {
                entity: "ticket",
                expected: expected_version,
            },
            None => StoreError::NotFound { entity: "ticket" },
        });
    }
    tx.exec(
        "DELETE FROM ticket_tags WHERE ticket_id = $1",
        &args![ticket.id.0],
    )
    .await?;
    insert_tags(tx, ticket.id, &ticket.tags).await?;
    let subject_changed = events
        .iter()
        .any(|e| e.data.get("field").and_then(|f| f.as_str()) == Some("subject"));
    if subject_changed {
        search::index(tx, ticket.id, &ticket.subject).await?;
    }
    let stored = match message {
        Some(m) => Some(message::insert(tx, ticket.id, m).await?),
        None => None,
    };
    let texts = message
        .map(|m| m.body.as_str())
        .into_iter()
        .chain(subject_changed.then_some(ticket.subject.as_str()));
    let mut caused_events = match Mentions::of(ticket.id, texts, events.first(), ticket.updated_at)
    {
        Some(m) => payment_link::link_mentions(tx, &[m]).await?,
        None => vec![],
    };
    caused_events.extend(keep_clocks(tx, ticket, events, message).await?);
    Ok(Updated {
        message: stored,
        caused_events,
    })
}

/// What [`update_in`] stored: the new message, and the events the change caused (payment
/// links its words made, see [`crate::payment_link`]; SLA clock events, see
/// [`crate::sla_clock`]), for the caller to append after its own.
#[derive(Debug)]
#[must_use = "the events the change caused must be appended with it"]
pub(crate) struct Updated {
    pub message: Option<Message>,
    pub caused_events: Vec<NewEvent>,
}

/// Moves the ticket's clocks after a change and updates its urgency columns when they moved.
async fn keep_clocks(
    tx: &mut Tx,
    ticket: &Ticket,
    events: &[NewEvent],
    message: Option<&NewMessage>,
) -> Result<Vec<NewEvent>, StoreError> {
    let row = tx
        .row(
            "SELECT sla_policy_id, sla_due_at, sla_breached, sla_at_risk FROM tickets WHERE id = $1",
            &args![ticket.id.0],
        )
        .await?
        .ok_or(StoreError::NotFound { entity: "ticket" })?;
    let was = Urgency {
        due_at: row.i64("sla_due_at")?,
        breached: row.i64("sla_breached")? != 0,
        at_risk: row.i64("sla_at_risk")? != 0,
        policy_id: row.opt_i64("sla_policy_id")?,
    };
    let config = sla_config::load(tx).await?;
    let actor = events.first().map_or(Actor::System, |e| e.actor.clone());
    let stepped = sla_clock::step(
        tx,
        &config,
        ticket,
        sla_clock::Prior::Stored {
            policy: was.policy_id,
        },
        &sla_clock::happenings(message),
        &actor,
        ticket.updated_at,
    )
    .await?;
    if stepped.urgency != was {
        sla_clock::set_urgency(tx, ticket.id, &stepped.urgency).await?;
    }
    Ok(stepped.events)
}

impl Store {
    /// Inserts a new ticket with its messages and events in one transaction, and records
    /// the idempotency key if one is given.
    ///
    /// Errors: [`StoreError::Duplicate`] when the key was recorded meanwhile (the caller
    /// then reads [`Store::idempotent_ticket`]); [`StoreError::MissingReference`] when the
    /// customer, queue or assignee does not exist.
    ///
    /// Concurrent calls share one durable commit (see [`crate::group_commit`]).
    pub async fn insert_ticket(
        &self,
        record: &TicketRecord,
        key: Option<&IdempotencyKey>,
    ) -> Result<Ticket, StoreError> {
        let group = match self {
            Store::Sqlite(engine) => engine.group(),
            Store::Postgres(engine) => engine.group(),
        };
        group.insert(record.clone(), key.cloned()).await
    }

    /// Inserts many tickets in one transaction (imports, demo data); returns their ids in order.
    pub async fn insert_tickets(
        &self,
        records: &[TicketRecord],
    ) -> Result<Vec<TicketId>, StoreError> {
        let mut tx = self.write().await?;
        let pairs: Vec<_> = records.iter().map(|r| (r, None)).collect();
        let stored = ticket_insert::insert_all(&mut tx, &pairs).await?;
        tx.commit().await?;
        Ok(stored.into_iter().map(|t| t.id).collect())
    }

    /// The ticket a client's idempotency key created, with the request hash recorded then.
    pub async fn idempotent_ticket(
        &self,
        scope: &str,
        key: &str,
    ) -> Result<Option<(TicketId, String)>, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row("SELECT ticket_id, request_hash FROM idempotency_keys WHERE scope = $1 AND key = $2", &args![scope, key])
            .await?;
        row.map(|r| Ok((TicketId(r.i64("ticket_id")?), r.text("request_hash")?)))
            .transpose()
    }

    /// One ticket. Errors: [`StoreError::NotFound`].
    pub async fn ticket(&self, id: TicketId) -> Result<Ticket, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// Saves a changed ticket if it is still at `expected_version`, with its events and an
    /// optional new message, in one transaction. Returns the stored message.
    ///
    /// Errors: [`StoreError::VersionConflict`] when someone else changed the ticket since it
    /// was read; nothing is written then.
    pub async fn update_ticket(
        &self,
        ticket: &Ticket,
        expected_version: i64,
        events: &[NewEvent],
        message: Option<&NewMessage>,
    ) -> Result<Option<Message>, StoreError> {
        let mut tx = self.write().await?;
        let updated = update_in(&mut tx, ticket, expected_version, events, message).await?;
        let all = [events, &updated.caused_events].concat();
        event::append_all(&mut tx, &all, None).await?;
        tx.commit().await?;
        Ok(updated.message)
    }
}
