//! Approving and rejecting refunds that wait for a decision (maker-checker): only a
//! finance user or an admin, never the requester, and only once.

use super::{check_text, person, text};
use crate::error::AppError;
use crate::tickets::{from_where, redacted};
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::payment::refund::{RefundError, RefundId, RefundState};
use paydesk_domain::policy::Action;
use paydesk_store::RefundRecord;
use serde_json::json;

impl App {
    /// Approves (and executes) or rejects a refund waiting for approval. The policy is
    /// checked again before an approval (a dispute may have opened, the charge been
    /// refunded elsewhere): a refund it now refuses stays waiting, for a rejection.
    ///
    /// Errors: [`AppError::Forbidden`] without `refund_approve`; [`AppError::Refund`] with
    /// `self_approval` for the requester, `refund_not_pending` for a refund decided
    /// already (also when another approver got there first); [`AppError::RefundRefused`];
    /// [`AppError::Invalid`] for a rejection without a note; [`AppError::NotFound`].
    pub async fn decide_refund(
        &self,
        caller: &Caller,
        id: RefundId,
        approve: bool,
        note: Option<String>,
    ) -> Result<RefundRecord, AppError> {
        let (user, role) = person(caller, Action::RefundApprove)?;
        let current = self.visible_refund(caller, id).await?;
        let mut refund = current.refund();
        refund.decide(user, role, approve)?;
        let note = match note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => {
                check_text("note", n)?;
                Some(n.to_string())
            }
            None if approve => None,
            None => {
                return Err(AppError::invalid(
                    "note",
                    "say why the refund is rejected, for the requester",
                ));
            }
        };
        let actor = caller.actor();
        let now = self.now();
        let mut events = Vec::new();
        let note = note.map(|n| {
            redacted(
                &n,
                "refund_note",
                Some(current.ticket_id),
                &actor,
                now,
                &mut events,
            )
        });
        let mut work = self.store.payment_work().await?;
        if approve {
            let ticket = work.ticket(current.ticket_id).await?;
            let charge =
                work.lock_transaction(current.transaction_id)
                    .await?
                    .ok_or(AppError::NotFound {
                        entity: "transaction",
                    })?;
            let policy = work.refund_policy().await?;
            self.eligibility(
                &mut work,
                &policy.policy,
                &charge,
                &current.amount,
                Some(id),
                ticket.business_line,
            )
            .await?;
        }
        let Some(stored) = work
            .decide_refund(id, refund.state, user, note.as_deref(), now)
            .await?
        else {
            drop(work);
            let now_state = self.store.refund(id).await?.state;
            return Err(RefundError::NotPending(now_state.as_str()).into());
        };
        events.push(NewEvent::ticket(
            Some(stored.ticket_id),
            &actor,
            now,
            EventKind::RefundDecided,
            json!({ "refund_id": id.0, "approved": approve, "note": stored.decision_note }),
        ));
        from_where(caller, &mut events);
        work.note_refund(
            stored.ticket_id,
            &actor,
            text::decided(&stored),
            now,
            events,
        )
        .await?;
        work.commit().await?;
        if stored.state == RefundState::Approved {
            self.execute_refund(caller, stored).await
        } else {
            Ok(stored)
        }
    }
}
