//! Giving a ticket to an agent, safely under concurrency: claims, "next ticket" and
//! automatic assignment all go through [`claim_in`].
//!
//! In one write transaction the ticket row is locked, then the agent's profile row (on
//! PostgreSQL with `SELECT ... FOR UPDATE`; SQLite's single writer excludes everyone for the
//! whole transaction). Under those locks the ticket must still be unassigned and workable,
//! and the agent's open tickets must be below their capacity; only then is the ticket
//! changed (through [`crate::ticket::update_in`], so SLA bookkeeping applies) and the
//! events appended. Two claims of one ticket therefore never both win, and an agent never
//! ends above capacity, whatever runs at once and on however many instances.
//!
//! Locks are always taken ticket first, then profile; "next ticket" picks its ticket with
//! `SKIP LOCKED`, so it never waits on a ticket row while holding a profile.

use crate::agent::{for_update, load_of, lock_profile};
use crate::error::StoreError;
use crate::sql::{Engine, Tx, Value, placeholders};
use crate::{Store, args, event, ticket};
use paydesk_domain::policy::{Principal, TicketScope};
use paydesk_domain::routing::{AssignReason, Presence, Skills, routing_events};
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{Actor, TicketId, Timestamp, UserId, VendorId};

/// A ticket to give to an agent, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub ticket_id: TicketId,
    pub agent: UserId,
    pub reason: AssignReason,
    /// Who made it happen (the agent, a lead, or paydesk itself).
    pub actor: Actor,
    pub at: Timestamp,
    pub ip: Option<String>,
}

/// The outcome of a claim: the ticket, and whether this claim gave it to the agent (false:
/// they held it already).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub ticket: Ticket,
    pub is_new: bool,
}

fn is_automatic(reason: AssignReason) -> bool {
    matches!(
        reason,
        AssignReason::RoundRobin | AssignReason::LeastLoaded | AssignReason::Skills
    )
}

/// Which tickets `user` may work, by their role and vendor.
async fn scope_of(tx: &mut Tx, user: UserId) -> Result<TicketScope, StoreError> {
    let row = tx
        .row(
            "SELECT role, vendor_id FROM users WHERE id = $1",
            &args![user.0],
        )
        .await?
        .ok_or(StoreError::NotFound { entity: "user" })?;
    Ok(Principal::User {
        id: user,
        role: row.label("role")?,
        vendor_id: row.opt_i64("vendor_id")?.map(VendorId),
    }
    .ticket_scope())
}

async fn in_scope(tx: &mut Tx, scope: TicketScope, t: &Ticket) -> Result<bool, StoreError> {
    Ok(match (scope, t.queue_id) {
        (TicketScope::All, _) => true,
        (TicketScope::Nothing, _) | (TicketScope::Vendor(_), None) => false,
        (TicketScope::Vendor(v), Some(q)) => {
            tx.row("SELECT vendor_id FROM queues WHERE id = $1", &args![q.0])
                .await?
                .map(|r| r.opt_i64("vendor_id"))
                .transpose()?
                .flatten()
                == Some(v.0)
        }
    })
}

/// Gives the ticket to the agent inside `tx` (see the module documentation), appending the
/// events last. A ticket the agent already holds is returned unchanged.
///
/// Errors: [`StoreError::NotFound`] for a ticket that does not exist or that the agent may
/// not see; [`StoreError::AlreadyAssigned`]; [`StoreError::NotWorkable`] for a solved or
/// closed ticket; [`StoreError::AtCapacity`]; [`StoreError::AgentUnavailable`] when an
/// automatic assignment finds the agent not online (or without a profile).
pub(crate) async fn claim_in(tx: &mut Tx, a: &Assignment) -> Result<Claimed, StoreError> {
    let lock = format!("SELECT id FROM tickets WHERE id = $1{}", for_update(tx));
    tx.row(&lock, &args![a.ticket_id.0])
        .await?
        .ok_or(StoreError::NotFound { entity: "ticket" })?;
    let before = ticket::load(tx, a.ticket_id).await?;
    let scope = scope_of(tx, a.agent).await?;
    if !in_scope(tx, scope, &before).await? {
        return Err(StoreError::NotFound { entity: "ticket" });
    }
    match before.assignee_id {
        Some(holder) if holder == a.agent => {
            return Ok(Claimed {
                ticket: before,
                is_new: false,
            });
        }
        Some(_) => return Err(StoreError::AlreadyAssigned),
        None => {}
    }
    if !before.status.is_unresolved() {
        return Err(StoreError::NotWorkable {
            status: before.status.as_str(),
        });
    }
    let profile = lock_profile(tx, a.agent).await?;
    match &profile {
        Some(p) => {
            if is_automatic(a.reason) && p.presence != Presence::Online {
                return Err(StoreError::AgentUnavailable);
            }
            if load_of(tx, a.agent).await? >= p.capacity {
                return Err(StoreError::AtCapacity {
                    capacity: p.capacity,
                });
            }
        }
        None if is_automatic(a.reason) => return Err(StoreError::AgentUnavailable),
        None => {}
    }
    let mut after = before.clone();
    after.assignee_id = Some(a.agent);
    after.version += 1;
    after.updated_at = a.at;
    let mut events = routing_events(&before, &after, &a.actor, a.at, a.reason);
    for e in &mut events {
        e.ip.clone_from(&a.ip);
    }
    let updated = ticket::update_in(tx, &after, before.version, &events, None).await?;
    if profile.is_some() {
        // A turn marker rather than a plain time: later than every other agent's, so
        // round-robin order holds when many assignments share one millisecond.
        let greatest = match tx.engine() {
            Engine::Sqlite => "MAX",
            Engine::Postgres => "GREATEST",
        };
        let sql = format!(
            "UPDATE agent_profiles SET last_assigned_at = {greatest}($2, \
             (SELECT COALESCE(MAX(last_assigned_at), 0) + 1 FROM agent_profiles)) WHERE user_id = $1"
        );
        tx.exec(&sql, &args![a.agent.0, a.at.0]).await?;
    }
    events.extend(updated.caused_events);
    event::append_all(tx, &events, None).await?;
    Ok(Claimed {
        ticket: after,
        is_new: true,
    })
}

