//! Agent profiles (skills, capacity, presence) and presence changes.
//!
//! A profile is what routing knows of an agent. Changing presence to offline hands the
//! agent's new and open tickets back to their queues in the same transaction, so they
//! become eligible for automatic assignment at once; each is recorded with reason
//! `agent_offline`.

use crate::error::StoreError;
use crate::sql::{Engine, Row, Tx};
use crate::{Store, args, event, ticket};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::routing::{
    AgentProfile, AssignReason, Candidate, Presence, Skills, routing_events,
};
use paydesk_domain::{Actor, TeamId, TicketId, Timestamp, UserId};
use serde_json::json;

pub(crate) const PROFILE_COLUMNS: &str = "p.user_id, p.team_id, p.tier, p.languages, p.business_lines, p.categories, \
     p.capacity, p.chat_capacity, p.presence, p.presence_at, p.calendar_id, p.last_assigned_at, p.version";

/// The open load of the agent in `p.user_id`: tickets new, open, pending or on hold.
pub(crate) const LOAD: &str = "(SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = p.user_id \
     AND t.status IN ('new', 'open', 'pending', 'on_hold')) AS load";

pub(crate) fn profile_from(row: &Row) -> Result<AgentProfile, StoreError> {
    Ok(AgentProfile {
        user_id: UserId(row.i64("user_id")?),
        skills: Skills {
            languages: row.json("languages")?,
            business_lines: row.json("business_lines")?,
            categories: row.json("categories")?,
            tier: row.label("tier")?,
        },
        capacity: row.i64("capacity")?,
        chat_capacity: row.i64("chat_capacity")?,
        presence: row.label("presence")?,
        presence_at: Timestamp(row.i64("presence_at")?),
        team_id: row.opt_i64("team_id")?.map(TeamId),
        calendar_id: row.opt_i64("calendar_id")?,
        last_assigned_at: row.opt_i64("last_assigned_at")?.map(Timestamp),
        version: row.i64("version")?,
    })
}

/// A profile read with [`LOAD`].
fn candidate_from(row: &Row) -> Result<Candidate, StoreError> {
    Ok(Candidate {
        profile: profile_from(row)?,
        load: row.i64("load")?,
    })
}

/// `FOR UPDATE` on PostgreSQL; nothing on SQLite, whose single writer already excludes
/// every other writer for the whole transaction.
pub(crate) fn for_update(tx: &Tx) -> &'static str {
    match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE",
    }
}

/// The agent's profile, locked until the transaction ends (PostgreSQL).
pub(crate) async fn lock_profile(
    tx: &mut Tx,
    user: UserId,
) -> Result<Option<AgentProfile>, StoreError> {
    let sql = format!(
        "SELECT {PROFILE_COLUMNS} FROM agent_profiles p WHERE p.user_id = $1{}",
        for_update(tx)
    );
    tx.row(&sql, &args![user.0])
        .await?
        .as_ref()
        .map(profile_from)
        .transpose()
}

/// Open tickets (new, open, pending, on hold) assigned to `user`.
pub(crate) async fn load_of(tx: &mut Tx, user: UserId) -> Result<i64, StoreError> {
    let row = tx
        .row(
            "SELECT COUNT(*) AS n FROM tickets WHERE assignee_id = $1 \
             AND status IN ('new', 'open', 'pending', 'on_hold')",
            &args![user.0],
        )
        .await?;
    row.map_or(Ok(0), |r| r.i64("n"))
}

