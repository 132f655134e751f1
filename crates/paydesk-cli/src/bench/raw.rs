//! The baseline: the rows the service layer would store, written as plain SQL.
//!
//! The rows are the service layer's own records (built before the clock starts), so both
//! phases store the same tickets, tags, messages, search entries and events; here they go
//! straight to `INSERT`s, one statement per row as the store does, `--batch` tickets per
//! transaction, with no redaction, validation or service in between.

use super::report::Measurement;
use indicatif::ProgressBar;
use paydesk_domain::message::Author;
use paydesk_domain::{Actor, CustomerId, QueueId, UserId};
use paydesk_store::sql::Tx;
use paydesk_store::{Store, TicketRecord, args};
use std::time::Instant;

pub async fn run(
    store: &Store,
    records: &[TicketRecord],
    batch: usize,
    bar: &ProgressBar,
) -> anyhow::Result<Measurement> {
    let started = Instant::now();
    for chunk in records.chunks(batch.max(1)) {
        let mut tx = store.write().await?;
        for record in chunk {
            insert(&mut tx, record).await?;
        }
        tx.commit().await?;
        bar.inc(chunk.len() as u64);
    }
    Ok(Measurement {
        tickets: records.len(),
        elapsed: started.elapsed(),
        latency: None,
    })
}

async fn insert(tx: &mut Tx, record: &TicketRecord) -> anyhow::Result<()> {
    let t = &record.ticket;
    let id = tx
        .insert_id(
            "INSERT INTO tickets (subject, status, priority, channel, business_line, category, queue_id, \
             assignee_id, customer_id, language, version, created_at, updated_at, solved_at, closed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $13, $14) RETURNING id",
            &args![
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
                t.created_at.0,
                t.updated_at.0,
                t.solved_at.map(|x| x.0),
                t.closed_at.map(|x| x.0),
            ],
        )
        .await?;
    for tag in &t.tags {
        tx.exec(
            "INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2)",
            &args![id, tag],
        )
        .await?;
    }
    tx.exec(
        "INSERT INTO ticket_search (body, ticket_id) VALUES ($1, $2)",
        &args![&t.subject, id],
    )
    .await?;
    for m in &record.messages {
        let (author_kind, author_id) = match &m.author {
            Author::Customer { id } => ("customer", id.map(CustomerId::get)),
            Author::User { id } => ("user", Some(id.get())),
            Author::System => ("system", None),
        };
        tx.exec(
            "INSERT INTO messages (ticket_id, visibility, author_kind, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &args![id, m.visibility.as_str(), author_kind, author_id, &m.body, m.at.0],
        )
        .await?;
        tx.exec(
            "INSERT INTO ticket_search (body, ticket_id) VALUES ($1, $2)",
            &args![&m.body, id],
        )
        .await?;
    }
    for e in &record.events {
        let (actor_kind, actor_id, actor_label) = match &e.actor {
            Actor::User { id } => ("user", Some(id.get()), None),
            Actor::Customer { id } => ("customer", Some(id.get()), None),
            Actor::Api { client } => ("api", None, Some(client.as_str())),
            Actor::System => ("system", None, None),
        };
        tx.exec(
            "INSERT INTO events (ticket_id, customer_id, actor_kind, actor_id, actor_label, at, kind, data) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &args![
                id,
                e.customer_id.map(CustomerId::get),
                actor_kind,
                actor_id,
                actor_label,
                e.at.0,
                e.kind.as_str(),
                e.data.to_string(),
            ],
        )
        .await?;
    }
    Ok(())
}
