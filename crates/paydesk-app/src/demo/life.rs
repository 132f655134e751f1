//! A ticket being lived: its state, what was said and what was recorded. Each step goes
//! through the domain (status machine, patches), every text through the redactor, and
//! nothing happens after the demo's end: the first step past it ends the story.

use super::people::Worker;
use crate::error::AppError;
use paydesk_domain::event::{Change, EventKind, NewEvent};
use paydesk_domain::message::{AttachmentMeta, Author, NewMessage, Visibility};
use paydesk_domain::ticket::{Status, Ticket, TicketPatch};
use paydesk_domain::{Actor, Timestamp};
use paydesk_store::TicketRecord;
use serde_json::json;

/// A ticket being lived: its state, what was said and what was recorded, up to `end`.
pub(super) struct Life {
    end: Timestamp,
    ticket: Ticket,
    messages: Vec<NewMessage>,
    events: Vec<NewEvent>,
    redacted_texts: usize,
    steps: i64,
    last: Timestamp,
    is_over: bool,
}

impl Life {
    /// A life starting with `ticket` (status new) at its creation.
    pub(super) fn new(ticket: Ticket, end: Timestamp) -> Self {
        let last = ticket.created_at;
        Self {
            end,
            ticket,
            messages: Vec::new(),
            events: Vec::new(),
            redacted_texts: 0,
            steps: 0,
            last,
            is_over: false,
        }
    }

    /// The stored form, and how many texts had card data masked.
    pub(super) fn finish(mut self) -> (TicketRecord, usize) {
        self.ticket.version = 1 + self.steps;
        self.ticket.updated_at = self.last;
        (
            TicketRecord {
                ticket: self.ticket,
                messages: self.messages,
                events: self.events,
            },
            self.redacted_texts,
        )
    }

    /// The ticket as it stands now.
    pub(super) fn ticket(&self) -> &Ticket {
        &self.ticket
    }

    pub(super) fn status(&self) -> Status {
        self.ticket.status
    }

    /// `at`, never before the last step; `None` (and the story ends) past the demo's end.
    fn reach(&mut self, at: Timestamp) -> Option<Timestamp> {
        if self.is_over {
            return None;
        }
        let at = at.max(self.last);
        if at > self.end {
            self.is_over = true;
            return None;
        }
        self.last = at;
        Some(at)
    }

    /// `text` with card data masked, and the event recording what was masked (counts only).
    fn redacted(
        &mut self,
        text: &str,
        field: &str,
        actor: &Actor,
        at: Timestamp,
    ) -> (String, Option<NewEvent>) {
        let mut events = Vec::new();
        let text = crate::tickets::redacted(text, field, None, actor, at, &mut events);
        let event = events.pop();
        if event.is_some() {
            self.redacted_texts += 1;
        }
        (text, event)
    }

    /// Records the creation: the ticket's first state (subject redacted) and its first message.
    pub(super) fn created(&mut self, actor: &Actor, author: Author, body: &str) {
        let at = self.ticket.created_at;
        let subject = self.ticket.subject.clone();
        let (subject, subject_event) = self.redacted(&subject, "subject", actor, at);
        let (body, body_event) = self.redacted(body, "body", actor, at);
        self.ticket.subject = subject;
        let t = &self.ticket;
        self.events.push(NewEvent::ticket(
            None,
            actor,
            at,
            EventKind::TicketCreated,
            json!({
                "status": t.status,
                "priority": t.priority,
                "channel": t.channel,
                "business_line": t.business_line,
                "category": t.category,
                "tags": t.tags,
                "queue_id": t.queue_id,
                "assignee_id": t.assignee_id,
                "customer_id": t.customer_id,
            }),
        ));
        self.events.push(NewEvent::ticket(
            None,
            actor,
            at,
            EventKind::MessageAdded,
            json!({ "visibility": "public", "first": true }),
        ));
        self.events
            .extend(subject_event.into_iter().chain(body_event));
        self.messages.push(NewMessage {
            at,
            visibility: Visibility::Public,
            author,
            body,
            attachments: vec![],
        });
    }

    fn post(
        &mut self,
        at: Timestamp,
        actor: &Actor,
        author: Author,
        visibility: Visibility,
        body: &str,
        attachments: Vec<AttachmentMeta>,
    ) {
        self.events.push(NewEvent::ticket(
            None,
            actor,
            at,
            EventKind::MessageAdded,
            json!({ "visibility": visibility }),
        ));
        let (body, event) = self.redacted(body, "body", actor, at);
        self.events.extend(event);
        self.messages.push(NewMessage {
            at,
            visibility,
            author,
            body,
            attachments,
        });
        self.steps += 1;
    }

    fn changed(&mut self, at: Timestamp, actor: &Actor, changes: &[Change]) {
        for c in changes {
            self.events.push(NewEvent::ticket(
                None,
                actor,
                at,
                EventKind::FieldChanged,
                c.to_data(),
            ));
        }
    }

    /// The customer writes; a pending or solved ticket opens again (a solve is a reopen).
    pub(super) fn customer(
        &mut self,
        at: Timestamp,
        body: &str,
        attachments: Vec<AttachmentMeta>,
    ) -> Result<bool, AppError> {
        let Some(at) = self.reach(at) else {
            return Ok(false);
        };
        let Some(id) = self.ticket.customer_id else {
            return Ok(false);
        };
        let actor = Actor::Customer { id };
        let was_solved = self.ticket.status == Status::Solved;
        self.post(
            at,
            &actor,
            Author::Customer { id: Some(id) },
            Visibility::Public,
            body,
            attachments,
        );
        let change = self.ticket.on_customer_reply(at)?;
        if was_solved {
            self.events.push(NewEvent::ticket(
                None,
                &actor,
                at,
                EventKind::Reopened,
                json!({ "by": "customer_reply" }),
            ));
        }
        self.changed(at, &actor, change.as_slice());
        Ok(true)
    }

    /// A staff member writes a public reply or an internal note.
    pub(super) fn staff(
        &mut self,
        at: Timestamp,
        who: &Worker,
        visibility: Visibility,
        body: &str,
    ) -> Result<bool, AppError> {
        let Some(at) = self.reach(at) else {
            return Ok(false);
        };
        let actor = Actor::User { id: who.id };
        self.post(
            at,
            &actor,
            Author::User { id: who.id },
            visibility,
            body,
            vec![],
        );
        if visibility == Visibility::Public {
            let change = self.ticket.on_agent_reply(at)?;
            self.changed(at, &actor, change.as_slice());
        }
        Ok(true)
    }

    /// A change to the ticket's fields, by `actor`.
    pub(super) fn change(
        &mut self,
        at: Timestamp,
        actor: &Actor,
        patch: &TicketPatch,
    ) -> Result<bool, AppError> {
        let Some(at) = self.reach(at) else {
            return Ok(false);
        };
        let changes = self.ticket.apply(patch, at)?;
        if !changes.is_empty() {
            self.steps += 1;
        }
        self.changed(at, actor, &changes);
        Ok(true)
    }

    pub(super) fn set_status(
        &mut self,
        at: Timestamp,
        who: &Worker,
        status: Status,
    ) -> Result<bool, AppError> {
        let patch = TicketPatch {
            status: Some(status),
            ..TicketPatch::default()
        };
        self.change(at, &Actor::User { id: who.id }, &patch)
    }
}
