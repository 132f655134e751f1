//! Chat sessions relayed by the consumer platform: one ticket (channel `chat`) per
//! session, whose messages are the transcript.
//!
//! A session idle longer than its limit ([`crate::settings::IntakeSettings::chat_idle_minutes`]
//! when it started) is ended: by [`App::end_idle_chat_sessions`], which the workers call
//! periodically, and also lazily by whichever read or write meets it first, so that no
//! message ever joins a session that should have ended. Ending records a `chat_ended`
//! event on the ticket and an internal note saying how long the chat had been idle.

use crate::error::AppError;
use crate::tickets::{NewReply, NewTicketInput, from_where};
use crate::{App, Caller};
use paydesk_domain::chat::{ChatSession, ChatStatus};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::message::{Author, Message, Visibility};
use paydesk_domain::policy::Action;
use paydesk_domain::ticket::{BusinessLine, Channel, Ticket};
use paydesk_domain::{CustomerId, DomainError};
use serde_json::json;

/// Sessions ended per batch by the sweep.
const SWEEP_BATCH: i64 = 200;

/// Who the chat is with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatCustomer {
    /// A known customer.
    Id(CustomerId),
    /// By email: the customer with it, or a new one.
    Email { email: String, name: String },
}

/// A chat session to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChat {
    pub customer: ChatCustomer,
    pub business_line: BusinessLine,
    /// The customer's first message, if the chat starts with one.
    pub first_message: Option<String>,
    /// BCP 47; `en` when absent.
    pub language: Option<String>,
}

/// Who wrote a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatAuthor {
    /// The customer, relayed by the platform.
    Customer,
    /// The caller itself: a staff member (or a system) that may reply.
    Agent,
}

impl App {
    /// Starts a session and its ticket in one transaction.
    ///
    /// Errors: [`AppError::Forbidden`] without `ticket_create`; [`AppError::Invalid`]
    /// naming the field (an unknown `customer_id`, a bad email or language).
    pub async fn start_chat(
        &self,
        caller: &Caller,
        chat: NewChat,
    ) -> Result<(ChatSession, Ticket), AppError> {
        caller.require(Action::TicketCreate)?;
        let customer = match &chat.customer {
            ChatCustomer::Id(id) => match self.store.customer(*id).await {
                Ok(c) => c,
                Err(paydesk_store::StoreError::NotFound { .. }) => {
                    return Err(AppError::invalid("customer_id", "no customer has this id"));
                }
                Err(e) => return Err(e.into()),
            },
            ChatCustomer::Email { email, name } => {
                self.intake_customer(email, name, chat.business_line, caller.ip.as_deref())
                    .await?
            }
        };
        let first = chat
            .first_message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        let subject = match first {
            Some(text) => format!("Chat: {}", crate::portal::opening_words(text)),
            None => "Chat".to_string(),
        };
        let body = chat.first_message.clone().filter(|_| first.is_some());
        let mut input = NewTicketInput::new(
            &subject,
            body.as_deref().unwrap_or("Chat started."),
            chat.business_line,
            Channel::Chat,
        );
        input.customer_id = Some(customer.id);
        if let Some(language) = chat.language {
            input.language = language;
        }
        let actor = caller.actor();
        let mut record = self.ticket_record(&actor, input)?;
        self.place(std::slice::from_mut(&mut record)).await?;
        if body.is_none() {
            // No words of the customer's yet: the opening line is paydesk's.
            if let Some(m) = record.messages.first_mut() {
                m.author = Author::System;
            }
        }
        let idle_minutes = self.intake().chat_idle_minutes;
        record.events.push(NewEvent::ticket(
            None,
            &actor,
            self.now(),
            EventKind::ChatStarted,
            json!({ "idle_minutes": idle_minutes }),
        ));
        from_where(caller, &mut record.events);
        let (ticket, session) = self
            .store
            .insert_chat_session(&record, customer.id, idle_minutes)
            .await?;
        Ok((session, ticket))
    }

    /// One session, ended first if it has been idle too long.
    /// Errors: [`AppError::NotFound`], also for sessions whose ticket the caller may not see.
    pub async fn chat_session(&self, caller: &Caller, id: i64) -> Result<ChatSession, AppError> {
        let session = self.readable_session(caller, id).await?;
        self.end_if_idle(session).await
    }

