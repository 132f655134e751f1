//! Following SOPs on tickets: which published SOPs apply, starting one (the run records
//! the version), ticking and unticking its steps. Each start and each tick that changes
//! something appends a `sop_progress` event on the ticket
//! (`{sop_id, version, step, done, action}`) in the same transaction.
//!
//! Starting and ticking need `sop_read` and `ticket_update` (they change the ticket's
//! record) and a ticket the caller may see that is not closed. [`App::start_sop`] is
//! also what a macro action or a rule calls to put an SOP on a ticket.

use super::guard::ChecklistState;
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::id::SopId;
use paydesk_domain::policy::Action;
use paydesk_domain::sop::{self, Step, TicketFacts};
use paydesk_domain::ticket::{Status, Ticket};
use paydesk_domain::{DomainError, TicketId};
use paydesk_store::{SopRun, SopVersion, StoredSop};
use serde_json::json;

/// A published SOP that applies to a ticket, with its published version.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicableSop {
    pub sop: StoredSop,
    pub version: SopVersion,
}

/// A run with the steps of its version and those left.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    pub run: SopRun,
    pub title: String,
    pub steps: Vec<Step>,
    pub steps_left: Vec<Step>,
    /// Whether the run's SOP still applies to the ticket (a run of one that no longer
    /// applies does not satisfy a checklist requirement).
    pub is_applicable: bool,
}

impl RunView {
    /// Whether every step is ticked.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.steps_left.is_empty()
    }
}

/// The SOPs panel of a ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketSops {
    pub applicable: Vec<ApplicableSop>,
    pub runs: Vec<RunView>,
    pub checklist: ChecklistState,
}

impl App {
    /// The published SOPs whose links match `ticket`, by title.
    pub(crate) async fn applicable_sops_for(
        &self,
        ticket: &Ticket,
    ) -> Result<Vec<ApplicableSop>, AppError> {
        let facts = TicketFacts {
            category: ticket.category.clone(),
            business_line: ticket.business_line,
            reason_codes: self.store.ticket_reason_codes(ticket.id).await?,
        };
        let mut out = Vec::new();
        for sop in self.store.published_sops().await? {
            let Some(n) = sop.published_version else {
                continue;
            };
            if sop.links.applies_to(&facts) {
                let version = self.store.sop_version(sop.id, n).await?;
                out.push(ApplicableSop { sop, version });
            }
        }
        out.sort_by(|a, b| a.sop.title.cmp(&b.sop.title));
        Ok(out)
    }

    /// The runs on `ticket` with their versions' steps.
    pub(crate) async fn run_views(
        &self,
        ticket: TicketId,
        applicable: &[ApplicableSop],
    ) -> Result<Vec<RunView>, AppError> {
        let mut out = Vec::new();
        for run in self.store.ticket_sop_runs(ticket).await? {
            out.push(self.run_view(run, applicable).await?);
        }
        Ok(out)
    }

    async fn run_view(
        &self,
        run: SopRun,
        applicable: &[ApplicableSop],
    ) -> Result<RunView, AppError> {
        let version = self.store.sop_version(run.sop_id, run.version).await?;
        let done = run.done_keys();
        let steps_left = sop::steps_left(&version.steps, &done)
            .into_iter()
            .cloned()
            .collect();
        Ok(RunView {
            is_applicable: applicable.iter().any(|a| a.sop.id == run.sop_id),
            title: version.title,
            steps: version.steps,
            steps_left,
            run,
        })
    }

    /// The SOPs that apply to a ticket, the runs on it and whether its checklist
    /// requirement is met. Errors: [`AppError::NotFound`] for a ticket the caller may not see.
    pub async fn ticket_sops(
        &self,
        caller: &Caller,
        ticket: TicketId,
    ) -> Result<TicketSops, AppError> {
        caller.require(Action::SopRead)?;
        let t = self.visible_ticket(caller, ticket).await?;
        let applicable = self.applicable_sops_for(&t).await?;
        let runs = self.run_views(ticket, &applicable).await?;
        let checklist = self.checklist_state_of(&t, &applicable, &runs).await?;
        Ok(TicketSops {
            applicable,
            runs,
            checklist,
        })
    }

    /// A ticket the caller may work SOPs on: visible, not closed.
    async fn sop_ticket(&self, caller: &Caller, ticket: TicketId) -> Result<Ticket, AppError> {
        caller.require(Action::SopRead)?;
        caller.require(Action::TicketUpdate)?;
        let t = self.visible_ticket(caller, ticket).await?;
        if t.status == Status::Closed {
            return Err(DomainError::TicketClosed.into());
        }
        Ok(t)
    }

    /// Starts following `sop`'s published version on `ticket` (any published SOP, not
    /// only those that apply); starting it again returns the run already there.
    /// Errors: [`AppError::Invalid`] (`sop_id`) when it has no published version;
    /// [`AppError::NotFound`]; [`AppError::Forbidden`]; [`DomainError::TicketClosed`].
    pub async fn start_sop(
        &self,
        caller: &Caller,
        ticket: TicketId,
        sop: SopId,
    ) -> Result<SopRun, AppError> {
        self.sop_ticket(caller, ticket).await?;
        let stored = self.store.sop(sop).await?;
        let Some(version) = stored.published_version else {
            return Err(AppError::invalid(
                "sop_id",
                "this SOP has no published version to follow yet",
            ));
        };
        let now = self.now();
        let actor = caller.actor();
        let mut event = NewEvent::ticket(
            Some(ticket),
            &actor,
            now,
            EventKind::SopProgress,
            json!({ "sop_id": sop.0, "version": version, "step": null, "done": null, "action": "started" }),
        );
        event.ip.clone_from(&caller.ip);
        let (run, _) = self
            .store
            .start_sop_run(ticket, sop, version, &actor, now, &event)
            .await?;
        Ok(run)
    }

    /// Ticks (`done`) or unticks step `key` of run `run` on `ticket`.
    /// Errors: [`AppError::NotFound`] for a run not on this ticket; [`AppError::Invalid`]
    /// (`step`) for a key the version does not have.
    pub async fn mark_sop_step(
        &self,
        caller: &Caller,
        ticket: TicketId,
        run: i64,
        key: &str,
        done: bool,
    ) -> Result<RunView, AppError> {
        let t = self.sop_ticket(caller, ticket).await?;
        let current = self.store.sop_run(run).await?;
        if current.ticket_id != ticket {
            return Err(AppError::NotFound { entity: "SOP run" });
        }
        let version = self
            .store
            .sop_version(current.sop_id, current.version)
            .await?;
        if !version.steps.iter().any(|s| s.key == key) {
            return Err(AppError::invalid(
                "step",
                format!(
                    "version {} of this SOP has no step '{}'; use a key from its steps",
                    current.version,
                    key.chars().take(64).collect::<String>()
                ),
            ));
        }
        let now = self.now();
        let actor = caller.actor();
        let mut event = NewEvent::ticket(
            Some(ticket),
            &actor,
            now,
            EventKind::SopProgress,
            json!({
                "sop_id": current.sop_id.0,
                "version": current.version,
                "step": key,
                "done": done,
                "action": if done { "ticked" } else { "unticked" },
            }),
        );
        event.ip.clone_from(&caller.ip);
        let (stored, _) = self
            .store
            .mark_sop_step(run, key, done, &actor, now, &event)
            .await?;
        let applicable = self.applicable_sops_for(&t).await?;
        self.run_view(stored, &applicable).await
    }
}
