//! Macros as stored: the macro itself with its usage count, and the one transaction that
//! applies a macro to a ticket (the ticket's change, its messages, the reply's email, the
//! usage count and the events, all or nothing).

use crate::error::StoreError;
use crate::outbound_mail::{self, NewOutboundMail};
use crate::sql::{Row, Tx, Value};
use crate::{Store, args, event, message, ticket};
use paydesk_domain::event::NewEvent;
use paydesk_domain::id::MacroId;
use paydesk_domain::macros::{Macro, MacroDraft, MacroReply, MacroScope};
use paydesk_domain::message::{Message, NewMessage};
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{TeamId, Timestamp, UserId};

const COLUMNS: &str = "id, title, description, reply_body, reply_visibility, actions, scope, owner_id, \
     team_id, is_active, usage_count, last_used_at, version, created_by, created_at, updated_at";

fn macro_from(row: &Row) -> Result<Macro, StoreError> {
    let scope = match row.text("scope")?.as_str() {
        "personal" => MacroScope::Personal {
            owner_id: UserId(
                row.opt_i64("owner_id")?
                    .ok_or_else(|| StoreError::Corrupt("personal macro without owner".into()))?,
            ),
        },
        "team" => MacroScope::Team {
            team_id: TeamId(
                row.opt_i64("team_id")?
                    .ok_or_else(|| StoreError::Corrupt("team macro without team".into()))?,
            ),
        },
        "shared" => MacroScope::Shared,
        other => return Err(StoreError::Corrupt(format!("macro scope '{other}'"))),
    };
    let reply = match (
        row.opt_text("reply_body")?,
        row.opt_text("reply_visibility")?,
    ) {
        (Some(body), Some(v)) => Some(MacroReply {
            body,
            visibility: v
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("macro reply visibility '{v}'")))?,
        }),
        _ => None,
    };
    Ok(Macro {
        id: MacroId(row.i64("id")?),
        title: row.text("title")?,
        description: row.opt_text("description")?,
        reply,
        actions: row.json("actions")?,
        scope,
        is_active: row.i64("is_active")? != 0,
        usage_count: row.i64("usage_count")?,
        last_used_at: row.opt_i64("last_used_at")?.map(Timestamp),
        version: row.i64("version")?,
        created_by: row.opt_i64("created_by")?.map(UserId),
        created_at: Timestamp(row.i64("created_at")?),
        updated_at: Timestamp(row.i64("updated_at")?),
    })
}

/// The columns a draft writes, in the order of `$1..$9`.
fn draft_values(d: &MacroDraft) -> Result<Vec<Value>, StoreError> {
    let actions =
        serde_json::to_string(&d.actions).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let (owner, team) = match d.scope {
        MacroScope::Personal { owner_id } => (Some(owner_id.0), None),
        MacroScope::Team { team_id } => (None, Some(team_id.0)),
        MacroScope::Shared => (None, None),
    };
    Ok(args![
        &d.title,
        d.description.as_deref(),
        d.reply.as_ref().map(|r| r.body.as_str()),
        d.reply.as_ref().map(|r| r.visibility.as_str()),
        actions,
        d.scope.kind(),
        owner,
        team,
        i64::from(d.is_active),
    ]
    .to_vec())
}

async fn load(tx: &mut Tx, id: MacroId) -> Result<Macro, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM macros WHERE id = $1");
    let row = tx
        .row(&sql, &args![id.0])
        .await?
        .ok_or(StoreError::NotFound { entity: "macro" })?;
    macro_from(&row)
}

/// Which macros a list holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MacroFilter {
    /// Personal macros of this person only (others' are never listed); `None`: no
    /// personal macros at all.
    pub owner_id: Option<UserId>,
    /// Team macros of these teams; `None`: every team's.
    pub team_ids: Option<Vec<TeamId>>,
    /// Words the title holds, case-insensitively.
    pub title: Option<String>,
    /// Also inactive macros.
    pub with_inactive: bool,
}

/// A macro applied to a ticket, as one write: the changed ticket (at `expected_version`
/// when read), its messages (the reply, then the note; either may be missing), the email
/// of a public reply, the events, and whose usage to count.
#[derive(Debug, Clone)]
pub struct MacroUse<'a> {
    pub macro_id: MacroId,
    pub ticket: &'a Ticket,
    pub expected_version: i64,
    pub events: &'a [NewEvent],
    pub messages: &'a [NewMessage],
    /// The email of the first message, when it is a reply the customer is sent.
    pub mail: Option<&'a NewOutboundMail>,
    pub at: Timestamp,
}

