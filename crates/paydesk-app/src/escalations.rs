//! Escalation use cases: escalate a ticket to a tier or partner team, work the team's
//! queue (take, wait, answer, decline, link a tracker issue), read escalations.
//!
//! Anyone with `escalation_create` escalates a ticket they can see (a BPO agent only its
//! vendor's). Members of the team work its escalations (`escalation_work`); leads, admins,
//! API tokens and paydesk itself work every team's. An answer or a decline lands on the
//! ticket as an internal note by the person answering, in the same transaction as the
//! move. Partner teams themselves are kept by admins (see [`teams`]).

pub mod teams;

use crate::error::AppError;
use crate::tickets::{NewReply, TicketChange};
use crate::{App, Caller};
use paydesk_domain::escalation::{
    self, ClockStanding, EscalationAction, EscalationStatus, Severity,
};
use paydesk_domain::id::{EscalationId, PartnerTeamId};
use paydesk_domain::message::Visibility;
use paydesk_domain::policy::{Action, Principal};
use paydesk_domain::redaction::redact;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{Status, TicketPatch};
use paydesk_domain::{TicketId, UserId};
use paydesk_store::{
    EscalationFilter, EscalationMove, NewEscalation as NewEscalationRow, StoredEscalation,
    TicketNote,
};

/// An escalation as the requester (a person, a rule, an API client) describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEscalation {
    pub team_id: PartnerTeamId,
    /// One of the team's active reasons.
    pub reason_id: i64,
    pub severity: Severity,
    pub summary: String,
    pub question: String,
    /// Put the ticket on hold while the team works (its own SLA clocks pause).
    pub hold_ticket: bool,
}

/// Which escalations a queue shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueQuery {
    /// `None`: every team the caller works.
    pub team_id: Option<PartnerTeamId>,
    /// Empty: every status.
    pub statuses: Vec<EscalationStatus>,
}

/// The conflict answered when an escalation's status does not allow a move.
fn state_error(status: EscalationStatus, action: EscalationAction) -> AppError {
    let hint = match (status.is_live(), action) {
        (false, _) => "it is over; escalate again with a new question",
        (true, EscalationAction::Taken) => "it is already in progress",
        (true, EscalationAction::Waiting) => "it is already waiting; take it back first",
        (true, _) => "reload it and try again",
    };
    AppError::EscalationState {
        status: status.as_str(),
        hint,
    }
}

/// Whether the caller works every team's escalations, not only its own teams'.
fn works_every_team(caller: &Caller) -> bool {
    match &caller.principal {
        Principal::User { role, .. } => matches!(role, Role::Lead | Role::Admin),
        Principal::Token { .. } | Principal::System => true,
        Principal::Customer { .. } => false,
    }
}

fn user_of(caller: &Caller) -> Option<UserId> {
    match caller.principal {
        Principal::User { id, .. } => Some(id),
        _ => None,
    }
}

