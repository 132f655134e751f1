//! Ticket use cases: create (idempotently), read, list, reply, change, timeline.

mod input;

pub use input::{NewTicketInput, TicketChange};

use crate::App;
use crate::error::AppError;
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{Author, Message, NewMessage, Visibility};
use paydesk_domain::redaction::redact;
use paydesk_domain::ticket::{Status, Ticket};
use paydesk_domain::{Actor, TicketId};
use paydesk_store::{IdempotencyKey, Page, PageRequest, StoreError, TicketFilter, TicketRecord};
use serde_json::json;
use sha2::{Digest, Sha256};

/// A ticket with its messages, as shown on the ticket page.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketView {
    pub ticket: Ticket,
    pub messages: Vec<Message>,
}

/// The result of a create: the ticket and whether this call made it (false when an
/// idempotency key replayed an earlier create).
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub ticket: Ticket,
    pub is_new: bool,
}

/// A message to add to a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReply {
    pub visibility: Visibility,
    /// The customer wrote it (relayed by a channel); otherwise the actor did.
    pub from_customer: bool,
    pub body: String,
    pub attachments: Vec<paydesk_domain::message::AttachmentMeta>,
    /// If given, the ticket must still be at this version.
    pub expected_version: Option<i64>,
}

/// Redacts one incoming text, recording an event when something was masked.
pub(crate) fn redacted(
    text: &str,
    field: &str,
    ticket_id: Option<TicketId>,
    actor: &Actor,
    at: paydesk_domain::Timestamp,
    events: &mut Vec<NewEvent>,
) -> String {
    let r = redact(text);
    if r.count() > 0 {
        events.push(NewEvent::ticket(
            ticket_id,
            actor,
            at,
            EventKind::Redacted,
            json!({ "field": field, "card_numbers": r.card_numbers, "security_codes": r.security_codes }),
        ));
    }
    r.text
}

/// Refuses text holding NUL: PostgreSQL cannot store it, so neither engine is given it and
/// the caller hears which field is at fault instead of a storage failure.
pub(crate) fn refuse_nul(field: &str, text: &str) -> Result<(), AppError> {
    if text.contains('\0') {
        return Err(AppError::invalid(
            field,
            "must not contain NUL (U+0000) characters",
        ));
    }
    Ok(())
}

fn refuse_nul_in_attachments(
    attachments: &[paydesk_domain::message::AttachmentMeta],
) -> Result<(), AppError> {
    for a in attachments {
        refuse_nul("attachments.filename", &a.filename)?;
        refuse_nul("attachments.content_type", &a.content_type)?;
    }
    Ok(())
}

fn author_of(actor: &Actor) -> Author {
    match actor {
        Actor::User { id } => Author::User { id: *id },
        Actor::Customer { id } => Author::Customer { id: Some(*id) },
        Actor::Api { .. } | Actor::System => Author::System,
    }
}

