//! Linking a ticket to a payment object by hand, and undoing it. Needs `payment_read` (the
//! agent must see the payment) and `ticket_update`; the ticket and the payment must both be
//! within the caller's sight. Each change is one `payment_linked` event (reason `manual`,
//! `linked` true or false) in the transaction that makes it.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::TicketId;
use paydesk_domain::payment::{DisputeId, PaymentObjectKind, PayoutId, TransactionId};
use paydesk_domain::policy::Action;
use paydesk_store::payment_link::{REASON_MANUAL, linked_event};

impl App {
    /// Links `ticket` to the payment object `kind`/`id`. Returns false when it was linked
    /// already (nothing changes then).
    ///
    /// Errors: [`AppError::Forbidden`]; [`AppError::NotFound`] for a ticket or payment the
    /// caller cannot see or that does not exist.
    pub async fn link_payment(
        &self,
        caller: &Caller,
        ticket: TicketId,
        kind: PaymentObjectKind,
        id: i64,
    ) -> Result<bool, AppError> {
        self.set_link(caller, ticket, kind, id, true).await
    }

    /// Removes the link between `ticket` and the payment object `kind`/`id`. Returns false
    /// when there was none. Errors as [`App::link_payment`].
    pub async fn unlink_payment(
        &self,
        caller: &Caller,
        ticket: TicketId,
        kind: PaymentObjectKind,
        id: i64,
    ) -> Result<bool, AppError> {
        self.set_link(caller, ticket, kind, id, false).await
    }

    async fn set_link(
        &self,
        caller: &Caller,
        ticket: TicketId,
        kind: PaymentObjectKind,
        id: i64,
        is_linked: bool,
    ) -> Result<bool, AppError> {
        caller.require(Action::PaymentRead)?;
        caller.require(Action::TicketUpdate)?;
        self.visible_ticket(caller, ticket).await?;
        let customer = match kind {
            PaymentObjectKind::Transaction => {
                self.store.transaction(TransactionId(id)).await?.customer_id
            }
            PaymentObjectKind::Payout => self.store.payout(PayoutId(id)).await?.customer_id,
            PaymentObjectKind::Dispute => {
                self.store.dispute(DisputeId(id)).await?.dispute.customer_id
            }
        };
        if !self.payment_in_scope(caller, customer).await? {
            return Err(AppError::NotFound {
                entity: kind.as_str(),
            });
        }
        let event = linked_event(
            ticket,
            kind,
            id,
            is_linked,
            REASON_MANUAL,
            &caller.actor(),
            self.clock.now(),
        )
        .from_ip(caller.ip.as_deref());
        Ok(self
            .store
            .set_ticket_payment_link(ticket, kind, id, is_linked, &event)
            .await?)
    }
}
