//! Email intake: one raw RFC 5322 message in, and it lands as a new ticket, a reply on
//! the ticket it answers, or a kept mail with the reason (auto-replies and bounces, which
//! never open tickets and are never answered). Mail that cannot be parsed is kept raw on a
//! ticket of its own with a warning: nothing is dropped.
//!
//! Threading: a reply finds its ticket through In-Reply-To and References (every
//! Message-ID paydesk received or sent is recorded), then through a `[PD-n]` token in the
//! subject, and never through the subject's words alone. A mail delivered twice (same
//! Message-ID, or the same bytes when it has none) lands once.

mod compose;
mod kept;

use crate::error::AppError;
use crate::tickets::{NewReply, NewTicketInput};
use crate::{App, Caller};
use paydesk_domain::customer::{NewCustomer, Tier, normalize_email};
use paydesk_domain::message::{AttachmentMeta, Visibility};
use paydesk_domain::policy::Action;
use paydesk_domain::redaction::{contains_card_data, redact};
use paydesk_domain::ticket::{BusinessLine, Channel, Status, Ticket};
use paydesk_domain::{CustomerId, QueueId, TicketId};
use paydesk_mail::{InboundMail, MailKind};
use paydesk_store::{KeptMail, MailDirection, StoreError};
use sha2::{Digest, Sha256};

/// Where new tickets from this mail go when the sender is not yet known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboundOptions {
    /// The business line of new customers (default: buyer).
    pub business_line: Option<BusinessLine>,
    /// The queue of new tickets.
    pub queue_id: Option<QueueId>,
}

/// What became of one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    /// It opened this ticket.
    Opened { ticket: TicketId },
    /// It was added to this ticket: a customer reply, or an internal note when the
    /// sender is not the ticket's customer.
    Replied { ticket: TicketId, internal: bool },
    /// An auto-reply or a bounce: kept with the reason, on its ticket when it threads.
    Noise {
        kept_id: i64,
        ticket: Option<TicketId>,
        reason: String,
    },
    /// It could not be parsed: kept raw on this new ticket, with the reason.
    KeptRaw { ticket: TicketId, reason: String },
    /// It came before; nothing changed.
    Duplicate { ticket: Option<TicketId> },
}