impl Store {
    /// Stores a new macro and its audit `event` in one transaction. Errors:
    /// [`StoreError::MissingReference`] when the owner or team does not exist.
    pub async fn insert_macro(
        &self,
        draft: &MacroDraft,
        created_by: Option<UserId>,
        at: Timestamp,
        event: &NewEvent,
    ) -> Result<Macro, StoreError> {
        let mut values = draft_values(draft)?;
        values.extend(args![created_by.map(UserId::get), at.0]);
        let mut tx = self.write().await?;
        let id = tx
            .insert_id(
                "INSERT INTO macros (title, description, reply_body, reply_visibility, actions, scope, \
                 owner_id, team_id, is_active, created_by, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1) RETURNING id",
                &values,
            )
            .await?;
        let stored = load(&mut tx, MacroId(id)).await?;
        let mut event = event.clone();
        event.data["macro_id"] = id.into();
        event::append(&mut tx, &event, None).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Replaces macro `id` with `draft` if it is still at `expected_version`, with its
    /// audit `event`. Usage counts stay. Errors: [`StoreError::NotFound`],
    /// [`StoreError::VersionConflict`], [`StoreError::MissingReference`].
    pub async fn update_macro(
        &self,
        id: MacroId,
        draft: &MacroDraft,
        expected_version: i64,
        at: Timestamp,
        event: &NewEvent,
    ) -> Result<Macro, StoreError> {
        let mut values = draft_values(draft)?;
        values.extend(args![at.0, id.0, expected_version]);
        let mut tx = self.write().await?;
        let touched = tx
            .exec(
                "UPDATE macros SET title = $1, description = $2, reply_body = $3, reply_visibility = $4, \
                 actions = $5, scope = $6, owner_id = $7, team_id = $8, is_active = $9, \
                 updated_at = $10, version = version + 1 WHERE id = $11 AND version = $12",
                &values,
            )
            .await?;
        if touched == 0 {
            load(&mut tx, id).await?;
            return Err(StoreError::VersionConflict {
                entity: "macro",
                expected: expected_version,
            });
        }
        let stored = load(&mut tx, id).await?;
        event::append(&mut tx, event, None).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Deletes macro `id` with its audit `event`. Errors: [`StoreError::NotFound`].
    pub async fn delete_macro(&self, id: MacroId, event: &NewEvent) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec("DELETE FROM macros WHERE id = $1", &args![id.0])
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "macro" });
        }
        event::append(&mut tx, event, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One macro. Errors: [`StoreError::NotFound`].
    pub async fn macro_by_id(&self, id: MacroId) -> Result<Macro, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// The shared macros, the team macros `filter` names and the owner's personal ones,
    /// most used first, then by title.
    pub async fn macros(&self, filter: &MacroFilter) -> Result<Vec<Macro>, StoreError> {
        let mut values: Vec<Value> = Vec::new();
        let mut scopes = vec!["scope = 'shared'".to_string()];
        if let Some(owner) = filter.owner_id {
            values.push(owner.0.into());
            scopes.push(format!(
                "(scope = 'personal' AND owner_id = ${})",
                values.len()
            ));
        }
        match &filter.team_ids {
            None => scopes.push("scope = 'team'".into()),
            Some(teams) if !teams.is_empty() => {
                let start = values.len() + 1;
                values.extend(teams.iter().map(|t| Value::from(t.0)));
                scopes.push(format!(
                    "(scope = 'team' AND team_id IN ({}))",
                    crate::sql::placeholders(start, teams.len())
                ));
            }
            Some(_) => {}
        }
        let mut sql = format!(
            "SELECT {COLUMNS} FROM macros WHERE ({})",
            scopes.join(" OR ")
        );
        if !filter.with_inactive {
            sql.push_str(" AND is_active = 1");
        }
        if let Some(words) = filter
            .title
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            let escaped = words
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            values.push(format!("%{escaped}%").into());
            sql.push_str(&format!(
                " AND LOWER(title) LIKE ${} ESCAPE '\\'",
                values.len()
            ));
        }
        sql.push_str(" ORDER BY usage_count DESC, title, id LIMIT 500");
        let mut tx = self.read().await?;
        tx.rows(&sql, &values)
            .await?
            .iter()
            .map(macro_from)
            .collect()
    }

    /// Applies a macro to a ticket in one transaction (see [`MacroUse`]): saves the ticket
    /// like [`Store::update_ticket`] with its first message (queuing its email when given),
    /// adds the other messages, counts the macro's use and appends the events. Returns the
    /// stored messages.
    ///
    /// Errors: [`StoreError::VersionConflict`] when the ticket changed since it was read,
    /// [`StoreError::NotFound`] when the macro was deleted meanwhile; nothing is written then.
    pub async fn apply_macro(&self, u: &MacroUse<'_>) -> Result<Vec<Message>, StoreError> {
        let mut tx = self.write().await?;
        let (first, rest) = match u.messages.split_first() {
            Some((first, rest)) => (Some(first), rest),
            None => (None, u.messages),
        };
        let mut stored = Vec::with_capacity(u.messages.len());
        let events: Vec<NewEvent>;
        match (first, u.mail) {
            (Some(m), Some(mail)) => {
                let reply = outbound_mail::reply_in(
                    &mut tx,
                    u.ticket,
                    u.expected_version,
                    u.events,
                    m,
                    Some(mail),
                    u.at,
                )
                .await?;
                stored.push(reply.message);
                events = reply.events;
            }
            (first, _) => {
                let updated =
                    ticket::update_in(&mut tx, u.ticket, u.expected_version, u.events, first)
                        .await?;
                stored.extend(updated.message);
                events = [u.events, &updated.caused_events].concat();
            }
        }
        for m in rest {
            stored.push(message::insert(&mut tx, u.ticket.id, m).await?);
        }
        let counted = tx
            .exec(
                "UPDATE macros SET usage_count = usage_count + 1, last_used_at = $2 WHERE id = $1",
                &args![u.macro_id.0, u.at.0],
            )
            .await?;
        if counted == 0 {
            return Err(StoreError::NotFound { entity: "macro" });
        }
        event::append_all(&mut tx, &events, None).await?;
        tx.commit().await?;
        Ok(stored)
    }
}

impl Store {
    /// Sets a macro's usage as counted elsewhere (a desk moved into paydesk, the demo).
    /// Errors: [`StoreError::NotFound`].
    pub async fn set_macro_usage(
        &self,
        id: MacroId,
        count: i64,
        last_used_at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec(
                "UPDATE macros SET usage_count = $2, last_used_at = $3 WHERE id = $1",
                &args![id.0, count, last_used_at.map(|t| t.0)],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "macro" });
        }
        tx.commit().await?;
        Ok(())
    }
}