/// The conditions (from `$start`) that keep only tickets `skills` cover, with their values.
fn skill_filter(skills: &Skills, start: usize) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut values: Vec<Value> = Vec::new();
    if !skills.languages.is_empty() {
        let parts: Vec<String> = skills
            .languages
            .iter()
            .map(|l| {
                let n = start + values.len();
                values.push(l.clone().into());
                values.push(format!("{l}-%").into());
                format!("language = ${n} OR language LIKE ${}", n + 1)
            })
            .collect();
        sql.push_str(&format!(" AND ({})", parts.join(" OR ")));
    }
    if !skills.business_lines.is_empty() {
        let n = start + values.len();
        values.extend(skills.business_lines.iter().map(|b| b.as_str().into()));
        sql.push_str(&format!(
            " AND business_line IN ({})",
            placeholders(n, skills.business_lines.len())
        ));
    }
    if !skills.categories.is_empty() {
        let n = start + values.len();
        values.extend(skills.categories.iter().map(|c| c.as_str().into()));
        sql.push_str(&format!(
            " AND (category IS NULL OR category IN ({}))",
            placeholders(n, skills.categories.len())
        ));
    }
    (sql, values)
}

impl Store {
    /// Gives the ticket to the agent in one transaction (see [`claim_in`] for the errors).
    pub async fn claim(&self, a: &Assignment) -> Result<Claimed, StoreError> {
        let mut tx = self.write().await?;
        let t = claim_in(&mut tx, a).await?;
        tx.commit().await?;
        Ok(t)
    }

    /// The most urgent unassigned new or open ticket in `agent`'s queues (and their
    /// vendor's, for a BPO agent) that their skills cover, given to them in the same
    /// transaction with reason `next_ticket`. `None` when there is none.
    ///
    /// Two agents asking at once never get the same ticket: on PostgreSQL the pick skips
    /// rows another transaction has locked. Errors: [`StoreError::AtCapacity`].
    pub async fn next_ticket(
        &self,
        agent: UserId,
        actor: &Actor,
        at: Timestamp,
        ip: Option<&str>,
    ) -> Result<Option<Ticket>, StoreError> {
        let mut tx = self.write().await?;
        let skills = match lock_profile(&mut tx, agent).await? {
            Some(p) => {
                if load_of(&mut tx, agent).await? >= p.capacity {
                    return Err(StoreError::AtCapacity {
                        capacity: p.capacity,
                    });
                }
                p.skills
            }
            None => Skills::default(),
        };
        let queues = match scope_of(&mut tx, agent).await? {
            TicketScope::Nothing => return Ok(None),
            TicketScope::All => {
                tx.rows(
                    "SELECT queue_id FROM queue_members WHERE user_id = $1 ORDER BY queue_id",
                    &args![agent.0],
                )
                .await?
            }
            TicketScope::Vendor(v) => {
                tx.rows(
                    "SELECT m.queue_id FROM queue_members m JOIN queues q ON q.id = m.queue_id \
                     WHERE m.user_id = $1 AND q.vendor_id = $2 ORDER BY m.queue_id",
                    &args![agent.0, v.0],
                )
                .await?
            }
        };
        let (skill_sql, skill_values) = skill_filter(&skills, 2);
        let lock = match tx.engine() {
            Engine::Sqlite => "",
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        // One index walk per queue (each stops at its first skilled match), then the most
        // urgent of those: a single query over all the agent's queues would sort them all.
        let sql = format!(
            "SELECT id, sla_due_at, priority_rank FROM tickets WHERE queue_id = $1 \
             AND assignee_id IS NULL AND status IN ('new', 'open'){skill_sql} \
             ORDER BY sla_due_at, priority_rank, id LIMIT 1{lock}"
        );
        let mut best: Option<(i64, i64, i64)> = None;
        for queue in queues {
            let mut values: Vec<Value> = args![queue.i64("queue_id")?].to_vec();
            values.extend(skill_values.iter().cloned());
            if let Some(r) = tx.row(&sql, &values).await? {
                let key = (r.i64("sla_due_at")?, r.i64("priority_rank")?, r.i64("id")?);
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        }
        let Some((_, _, id)) = best else {
            return Ok(None);
        };
        let a = Assignment {
            ticket_id: TicketId(id),
            agent,
            reason: AssignReason::NextTicket,
            actor: actor.clone(),
            at,
            ip: ip.map(str::to_string),
        };
        let t = claim_in(&mut tx, &a).await?;
        tx.commit().await?;
        Ok(Some(t.ticket))
    }
}
