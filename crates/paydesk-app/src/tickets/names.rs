//! Names shown beside a ticket: the staff members who wrote its messages or changed it,
//! and its queue. Read in one query each, however many people a ticket names.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::policy::Action;
use paydesk_domain::{QueueId, UserId};
use std::collections::BTreeMap;

impl App {
    /// The names of these staff members, by id; unknown ids are left out. Errors:
    /// [`AppError::Forbidden`] without `ticket_read`.
    pub async fn staff_names(
        &self,
        caller: &Caller,
        ids: &[UserId],
    ) -> Result<BTreeMap<UserId, String>, AppError> {
        caller.require(Action::TicketRead)?;
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        Ok(self.store.user_names(&ids).await?.into_iter().collect())
    }

    /// A queue's name. Errors: [`AppError::Forbidden`] without `ticket_read`;
    /// [`AppError::NotFound`] for an unknown queue.
    pub async fn queue_name(&self, caller: &Caller, id: QueueId) -> Result<String, AppError> {
        caller.require(Action::TicketRead)?;
        Ok(self.store.queue(id).await?.name)
    }
}
