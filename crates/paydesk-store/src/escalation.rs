//! Escalations as stored: the work item in a partner team's queue, its response clock and
//! its `escalation_changed` events on the ticket's log, written in the same transaction as
//! every change (and, for answers and declines, with the internal note on the ticket).
//! The clock's durable timers are kept in [`crate::escalation_clock`].

use crate::error::StoreError;
use crate::escalation_clock;
use crate::event::{self, actor_columns, actor_from};
use crate::partner_team;
use crate::sql::{Row, Tx, placeholders};
use crate::ticket::{self, Updated};
use crate::{Store, args};
use paydesk_domain::escalation::{EscalationAction, EscalationStatus, PartnerClock, Severity};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::id::{EscalationId, PartnerTeamId};
use paydesk_domain::message::{Message, NewMessage};
use paydesk_domain::sla::NO_DUE;
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{Actor, TicketId, Timestamp, UserId};
use serde_json::json;

/// An escalation as stored, with its team's and reason's names and its ticket's subject.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEscalation {
    pub id: EscalationId,
    pub ticket_id: TicketId,
    pub ticket_subject: String,
    pub team_id: PartnerTeamId,
    pub team_name: String,
    pub reason_id: i64,
    pub reason: String,
    pub severity: Severity,
    pub summary: String,
    pub question: String,
    pub status: EscalationStatus,
    pub requested_by: Actor,
    pub assignee_id: Option<UserId>,
    pub external_ref: Option<String>,
    pub clock: PartnerClock,
    pub at_risk_marked_at: Option<Timestamp>,
    pub breached_at: Option<Timestamp>,
    pub answered_at: Option<Timestamp>,
    pub answer: Option<String>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl StoredEscalation {
    /// Whether the response target ran out before an answer.
    #[must_use]
    pub fn is_breached(&self) -> bool {
        self.breached_at.is_some()
    }
}

/// An escalation to insert; texts already checked and redacted.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEscalation {
    pub ticket_id: TicketId,
    pub team_id: PartnerTeamId,
    pub reason_id: i64,
    pub severity: Severity,
    pub summary: String,
    pub question: String,
    pub requested_by: Actor,
    pub at: Timestamp,
    pub ip: Option<String>,
}

/// A change to an escalation: the status it moves to (the same status for a change that
/// moves none) and the fields it sets. `None` leaves a field alone.
#[derive(Debug, Clone, PartialEq)]
pub struct EscalationMove {
    pub id: EscalationId,
    /// The escalation must still be at this version.
    pub expected_version: i64,
    pub action: EscalationAction,
    pub status: EscalationStatus,
    pub assignee_id: Option<Option<UserId>>,
    pub answer: Option<String>,
    pub external_ref: Option<Option<String>>,
    pub actor: Actor,
    pub at: Timestamp,
    pub ip: Option<String>,
}

/// An internal note written on the ticket with a move (an answer or a decline).
#[derive(Debug, Clone, PartialEq)]
pub struct TicketNote {
    pub ticket: Ticket,
    pub expected_version: i64,
    pub events: Vec<NewEvent>,
    pub message: NewMessage,
}

/// Which escalations a queue shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EscalationFilter {
    /// `None`: every team.
    pub teams: Option<Vec<PartnerTeamId>>,
    /// Empty: every status.
    pub statuses: Vec<EscalationStatus>,
    pub limit: i64,
}

const COLUMNS: &str = "e.id, e.ticket_id, t.subject AS ticket_subject, e.team_id, p.name AS team_name, \
     e.reason_id, r.label AS reason, e.severity, e.summary, e.question, e.status, e.requested_by_kind, \
     e.requested_by_id, e.requested_by_label, e.assignee_id, e.external_ref, e.target_ms, e.elapsed_ms, \
     e.running_since, e.due_at, e.at_risk_at, e.at_risk_marked_at, e.breached_at, e.answered_at, \
     e.answer, e.version, e.created_at, e.updated_at";

const FROM: &str = "FROM escalations e JOIN tickets t ON t.id = e.ticket_id \
     JOIN partner_teams p ON p.id = e.team_id JOIN escalation_reasons r ON r.id = e.reason_id";