    /// A session with its transcript: the ticket's public messages, oldest first.
    pub async fn chat_transcript(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<(ChatSession, Vec<Message>), AppError> {
        let session = self.chat_session(caller, id).await?;
        let messages = self
            .store
            .messages(session.ticket_id)
            .await?
            .into_iter()
            .filter(|m| m.visibility == Visibility::Public)
            .collect();
        Ok((session, messages))
    }

    /// Adds a message to an active session's ticket (redacted, as every message is) and
    /// keeps the session alive. A customer's message reopens a solved ticket.
    ///
    /// Errors: [`AppError::ChatEnded`] when the session has ended or was idle too long
    /// (it is ended now); [`AppError::Invalid`] for an empty body; `ticket_closed`.
    pub async fn add_chat_message(
        &self,
        caller: &Caller,
        id: i64,
        from: ChatAuthor,
        body: String,
    ) -> Result<(ChatSession, Message), AppError> {
        caller.require(Action::TicketReply)?;
        let session = self.readable_session(caller, id).await?;
        if body.trim().is_empty() {
            return Err(AppError::invalid("body", "must not be empty"));
        }
        let session = self.end_if_idle(session).await?;
        let now = self.now();
        if session.status == ChatStatus::Ended || !self.store.touch_chat_session(id, now).await? {
            return Err(AppError::ChatEnded);
        }
        let reply = NewReply {
            visibility: Visibility::Public,
            from_customer: from == ChatAuthor::Customer,
            body,
            attachments: vec![],
            expected_version: None,
        };
        let (_, message) = self.add_message(caller, session.ticket_id, reply).await?;
        Ok((
            ChatSession {
                last_activity_at: now,
                ..session
            },
            message,
        ))
    }

    /// Ends every session idle longer than its limit; returns how many were ended. Each
    /// gets a `chat_ended` event and an internal note on its ticket ("chat ended after N
    /// minutes idle"). Safe to run on several instances at once: a session ends once.
    ///
    /// Errors: [`AppError::Forbidden`] unless the caller may write internal notes (the
    /// workers call it as the system).
    pub async fn end_idle_chat_sessions(&self, caller: &Caller) -> Result<usize, AppError> {
        caller.require(Action::TicketNote)?;
        let mut ended = 0;
        loop {
            let now = self.now();
            let batch = self.store.idle_chat_sessions(now, SWEEP_BATCH).await?;
            let full = i64::try_from(batch.len()).unwrap_or(i64::MAX) >= SWEEP_BATCH;
            let mut progress = 0;
            for session in &batch {
                if self.end_idle(caller, session).await?.is_some() {
                    progress += 1;
                }
            }
            ended += progress;
            if !full || progress == 0 {
                return Ok(ended);
            }
        }
    }

    /// The session, if the caller may read chats and see its ticket.
    async fn readable_session(&self, caller: &Caller, id: i64) -> Result<ChatSession, AppError> {
        if caller.require(Action::TicketRead).is_err() {
            caller.require(Action::TicketReply)?;
        }
        let session = self.store.chat_session(id).await?;
        self.visible_ticket(caller, session.ticket_id)
            .await
            .map_err(|e| match e {
                AppError::NotFound { .. } => AppError::NotFound {
                    entity: "chat session",
                },
                other => other,
            })?;
        Ok(session)
    }

    /// Ends `session` now if it is idle (as paydesk itself), and returns it as it stands.
    async fn end_if_idle(&self, session: ChatSession) -> Result<ChatSession, AppError> {
        if !session.is_idle_at(self.now()) {
            return Ok(session);
        }
        match self.end_idle(&Caller::system(), &session).await? {
            Some(ended) => Ok(ended),
            None => Ok(self.store.chat_session(session.id).await?),
        }
    }

    /// Ends one idle session with its event, then notes it on the ticket. `None` when it
    /// was no longer idle (a message came, or another instance ended it first).
    async fn end_idle(
        &self,
        caller: &Caller,
        session: &ChatSession,
    ) -> Result<Option<ChatSession>, AppError> {
        let now = self.now();
        let minutes = session.idle_minutes_at(now);
        let event = NewEvent::ticket(
            Some(session.ticket_id),
            &caller.actor(),
            now,
            EventKind::ChatEnded,
            json!({ "session_id": session.id, "reason": "idle", "idle_minutes": minutes }),
        )
        .from_ip(caller.ip.as_deref());
        let Some(ended) = self
            .store
            .end_idle_chat_session(session.id, now, &event)
            .await?
        else {
            return Ok(None);
        };
        let note = NewReply {
            visibility: Visibility::Internal,
            from_customer: false,
            body: format!("Chat ended after {minutes} minutes idle."),
            attachments: vec![],
            expected_version: None,
        };
        match self.add_message(caller, session.ticket_id, note).await {
            // A closed ticket takes no notes; the event records the end.
            Ok(_) | Err(AppError::Domain(DomainError::TicketClosed)) => Ok(Some(ended)),
            Err(e) => Err(e),
        }
    }
}
