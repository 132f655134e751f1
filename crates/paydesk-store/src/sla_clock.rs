//! SLA clocks kept in step with every ticket write, in the write's own transaction.
//!
//! Every path that writes a ticket (the API, mail, the support form, chat, webhooks,
//! imports, routing) goes through [`crate::ticket::update_in`] or
//! [`crate::ticket_insert::insert_all`], and both call [`step`] here: so clocks, their
//! durable timers and the ticket's urgency columns can never disagree with the ticket, and a
//! write that rolls back takes its clock changes with it (ADR 0004).

use crate::error::StoreError;
use crate::sla_config::SlaConfig;
use crate::sql::{Row, Tx, Value};
use crate::{args, sql};
use paydesk_domain::Actor;
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{Author, NewMessage, Visibility};
use paydesk_domain::payment::DisputeStatus;
use paydesk_domain::sla::{
    ClockState, DisputeDeadline, Happening, SlaChange, SlaClock, SlaOutcome, TicketFacts,
    TimerKind, evaluate,
};
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{TicketId, Timestamp};
use serde_json::json;

pub use paydesk_domain::sla::NO_DUE;

pub(crate) const COLUMNS: &str = "ticket_id, metric, policy_id, target_ms, calendar_id, state, started_at, \
    running_since, elapsed_ms, paused_since, paused_ms, due_at, warn_at, warned_at, breached_at, \
    achieved_at, cycle, updated_at";
const COLUMN_COUNT: usize = 18;

/// What a write did that clocks care about, from the message it adds.
#[must_use]
pub fn happenings(message: Option<&NewMessage>) -> Vec<Happening> {
    match message {
        Some(m) if m.visibility == Visibility::Public => match m.author {
            Author::Customer { .. } => vec![Happening::CustomerMessage],
            Author::User { .. } => vec![Happening::StaffReply],
            Author::System => vec![],
        },
        _ => vec![],
    }
}

/// A ticket's SLA columns after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Urgency {
    pub due_at: i64,
    pub breached: bool,
    pub at_risk: bool,
    pub policy_id: Option<i64>,
}

impl Urgency {
    /// No clock running and no policy.
    pub const NONE: Urgency = Urgency {
        due_at: NO_DUE,
        breached: false,
        at_risk: false,
        policy_id: None,
    };

    fn of(outcome: &SlaOutcome) -> Self {
        let (due, breached, at_risk) = outcome.urgency();
        Self {
            due_at: due.map_or(NO_DUE, |d| d.0),
            breached,
            at_risk,
            policy_id: outcome.policy_id,
        }
    }
}

/// The result of one ticket's step: its new urgency and the events to append.
#[derive(Debug, Clone)]
pub(crate) struct Stepped {
    pub urgency: Urgency,
    pub events: Vec<NewEvent>,
}

/// The deadline of the disputes a ticket works: the earliest due date among those still
/// needing an answer; answered when it works disputes and none needs one (or none has a
/// due date). `None` when it works none.
async fn dispute_deadline(
    tx: &mut Tx,
    ticket: TicketId,
) -> Result<Option<DisputeDeadline>, StoreError> {
    let rows = tx
        .rows(
            "SELECT status, due_at, created_at FROM disputes WHERE ticket_id = $1",
            &args![ticket.0],
        )
        .await?;
    let mut deadline: Option<DisputeDeadline> = None;
    for r in &rows {
        let status: DisputeStatus = r.label("status")?;
        let opened_at = Timestamp(r.i64("created_at")?);
        let due = r.opt_i64("due_at")?.map(Timestamp);
        let next = match due {
            Some(due_at) if status.needs_response() => DisputeDeadline {
                opened_at,
                due_at,
                answered: false,
            },
            _ => DisputeDeadline {
                opened_at,
                due_at: due.unwrap_or(opened_at),
                answered: true,
            },
        };
        deadline = Some(match deadline {
            Some(d) if (d.answered, d.due_at) <= (next.answered, next.due_at) => d,
            _ => next,
        });
    }
    Ok(deadline)
}

