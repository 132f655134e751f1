//! Previewing and applying a macro on a ticket.
//!
//! Both work the macro out the same way ([`App::macro_plan`]): the reply goes through the
//! ticket's normal reply path (redaction, status on a staff reply, SLA clocks, the
//! customer's email), then the actions in order, folded into one change of the ticket
//! (status, priority, category, tags, assignee), then the internal note. A preview stops
//! there and writes nothing; applying checks the ticket version, stores the whole change,
//! its messages, a `macro_applied` event and the macro's usage in one transaction.

use crate::error::AppError;
use crate::tickets::{NewReply, author_of, check_version, redacted};
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::id::{MacroId, SopId};
use paydesk_domain::macros::placeholder::{Facts, Placeholder, render};
use paydesk_domain::macros::{Macro, MacroAction, ReplyVisibility, tags_after};
use paydesk_domain::message::{Message, NewMessage, Visibility};
use paydesk_domain::policy::Action;
use paydesk_domain::ticket::{Status, Ticket, TicketPatch};
use paydesk_domain::{Actor, TicketId};
use paydesk_store::MacroUse;
use serde_json::{Value, json};

/// A macro's reply as it reads on one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedReply {
    pub body: String,
    pub visibility: ReplyVisibility,
}

/// One change applying a macro makes to a ticket: a field with its value before and
/// after, or `note` / `sop` with what is added.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedChange {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

/// What applying a macro to a ticket would do, worked out without writing anything.
#[derive(Debug, Clone, PartialEq)]
pub struct MacroPreview {
    pub macro_id: MacroId,
    pub title: String,
    pub ticket_id: TicketId,
    /// The version the preview was worked out from; send it back when applying.
    pub ticket_version: i64,
    pub reply: Option<RenderedReply>,
    /// The internal note an `add_note` action adds, rendered.
    pub note: Option<String>,
    pub changes: Vec<PlannedChange>,
    /// Placeholders the ticket has no value for; they read as markers in the texts.
    pub missing: Vec<Placeholder>,
    /// Why applying would be refused as things stand, if it would.
    pub blockers: Vec<String>,
}

/// A macro applied: the ticket as it now is, the messages added and the changes made.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedMacro {
    pub ticket: Ticket,
    pub messages: Vec<Message>,
    pub preview: MacroPreview,
}

/// The worked-out change of one macro on one ticket.
struct Plan {
    next: Ticket,
    events: Vec<NewEvent>,
    messages: Vec<NewMessage>,
    is_mailed: bool,
    sop_links: Vec<SopId>,
    actions_needed: Vec<Action>,
    preview: MacroPreview,
}

impl App {
    /// What applying macro `id` to ticket `ticket` would do (see [`MacroPreview`]), with
    /// nothing written. Needs `macro_use` and sight of the ticket and the macro. Errors:
    /// [`AppError::NotFound`], [`AppError::Forbidden`], [`AppError::Invalid`] (an
    /// assignee who left), the ticket's own refusals (a closed ticket).
    pub async fn preview_macro(
        &self,
        caller: &Caller,
        ticket: TicketId,
        id: MacroId,
    ) -> Result<MacroPreview, AppError> {
        let actor = caller.actor();
        let (_, plan) = self.macro_plan(caller, &actor, ticket, id).await?;
        Ok(plan.preview)
    }

    /// Applies macro `id` to `ticket` as the caller: its reply, its actions in order and
    /// its note, through the ticket's normal use cases, in one transaction with a
    /// `macro_applied` event and the macro's usage count. With `expected_version`, a
    /// ticket changed meanwhile is refused with [`AppError::VersionConflict`].
    ///
    /// Needs `macro_use`, and what the macro does: `ticket_reply` for a public reply,
    /// `ticket_note` for an internal one or a note, `ticket_update` for field changes.
    /// Errors as [`App::preview_macro`], plus [`AppError::ChecklistIncomplete`] when the
    /// macro solves a ticket whose category needs a completed SOP checklist first.
    pub async fn apply_macro(
        &self,
        caller: &Caller,
        ticket: TicketId,
        id: MacroId,
        expected_version: Option<i64>,
    ) -> Result<AppliedMacro, AppError> {
        self.apply_macro_as(caller, &caller.actor(), ticket, id, expected_version)
            .await
    }

