//! The SOP library's request and response shapes. Times are RFC 3339 strings in UTC.

use crate::error::ApiError;
use crate::time::{format, format_opt, parse};
use paydesk_app::sops::SopView;
use paydesk_app::sops::guard::ChecklistState;
use paydesk_app::sops::runs::{ApplicableSop, RunView, TicketSops};
use paydesk_domain::sop::{SopLinks, Step, VersionStatus, to_safe_html};
use paydesk_domain::{Actor, Timestamp};
use paydesk_store::{SolveRequirement, SopRun, SopVersion, StoredSop};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An SOP as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SopOut {
    pub id: i64,
    pub title: String,
    pub owner_id: i64,
    /// The version agents follow now; null while none is published.
    pub published_version: Option<i64>,
    /// The published version's review date.
    pub review_by: Option<String>,
    /// Whether the review date has passed.
    pub is_review_overdue: bool,
    pub links: SopLinks,
    pub latest_version: i64,
    pub latest_status: VersionStatus,
    pub updated_at: String,
}

impl SopOut {
    pub(crate) fn new(s: &StoredSop, now: Timestamp) -> Self {
        Self {
            id: s.id.0,
            title: s.title.clone(),
            owner_id: s.owner_id.0,
            published_version: s.published_version,
            review_by: format_opt(s.review_by),
            is_review_overdue: s.published_version.is_some()
                && paydesk_domain::sop::is_review_overdue(s.review_by, now),
            links: s.links.clone(),
            latest_version: s.latest_version,
            latest_status: s.latest_status,
            updated_at: format(s.updated_at),
        }
    }
}

/// SOPs by title.
#[derive(Debug, Serialize, ToSchema)]
pub struct SopList {
    pub items: Vec<SopOut>,
}

/// One version, with its body, steps and the body as safe HTML.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionOut {
    pub sop_id: i64,
    pub version: i64,
    pub title: String,
    pub status: VersionStatus,
    /// Markdown.
    pub body: String,
    /// The body as HTML, raw HTML escaped.
    pub html: String,
    pub steps: Vec<Step>,
    pub author_id: Option<i64>,
    pub submitted_by: Option<i64>,
    pub submitted_at: Option<String>,
    /// Who published it or sent it back.
    pub reviewer_id: Option<i64>,
    pub published_at: Option<String>,
    pub retired_by: Option<i64>,
    pub retired_at: Option<String>,
    pub review_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&SopVersion> for VersionOut {
    fn from(v: &SopVersion) -> Self {
        Self {
            sop_id: v.sop_id.0,
            version: v.version,
            title: v.title.clone(),
            status: v.status,
            body: v.body.clone(),
            html: to_safe_html(&v.body),
            steps: v.steps.clone(),
            author_id: v.author_id.map(|u| u.0),
            submitted_by: v.submitted_by.map(|u| u.0),
            submitted_at: format_opt(v.submitted_at),
            reviewer_id: v.reviewer_id.map(|u| u.0),
            published_at: format_opt(v.published_at),
            retired_by: v.retired_by.map(|u| u.0),
            retired_at: format_opt(v.retired_at),
            review_by: format_opt(v.review_by),
            created_at: format(v.created_at),
            updated_at: format(v.updated_at),
        }
    }
}

/// A version in an SOP's history (without its body).
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummary {
    pub version: i64,
    pub title: String,
    pub status: VersionStatus,
    pub author_id: Option<i64>,
    pub published_at: Option<String>,
    pub retired_at: Option<String>,
    pub updated_at: String,
}

/// An SOP with its published version and the versions the caller may read.
#[derive(Debug, Serialize, ToSchema)]
pub struct SopDetail {
    pub sop: SopOut,
    pub published: Option<VersionOut>,
    /// Newest first.
    pub versions: Vec<VersionSummary>,
}

impl SopDetail {
    pub(crate) fn new(view: &SopView, now: Timestamp) -> Self {
        Self {
            sop: SopOut::new(&view.sop, now),
            published: view.published.as_ref().map(VersionOut::from),
            versions: view
                .versions
                .iter()
                .map(|v| VersionSummary {
                    version: v.version,
                    title: v.title.clone(),
                    status: v.status,
                    author_id: v.author_id.map(|u| u.0),
                    published_at: format_opt(v.published_at),
                    retired_at: format_opt(v.retired_at),
                    updated_at: format(v.updated_at),
                })
                .collect(),
        }
    }
}

fn review_date(text: Option<&str>) -> Result<Option<Timestamp>, ApiError> {
    text.map(|t| parse(t).map_err(|e| ApiError::new("invalid_field", e).with_field("review_by")))
        .transpose()
}

/// A new SOP: version 1 starts as a draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSop {
    pub title: String,
    /// Markdown; numbered items ("1. ...") and checklist items ("- [ ] ...") are the steps.
    pub body: String,
    #[serde(default)]
    pub links: SopLinks,
    /// Who keeps it current (default: you).
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// RFC 3339; the owner is warned once it passes.
    #[serde(default)]
    pub review_by: Option<String>,
}

