//! Durable timers: rows with a due time, fired in the transaction that deletes them.
//!
//! A timer fires exactly once: the transaction that claims it also records what it did (the
//! clock marked, the event appended) and deletes it, so a crash before commit leaves it to
//! fire again and a commit leaves nothing to fire twice. Several instances on one
//! PostgreSQL claim disjoint timers with `FOR UPDATE SKIP LOCKED`, and skip tickets another
//! transaction is changing (their timers wait for the next round, which also rules out lock
//! cycles with ticket writes); SQLite has one writer. Only timers that are due are read, by
//! the `timers_due` index: nothing scans tickets.

use crate::error::StoreError;
use crate::escalation_clock;
use crate::sla_clock;
use crate::sql::{Engine, Tx, placeholders};
use crate::{Store, args, event};
use paydesk_domain::Actor;
use paydesk_domain::sla::{SlaClock, TimerKind, fire};
use paydesk_domain::{TicketId, Timestamp};
use std::collections::BTreeMap;

/// A timer that fired: which, and how late (the lag between due and firing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiredTimer {
    pub kind: String,
    pub ticket_id: TicketId,
    pub due_at: Timestamp,
    pub fired_at: Timestamp,
    /// Whether it changed anything (a stale timer of a clock that moved on does not).
    pub is_effective: bool,
}

impl FiredTimer {
    /// Milliseconds between the due time and the firing.
    #[must_use]
    pub fn lag_ms(&self) -> i64 {
        self.fired_at.since(self.due_at)
    }
}

struct Claimed {
    id: i64,
    kind: String,
    ticket: TicketId,
    subject: String,
    due_at: Timestamp,
}

