//! A customer's data rights: export everything held about them (subject access request)
//! and erase their identity (right to erasure). Both are recorded in the audit trail.

use crate::error::AppError;
use crate::tickets::TicketView;
use crate::{App, Caller};
use paydesk_domain::CustomerId;
use paydesk_domain::customer::Customer;
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::policy::Action;
use paydesk_store::erasure::Erased;
use paydesk_store::{PageRequest, TicketFilter};
use serde_json::json;

/// Everything held about a customer: their record and every ticket with its conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerExport {
    pub customer: Customer,
    pub tickets: Vec<TicketView>,
}

impl App {
    /// All data held about a customer, unmasked (for the customer's own request).
    /// Requires `customer_export`; recorded as an `export` event.
    pub async fn export_customer(
        &self,
        caller: &Caller,
        id: CustomerId,
    ) -> Result<CustomerExport, AppError> {
        caller.require(Action::CustomerExport)?;
        let customer = self.store.customer(id).await?;
        let filter = TicketFilter {
            customer_id: Some(id),
            ..TicketFilter::default()
        };
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        let mut tickets = Vec::new();
        loop {
            let found = self.store.list_tickets(&filter, &page).await?;
            for ticket in found.items {
                let messages = self.store.messages(ticket.id).await?;
                tickets.push(TicketView { ticket, messages });
            }
            match found.next_cursor {
                Some(c) => page.cursor = Some(c),
                None => break,
            }
        }
        let data = json!({ "what": "customer_data", "customer": id, "tickets": tickets.len() });
        self.audit(caller, EventKind::Export, Some(id), data)
            .await?;
        Ok(CustomerExport { customer, tickets })
    }

    /// Erases a customer's identity and the texts of their tickets, keeping the records
    /// (tickets, their statuses and times, and later their payments). Requires
    /// `customer_erase`. Irreversible.
    pub async fn erase_customer(
        &self,
        caller: &Caller,
        id: CustomerId,
    ) -> Result<Erased, AppError> {
        caller.require(Action::CustomerErase)?;
        let event = NewEvent {
            ticket_id: None,
            customer_id: Some(id),
            actor: caller.actor(),
            at: self.clock.now(),
            kind: EventKind::CustomerErased,
            data: json!({ "reason": "data subject request" }),
            ip: caller.ip.clone(),
        };
        Ok(self
            .store
            .erase_customer(id, &event, caller.ip.as_deref())
            .await?)
    }
}
