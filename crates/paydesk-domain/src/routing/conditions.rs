//! Queue conditions: which tickets a queue takes when a ticket names no queue. Queues
//! are tried in position order; the first whose conditions match gets the ticket.

use crate::customer::Tier as CustomerTier;
use crate::ticket::{BusinessLine, Channel, Priority, Ticket};
use serde::{Deserialize, Serialize};

/// What a ticket must be for a queue to take it. Each field is optional: absent (or
/// empty) matches anything; present, the ticket's value must be in the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QueueConditions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_lines: Option<Vec<BusinessLine>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Channel>>,
    /// Language tags; `pt` also matches `pt-BR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priorities: Option<Vec<Priority>>,
    /// The tier of the ticket's customer; a ticket without a customer never matches a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_tiers: Option<Vec<CustomerTier>>,
}

fn within<T: PartialEq>(list: Option<&Vec<T>>, value: &T) -> bool {
    list.is_none_or(|l| l.is_empty() || l.contains(value))
}

impl QueueConditions {
    /// Whether `ticket` (whose customer has `customer_tier`, if known) meets every condition.
    #[must_use]
    pub fn matches(&self, ticket: &Ticket, customer_tier: Option<CustomerTier>) -> bool {
        let category = match (&self.categories, &ticket.category) {
            (Some(l), Some(c)) => l.is_empty() || l.contains(c),
            (Some(l), None) => l.is_empty(),
            (None, _) => true,
        };
        let language = self.languages.as_ref().is_none_or(|l| {
            l.is_empty()
                || l.iter()
                    .any(|tag| super::language_covers(tag, &ticket.language))
        });
        let tier = match (&self.customer_tiers, customer_tier) {
            (Some(l), Some(t)) => l.is_empty() || l.contains(&t),
            (Some(l), None) => l.is_empty(),
            (None, _) => true,
        };
        within(self.business_lines.as_ref(), &ticket.business_line)
            && within(self.channels.as_ref(), &ticket.channel)
            && within(self.priorities.as_ref(), &ticket.priority)
            && category
            && language
            && tier
    }

    /// Whether no condition is set. A queue without conditions takes part in placement
    /// never: it gets only tickets sent to it by name.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether a customer's tier is needed to decide (so callers read it only then).
    #[must_use]
    pub fn needs_customer_tier(&self) -> bool {
        self.customer_tiers.as_ref().is_some_and(|l| !l.is_empty())
    }

    /// Checks the free-text lists (categories, languages): 1-64 characters, no control
    /// characters; lower-cased.
    pub fn validated(mut self) -> Result<Self, crate::DomainError> {
        for (field, list) in [
            ("conditions.categories", self.categories.as_mut()),
            ("conditions.languages", self.languages.as_mut()),
        ] {
            for item in list.into_iter().flatten() {
                *item = item.trim().to_ascii_lowercase();
                if item.is_empty() || item.len() > 64 || item.chars().any(char::is_control) {
                    return Err(crate::DomainError::invalid(
                        field,
                        "each entry: 1-64 characters, no control characters",
                    ));
                }
            }
        }
        Ok(self)
    }
}
