//! The baseline: the rows the service layer would store, written as plain SQL.
//!
//! The rows come from the service layer's own records (built before the clock starts), so
//! both phases store the same tickets, tags, messages, search entries and events. Here they
//! go straight into multi-row `INSERT`s with ids chosen by the bench (the database is
//! fresh), `--batch` tickets per transaction: no redaction, validation, events logic or
//! service in between. That is the fastest way plain SQL can store these rows, so it is
//! the yardstick for the service layer. It shares only the store's row shapes (which column
//! holds what), not its code path.

use super::report::Measurement;
use indicatif::ProgressBar;
use paydesk_store::audit::{ChainEntry, GENESIS, entry_hash};
use paydesk_store::sql::{Tx, Value, value_rows};
use paydesk_store::{
    Store, TICKET_INSERT, TicketRecord, actor_columns, args, author_columns, ticket_row,
};
use std::time::Instant;

pub async fn run(
    store: &Store,
    records: &[TicketRecord],
    batch: usize,
    bar: &ProgressBar,
) -> anyhow::Result<Measurement> {
    let started = Instant::now();
    let mut next_id = 1_i64;
    let mut chain = Chain {
        last_id: 0,
        hash: GENESIS.to_string(),
    };
    for chunk in records.chunks(batch.max(1)) {
        let mut tx = store.write().await?;
        let rows = Rows::of(chunk, next_id, &mut chain);
        next_id += i64::try_from(chunk.len())?;
        rows.insert(&mut tx).await?;
        tx.commit().await?;
        bar.inc(chunk.len() as u64);
    }
    Ok(Measurement {
        tickets: records.len(),
        elapsed: started.elapsed(),
        latency: None,
    })
}

/// The audit chain's head: events get the ids and hashes the store would give them.
struct Chain {
    last_id: i64,
    hash: String,
}

/// One transaction's rows, table by table.
#[derive(Default)]
struct Rows {
    tickets: Vec<Vec<Value>>,
    tags: Vec<Vec<Value>>,
    messages: Vec<Vec<Value>>,
    search: Vec<Vec<Value>>,
    events: Vec<Vec<Value>>,
}

impl Rows {
    fn of(records: &[TicketRecord], first_id: i64, chain: &mut Chain) -> Self {
        let mut rows = Rows::default();
        for (id, r) in (first_id..).zip(records) {
            let t = &r.ticket;
            rows.tickets.push(ticket_row(id, t));
            rows.tags
                .extend(t.tags.iter().map(|tag| args![id, tag].to_vec()));
            let mut text = t.subject.clone();
            for m in &r.messages {
                let (kind, author) = author_columns(&m.author);
                rows.messages
                    .push(args![id, m.visibility.as_str(), kind, author, &m.body, m.at.0].to_vec());
                text.push('\n');
                text.push_str(&m.body);
            }
            rows.search.push(args![text, id].to_vec());
            for e in &r.events {
                let (kind, actor, label) = actor_columns(&e.actor);
                let data = e.data.to_string();
                chain.last_id += 1;
                let hash = entry_hash(
                    &chain.hash,
                    &ChainEntry {
                        id: chain.last_id,
                        ticket_id: Some(id),
                        customer_id: None,
                        actor_kind: kind,
                        actor_id: actor,
                        actor_label: label,
                        ip: None,
                        at: e.at.0,
                        kind: e.kind.as_str(),
                        data: &data,
                    },
                );
                let prev = std::mem::replace(&mut chain.hash, hash.clone());
                rows.events.push(
                    args![
                        chain.last_id,
                        id,
                        kind,
                        actor,
                        label,
                        e.at.0,
                        e.kind.as_str(),
                        data,
                        prev,
                        hash
                    ]
                    .to_vec(),
                );
            }
        }
        rows
    }

    async fn insert(self, tx: &mut Tx) -> anyhow::Result<()> {
        let tables = [
            (TICKET_INSERT, self.tickets),
            ("ticket_tags (ticket_id, tag)", self.tags),
            (
                "messages (ticket_id, visibility, author_kind, author_id, body, created_at)",
                self.messages,
            ),
            ("ticket_search (body, ticket_id)", self.search),
            (
                "events (id, ticket_id, actor_kind, actor_id, actor_label, at, kind, data, prev_hash, hash)",
                self.events,
            ),
        ];
        for (head, rows) in tables {
            let Some(cols) = rows.first().map(Vec::len) else {
                continue;
            };
            for chunk in rows.chunks(400) {
                let sql = format!(
                    "INSERT INTO {head} VALUES {}",
                    value_rows(tx.engine(), chunk.len(), cols)
                );
                let values: Vec<Value> = chunk.iter().flatten().cloned().collect();
                tx.exec(&sql, &values).await?;
            }
        }
        Ok(())
    }
}
