//! Agents' routing profiles (skills, capacity, team, calendar) and teams.

use super::refuse_labels;
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::policy::{Action, Principal, TicketScope};
use paydesk_domain::routing::{AgentProfile, Candidate, Presence, Skills, check_capacity};
use paydesk_domain::{TeamId, UserId};
use paydesk_store::{NewTeam, StoreError, Team};
use serde_json::json;

/// A profile as a lead sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentInput {
    pub skills: Skills,
    pub capacity: i64,
    pub chat_capacity: i64,
    pub team_id: Option<TeamId>,
    pub calendar_id: Option<i64>,
    /// If given, the profile must still be at this version.
    pub expected_version: Option<i64>,
}

impl App {
    /// Every agent profile with its open load (a BPO vendor's lead would see all; leads
    /// and admins only may list).
    pub async fn agents(&self, caller: &Caller) -> Result<Vec<Candidate>, AppError> {
        caller.require(Action::AgentRead)?;
        let vendor = match caller.ticket_scope() {
            TicketScope::Vendor(v) => Some(v),
            _ => None,
        };
        Ok(self.store.agent_profiles(vendor).await?)
    }

    /// One agent's profile with their load: leads and admins, and the agent themselves.
    /// Errors: [`AppError::NotFound`] when `user` has no profile.
    pub async fn agent(&self, caller: &Caller, user: UserId) -> Result<Candidate, AppError> {
        let is_self = matches!(caller.principal, Principal::User { id, .. } if id == user);
        if !is_self {
            caller.require(Action::AgentRead)?;
        }
        Ok(self.store.agent_profile(user).await?)
    }

    /// Creates or changes an agent's routing profile (presence is set on its own; a new
    /// profile starts offline). Errors: [`AppError::Invalid`] for a bad capacity or skill
    /// label, or an unknown team or calendar; [`AppError::NotFound`] for an unknown user;
    /// [`AppError::VersionConflict`].
    pub async fn save_agent(
        &self,
        caller: &Caller,
        user: UserId,
        input: AgentInput,
    ) -> Result<AgentProfile, AppError> {
        caller.require(Action::AgentManage)?;
        self.store.user(user).await?;
        refuse_labels("skills.languages", &input.skills.languages)?;
        refuse_labels("skills.categories", &input.skills.categories)?;
        let profile = AgentProfile {
            user_id: user,
            skills: input.skills.validated()?,
            capacity: check_capacity("capacity", input.capacity)?,
            chat_capacity: check_capacity("chat_capacity", input.chat_capacity)?,
            presence: Presence::Offline,
            presence_at: self.clock.now(),
            team_id: input.team_id,
            calendar_id: input.calendar_id,
            last_assigned_at: None,
            version: 1,
        };
        let event = self.config_event(
            caller,
            json!({ "what": "agent_profile", "user_id": user, "capacity": profile.capacity, "team_id": profile.team_id }),
        );
        let saved = self
            .store
            .save_agent_profile(&profile, input.expected_version, &event, self.clock.now())
            .await;
        match saved {
            Err(StoreError::VersionConflict { expected, .. }) => {
                let current = self.store.agent_profile(user).await?.profile.version;
                Err(AppError::VersionConflict {
                    entity: "agent",
                    sent: expected,
                    current,
                })
            }
            Err(StoreError::MissingReference) => Err(AppError::invalid(
                "team_id",
                "the team or calendar named does not exist",
            )),
            other => {
                self.want_routing();
                Ok(other?)
            }
        }
    }

    /// Every team, by name.
    pub async fn teams(&self, caller: &Caller) -> Result<Vec<Team>, AppError> {
        caller.require(Action::AgentRead)?;
        Ok(self.store.teams().await?)
    }

    /// Creates a team. Errors: [`AppError::Duplicate`] when the name is taken;
    /// [`AppError::Invalid`] for an empty name or an unknown vendor or calendar.
    pub async fn create_team(&self, caller: &Caller, mut team: NewTeam) -> Result<Team, AppError> {
        caller.require(Action::AgentManage)?;
        team.name = team.name.trim().to_string();
        if team.name.is_empty() || team.name.len() > 100 {
            return Err(AppError::invalid("name", "1-100 characters"));
        }
        refuse_labels("name", [&team.name])?;
        let event = self.config_event(
            caller,
            json!({ "what": "team", "change": "created", "kind": team.kind }),
        );
        match self
            .store
            .insert_team(&team, self.clock.now(), &event)
            .await
        {
            Err(StoreError::Duplicate) => Err(AppError::Duplicate(format!(
                "a team named {} already exists",
                team.name
            ))),
            Err(StoreError::MissingReference) => Err(AppError::invalid(
                "vendor_id",
                "the vendor or calendar named does not exist",
            )),
            other => Ok(other?),
        }
    }
}
