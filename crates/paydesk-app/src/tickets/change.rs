//! Changing tickets: replies, internal notes, field changes, with optimistic concurrency.

use super::{
    NewReply, TicketChange, author_of, check_version, redacted, redacted_attachments, refuse_nul,
    refuse_tag_fields, refuse_unstorable_in_attachments,
};
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{Author, Message, NewMessage, Visibility};
use paydesk_domain::policy::Action;
use paydesk_domain::ticket::{Status, Ticket};
use paydesk_domain::{Actor, TicketId};
use paydesk_store::StoreError;
use serde_json::json;

/// A reply worked out but not stored yet: the ticket as it will be, the events and the
/// message, who it is recorded as (the customer, for a message a channel relays) and
/// whether it is a staff member's public reply (which emails the customer).
pub(crate) struct ReplyChange {
    pub next: Ticket,
    pub events: Vec<NewEvent>,
    pub message: NewMessage,
    pub actor: Actor,
    pub is_public_staff_reply: bool,
}

impl App {
    /// Adds a reply or internal note. A customer's reply reopens a pending or solved
    /// ticket; a staff member's first public reply opens a new one. A closed ticket refuses.
    pub async fn add_message(
        &self,
        caller: &Caller,
        id: TicketId,
        reply: NewReply,
    ) -> Result<(Ticket, Message), AppError> {
        caller.require(match (reply.from_customer, reply.visibility) {
            (false, Visibility::Internal) => Action::TicketNote,
            _ => Action::TicketReply,
        })?;
        let current = self.visible_ticket(caller, id).await?;
        check_version(&current, reply.expected_version)?;
        let mut change = self.reply_change(&caller.actor(), &current, &reply)?;
        super::from_where(caller, &mut change.events);
        let stored = self
            .save_reply(
                &change.next,
                current.version,
                &change.events,
                &change.message,
                change.is_public_staff_reply,
                &change.actor,
            )
            .await;
        let stored = self.conflict_aware(stored, &current).await?;
        let message = stored.ok_or(AppError::Store(StoreError::Corrupt(
            "message not stored".into(),
        )))?;
        Ok((change.next, message))
    }

    /// What `reply` by `actor` does to `current`, now: the checked and redacted message,
    /// the status it moves the ticket to and the events recording it. Every reply path
    /// (the API, incident updates) goes through here. Errors name the field at fault; a
    /// closed ticket refuses.
    pub(crate) fn reply_change(
        &self,
        actor: &Actor,
        current: &Ticket,
        reply: &NewReply,
    ) -> Result<ReplyChange, AppError> {
        let id = current.id;
        let now = self.clock.now();
        if reply.body.trim().is_empty() {
            return Err(AppError::invalid("body", "must not be empty"));
        }
        if reply.body.len() > paydesk_domain::message::BODY_MAX {
            return Err(AppError::invalid(
                "body",
                format!("at most {} bytes", paydesk_domain::message::BODY_MAX),
            ));
        }
        refuse_nul("body", &reply.body)?;
        refuse_unstorable_in_attachments(&reply.attachments)?;
        let mut events = Vec::new();
        let body = redacted(&reply.body, "body", Some(id), actor, now, &mut events);
        let attachments =
            redacted_attachments(&reply.attachments, Some(id), actor, now, &mut events);
        let mut next = current.clone();
        let (actor, author) = if reply.from_customer {
            if reply.visibility == Visibility::Internal {
                return Err(AppError::invalid(
                    "visibility",
                    "a customer's message is always public",
                ));
            }
            (
                current
                    .customer_id
                    .map_or_else(|| actor.clone(), |id| Actor::Customer { id }),
                Author::Customer {
                    id: current.customer_id,
                },
            )
        } else {
            (actor.clone(), author_of(actor))
        };
        let change = match (reply.from_customer, reply.visibility) {
            (true, _) => {
                let was_solved = next.status == Status::Solved;
                let change = next.on_customer_reply(now)?;
                if was_solved {
                    events.push(NewEvent::ticket(
                        Some(id),
                        &actor,
                        now,
                        EventKind::Reopened,
                        json!({ "by": "customer_reply" }),
                    ));
                }
                change
            }
            (false, Visibility::Public) => next.on_agent_reply(now)?,
            (false, Visibility::Internal) => {
                if next.status == Status::Closed {
                    return Err(paydesk_domain::DomainError::TicketClosed.into());
                }
                None
            }
        };
        events.extend(NewEvent::from_changes(id, &actor, now, change.as_slice()));
        events.insert(
            0,
            NewEvent::ticket(
                Some(id),
                &actor,
                now,
                EventKind::MessageAdded,
                json!({ "visibility": reply.visibility }),
            ),
        );
        next.version += 1;
        next.updated_at = now;
        let message = NewMessage {
            at: now,
            visibility: reply.visibility,
            author,
            body,
            attachments,
        };
        Ok(ReplyChange {
            next,
            events,
            message,
            actor,
            is_public_staff_reply: !reply.from_customer && reply.visibility == Visibility::Public,
        })
    }

