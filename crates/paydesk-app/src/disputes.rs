//! Working disputes and chargebacks: the dispute explained (its reason code, checklist and
//! deadline clock), evidence added and removed, the evidence packet, and the desk's moves
//! (answer with evidence, accept, record the outcome).
//!
//! Disputes arrive from the gateways' webhooks (`webhooks`); their ticket's deadline clock
//! is kept by the store. A dispute with a ticket is visible to whoever may see that ticket
//! (a BPO agent only within its vendor's queues); one without a ticket to staff who may
//! read payments.

mod packet;

use crate::error::AppError;
use crate::tickets::{redacted, redacted_attachments};
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::AttachmentMeta;
use paydesk_domain::payment::dispute_case::{self, ChecklistLine, ExplainedReason, Move};
use paydesk_domain::payment::reason_code::Evidence;
use paydesk_domain::payment::{Dispute, DisputeId, Transaction};
use paydesk_domain::policy::{Action, Principal};
use paydesk_domain::sla::{Metric, SlaClock};
use paydesk_domain::{TicketId, UserId};
use paydesk_store::{
    DisputeFilter, DisputeMove, DisputeRecord, EvidenceItem, NewEvidence, Page, PageRequest,
};
use serde_json::json;

pub use packet::Packet;

/// The largest evidence file taken, in bytes (networks cap a whole submission near this).
pub const EVIDENCE_FILE_MAX: usize = 10 * 1024 * 1024;

/// The longest evidence title and text, in characters.
const TITLE_MAX: usize = 200;
const TEXT_MAX: usize = 20_000;

/// A dispute as the agent working it sees it.
#[derive(Debug, Clone)]
pub struct DisputeView {
    pub record: DisputeRecord,
    pub reason: ExplainedReason,
    pub checklist: Vec<ChecklistLine>,
    pub evidence: Vec<EvidenceItem>,
    /// The deadline clock of the ticket working it.
    pub clock: Option<SlaClock>,
    pub transaction: Option<Transaction>,
}

/// A file sent as evidence.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Evidence to add.
#[derive(Debug, Clone)]
pub struct EvidenceInput {
    pub kind: Evidence,
    pub title: String,
    pub text: Option<String>,
    pub file: Option<EvidenceFile>,
    /// One of the ticket's attachments, instead of a file.
    pub attachment_id: Option<i64>,
}

/// The network's decision, as a person records it.
#[derive(Debug, Clone, Copy)]
pub struct OutcomeInput {
    pub won: bool,
    pub amount_won: Option<i64>,
    pub amount_lost: Option<i64>,
}

fn user_of(caller: &Caller) -> Option<UserId> {
    match caller.principal {
        Principal::User { id, .. } => Some(id),
        _ => None,
    }
}

impl App {
    /// The dispute, if the caller may see it.
    async fn visible_dispute(
        &self,
        caller: &Caller,
        id: DisputeId,
    ) -> Result<DisputeRecord, AppError> {
        caller.require(Action::PaymentRead)?;
        let record = self.store.dispute(id).await?;
        match record.dispute.ticket_id {
            Some(t) => {
                self.visible_ticket(caller, t)
                    .await
                    .map_err(|_| AppError::NotFound { entity: "dispute" })?;
            }
            None if !matches!(
                caller.ticket_scope(),
                paydesk_domain::policy::TicketScope::All
            ) =>
            {
                return Err(AppError::NotFound { entity: "dispute" });
            }
            None => {}
        }
        Ok(record)
    }

    /// A dispute explained: its reason, checklist with coverage, evidence, deadline clock
    /// and the disputed payment.
    pub async fn dispute_view(
        &self,
        caller: &Caller,
        id: DisputeId,
    ) -> Result<DisputeView, AppError> {
        let record = self.visible_dispute(caller, id).await?;
        self.view_of(record).await
    }

    async fn view_of(&self, record: DisputeRecord) -> Result<DisputeView, AppError> {
        let d = &record.dispute;
        let reason = dispute_case::explain(d);
        let evidence = self.store.dispute_evidence(d.id).await?;
        let gathered: Vec<Evidence> = evidence.iter().map(|e| e.kind).collect();
        let has_conversation = match d.ticket_id {
            Some(t) => self.public_messages(t).await? > 0,
            None => false,
        };
        let checklist = dispute_case::coverage(
            &dispute_case::checklist(&reason),
            &gathered,
            has_conversation,
        );
        let clock = match d.ticket_id {
            Some(t) => self
                .store
                .ticket_clocks(t)
                .await?
                .into_iter()
                .find(|c| c.metric == Metric::DisputeResponse),
            None => None,
        };
        let transaction = match &d.transaction_ref {
            Some(r) => self.store.transaction_by_ref(&d.gateway, r).await?,
            None => None,
        };
        Ok(DisputeView {
            record,
            reason,
            checklist,
            evidence,
            clock,
            transaction,
        })
    }