/// Facts the ticket row does not hold: its customer's tier and its queue's vendor.
async fn facts(
    tx: &mut Tx,
    t: &Ticket,
    dispute: Option<DisputeDeadline>,
) -> Result<TicketFacts, StoreError> {
    let tier = match t.customer_id {
        Some(c) => tx
            .row("SELECT tier FROM customers WHERE id = $1", &args![c.0])
            .await?
            .map(|r| r.label("tier"))
            .transpose()?,
        None => None,
    };
    let vendor_id = match t.queue_id {
        Some(q) => tx
            .row("SELECT vendor_id FROM queues WHERE id = $1", &args![q.0])
            .await?
            .map(|r| r.opt_i64("vendor_id"))
            .transpose()?
            .flatten()
            .map(paydesk_domain::VendorId),
        None => None,
    };
    Ok(TicketFacts {
        status: t.status,
        priority: t.priority,
        channel: t.channel,
        business_line: t.business_line,
        category: t.category.clone(),
        queue_id: t.queue_id,
        vendor_id,
        customer_tier: tier,
        dispute,
    })
}

pub(crate) fn clock_from_row(r: &Row) -> Result<SlaClock, StoreError> {
    let ts = |c: &str| r.opt_i64(c).map(|v| v.map(Timestamp));
    Ok(SlaClock {
        metric: r.label("metric")?,
        policy_id: r.opt_i64("policy_id")?,
        target_ms: r.i64("target_ms")?,
        calendar_id: r.opt_i64("calendar_id")?,
        state: r.label("state")?,
        started_at: Timestamp(r.i64("started_at")?),
        running_since: ts("running_since")?,
        elapsed_ms: r.i64("elapsed_ms")?,
        paused_since: ts("paused_since")?,
        paused_ms: r.i64("paused_ms")?,
        due_at: ts("due_at")?,
        warn_at: ts("warn_at")?,
        warned_at: ts("warned_at")?,
        breached_at: ts("breached_at")?,
        achieved_at: ts("achieved_at")?,
        cycle: r.i64("cycle")?,
    })
}

/// A ticket's clocks, in metric order.
pub(crate) async fn load(tx: &mut Tx, ticket: TicketId) -> Result<Vec<SlaClock>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM sla_clocks WHERE ticket_id = $1 ORDER BY metric");
    tx.rows(&sql, &args![ticket.0])
        .await?
        .iter()
        .map(clock_from_row)
        .collect()
}

fn clock_row(ticket: TicketId, c: &SlaClock, now: Timestamp) -> Vec<Value> {
    let ts = |t: Option<Timestamp>| t.map(|t| t.0);
    args![
        ticket.0,
        c.metric.as_str(),
        c.policy_id,
        c.target_ms,
        c.calendar_id,
        c.state.as_str(),
        c.started_at.0,
        ts(c.running_since),
        c.elapsed_ms,
        ts(c.paused_since),
        c.paused_ms,
        ts(c.due_at),
        ts(c.warn_at),
        ts(c.warned_at),
        ts(c.breached_at),
        ts(c.achieved_at),
        c.cycle,
        now.0,
    ]
    .to_vec()
}

/// The timers a clock needs: a warning until it is at risk, a breach until it breaches.
fn timers_of(c: &SlaClock) -> Vec<(TimerKind, Timestamp)> {
    if c.state != ClockState::Running || c.breached_at.is_some() {
        return vec![];
    }
    let mut timers = Vec::new();
    if let (None, Some(at)) = (c.warned_at, c.warn_at) {
        timers.push((TimerKind::Warning, at));
    }
    if let Some(at) = c.due_at {
        timers.push((TimerKind::Breach, at));
    }
    timers
}

/// Rows per multi-row statement: far below both engines' limits on bound parameters.
const ROWS: usize = 400;

