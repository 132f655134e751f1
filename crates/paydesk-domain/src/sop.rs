//! The SOP library: versioned procedures with steps and checklists, followed on tickets.
//!
//! An SOP is a procedure with an owner, links (categories, business lines, card network
//! reason codes) and numbered versions. Each version moves draft → in review → published →
//! retired; publishing one retires the version published before it, and every version
//! that was ever published stays readable. The body is Markdown: its numbered items and
//! checklist items are the steps an agent ticks on a ticket ([`steps`]); the console shows
//! it as HTML with raw HTML escaped ([`render`]).
//!
//! Four eyes: whoever wrote a version may not publish it (see [`check_move`]).

pub mod render;
pub mod steps;
#[cfg(test)]
mod tests;

pub use render::to_safe_html;
pub use steps::{Step, StepKind, parse_steps};

use crate::policy::Action;
use crate::ticket::BusinessLine;
use crate::{DomainError, Timestamp, UserId};
use serde::{Deserialize, Serialize};

/// The longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest body, in bytes.
pub const BODY_MAX: usize = 64 * 1024;
/// The most steps one version may have.
pub const STEPS_MAX: usize = 100;
/// The most links of one kind.
pub const LINKS_MAX: usize = 50;

crate::label_enum!(
    /// Where a version of an SOP stands.
    VersionStatus {
        /// Being written; only drafts change.
        Draft = "draft",
        /// Sent for review; a publisher publishes it or sends it back.
        InReview = "in_review",
        /// The version agents follow; at most one per SOP.
        Published = "published",
        /// Once published, now replaced or withdrawn; still readable.
        Retired = "retired",
    }
);

crate::label_enum!(
    /// A move of a version from one status to another.
    VersionMove {
        /// Draft → in review.
        Submit = "submit",
        /// In review → draft (changes wanted).
        Return = "return",
        /// In review → published (retires the version published before).
        Publish = "publish",
        /// Published → retired.
        Retire = "retire",
    }
);

impl VersionMove {
    /// The status a version must be in for this move, and the one it ends in.
    #[must_use]
    pub fn statuses(self) -> (VersionStatus, VersionStatus) {
        match self {
            Self::Submit => (VersionStatus::Draft, VersionStatus::InReview),
            Self::Return => (VersionStatus::InReview, VersionStatus::Draft),
            Self::Publish => (VersionStatus::InReview, VersionStatus::Published),
            Self::Retire => (VersionStatus::Published, VersionStatus::Retired),
        }
    }

    /// The permission the move needs: writers submit, publishers return, publish, retire.
    #[must_use]
    pub fn action(self) -> Action {
        match self {
            Self::Submit => Action::SopWrite,
            Self::Return | Self::Publish | Self::Retire => Action::SopPublish,
        }
    }
}

/// Why a version may not move.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    /// The version is not in the status the move starts from.
    #[error("version {version} is {status}; only a {needed} version can be {done}")]
    WrongStatus {
        version: i64,
        status: &'static str,
        needed: &'static str,
        done: &'static str,
    },
    /// The author tried to publish their own version.
    #[error(
        "you wrote version {version}; another publisher must review and publish it (four eyes)"
    )]
    OwnVersion { version: i64 },
}

impl MoveError {
    /// The stable code of this failure.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongStatus { .. } => "sop_version_state",
            Self::OwnVersion { .. } => "sop_own_version",
        }
    }
}

/// Whether `mover` may make `step` on version `version` (in `status`, written by
/// `author`), and the status it ends in. Permissions are checked by the caller.
///
/// # Errors
/// [`MoveError::WrongStatus`]; [`MoveError::OwnVersion`] when the author publishes.
pub fn check_move(
    step: VersionMove,
    version: i64,
    status: VersionStatus,
    author: Option<UserId>,
    mover: Option<UserId>,
) -> Result<VersionStatus, MoveError> {
    let (from, to) = step.statuses();
    if status != from {
        return Err(MoveError::WrongStatus {
            version,
            status: status.as_str(),
            needed: from.as_str(),
            done: match step {
                VersionMove::Submit => "submitted",
                VersionMove::Return => "returned",
                VersionMove::Publish => "published",
                VersionMove::Retire => "retired",
            },
        });
    }
    if step == VersionMove::Publish && author.is_some() && author == mover {
        return Err(MoveError::OwnVersion { version });
    }
    Ok(to)
}

