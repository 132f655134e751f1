//! What a macro's placeholders are filled from, read for one ticket and one person.
//!
//! The customer's name reads as that caller may see it (masked for those who may not see
//! personal data, so a macro never shows them more than the ticket page does). The
//! language is the customer's locale, else the ticket's; the time zone the customer's,
//! else their country's, else UTC. The transaction is the latest charge linked to the
//! ticket; the refund the latest one not refused; the dispute the open one due first.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::Actor;
use paydesk_domain::macros::customer_time_zone;
use paydesk_domain::macros::locale::Language;
use paydesk_domain::macros::placeholder::{Facts, TransactionFacts};
use paydesk_domain::payment::TransactionKind;
use paydesk_domain::payment::refund::RefundState;
use paydesk_domain::ticket::{Ticket, ticket_number};

impl App {
    /// The facts `ticket` offers to a macro applied by `actor` for `caller`.
    pub(super) async fn macro_facts(
        &self,
        caller: &Caller,
        actor: &Actor,
        ticket: &Ticket,
    ) -> Result<Facts, AppError> {
        let customer = match ticket.customer_id {
            Some(id) => Some(self.store.customer(id).await?),
            None => None,
        };
        let agent_name = match actor {
            Actor::User { id } => Some(self.store.user(*id).await?.name),
            _ => None,
        };
        let payments = self.store.linked_payments(ticket.id).await?;
        let transaction = payments
            .transactions
            .iter()
            .filter(|t| t.kind == TransactionKind::Charge)
            .max_by_key(|t| (t.created_at, t.id))
            .or_else(|| {
                payments
                    .transactions
                    .iter()
                    .max_by_key(|t| (t.created_at, t.id))
            })
            .map(|t| TransactionFacts {
                gateway_id: t.gateway_ref.clone(),
                amount: t.money.clone(),
                at: t.created_at,
            });
        let refund = self
            .store
            .ticket_refunds(ticket.id)
            .await?
            .into_iter()
            .filter(|r| !matches!(r.state, RefundState::Rejected | RefundState::Failed))
            .max_by_key(|r| (r.requested_at, r.id));
        let dispute = payments
            .disputes
            .iter()
            .filter(|d| !d.status.is_closed())
            .min_by_key(|d| (d.due_at.is_none(), d.due_at, d.id))
            .or_else(|| {
                payments
                    .disputes
                    .iter()
                    .max_by_key(|d| (d.created_at, d.id))
            });
        let language = customer
            .as_ref()
            .and_then(|c| c.locale.as_deref())
            .map_or_else(|| Language::of_tag(&ticket.language), Language::of_tag);
        let customer_name = customer.as_ref().map(|c| {
            if caller.sees_pii() {
                c.name.clone()
            } else {
                c.masked().name
            }
        });
        Ok(Facts {
            customer_name,
            ticket_number: ticket_number(ticket.id),
            ticket_subject: ticket.subject.clone(),
            agent_name,
            transaction,
            refund_amount: refund.map(|r| r.amount),
            dispute_amount: dispute.map(|d| d.money.clone()),
            dispute_due_at: dispute.and_then(|d| d.due_at),
            now: self.clock.now(),
            time_zone: customer_time_zone(
                customer.as_ref().and_then(|c| c.time_zone.as_deref()),
                customer.as_ref().and_then(|c| c.country.as_deref()),
            ),
            language,
        })
    }
}
