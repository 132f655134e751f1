//! Recording what the event log does not see by itself: sign-ins (and failed ones),
//! sign-outs, reads of customers' personal data by people, exports, and changes to users,
//! tokens and settings. Each is one event in the chained, append-only log, with who, when,
//! from where (the caller's address) and what.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::{Actor, CustomerId};
use serde_json::Value;

impl App {
    /// Appends one audit event for `caller`.
    pub(crate) async fn audit(
        &self,
        caller: &Caller,
        kind: EventKind,
        customer: Option<CustomerId>,
        data: Value,
    ) -> Result<(), AppError> {
        self.audit_as(&caller.actor(), caller.ip.as_deref(), kind, customer, data)
            .await
    }

    /// Appends one audit event for an actor that is not (yet) a caller, such as someone
    /// trying to sign in.
    pub(crate) async fn audit_as(
        &self,
        actor: &Actor,
        ip: Option<&str>,
        kind: EventKind,
        customer: Option<CustomerId>,
        data: Value,
    ) -> Result<(), AppError> {
        let event = NewEvent {
            ticket_id: None,
            customer_id: customer,
            actor: actor.clone(),
            at: self.clock.now(),
            kind,
            data,
            ip: ip.map(str::to_string),
        };
        self.store.append_audit(&[event], ip).await?;
        Ok(())
    }
}
