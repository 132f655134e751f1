//! Macros: named replies with placeholders, and the actions that come with them.
//!
//! A macro holds an optional reply (public or internal), actions applied in order (set
//! status, priority or category; add, remove or set tags; assign; add an internal note;
//! link an SOP) and a scope: personal to its owner, one team's, or shared by everybody.
//! [`MacroDraft::validated`] checks a macro before it is stored (lengths, placeholders,
//! tags); [`placeholder::render`] fills its texts from a ticket, never failing.

pub mod locale;
pub mod placeholder;
#[cfg(test)]
mod tests;

use crate::error::DomainError;
use crate::id::{MacroId, SopId, TeamId, UserId};
use crate::ticket::{Priority, Status};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The longest macro title, in characters.
pub const TITLE_MAX: usize = 120;
/// The longest description, in characters.
pub const DESCRIPTION_MAX: usize = 500;
/// The most actions one macro holds.
pub const ACTIONS_MAX: usize = 20;

/// Who sees and uses a macro.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MacroScope {
    /// Only its owner.
    Personal { owner_id: UserId },
    /// The members of one team.
    Team { team_id: TeamId },
    /// Everybody who may use macros.
    Shared,
}

impl MacroScope {
    /// `personal`, `team` or `shared`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Personal { .. } => "personal",
            Self::Team { .. } => "team",
            Self::Shared => "shared",
        }
    }
}

crate::label_enum!(
    /// Who reads a macro's reply.
    ReplyVisibility {
        /// Sent to the customer.
        Public = "public",
        /// Staff only.
        Internal = "internal",
    }
);

/// A macro's reply: its text with placeholders and who reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MacroReply {
    pub body: String,
    pub visibility: ReplyVisibility,
}

/// One thing a macro does to a ticket, besides its reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MacroAction {
    SetStatus {
        status: Status,
    },
    SetPriority {
        priority: Priority,
    },
    /// `None` clears the category.
    SetCategory {
        category: Option<String>,
    },
    AddTags {
        tags: Vec<String>,
    },
    RemoveTags {
        tags: Vec<String>,
    },
    /// Replaces all tags.
    SetTags {
        tags: Vec<String>,
    },
    /// Assigns the ticket to this person.
    AssignTo {
        user_id: UserId,
    },
    /// Assigns the ticket to the person applying the macro.
    AssignToMe,
    /// Adds an internal note; its text may hold placeholders.
    AddNote {
        body: String,
    },
    /// Links an SOP to the ticket.
    LinkSop {
        sop_id: SopId,
    },
}

impl MacroAction {
    /// The stable name of the action's kind (`set_status`, `add_note`, ...).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SetStatus { .. } => "set_status",
            Self::SetPriority { .. } => "set_priority",
            Self::SetCategory { .. } => "set_category",
            Self::AddTags { .. } => "add_tags",
            Self::RemoveTags { .. } => "remove_tags",
            Self::SetTags { .. } => "set_tags",
            Self::AssignTo { .. } => "assign_to",
            Self::AssignToMe => "assign_to_me",
            Self::AddNote { .. } => "add_note",
            Self::LinkSop { .. } => "link_sop",
        }
    }
}

/// A macro as a person writes it, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroDraft {
    pub title: String,
    pub description: Option<String>,
    pub reply: Option<MacroReply>,
    pub actions: Vec<MacroAction>,
    pub scope: MacroScope,
    pub is_active: bool,
}

/// A macro as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Macro {
    pub id: MacroId,
    pub title: String,
    pub description: Option<String>,
    pub reply: Option<MacroReply>,
    pub actions: Vec<MacroAction>,
    pub scope: MacroScope,
    pub is_active: bool,
    /// How many times it was applied.
    pub usage_count: i64,
    pub last_used_at: Option<Timestamp>,
    /// Grows with every edit; an edit naming an older one is refused.
    pub version: i64,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl MacroDraft {
    /// Checks and tidies a draft: a title of 1-120 characters, a description of at most
    /// 500, a reply or at least one action, at most 20 actions, texts within a message's
    /// size with known placeholders only, tags and categories as tickets take them.
    /// Errors name the field (`actions[2].tags`) and say what to change.
    pub fn validated(mut self) -> Result<Self, DomainError> {
        self.title = self.title.trim().to_string();
        if self.title.is_empty() || self.title.chars().count() > TITLE_MAX {
            return Err(DomainError::invalid(
                "title",
                format!("1 to {TITLE_MAX} characters, such as 'Refund issued'"),
            ));
        }
        placeholder::check("title", &self.title)?;
        self.description = self
            .description
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty());
        if let Some(d) = &self.description
            && d.chars().count() > DESCRIPTION_MAX
        {
            return Err(DomainError::invalid(
                "description",
                format!("at most {DESCRIPTION_MAX} characters"),
            ));
        }
        if let Some(reply) = &mut self.reply {
            reply.body = checked_text("reply.body", &reply.body)?;
        }
        if self.reply.is_none() && self.actions.is_empty() {
            return Err(DomainError::invalid(
                "reply",
                "a macro needs a reply or at least one action",
            ));
        }
        if self.actions.len() > ACTIONS_MAX {
            return Err(DomainError::invalid(
                "actions",
                format!("at most {ACTIONS_MAX} actions"),
            ));
        }
        for action in &mut self.actions {
            checked_action(action)?;
        }
        Ok(self)
    }
}

