//! The JSON shapes of `/macros` and of previewing and applying a macro on a ticket.

use super::dto::TicketOut;
use crate::error::ApiError;
use crate::time::format;
use paydesk_app::Caller;
use paydesk_app::macros::{AppliedMacro, MacroPreview};
use paydesk_domain::TeamId;
use paydesk_domain::macros::placeholder::Placeholder;
use paydesk_domain::macros::{
    Macro, MacroAction, MacroDraft, MacroReply, MacroScope, placeholders_of,
};
use paydesk_domain::policy::Principal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// Who a macro is for: `personal` (yours), `team` (with `team_id`) or `shared`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeIn {
    /// `personal`, `team` or `shared`.
    pub kind: String,
    #[serde(default)]
    pub team_id: Option<i64>,
}

/// A macro to create, or to put in place of one (send the `version` you read).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MacroIn {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The reply, with placeholders such as `{{customer.first_name}}`; leave out for none.
    #[serde(default)]
    pub reply: Option<MacroReply>,
    /// Run in order after the reply.
    #[serde(default)]
    pub actions: Vec<MacroAction>,
    pub scope: ScopeIn,
    #[serde(default = "yes")]
    pub is_active: bool,
    /// On a change: the version you read; a macro changed since answers 409.
    #[serde(default)]
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

impl MacroIn {
    /// The draft this body describes; a personal macro belongs to the caller.
    pub fn into_draft(self, caller: &Caller) -> Result<(MacroDraft, Option<i64>), ApiError> {
        let scope = match (self.scope.kind.as_str(), self.scope.team_id) {
            ("personal", None) => match caller.principal {
                Principal::User { id, .. } => MacroScope::Personal { owner_id: id },
                _ => {
                    return Err(ApiError::new(
                        "invalid_field",
                        "personal macros belong to a person; sign in, or make it a team or shared macro",
                    )
                    .with_field("scope.kind"));
                }
            },
            ("team", Some(id)) => MacroScope::Team {
                team_id: TeamId(id),
            },
            ("shared", None) => MacroScope::Shared,
            ("team", None) => {
                return Err(
                    ApiError::new("invalid_field", "a team macro needs its team_id")
                        .with_field("scope.team_id"),
                );
            }
            _ => {
                return Err(ApiError::new(
                    "invalid_field",
                    "kind is personal, team (with team_id) or shared; only team takes a team_id",
                )
                .with_field("scope"));
            }
        };
        Ok((
            MacroDraft {
                title: self.title,
                description: self.description,
                reply: self.reply,
                actions: self.actions,
                scope,
                is_active: self.is_active,
            },
            self.version,
        ))
    }
}

/// A macro.
#[derive(Debug, Serialize, ToSchema)]
pub struct MacroOut {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub reply: Option<MacroReply>,
    pub actions: Vec<MacroAction>,
    pub scope: MacroScope,
    pub is_active: bool,
    /// How many times it was applied.
    pub usage_count: i64,
    pub last_used_at: Option<String>,
    /// The placeholders its texts use.
    pub placeholders: Vec<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Macro> for MacroOut {
    fn from(m: &Macro) -> Self {
        Self {
            id: m.id.0,
            title: m.title.clone(),
            description: m.description.clone(),
            reply: m.reply.clone(),
            actions: m.actions.clone(),
            scope: m.scope,
            is_active: m.is_active,
            usage_count: m.usage_count,
            last_used_at: m.last_used_at.map(format),
            placeholders: placeholders_of(m)
                .iter()
                .map(|p| p.as_str().to_string())
                .collect(),
            version: m.version,
            created_at: format(m.created_at),
            updated_at: format(m.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MacroList {
    pub items: Vec<MacroOut>,
}

/// One change a macro makes to the ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeOut {
    /// A ticket field (`status`, `tags`, ...), `note` or `sop`.
    pub field: String,
    #[schema(value_type = Object)]
    pub from: Value,
    #[schema(value_type = Object)]
    pub to: Value,
}

/// The reply as the customer (or staff, for an internal one) will read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RenderedReplyOut {
    pub body: String,
    pub visibility: paydesk_domain::macros::ReplyVisibility,
}

/// What applying the macro does to this ticket, worked out without writing anything.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewOut {
    pub macro_id: i64,
    pub title: String,
    pub ticket_number: String,
    /// Send it back as `version` when applying.
    pub ticket_version: i64,
    pub reply: Option<RenderedReplyOut>,
    pub note: Option<String>,
    pub changes: Vec<ChangeOut>,
    /// Placeholders this ticket has no value for; they read as `[... unknown]` markers.
    pub missing: Vec<String>,
    /// Why applying would be refused now, if it would.
    pub blockers: Vec<String>,
}

impl From<&MacroPreview> for PreviewOut {
    fn from(p: &MacroPreview) -> Self {
        Self {
            macro_id: p.macro_id.0,
            title: p.title.clone(),
            ticket_number: paydesk_domain::ticket::ticket_number(p.ticket_id),
            ticket_version: p.ticket_version,
            reply: p.reply.as_ref().map(|r| RenderedReplyOut {
                body: r.body.clone(),
                visibility: r.visibility,
            }),
            note: p.note.clone(),
            changes: p
                .changes
                .iter()
                .map(|c| ChangeOut {
                    field: c.field.clone(),
                    from: c.from.clone(),
                    to: c.to.clone(),
                })
                .collect(),
            missing: p
                .missing
                .iter()
                .map(|m| Placeholder::as_str(*m).into())
                .collect(),
            blockers: p.blockers.clone(),
        }
    }
}

/// Applying a macro: the ticket version you previewed.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyIn {
    /// The ticket version you read; a ticket changed since answers 409.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A macro applied: the ticket as it now is and what changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppliedOut {
    pub ticket: TicketOut,
    pub applied: PreviewOut,
}

impl From<&AppliedMacro> for AppliedOut {
    fn from(a: &AppliedMacro) -> Self {
        Self {
            ticket: (&a.ticket).into(),
            applied: (&a.preview).into(),
        }
    }
}
