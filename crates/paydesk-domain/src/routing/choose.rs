//! Choosing an agent for a ticket. Pure: given the queue's members as they are now (with
//! their open load), say who is eligible and who should get the ticket. The store then
//! assigns under its locks, so a choice made on a stale picture is refused, not applied.

use super::{AgentProfile, Presence, RoutingMode};
use crate::id::UserId;
use crate::ticket::Ticket;
use crate::time::Timestamp;
use std::cmp::Reverse;

/// A queue member as routing sees them at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub profile: AgentProfile,
    /// Open tickets (new, open, pending, on hold) assigned to the agent now.
    pub load: i64,
}

impl Candidate {
    #[must_use]
    pub fn user_id(&self) -> UserId {
        self.profile.user_id
    }

    /// Online, skilled for `ticket`, and below capacity.
    #[must_use]
    pub fn is_eligible(&self, ticket: &Ticket) -> bool {
        self.profile.presence == Presence::Online
            && self.load < self.profile.capacity
            && self.profile.skills.covers(ticket)
    }

    /// Round-robin order: never assigned first, then least recently; ties by id.
    fn turn(&self) -> (Option<Timestamp>, UserId) {
        (self.profile.last_assigned_at, self.user_id())
    }
}

/// Who among `candidates` gets `ticket` in `mode`; `None` when nobody is eligible (or the
/// queue is manual).
///
/// - round robin: the eligible agent assigned least recently (never assigned first), ties by id;
/// - least loaded: fewest open tickets, ties by least recently assigned, then id;
/// - skills: the most specific skill match, then least loaded, then least recently assigned.
#[must_use]
pub fn choose(mode: RoutingMode, candidates: &[Candidate], ticket: &Ticket) -> Option<UserId> {
    let eligible = candidates.iter().filter(|c| c.is_eligible(ticket));
    let chosen = match mode {
        RoutingMode::Manual => None,
        RoutingMode::RoundRobin => eligible.min_by_key(|c| c.turn()),
        RoutingMode::LeastLoaded => eligible.min_by_key(|c| (c.load, c.turn())),
        RoutingMode::Skills => eligible.min_by_key(|c| {
            (
                Reverse(c.profile.skills.specificity(ticket)),
                c.load,
                c.turn(),
            )
        }),
    };
    chosen.map(Candidate::user_id)
}
