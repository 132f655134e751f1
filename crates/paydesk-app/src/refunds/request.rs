//! Asking for a refund from a ticket: the input checked, the charge locked and the policy
//! asked, the refund stored with its event and note, and run at once when the policy needs
//! no approval.

use super::{RefundInput, Requested, check_text, external_ref, person, refund_key, replay, text};
use crate::error::AppError;
use crate::tickets::{from_where, redacted};
use crate::{App, Caller};
use paydesk_domain::TicketId;
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::payment::refund::{Eligibility, Refund, RefundId, RefundPolicy, RefundState};
use paydesk_domain::payment::{Money, PaymentObjectKind, Transaction, normalize_currency};
use paydesk_domain::policy::Action;
use paydesk_domain::ticket::{BusinessLine, Status, Ticket};
use paydesk_store::{NewRefund, PaymentWork, StoreError};
use serde_json::json;

impl App {
    /// Asks for a refund of (part of) a charge on a ticket the caller may see; see the
    /// module documentation of [`crate::refunds`]. Below the policy's threshold it is
    /// approved and executed at once; above, it waits in `pending_approval`.
    ///
    /// Errors: [`AppError::RefundRefused`] with every reason; [`AppError::Invalid`] naming
    /// the field (an unknown transaction, one neither linked to the ticket nor its
    /// customer's, a missing `external_ref` for a `record_only` refund that runs at once);
    /// [`AppError::IdempotencyKeyReused`]; [`AppError::NotFound`] for a ticket out of
    /// sight; `ticket_closed`.
    pub async fn request_refund(
        &self,
        caller: &Caller,
        ticket_id: TicketId,
        input: RefundInput,
    ) -> Result<Requested, AppError> {
        let (user, _) = person(caller, Action::RefundRequest)?;
        let ticket = self.visible_ticket(caller, ticket_id).await?;
        let key = refund_key(user, &input.idempotency_key)?;
        if let Some(found) = self.store.refund_by_key(&key).await? {
            return replay(found, ticket_id, &input);
        }
        if ticket.status == Status::Closed {
            return Err(paydesk_domain::DomainError::TicketClosed.into());
        }
        check_text("reason", &input.reason)?;
        let currency = input
            .currency
            .as_deref()
            .map(normalize_currency)
            .transpose()?;
        let (actor, now) = (caller.actor(), self.now());
        let mut events = Vec::new();
        let reason = redacted(
            &input.reason,
            "refund_reason",
            Some(ticket_id),
            &actor,
            now,
            &mut events,
        );
        let mut work = self.store.payment_work().await?;
        let charge = work
            .lock_transaction(input.transaction_id)
            .await?
            .ok_or_else(|| AppError::invalid("transaction_id", "no transaction has this id"))?;
        // Under the charge's lock: a twin request that held it first is visible now.
        if let Some(found) = work.refund_by_key(&key).await? {
            return replay(found, ticket_id, &input);
        }
        refuse_unrelated(&mut work, &ticket, &charge).await?;
        let amount = Money {
            amount: input.amount,
            currency: currency.unwrap_or_else(|| charge.money.currency.clone()),
        };
        let policy = work.refund_policy().await?;
        let eligibility = self
            .eligibility(
                &mut work,
                &policy.policy,
                &charge,
                &amount,
                None,
                ticket.business_line,
            )
            .await?;
        let connector = self.refund_connectors.for_gateway(&charge.gateway);
        let external_ref = external_ref(
            connector.as_ref(),
            &charge.gateway,
            input.external_ref.as_deref(),
            !eligibility.needs_approval,
        )?;
        let refund = Refund::requested(amount, user, &eligibility, key);
        let new = NewRefund {
            ticket_id,
            transaction_id: charge.id,
            amount: refund.amount,
            reason,
            state: refund.state,
            policy_version: policy.version,
            requested_by: user,
            idempotency_key: refund.idempotency_key,
            connector: connector.name().to_string(),
            external_ref,
            at: now,
        };
        let stored = match work.insert_refund(&new).await {
            Ok(stored) => stored,
            Err(StoreError::Duplicate) => {
                drop(work);
                let found = self.store.refund_by_key(&new.idempotency_key).await?;
                return replay(
                    found.ok_or(AppError::IdempotencyKeyReused)?,
                    ticket_id,
                    &input,
                );
            }
            Err(e) => return Err(e.into()),
        };
        events.push(NewEvent::ticket(
            Some(ticket_id),
            &actor,
            now,
            EventKind::RefundRequested,
            json!({
                "refund_id": stored.id.0,
                "amount": stored.amount.amount,
                "currency": stored.amount.currency,
                "needs_approval": eligibility.needs_approval,
            }),
        ));
        from_where(caller, &mut events);
        let note = text::requested(&stored, &charge, &eligibility.explanation);
        work.note_refund(ticket_id, &actor, note, now, events)
            .await?;
        work.commit().await?;
        let refund = if stored.state == RefundState::Approved {
            self.execute_refund(caller, stored).await?
        } else {
            stored
        };
        Ok(Requested {
            refund,
            is_new: true,
        })
    }

    /// The policy's answer on refunding `amount` of `charge`, counting what other refunds
    /// of it (all but `except`) may still pay as already refunded; refusals become
    /// [`AppError::RefundRefused`].
    pub(super) async fn eligibility(
        &self,
        work: &mut PaymentWork,
        policy: &RefundPolicy,
        charge: &Transaction,
        amount: &Money,
        except: Option<RefundId>,
        line: BusinessLine,
    ) -> Result<Eligibility, AppError> {
        let held = work.held_by_refunds(charge.id, except).await?;
        let mut seen = charge.clone();
        seen.amount_refunded = seen.amount_refunded.saturating_add(held);
        let dispute = work.has_open_dispute(charge.id).await?;
        let eligibility = policy.check(&seen, amount, dispute, line, self.now());
        if eligibility.is_allowed() {
            Ok(eligibility)
        } else {
            Err(AppError::RefundRefused {
                refusals: eligibility.refusals,
                explanation: eligibility.explanation,
            })
        }
    }
}

/// Refuses a charge the ticket is not about: neither its customer's nor linked to it.
async fn refuse_unrelated(
    work: &mut PaymentWork,
    ticket: &Ticket,
    charge: &Transaction,
) -> Result<(), AppError> {
    if ticket.customer_id.is_some() && ticket.customer_id == charge.customer_id {
        return Ok(());
    }
    let linked = work
        .linked_tickets(PaymentObjectKind::Transaction, charge.id.0)
        .await?;
    if linked.iter().any(|t| t.id == ticket.id) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "transaction_id",
            "this transaction is neither linked to the ticket nor its customer's; link it to the ticket first",
        ))
    }
}