    /// Applies a macro like [`App::apply_macro`], recorded as `actor`: how automations
    /// (a trigger rule's "send a macro's reply", with a system caller and
    /// [`Actor::Rule`]) apply one.
    pub async fn apply_macro_as(
        &self,
        caller: &Caller,
        actor: &Actor,
        ticket: TicketId,
        id: MacroId,
        expected_version: Option<i64>,
    ) -> Result<AppliedMacro, AppError> {
        let (current, mut plan) = self.macro_plan(caller, actor, ticket, id).await?;
        check_version(&current, expected_version)?;
        for action in &plan.actions_needed {
            caller.require(*action)?;
        }
        for sop in &plan.sop_links {
            self.linkable_sop(*sop).await?;
        }
        self.guard_solve(&current, &plan.next).await?;
        crate::tickets::from_where(caller, &mut plan.events);
        let now = self.clock.now();
        let mail = plan
            .is_mailed
            .then(|| self.reply_mail(&plan.next, actor, now));
        let stored = self
            .store
            .apply_macro(&MacroUse {
                macro_id: id,
                ticket: &plan.next,
                expected_version: current.version,
                events: &plan.events,
                messages: &plan.messages,
                mail: mail.as_ref(),
                at: now,
            })
            .await;
        let messages = self.conflict_aware(stored, &current).await?;
        if mail.is_some() {
            self.jobs_waiting.notify_one();
        }
        for sop in &plan.sop_links {
            self.link_sop(caller, &plan.next, *sop).await?;
        }
        Ok(AppliedMacro {
            ticket: plan.next,
            messages,
            preview: plan.preview,
        })
    }

    /// Whether SOP `sop` can be linked: it exists and has a published version to follow.
    async fn linkable_sop(&self, sop: SopId) -> Result<(), AppError> {
        match self.store.sop(sop).await?.published_version {
            Some(_) => Ok(()),
            None => Err(AppError::invalid(
                "sop_id",
                format!("SOP {sop} has no published version to follow yet"),
            )),
        }
    }

    /// Links SOP `sop` to `ticket` for a macro's `link_sop` action: starts following its
    /// published version on the ticket (once; linking again keeps the run there).
    pub async fn link_sop(
        &self,
        caller: &Caller,
        ticket: &Ticket,
        sop: SopId,
    ) -> Result<(), AppError> {
        self.start_sop(caller, ticket.id, sop).await.map(|_| ())
    }

    /// Reads the ticket and the macro and works out what the macro does to it.
    async fn macro_plan(
        &self,
        caller: &Caller,
        actor: &Actor,
        ticket: TicketId,
        id: MacroId,
    ) -> Result<(Ticket, Plan), AppError> {
        let m = self.visible_macro(caller, id).await?;
        if !m.is_active {
            return Err(AppError::invalid(
                "macro",
                "this macro is switched off; switch it on on the macros page first",
            ));
        }
        let current = self.visible_ticket(caller, ticket).await?;
        let facts = self.macro_facts(caller, actor, &current).await?;
        let plan = self.plan(actor, &current, &m, &facts).await?;
        Ok((current, plan))
    }

