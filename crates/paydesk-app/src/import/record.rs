//! One imported ticket made into what the store keeps: the ticket with its original times
//! and status, every message (redacted) with its own time and author, its events, the key
//! that records its source id, and the customer to find or create for its requester.
//!
//! The ticket and its first message are built by [`App::ticket_record`], so an import
//! applies exactly the rules and redaction of a ticket created by hand.

use super::{ImportedAuthor, ImportedMessage, ImportedTicket, Requester, fields};
use crate::App;
use crate::error::AppError;
use crate::tickets::{NewTicketInput, redacted, refuse_nul, refuse_unstorable};
use paydesk_domain::customer::{NewCustomer, Tier, normalize_email};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{Author, BODY_MAX, NewMessage, Visibility};
use paydesk_domain::ticket::{BusinessLine, Status};
use paydesk_domain::{Actor, CustomerId, DomainError, QueueId, Timestamp, UserId};
use paydesk_store::{IdempotencyKey, TicketRecord};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// The longest source id kept as it is.
const EXTERNAL_ID_MAX: usize = 255;

/// A customer name longer than this is cut (names are free text, never a reason to refuse).
const NAME_MAX: usize = 200;

/// A ticket ready to insert, with the customer its requester should become.
pub(crate) struct Prepared {
    pub record: TicketRecord,
    pub key: IdempotencyKey,
    /// Validated, its name redacted; found by its email or created.
    pub requester: Option<NewCustomer>,
}

/// Makes `customer` the ticket's customer and the author of its customer messages.
pub(crate) fn attach(record: &mut TicketRecord, customer: CustomerId) {
    record.ticket.customer_id = Some(customer);
    for m in &mut record.messages {
        if m.author == (Author::Customer { id: None }) {
            m.author = Author::Customer { id: Some(customer) };
        }
    }
    for e in &mut record.events {
        if e.kind == EventKind::TicketCreated
            && let Some(data) = e.data.as_object_mut()
        {
            data.insert("customer_id".into(), json!(customer));
        }
    }
}

/// What every row of one import shares.
pub(crate) struct Context<'a> {
    pub app: &'a App,
    pub actor: &'a Actor,
    pub ip: Option<&'a str>,
    /// `import:<source>`: where the source ids are recorded.
    pub scope: &'a str,
    pub default_line: Option<BusinessLine>,
    /// Queues the caller may put tickets in, by key.
    pub queues: &'a HashMap<String, QueueId>,
    /// Whether the caller may create tickets outside any queue.
    pub may_leave_unqueued: bool,
    /// The desk's users by email, for messages written by staff.
    pub staff: &'a HashMap<String, Option<UserId>>,
    pub now: Timestamp,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The source id as recorded: as it is, or its hash when it looks like card data (a long
/// numeric id passes the Luhn test one time in ten), so that no card number is stored.
fn recorded_id(external_id: &str) -> Result<(String, String), AppError> {
    let id = external_id.trim();
    if id.is_empty() {
        return Err(AppError::invalid("external_id", "missing"));
    }
    if id.chars().count() > EXTERNAL_ID_MAX || id.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "external_id",
            format!("1-{EXTERNAL_ID_MAX} characters, no control characters"),
        ));
    }
    if paydesk_domain::redaction::contains_card_data(id) {
        let masked = paydesk_domain::redaction::redact(id).text;
        return Ok((format!("sha256:{}", hex(&Sha256::digest(id))), masked));
    }
    Ok((id.to_string(), id.to_string()))
}

/// The key a row is recorded under (see [`recorded_id`]); for rows read in any state.
pub(crate) fn key_of(external_id: &str) -> Option<String> {
    recorded_id(external_id).ok().map(|(key, _)| key)
}

/// A domain rule's refusal, named after the import's field.
fn as_field(prefix: &str, e: DomainError) -> AppError {
    match e {
        DomainError::Invalid { field, reason } => {
            let field = if field == "emails" { "email" } else { field };
            AppError::invalid(format!("{prefix}{field}"), reason)
        }
        other => other.into(),
    }
}

