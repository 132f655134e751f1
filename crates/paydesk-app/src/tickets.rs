//! Ticket use cases: create (idempotently), read, list, reply, change, timeline.

mod change;
mod input;
mod names;
mod read;

pub use input::{NewTicketInput, TicketChange};

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{Author, Message, NewMessage, Visibility};
use paydesk_domain::policy::Action;
use paydesk_domain::redaction::redact;
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{Actor, TicketId};
use paydesk_store::{IdempotencyKey, StoreError, TicketRecord};
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

/// Redacts attachments on the way in: every filename, and the content of text files
/// (any `text/*` type, or bytes that are UTF-8 text). Binary files are kept as they are.
pub(crate) fn redacted_attachments(
    attachments: &[paydesk_domain::message::AttachmentMeta],
    ticket_id: Option<TicketId>,
    actor: &Actor,
    at: paydesk_domain::Timestamp,
    events: &mut Vec<NewEvent>,
) -> Vec<paydesk_domain::message::AttachmentMeta> {
    attachments
        .iter()
        .map(|a| {
            let mut a = a.clone();
            a.filename = redacted(&a.filename, "attachment_name", ticket_id, actor, at, events);
            if let Some(content) = a.content.take() {
                let text = match std::str::from_utf8(&content) {
                    Ok(t) if !t.contains('\0') => Some(t.to_string()),
                    _ if a.content_type.to_ascii_lowercase().starts_with("text/") => {
                        Some(String::from_utf8_lossy(&content).into_owned())
                    }
                    _ => None,
                };
                let content = match text {
                    Some(t) => redacted(&t, "attachment_content", ticket_id, actor, at, events)
                        .into_bytes(),
                    None => content,
                };
                a.size_bytes = i64::try_from(content.len()).unwrap_or(i64::MAX);
                a.has_content = true;
                a.content = Some(content);
            }
            a
        })
        .collect()
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

/// For short structured fields (tags, category, emails, languages) that cannot be masked
/// in place: refuses NUL characters and anything that looks like card data, so that a
/// card number typed into the wrong box is refused rather than stored.
pub(crate) fn refuse_unstorable(field: &str, text: &str) -> Result<(), AppError> {
    refuse_nul(field, text)?;
    if paydesk_domain::redaction::contains_card_data(text) {
        return Err(AppError::invalid(
            field,
            "looks like a card number or security code; never send card data",
        ));
    }
    Ok(())
}

/// Tags and category are labels: a card number in one is refused, not masked.
pub(crate) fn refuse_tag_fields(tags: &[String], category: Option<&str>) -> Result<(), AppError> {
    for tag in tags {
        refuse_unstorable("tags", tag)?;
    }
    refuse_unstorable("category", category.unwrap_or(""))
}

/// Filenames are free text, masked later like a body; a media type is a label, so card
/// data in one is refused, like a tag.
pub(crate) fn refuse_unstorable_in_attachments(
    attachments: &[paydesk_domain::message::AttachmentMeta],
) -> Result<(), AppError> {
    for a in attachments {
        refuse_nul("attachments.filename", &a.filename)?;
        refuse_unstorable("attachments.content_type", &a.content_type)?;
    }
    Ok(())
}

pub(crate) fn author_of(actor: &Actor) -> Author {
    match actor {
        Actor::User { id } => Author::User { id: *id },
        Actor::Customer { id } => Author::Customer { id: Some(*id) },
        Actor::Api { .. } | Actor::System | Actor::Rule { .. } => Author::System,
    }
}

impl App {
    /// Creates a ticket with its first message. With an idempotency key, a retry of the same
    /// request returns the ticket made the first time (`is_new == false`), never a second one;
    /// the same key with a different request is refused.
    pub async fn create_ticket(
        &self,
        caller: &Caller,
        input: NewTicketInput,
        idempotency_key: Option<&str>,
    ) -> Result<Created, AppError> {
        caller.require(Action::TicketCreate)?;
        if !caller.principal.may_touch(None, input.customer_id) {
            return Err(AppError::Forbidden {
                action: Action::TicketCreate,
            });
        }
        self.check_new_ticket_queue(caller, input.queue_id).await?;
        let actor = &caller.actor();
        let key = match idempotency_key {
            Some(k) => Some(self.idempotency_key(actor, k, &input)?),
            None => None,
        };
        if let Some(k) = &key
            && let Some(found) = self.replay(k).await?
        {
            return Ok(found);
        }
        let mut record = self.ticket_record(actor, input)?;
        self.place(std::slice::from_mut(&mut record)).await?;
        from_where(caller, &mut record.events);
        match self.store.insert_ticket(&record, key.as_ref()).await {
            Ok(ticket) => {
                self.want_routing();
                Ok(Created {
                    ticket,
                    is_new: true,
                })
            }
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
        caller: &Caller,
        inputs: Vec<NewTicketInput>,
    ) -> Result<Vec<TicketId>, AppError> {
        caller.require(Action::TicketCreate)?;
        for input in &inputs {
            self.check_new_ticket_queue(caller, input.queue_id).await?;
        }
        let actor = &caller.actor();
        let records = inputs
            .into_iter()
            .enumerate()
            .map(|(i, input)| {
                let mut record = self.ticket_record(actor, input).map_err(|e| {
                    AppError::invalid(
                        format!("[{i}].{}", e.field().unwrap_or("ticket")),
                        e.to_string(),
                    )
                })?;
                from_where(caller, &mut record.events);
                Ok::<_, AppError>(record)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut records = records;
        self.place(&mut records).await?;
        let ids = self.store.insert_tickets(&records).await?;
        self.want_routing();
        Ok(ids)
    }

    /// Builds the stored form of a new ticket: redacted texts, first message, events.
    pub fn ticket_record(
        &self,
        actor: &Actor,
        input: NewTicketInput,
    ) -> Result<TicketRecord, AppError> {
        refuse_nul("subject", &input.subject)?;
        refuse_nul("body", &input.body)?;
        refuse_unstorable_in_attachments(&input.attachments)?;
        refuse_tag_fields(&input.tags, input.category.as_deref())?;
        refuse_unstorable("language", &input.language)?;
        let now = self.clock.now();
        let mut events = Vec::new();
        let subject = redacted(&input.subject, "subject", None, actor, now, &mut events);
        let body = redacted(&input.body, "body", None, actor, now, &mut events);
        let attachments = redacted_attachments(&input.attachments, None, actor, now, &mut events);
        let ticket = input.validated_ticket(subject, now)?;
        events.insert(
            0,
            NewEvent::ticket(
                None,
                actor,
                now,
                EventKind::TicketCreated,
                json!({
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
        let key = checked_idempotency_key(key)?;
        let scope = match actor {
            Actor::User { id } => format!("user:{id}"),
            Actor::Customer { id } => format!("customer:{id}"),
            Actor::Api { client } => format!("api:{client}"),
            Actor::System => "system".into(),
            Actor::Rule { id, .. } => format!("rule:{id}"),
        };
        // Keys are client text: keep only their hash, so nothing a client sends there
        // (a card number by mistake) is ever stored.
        Ok(IdempotencyKey {
            scope,
            key: sha256_hex(key),
            request_hash: sha256_hex(&format!("{input:?}")),
        })
    }

    /// A caller limited to some queues may only create tickets in them.
    async fn check_new_ticket_queue(
        &self,
        caller: &Caller,
        queue: Option<paydesk_domain::QueueId>,
    ) -> Result<(), AppError> {
        if self.queue_in_scope(caller, queue).await? {
            Ok(())
        } else {
            Err(AppError::invalid(
                "queue_id",
                "name one of the queues you work",
            ))
        }
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
}

/// A client's `Idempotency-Key`, trimmed: 1-255 visible ASCII characters.
pub(crate) fn checked_idempotency_key(key: &str) -> Result<&str, AppError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "Idempotency-Key",
            "1-255 visible ASCII characters",
        ));
    }
    Ok(key)
}

/// SHA-256 of `text`, in lower-case hex: how client keys and requests are kept.
pub(crate) fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn check_version(current: &Ticket, expected: Option<i64>) -> Result<(), AppError> {
    match expected {
        Some(v) if v != current.version => Err(AppError::VersionConflict {
            entity: "ticket",
            sent: v,
            current: current.version,
        }),
        _ => Ok(()),
    }
}

/// Records where the caller came from on each event of a change.
pub(crate) fn from_where(caller: &Caller, events: &mut [NewEvent]) {
    for e in events {
        e.ip.clone_from(&caller.ip);
    }
}