/// What an SOP is about; a ticket it applies to matches every kind that is not empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SopLinks {
    /// Ticket categories (as tickets spell them).
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub business_lines: Vec<BusinessLine>,
    /// Card network reason codes of disputes linked to the ticket ("10.4", "4837").
    #[serde(default)]
    pub reason_codes: Vec<String>,
}

impl SopLinks {
    /// Whether nothing is linked (such an SOP is only found by search).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() && self.business_lines.is_empty() && self.reason_codes.is_empty()
    }

    /// The links trimmed, lowercased (categories), sorted and without repeats.
    ///
    /// # Errors
    /// [`DomainError::Invalid`] for an empty or over-long label, or too many.
    pub fn validated(mut self) -> Result<Self, DomainError> {
        for (field, values, lower) in [
            ("links.categories", &mut self.categories, true),
            ("links.reason_codes", &mut self.reason_codes, false),
        ] {
            for v in values.iter_mut() {
                let t = v.trim();
                if t.is_empty() || t.chars().count() > 64 {
                    return Err(DomainError::invalid(
                        field,
                        "each must be 1 to 64 characters",
                    ));
                }
                *v = if lower {
                    t.to_lowercase()
                } else {
                    t.to_string()
                };
            }
            values.sort();
            values.dedup();
            if values.len() > LINKS_MAX {
                return Err(DomainError::invalid(field, format!("at most {LINKS_MAX}")));
            }
        }
        self.business_lines.sort();
        self.business_lines.dedup();
        Ok(self)
    }

    /// Whether an SOP with these links applies to a ticket: at least one kind is linked,
    /// and each linked kind matches (any of its values). Categories compare without case.
    #[must_use]
    pub fn applies_to(&self, ticket: &TicketFacts) -> bool {
        if self.is_empty() {
            return false;
        }
        let category_ok = self.categories.is_empty()
            || ticket.category.as_deref().is_some_and(|c| {
                self.categories
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(c.trim()))
            });
        let line_ok =
            self.business_lines.is_empty() || self.business_lines.contains(&ticket.business_line);
        let code_ok = self.reason_codes.is_empty()
            || ticket
                .reason_codes
                .iter()
                .any(|c| self.reason_codes.iter().any(|x| x.eq_ignore_ascii_case(c)));
        category_ok && line_ok && code_ok
    }
}

/// What matching needs to know of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    pub category: Option<String>,
    pub business_line: BusinessLine,
    /// Network reason codes of the disputes linked to the ticket.
    pub reason_codes: Vec<String>,
}

/// Whether a review date has passed at `now`.
#[must_use]
pub fn is_review_overdue(review_by: Option<Timestamp>, now: Timestamp) -> bool {
    review_by.is_some_and(|r| r.0 < now.0)
}

/// A title trimmed and checked.
///
/// # Errors
/// [`DomainError::Invalid`] when empty, too long or holding control characters.
pub fn title(raw: &str) -> Result<String, DomainError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(DomainError::invalid("title", "must not be empty"));
    }
    if t.chars().count() > TITLE_MAX {
        return Err(DomainError::invalid(
            "title",
            format!("at most {TITLE_MAX} characters"),
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(DomainError::invalid("title", "must be one line of text"));
    }
    Ok(t.to_string())
}

/// A body checked and parsed into its steps.
///
/// # Errors
/// [`DomainError::Invalid`] when empty, too long, holding NUL, or with too many steps.
pub fn body_steps(body: &str) -> Result<Vec<Step>, DomainError> {
    if body.trim().is_empty() {
        return Err(DomainError::invalid("body", "must not be empty"));
    }
    if body.len() > BODY_MAX {
        return Err(DomainError::invalid(
            "body",
            format!("at most {BODY_MAX} bytes"),
        ));
    }
    if body.contains('\0') {
        return Err(DomainError::invalid(
            "body",
            "must not contain NUL characters",
        ));
    }
    let steps = parse_steps(body);
    if steps.len() > STEPS_MAX {
        return Err(DomainError::invalid(
            "body",
            format!("at most {STEPS_MAX} steps (numbered or checklist items)"),
        ));
    }
    Ok(steps)
}

/// The steps of `steps` not in `done`, in order.
#[must_use]
pub fn steps_left<'a>(steps: &'a [Step], done: &[String]) -> Vec<&'a Step> {
    steps.iter().filter(|s| !done.contains(&s.key)).collect()
}