impl App {
    /// Creates a ticket with its first message. With an idempotency key, a retry of the same
    /// request returns the ticket made the first time (`is_new == false`), never a second one;
    /// the same key with a different request is refused.
    pub async fn create_ticket(
        &self,
        actor: &Actor,
        input: NewTicketInput,
        idempotency_key: Option<&str>,
    ) -> Result<Created, AppError> {
        let key = match idempotency_key {
            Some(k) => Some(self.idempotency_key(actor, k, &input)?),
            None => None,
        };
        if let Some(k) = &key
            && let Some(found) = self.replay(k).await?
        {
            return Ok(found);
        }
        let record = self.ticket_record(actor, input)?;
        match self.store.insert_ticket(&record, key.as_ref()).await {
            Ok(ticket) => Ok(Created {
                ticket,
                is_new: true,
            }),
            Err(StoreError::Duplicate) => match &key {
                Some(k) => self.replay(k).await?.ok_or(AppError::IdempotencyKeyReused),
                None => Err(AppError::Duplicate("ticket".into())),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// Creates many tickets in one transaction (imports, batch intake): each input is
    /// redacted and validated like [`App::create_ticket`]; one bad input refuses the batch,
    /// naming its index.
    pub async fn create_tickets(
        &self,
        actor: &Actor,
        inputs: Vec<NewTicketInput>,
    ) -> Result<Vec<TicketId>, AppError> {
        let records = inputs
            .into_iter()
            .enumerate()
            .map(|(i, input)| {
                self.ticket_record(actor, input).map_err(|e| {
                    AppError::invalid(
                        format!("[{i}].{}", e.field().unwrap_or("ticket")),
                        e.to_string(),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.store.insert_tickets(&records).await?)
    }

    /// Builds the stored form of a new ticket: redacted texts, first message, events.
    pub fn ticket_record(
        &self,
        actor: &Actor,
        input: NewTicketInput,
    ) -> Result<TicketRecord, AppError> {
        refuse_nul("subject", &input.subject)?;
        refuse_nul("body", &input.body)?;
        refuse_nul_in_attachments(&input.attachments)?;
        let now = self.clock.now();
        let mut events = Vec::new();
        let subject = redacted(&input.subject, "subject", None, actor, now, &mut events);
        let body = redacted(&input.body, "body", None, actor, now, &mut events);
        let attachments = input
            .attachments
            .iter()
            .map(|a| {
                let mut a = a.clone();
                a.filename = redacted(
                    &a.filename,
                    "attachment_name",
                    None,
                    actor,
                    now,
                    &mut events,
                );
                a
            })
            .collect::<Vec<_>>();
        let ticket = input.validated_ticket(subject, now)?;
        events.insert(
            0,
            NewEvent::ticket(
                None,
                actor,
                now,
                EventKind::TicketCreated,
                json!({
                    "subject": ticket.subject,
                    "status": ticket.status,
                    "priority": ticket.priority,
                    "channel": ticket.channel,
                    "business_line": ticket.business_line,
                    "category": ticket.category,
                    "tags": ticket.tags,
                    "queue_id": ticket.queue_id,
                    "assignee_id": ticket.assignee_id,
                    "customer_id": ticket.customer_id,
                }),
            ),
        );
        let author = match (actor, ticket.customer_id) {
            (Actor::User { id }, _) => Author::User { id: *id },
            (_, customer) => Author::Customer { id: customer },
        };
        events.insert(
            1,
            NewEvent::ticket(
                None,
                actor,
                now,
                EventKind::MessageAdded,
                json!({ "visibility": "public", "first": true }),
            ),
        );
        Ok(TicketRecord {
            ticket,
            messages: vec![NewMessage {
                at: now,
                visibility: Visibility::Public,
                author,
                body,
                attachments,
            }],
            events,
        })
    }

    fn idempotency_key(
        &self,
        actor: &Actor,
        key: &str,
        input: &NewTicketInput,
    ) -> Result<IdempotencyKey, AppError> {
        let key = key.trim();
        if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(AppError::invalid(
                "Idempotency-Key",
                "1-255 visible ASCII characters",
            ));
        }
        let scope = match actor {
            Actor::User { id } => format!("user:{id}"),
            Actor::Customer { id } => format!("customer:{id}"),
            Actor::Api { client } => format!("api:{client}"),
            Actor::System => "system".into(),
        };
        let digest = Sha256::digest(format!("{input:?}").as_bytes());
        let request_hash = digest.iter().map(|b| format!("{b:02x}")).collect();
        Ok(IdempotencyKey {
            scope,
            key: key.to_string(),
            request_hash,
        })
    }

    async fn replay(&self, key: &IdempotencyKey) -> Result<Option<Created>, AppError> {
        match self.store.idempotent_ticket(&key.scope, &key.key).await? {
            Some((_, hash)) if hash != key.request_hash => Err(AppError::IdempotencyKeyReused),
            Some((id, _)) => Ok(Some(Created {
                ticket: self.store.ticket(id).await?,
                is_new: false,
            })),
            None => Ok(None),
        }
    }

    /// One ticket with its messages. Errors: [`AppError::NotFound`].
    pub async fn ticket(&self, id: TicketId) -> Result<TicketView, AppError> {
        let ticket = self.store.ticket(id).await?;
        let messages = self.store.messages(id).await?;
        Ok(TicketView { ticket, messages })
    }

    /// Tickets matching `filter`, newest first.
    pub async fn list_tickets(
        &self,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> Result<Page<Ticket>, AppError> {
        refuse_nul("category", filter.category.as_deref().unwrap_or(""))?;
        refuse_nul("tag", filter.tag.as_deref().unwrap_or(""))?;
        Ok(self.store.list_tickets(filter, page).await?)
    }

    /// A ticket's events, oldest first.
    pub async fn timeline(
        &self,
        id: TicketId,
        page: &PageRequest,
    ) -> Result<Page<paydesk_domain::event::Event>, AppError> {
        Ok(self.store.timeline(id, page).await?)
    }

    /// Adds a reply or internal note. A customer's reply reopens a pending or solved
    /// ticket; a staff member's first public reply opens a new one. A closed ticket refuses.
    pub async fn add_message(
        &self,
        actor: &Actor,
        id: TicketId,
        reply: NewReply,
    ) -> Result<(Ticket, Message), AppError> {
        let now = self.clock.now();
        let current = self.store.ticket(id).await?;
        check_version(&current, reply.expected_version)?;
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
        refuse_nul_in_attachments(&reply.attachments)?;
        let mut events = Vec::new();
        let body = redacted(&reply.body, "body", Some(id), actor, now, &mut events);
        let attachments = reply
            .attachments
            .iter()
            .map(|a| {
                let mut a = a.clone();
                a.filename = redacted(
                    &a.filename,
                    "attachment_name",
                    Some(id),
                    actor,
                    now,
                    &mut events,
                );
                a
            })
            .collect();
        let mut next = current.clone();
        let customer_actor;
        let (actor, author) = if reply.from_customer {
            if reply.visibility == Visibility::Internal {
                return Err(AppError::invalid(
                    "visibility",
                    "a customer's message is always public",
                ));
            }
            customer_actor = current.customer_id.map(|id| Actor::Customer { id });
            (
                customer_actor.as_ref().unwrap_or(actor),
                Author::Customer {
                    id: current.customer_id,
                },
            )
        } else {
            (actor, author_of(actor))
        };
        let change = match (reply.from_customer, reply.visibility) {
            (true, _) => {
                let was_solved = next.status == Status::Solved;
                let change = next.on_customer_reply(now)?;
                if was_solved {
                    events.push(NewEvent::ticket(
                        Some(id),
                        actor,
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
        events.extend(NewEvent::from_changes(id, actor, now, change.as_slice()));
        events.insert(
            0,
            NewEvent::ticket(
                Some(id),
                actor,
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
        let stored = self
            .store
            .update_ticket(&next, current.version, &events, Some(&message))
            .await;
        let stored = self.conflict_aware(stored, &current).await?;
        let message = stored.ok_or(AppError::Store(StoreError::Corrupt(
            "message not stored".into(),
        )))?;
        Ok((next, message))
    }

    /// Changes status, priority, assignee, tags, category, queue or subject. With
    /// `expected_version`, a ticket changed meanwhile is refused with
    /// [`AppError::VersionConflict`] rather than overwritten.
    pub async fn change_ticket(
        &self,
        actor: &Actor,
        id: TicketId,
        change: TicketChange,
    ) -> Result<Ticket, AppError> {
        let now = self.clock.now();
        let current = self.store.ticket(id).await?;
        check_version(&current, change.expected_version)?;
        let mut events = Vec::new();
        let mut patch = change.patch;
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
        let saved = self
            .store
            .update_ticket(&next, current.version, &events, None)
            .await;
        self.conflict_aware(saved, &current).await?;
        Ok(next)
    }

    async fn conflict_aware<T>(
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

fn check_version(current: &Ticket, expected: Option<i64>) -> Result<(), AppError> {
    match expected {
        Some(v) if v != current.version => Err(AppError::VersionConflict {
            entity: "ticket",
            sent: v,
            current: current.version,
        }),
        _ => Ok(()),
    }
}
