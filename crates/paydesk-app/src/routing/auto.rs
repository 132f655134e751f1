//! Automatic assignment and overflow, as the routing loop runs them.
//!
//! For each queue that is not manual, unassigned new or open tickets are taken in urgency
//! order and each is offered to the member the queue's mode chooses (online, skilled,
//! below capacity). The choice is made on a picture read once per round; the store's claim
//! path re-checks it under lock, so a stale choice is refused (and that agent skipped for
//! the round), never applied. A round stops when nobody is eligible.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::policy::Action;
use paydesk_domain::routing::{AssignReason, Presence, RoutingMode, choose};
use paydesk_domain::{QueueId, Timestamp};
use paydesk_store::{Assignment, OVERFLOW_BATCH, StoreError};

/// Tickets one queue hands out per round at most.
const ROUND: usize = 200;

impl App {
    /// Assigns a queue's unassigned tickets per its routing mode; returns how many were
    /// assigned. A manual queue assigns nothing.
    pub async fn route_queue(&self, caller: &Caller, queue: QueueId) -> Result<usize, AppError> {
        caller.require(Action::QueueManage)?;
        let mode = self.store.queue_settings(queue).await?.routing.routing;
        if mode == RoutingMode::Manual {
            return Ok(0);
        }
        let mut candidates = self.store.routing_candidates(queue).await?;
        let mut assigned = 0;
        for ticket in self.store.unassigned_tickets(queue, ROUND).await? {
            let has_room = |c: &&paydesk_domain::routing::Candidate| {
                c.profile.presence == Presence::Online && c.load < c.profile.capacity
            };
            if !candidates.iter().any(|c| has_room(&c)) {
                break;
            }
            let Some(agent) = choose(mode, &candidates, &ticket) else {
                continue;
            };
            let now = self.clock.now();
            let claim = Assignment {
                ticket_id: ticket.id,
                agent,
                reason: AssignReason::of_mode(mode),
                actor: caller.actor(),
                at: now,
                ip: None,
            };
            let Some(chosen) = candidates.iter_mut().find(|c| c.user_id() == agent) else {
                continue;
            };
            match self.store.claim(&claim).await {
                // Another instance gave it to the same agent first.
                Ok(c) if !c.is_new => {}
                Ok(_) => {
                    assigned += 1;
                    chosen.load += 1;
                    // As the store records it: later than anyone's turn.
                    let latest = candidates
                        .iter()
                        .filter_map(|c| c.profile.last_assigned_at)
                        .max()
                        .map_or(0, |t| t.0);
                    if let Some(c) = candidates.iter_mut().find(|c| c.user_id() == agent) {
                        c.profile.last_assigned_at = Some(Timestamp(now.0.max(latest + 1)));
                    }
                }
                Err(StoreError::AtCapacity { .. } | StoreError::AgentUnavailable) => {
                    chosen.load = chosen.profile.capacity;
                }
                Err(
                    StoreError::AlreadyAssigned
                    | StoreError::NotWorkable { .. }
                    | StoreError::NotFound { .. },
                ) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(assigned)
    }

    /// [`App::route_queue`] for every queue that is not manual; returns how many tickets
    /// were assigned in all.
    pub async fn route_all(&self, caller: &Caller) -> Result<usize, AppError> {
        caller.require(Action::QueueManage)?;
        let mut assigned = 0;
        for q in self.store.queue_settings_all().await? {
            if q.routing.routing != RoutingMode::Manual {
                assigned += self.route_queue(caller, q.queue.id).await?;
            }
        }
        Ok(assigned)
    }

    /// Moves tickets nobody took within their queue's overflow wait to its overflow queue;
    /// returns how many moved.
    pub async fn overflow_due(&self, caller: &Caller) -> Result<usize, AppError> {
        caller.require(Action::QueueManage)?;
        let now = self.clock.now();
        let mut moved = 0;
        for q in self.store.queue_settings_all().await? {
            let (Some(minutes), Some(to)) = (
                q.routing.overflow_after_minutes,
                q.routing.overflow_queue_id,
            ) else {
                continue;
            };
            let entered_by = now.plus_millis(-minutes.saturating_mul(Timestamp::MINUTE));
            loop {
                let batch = self
                    .store
                    .overflow_queue(q.queue.id, to, entered_by, &caller.actor(), now)
                    .await?;
                moved += batch.len();
                if i64::try_from(batch.len()).unwrap_or(i64::MAX) < OVERFLOW_BATCH {
                    break;
                }
            }
        }
        if moved > 0 {
            self.want_routing();
        }
        Ok(moved)
    }
}
