//! Reading refunds (one, a ticket's, the approval queue) within what the caller may see,
//! and the refund policy as configuration (read by staff, changed by admins).
//!
//! A refund is seen through its ticket: one on a ticket out of the caller's sight (a BPO
//! agent and another vendor's queue) answers "not found", like one that does not exist.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::TicketId;
use paydesk_domain::payment::refund::{RefundId, RefundPolicy, RefundState};
use paydesk_domain::policy::Action;
use paydesk_store::{
    Page, PageRequest, RefundFilter, RefundRecord, StoreError, StoredRefundPolicy,
};
use serde_json::json;

/// A new refund policy as an admin sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyInput {
    pub policy: RefundPolicy,
    /// The version read: a policy changed since is refused.
    pub expected_version: Option<i64>,
}

impl App {
    /// The refund, if the caller may see its ticket; otherwise [`AppError::NotFound`].
    pub(crate) async fn visible_refund(
        &self,
        caller: &Caller,
        id: RefundId,
    ) -> Result<RefundRecord, AppError> {
        let refund = self.store.refund(id).await?;
        match self.visible_ticket(caller, refund.ticket_id).await {
            Ok(_) => Ok(refund),
            Err(AppError::NotFound { .. }) => Err(AppError::NotFound { entity: "refund" }),
            Err(e) => Err(e),
        }
    }

    /// One refund. Errors: [`AppError::Forbidden`] without `payment_read`;
    /// [`AppError::NotFound`].
    pub async fn refund(&self, caller: &Caller, id: RefundId) -> Result<RefundRecord, AppError> {
        caller.require(Action::PaymentRead)?;
        self.visible_refund(caller, id).await
    }

    /// A ticket's refunds, oldest first. Errors: [`AppError::NotFound`] for a ticket out
    /// of sight.
    pub async fn ticket_refunds(
        &self,
        caller: &Caller,
        ticket: TicketId,
    ) -> Result<Vec<RefundRecord>, AppError> {
        caller.require(Action::PaymentRead)?;
        self.visible_ticket(caller, ticket).await?;
        Ok(self.store.ticket_refunds(ticket).await?)
    }

    /// Refunds in any of `states` (every state when empty), oldest request first: with
    /// `pending_approval`, the finance approval queue. Errors: an invalid cursor.
    pub async fn list_refunds(
        &self,
        caller: &Caller,
        states: Vec<RefundState>,
        page: &PageRequest,
    ) -> Result<Page<RefundRecord>, AppError> {
        caller.require(Action::PaymentRead)?;
        let Some(vendor_id) = caller.list_scope() else {
            return Ok(Page {
                items: vec![],
                next_cursor: None,
            });
        };
        let filter = RefundFilter { states, vendor_id };
        Ok(self.store.list_refunds(&filter, page).await?)
    }

    /// The refund policy in force (the defaults, version 0, until an admin sets one).
    pub async fn refund_policy(&self, caller: &Caller) -> Result<StoredRefundPolicy, AppError> {
        caller.require(Action::PaymentRead)?;
        Ok(self.store.refund_policy().await?)
    }

    /// Sets a new version of the refund policy, recorded as a `config_changed` event.
    /// Refunds asked for from then on are checked against it (and approvals of waiting
    /// ones too); each refund keeps the version it was checked against.
    ///
    /// Errors: [`AppError::Forbidden`] without `config_manage`; [`AppError::Invalid`]
    /// naming the field; [`AppError::VersionConflict`] when it changed since it was read.
    pub async fn save_refund_policy(
        &self,
        caller: &Caller,
        input: PolicyInput,
    ) -> Result<StoredRefundPolicy, AppError> {
        caller.require(Action::ConfigManage)?;
        let policy = input.policy.validate()?;
        let event = self.config_event(
            caller,
            json!({ "what": "refund_policy", "change": "updated", "definition": policy }),
        );
        let saved = self
            .store
            .save_refund_policy(&policy, input.expected_version, &event, self.now())
            .await;
        match saved {
            Err(StoreError::VersionConflict { expected, .. }) => Err(AppError::VersionConflict {
                entity: "refund policy",
                sent: expected,
                current: self.store.refund_policy().await?.version,
            }),
            other => other.map_err(AppError::from),
        }
    }
}