impl MailOutcome {
    /// The outcome's name in the API.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            MailOutcome::Opened { .. } => "opened",
            MailOutcome::Replied { .. } => "replied",
            MailOutcome::Noise { .. } => "noise",
            MailOutcome::KeptRaw { .. } => "kept_raw",
            MailOutcome::Duplicate { .. } => "duplicate",
        }
    }

    /// The ticket the mail reached, if any.
    #[must_use]
    pub fn ticket(&self) -> Option<TicketId> {
        match self {
            MailOutcome::Opened { ticket }
            | MailOutcome::Replied { ticket, .. }
            | MailOutcome::KeptRaw { ticket, .. } => Some(*ticket),
            MailOutcome::Noise { ticket, .. } | MailOutcome::Duplicate { ticket } => *ticket,
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A Message-ID as paydesk keeps it: ids are often long digit runs, and one that passes
/// for a card number is masked like any text. The masking is deterministic, so the same
/// id from In-Reply-To or References finds the kept one.
pub fn thread_key(id: &str) -> String {
    redact(id.trim()).text
}

/// The id a mail is known by: its Message-ID when usable, else one made from its bytes.
fn mail_id(mail: Option<&InboundMail>, sha: &str) -> String {
    mail.and_then(|m| m.message_id.as_deref())
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.len() <= 500 && id.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(|| format!("{sha}@paydesk.invalid"), thread_key)
}

fn kind_label(kind: &MailKind) -> &'static str {
    match kind {
        MailKind::Normal => "normal",
        MailKind::AutoReply { .. } => "auto_reply",
        MailKind::Bounce { .. } => "bounce",
    }
}

impl App {
    /// Takes in one raw email. Requires the right to create tickets (the `intake` scope
    /// of an API token, or a staff role that creates tickets).
    pub async fn receive_email(
        &self,
        caller: &Caller,
        raw: &[u8],
        options: &InboundOptions,
    ) -> Result<MailOutcome, AppError> {
        caller.require(Action::TicketCreate)?;
        let sha = sha256_hex(raw);
        match paydesk_mail::parse(raw) {
            Ok(mail) => {
                let id = mail_id(Some(&mail), &sha);
                if let Some(seen) = self.already_received(&id).await? {
                    return Ok(seen);
                }
                self.receive_parsed(caller, raw, &mail, &id, &sha, options)
                    .await
            }
            Err(failure) => {
                let id = mail_id(None, &sha);
                if let Some(seen) = self.already_received(&id).await? {
                    return Ok(seen);
                }
                self.keep_unreadable(caller, raw, &failure.reason, &id, &sha, options)
                    .await
            }
        }
    }

    async fn already_received(&self, mail_id: &str) -> Result<Option<MailOutcome>, AppError> {
        Ok(self
            .store
            .mail_received(mail_id)
            .await?
            .map(|ticket| MailOutcome::Duplicate { ticket }))
    }

    async fn receive_parsed(
        &self,
        caller: &Caller,
        raw: &[u8],
        mail: &InboundMail,
        id: &str,
        sha: &str,
        options: &InboundOptions,
    ) -> Result<MailOutcome, AppError> {
        let thread = self.thread_of(mail).await?;
        let reason = match &mail.kind {
            MailKind::Normal => None,
            MailKind::AutoReply { reason } => Some(format!("auto-reply: {reason}")),
            MailKind::Bounce { reason } => Some(format!("bounce: {reason}")),
        };
        if let Some(reason) = reason {
            let ticket = thread.as_ref().map(|t| t.id);
            let kept_id = self
                .store
                .keep_mail(&self.kept(raw, Some(mail), id, sha, "noise", &reason, ticket))
                .await?;
            if let (MailKind::Bounce { .. }, Some(t)) = (&mail.kind, &thread)
                && t.status != Status::Closed
            {
                let note = format!(
                    "A delivery failure report came back for this ticket's mail ({reason}). \
                     Check the customer's address."
                );
                self.system_note(caller, t.id, note, Vec::new()).await?;
            }
            return Ok(MailOutcome::Noise {
                kept_id,
                ticket,
                reason,
            });
        }
        let composed = compose::compose(mail);
        let sender = self.sender_customer(mail, options).await;
        let outcome = match thread {
            Some(t) if t.status != Status::Closed => {
                let from_customer = t.customer_id.is_none() || t.customer_id == sender;
                let (ticket, message) = if from_customer {
                    let reply = NewReply {
                        visibility: Visibility::Public,
                        from_customer: true,
                        body: composed.body,
                        attachments: composed.attachments,
                        expected_version: None,
                    };
                    self.add_message_retrying(caller, t.id, reply).await?
                } else {
                    let from = mail
                        .from
                        .as_ref()
                        .map_or("an unknown sender", |m| m.address.as_str());
                    let body = format!(
                        "Email from {from}, who is not this ticket's customer:\n\n{}",
                        composed.body
                    );
                    self.system_note(caller, t.id, body, composed.attachments)
                        .await?
                };
                self.store
                    .record_mail_thread(
                        id,
                        ticket.id,
                        Some(message.id),
                        MailDirection::In,
                        self.now(),
                    )
                    .await?;
                MailOutcome::Replied {
                    ticket: ticket.id,
                    internal: !from_customer,
                }
            }
            closed => {
                let mut body = composed.body;
                let mut tags = Vec::new();
                if let Some(t) = closed {
                    body = format!(
                        "Follow-up to {}, which is closed.\n\n{body}",
                        paydesk_domain::ticket::ticket_number(t.id)
                    );
                    tags.push("follow-up".to_string());
                }
                let ticket = self
                    .open_ticket(
                        caller,
                        composed.subject,
                        body,
                        composed.attachments,
                        tags,
                        sender,
                        id,
                        options,
                    )
                    .await?;
                if !mail.warnings.is_empty() {
                    let note = format!(
                        "The email was read with warnings: {}.",
                        mail.warnings.join("; ")
                    );
                    self.system_note(caller, ticket, note, Vec::new()).await?;
                }
                MailOutcome::Opened { ticket }
            }
        };
        Ok(outcome)
    }

    /// The open or closed ticket a mail answers: by its In-Reply-To and References, then
    /// by a `[PD-n]` token in its subject.
    async fn thread_of(&self, mail: &InboundMail) -> Result<Option<Ticket>, AppError> {
        let ids: Vec<String> = mail
            .in_reply_to
            .iter()
            .chain(mail.references.iter())
            .filter(|i| i.len() <= 500)
            .take(100)
            .map(|i| thread_key(i))
            .collect();
        let found = match self.store.ticket_of_mail(&ids).await? {
            Some(t) => Some(t),
            None => paydesk_mail::ticket_reference(&mail.subject).map(TicketId),
        };
        match found {
            Some(id) => match self.store.ticket(id).await {
                Ok(t) => Ok(Some(t)),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e.into()),
            },
            None => Ok(None),
        }
    }

    /// The customer who sent `mail`, found by address or created. `None` when the mail
    /// has no usable From address.
    async fn sender_customer(
        &self,
        mail: &InboundMail,
        options: &InboundOptions,
    ) -> Option<CustomerId> {
        let from = mail.reply_to.as_ref().or(mail.from.as_ref())?;
        let email = normalize_email(&from.address).ok()?;
        if contains_card_data(&email) {
            return None;
        }
        if let Ok(Some(id)) = self.store.customer_by_email(&email).await {
            return Some(id);
        }
        let name = from
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| email.split('@').next().unwrap_or("customer").to_string());
        let customer = NewCustomer {
            business_line: options.business_line.unwrap_or(BusinessLine::Buyer),
            name: kept::clean_text(&name).chars().take(200).collect(),
            emails: vec![email],
            phone: None,
            country: None,
            locale: None,
            tier: Tier::Standard,
            external_ids: Default::default(),
        };
        self.create_customer(&Caller::system(), customer)
            .await
            .ok()
            .map(|c| c.id)
    }

    #[allow(clippy::too_many_arguments, reason = "one call site, each part named")]
    async fn open_ticket(
        &self,
        caller: &Caller,
        subject: String,
        body: String,
        attachments: Vec<AttachmentMeta>,
        tags: Vec<String>,
        customer: Option<CustomerId>,
        mail_id: &str,
        options: &InboundOptions,
    ) -> Result<TicketId, AppError> {
        let business_line = match customer {
            Some(c) => self.store.customer(c).await?.business_line,
            None => options.business_line.unwrap_or(BusinessLine::Buyer),
        };
        let mut input = NewTicketInput::new(&subject, &body, business_line, Channel::Email);
        input.customer_id = customer;
        input.queue_id = options.queue_id;
        input.attachments = attachments;
        input.tags = tags;
        // A redelivery after a crash between the ticket and its thread record replays the
        // same ticket instead of opening a second one.
        let key = format!("mail-{}", &sha256_hex(mail_id.as_bytes())[..40]);
        let created = self.create_ticket(caller, input, Some(&key)).await?;
        // The mail is the ticket's first message, which the ticket already names.
        self.store
            .record_mail_thread(
                mail_id,
                created.ticket.id,
                None,
                MailDirection::In,
                self.now(),
            )
            .await?;
        Ok(created.ticket.id)
    }

    /// An internal note by paydesk itself (intake callers may not write notes).
    async fn system_note(
        &self,
        caller: &Caller,
        ticket: TicketId,
        body: String,
        attachments: Vec<AttachmentMeta>,
    ) -> Result<(Ticket, paydesk_domain::message::Message), AppError> {
        let system = Caller::new(paydesk_domain::policy::Principal::System, caller.ip.clone());
        // Parts of a mail (an address, a parser warning) can carry NUL.
        let note = NewReply {
            visibility: Visibility::Internal,
            from_customer: false,
            body: kept::clean_text(&body),
            attachments,
            expected_version: None,
        };
        self.add_message_retrying(&system, ticket, note).await
    }

    /// Adds a message, again when another change to the ticket committed in between:
    /// mail has no version to check, so the newest ticket is always right.
    async fn add_message_retrying(
        &self,
        caller: &Caller,
        ticket: TicketId,
        reply: NewReply,
    ) -> Result<(Ticket, paydesk_domain::message::Message), AppError> {
        let mut tries = 0;
        loop {
            match self.add_message(caller, ticket, reply.clone()).await {
                Err(AppError::VersionConflict { .. }) if tries < 8 => tries += 1,
                other => return other,
            }
        }
    }

    /// Keeps a mail nothing could be read from on a ticket of its own.
    async fn keep_unreadable(
        &self,
        caller: &Caller,
        raw: &[u8],
        reason: &str,
        id: &str,
        sha: &str,
        options: &InboundOptions,
    ) -> Result<MailOutcome, AppError> {
        let rendering = kept::redacted_rendering(raw);
        let preview: String = rendering.chars().take(4000).collect();
        let body = format!(
            "paydesk could not read this email ({reason}). It is kept as it arrived in the \
             attachment original.eml; the start of it follows.\n\n{preview}"
        );
        let original = AttachmentMeta::with_content(
            "original.eml".into(),
            "message/rfc822".into(),
            rendering.into_bytes(),
        );
        let ticket = self
            .open_ticket(
                caller,
                "Unreadable email".into(),
                body,
                vec![original],
                vec!["mail-unreadable".into()],
                None,
                id,
                options,
            )
            .await?;
        self.store
            .keep_mail(&self.kept(raw, None, id, sha, "unparseable", reason, Some(ticket)))
            .await?;
        Ok(MailOutcome::KeptRaw {
            ticket,
            reason: reason.to_string(),
        })
    }

    #[allow(clippy::too_many_arguments, reason = "a record of many parts")]
    fn kept(
        &self,
        raw: &[u8],
        mail: Option<&InboundMail>,
        id: &str,
        sha: &str,
        outcome: &str,
        reason: &str,
        ticket: Option<TicketId>,
    ) -> KeptMail {
        KeptMail {
            received_at: self.now(),
            mail_id: Some(id.to_string()),
            sender: mail
                .and_then(|m| m.from.as_ref())
                .map(|f| redact(&kept::clean_text(&f.address)).text),
            subject: mail.map(|m| redact(&compose::subject(&m.subject)).text),
            kind: mail.map_or("unknown", |m| kind_label(&m.kind)).to_string(),
            outcome: outcome.to_string(),
            reason: redact(&kept::clean_text(reason)).text,
            ticket_id: ticket,
            size_bytes: i64::try_from(raw.len()).unwrap_or(i64::MAX),
            sha256: sha.to_string(),
            raw: kept::redacted_rendering(raw),
        }
    }
}