fn json_list<T: serde::Serialize>(list: &[T]) -> Result<String, StoreError> {
    serde_json::to_string(list).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// One agent's profile with their load. Errors: [`StoreError::NotFound`].
    pub async fn agent_profile(&self, user: UserId) -> Result<Candidate, StoreError> {
        let mut tx = self.read().await?;
        let sql =
            format!("SELECT {PROFILE_COLUMNS}, {LOAD} FROM agent_profiles p WHERE p.user_id = $1");
        let row = tx
            .row(&sql, &args![user.0])
            .await?
            .ok_or(StoreError::NotFound { entity: "agent" })?;
        candidate_from(&row)
    }

    /// Every agent profile with its load, by user id. With `vendor`, only that vendor's people.
    pub async fn agent_profiles(
        &self,
        vendor: Option<paydesk_domain::VendorId>,
    ) -> Result<Vec<Candidate>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {PROFILE_COLUMNS}, {LOAD} FROM agent_profiles p JOIN users u ON u.id = p.user_id \
             WHERE ($1 IS NULL OR u.vendor_id = $1) ORDER BY p.user_id"
        );
        tx.rows(&sql, &args![vendor.map(|v| v.0)])
            .await?
            .iter()
            .map(candidate_from)
            .collect()
    }

    /// The active members of `queue` who have a profile, with their load: whom automatic
    /// assignment chooses from.
    pub async fn routing_candidates(
        &self,
        queue: paydesk_domain::QueueId,
    ) -> Result<Vec<Candidate>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {PROFILE_COLUMNS}, {LOAD} FROM agent_profiles p \
             JOIN queue_members m ON m.user_id = p.user_id JOIN users u ON u.id = p.user_id \
             WHERE m.queue_id = $1 AND u.is_active = 1 ORDER BY p.user_id"
        );
        tx.rows(&sql, &args![queue.0])
            .await?
            .iter()
            .map(candidate_from)
            .collect()
    }

    /// Creates or changes an agent's skills, capacity, team and calendar (presence and
    /// `last_assigned_at` are kept; a new profile starts offline). With `expected_version`,
    /// a profile changed meanwhile is refused with [`StoreError::VersionConflict`].
    /// `event` is appended in the same transaction. Errors: [`StoreError::MissingReference`]
    /// for an unknown user, team or calendar.
    pub async fn save_agent_profile(
        &self,
        profile: &AgentProfile,
        expected_version: Option<i64>,
        event: &NewEvent,
        at: Timestamp,
    ) -> Result<AgentProfile, StoreError> {
        let mut tx = self.write().await?;
        let current = lock_profile(&mut tx, profile.user_id).await?;
        let s = &profile.skills;
        let values = args![
            profile.user_id.0,
            profile.team_id.map(TeamId::get),
            s.tier.as_str(),
            json_list(&s.languages)?,
            json_list(&s.business_lines)?,
            json_list(&s.categories)?,
            profile.capacity,
            profile.chat_capacity,
            profile.calendar_id,
            at.0,
        ];
        match current {
            Some(c) => {
                if let Some(v) = expected_version.filter(|v| *v != c.version) {
                    return Err(StoreError::VersionConflict {
                        entity: "agent",
                        expected: v,
                    });
                }
                tx.exec(
                    "UPDATE agent_profiles SET team_id = $2, tier = $3, languages = $4, business_lines = $5, \
                     categories = $6, capacity = $7, chat_capacity = $8, calendar_id = $9, updated_at = $10, \
                     version = version + 1 WHERE user_id = $1",
                    &values,
                )
                .await?;
            }
            None => {
                tx.exec(
                    "INSERT INTO agent_profiles (user_id, team_id, tier, languages, business_lines, categories, \
                     capacity, chat_capacity, calendar_id, updated_at, presence, presence_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'offline', $10, 1)",
                    &values,
                )
                .await?;
            }
        }
        let saved = lock_profile(&mut tx, profile.user_id)
            .await?
            .ok_or(StoreError::NotFound { entity: "agent" })?;
        event::append(&mut tx, event, None).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Sets an agent's presence, recording a `presence_changed` event. Going offline hands
    /// the agent's new and open tickets back to their queues (unassigned, reason
    /// `agent_offline`), in the same transaction; returns those tickets.
    /// Errors: [`StoreError::NotFound`] when the user has no profile.
    pub async fn set_presence(
        &self,
        user: UserId,
        presence: Presence,
        actor: &Actor,
        at: Timestamp,
        ip: Option<&str>,
    ) -> Result<(AgentProfile, Vec<TicketId>), StoreError> {
        let mut tx = self.write().await?;
        let current = lock_profile(&mut tx, user)
            .await?
            .ok_or(StoreError::NotFound { entity: "agent" })?;
        let mut events = Vec::new();
        let mut released = Vec::new();
        if current.presence != presence {
            tx.exec(
                "UPDATE agent_profiles SET presence = $2, presence_at = $3, updated_at = $3, \
                 version = version + 1 WHERE user_id = $1",
                &args![user.0, presence.as_str(), at.0],
            )
            .await?;
            events.push(NewEvent {
                ticket_id: None,
                customer_id: None,
                actor: actor.clone(),
                at,
                kind: EventKind::PresenceChanged,
                data: json!({ "user_id": user, "from": current.presence, "to": presence }),
                ip: ip.map(str::to_string),
            });
        }
        if presence == Presence::Offline {
            let sql = format!(
                "SELECT id FROM tickets WHERE assignee_id = $1 \
                 AND status IN ('new', 'open', 'pending', 'on_hold') AND status IN ('new', 'open') \
                 ORDER BY sla_due_at, priority_rank, id{}",
                for_update(&tx)
            );
            let ids = tx
                .rows(&sql, &args![user.0])
                .await?
                .iter()
                .map(|r| r.i64("id").map(TicketId))
                .collect::<Result<Vec<_>, _>>()?;
            for id in ids {
                let before = ticket::load(&mut tx, id).await?;
                let mut after = before.clone();
                after.assignee_id = None;
                after.version += 1;
                after.updated_at = at;
                let mut changed =
                    routing_events(&before, &after, actor, at, AssignReason::AgentOffline);
                for e in &mut changed {
                    e.ip = ip.map(str::to_string);
                }
                let updated =
                    ticket::update_in(&mut tx, &after, before.version, &changed, None).await?;
                events.extend(changed);
                events.extend(updated.caused_events);
                released.push(id);
            }
        }
        let saved = lock_profile(&mut tx, user)
            .await?
            .ok_or(StoreError::NotFound { entity: "agent" })?;
        event::append_all(&mut tx, &events, None).await?;
        tx.commit().await?;
        Ok((saved, released))
    }
}
