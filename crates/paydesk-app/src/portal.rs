//! The public support portal: a customer without a login sends a request through the
//! support form, then follows its signed status link to read the public answers and
//! reply.
//!
//! The customer acts as [`Principal::Customer`]: the request may open one ticket for that
//! customer, and a status link may answer on the one ticket it names, nothing else.
//! Everything the customer writes goes through [`App::create_ticket`] and
//! [`App::add_message`], so it is redacted like any other channel's words.
//!
//! Each client address has [`crate::settings::IntakeSettings::form_submissions_per_hour`]
//! submissions (requests, answers and honeypot hits together) per rolling hour, counted in
//! the database so that every instance sees the same count. Submissions are kept a week
//! (by a keyed hash of the address, never the address), then forgotten.

mod category;
mod customer;
mod signing;

pub use category::{CATEGORIES, Category, category};
pub use signing::{FORM_TOKEN_TTL_MS, SigningKey, new_nonce};

use crate::error::AppError;
use crate::tickets::{NewReply, NewTicketInput, refuse_nul};
use crate::{App, Caller};
use paydesk_domain::customer::normalize_email;
use paydesk_domain::message::{AttachmentMeta, Message, Visibility};
use paydesk_domain::policy::Principal;
use paydesk_domain::redaction::redact;
use paydesk_domain::ticket::{BusinessLine, Channel, Ticket};
use paydesk_domain::{TicketId, Timestamp};
use paydesk_store::Admission;

/// The rate limit's window.
const WINDOW_MS: i64 = Timestamp::HOUR;
/// How long submissions are kept (for the honeypot tally); the limit needs only an hour.
const KEEP_MS: i64 = 7 * Timestamp::DAY;
/// The longest order or transaction id accepted.
pub const ORDER_REF_MAX: usize = 100;
/// What a malformed email is told.
pub(crate) const EMAIL_SHAPE: &str = "enter an email address like name@example.com";
/// How many words of the description a subject takes when there is no order id.
const SUBJECT_WORDS: usize = 8;

/// What the support form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupportRequest {
    pub email: String,
    /// May be empty.
    pub name: String,
    pub business_line: Option<BusinessLine>,
    /// A key of [`CATEGORIES`], or empty.
    pub category: String,
    /// The order or transaction id the request is about, or empty.
    pub order_ref: String,
    pub description: String,
    /// Files with their bytes ([`AttachmentMeta::with_content`]).
    pub attachments: Vec<AttachmentMeta>,
}

/// What became of a support request.
#[derive(Debug, Clone, PartialEq)]
pub enum Submitted {
    /// A ticket was opened.
    Ticket(Box<Receipt>),
    /// The hidden honeypot field was filled in: nothing was created (the attempt is
    /// counted), and the sender is shown a confirmation all the same.
    Discarded,
}

/// A new request's ticket and the token of its status link.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub ticket: Ticket,
    pub status_token: String,
    /// The stored attachments (sizes as kept: text files are stored redacted).
    pub attachments: Vec<AttachmentMeta>,
}

/// What a status link shows: the ticket and its public messages, never internal notes.
#[derive(Debug, Clone, PartialEq)]
pub struct SupportStatus {
    pub ticket: Ticket,
    pub messages: Vec<Message>,
}

/// Outcomes recorded per submission (`portal_submissions.outcome`).
pub mod outcome {
    pub const TICKET: &str = "ticket";
    pub const ANSWER: &str = "answer";
    pub const HONEYPOT: &str = "honeypot";
}

