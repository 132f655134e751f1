//! The macro form of `/desk/macros` as sent and as shown: plain text fields, read into a
//! [`MacroDraft`] with one sentence per thing to fix.

use paydesk_domain::id::SopId;
use paydesk_domain::macros::{
    Macro, MacroAction, MacroDraft, MacroReply, MacroScope, ReplyVisibility,
};
use paydesk_domain::ticket::{Priority, Status};
use paydesk_domain::{TeamId, UserId};
use serde::Deserialize;

/// The form's fields, kept as typed so a refused save shows them again.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MacroForm {
    pub title: String,
    pub description: String,
    /// `none`, `public` or `internal`.
    pub reply_visibility: String,
    pub reply_body: String,
    /// `personal`, `shared` or `team:<id>`.
    pub scope: String,
    /// A status to set, or empty.
    pub status: String,
    /// A priority to set, or empty.
    pub priority: String,
    /// A category to set, or empty to leave it.
    pub category: String,
    /// Comma-separated tags to add.
    pub tags_add: String,
    /// Comma-separated tags to remove.
    pub tags_remove: String,
    /// Empty, `me` or a person's id.
    pub assign: String,
    pub note: String,
    pub sop_id: String,
    /// `on` when ticked.
    pub is_active: String,
    /// The macro's version the form was shown at (editing only).
    pub version: String,
}

fn tag_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

impl MacroForm {
    /// The empty form of a new macro: a public reply, personal, switched on.
    #[must_use]
    pub fn new_macro() -> Self {
        Self {
            reply_visibility: "public".into(),
            scope: "personal".into(),
            is_active: "on".into(),
            ..Self::default()
        }
    }

    /// The form filled in with `m`, to edit it.
    #[must_use]
    pub fn of(m: &Macro) -> Self {
        let mut f = Self {
            title: m.title.clone(),
            description: m.description.clone().unwrap_or_default(),
            reply_visibility: m
                .reply
                .as_ref()
                .map_or("none", |r| r.visibility.as_str())
                .into(),
            reply_body: m.reply.as_ref().map(|r| r.body.clone()).unwrap_or_default(),
            scope: match m.scope {
                MacroScope::Personal { .. } => "personal".into(),
                MacroScope::Shared => "shared".into(),
                MacroScope::Team { team_id } => format!("team:{team_id}"),
            },
            is_active: if m.is_active {
                "on".into()
            } else {
                String::new()
            },
            version: m.version.to_string(),
            ..Self::default()
        };
        for a in &m.actions {
            match a {
                MacroAction::SetStatus { status } => f.status = status.as_str().into(),
                MacroAction::SetPriority { priority } => f.priority = priority.as_str().into(),
                MacroAction::SetCategory { category } => {
                    f.category = category.clone().unwrap_or_default();
                }
                MacroAction::AddTags { tags } | MacroAction::SetTags { tags } => {
                    f.tags_add = tags.join(", ");
                }
                MacroAction::RemoveTags { tags } => f.tags_remove = tags.join(", "),
                MacroAction::AssignTo { user_id } => f.assign = user_id.to_string(),
                MacroAction::AssignToMe => f.assign = "me".into(),
                MacroAction::AddNote { body } => f.note.clone_from(body),
                MacroAction::LinkSop { sop_id } => f.sop_id = sop_id.to_string(),
            }
        }
        f
    }

    /// The version to save at, when the form was shown to edit a macro.
    #[must_use]
    pub fn version(&self) -> Option<i64> {
        self.version.trim().parse().ok()
    }

    /// The draft the form describes (a personal macro is `me`'s), or one sentence per
    /// field to fix. The rest (lengths, placeholders) is checked when it is saved.
    pub fn draft(&self, me: UserId) -> Result<MacroDraft, Vec<String>> {
        let mut errors = Vec::new();
        let reply = match self.reply_visibility.as_str() {
            "none" | "" => None,
            v => match v.parse::<ReplyVisibility>() {
                Ok(visibility) => Some(MacroReply {
                    body: self.reply_body.clone(),
                    visibility,
                }),
                Err(_) => {
                    errors.push("Choose who reads the reply, or no reply.".into());
                    None
                }
            },
        };
        let scope = match self.scope.as_str() {
            "personal" => MacroScope::Personal { owner_id: me },
            "shared" => MacroScope::Shared,
            other => match other.strip_prefix("team:").and_then(|t| t.parse().ok()) {
                Some(id) => MacroScope::Team {
                    team_id: TeamId(id),
                },
                None => {
                    errors.push("Choose who the macro is for: you, a team or everybody.".into());
                    MacroScope::Personal { owner_id: me }
                }
            },
        };
        let mut actions = Vec::new();
        if !self.status.is_empty() {
            match self.status.parse::<Status>() {
                Ok(status) => actions.push(MacroAction::SetStatus { status }),
                Err(_) => errors.push("Choose a status from the list.".into()),
            }
        }
        if !self.priority.is_empty() {
            match self.priority.parse::<Priority>() {
                Ok(priority) => actions.push(MacroAction::SetPriority { priority }),
                Err(_) => errors.push("Choose a priority from the list.".into()),
            }
        }
        if !self.category.trim().is_empty() {
            actions.push(MacroAction::SetCategory {
                category: Some(self.category.trim().into()),
            });
        }
        let add = tag_list(&self.tags_add);
        if !add.is_empty() {
            actions.push(MacroAction::AddTags { tags: add });
        }
        let remove = tag_list(&self.tags_remove);
        if !remove.is_empty() {
            actions.push(MacroAction::RemoveTags { tags: remove });
        }
        match self.assign.trim() {
            "" => {}
            "me" => actions.push(MacroAction::AssignToMe),
            id => match id.parse() {
                Ok(id) => actions.push(MacroAction::AssignTo {
                    user_id: UserId(id),
                }),
                Err(_) => errors.push("Choose who to assign the ticket to.".into()),
            },
        }
        if !self.note.trim().is_empty() {
            actions.push(MacroAction::AddNote {
                body: self.note.clone(),
            });
        }
        if !self.sop_id.trim().is_empty() {
            match self.sop_id.trim().parse() {
                Ok(id) => actions.push(MacroAction::LinkSop { sop_id: SopId(id) }),
                Err(_) => errors.push("An SOP is named by its number, such as 12.".into()),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(MacroDraft {
            title: self.title.clone(),
            description: Some(self.description.clone()),
            reply,
            actions,
            scope,
            is_active: self.is_active == "on",
        })
    }
}