impl Context<'_> {
    /// Validates, redacts and builds one ticket. Errors: [`AppError::Invalid`] naming the
    /// field at fault (as the import formats name it).
    pub(crate) fn prepare(&self, t: &ImportedTicket) -> Result<Prepared, AppError> {
        let (key, shown_id) = recorded_id(&t.external_id)?;
        let line = t.business_line.or(self.default_line).ok_or_else(|| {
            AppError::invalid(
                "business_line",
                "missing, and the import has no default (--business-line)",
            )
        })?;
        let queue_id = self.queue(t.queue.as_deref())?;
        let requester = t
            .requester
            .as_ref()
            .map(|r| self.customer(r, line))
            .transpose()?
            .flatten();
        let Some((first, rest)) = t.messages.split_first() else {
            return Err(AppError::invalid(
                "description",
                "must not be empty: say what happened",
            ));
        };
        let created = t.created_at.unwrap_or(self.now);
        let input = NewTicketInput {
            subject: t.subject.clone(),
            body: self.body_of(first),
            priority: t.priority,
            channel: t.channel,
            business_line: line,
            category: t.category.clone(),
            tags: t.tags.clone(),
            queue_id,
            assignee_id: None,
            customer_id: None,
            language: "en".into(),
            attachments: vec![],
        };
        let mut record = self
            .app
            .ticket_record(self.actor, input)
            .map_err(|e| match e {
                AppError::Invalid { field, reason } if field == "body" => {
                    AppError::invalid("description", reason)
                }
                other => other,
            })?;
        for e in &mut record.events {
            e.at = created;
            if e.kind == EventKind::TicketCreated
                && let Some(data) = e.data.as_object_mut()
            {
                data.insert("status".into(), json!(t.status));
                data.insert(
                    "imported".into(),
                    json!({ "source": self.scope, "external_id": shown_id }),
                );
            }
        }
        if let Some(m) = record.messages.first_mut() {
            m.at = first.at.unwrap_or(created);
            m.visibility = visibility(first);
            m.author = self.author(&first.author);
            for e in &mut record.events {
                if e.kind == EventKind::MessageAdded {
                    e.at = m.at;
                    e.data["visibility"] = json!(m.visibility);
                }
            }
        }
        for (i, m) in rest.iter().enumerate() {
            self.add_message(&mut record, m, created)
                .map_err(|e| AppError::invalid(format!("comments[{}]", i + 1), e.to_string()))?;
        }
        self.set_times(&mut record, t, created);
        record.events.push(NewEvent::ticket(
            None,
            self.actor,
            self.now,
            EventKind::TicketImported,
            json!({
                "source": self.scope,
                "external_id": shown_id,
                "messages": record.messages.len(),
            }),
        ));
        for e in &mut record.events {
            e.ip = self.ip.map(str::to_string);
        }
        let key = IdempotencyKey {
            scope: self.scope.to_string(),
            key,
            request_hash: hex(&Sha256::digest(t.raw.as_bytes())),
        };
        Ok(Prepared {
            record,
            key,
            requester,
        })
    }

    fn queue(&self, key: Option<&str>) -> Result<Option<QueueId>, AppError> {
        match key {
            None if self.may_leave_unqueued => Ok(None),
            None => Err(AppError::invalid(
                "queue",
                "missing: name one of the queues you work",
            )),
            Some(k) => self.queues.get(k).copied().map(Some).ok_or_else(|| {
                AppError::invalid(
                    "queue",
                    format!("no queue you work has the key '{}'", fields::shown(k)),
                )
            }),
        }
    }

    /// The requester as a new customer (found by email when it exists); None without an
    /// email, since there is nothing to find them by.
    fn customer(&self, r: &Requester, line: BusinessLine) -> Result<Option<NewCustomer>, AppError> {
        let Some(email) = r.email.as_deref() else {
            return Ok(None);
        };
        refuse_unstorable("requester_email", email)?;
        let email = normalize_email(email).map_err(|e| as_field("requester_", e))?;
        let name = r
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| email.split('@').next().unwrap_or(&email));
        refuse_nul("requester_name", name)?;
        let name: String = paydesk_domain::redaction::redact(name)
            .text
            .chars()
            .take(NAME_MAX)
            .collect();
        let mut external_ids = BTreeMap::new();
        if let Some((system, id)) = &r.source_id {
            refuse_nul("requester_id", id)?;
            external_ids.insert(system.clone(), id.clone());
        }
        NewCustomer {
            business_line: line,
            name,
            emails: vec![email],
            phone: None,
            country: None,
            locale: None,
            tier: Tier::Standard,
            external_ids,
        }
        .validated()
        .map(Some)
        .map_err(|e| as_field("requester_", e))
    }

    fn author(&self, author: &ImportedAuthor) -> Author {
        match author {
            ImportedAuthor::Requester => Author::Customer { id: None },
            ImportedAuthor::Other { email, .. } => match self.staff_user(email.as_deref()) {
                Some(id) => Author::User { id },
                None => Author::System,
            },
        }
    }

    fn staff_user(&self, email: Option<&str>) -> Option<UserId> {
        let email = email?.trim().to_lowercase();
        self.staff.get(&email).copied().flatten()
    }

    /// The text of a message; one by someone who is not a user of the desk says who wrote it.
    fn body_of(&self, m: &ImportedMessage) -> String {
        match &m.author {
            ImportedAuthor::Other { name, email }
                if self.staff_user(email.as_deref()).is_none() =>
            {
                format!("{} wrote:\n\n{}", name.trim(), m.body)
            }
            _ => m.body.clone(),
        }
    }

    fn add_message(
        &self,
        record: &mut TicketRecord,
        m: &ImportedMessage,
        created: Timestamp,
    ) -> Result<(), AppError> {
        let body = self.body_of(m);
        refuse_nul("body", &body)?;
        if body.len() > BODY_MAX {
            return Err(AppError::invalid(
                "body",
                format!("at most {BODY_MAX} bytes"),
            ));
        }
        let at = m.at.unwrap_or(created);
        let body = redacted(&body, "body", None, self.actor, at, &mut record.events);
        let visibility = visibility(m);
        record.messages.push(NewMessage {
            at,
            visibility,
            author: self.author(&m.author),
            body,
            attachments: vec![],
        });
        record.events.push(NewEvent::ticket(
            None,
            self.actor,
            at,
            EventKind::MessageAdded,
            json!({ "visibility": visibility }),
        ));
        Ok(())
    }

    /// The ticket's own times: created as the source says, last changed with its latest
    /// message (or the source's last change), solved and closed then if it is.
    fn set_times(&self, record: &mut TicketRecord, t: &ImportedTicket, created: Timestamp) {
        let latest = record
            .messages
            .iter()
            .map(|m| m.at)
            .chain(t.updated_at)
            .fold(created, Timestamp::max);
        let ticket = &mut record.ticket;
        ticket.status = t.status;
        ticket.created_at = created;
        ticket.updated_at = latest;
        let done = t.updated_at.unwrap_or(latest);
        ticket.solved_at = matches!(t.status, Status::Solved | Status::Closed).then_some(done);
        ticket.closed_at = (t.status == Status::Closed).then_some(done);
    }
}

fn visibility(m: &ImportedMessage) -> Visibility {
    if m.is_public {
        Visibility::Public
    } else {
        Visibility::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_like_ids_are_kept_as_hashes() {
        let (key, shown) = recorded_id("4111111111111111").unwrap();
        assert!(key.starts_with("sha256:") && !key.contains("4111111111111111"));
        assert!(!shown.contains("4111111111111111"));
        assert_eq!(recorded_id(" 42 ").unwrap(), ("42".into(), "42".into()));
        assert!(recorded_id("a\u{0}b").is_err());
    }
}
