//! Actions: what a rule does when it fires, checked at save, and their effect on the facts
//! later rules in the same pass see.

use super::error::RuleError;
use super::facts::TicketFacts;
use crate::id::{MacroId, PartnerTeamId, QueueId, UserId};
use crate::ticket::{Priority, Status, normalize_tag};
use serde::{Deserialize, Serialize};

/// Who a notification goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum NotifyTarget {
    /// The ticket's assignee (nobody when unassigned).
    Assignee,
    /// A staff member.
    User { user_id: UserId },
    /// Any address.
    Email { address: String },
}

/// One step of a rule, run in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    SetStatus {
        status: Status,
    },
    SetPriority {
        priority: Priority,
    },
    /// `null` clears the category.
    SetCategory {
        category: Option<String>,
    },
    AddTags {
        tags: Vec<String>,
    },
    RemoveTags {
        tags: Vec<String>,
    },
    /// `null` unassigns.
    Assign {
        user_id: Option<UserId>,
    },
    MoveToQueue {
        queue_id: QueueId,
    },
    Escalate {
        team_id: PartnerTeamId,
        reason: String,
        severity: String,
        summary: String,
        question: String,
    },
    Notify {
        to: NotifyTarget,
        subject: String,
        text: String,
    },
    SendMacro {
        macro_id: MacroId,
    },
    AddNote {
        text: String,
    },
    CallWebhook {
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secret: Option<String>,
    },
}

fn text(path: &str, field: &str, value: &str, max: usize) -> Result<(), RuleError> {
    let n = value.trim().chars().count();
    if n == 0 || n > max {
        return Err(RuleError::new(
            "invalid_value",
            format!("{path}.{field}"),
            format!("needs a text of 1 to {max} characters"),
        ));
    }
    Ok(())
}

impl Action {
    /// The action's `type`, as written in the rule.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SetStatus { .. } => "set_status",
            Self::SetPriority { .. } => "set_priority",
            Self::SetCategory { .. } => "set_category",
            Self::AddTags { .. } => "add_tags",
            Self::RemoveTags { .. } => "remove_tags",
            Self::Assign { .. } => "assign",
            Self::MoveToQueue { .. } => "move_to_queue",
            Self::Escalate { .. } => "escalate",
            Self::Notify { .. } => "notify",
            Self::SendMacro { .. } => "send_macro",
            Self::AddNote { .. } => "add_note",
            Self::CallWebhook { .. } => "call_webhook",
        }
    }

    /// Checks the action is complete and its texts and addresses make sense.
    ///
    /// # Errors
    ///
    /// `invalid_value` naming the field, or `invalid_status` for a rule that would close.
    pub fn validate(&self, path: &str) -> Result<(), RuleError> {
        match self {
            Self::SetStatus { status } if *status == Status::New || *status == Status::Closed => {
                Err(RuleError::new(
                    "invalid_value",
                    format!("{path}.status"),
                    "a rule can set open, pending, on_hold or solved",
                ))
            }
            Self::SetCategory {
                category: Some(category),
            } => text(path, "category", category, 100),
            Self::AddTags { tags } | Self::RemoveTags { tags } => {
                if tags.is_empty() {
                    return Err(RuleError::new(
                        "invalid_value",
                        format!("{path}.tags"),
                        "name at least one tag",
                    ));
                }
                for tag in tags {
                    normalize_tag(tag).map_err(|e| {
                        RuleError::new("invalid_value", format!("{path}.tags"), e.to_string())
                    })?;
                }
                Ok(())
            }
            Self::Escalate {
                reason,
                severity,
                summary,
                question,
                ..
            } => {
                text(path, "reason", reason, 200)?;
                text(path, "severity", severity, 40)?;
                text(path, "summary", summary, 2_000)?;
                text(path, "question", question, 2_000)
            }
            Self::Notify {
                to,
                subject,
                text: body,
            } => {
                if let NotifyTarget::Email { address } = to
                    && !looks_like_email(address)
                {
                    return Err(RuleError::new(
                        "invalid_value",
                        format!("{path}.to.address"),
                        "give an email address like lead@example.com",
                    ));
                }
                text(path, "subject", subject, 200)?;
                text(path, "text", body, 10_000)
            }
            Self::AddNote { text: body } => text(path, "text", body, 10_000),
            Self::CallWebhook { url, secret } => {
                if !(url.starts_with("https://") || url.starts_with("http://"))
                    || url.len() > 2_000
                    || url.chars().any(char::is_whitespace)
                {
                    return Err(RuleError::new(
                        "invalid_value",
                        format!("{path}.url"),
                        "give an http:// or https:// address without spaces",
                    ));
                }
                match secret {
                    Some(s) => text(path, "secret", s, 200),
                    None => Ok(()),
                }
            }
            Self::SetStatus { .. }
            | Self::SetPriority { .. }
            | Self::SetCategory { category: None }
            | Self::Assign { .. }
            | Self::MoveToQueue { .. }
            | Self::SendMacro { .. } => Ok(()),
        }
    }

    /// Applies the action's effect to the facts; returns whether a ticket field changed.
    /// Actions that only send or record (notify, note, webhook, macro) change nothing here.
    pub fn apply(&self, facts: &mut TicketFacts) -> bool {
        let t = &mut facts.ticket;
        match self {
            Self::SetStatus { status } => replace(&mut t.status, *status),
            Self::SetPriority { priority } => replace(&mut t.priority, *priority),
            Self::SetCategory { category } => replace(&mut t.category, category.clone()),
            Self::AddTags { tags } => {
                let mut changed = false;
                for tag in tags.iter().filter_map(|t| normalize_tag(t).ok()) {
                    if !t.tags.contains(&tag) {
                        t.tags.push(tag);
                        changed = true;
                    }
                }
                t.tags.sort();
                changed
            }
            Self::RemoveTags { tags } => {
                let before = t.tags.len();
                let gone: Vec<String> = tags.iter().filter_map(|t| normalize_tag(t).ok()).collect();
                t.tags.retain(|tag| !gone.contains(tag));
                t.tags.len() != before
            }
            Self::Assign { user_id } => replace(&mut t.assignee_id, *user_id),
            Self::MoveToQueue { queue_id } => replace(&mut t.queue_id, Some(*queue_id)),
            Self::Escalate { .. } => {
                facts.escalation.is_open = true;
                false
            }
            Self::Notify { .. }
            | Self::SendMacro { .. }
            | Self::AddNote { .. }
            | Self::CallWebhook { .. } => false,
        }
    }
}

fn replace<T: PartialEq>(slot: &mut T, value: T) -> bool {
    if *slot == value {
        false
    } else {
        *slot = value;
        true
    }
}

fn looks_like_email(address: &str) -> bool {
    let address = address.trim();
    address.len() <= 254
        && !address.chars().any(char::is_whitespace)
        && address
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}
