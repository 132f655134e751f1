//! Refunds from a ticket: asked for by an agent, checked against the refund policy,
//! approved by a finance user who is not the requester when above the policy's
//! threshold (maker-checker), and executed once through the charge's gateway connector.
//!
//! Guarantees:
//! - The policy's answer is given whole: a refused refund names every reason, each with
//!   the policy's own explanation, and nothing is stored.
//! - A request with an idempotency key already used by the same person returns the first
//!   refund and creates nothing, also when both arrive at once.
//! - A refund's money is held from the moment it is asked for: two refunds of one charge
//!   are checked one after the other, each counting what the other may still pay.
//! - Every change of state is a guarded update, so of twenty concurrent approvals or
//!   executions exactly one wins; the connector is called with the refund's idempotency
//!   key on every attempt, so an attempt repeated after a crash never pays twice.
//! - Each step is an event on the ticket (`refund_requested`, `refund_decided`,
//!   `refund_executed`) and an internal note saying what happened, committed with it.

mod connector;
mod decide;
mod execute;
mod read;
mod test_connector;
mod text;

pub use connector::{
    ConnectorError, ConnectorFuture, Connectors, RECORD_ONLY, RecordOnly, RefundConnector,
    RefundOrder,
};
pub use execute::{CONNECTOR_TIMEOUT, EXECUTION_LEASE_MS};
pub use read::PolicyInput;
pub use test_connector::{TEST, TestBehaviour, TestConnector};

use crate::error::AppError;
use crate::tickets::{from_where, redacted, refuse_nul, refuse_unstorable};
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::payment::refund::{Refund, RefundState};
use paydesk_domain::payment::{
    Money, PaymentObjectKind, TransactionId, check_ref, normalize_currency,
};
use paydesk_domain::policy::{Action, Principal};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::Status;
use paydesk_domain::{TicketId, UserId};
use paydesk_store::{NewRefund, PaymentWork, RefundRecord, StoreError};
use serde_json::json;
use sha2::{Digest, Sha256};

/// The longest reason or decision note kept, in characters.
pub const TEXT_MAX: usize = 1_000;

/// A refund as an agent asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundInput {
    pub transaction_id: TransactionId,
    /// Minor units of the charge's currency.
    pub amount: i64,
    /// The refund's currency; the charge's when not given.
    pub currency: Option<String>,
    /// Why, for the approver and the record (redacted).
    pub reason: String,
    /// For a charge whose gateway's refunds are made elsewhere (`record_only`): the
    /// reference of the refund made there.
    pub external_ref: Option<String>,
    /// The client's key for this request: a retry with it returns the first refund.
    pub idempotency_key: String,
}

/// The answer to a refund request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    pub refund: RefundRecord,
    /// False when the idempotency key returned an earlier request's refund.
    pub is_new: bool,
}

/// The person calling, with their role: refunds are asked for and decided by people, so
/// that maker and checker are two named users.
fn person(caller: &Caller, action: Action) -> Result<(UserId, Role), AppError> {
    caller.require(action)?;
    match caller.principal {
        Principal::User { id, role, .. } => Ok((id, role)),
        _ => Err(AppError::invalid(
            "caller",
            "refunds are asked for and approved by people; sign in as one",
        )),
    }
}

/// The key sent to the gateway: a hash of who sent the client's key and the key, so two
/// people's keys never collide and nothing a client typed there is stored or sent on.
fn refund_key(user: UserId, key: &str) -> Result<String, AppError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "Idempotency-Key",
            "1-255 visible ASCII characters; send one with every refund so that a retry never refunds twice",
        ));
    }
    let digest = Sha256::digest(format!("user:{user}\n{key}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("pdrf_{hex}"))
}

/// A person's free text (a reason, a note): 1 to [`TEXT_MAX`] characters, no NUL.
pub(crate) fn check_text(field: &str, text: &str) -> Result<(), AppError> {
    if text.trim().is_empty() || text.chars().count() > TEXT_MAX {
        return Err(AppError::invalid(
            field,
            format!("1 to {TEXT_MAX} characters"),
        ));
    }
    refuse_nul(field, text)
}

/// Whether an earlier refund made with the same key was this same request.
fn replay(
    found: RefundRecord,
    ticket: TicketId,
    input: &RefundInput,
) -> Result<Requested, AppError> {
    if found.ticket_id == ticket
        && found.transaction_id == input.transaction_id
        && found.amount.amount == input.amount
    {
        Ok(Requested {
            refund: found,
            is_new: false,
        })
    } else {
        Err(AppError::IdempotencyKeyReused)
    }
}

impl App {
    /// Asks for a refund of (part of) a charge on a ticket the caller may see; see the
    /// module documentation. Below the policy's threshold it is approved and executed at
    /// once; above, it waits in `pending_approval`.
    ///
    /// Errors: [`AppError::RefundRefused`] with every reason; [`AppError::Invalid`] naming
    /// the field (an unknown transaction, one neither linked to the ticket nor its
    /// customer's, a missing `external_ref` for a `record_only` gateway);
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
        let external_ref = match input.external_ref.as_deref() {
            Some(r) => {
                refuse_unstorable("external_ref", r)?;
                Some(check_ref("external_ref", r)?)
            }
            None => None,
        };
        let actor = caller.actor();
        let now = self.now();
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
        let is_customers = ticket.customer_id.is_some() && ticket.customer_id == charge.customer_id;
        let is_about = is_customers
            || work
                .linked_tickets(PaymentObjectKind::Transaction, charge.id.0)
                .await?
                .iter()
                .any(|t| t.id == ticket_id);
        if !is_about {
            return Err(AppError::invalid(
                "transaction_id",
                "this transaction is neither linked to the ticket nor its customer's; link it to the ticket first",
            ));
        }
        let connector = self.refund_connectors.for_gateway(&charge.gateway);
        match (connector.needs_external_ref(), &external_ref) {
            (true, None) => {
                return Err(AppError::invalid(
                    "external_ref",
                    format!(
                        "refunds on {} are made outside paydesk ({}): give the reference of the refund made there",
                        charge.gateway,
                        connector.name()
                    ),
                ));
            }
            (false, Some(_)) => {
                return Err(AppError::invalid(
                    "external_ref",
                    format!(
                        "refunds on {} are made by paydesk through {}; leave external_ref out",
                        charge.gateway,
                        connector.name()
                    ),
                ));
            }
            _ => {}
        }
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
        let refund = Refund::requested(amount, user, &eligibility, key);
        let new = NewRefund {
            ticket_id,
            transaction_id: charge.id,
            amount: refund.amount.clone(),
            reason,
            state: refund.state,
            policy_version: policy.version,
            requested_by: user,
            idempotency_key: refund.idempotency_key.clone(),
            connector: connector.name().to_string(),
            external_ref,
            at: now,
        };
        let stored = match work.insert_refund(&new).await {
            Ok(stored) => stored,
            Err(StoreError::Duplicate) => {
                drop(work);
                let found = self
                    .store
                    .refund_by_key(&new.idempotency_key)
                    .await?
                    .ok_or(AppError::IdempotencyKeyReused)?;
                return replay(found, ticket_id, &input);
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
    async fn eligibility(
        &self,
        work: &mut PaymentWork,
        policy: &paydesk_domain::payment::refund::RefundPolicy,
        charge: &paydesk_domain::payment::Transaction,
        amount: &Money,
        except: Option<paydesk_domain::payment::refund::RefundId>,
        line: paydesk_domain::ticket::BusinessLine,
    ) -> Result<paydesk_domain::payment::refund::Eligibility, AppError> {
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
