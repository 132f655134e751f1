//! Macro use cases: keep macros (personal ones by their owner with `macro_use`, team and
//! shared ones with `macro_manage`), list those a person may use, preview one on a ticket
//! and apply it (see [`apply`]).
//!
//! Every stored text passes the card-number redactor; every change to a macro is audited
//! as a `config_changed` event in the transaction that makes it.

mod apply;
mod facts;

pub use apply::{AppliedMacro, MacroPreview, PlannedChange, RenderedReply};

use crate::error::AppError;
use crate::tickets::{redacted, refuse_nul, refuse_unstorable};
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::id::MacroId;
use paydesk_domain::macros::{Macro, MacroAction, MacroDraft, MacroScope};
use paydesk_domain::policy::{Action, Principal};
use paydesk_domain::{TeamId, UserId};
use paydesk_store::{MacroFilter, StoreError};
use serde_json::json;

/// How a list of macros is narrowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MacroQuery {
    /// Words the title holds.
    pub title: Option<String>,
    /// Also inactive macros (the management page shows them).
    pub with_inactive: bool,
}

impl App {
    /// Creates a macro. A personal macro is its creator's own (`macro_use`); team and
    /// shared macros need `macro_manage`. Texts are redacted; placeholders are checked and
    /// unknown ones refused by name. Errors: [`AppError::Forbidden`], [`AppError::Invalid`].
    pub async fn create_macro(
        &self,
        caller: &Caller,
        draft: MacroDraft,
    ) -> Result<Macro, AppError> {
        let draft = self.checked_draft(caller, draft).await?;
        let now = self.clock.now();
        let event = macro_event(caller, now, "created", None, &draft);
        Ok(self
            .store
            .insert_macro(&draft, user_of(caller), now, &event)
            .await?)
    }

    /// Replaces macro `id` with `draft` if it is still at `expected_version` (when given).
    /// The caller must be allowed to keep both the macro as it was and as it will be.
    /// Errors: [`AppError::NotFound`] (also for another person's personal macro),
    /// [`AppError::Forbidden`], [`AppError::VersionConflict`], [`AppError::Invalid`].
    pub async fn update_macro(
        &self,
        caller: &Caller,
        id: MacroId,
        draft: MacroDraft,
        expected_version: Option<i64>,
    ) -> Result<Macro, AppError> {
        let current = self.visible_macro(caller, id).await?;
        self.require_keeper(caller, &current.scope)?;
        let draft = self.checked_draft(caller, draft).await?;
        let sent = expected_version.unwrap_or(current.version);
        if sent != current.version {
            return Err(version_conflict(sent, current.version));
        }
        let now = self.clock.now();
        let event = macro_event(caller, now, "updated", Some(id), &draft);
        match self.store.update_macro(id, &draft, sent, now, &event).await {
            Err(StoreError::VersionConflict { .. }) => {
                let now = self.store.macro_by_id(id).await?;
                Err(version_conflict(sent, now.version))
            }
            other => Ok(other?),
        }
    }

    /// Deletes macro `id`. Errors as [`App::update_macro`].
    pub async fn delete_macro(&self, caller: &Caller, id: MacroId) -> Result<(), AppError> {
        let current = self.visible_macro(caller, id).await?;
        self.require_keeper(caller, &current.scope)?;
        let event = NewEvent {
            ticket_id: None,
            customer_id: None,
            actor: caller.actor(),
            at: self.clock.now(),
            kind: EventKind::ConfigChanged,
            data: json!({ "macro": "deleted", "macro_id": id, "title": current.title }),
            ip: caller.ip.clone(),
        };
        Ok(self.store.delete_macro(id, &event).await?)
    }

    /// One macro the caller may use. Errors: [`AppError::NotFound`] for a macro that does
    /// not exist or that the caller may not see (another person's personal macro, another
    /// team's macro); [`AppError::Forbidden`] without `macro_use`.
    pub async fn macro_detail(&self, caller: &Caller, id: MacroId) -> Result<Macro, AppError> {
        self.visible_macro(caller, id).await
    }

    /// The macros the caller may use: shared ones, their team's and their own personal
    /// ones (with `macro_manage`, every team's), most used first. Errors:
    /// [`AppError::Forbidden`] without `macro_use`.
    pub async fn list_macros(
        &self,
        caller: &Caller,
        query: &MacroQuery,
    ) -> Result<Vec<Macro>, AppError> {
        caller.require(Action::MacroUse)?;
        let title = query
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if let Some(t) = title {
            refuse_nul("title", t)?;
        }
        let filter = MacroFilter {
            owner_id: user_of(caller),
            team_ids: self.teams_seen(caller).await?,
            title: title.map(str::to_string),
            with_inactive: query.with_inactive,
        };
        Ok(self.store.macros(&filter).await?)
    }

    /// The macro, if the caller may see it (see [`App::macro_detail`]).
    async fn visible_macro(&self, caller: &Caller, id: MacroId) -> Result<Macro, AppError> {
        caller.require(Action::MacroUse)?;
        let m = self.store.macro_by_id(id).await?;
        let seen = match m.scope {
            MacroScope::Shared => true,
            MacroScope::Personal { owner_id } => {
                user_of(caller) == Some(owner_id) || caller.principal == Principal::System
            }
            MacroScope::Team { team_id } => self
                .teams_seen(caller)
                .await?
                .is_none_or(|teams| teams.contains(&team_id)),
        };
        if seen {
            Ok(m)
        } else {
            Err(AppError::NotFound { entity: "macro" })
        }
    }