/// Inserts or overwrites these clocks, several tickets' at once.
pub(crate) async fn upsert(
    tx: &mut Tx,
    clocks: &[(TicketId, &SlaClock)],
    now: Timestamp,
) -> Result<(), StoreError> {
    let set = COLUMNS
        .split(", ")
        .skip(2)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    for chunk in clocks.chunks(ROWS) {
        let sql = format!(
            "INSERT INTO sla_clocks ({COLUMNS}) VALUES {} ON CONFLICT (ticket_id, metric) DO UPDATE SET {set}",
            sql::value_rows(tx.engine(), chunk.len(), COLUMN_COUNT)
        );
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|(ticket, c)| clock_row(*ticket, c, now))
            .collect();
        tx.exec(&sql, &values).await?;
    }
    Ok(())
}

/// Writes the clocks that changed and moves their timers.
pub(crate) async fn save(
    tx: &mut Tx,
    ticket: TicketId,
    before: &[SlaClock],
    after: &[SlaClock],
    now: Timestamp,
) -> Result<(), StoreError> {
    let changed: Vec<&SlaClock> = after.iter().filter(|c| !before.contains(c)).collect();
    if changed.is_empty() {
        return Ok(());
    }
    let rows: Vec<(TicketId, &SlaClock)> = changed.iter().map(|c| (ticket, *c)).collect();
    upsert(tx, &rows, now).await?;
    for clock in changed {
        let old = before
            .iter()
            .find(|c| c.metric == clock.metric)
            .map(timers_of)
            .unwrap_or_default();
        let new = timers_of(clock);
        if old == new {
            continue;
        }
        let metric = clock.metric.as_str();
        tx.exec(
            "DELETE FROM timers WHERE ticket_id = $1 AND subject = $2 AND kind IN ('sla_warning', 'sla_breach')",
            &args![ticket.0, metric],
        )
        .await?;
        if !new.is_empty() {
            let values: Vec<Value> = new
                .iter()
                .flat_map(|(kind, at)| args![kind.as_str(), ticket.0, metric, at.0, now.0].to_vec())
                .collect();
            let sql = format!(
                "INSERT INTO timers (kind, ticket_id, subject, due_at, created_at) VALUES {}",
                sql::value_rows(tx.engine(), new.len(), 5)
            );
            tx.exec(&sql, &values).await?;
        }
    }
    Ok(())
}

/// The events recording `changes` on `ticket`. Instants in their data are RFC 3339 text,
/// never bare epoch numbers (a 13-digit number can pass for a card number to a scanner).
pub(crate) fn events_of(
    ticket: TicketId,
    changes: &[SlaChange],
    actor: &Actor,
    now: Timestamp,
) -> Vec<NewEvent> {
    changes
        .iter()
        .map(|change| {
            let (kind, data, actor) = match change {
                SlaChange::PolicyApplied { from, to } => (
                    EventKind::SlaPolicyApplied,
                    json!({ "from": from, "to": to }),
                    actor,
                ),
                SlaChange::AtRisk { metric, at } => (
                    EventKind::SlaAtRisk,
                    json!({ "metric": metric, "at": at.rfc3339() }),
                    &Actor::System,
                ),
                SlaChange::Breached { metric, due_at } => (
                    EventKind::SlaBreached,
                    json!({ "metric": metric, "due_at": due_at.rfc3339() }),
                    &Actor::System,
                ),
            };
            NewEvent::ticket(Some(ticket), actor, now, kind, data)
        })
        .collect()
}

/// What a ticket had before a write.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Prior {
    /// A new ticket: no policy, no clocks to read.
    New,
    /// A stored ticket and the policy applied to it.
    Stored { policy: Option<i64> },
}

