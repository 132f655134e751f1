//! Approving and rejecting refunds that wait for a decision (maker-checker): only a
//! finance user or an admin, never the requester, and only once.

use super::{check_text, external_ref, person, text};
use crate::error::AppError;
use crate::tickets::{from_where, redacted};
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::payment::refund::{RefundError, RefundId, RefundState};
use paydesk_domain::policy::Action;
use paydesk_store::{PaymentWork, RefundDecision, RefundRecord};
use serde_json::json;

/// A finance user's decision on a waiting refund.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    pub approve: bool,
    /// Why; required to reject (the requester reads it).
    pub note: Option<String>,
    /// For a refund made outside paydesk (`record_only`) that was asked for without one:
    /// the reference of the refund the approver made there.
    pub external_ref: Option<String>,
}

impl Decision {
    /// An approval with no note.
    #[must_use]
    pub fn approve() -> Self {
        Self {
            approve: true,
            ..Self::default()
        }
    }

    /// A rejection saying why.
    #[must_use]
    pub fn reject(note: &str) -> Self {
        Self {
            note: Some(note.into()),
            ..Self::default()
        }
    }
}

impl App {
    /// Approves (and executes) or rejects a refund waiting for approval. The policy is
    /// checked again before an approval (a dispute may have opened, the charge been
    /// refunded elsewhere): a refund it now refuses stays waiting, for a rejection.
    ///
    /// Errors: [`AppError::Forbidden`] without `refund_approve`; [`AppError::Refund`] with
    /// `self_approval` for the requester, `refund_not_pending` for a refund decided
    /// already (also when another approver got there first); [`AppError::RefundRefused`];
    /// [`AppError::Invalid`] for a rejection without a note, or an approval of a refund
    /// made elsewhere without its `external_ref`; [`AppError::NotFound`].
    pub async fn decide_refund(
        &self,
        caller: &Caller,
        id: RefundId,
        decision: Decision,
    ) -> Result<RefundRecord, AppError> {
        let (user, role) = person(caller, Action::RefundApprove)?;
        let current = self.visible_refund(caller, id).await?;
        let mut refund = current.refund();
        refund.decide(user, role, decision.approve)?;
        let note = decision
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        match note {
            Some(n) => check_text("note", n)?,
            None if !decision.approve => {
                return Err(AppError::invalid(
                    "note",
                    "say why the refund is rejected, for the requester",
                ));
            }
            None => {}
        }
        let (actor, now) = (caller.actor(), self.now());
        let mut events = Vec::new();
        let note = note.map(|n| {
            redacted(
                n,
                "refund_note",
                Some(current.ticket_id),
                &actor,
                now,
                &mut events,
            )
        });
        let mut work = self.store.payment_work().await?;
        let external_ref = if decision.approve {
            self.recheck(&mut work, &current, decision.external_ref.as_deref())
                .await?
        } else {
            None
        };
        let decided = RefundDecision {
            to: refund.state,
            by: user,
            note: note.as_deref(),
            external_ref: external_ref.as_deref(),
            at: now,
        };
        let Some(stored) = work.decide_refund(id, &decided).await? else {
            drop(work);
            let now_state = self.store.refund(id).await?.state;
            return Err(RefundError::NotPending(now_state.as_str()).into());
        };
        events.push(NewEvent::ticket(
            Some(stored.ticket_id),
            &actor,
            now,
            EventKind::RefundDecided,
            json!({ "refund_id": id.0, "approved": decision.approve, "note": stored.decision_note }),
        ));
        from_where(caller, &mut events);
        let note = text::decided(&stored);
        work.note_refund(stored.ticket_id, &actor, note, now, events)
            .await?;
        work.commit().await?;
        if stored.state == RefundState::Approved {
            self.execute_refund(caller, stored).await
        } else {
            Ok(stored)
        }
    }

    /// Before an approval: the policy again, leaving the refund's own hold out, and the
    /// reference a refund made elsewhere needs by the time it runs. Returns the reference
    /// given now, if any.
    async fn recheck(
        &self,
        work: &mut PaymentWork,
        current: &RefundRecord,
        given_ref: Option<&str>,
    ) -> Result<Option<String>, AppError> {
        let ticket = work.ticket(current.ticket_id).await?;
        let charge =
            work.lock_transaction(current.transaction_id)
                .await?
                .ok_or(AppError::NotFound {
                    entity: "transaction",
                })?;
        let policy = work.refund_policy().await?;
        self.eligibility(
            work,
            &policy.policy,
            &charge,
            &current.amount,
            Some(current.id),
            ticket.business_line,
        )
        .await?;
        match self
            .refund_connectors
            .named(&charge.gateway, &current.connector)
        {
            Some(connector) => external_ref(
                connector.as_ref(),
                &charge.gateway,
                given_ref,
                current.external_ref.is_none(),
            ),
            None => Ok(None),
        }
    }
}
