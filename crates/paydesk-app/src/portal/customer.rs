//! Customers met through an intake channel (the support form, chat): found by email, or
//! made on first contact.

use crate::App;
use crate::error::AppError;
use crate::tickets::{refuse_nul, refuse_unstorable};
use paydesk_domain::Actor;
use paydesk_domain::customer::{Customer, NewCustomer, Tier, normalize_email};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::redaction::redact;
use paydesk_domain::ticket::BusinessLine;
use serde_json::json;

impl App {
    /// The customer with `email`, or a new customer of `line` named `name` (or, without
    /// a name, the address's local part). The email is checked and normalised; card data
    /// in it is refused, in the name masked. One transaction; one email never makes two
    /// customers, even when two requests arrive together.
    pub(crate) async fn intake_customer(
        &self,
        email: &str,
        name: &str,
        line: BusinessLine,
        ip: Option<&str>,
    ) -> Result<Customer, AppError> {
        refuse_unstorable("email", email)?;
        refuse_nul("name", name)?;
        let email =
            normalize_email(email).map_err(|_| AppError::invalid("email", super::EMAIL_SHAPE))?;
        let name = match name.trim() {
            "" => email.split('@').next().unwrap_or("customer").to_string(),
            given => given.to_string(),
        };
        let masked = redact(&name);
        let new = NewCustomer {
            business_line: line,
            name: masked.text.clone(),
            emails: vec![email.clone()],
            phone: None,
            country: None,
            locale: None,
            tier: Tier::Standard,
            external_ids: Default::default(),
        }
        .validated()?;
        let event = NewEvent {
            ticket_id: None,
            customer_id: None,
            actor: Actor::System,
            at: self.now(),
            kind: EventKind::CustomerCreated,
            data: json!({ "redacted": masked.count(), "via": "intake" }),
            ip: ip.map(str::to_string),
        };
        let (customer, _) = self
            .store
            .customer_by_email_or_insert(&email, &new, self.now(), &event)
            .await?;
        Ok(customer)
    }
}