    async fn plan(
        &self,
        actor: &Actor,
        current: &Ticket,
        m: &Macro,
        facts: &Facts,
    ) -> Result<Plan, AppError> {
        let now = self.clock.now();
        let mut next = current.clone();
        let mut events = Vec::new();
        let mut messages = Vec::new();
        let mut missing: Vec<Placeholder> = Vec::new();
        let mut note_missing = |found: Vec<Placeholder>| {
            for p in found {
                if !missing.contains(&p) {
                    missing.push(p);
                }
            }
        };
        let mut actions_needed = vec![Action::MacroUse];
        let mut is_mailed = false;
        let mut reply = None;
        if let Some(r) = &m.reply {
            let rendered = render(&r.body, facts);
            note_missing(rendered.missing);
            let visibility = match r.visibility {
                ReplyVisibility::Public => Visibility::Public,
                ReplyVisibility::Internal => Visibility::Internal,
            };
            actions_needed.push(match visibility {
                Visibility::Public => Action::TicketReply,
                Visibility::Internal => Action::TicketNote,
            });
            let change = self.reply_change(
                actor,
                current,
                &NewReply {
                    visibility,
                    from_customer: false,
                    body: rendered.text,
                    attachments: vec![],
                    expected_version: None,
                },
            )?;
            is_mailed = Self::reply_is_mailed(change.is_public_staff_reply, actor);
            reply = Some(RenderedReply {
                body: change.message.body.clone(),
                visibility: r.visibility,
            });
            next = change.next;
            events = change.events;
            messages.push(change.message);
        }
        let (patch, note_text, sop_links) = folded_actions(actor, &next, m, facts)?;
        if let Some(Some(user)) = patch.assignee_id
            && Some(user) != next.assignee_id
            && !self.store.user(user).await.is_ok_and(|u| u.is_active)
        {
            return Err(AppError::invalid(
                "actions",
                "the person this macro assigns to is not active any more; edit the macro",
            ));
        }
        if let Some((_, found)) = &note_text {
            note_missing(found.clone());
        }
        let before = next.clone();
        let changes = next.apply(&patch, now)?;
        if !changes.is_empty() {
            actions_needed.push(Action::TicketUpdate);
        }
        if changes
            .iter()
            .any(|c| c.field == "status" && c.from == json!("solved") && c.to == json!("open"))
        {
            events.push(NewEvent::ticket(
                Some(current.id),
                actor,
                now,
                EventKind::Reopened,
                json!({ "by": "macro" }),
            ));
        }
        events.extend(NewEvent::from_changes(current.id, actor, now, &changes));
        if next.assignee_id != before.assignee_id {
            events.push(paydesk_domain::routing::assigned_event(
                &before,
                &next,
                actor,
                now,
                paydesk_domain::routing::AssignReason::Manual,
            ));
        }
        let mut planned: Vec<PlannedChange> = changes
            .iter()
            .map(|c| PlannedChange {
                field: c.field.to_string(),
                from: c.from.clone(),
                to: c.to.clone(),
            })
            .collect();
        // The reply may move the status too (a first staff reply opens a new ticket): the
        // preview shows the status from where the ticket is now to where it ends.
        planned.retain(|c| c.field != "status");
        if next.status != current.status {
            planned.insert(
                0,
                PlannedChange {
                    field: "status".into(),
                    from: json!(current.status),
                    to: json!(next.status),
                },
            );
        }
        let mut note = None;
        if let Some((text, _)) = note_text {
            if next.status == Status::Closed {
                return Err(paydesk_domain::DomainError::TicketClosed.into());
            }
            actions_needed.push(Action::TicketNote);
            let body = redacted(&text, "body", Some(current.id), actor, now, &mut events);
            events.push(NewEvent::ticket(
                Some(current.id),
                actor,
                now,
                EventKind::MessageAdded,
                json!({ "visibility": Visibility::Internal }),
            ));
            planned.push(PlannedChange {
                field: "note".into(),
                from: Value::Null,
                to: json!(body),
            });
            messages.push(NewMessage {
                at: now,
                visibility: Visibility::Internal,
                author: author_of(actor),
                body: body.clone(),
                attachments: vec![],
            });
            note = Some(body);
        }
        let mut blockers = Vec::new();
        for sop in &sop_links {
            planned.push(PlannedChange {
                field: "sop".into(),
                from: Value::Null,
                to: json!(sop),
            });
            if let Err(refused) = self.linkable_sop(*sop).await {
                blockers.push(format!("link SOP {sop}: {refused}"));
            }
        }
        // Solving a ticket whose category needs a completed checklist first.
        if let Err(refused) = self.guard_solve(current, &next).await {
            blockers.push(refused.to_string());
        }
        events.push(NewEvent::ticket(
            Some(current.id),
            actor,
            now,
            EventKind::MacroApplied,
            json!({ "macro_id": m.id, "name": m.title }),
        ));
        next.version = current.version + 1;
        next.updated_at = now;
        Ok(Plan {
            next,
            events,
            messages,
            is_mailed,
            sop_links,
            actions_needed,
            preview: MacroPreview {
                macro_id: m.id,
                title: m.title.clone(),
                ticket_id: current.id,
                ticket_version: current.version,
                reply,
                note,
                changes: planned,
                missing,
                blockers,
            },
        })
    }
}

/// The macro's actions folded into one ticket patch (a later action on the same field
/// wins; tag actions build on each other), the rendered note with its missing
/// placeholders, and the SOPs to link.
#[expect(clippy::type_complexity, reason = "a private step of one function")]
fn folded_actions(
    actor: &Actor,
    ticket: &Ticket,
    m: &Macro,
    facts: &Facts,
) -> Result<(TicketPatch, Option<(String, Vec<Placeholder>)>, Vec<SopId>), AppError> {
    let mut patch = TicketPatch::default();
    let mut tags = ticket.tags.clone();
    let mut notes: Vec<String> = Vec::new();
    let mut missing = Vec::new();
    let mut sops = Vec::new();
    for action in &m.actions {
        match action {
            MacroAction::SetStatus { status } => patch.status = Some(*status),
            MacroAction::SetPriority { priority } => patch.priority = Some(*priority),
            MacroAction::SetCategory { category } => patch.category = Some(category.clone()),
            MacroAction::AddTags { .. }
            | MacroAction::RemoveTags { .. }
            | MacroAction::SetTags { .. } => {
                if let Some(t) = tags_after(&tags, action) {
                    tags = t;
                    patch.tags = Some(tags.clone());
                }
            }
            MacroAction::AssignTo { user_id } => patch.assignee_id = Some(Some(*user_id)),
            MacroAction::AssignToMe => {
                let me = match actor {
                    Actor::User { id } => *id,
                    _ => {
                        return Err(AppError::invalid(
                            "actions",
                            "'assign to me' needs a person applying the macro",
                        ));
                    }
                };
                patch.assignee_id = Some(Some(me));
            }
            MacroAction::AddNote { body } => {
                let r = render(body, facts);
                missing.extend(r.missing);
                notes.push(r.text);
            }
            MacroAction::LinkSop { sop_id } => sops.push(*sop_id),
        }
    }
    let note = (!notes.is_empty()).then(|| (notes.join("\n\n"), missing));
    Ok((patch, note, sops))
}