impl App {
    /// Opens a ticket (channel `web`) for the customer with the request's email, made now
    /// if new. With `is_honeypot`, creates nothing and returns [`Submitted::Discarded`].
    ///
    /// Errors: [`AppError::Invalid`] naming the form field; [`AppError::RateLimited`] when
    /// the client address has used up its submissions for the hour.
    pub async fn submit_support_request(
        &self,
        client: Option<&str>,
        request: SupportRequest,
        is_honeypot: bool,
    ) -> Result<Submitted, AppError> {
        if is_honeypot {
            self.admit(client, outcome::HONEYPOT).await?;
            tracing::warn!("support form: honeypot field filled in; nothing created");
            return Ok(Submitted::Discarded);
        }
        let input = support_ticket(&request)?;
        let line = input.business_line;
        self.admit(client, outcome::TICKET).await?;
        let customer = self
            .intake_customer(&request.email, &request.name, line, client)
            .await?;
        let caller = Caller::new(
            Principal::Customer {
                id: customer.id,
                ticket: None,
            },
            client.map(str::to_string),
        );
        let input = NewTicketInput {
            customer_id: Some(customer.id),
            ..input
        };
        let ticket = self.create_ticket(&caller, input, None).await?.ticket;
        let attachments = self
            .store
            .messages(ticket.id)
            .await?
            .into_iter()
            .next()
            .map(|m| m.attachments)
            .unwrap_or_default();
        let status_token = self.portal_key().await?.status_token(ticket.id);
        Ok(Submitted::Ticket(Box::new(Receipt {
            ticket,
            status_token,
            attachments,
        })))
    }

    /// The ticket a status link names, with its public messages, oldest first.
    /// Errors: [`AppError::NotFound`] for a token this desk did not sign (nothing else is
    /// said about it).
    pub async fn support_status(&self, token: &str) -> Result<SupportStatus, AppError> {
        let id = self.status_ticket(token).await?;
        let ticket = self.store.ticket(id).await?;
        let messages = self
            .store
            .messages(id)
            .await?
            .into_iter()
            .filter(|m| m.visibility == Visibility::Public)
            .collect();
        Ok(SupportStatus { ticket, messages })
    }

    /// Adds the customer's answer to the ticket a status link names; like any customer
    /// reply it reopens a pending or solved ticket.
    ///
    /// Errors: [`AppError::NotFound`] for a bad token; [`AppError::Invalid`] for an empty
    /// answer; [`AppError::RateLimited`]; `ticket_closed` when the ticket is closed.
    pub async fn answer_support_request(
        &self,
        client: Option<&str>,
        token: &str,
        body: String,
        attachments: Vec<AttachmentMeta>,
    ) -> Result<Ticket, AppError> {
        let id = self.status_ticket(token).await?;
        let ticket = self.store.ticket(id).await?;
        let customer = ticket
            .customer_id
            .ok_or(AppError::NotFound { entity: "ticket" })?;
        if body.trim().is_empty() {
            return Err(AppError::invalid("body", "write your answer"));
        }
        self.admit(client, outcome::ANSWER).await?;
        let caller = Caller::new(
            Principal::Customer {
                id: customer,
                ticket: Some(id),
            },
            client.map(str::to_string),
        );
        let reply = NewReply {
            visibility: Visibility::Public,
            from_customer: true,
            body,
            attachments,
            expected_version: None,
        };
        Ok(self.add_message(&caller, id, reply).await?.0)
    }

    /// The token of a ticket's status link (for links in mail and on the confirmation).
    pub async fn status_token(&self, ticket: TicketId) -> Result<String, AppError> {
        Ok(self.portal_key().await?.status_token(ticket))
    }

    async fn status_ticket(&self, token: &str) -> Result<TicketId, AppError> {
        self.portal_key()
            .await?
            .status_ticket(token)
            .ok_or(AppError::NotFound { entity: "ticket" })
    }

    /// Counts one submission from `client`, or refuses it when the hour's are used up.
    async fn admit(&self, client: Option<&str>, outcome: &str) -> Result<(), AppError> {
        let key = self
            .portal_key()
            .await?
            .client_key(client.unwrap_or("unknown"));
        let now = self.now();
        let limit = self.intake().form_submissions_per_hour;
        let since = Timestamp(now.0 - WINDOW_MS);
        let forget = Timestamp(now.0 - KEEP_MS);
        match self
            .store
            .admit_portal_submission(&key, outcome, now, since, limit, forget)
            .await?
        {
            Admission::Admitted => Ok(()),
            Admission::Refused { oldest } => {
                let wait_ms = u64::try_from(oldest.0 + WINDOW_MS - now.0).unwrap_or(0);
                Err(AppError::RateLimited {
                    retry_after_secs: wait_ms.div_ceil(1000).max(1),
                })
            }
        }
    }
}

