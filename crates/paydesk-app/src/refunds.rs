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
mod request;
mod test_connector;
mod text;

pub use connector::{
    ConnectorError, ConnectorFuture, Connectors, RECORD_ONLY, RecordOnly, RefundConnector,
    RefundOrder,
};
pub use decide::Decision;
pub use execute::{CONNECTOR_TIMEOUT, EXECUTION_LEASE_MS};
pub use read::PolicyInput;
pub use test_connector::{TEST, TestBehaviour, TestConnector};

use crate::Caller;
use crate::error::AppError;
use crate::tickets::{refuse_nul, refuse_unstorable};
use paydesk_domain::payment::{TransactionId, check_ref};
use paydesk_domain::policy::{Action, Principal};
use paydesk_domain::role::Role;
use paydesk_domain::{TicketId, UserId};
use paydesk_store::RefundRecord;
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
    // Letters only (a-p per half byte): no run of digits a card-data scan could mistake
    // for a card number.
    let letters: String = digest
        .iter()
        .flat_map(|b| [b >> 4, b & 0x0f])
        .map(|n| char::from(b'a' + n))
        .collect();
    Ok(format!("pdrf_{letters}"))
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

/// The reference of a refund made elsewhere, checked against the refund's connector:
/// `record_only` needs one by the time the refund runs (`runs_now`), any other connector
/// makes the refund itself and takes none.
fn external_ref(
    connector: &dyn RefundConnector,
    gateway: &str,
    given: Option<&str>,
    runs_now: bool,
) -> Result<Option<String>, AppError> {
    match (connector.needs_external_ref(), given) {
        (true, Some(r)) => {
            refuse_unstorable("external_ref", r)?;
            Ok(Some(check_ref("external_ref", r)?))
        }
        (true, None) if runs_now => Err(AppError::invalid(
            "external_ref",
            format!(
                "refunds on {gateway} are made outside paydesk ({}): make it there and give its reference",
                connector.name()
            ),
        )),
        (false, Some(_)) => Err(AppError::invalid(
            "external_ref",
            format!(
                "refunds on {gateway} are made by paydesk through {}; leave external_ref out",
                connector.name()
            ),
        )),
        (_, None) => Ok(None),
    }
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