fn escalation_from_row(r: &Row) -> Result<StoredEscalation, StoreError> {
    let at =
        |col: &str| -> Result<Option<Timestamp>, StoreError> { Ok(r.opt_i64(col)?.map(Timestamp)) };
    Ok(StoredEscalation {
        id: EscalationId(r.i64("id")?),
        ticket_id: TicketId(r.i64("ticket_id")?),
        ticket_subject: r.text("ticket_subject")?,
        team_id: PartnerTeamId(r.i64("team_id")?),
        team_name: r.text("team_name")?,
        reason_id: r.i64("reason_id")?,
        reason: r.text("reason")?,
        severity: r.label("severity")?,
        summary: r.text("summary")?,
        question: r.text("question")?,
        status: r.label("status")?,
        requested_by: actor_from(
            &r.text("requested_by_kind")?,
            r.opt_i64("requested_by_id")?,
            r.opt_text("requested_by_label")?,
        )?,
        assignee_id: r.opt_i64("assignee_id")?.map(UserId),
        external_ref: r.opt_text("external_ref")?,
        clock: PartnerClock {
            target_ms: r.i64("target_ms")?,
            elapsed_ms: r.i64("elapsed_ms")?,
            running_since: at("running_since")?,
            due_at: at("due_at")?,
            at_risk_at: at("at_risk_at")?,
        },
        at_risk_marked_at: at("at_risk_marked_at")?,
        breached_at: at("breached_at")?,
        answered_at: at("answered_at")?,
        answer: r.opt_text("answer")?,
        version: r.i64("version")?,
        created_at: Timestamp(r.i64("created_at")?),
        updated_at: Timestamp(r.i64("updated_at")?),
    })
}

/// One escalation read inside `tx`. Errors: [`StoreError::NotFound`].
pub(crate) async fn load(tx: &mut Tx, id: EscalationId) -> Result<StoredEscalation, StoreError> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE e.id = $1");
    let row = tx
        .row(&sql, &args![id.0])
        .await?
        .ok_or(StoreError::NotFound {
            entity: "escalation",
        })?;
    escalation_from_row(&row)
}

/// The `escalation_changed` event of `action` on `e`, by `actor` at `at`:
/// `{escalation_id, action, status, team, team_id, reason, reason_id, severity}`, plus the
/// due time (RFC 3339) while the clock runs.
pub(crate) fn event_of(
    e: &StoredEscalation,
    action: EscalationAction,
    actor: &Actor,
    at: Timestamp,
    ip: Option<String>,
) -> NewEvent {
    let mut data = json!({
        "escalation_id": e.id.0,
        "action": action,
        "status": e.status,
        "team": e.team_name,
        "team_id": e.team_id.0,
        "reason": e.reason,
        "reason_id": e.reason_id,
        "severity": e.severity,
    });
    if let (Some(d), Some(due)) = (data.as_object_mut(), e.clock.due_at) {
        d.insert("due_at".into(), json!(due.rfc3339()));
    }
    NewEvent {
        ticket_id: Some(e.ticket_id),
        customer_id: None,
        actor: actor.clone(),
        at,
        kind: EventKind::EscalationChanged,
        data,
        ip,
    }
}

async fn save_clock_and_fields(
    tx: &mut Tx,
    e: &StoredEscalation,
    expected_version: i64,
) -> Result<(), StoreError> {
    let c = &e.clock;
    let touched = tx
        .exec(
            "UPDATE escalations SET status = $1, assignee_id = $2, external_ref = $3, elapsed_ms = $4, \
             running_since = $5, due_at = $6, at_risk_at = $7, answered_at = $8, answer = $9, \
             version = $10, updated_at = $11 WHERE id = $12 AND version = $13",
            &args![
                e.status.as_str(),
                e.assignee_id.map(UserId::get),
                e.external_ref.as_deref(),
                c.elapsed_ms,
                c.running_since.map(|t| t.0),
                c.due_at.map(|t| t.0),
                c.at_risk_at.map(|t| t.0),
                e.answered_at.map(|t| t.0),
                e.answer.as_deref(),
                e.version,
                e.updated_at.0,
                e.id.0,
                expected_version
            ],
        )
        .await?;
    if touched == 0 {
        return Err(StoreError::VersionConflict {
            entity: "escalation",
            expected: expected_version,
        });
    }
    Ok(())
}

