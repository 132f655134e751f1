//! Partner teams as admins keep them (`config_manage`): name, kind, calendar, response
//! targets per severity, members and escalation reasons. Every change is audited with a
//! `config_changed` event in its own transaction.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::UserId;
use paydesk_domain::escalation::{self, PartnerKind, ResponseTargets};
use paydesk_domain::id::PartnerTeamId;
use paydesk_domain::policy::Action;
use paydesk_store::{PartnerTeamSetting, StoreError, StoredPartnerTeam};
use serde_json::json;

/// A partner team as an admin sends it. `id` None creates one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerTeamInput {
    pub id: Option<PartnerTeamId>,
    pub expected_version: Option<i64>,
    pub name: String,
    pub kind: PartnerKind,
    pub calendar_id: Option<i64>,
    pub targets: ResponseTargets,
    pub is_active: bool,
    pub members: Vec<UserId>,
    /// The active reasons; reasons left out are retired (old escalations keep them).
    pub reasons: Vec<String>,
}

/// A domain refusal naming its field, as the field-level error forms point at.
fn field_error(e: paydesk_domain::DomainError) -> AppError {
    match e {
        paydesk_domain::DomainError::Invalid { field, reason } => AppError::invalid(field, reason),
        other => other.into(),
    }
}

/// At most this many reasons per team, and members.
pub const REASONS_MAX: usize = 50;
pub const MEMBERS_MAX: usize = 500;

impl App {
    /// Every partner team, for anyone who escalates, works escalations or keeps settings.
    /// Errors: [`AppError::Forbidden`].
    pub async fn partner_teams(&self, caller: &Caller) -> Result<Vec<StoredPartnerTeam>, AppError> {
        let allowed = [
            Action::EscalationCreate,
            Action::EscalationWork,
            Action::ConfigManage,
        ];
        if !allowed.iter().any(|a| caller.principal.may(*a)) {
            return Err(AppError::Forbidden {
                action: Action::EscalationCreate,
            });
        }
        Ok(self.store.partner_teams().await?)
    }

    /// One partner team. Errors as [`App::partner_teams`], [`AppError::NotFound`].
    pub async fn partner_team(
        &self,
        caller: &Caller,
        id: PartnerTeamId,
    ) -> Result<StoredPartnerTeam, AppError> {
        self.partner_teams(caller)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(AppError::NotFound {
                entity: "partner team",
            })
    }

    /// Creates or changes a partner team. Errors: [`AppError::Forbidden`],
    /// [`AppError::Invalid`] naming the field (name, targets, an unknown calendar or
    /// member, a reason), [`AppError::Duplicate`] for a name in use, version conflicts.
    pub async fn save_partner_team(
        &self,
        caller: &Caller,
        input: PartnerTeamInput,
    ) -> Result<StoredPartnerTeam, AppError> {
        caller.require(Action::ConfigManage)?;
        let name = escalation::team_name(&input.name).map_err(field_error)?;
        crate::tickets::refuse_unstorable("name", &name)?;
        let targets = input.targets.validated().map_err(field_error)?;
        if let Some(calendar) = input.calendar_id
            && !self
                .store
                .calendars()
                .await?
                .iter()
                .any(|c| c.id == calendar)
        {
            return Err(AppError::invalid(
                "calendar_id",
                format!("no calendar has id {calendar}; see /desk/admin/sla for calendars"),
            ));
        }
        if input.members.len() > MEMBERS_MAX {
            return Err(AppError::invalid(
                "members",
                format!("at most {MEMBERS_MAX} members"),
            ));
        }
        for member in &input.members {
            match self.store.user(*member).await {
                Ok(_) => {}
                Err(StoreError::NotFound { .. }) => {
                    return Err(AppError::invalid(
                        "members",
                        format!("no user has id {member}"),
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        if input.reasons.is_empty() || input.reasons.len() > REASONS_MAX {
            return Err(AppError::invalid(
                "reasons",
                format!("list between 1 and {REASONS_MAX} reasons to escalate to this team"),
            ));
        }
        let mut reasons = Vec::with_capacity(input.reasons.len());
        for raw in &input.reasons {
            let label = escalation::reason_label(raw)
                .map_err(|e| AppError::invalid("reasons", e.to_string()))?;
            crate::tickets::refuse_unstorable("reasons", &label)?;
            if !reasons.contains(&label) {
                reasons.push(label);
            }
        }
        let setting = PartnerTeamSetting {
            id: input.id,
            expected_version: input.expected_version,
            name,
            kind: input.kind,
            calendar_id: input.calendar_id,
            targets,
            is_active: input.is_active,
            members: input.members,
            reasons,
        };
        let event = self.config_event(
            caller,
            json!({
                "what": "partner_team",
                "change": if setting.id.is_some() { "updated" } else { "created" },
                "id": setting.id,
                "name": setting.name,
                "kind": setting.kind,
                "calendar_id": setting.calendar_id,
                "targets": setting.targets,
                "is_active": setting.is_active,
                "members": setting.members,
                "reasons": setting.reasons,
            }),
        );
        match self
            .store
            .save_partner_team(&setting, &event, self.now())
            .await
        {
            Err(StoreError::Duplicate) => Err(AppError::Duplicate(
                "a partner team with this name exists; choose another name".into(),
            )),
            Err(StoreError::VersionConflict { entity, expected }) => {
                Err(AppError::VersionConflict {
                    entity,
                    sent: expected,
                    current: expected + 1,
                })
            }
            other => Ok(other?),
        }
    }
}
