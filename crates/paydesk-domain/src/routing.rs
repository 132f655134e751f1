//! Routing's vocabulary and rules: who can take which ticket, and who should.
//!
//! Agents carry a profile (skills, capacity, presence); queues carry conditions that place
//! tickets naming no queue, and a mode that says how their unassigned tickets are handed
//! out. Everything here is pure: the store supplies the candidates with their current
//! load, these functions decide, and the store commits the choice under its locks (so a
//! stale choice is refused there, never applied twice).

mod assignment;
mod choose;
mod conditions;

pub use assignment::{assigned_event, routing_events};
pub use choose::{Candidate, choose};
pub use conditions::QueueConditions;

use crate::id::{TeamId, UserId};
use crate::ticket::{BusinessLine, Ticket};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

crate::label_enum!(
    /// Whether an agent is taking work now.
    Presence {
        Online = "online",
        Away = "away",
        Offline = "offline",
    }
);

crate::label_enum!(
    /// An agent's escalation tier: L1 front line, L2 payment specialists.
    Tier {
        L1 = "l1",
        L2 = "l2",
    }
);

crate::label_enum!(
    /// What a team is.
    TeamKind {
        InHouse = "in_house",
        /// A BPO vendor's team.
        Vendor = "vendor",
        /// Engineering, finance, risk, legal: they take escalations.
        Partner = "partner",
    }
);

crate::label_enum!(
    /// How a queue hands out its unassigned tickets.
    RoutingMode {
        /// Nobody is assigned automatically: agents claim or press "next".
        Manual = "manual",
        /// The eligible agent assigned least recently.
        RoundRobin = "round_robin",
        /// The eligible agent with the fewest open tickets.
        LeastLoaded = "least_loaded",
        /// The eligible agent whose skills fit the ticket most specifically.
        Skills = "skills",
    }
);

crate::label_enum!(
    /// Why a ticket's assignee (or queue) changed; recorded on every `assigned` event.
    AssignReason {
        /// An agent took the ticket themselves.
        Claim = "claim",
        /// An agent asked for their next ticket.
        NextTicket = "next_ticket",
        RoundRobin = "round_robin",
        LeastLoaded = "least_loaded",
        Skills = "skills",
        /// Someone set the assignee by hand.
        Manual = "manual",
        /// Nobody took the ticket in time; it moved to the overflow queue.
        Overflow = "overflow",
        /// Its agent went offline; it went back to its queue.
        AgentOffline = "agent_offline",
    }
);

impl AssignReason {
    /// The reason recorded when a queue of `mode` assigns automatically.
    #[must_use]
    pub fn of_mode(mode: RoutingMode) -> Self {
        match mode {
            RoutingMode::Manual => Self::Manual,
            RoutingMode::RoundRobin => Self::RoundRobin,
            RoutingMode::LeastLoaded => Self::LeastLoaded,
            RoutingMode::Skills => Self::Skills,
        }
    }
}

crate::label_enum!(
    /// How a ticket stands against its SLA, for queue views and counts.
    SlaStanding {
        Breached = "breached",
        AtRisk = "at_risk",
        OnTrack = "on_track",
        /// No SLA clock runs on the ticket.
        None = "none",
    }
);

impl SlaStanding {
    /// The standing from a ticket's stored SLA columns (`due_at == NO_DUE`: no clock runs).
    #[must_use]
    pub fn of(due_at: i64, is_breached: bool, is_at_risk: bool) -> Self {
        if is_breached {
            Self::Breached
        } else if is_at_risk {
            Self::AtRisk
        } else if due_at == crate::sla::NO_DUE {
            Self::None
        } else {
            Self::OnTrack
        }
    }
}

/// What an agent can work on. An empty list means "any".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Skills {
    /// Language tags (`en`, `tl`, `pt-BR`): a ticket's language matches a tag or its
    /// primary subtag (`pt` covers `pt-BR`).
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub business_lines: Vec<BusinessLine>,
    #[serde(default)]
    pub categories: Vec<String>,
    pub tier: Tier,
}

impl Default for Skills {
    fn default() -> Self {
        Self {
            languages: vec![],
            business_lines: vec![],
            categories: vec![],
            tier: Tier::L1,
        }
    }
}

/// Whether `tag` (an agent's language) covers a ticket written in `language`.
pub(crate) fn language_covers(tag: &str, language: &str) -> bool {
    let (tag, language) = (tag.to_ascii_lowercase(), language.to_ascii_lowercase());
    tag == language
        || language
            .split('-')
            .next()
            .is_some_and(|primary| primary == tag)
}

impl Skills {
    /// Whether these skills cover `ticket` (each non-empty list must hold the ticket's
    /// value; a ticket without a category passes the category list).
    #[must_use]
    pub fn covers(&self, ticket: &Ticket) -> bool {
        let language = self.languages.is_empty()
            || self
                .languages
                .iter()
                .any(|l| language_covers(l, &ticket.language));
        let line =
            self.business_lines.is_empty() || self.business_lines.contains(&ticket.business_line);
        let category = match &ticket.category {
            Some(c) => self.categories.is_empty() || self.categories.contains(c),
            None => true,
        };
        language && line && category
    }

    /// How specifically these skills fit `ticket`: one point per list that names the
    /// ticket's value (an "any" list scores nothing). Zero when they do not cover it.
    #[must_use]
    pub fn specificity(&self, ticket: &Ticket) -> u32 {
        if !self.covers(ticket) {
            return 0;
        }
        let named = [
            !self.languages.is_empty(),
            !self.business_lines.is_empty(),
            !self.categories.is_empty() && ticket.category.is_some(),
        ];
        named.iter().map(|n| u32::from(*n)).sum()
    }

    /// Checks each label: short, no control characters.
    pub fn validated(mut self) -> Result<Self, crate::DomainError> {
        for (field, list) in [
            ("skills.languages", &mut self.languages),
            ("skills.categories", &mut self.categories),
        ] {
            for item in list.iter_mut() {
                *item = item.trim().to_ascii_lowercase();
                if item.is_empty() || item.len() > 64 || item.chars().any(char::is_control) {
                    return Err(crate::DomainError::invalid(
                        field,
                        "each entry: 1-64 characters, no control characters",
                    ));
                }
            }
            list.sort();
            list.dedup();
        }
        self.business_lines.sort();
        self.business_lines.dedup();
        Ok(self)
    }
}

/// What routing knows of an agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub user_id: UserId,
    pub skills: Skills,
    /// Most open tickets (new, open, pending, on hold) assigned at once.
    pub capacity: i64,
    /// Most live chats at once.
    pub chat_capacity: i64,
    pub presence: Presence,
    pub presence_at: Timestamp,
    pub team_id: Option<TeamId>,
    /// The agent's working calendar, if not the team's.
    pub calendar_id: Option<i64>,
    /// When routing last gave this agent a ticket (round-robin turns follow it).
    pub last_assigned_at: Option<Timestamp>,
    /// Grows by one with every change; a write naming an older version is refused.
    pub version: i64,
}

/// Most tickets one agent may hold at once, whatever a profile says.
pub const CAPACITY_MAX: i64 = 1_000;

/// Checks a capacity or chat capacity (`field` names it in the error).
pub fn check_capacity(field: &'static str, value: i64) -> Result<i64, crate::DomainError> {
    if (0..=CAPACITY_MAX).contains(&value) {
        Ok(value)
    } else {
        Err(crate::DomainError::invalid(
            field,
            format!("between 0 and {CAPACITY_MAX}"),
        ))
    }
}

#[cfg(test)]
mod tests;