/// The first few words of a customer's text, for a subject. Taken from the masked text:
/// cutting a card number at a word boundary must not leave a part that no longer looks
/// like one (and so would not be masked in the subject).
pub(crate) fn opening_words(text: &str) -> String {
    let masked = redact(text).text;
    let words: Vec<&str> = masked.split_whitespace().take(SUBJECT_WORDS).collect();
    words.join(" ")
}

/// The ticket a support request asks for (customer not yet known), or the field at fault.
fn support_ticket(r: &SupportRequest) -> Result<NewTicketInput, AppError> {
    // In the order of the form, so the first problem named is the first one met.
    if r.email.trim().is_empty() {
        return Err(AppError::invalid("email", "enter your email address"));
    }
    if normalize_email(&r.email).is_err() {
        return Err(AppError::invalid("email", EMAIL_SHAPE));
    }
    let line = r
        .business_line
        .ok_or_else(|| AppError::invalid("business_line", "choose buyer, merchant or creator"))?;
    let category = match r.category.trim() {
        "" => None,
        key => Some(
            category(key).ok_or_else(|| AppError::invalid("category", "choose one of the list"))?,
        ),
    };
    let order_ref = r.order_ref.trim();
    refuse_nul("order_ref", order_ref)?;
    if order_ref.chars().count() > ORDER_REF_MAX {
        return Err(AppError::invalid(
            "order_ref",
            format!("at most {ORDER_REF_MAX} characters"),
        ));
    }
    if r.description.trim().is_empty() {
        return Err(AppError::invalid("description", "tell us what happened"));
    }
    refuse_nul("description", &r.description)?;
    let topic = category.map_or("Support request", |c| c.label);
    let subject = if order_ref.is_empty() {
        format!("{topic}: {}", opening_words(&r.description))
    } else {
        format!("{topic}: order {order_ref}")
    };
    let subject: String = subject.chars().take(200).collect();
    let body = if order_ref.is_empty() {
        r.description.clone()
    } else {
        format!("{}\n\nOrder or transaction id: {order_ref}", r.description)
    };
    let mut input = NewTicketInput::new(&subject, &body, line, Channel::Web);
    input.category = category.map(|c| c.key.to_string());
    input.attachments = r.attachments.clone();
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> SupportRequest {
        SupportRequest {
            email: "ana@example.com".into(),
            business_line: Some(BusinessLine::Buyer),
            description: "I was charged twice for my gift order yesterday evening, please help"
                .into(),
            ..SupportRequest::default()
        }
    }

    #[test]
    fn subject_from_category_and_order_or_first_words() {
        let t = support_ticket(&SupportRequest {
            category: "duplicate_charge".into(),
            order_ref: " ORD-77 ".into(),
            ..request()
        })
        .unwrap();
        assert_eq!(t.subject, "I was charged twice: order ORD-77");
        assert!(t.body.ends_with("\n\nOrder or transaction id: ORD-77"));
        assert_eq!(t.category.as_deref(), Some("duplicate_charge"));
        assert_eq!(t.channel, Channel::Web);
        let t = support_ticket(&request()).unwrap();
        assert_eq!(
            t.subject,
            "Support request: I was charged twice for my gift order"
        );
        assert_eq!(t.body, request().description);
    }

    #[test]
    fn required_fields_are_named() {
        let field =
            |r: SupportRequest| support_ticket(&r).unwrap_err().field().unwrap().to_string();
        assert_eq!(
            field(SupportRequest {
                email: " ".into(),
                ..request()
            }),
            "email"
        );
        assert_eq!(
            field(SupportRequest {
                description: "\n".into(),
                ..request()
            }),
            "description"
        );
        assert_eq!(
            field(SupportRequest {
                business_line: None,
                ..request()
            }),
            "business_line"
        );
        assert_eq!(
            field(SupportRequest {
                category: "nope".into(),
                ..request()
            }),
            "category"
        );
        let long = "x".repeat(ORDER_REF_MAX + 1);
        assert_eq!(
            field(SupportRequest {
                order_ref: long,
                ..request()
            }),
            "order_ref"
        );
    }
}