impl App {
    /// Escalates ticket `id` to a team: the escalation opens in the team's queue with its
    /// response clock running on the team's calendar, and an `escalation_changed` event
    /// (`created`) lands on the ticket. With `hold_ticket`, the ticket is then put on hold
    /// through the normal ticket change (its own clocks pause). Rules call this too, with
    /// a system caller. Errors: [`AppError::Forbidden`], [`AppError::NotFound`] for a
    /// ticket the caller cannot see, [`AppError::Invalid`] naming the field at fault.
    pub async fn escalate(
        &self,
        caller: &Caller,
        id: TicketId,
        input: NewEscalation,
    ) -> Result<StoredEscalation, AppError> {
        caller.require(Action::EscalationCreate)?;
        let ticket = self.visible_ticket(caller, id).await?;
        if ticket.status == Status::Closed {
            return Err(paydesk_domain::DomainError::TicketClosed.into());
        }
        let summary = redact(&escalation::summary(&input.summary)?).text;
        let question = redact(&escalation::question(&input.question)?).text;
        let team = match self.store.partner_team(input.team_id).await {
            Ok(team) if team.is_active => team,
            Ok(_) | Err(paydesk_store::StoreError::NotFound { .. }) => {
                return Err(AppError::invalid(
                    "team_id",
                    "no active partner team has this id; pick one from GET /api/v1/partner-teams",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if !team
            .reasons
            .iter()
            .any(|r| r.id == input.reason_id && r.is_active)
        {
            return Err(AppError::invalid(
                "reason_id",
                format!("not one of the active reasons of {}", team.name),
            ));
        }
        let stored = self
            .store
            .insert_escalation(&NewEscalationRow {
                ticket_id: id,
                team_id: team.id,
                reason_id: input.reason_id,
                severity: input.severity,
                summary,
                question,
                requested_by: caller.actor(),
                at: self.now(),
                ip: caller.ip.clone(),
            })
            .await?;
        if input.hold_ticket && ticket.status != Status::OnHold {
            let change = TicketChange {
                patch: TicketPatch {
                    status: Some(Status::OnHold),
                    ..TicketPatch::default()
                },
                expected_version: None,
            };
            self.change_ticket(caller, id, change).await?;
        }
        Ok(stored)
    }

    /// Refuses unless the caller works `team`'s escalations.
    async fn require_team(&self, caller: &Caller, team: PartnerTeamId) -> Result<(), AppError> {
        caller.require(Action::EscalationWork)?;
        if works_every_team(caller) {
            return Ok(());
        }
        let mine = match user_of(caller) {
            Some(user) => self.store.partner_teams_of(user).await?,
            None => Vec::new(),
        };
        if mine.contains(&team) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                action: Action::EscalationWork,
            })
        }
    }

    /// One escalation, for someone working its team or who can see its ticket. Errors:
    /// [`AppError::NotFound`] (also for an escalation the caller may not see).
    pub async fn escalation(
        &self,
        caller: &Caller,
        id: EscalationId,
    ) -> Result<StoredEscalation, AppError> {
        let e = self.store.escalation(id).await?;
        if self.require_team(caller, e.team_id).await.is_ok() {
            return Ok(e);
        }
        if caller.principal.may(Action::TicketRead)
            && self.visible_ticket(caller, e.ticket_id).await.is_ok()
        {
            return Ok(e);
        }
        Err(AppError::NotFound {
            entity: "escalation",
        })
    }

    /// A ticket's escalations, oldest first, each with its clock and breach state.
    /// Errors: [`AppError::Forbidden`], [`AppError::NotFound`] for an unseen ticket.
    pub async fn ticket_escalations(
        &self,
        caller: &Caller,
        id: TicketId,
    ) -> Result<Vec<StoredEscalation>, AppError> {
        caller.require(Action::TicketRead)?;
        self.visible_ticket(caller, id).await?;
        Ok(self.store.ticket_escalations(id).await?)
    }

    /// The escalation queue of the caller's teams (or of one of them): those still owed
    /// first, by due time. Errors: [`AppError::Forbidden`] for a team the caller does not
    /// work.
    pub async fn escalation_queue(
        &self,
        caller: &Caller,
        query: &QueueQuery,
    ) -> Result<Vec<StoredEscalation>, AppError> {
        caller.require(Action::EscalationWork)?;
        let teams = match query.team_id {
            Some(team) => {
                self.require_team(caller, team).await?;
                Some(vec![team])
            }
            None if works_every_team(caller) => None,
            None => Some(match user_of(caller) {
                Some(user) => self.store.partner_teams_of(user).await?,
                None => Vec::new(),
            }),
        };
        Ok(self
            .store
            .escalation_queue(&EscalationFilter {
                teams,
                statuses: query.statuses.clone(),
                limit: 200,
            })
            .await?)
    }

    /// How an escalation's clock reads now, in the SLA clocks' terms.
    #[must_use]
    pub fn escalation_standing(&self, e: &StoredEscalation) -> ClockStanding {
        e.clock.standing(e.status, e.is_breached(), self.now())
    }

    /// Reads `id` for a move by `caller`: the caller must work its team and, when
    /// `expected_version` is given, it must be at that version.
    async fn escalation_to_work(
        &self,
        caller: &Caller,
        id: EscalationId,
        expected_version: Option<i64>,
    ) -> Result<StoredEscalation, AppError> {
        caller.require(Action::EscalationWork)?;
        let e = self.store.escalation(id).await?;
        self.require_team(caller, e.team_id).await?;
        if let Some(sent) = expected_version
            && sent != e.version
        {
            return Err(AppError::VersionConflict {
                entity: "escalation",
                sent,
                current: e.version,
            });
        }
        Ok(e)
    }

    fn escalation_move(
        &self,
        caller: &Caller,
        e: &StoredEscalation,
        action: EscalationAction,
    ) -> Result<EscalationMove, AppError> {
        let status = match action {
            EscalationAction::ExternalRefSet => e.status,
            other => e
                .status
                .step(other)
                .map_err(|_| state_error(e.status, other))?,
        };
        Ok(EscalationMove {
            id: e.id,
            expected_version: e.version,
            action,
            status,
            assignee_id: None,
            answer: None,
            external_ref: None,
            actor: caller.actor(),
            at: self.now(),
            ip: caller.ip.clone(),
        })
    }

    async fn save_move(
        &self,
        change: &EscalationMove,
        note: Option<&TicketNote>,
    ) -> Result<StoredEscalation, AppError> {
        match self.store.move_escalation(change, note).await {
            Ok((e, _)) => Ok(e),
            Err(paydesk_store::StoreError::VersionConflict { entity, expected }) => {
                let current = if entity == "escalation" {
                    self.store.escalation(change.id).await?.version
                } else {
                    match note {
                        Some(n) => self.store.ticket(n.ticket.id).await?.version,
                        None => expected,
                    }
                };
                Err(AppError::VersionConflict {
                    entity,
                    sent: expected,
                    current,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Takes an open or waiting escalation: it moves to in progress, assigned to the
    /// caller, and its clock runs again. Errors: [`AppError::Forbidden`],
    /// [`AppError::EscalationState`], version conflicts.
    pub async fn take_escalation(
        &self,
        caller: &Caller,
        id: EscalationId,
        expected_version: Option<i64>,
    ) -> Result<StoredEscalation, AppError> {
        let e = self
            .escalation_to_work(caller, id, expected_version)
            .await?;
        let mut change = self.escalation_move(caller, &e, EscalationAction::Taken)?;
        if let Some(user) = user_of(caller) {
            change.assignee_id = Some(Some(user));
        }
        self.save_move(&change, None).await
    }

    /// Sets an escalation waiting on the requester: its clock pauses. Errors as
    /// [`App::take_escalation`].
    pub async fn wait_escalation(
        &self,
        caller: &Caller,
        id: EscalationId,
        expected_version: Option<i64>,
    ) -> Result<StoredEscalation, AppError> {
        let e = self
            .escalation_to_work(caller, id, expected_version)
            .await?;
        let change = self.escalation_move(caller, &e, EscalationAction::Waiting)?;
        self.save_move(&change, None).await
    }

    /// Answers an escalation: the answer is stored on it and added to the ticket as an
    /// internal note by the caller, in one transaction; an `escalation_changed` event
    /// (`answered`) lands on the ticket. Errors as [`App::take_escalation`], plus
    /// [`AppError::Invalid`] for an empty answer and a closed ticket's refusal.
    pub async fn answer_escalation(
        &self,
        caller: &Caller,
        id: EscalationId,
        text: &str,
        expected_version: Option<i64>,
    ) -> Result<StoredEscalation, AppError> {
        self.finish_escalation(
            caller,
            id,
            text,
            expected_version,
            EscalationAction::Answered,
        )
        .await
    }

    /// Declines an escalation with a reason, which is added to the ticket as an internal
    /// note like an answer. Errors as [`App::answer_escalation`].
    pub async fn decline_escalation(
        &self,
        caller: &Caller,
        id: EscalationId,
        reason: &str,
        expected_version: Option<i64>,
    ) -> Result<StoredEscalation, AppError> {
        self.finish_escalation(
            caller,
            id,
            reason,
            expected_version,
            EscalationAction::Declined,
        )
        .await
    }

    async fn finish_escalation(
        &self,
        caller: &Caller,
        id: EscalationId,
        text: &str,
        expected_version: Option<i64>,
        action: EscalationAction,
    ) -> Result<StoredEscalation, AppError> {
        let field = if action == EscalationAction::Answered {
            "answer"
        } else {
            "reason"
        };
        let text = redact(&escalation::answer(field, text)?).text;
        let e = self
            .escalation_to_work(caller, id, expected_version)
            .await?;
        let mut change = self.escalation_move(caller, &e, action)?;
        change.answer = Some(text.clone());
        let heading = if action == EscalationAction::Answered {
            format!("{} answered escalation {}", e.team_name, e.id)
        } else {
            format!("{} declined escalation {}", e.team_name, e.id)
        };
        let ticket = self.store.ticket(e.ticket_id).await?;
        let reply = NewReply {
            visibility: Visibility::Internal,
            from_customer: false,
            body: format!("{heading} ({}):\n\n{text}", e.summary),
            attachments: vec![],
            expected_version: None,
        };
        let note = self.reply_change(&caller.actor(), &ticket, &reply)?;
        let note = TicketNote {
            ticket: note.next,
            expected_version: ticket.version,
            events: note.events,
            message: note.message,
        };
        self.save_move(&change, Some(&note)).await
    }

    /// Sets or clears (empty text) the link to an external tracker issue: a key like
    /// `PAY-123` or an http(s) URL. Errors as [`App::take_escalation`], plus
    /// [`AppError::Invalid`] for anything else.
    pub async fn set_escalation_external_ref(
        &self,
        caller: &Caller,
        id: EscalationId,
        raw: &str,
        expected_version: Option<i64>,
    ) -> Result<StoredEscalation, AppError> {
        let external_ref = escalation::external_ref(raw)?;
        if let Some(r) = &external_ref {
            crate::tickets::refuse_unstorable("external_ref", r)?;
        }
        let e = self
            .escalation_to_work(caller, id, expected_version)
            .await?;
        let mut change = self.escalation_move(caller, &e, EscalationAction::ExternalRefSet)?;
        change.external_ref = Some(external_ref);
        self.save_move(&change, None).await
    }
}