impl Store {
    /// Inserts an escalation with its clock started on the team's calendar, schedules its
    /// timers and appends its `created` event on the ticket. Errors:
    /// [`StoreError::NotFound`] for an unknown ticket or team.
    pub async fn insert_escalation(
        &self,
        new: &NewEscalation,
    ) -> Result<StoredEscalation, StoreError> {
        let mut tx = self.write().await?;
        let team = partner_team::load(&mut tx, new.team_id).await?;
        let time = escalation_clock::team_time(&mut tx, team.calendar_id).await?;
        let clock = PartnerClock::start(&time, team.targets.minutes(new.severity), new.at);
        let (kind, actor_id, label) = actor_columns(&new.requested_by);
        let id = tx
            .insert_id(
                "INSERT INTO escalations (ticket_id, team_id, reason_id, severity, summary, question, status, \
                 requested_by_kind, requested_by_id, requested_by_label, target_ms, elapsed_ms, running_since, \
                 due_at, at_risk_at, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10, 0, $11, $12, $13, 1, $11, $11) RETURNING id",
                &args![
                    new.ticket_id.0,
                    new.team_id.0,
                    new.reason_id,
                    new.severity.as_str(),
                    &new.summary,
                    &new.question,
                    kind,
                    actor_id,
                    label,
                    clock.target_ms,
                    new.at.0,
                    clock.due_at.map(|t| t.0),
                    clock.at_risk_at.map(|t| t.0)
                ],
            )
            .await?;
        let stored = load(&mut tx, EscalationId(id)).await?;
        escalation_clock::schedule(&mut tx, &stored, new.at).await?;
        let created = event_of(
            &stored,
            EscalationAction::Created,
            &new.requested_by,
            new.at,
            new.ip.clone(),
        );
        event::append(&mut tx, &created, None).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Applies `change` if the escalation is still at its expected version: the clock
    /// follows the new status on the team's calendar, the timers move with it, and the
    /// event is appended, with `note` saved on the ticket in the same transaction. Returns
    /// the escalation as stored and the note's message. Errors:
    /// [`StoreError::VersionConflict`] (for the escalation or the ticket),
    /// [`StoreError::NotFound`].
    pub async fn move_escalation(
        &self,
        change: &EscalationMove,
        note: Option<&TicketNote>,
    ) -> Result<(StoredEscalation, Option<Message>), StoreError> {
        let mut tx = self.write().await?;
        let mut e = load(&mut tx, change.id).await?;
        if e.version != change.expected_version {
            return Err(StoreError::VersionConflict {
                entity: "escalation",
                expected: change.expected_version,
            });
        }
        let team = partner_team::load(&mut tx, e.team_id).await?;
        let time = escalation_clock::team_time(&mut tx, team.calendar_id).await?;
        e.clock.follow(change.status, &time, change.at);
        if change.status != e.status && !change.status.is_live() {
            e.answered_at = Some(change.at);
        }
        e.status = change.status;
        if let Some(assignee) = change.assignee_id {
            e.assignee_id = assignee;
        }
        if let Some(answer) = &change.answer {
            e.answer = Some(answer.clone());
        }
        if let Some(external_ref) = &change.external_ref {
            e.external_ref.clone_from(external_ref);
        }
        e.version += 1;
        e.updated_at = change.at;
        save_clock_and_fields(&mut tx, &e, change.expected_version).await?;
        escalation_clock::schedule(&mut tx, &e, change.at).await?;
        let mut events = Vec::new();
        let mut message = None;
        if let Some(note) = note {
            let Updated {
                message: saved,
                caused_events,
            } = ticket::update_in(
                &mut tx,
                &note.ticket,
                note.expected_version,
                &note.events,
                Some(&note.message),
            )
            .await?;
            message = saved;
            events.extend(note.events.iter().cloned());
            events.extend(caused_events);
        }
        events.push(event_of(
            &e,
            change.action,
            &change.actor,
            change.at,
            change.ip.clone(),
        ));
        event::append_all(&mut tx, &events, None).await?;
        tx.commit().await?;
        Ok((e, message))
    }

    /// One escalation. Errors: [`StoreError::NotFound`].
    pub async fn escalation(&self, id: EscalationId) -> Result<StoredEscalation, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// A ticket's escalations, oldest first (each with its due time and breach state).
    pub async fn ticket_escalations(
        &self,
        ticket: TicketId,
    ) -> Result<Vec<StoredEscalation>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE e.ticket_id = $1 ORDER BY e.id");
        tx.rows(&sql, &args![ticket.0])
            .await?
            .iter()
            .map(escalation_from_row)
            .collect()
    }

    /// A queue of escalations: those the team still owes first, by due time (paused ones
    /// after the running ones), then the rest, most recently changed first.
    pub async fn escalation_queue(
        &self,
        filter: &EscalationFilter,
    ) -> Result<Vec<StoredEscalation>, StoreError> {
        let mut tx = self.read().await?;
        let mut clauses = Vec::new();
        let mut values = Vec::new();
        if let Some(teams) = &filter.teams {
            if teams.is_empty() {
                return Ok(Vec::new());
            }
            clauses.push(format!(
                "e.team_id IN ({})",
                placeholders(values.len() + 1, teams.len())
            ));
            values.extend(teams.iter().flat_map(|t| args![t.0]));
        }
        if !filter.statuses.is_empty() {
            clauses.push(format!(
                "e.status IN ({})",
                placeholders(values.len() + 1, filter.statuses.len())
            ));
            values.extend(filter.statuses.iter().flat_map(|s| args![s.as_str()]));
        }
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        values.extend(args![filter.limit.clamp(1, 500)]);
        let sql = format!(
            "SELECT {COLUMNS} {FROM} {filter_sql} ORDER BY \
             CASE WHEN e.status IN ('open', 'in_progress', 'waiting') THEN 0 ELSE 1 END, \
             CASE WHEN e.status IN ('open', 'in_progress', 'waiting') THEN COALESCE(e.due_at, {NO_DUE}) ELSE 0 END, \
             CASE WHEN e.status IN ('open', 'in_progress', 'waiting') THEN 0 ELSE -e.updated_at END, \
             e.id LIMIT ${}",
            values.len()
        );
        tx.rows(&sql, &values)
            .await?
            .iter()
            .map(escalation_from_row)
            .collect()
    }
}
