//! The durable timers of escalations' response clocks: one `escalation_at_risk` and one
//! `escalation_breach` timer per running clock (subject: the escalation's id), moved with
//! every change and fired by [`Store::fire_due_timers`](crate::Store::fire_due_timers),
//! which marks the escalation and appends an `escalation_changed` event (`at_risk` or
//! `breached`) on its ticket, once.

use crate::args;
use crate::error::StoreError;
use crate::escalation::{StoredEscalation, event_of, load};
use crate::sql::{Tx, value_rows};
use paydesk_domain::calendar::{Calendar, CalendarSpec};
use paydesk_domain::escalation::EscalationAction;
use paydesk_domain::event::NewEvent;
use paydesk_domain::id::EscalationId;
use paydesk_domain::{Actor, Timestamp};

/// Timer kind: the clock becomes at risk.
pub(crate) const AT_RISK: &str = "escalation_at_risk";
/// Timer kind: the target runs out.
pub(crate) const BREACH: &str = "escalation_breach";

/// The business time a team's targets count in: its calendar, or wall time when it has
/// none or the calendar no longer parses (a broken calendar must not stop clocks).
pub(crate) async fn team_time(
    tx: &mut Tx,
    calendar_id: Option<i64>,
) -> Result<Calendar, StoreError> {
    let Some(id) = calendar_id else {
        return Ok(Calendar::always());
    };
    let row = tx
        .row("SELECT spec FROM calendars WHERE id = $1", &args![id])
        .await?;
    let Some(row) = row else {
        return Ok(Calendar::always());
    };
    let built = serde_json::from_str::<CalendarSpec>(&row.text("spec")?)
        .map_err(|e| e.to_string())
        .and_then(|spec| Calendar::new(&spec).map_err(|e| e.to_string()));
    Ok(built.unwrap_or_else(|e| {
        tracing::warn!(calendar = id, error = %e, "a partner team's calendar does not parse; its targets count in calendar hours");
        Calendar::always()
    }))
}

/// Replaces the timers of `e` with those its clock needs now.
pub(crate) async fn schedule(
    tx: &mut Tx,
    e: &StoredEscalation,
    now: Timestamp,
) -> Result<(), StoreError> {
    let subject = e.id.0.to_string();
    tx.exec(
        "DELETE FROM timers WHERE ticket_id = $1 AND subject = $2 AND kind IN ($3, $4)",
        &args![e.ticket_id.0, subject.as_str(), AT_RISK, BREACH],
    )
    .await?;
    if !e.status.is_live() {
        return Ok(());
    }
    let mut due = Vec::new();
    if let (None, Some(at)) = (e.at_risk_marked_at, e.clock.at_risk_at) {
        due.push((AT_RISK, at));
    }
    if let (None, Some(at)) = (e.breached_at, e.clock.due_at) {
        due.push((BREACH, at));
    }
    if due.is_empty() {
        return Ok(());
    }
    let values: Vec<_> = due
        .iter()
        .flat_map(|(kind, at)| args![*kind, e.ticket_id.0, subject.as_str(), at.0, now.0].to_vec())
        .collect();
    let sql = format!(
        "INSERT INTO timers (kind, ticket_id, subject, due_at, created_at) VALUES {}",
        value_rows(tx.engine(), due.len(), 5)
    );
    tx.exec(&sql, &values).await?;
    Ok(())
}

/// Whether a timer kind belongs to escalations.
pub(crate) fn is_escalation_timer(kind: &str) -> bool {
    kind == AT_RISK || kind == BREACH
}

/// Fires one escalation timer at `now`: marks the escalation at risk or breached and
/// returns the event, or `None` when the clock moved on (paused, answered, already marked).
pub(crate) async fn fire(
    tx: &mut Tx,
    kind: &str,
    subject: &str,
    now: Timestamp,
) -> Result<Option<NewEvent>, StoreError> {
    let Ok(id) = subject.parse::<i64>() else {
        return Ok(None);
    };
    let e = match load(tx, EscalationId(id)).await {
        Ok(e) => e,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(other) => return Err(other),
    };
    if !e.status.is_live() || e.clock.running_since.is_none() {
        return Ok(None);
    }
    let (column, action, marked, due) = if kind == AT_RISK {
        (
            "at_risk_marked_at",
            EscalationAction::AtRisk,
            e.at_risk_marked_at,
            e.clock.at_risk_at,
        )
    } else {
        (
            "breached_at",
            EscalationAction::Breached,
            e.breached_at,
            e.clock.due_at,
        )
    };
    if marked.is_some() || due.is_none_or(|d| d > now) {
        return Ok(None);
    }
    tx.exec(
        &format!("UPDATE escalations SET {column} = $1 WHERE id = $2"),
        &args![now.0, e.id.0],
    )
    .await?;
    Ok(Some(event_of(&e, action, &Actor::System, now, None)))
}
