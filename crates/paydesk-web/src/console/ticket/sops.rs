//! The ticket page's SOPs panel: the published SOPs that apply, a button to start one,
//! each run's steps as checkboxes saved by one form post (no JavaScript needed), whether
//! the checklist is complete, and a notice while the category's requirement blocks
//! solving.

use crate::console::desk::{Desk, Section};
use crate::console::page::failure;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::sops::runs::TicketSops;
use paydesk_app::{App, AppError};
use paydesk_domain::TicketId;
use paydesk_domain::id::SopId;
use paydesk_domain::ticket::ticket_number;

/// One step of a run.
#[derive(Debug, Clone)]
pub struct StepRow {
    pub key: String,
    pub text: String,
    pub is_done: bool,
}

/// One SOP followed on the ticket.
#[derive(Debug, Clone)]
pub struct RunRow {
    pub id: i64,
    pub sop_id: i64,
    pub title: String,
    pub version: i64,
    pub steps: Vec<StepRow>,
    pub left: usize,
    pub is_complete: bool,
    pub is_applicable: bool,
}

/// A published SOP that applies and is not started on its published version.
#[derive(Debug, Clone)]
pub struct StartRow {
    pub sop_id: i64,
    pub title: String,
    pub version: i64,
    pub steps: usize,
}

/// The panel.
#[derive(Debug, Clone)]
pub struct SopsPanel {
    pub runs: Vec<RunRow>,
    pub to_start: Vec<StartRow>,
    pub is_required: bool,
    pub is_complete: bool,
    /// While solving is blocked: what to finish, in words.
    pub blocked: Option<String>,
    /// Whether the person may start SOPs and tick steps.
    pub may_work: bool,
}

impl SopsPanel {
    #[must_use]
    pub fn new(t: &TicketSops, may_work: bool) -> Self {
        let runs: Vec<RunRow> = t
            .runs
            .iter()
            .map(|r| {
                let done = r.run.done_keys();
                RunRow {
                    id: r.run.id,
                    sop_id: r.run.sop_id.0,
                    title: r.title.clone(),
                    version: r.run.version,
                    steps: r
                        .steps
                        .iter()
                        .map(|s| StepRow {
                            key: s.key.clone(),
                            text: s.text.clone(),
                            is_done: done.contains(&s.key),
                        })
                        .collect(),
                    left: r.steps_left.len(),
                    is_complete: r.is_complete(),
                    is_applicable: r.is_applicable,
                }
            })
            .collect();
        let to_start = t
            .applicable
            .iter()
            .filter(|a| {
                !runs
                    .iter()
                    .any(|r| r.sop_id == a.sop.id.0 && r.version == a.version.version)
            })
            .map(|a| StartRow {
                sop_id: a.sop.id.0,
                title: a.version.title.clone(),
                version: a.version.version,
                steps: a.version.steps.len(),
            })
            .collect();
        let c = &t.checklist;
        let blocked = c.blocks_solve().then(|| {
            let category = c.category.clone().unwrap_or_default();
            match &c.sop_title {
                Some(title) => format!(
                    "Tickets in category {category} are solved only once an SOP checklist is complete: finish \u{201c}{title}\u{201d} ({} step(s) left).",
                    c.steps_left.len()
                ),
                None => format!(
                    "Tickets in category {category} are solved only once an SOP checklist is complete, and no published SOP applies. Ask a lead."
                ),
            }
        });
        Self {
            runs,
            to_start,
            is_required: c.is_required,
            is_complete: c.is_complete,
            blocked,
            may_work,
        }
    }
}

/// `POST /desk/tickets/{number}/sops`: starts the SOP `sop_id` on the ticket.
pub(super) async fn start(
    State(app): State<App>,
    desk: Desk,
    Path(number): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let id = match super::ticket_id(&number) {
        Ok(id) => id,
        Err(e) => return failure(&desk, Section::Work, e),
    };
    let sop = fields
        .iter()
        .find(|(k, _)| k == "sop_id")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok());
    let result = match sop {
        Some(s) => app.start_sop(&desk.caller, id, SopId(s)).await.map(|_| ()),
        None => Err(AppError::invalid("sop_id", "choose an SOP to start")),
    };
    settle(&app, &desk, id, result).await
}

/// `POST /desk/tickets/{number}/sops/{run}`: the run's checked boxes (`done`, one per
/// ticked step) become its ticks; each step that changed is ticked or unticked.
pub(super) async fn save_ticks(
    State(app): State<App>,
    desk: Desk,
    Path((number, run)): Path<(String, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let id = match super::ticket_id(&number) {
        Ok(id) => id,
        Err(e) => return failure(&desk, Section::Work, e),
    };
    let wanted: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "done")
        .map(|(_, v)| v.as_str())
        .collect();
    let result = async {
        let panel = app.ticket_sops(&desk.caller, id).await?;
        let current = panel
            .runs
            .iter()
            .find(|r| r.run.id == run)
            .ok_or(AppError::NotFound { entity: "SOP run" })?;
        let done = current.run.done_keys();
        for step in &current.steps {
            let is_wanted = wanted.contains(&step.key.as_str());
            if is_wanted != done.contains(&step.key) {
                app.mark_sop_step(&desk.caller, id, run, &step.key, is_wanted)
                    .await?;
            }
        }
        Ok::<_, AppError>(())
    }
    .await;
    settle(&app, &desk, id, result).await
}

async fn settle(app: &App, desk: &Desk, id: TicketId, result: Result<(), AppError>) -> Response {
    match result {
        Ok(()) => {
            Redirect::to(&format!("/desk/tickets/{}#sops", ticket_number(id))).into_response()
        }
        Err(e) => super::refused(app, desk, id, e, super::Refused::default()).await,
    }
}