async fn claim(tx: &mut Tx, now: Timestamp, limit: i64) -> Result<Vec<Claimed>, StoreError> {
    let lock = match tx.engine() {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "SELECT id, kind, ticket_id, subject, due_at FROM timers WHERE due_at <= $1 \
         ORDER BY due_at, id LIMIT $2{lock}"
    );
    let mut claimed = tx
        .rows(&sql, &args![now.0, limit])
        .await?
        .iter()
        .map(|r| {
            Ok(Claimed {
                id: r.i64("id")?,
                kind: r.text("kind")?,
                ticket: TicketId(r.i64("ticket_id")?),
                subject: r.text("subject")?,
                due_at: Timestamp(r.i64("due_at")?),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    if tx.engine() == Engine::Postgres && !claimed.is_empty() {
        // Tickets being changed right now are left for the next round.
        let mut ids: Vec<i64> = claimed.iter().map(|c| c.ticket.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let sql = format!(
            "SELECT id FROM tickets WHERE id IN ({}) ORDER BY id FOR UPDATE SKIP LOCKED",
            placeholders(1, ids.len())
        );
        let values: Vec<_> = ids.iter().flat_map(|id| args![*id]).collect();
        let locked: Vec<i64> = tx
            .rows(&sql, &values)
            .await?
            .iter()
            .map(|r| r.i64("id"))
            .collect::<Result<_, _>>()?;
        claimed.retain(|c| locked.binary_search(&c.ticket.0).is_ok());
    }
    Ok(claimed)
}

async fn clocks_of(
    tx: &mut Tx,
    tickets: &[i64],
) -> Result<BTreeMap<i64, Vec<SlaClock>>, StoreError> {
    let mut all: BTreeMap<i64, Vec<SlaClock>> = BTreeMap::new();
    for chunk in tickets.chunks(500) {
        let sql = format!(
            "SELECT {} FROM sla_clocks WHERE ticket_id IN ({}) ORDER BY ticket_id, metric",
            sla_clock::COLUMNS,
            placeholders(1, chunk.len())
        );
        let values: Vec<_> = chunk.iter().flat_map(|id| args![*id]).collect();
        for row in tx.rows(&sql, &values).await? {
            all.entry(row.i64("ticket_id")?)
                .or_default()
                .push(sla_clock::clock_from_row(&row)?);
        }
    }
    Ok(all)
}

impl Store {
    /// Fires up to `limit` timers due at `now`, oldest first, in one transaction: SLA
    /// warnings and breaches mark their clock and append an `sla_at_risk` or `sla_breached`
    /// event, once; escalations' response timers mark the escalation and append an
    /// `escalation_changed` event (`at_risk`, `breached`), once. Returns what fired; an empty list means nothing was due (or everything
    /// due is being fired by another instance right now).
    pub async fn fire_due_timers(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<FiredTimer>, StoreError> {
        let mut tx = self.write().await?;
        let claimed = claim(&mut tx, now, limit).await?;
        if claimed.is_empty() {
            return Ok(vec![]);
        }
        let mut tickets: Vec<i64> = claimed.iter().map(|c| c.ticket.0).collect();
        tickets.sort_unstable();
        tickets.dedup();
        let before = clocks_of(&mut tx, &tickets).await?;
        let mut after = before.clone();
        let mut fired = Vec::with_capacity(claimed.len());
        let mut events = Vec::new();
        for timer in &claimed {
            if escalation_clock::is_escalation_timer(&timer.kind) {
                let event =
                    escalation_clock::fire(&mut tx, &timer.kind, &timer.subject, now).await?;
                fired.push(FiredTimer {
                    kind: timer.kind.clone(),
                    ticket_id: timer.ticket,
                    due_at: timer.due_at,
                    fired_at: now,
                    is_effective: event.is_some(),
                });
                events.extend(event);
                continue;
            }
            let kind = match timer.kind.as_str() {
                "sla_warning" => Some(TimerKind::Warning),
                "sla_breach" => Some(TimerKind::Breach),
                _ => None,
            };
            let change = match (kind, after.get_mut(&timer.ticket.0)) {
                (Some(kind), Some(clocks)) => clocks
                    .iter_mut()
                    .find(|c| c.metric.as_str() == timer.subject)
                    .and_then(|clock| fire(clock, kind, now)),
                _ => {
                    tracing::warn!(kind = %timer.kind, "dropping a timer of an unknown kind");
                    None
                }
            };
            if let Some(change) = &change {
                events.extend(sla_clock::events_of(
                    timer.ticket,
                    std::slice::from_ref(change),
                    &Actor::System,
                    now,
                ));
            }
            fired.push(FiredTimer {
                kind: timer.kind.clone(),
                ticket_id: timer.ticket,
                due_at: timer.due_at,
                fired_at: now,
                is_effective: change.is_some(),
            });
        }
        // Firing only marks clocks (warned, breached): their remaining timers are the
        // claimed ones, deleted below, so no timer moves here.
        let mut marked = Vec::new();
        let mut flagged = Vec::new();
        for (id, clocks) in &after {
            let old = before.get(id).map(Vec::as_slice).unwrap_or_default();
            let changed: Vec<_> = clocks.iter().filter(|c| !old.contains(c)).collect();
            if !changed.is_empty() {
                marked.extend(changed.into_iter().map(|c| (TicketId(*id), c)));
                flagged.push((TicketId(*id), clocks.as_slice()));
            }
        }
        sla_clock::upsert(&mut tx, &marked, now).await?;
        sla_clock::set_flags(&mut tx, &flagged).await?;
        let ids: Vec<i64> = claimed.iter().map(|c| c.id).collect();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "DELETE FROM timers WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let values: Vec<_> = chunk.iter().flat_map(|id| args![*id]).collect();
            tx.exec(&sql, &values).await?;
        }
        event::append_all(&mut tx, &events, None).await?;
        tx.commit().await?;
        Ok(fired)
    }

    /// When the next timer falls due, if any.
    pub async fn next_timer_due(&self) -> Result<Option<Timestamp>, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row("SELECT due_at FROM timers ORDER BY due_at LIMIT 1", &[])
            .await?;
        row.map(|r| r.i64("due_at").map(Timestamp)).transpose()
    }

    /// How many timers wait, due or not.
    pub async fn pending_timers(&self) -> Result<i64, StoreError> {
        let mut tx = self.read().await?;
        let row = tx.row("SELECT COUNT(*) AS n FROM timers", &[]).await?;
        row.map_or(Ok(0), |r| r.i64("n"))
    }
}
