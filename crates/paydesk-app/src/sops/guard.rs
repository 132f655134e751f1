//! The solve guard: tickets in a category that needs a completed checklist are only
//! solved once a run of an SOP that applies to them has every step ticked.
//!
//! Every solve through the use cases passes [`App::guard_solve`]: a status change (API
//! update, console form, reply-and-solve) and an incident's resolution. A ticket an
//! incident resolution cannot solve still gets the incident's reply and stays open for
//! its agent. Imports and demo history record solves that happened elsewhere and are
//! not guarded.

use super::runs::{ApplicableSop, RunView};
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::TicketId;
use paydesk_domain::policy::Action;
use paydesk_domain::ticket::{Status, Ticket};
use paydesk_store::SolveRequirement;
use serde_json::json;

/// Whether a ticket's checklist requirement is met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistState {
    /// The ticket's category needs a completed checklist.
    pub is_required: bool,
    /// A run of an applicable SOP has every step ticked.
    pub is_complete: bool,
    /// The category, when required.
    pub category: Option<String>,
    /// The SOP to finish (the started one closest to done, else the first that applies).
    pub sop_title: Option<String>,
    /// The steps of that SOP not ticked yet.
    pub steps_left: Vec<String>,
}

impl ChecklistState {
    /// Whether solving is refused.
    #[must_use]
    pub fn blocks_solve(&self) -> bool {
        self.is_required && !self.is_complete
    }
}

impl App {
    /// The checklist state of `ticket` given what applies and what was started.
    pub(crate) async fn checklist_state_of(
        &self,
        ticket: &Ticket,
        applicable: &[ApplicableSop],
        runs: &[RunView],
    ) -> Result<ChecklistState, AppError> {
        let category = ticket
            .category
            .as_deref()
            .map(|c| c.trim().to_lowercase())
            .filter(|c| !c.is_empty());
        let is_required = match &category {
            Some(c) => self.store.sop_required_for(c).await?,
            None => false,
        };
        let live: Vec<&RunView> = runs.iter().filter(|r| r.is_applicable).collect();
        let is_complete = live.iter().any(|r| r.is_complete());
        let closest = live.iter().min_by_key(|r| r.steps_left.len());
        let (sop_title, steps_left) = match (closest, applicable.first()) {
            (Some(r), _) => (
                Some(r.title.clone()),
                r.steps_left.iter().map(|s| s.text.clone()).collect(),
            ),
            (None, Some(a)) => (
                Some(a.version.title.clone()),
                a.version.steps.iter().map(|s| s.text.clone()).collect(),
            ),
            (None, None) => (None, vec![]),
        };
        Ok(ChecklistState {
            is_required,
            is_complete,
            category: category.filter(|_| is_required),
            sop_title,
            steps_left,
        })
    }

    /// The checklist state of a ticket as stored now.
    pub(crate) async fn checklist_state(
        &self,
        ticket: &Ticket,
    ) -> Result<ChecklistState, AppError> {
        let applicable = self.applicable_sops_for(ticket).await?;
        let runs = self.run_views(ticket.id, &applicable).await?;
        self.checklist_state_of(ticket, &applicable, &runs).await
    }

    /// Refuses a change that solves `current` (making it `next`) while its checklist
    /// requirement is not met. Errors: [`AppError::ChecklistIncomplete`].
    pub(crate) async fn guard_solve(
        &self,
        current: &Ticket,
        next: &Ticket,
    ) -> Result<(), AppError> {
        if next.status != Status::Solved || current.status == Status::Solved {
            return Ok(());
        }
        // The category the ticket will have counts: a change may set it with the solve.
        let state = self.checklist_state(next).await?;
        if state.blocks_solve() {
            return Err(AppError::ChecklistIncomplete {
                category: state.category.unwrap_or_default(),
                sop: state.sop_title,
                steps_left: state.steps_left,
            });
        }
        Ok(())
    }

    /// Whether `ticket` may be solved as far as checklists go: true when its category
    /// needs none or an applicable SOP's checklist is complete. For rule conditions and
    /// for pages that offer a solve.
    pub async fn is_required_checklist_complete(
        &self,
        caller: &Caller,
        ticket: TicketId,
    ) -> Result<bool, AppError> {
        caller.require(Action::TicketRead)?;
        let t = self.visible_ticket(caller, ticket).await?;
        Ok(!self.checklist_state(&t).await?.blocks_solve())
    }

    /// Refuses with [`AppError::ChecklistIncomplete`] when solving `ticket` now would be
    /// refused for its checklist (for forms that reply and solve at once).
    pub async fn check_solvable(&self, caller: &Caller, ticket: TicketId) -> Result<(), AppError> {
        caller.require(Action::TicketRead)?;
        let t = self.visible_ticket(caller, ticket).await?;
        if t.status == Status::Solved {
            return Ok(());
        }
        let mut next = t.clone();
        next.status = Status::Solved;
        self.guard_solve(&t, &next).await
    }

    /// The categories that need a completed checklist before solving.
    pub async fn sop_requirements(
        &self,
        caller: &Caller,
    ) -> Result<Vec<SolveRequirement>, AppError> {
        caller.require(Action::SopRead)?;
        Ok(self.store.sop_requirements().await?)
    }

    /// Makes tickets of `category` need a completed checklist (`required`), or lifts
    /// that; whether it changed anything. Needs `sop_publish`.
    pub async fn set_sop_requirement(
        &self,
        caller: &Caller,
        category: &str,
        required: bool,
    ) -> Result<bool, AppError> {
        caller.require(Action::SopPublish)?;
        let category = category.trim().to_lowercase();
        if category.is_empty() || category.chars().count() > 64 {
            return Err(AppError::invalid("category", "must be 1 to 64 characters"));
        }
        crate::tickets::refuse_unstorable("category", &category)?;
        let event = self.config_event(
            caller,
            json!({ "what": "sop_requirement", "category": category, "required": required }),
        );
        Ok(self
            .store
            .set_sop_requirement(
                &category,
                required,
                super::caller_user(caller),
                self.now(),
                &[event],
            )
            .await?)
    }
}
