//! The customer panel: who wrote in (masked for roles without access to personal data),
//! their business line, tier and locale, and their other tickets.

use paydesk_domain::customer::Customer;
use paydesk_domain::ticket::{Ticket, ticket_number};

/// Another ticket of the same customer.
#[derive(Debug, Clone)]
pub struct OtherTicket {
    pub number: String,
    pub subject: String,
    pub status: &'static str,
}

/// The customer as the panel shows them.
#[derive(Debug, Clone)]
pub struct CustomerPanel {
    pub name: String,
    pub emails: Vec<String>,
    pub business_line: &'static str,
    pub tier: &'static str,
    pub country: String,
    pub locale: String,
    pub others: Vec<OtherTicket>,
}

/// How many other tickets the panel lists.
pub const OTHERS: usize = 10;

impl CustomerPanel {
    /// The panel for `customer`, listing up to [`OTHERS`] of `tickets` other than `this`.
    #[must_use]
    pub fn new(customer: Customer, tickets: &[Ticket], this: &Ticket) -> Self {
        Self {
            name: customer.name,
            emails: customer.emails,
            business_line: customer.business_line.as_str(),
            tier: customer.tier.as_str(),
            country: customer.country.unwrap_or_else(|| "not known".into()),
            locale: customer.locale.unwrap_or_else(|| "not known".into()),
            others: tickets
                .iter()
                .filter(|t| t.id != this.id)
                .take(OTHERS)
                .map(|t| OtherTicket {
                    number: ticket_number(t.id),
                    subject: t.subject.clone(),
                    status: t.status.as_str(),
                })
                .collect(),
        }
    }
}
