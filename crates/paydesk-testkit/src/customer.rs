//! Customers for tests: a name and one email address, nothing else.

use paydesk_domain::customer::{NewCustomer, Tier};
use paydesk_domain::ticket::BusinessLine;

/// A standard-tier customer of `line` named `name`, written to at `email`.
#[must_use]
pub fn customer(line: BusinessLine, name: &str, email: &str) -> NewCustomer {
    NewCustomer {
        business_line: line,
        name: name.into(),
        emails: vec![email.into()],
        phone: None,
        country: None,
        locale: None,
        tier: Tier::Standard,
        external_ids: Default::default(),
    }
}
