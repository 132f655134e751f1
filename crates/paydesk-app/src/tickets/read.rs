//! Reading tickets: one, a list, a timeline, always within what the caller may see.
//!
//! A BPO agent sees only tickets in its vendor's queues; any other ticket answers
//! "not found", exactly like a ticket that does not exist, so ids cannot be probed.

use super::{TicketView, refuse_nul};
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::policy::{Action, TicketScope};
use paydesk_domain::ticket::Ticket;
use paydesk_domain::{QueueId, TicketId};
use paydesk_store::{Page, PageRequest, TicketFilter};

impl App {
    /// One ticket with its messages. Errors: [`AppError::NotFound`].
    pub async fn ticket(&self, caller: &Caller, id: TicketId) -> Result<TicketView, AppError> {
        caller.require(Action::TicketRead)?;
        let ticket = self.visible_ticket(caller, id).await?;
        let messages = self.store.messages(id).await?;
        Ok(TicketView { ticket, messages })
    }

    /// Tickets matching `filter`, newest first.
    pub async fn list_tickets(
        &self,
        caller: &Caller,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> Result<Page<Ticket>, AppError> {
        caller.require(Action::TicketRead)?;
        let mut filter = filter.clone();
        match caller.ticket_scope() {
            TicketScope::All => {}
            TicketScope::Vendor(v) => filter.vendor_id = Some(v),
            TicketScope::Nothing => {
                return Ok(Page {
                    items: vec![],
                    next_cursor: None,
                });
            }
        }
        refuse_nul("category", filter.category.as_deref().unwrap_or(""))?;
        refuse_nul("tag", filter.tag.as_deref().unwrap_or(""))?;
        Ok(self.store.list_tickets(&filter, page).await?)
    }

    /// A file attached to one of the ticket's messages, with its bytes. Errors:
    /// [`AppError::NotFound`] also when paydesk holds only the file's name.
    pub async fn attachment(
        &self,
        caller: &Caller,
        id: TicketId,
        attachment_id: i64,
    ) -> Result<(paydesk_domain::message::AttachmentMeta, Vec<u8>), AppError> {
        caller.require(Action::TicketRead)?;
        self.visible_ticket(caller, id).await?;
        self.store
            .attachment_content(id, attachment_id)
            .await?
            .ok_or(AppError::NotFound {
                entity: "attachment",
            })
    }

    /// A ticket's events, oldest first.
    pub async fn timeline(
        &self,
        caller: &Caller,
        id: TicketId,
        page: &PageRequest,
    ) -> Result<Page<paydesk_domain::event::Event>, AppError> {
        caller.require(Action::TicketRead)?;
        self.visible_ticket(caller, id).await?;
        Ok(self.store.timeline(id, page).await?)
    }

    /// The ticket, if the caller may see it; otherwise [`AppError::NotFound`].
    pub(crate) async fn visible_ticket(
        &self,
        caller: &Caller,
        id: TicketId,
    ) -> Result<Ticket, AppError> {
        let ticket = self.store.ticket(id).await?;
        if caller.principal.may_touch(Some(id), ticket.customer_id)
            && self.queue_in_scope(caller, ticket.queue_id).await?
        {
            Ok(ticket)
        } else {
            Err(AppError::NotFound { entity: "ticket" })
        }
    }

    /// Whether a ticket in `queue` is within the caller's sight.
    pub(crate) async fn queue_in_scope(
        &self,
        caller: &Caller,
        queue: Option<QueueId>,
    ) -> Result<bool, AppError> {
        Ok(match (caller.ticket_scope(), queue) {
            (TicketScope::All, _) => true,
            (TicketScope::Nothing, _) | (TicketScope::Vendor(_), None) => false,
            (TicketScope::Vendor(v), Some(q)) => self.store.queue_vendor(q).await? == Some(v),
        })
    }
}