impl CreateSop {
    pub(crate) fn into_input(self) -> Result<paydesk_app::sops::SopInput, ApiError> {
        Ok(paydesk_app::sops::SopInput {
            review_by: review_date(self.review_by.as_deref())?,
            title: self.title,
            body: self.body,
            links: self.links,
            owner_id: self.owner_id.map(paydesk_domain::UserId),
        })
    }
}

/// A draft's new content.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditDraft {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub review_by: Option<String>,
}

impl EditDraft {
    pub(crate) fn into_input(self) -> Result<paydesk_app::sops::DraftInput, ApiError> {
        Ok(paydesk_app::sops::DraftInput {
            review_by: review_date(self.review_by.as_deref())?,
            title: self.title,
            body: self.body,
        })
    }
}

/// An SOP's links and, optionally, a new owner.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetLinks {
    pub links: SopLinks,
    #[serde(default)]
    pub owner_id: Option<i64>,
}

/// Which SOP to start on a ticket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartSop {
    pub sop_id: i64,
}

/// Tick (`true`) or untick a step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkStep {
    pub done: bool,
}

/// A ticked step.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoneStepOut {
    pub key: String,
    pub by: Actor,
    pub at: String,
}

/// An SOP followed on a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunOut {
    pub id: i64,
    pub sop_id: i64,
    /// The version followed.
    pub version: i64,
    pub title: String,
    pub started_by: Actor,
    pub started_at: String,
    pub steps: Vec<Step>,
    pub done: Vec<DoneStepOut>,
    /// Keys of the steps not ticked yet.
    pub steps_left: Vec<String>,
    pub is_complete: bool,
    /// Whether its SOP still applies to the ticket.
    pub is_applicable: bool,
}

impl From<&RunView> for RunOut {
    fn from(r: &RunView) -> Self {
        Self {
            id: r.run.id,
            sop_id: r.run.sop_id.0,
            version: r.run.version,
            title: r.title.clone(),
            started_by: r.run.started_by.clone(),
            started_at: format(r.run.started_at),
            steps: r.steps.clone(),
            done: r
                .run
                .done
                .iter()
                .map(|d| DoneStepOut {
                    key: d.key.clone(),
                    by: d.by.clone(),
                    at: format(d.at),
                })
                .collect(),
            steps_left: r.steps_left.iter().map(|s| s.key.clone()).collect(),
            is_complete: r.is_complete(),
            is_applicable: r.is_applicable,
        }
    }
}

/// A run just started.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartedOut {
    pub id: i64,
    pub sop_id: i64,
    pub version: i64,
    pub started_at: String,
}

impl From<&SopRun> for StartedOut {
    fn from(r: &SopRun) -> Self {
        Self {
            id: r.id,
            sop_id: r.sop_id.0,
            version: r.version,
            started_at: format(r.started_at),
        }
    }
}

/// A published SOP that applies to the ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicableOut {
    pub sop_id: i64,
    pub title: String,
    pub version: i64,
    pub steps: Vec<Step>,
}

impl From<&ApplicableSop> for ApplicableOut {
    fn from(a: &ApplicableSop) -> Self {
        Self {
            sop_id: a.sop.id.0,
            title: a.version.title.clone(),
            version: a.version.version,
            steps: a.version.steps.clone(),
        }
    }
}

/// Whether the ticket's checklist requirement is met.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistOut {
    pub is_required: bool,
    pub is_complete: bool,
    /// Whether solving the ticket is refused now.
    pub blocks_solve: bool,
    pub category: Option<String>,
    /// The SOP to finish and its steps left (texts), when solving is blocked.
    pub sop_title: Option<String>,
    pub steps_left: Vec<String>,
}

impl From<&ChecklistState> for ChecklistOut {
    fn from(c: &ChecklistState) -> Self {
        Self {
            is_required: c.is_required,
            is_complete: c.is_complete,
            blocks_solve: c.blocks_solve(),
            category: c.category.clone(),
            sop_title: c.sop_title.clone(),
            steps_left: c.steps_left.clone(),
        }
    }
}

/// The SOPs of a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketSopsOut {
    pub applicable: Vec<ApplicableOut>,
    pub runs: Vec<RunOut>,
    pub checklist: ChecklistOut,
}

impl From<&TicketSops> for TicketSopsOut {
    fn from(t: &TicketSops) -> Self {
        Self {
            applicable: t.applicable.iter().map(ApplicableOut::from).collect(),
            runs: t.runs.iter().map(RunOut::from).collect(),
            checklist: (&t.checklist).into(),
        }
    }
}

/// A category that needs a completed checklist before solving.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementOut {
    pub category: String,
    pub set_by: Option<i64>,
    pub set_at: String,
}

impl From<&SolveRequirement> for RequirementOut {
    fn from(r: &SolveRequirement) -> Self {
        Self {
            category: r.category.clone(),
            set_by: r.set_by.map(|u| u.0),
            set_at: format(r.set_at),
        }
    }
}

/// The categories that need a completed checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementList {
    pub items: Vec<RequirementOut>,
}