    /// Changes status, priority, assignee, tags, category, queue or subject. With
    /// `expected_version`, a ticket changed meanwhile is refused with
    /// [`AppError::VersionConflict`] rather than overwritten.
    pub async fn change_ticket(
        &self,
        caller: &Caller,
        id: TicketId,
        change: TicketChange,
    ) -> Result<Ticket, AppError> {
        caller.require(Action::TicketUpdate)?;
        let actor = &caller.actor();
        let now = self.clock.now();
        let current = self.visible_ticket(caller, id).await?;
        if let Some(queue) = change.patch.queue_id
            && !self.queue_in_scope(caller, queue).await?
        {
            return Err(AppError::invalid(
                "queue_id",
                "you cannot move a ticket to a queue you do not work",
            ));
        }
        check_version(&current, change.expected_version)?;
        let mut events = Vec::new();
        let mut patch = change.patch;
        refuse_tag_fields(
            patch.tags.as_deref().unwrap_or_default(),
            patch.category.as_ref().and_then(Option::as_deref),
        )?;
        if let Some(subject) = &patch.subject {
            refuse_nul("subject", subject)?;
            patch.subject = Some(redacted(
                subject,
                "subject",
                Some(id),
                actor,
                now,
                &mut events,
            ));
        }
        let mut next = current.clone();
        let changes = next.apply(&patch, now)?;
        if changes.is_empty() {
            return Ok(current);
        }
        self.guard_solve(&current, &next).await?;
        if changes
            .iter()
            .any(|c| c.field == "status" && c.from == json!("solved") && c.to == json!("open"))
        {
            events.push(NewEvent::ticket(
                Some(id),
                actor,
                now,
                EventKind::Reopened,
                json!({ "by": "change" }),
            ));
        }
        events.extend(NewEvent::from_changes(id, actor, now, &changes));
        if next.assignee_id != current.assignee_id {
            events.push(paydesk_domain::routing::assigned_event(
                &current,
                &next,
                actor,
                now,
                paydesk_domain::routing::AssignReason::Manual,
            ));
        }
        super::from_where(caller, &mut events);
        let saved = self
            .store
            .update_ticket(&next, current.version, &events, None)
            .await;
        self.conflict_aware(saved, &current).await?;
        Ok(next)
    }

    pub(crate) async fn conflict_aware<T>(
        &self,
        result: Result<T, StoreError>,
        read: &Ticket,
    ) -> Result<T, AppError> {
        match result {
            Err(StoreError::VersionConflict { .. }) => {
                let now = self.store.ticket(read.id).await?;
                Err(AppError::VersionConflict {
                    entity: "ticket",
                    sent: read.version,
                    current: now.version,
                })
            }
            other => other.map_err(AppError::from),
        }
    }
}
