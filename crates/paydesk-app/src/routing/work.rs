//! An agent's own work: claiming a ticket, asking for the next one, the list of what they
//! hold, and their presence.

use super::person;
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::policy::{Action, Principal};
use paydesk_domain::routing::{AgentProfile, AssignReason, Presence};
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{TicketId, UserId};
use paydesk_store::{Assignment, Page, PageRequest, WorkRow};

impl App {
    /// Takes an unassigned ticket for the calling agent. Taking one's own ticket again
    /// changes nothing.
    ///
    /// Errors: [`AppError::NotFound`] for a ticket the caller may not see;
    /// [`AppError::AlreadyAssigned`]; [`AppError::AtCapacity`]; [`AppError::NotWorkable`].
    pub async fn claim_ticket(&self, caller: &Caller, id: TicketId) -> Result<Ticket, AppError> {
        caller.require(Action::TicketClaim)?;
        let agent = person(caller)?;
        self.visible_ticket(caller, id).await?;
        let claim = Assignment {
            ticket_id: id,
            agent,
            reason: AssignReason::Claim,
            actor: caller.actor(),
            at: self.clock.now(),
            ip: caller.ip.clone(),
        };
        Ok(self.store.claim(&claim).await?.ticket)
    }

    /// Gives the calling agent the most urgent unassigned ticket in their queues that
    /// their skills cover; `None` when there is none. Two agents asking at once never get
    /// the same ticket. Errors: [`AppError::AtCapacity`].
    pub async fn next_ticket(&self, caller: &Caller) -> Result<Option<Ticket>, AppError> {
        caller.require(Action::TicketClaim)?;
        let agent = person(caller)?;
        Ok(self
            .store
            .next_ticket(
                agent,
                &caller.actor(),
                self.clock.now(),
                caller.ip.as_deref(),
            )
            .await?)
    }

    /// The caller's unsolved tickets, most urgent first (a BPO agent: only those in their
    /// vendor's queues).
    pub async fn my_work(
        &self,
        caller: &Caller,
        page: &PageRequest,
    ) -> Result<Page<WorkRow>, AppError> {
        caller.require(Action::TicketRead)?;
        let me = person(caller)?;
        let Some(vendor) = caller.list_scope() else {
            return Ok(Page {
                items: vec![],
                next_cursor: None,
            });
        };
        Ok(self.store.assigned_work(me, vendor, page).await?)
    }

    /// Sets `user`'s presence: anyone with a profile their own, leads and admins anyone's.
    /// Going offline hands their new and open tickets back to their queues; coming online
    /// wakes the routing loop. Errors: [`AppError::NotFound`] when `user` has no profile.
    pub async fn set_presence(
        &self,
        caller: &Caller,
        user: UserId,
        presence: Presence,
    ) -> Result<AgentProfile, AppError> {
        let is_self = matches!(caller.principal, Principal::User { id, .. } if id == user);
        caller.require(if is_self {
            Action::PresenceSet
        } else {
            Action::AgentManage
        })?;
        let (profile, released) = self
            .store
            .set_presence(
                user,
                presence,
                &caller.actor(),
                self.clock.now(),
                caller.ip.as_deref(),
            )
            .await?;
        if presence == Presence::Online || !released.is_empty() {
            self.want_routing();
        }
        Ok(profile)
    }
}