    async fn public_messages(&self, ticket: TicketId) -> Result<usize, AppError> {
        Ok(self
            .store
            .messages(ticket)
            .await?
            .iter()
            .filter(|m| m.visibility == paydesk_domain::message::Visibility::Public)
            .count())
    }

    /// Disputes by due date, soonest first (a BPO agent sees those of its tickets only).
    pub async fn disputes(
        &self,
        caller: &Caller,
        filter: &DisputeFilter,
        page: &PageRequest,
    ) -> Result<Page<DisputeRecord>, AppError> {
        caller.require(Action::PaymentRead)?;
        let mut page = self.store.disputes(filter, page).await?;
        if !matches!(
            caller.ticket_scope(),
            paydesk_domain::policy::TicketScope::All
        ) {
            let mut kept = Vec::with_capacity(page.items.len());
            for r in page.items {
                if let Some(t) = r.dispute.ticket_id
                    && self.visible_ticket(caller, t).await.is_ok()
                {
                    kept.push(r);
                }
            }
            page.items = kept;
        }
        Ok(page)
    }

    /// Adds evidence to a dispute: texts and text files redacted, a file at most
    /// [`EVIDENCE_FILE_MAX`] bytes, a ticket attachment only of the dispute's own ticket.
    pub async fn add_dispute_evidence(
        &self,
        caller: &Caller,
        id: DisputeId,
        input: EvidenceInput,
    ) -> Result<EvidenceItem, AppError> {
        caller.require(Action::DisputeWork)?;
        let record = self.visible_dispute(caller, id).await?;
        let ticket = record.dispute.ticket_id;
        let (actor, now) = (caller.actor(), self.now());
        let mut events = Vec::new();
        let title = input.title.trim();
        if title.is_empty() || title.chars().count() > TITLE_MAX {
            return Err(AppError::invalid(
                "title",
                format!("1-{TITLE_MAX} characters: say what the evidence shows"),
            ));
        }
        crate::tickets::refuse_nul("title", title)?;
        let title = redacted(title, "evidence_title", ticket, &actor, now, &mut events);
        let body = match input
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(t) if t.chars().count() > TEXT_MAX => {
                return Err(AppError::invalid(
                    "text",
                    format!("at most {TEXT_MAX} characters; attach longer documents as a file"),
                ));
            }
            Some(t) => {
                crate::tickets::refuse_nul("text", t)?;
                Some(redacted(
                    t,
                    "evidence_text",
                    ticket,
                    &actor,
                    now,
                    &mut events,
                ))
            }
            None => None,
        };
        if input.file.is_some() && input.attachment_id.is_some() {
            return Err(AppError::invalid(
                "file",
                "send either a file or an attachment_id, not both",
            ));
        }
        let file = match input.file {
            Some(f) => Some(self.evidence_file(f, ticket, &actor, &mut events)?),
            None => None,
        };
        if body.is_none() && file.is_none() && input.attachment_id.is_none() {
            return Err(AppError::invalid(
                "text",
                "evidence needs a text, a file or an attachment_id",
            ));
        }
        events.push(NewEvent::ticket(
            ticket,
            &actor,
            now,
            EventKind::DisputeEvidence,
            json!({ "dispute_id": id.0, "kind": input.kind, "added": true }),
        ));
        let evidence = NewEvidence {
            kind: input.kind,
            title,
            body,
            file,
            attachment_id: input.attachment_id,
            added_by: user_of(caller),
            added_at: now,
        };
        Ok(self.store.add_evidence(id, &evidence, events).await?)
    }

    fn evidence_file(
        &self,
        f: EvidenceFile,
        ticket: Option<TicketId>,
        actor: &paydesk_domain::Actor,
        events: &mut Vec<NewEvent>,
    ) -> Result<(String, String, Vec<u8>), AppError> {
        if f.content.is_empty() || f.content.len() > EVIDENCE_FILE_MAX {
            return Err(AppError::invalid(
                "file",
                format!("1 byte to {} MiB", EVIDENCE_FILE_MAX / 1024 / 1024),
            ));
        }
        let name = paydesk_domain::payment::packet::safe_name(f.filename.trim());
        let content_type = if f.content_type.trim().is_empty() {
            "application/octet-stream".to_string()
        } else {
            f.content_type.trim().to_ascii_lowercase()
        };
        let meta = AttachmentMeta {
            id: None,
            filename: name,
            content_type,
            size_bytes: 0,
            has_content: true,
            content: Some(f.content),
        };
        let mut clean = redacted_attachments(&[meta], ticket, actor, self.now(), events);
        let meta = clean.pop().ok_or(AppError::invalid("file", "missing"))?;
        Ok((
            meta.filename,
            meta.content_type,
            meta.content.unwrap_or_default(),
        ))
    }

    /// Removes a piece of evidence (before the dispute is answered).
    pub async fn remove_dispute_evidence(
        &self,
        caller: &Caller,
        id: DisputeId,
        evidence: i64,
    ) -> Result<(), AppError> {
        caller.require(Action::DisputeWork)?;
        let record = self.visible_dispute(caller, id).await?;
        let event = NewEvent::ticket(
            record.dispute.ticket_id,
            &caller.actor(),
            self.now(),
            EventKind::DisputeEvidence,
            json!({ "dispute_id": id.0, "evidence_id": evidence, "added": false }),
        );
        Ok(self.store.remove_evidence(id, evidence, event).await?)
    }

    /// The evidence was submitted at the gateway: the dispute goes under review and the
    /// ticket's deadline clock is met.
    pub async fn submit_dispute(
        &self,
        caller: &Caller,
        id: DisputeId,
    ) -> Result<DisputeView, AppError> {
        self.move_dispute(caller, id, |_| Move::Submit, None).await
    }

    /// The desk accepts the chargeback: the disputed amount is lost.
    pub async fn accept_dispute(
        &self,
        caller: &Caller,
        id: DisputeId,
    ) -> Result<DisputeView, AppError> {
        self.move_dispute(caller, id, |_| Move::Accept, None).await
    }

    /// Records the network's decision with the amounts won and lost.
    pub async fn record_dispute_outcome(
        &self,
        caller: &Caller,
        id: DisputeId,
        input: OutcomeInput,
        note: Option<String>,
    ) -> Result<DisputeView, AppError> {
        let decide = |d: &Dispute| -> Move {
            Move::Outcome(dispute_case::outcome(
                d,
                input.won,
                input.amount_won,
                input.amount_lost,
            ))
        };
        self.move_dispute(caller, id, decide, note).await
    }

    /// Makes the move `decide` picks for the dispute as it is read now.
    async fn move_dispute(
        &self,
        caller: &Caller,
        id: DisputeId,
        decide: impl FnOnce(&Dispute) -> Move,
        note: Option<String>,
    ) -> Result<DisputeView, AppError> {
        caller.require(Action::DisputeWork)?;
        let record = self.visible_dispute(caller, id).await?;
        let d = &record.dispute;
        let m = decide(d);
        let (to, outcome) = dispute_case::apply(d, m)?;
        let (actor, now) = (caller.actor(), self.now());
        let mut events = Vec::new();
        let note = match note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => {
                crate::tickets::refuse_nul("note", n)?;
                Some(redacted(
                    n,
                    "dispute_note",
                    d.ticket_id,
                    &actor,
                    now,
                    &mut events,
                ))
            }
            None => None,
        };
        let action = match m {
            Move::Submit => "submitted",
            Move::Accept => "accepted",
            Move::Outcome(_) => "decided",
        };
        events.push(NewEvent::ticket(
            d.ticket_id,
            &actor,
            now,
            EventKind::DisputeWorked,
            json!({
                "dispute_id": id.0,
                "action": action,
                "from": d.status,
                "status": to,
                "amount_won": outcome.map(|o| o.amount_won),
                "amount_lost": outcome.map(|o| o.amount_lost),
                "currency": d.money.currency,
            }),
        ));
        let user = user_of(caller);
        let mv = DisputeMove {
            from: d.status,
            to,
            answered: matches!(m, Move::Submit | Move::Accept),
            submitted_by: user,
            decided: outcome.map(|o| (o.amount_won, o.amount_lost)),
            decided_by: outcome.and(user),
            note,
            at: now,
        };
        let after = match self.store.move_dispute(id, &mv, events).await {
            Ok(after) => after,
            Err(paydesk_store::StoreError::VersionConflict { .. }) => {
                let now = self.store.dispute(id).await?;
                return Err(AppError::Dispute(dispute_case::MoveError::WrongStatus {
                    status: now.dispute.status,
                    reason: "someone else answered or decided it meanwhile; reload it",
                }));
            }
            Err(e) => return Err(e.into()),
        };
        self.view_of(after).await
    }
}