/// Moves one ticket's clocks after a write at `now` and saves them.
pub(crate) async fn step(
    tx: &mut Tx,
    config: &SlaConfig,
    ticket: &Ticket,
    prior: Prior,
    happenings: &[Happening],
    actor: &Actor,
    now: Timestamp,
) -> Result<Stepped, StoreError> {
    let current_policy = match prior {
        Prior::New => None,
        Prior::Stored { policy } => policy,
    };
    // A new ticket works no dispute yet: disputes are tied to tickets after they exist.
    let dispute = match prior {
        Prior::New => None,
        Prior::Stored { .. } => dispute_deadline(tx, ticket.id).await?,
    };
    let before = match prior {
        Prior::Stored { policy } if policy.is_some() || !config.is_empty() || dispute.is_some() => {
            load(tx, ticket.id).await?
        }
        _ => vec![],
    };
    if config.is_empty()
        && dispute.is_none()
        && before.iter().all(|c| !c.is_active())
        && current_policy.is_none()
    {
        return Ok(Stepped {
            urgency: Urgency::NONE,
            events: vec![],
        });
    }
    let facts = facts(tx, ticket, dispute).await?;
    let outcome = evaluate(
        &config.policies,
        current_policy,
        before.clone(),
        &facts,
        happenings,
        config,
        now,
    );
    save(tx, ticket.id, &before, &outcome.clocks, now).await?;
    Ok(Stepped {
        urgency: Urgency::of(&outcome),
        events: events_of(ticket.id, &outcome.changes, actor, now),
    })
}

/// Moves a stored ticket's clocks when something beside the ticket changed (a dispute it
/// works got a due date, was answered or moved on), writes its SLA columns and returns the
/// events to append.
pub(crate) async fn restep(
    tx: &mut Tx,
    ticket: TicketId,
    actor: &Actor,
    now: Timestamp,
) -> Result<Vec<NewEvent>, StoreError> {
    let config = crate::sla_config::load(tx).await?;
    let policy = tx
        .row(
            "SELECT sla_policy_id FROM tickets WHERE id = $1",
            &args![ticket.0],
        )
        .await?
        .ok_or(StoreError::NotFound { entity: "ticket" })?
        .opt_i64("sla_policy_id")?;
    let current = crate::ticket::load(tx, ticket).await?;
    let stepped = step(
        tx,
        &config,
        &current,
        Prior::Stored { policy },
        &[],
        actor,
        now,
    )
    .await?;
    set_urgency(tx, ticket, &stepped.urgency).await?;
    Ok(stepped.events)
}

/// Writes a ticket's SLA columns.
pub(crate) async fn set_urgency(
    tx: &mut Tx,
    ticket: TicketId,
    u: &Urgency,
) -> Result<(), StoreError> {
    tx.exec(
        "UPDATE tickets SET sla_due_at = $1, sla_breached = $2, sla_at_risk = $3, sla_policy_id = $4 WHERE id = $5",
        &args![
            u.due_at,
            i64::from(u.breached),
            i64::from(u.at_risk),
            u.policy_id,
            ticket.0
        ],
    )
    .await?;
    Ok(())
}

/// Writes tickets' due time and breached and at-risk flags from their clocks (their
/// policy stays as it is), several tickets in one statement.
pub(crate) async fn set_flags(
    tx: &mut Tx,
    tickets: &[(TicketId, &[SlaClock])],
) -> Result<(), StoreError> {
    for chunk in tickets.chunks(ROWS) {
        let mut values = Vec::with_capacity(chunk.len() * 4);
        for (ticket, clocks) in chunk {
            let (due, breached, at_risk) = paydesk_domain::sla::urgency(clocks);
            values.extend(args![
                ticket.0,
                due.map_or(NO_DUE, |d| d.0),
                i64::from(breached),
                i64::from(at_risk)
            ]);
        }
        // The first row's casts give PostgreSQL the VALUES columns' types.
        let rows = sql::value_rows(tx.engine(), chunk.len(), 4);
        let rows = match tx.engine() {
            sql::Engine::Postgres => rows.replacen(
                "($1, $2, $3, $4)",
                "($1::BIGINT, $2::BIGINT, $3::BIGINT, $4::BIGINT)",
                1,
            ),
            sql::Engine::Sqlite => rows,
        };
        let sql = format!(
            "UPDATE tickets SET sla_due_at = v.due, sla_breached = v.breached, sla_at_risk = v.at_risk \
             FROM (SELECT column1 AS id, column2 AS due, column3 AS breached, column4 AS at_risk \
             FROM (VALUES {rows}) AS x) AS v WHERE tickets.id = v.id"
        );
        tx.exec(&sql, &values).await?;
    }
    Ok(())
}