/// A reply or note text: not blank, within a message's size, known placeholders only.
fn checked_text(field: &'static str, text: &str) -> Result<String, DomainError> {
    if text.trim().is_empty() {
        return Err(DomainError::invalid(
            field,
            "must not be empty; leave the reply out instead",
        ));
    }
    if text.len() > crate::message::BODY_MAX {
        return Err(DomainError::invalid(
            field,
            format!("at most {} bytes", crate::message::BODY_MAX),
        ));
    }
    placeholder::check(field, text)?;
    Ok(text.to_string())
}

fn checked_action(action: &mut MacroAction) -> Result<(), DomainError> {
    use crate::ticket::normalize_tags;
    match action {
        MacroAction::AddTags { tags } | MacroAction::RemoveTags { tags } => {
            if tags.is_empty() {
                return Err(DomainError::invalid(
                    "actions.tags",
                    "name at least one tag",
                ));
            }
            *tags = normalize_tags(tags)?;
        }
        MacroAction::SetTags { tags } => *tags = normalize_tags(tags)?,
        MacroAction::SetCategory { category } => {
            let trimmed = category
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            if let Some(c) = &trimmed
                && c.chars().count() > 64
            {
                return Err(DomainError::invalid(
                    "actions.category",
                    "at most 64 characters",
                ));
            }
            *category = trimmed;
        }
        MacroAction::AddNote { body } => *body = checked_text("actions.body", body)?,
        MacroAction::SetStatus { .. }
        | MacroAction::SetPriority { .. }
        | MacroAction::AssignTo { .. }
        | MacroAction::AssignToMe
        | MacroAction::LinkSop { .. } => {}
    }
    Ok(())
}

/// The tags a ticket holding `current` ends with after `action`, or `None` when the
/// action does not touch tags.
#[must_use]
pub fn tags_after(current: &[String], action: &MacroAction) -> Option<Vec<String>> {
    let mut tags = current.to_vec();
    match action {
        MacroAction::AddTags { tags: add } => {
            for t in add {
                if !tags.contains(t) {
                    tags.push(t.clone());
                }
            }
        }
        MacroAction::RemoveTags { tags: remove } => tags.retain(|t| !remove.contains(t)),
        MacroAction::SetTags { tags: set } => tags.clone_from(set),
        _ => return None,
    }
    tags.sort();
    tags.dedup();
    Some(tags)
}

/// Checks an IANA time zone name (`Europe/Madrid`) against the bundled database.
pub fn valid_time_zone(name: &str) -> Result<String, DomainError> {
    let name = name.trim();
    match jiff::tz::TimeZone::get(name) {
        Ok(_) if !name.is_empty() => Ok(name.to_string()),
        _ => Err(DomainError::invalid(
            "time_zone",
            format!(
                "'{name}' is not an IANA time zone; use a name such as 'Europe/Madrid' or 'Asia/Manila'"
            ),
        )),
    }
}

/// The time zone a customer's dates are written in: their own `time_zone` when set;
/// otherwise the zone of their country where the country has one (`PH` → Asia/Manila);
/// otherwise UTC. Never fails: an unknown stored name falls back the same way.
#[must_use]
pub fn customer_time_zone(time_zone: Option<&str>, country: Option<&str>) -> jiff::tz::TimeZone {
    let own = time_zone.and_then(|n| jiff::tz::TimeZone::get(n).ok());
    own.or_else(|| {
        country
            .and_then(country_time_zone)
            .and_then(|n| jiff::tz::TimeZone::get(n).ok())
    })
    .unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The one time zone most of a country's people live in, for the countries the desk
/// serves; `None` for a country spanning several where no single one is right.
#[must_use]
pub fn country_time_zone(country: &str) -> Option<&'static str> {
    Some(match country.trim().to_ascii_uppercase().as_str() {
        "PH" => "Asia/Manila",
        "ID" => "Asia/Jakarta",
        "DE" => "Europe/Berlin",
        "ES" => "Europe/Madrid",
        "FR" => "Europe/Paris",
        "GB" | "UK" => "Europe/London",
        "IE" => "Europe/Dublin",
        "IT" => "Europe/Rome",
        "NL" => "Europe/Amsterdam",
        "PT" => "Europe/Lisbon",
        "CO" => "America/Bogota",
        "MX" => "America/Mexico_City",
        "BR" => "America/Sao_Paulo",
        "AR" => "America/Argentina/Buenos_Aires",
        "JP" => "Asia/Tokyo",
        "IN" => "Asia/Kolkata",
        "SG" => "Asia/Singapore",
        _ => return None,
    })
}

/// The placeholders a macro's texts use (reply and notes), in order of first use.
#[must_use]
pub fn placeholders_of(m: &Macro) -> Vec<placeholder::Placeholder> {
    let mut all = Vec::new();
    let texts = m
        .reply
        .iter()
        .map(|r| r.body.as_str())
        .chain(m.actions.iter().filter_map(|a| match a {
            MacroAction::AddNote { body } => Some(body.as_str()),
            _ => None,
        }));
    for t in texts {
        for p in placeholder::used(t) {
            if !all.contains(&p) {
                all.push(p);
            }
        }
    }
    all
}