    /// The teams whose macros the caller sees: `None` for all (system, `macro_manage`),
    /// else the caller's own team, if any.
    async fn teams_seen(&self, caller: &Caller) -> Result<Option<Vec<TeamId>>, AppError> {
        if caller.principal.may(Action::MacroManage) {
            return Ok(None);
        }
        let Some(user) = user_of(caller) else {
            return Ok(Some(vec![]));
        };
        match self.store.agent_profile(user).await {
            Ok(c) => Ok(Some(c.profile.team_id.into_iter().collect())),
            Err(StoreError::NotFound { .. }) => Ok(Some(vec![])),
            Err(e) => Err(e.into()),
        }
    }

    /// Refuses unless the caller may keep a macro of `scope`: their own personal macro with
    /// `macro_use`, anything else with `macro_manage`.
    fn require_keeper(&self, caller: &Caller, scope: &MacroScope) -> Result<(), AppError> {
        match scope {
            MacroScope::Personal { owner_id }
                if user_of(caller) == Some(*owner_id) || caller.principal == Principal::System =>
            {
                caller.require(Action::MacroUse)
            }
            MacroScope::Personal { .. } => Err(AppError::Forbidden {
                action: Action::MacroManage,
            }),
            MacroScope::Team { .. } | MacroScope::Shared => caller.require(Action::MacroManage),
        }
    }

    /// Checks who may keep the draft, redacts its texts, validates it and its references.
    async fn checked_draft(
        &self,
        caller: &Caller,
        draft: MacroDraft,
    ) -> Result<MacroDraft, AppError> {
        caller.require(Action::MacroUse)?;
        self.require_keeper(caller, &draft.scope)?;
        let mut draft = draft.validated()?;
        let actor = caller.actor();
        let now = self.clock.now();
        // Masking events belong to tickets; a macro's masking is told by its own audit record.
        let mut ignored = Vec::new();
        refuse_nul("title", &draft.title)?;
        draft.title = redacted(&draft.title, "title", None, &actor, now, &mut ignored);
        if let Some(d) = &draft.description {
            refuse_nul("description", d)?;
            draft.description = Some(redacted(d, "description", None, &actor, now, &mut ignored));
        }
        if let Some(r) = &mut draft.reply {
            refuse_nul("reply.body", &r.body)?;
            r.body = redacted(&r.body, "reply.body", None, &actor, now, &mut ignored);
        }
        for (i, a) in draft.actions.iter_mut().enumerate() {
            match a {
                MacroAction::AddNote { body } => {
                    refuse_nul("actions.body", body)?;
                    *body = redacted(body, "actions.body", None, &actor, now, &mut ignored);
                }
                MacroAction::AddTags { tags }
                | MacroAction::RemoveTags { tags }
                | MacroAction::SetTags { tags } => {
                    for t in tags.iter() {
                        refuse_unstorable(&format!("actions[{i}].tags"), t)?;
                    }
                }
                MacroAction::SetCategory { category: Some(c) } => {
                    refuse_unstorable(&format!("actions[{i}].category"), c)?;
                }
                MacroAction::AssignTo { user_id } => self.check_assignee(i, *user_id).await?,
                _ => {}
            }
        }
        if let MacroScope::Team { team_id } = draft.scope
            && !self.store.teams().await?.iter().any(|t| t.id == team_id)
        {
            return Err(AppError::invalid("scope.team_id", "name an existing team"));
        }
        if let MacroScope::Personal { owner_id } = draft.scope {
            self.store
                .user(owner_id)
                .await
                .map_err(|_| AppError::invalid("scope.owner_id", "name an existing person"))?;
        }
        Ok(draft)
    }

    /// An assign action must name an active person.
    async fn check_assignee(&self, index: usize, user: UserId) -> Result<(), AppError> {
        match self.store.user(user).await {
            Ok(u) if u.is_active => Ok(()),
            Ok(_) | Err(StoreError::NotFound { .. }) => Err(AppError::invalid(
                format!("actions[{index}].user_id"),
                "name an active person to assign to",
            )),
            Err(e) => Err(e.into()),
        }
    }
}

fn user_of(caller: &Caller) -> Option<UserId> {
    match caller.principal {
        Principal::User { id, .. } => Some(id),
        _ => None,
    }
}

fn version_conflict(sent: i64, current: i64) -> AppError {
    AppError::VersionConflict {
        entity: "macro",
        sent,
        current,
    }
}

/// The audit record of a macro's creation or change: who, what, which scope.
fn macro_event(
    caller: &Caller,
    at: paydesk_domain::Timestamp,
    what: &str,
    id: Option<MacroId>,
    draft: &MacroDraft,
) -> NewEvent {
    NewEvent {
        ticket_id: None,
        customer_id: None,
        actor: caller.actor(),
        at,
        kind: EventKind::ConfigChanged,
        data: json!({
            "macro": what,
            "macro_id": id,
            "title": draft.title,
            "scope": draft.scope,
            "is_active": draft.is_active,
            "actions": draft.actions.iter().map(MacroAction::kind).collect::<Vec<_>>(),
        }),
        ip: caller.ip.clone(),
    }
}
