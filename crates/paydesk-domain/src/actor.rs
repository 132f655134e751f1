//! Who did something: recorded on every event.

use crate::id::{CustomerId, RuleId, UserId};
use serde::{Deserialize, Serialize};

/// The author of a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// A staff member signed in.
    User { id: UserId },
    /// A customer, through a channel.
    Customer { id: CustomerId },
    /// A system calling the API, named by its client label.
    Api { client: String },
    /// paydesk itself (timers, demo data).
    System,
    /// A trigger or time rule, named as it was when it acted.
    Rule { id: RuleId, name: String },
}

impl Actor {
    /// Storage kind label.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::User { .. } => "user",
            Self::Customer { .. } => "customer",
            Self::Api { .. } => "api",
            Self::System => "system",
            Self::Rule { .. } => "rule",
        }
    }
}
