//! Refunds from a ticket: whether a charge may be refunded and why not, who must approve,
//! and the refund's life from request to execution.
//!
//! [`RefundPolicy::check`] answers with every reason at once (an agent fixes all of them in
//! one go) and a sentence per reason for the ticket. Above the policy's threshold a refund
//! waits for a finance user who is not the requester (maker-checker). Execution goes through
//! a gateway connector exactly once per refund: [`Refund::begin_execution`] refuses a second
//! start, and the refund's idempotency key is what the connector sends to the gateway, so a
//! retried call never pays twice.

#[cfg(test)]
mod tests;

use super::{Money, Transaction, TransactionKind, TransactionStatus};
use crate::error::DomainError;
use crate::id::UserId;
use crate::role::Role;
use crate::ticket::BusinessLine;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A business line's refund rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineLimit {
    pub business_line: BusinessLine,
    /// The largest refund (minor units of `currency`) the desk may make for this line.
    pub max_amount: i64,
    pub currency: String,
}

/// The desk's refund rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundPolicy {
    /// Days after capture within which a charge may be refunded.
    pub max_days_since_capture: i64,
    /// Refunds above this amount (minor units, in the charge's currency) need approval.
    pub approval_above: i64,
    /// Per business line caps; a line without one is capped only by the charge.
    #[serde(default)]
    pub line_limits: Vec<LineLimit>,
}

impl Default for RefundPolicy {
    fn default() -> Self {
        Self {
            max_days_since_capture: 180,
            approval_above: 10_000,
            line_limits: Vec::new(),
        }
    }
}

/// Why a refund may not be made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    /// Only charges are refunded (not payouts, refunds, top-ups or transfers).
    NotACharge,
    /// The money was never taken (pending, authorised, failed) or already came back.
    NotRefundable { status: TransactionStatus },
    /// The amount must be above zero.
    NotPositive,
    /// Refunds are in the charge's currency.
    WrongCurrency { expected: String },
    /// More than what is left to refund.
    OverRefund { available: i64 },
    /// Captured too long ago.
    TooOld { days: i64, limit: i64 },
    /// The card holder disputes the charge: the network decides, a refund would pay twice.
    OpenDispute,
    /// Above the business line's cap.
    OverLineLimit { limit: i64 },
}

impl Refusal {
    /// The stable snake_case code of this reason (the same as its serialised `code`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotACharge => "not_a_charge",
            Refusal::NotRefundable { .. } => "not_refundable",
            Refusal::NotPositive => "not_positive",
            Refusal::WrongCurrency { .. } => "wrong_currency",
            Refusal::OverRefund { .. } => "over_refund",
            Refusal::TooOld { .. } => "too_old",
            Refusal::OpenDispute => "open_dispute",
            Refusal::OverLineLimit { .. } => "over_line_limit",
        }
    }

    /// The reason in a sentence, for the agent.
    #[must_use]
    pub fn explain(&self, currency: &str) -> String {
        let money = |minor: i64| {
            Money {
                amount: minor,
                currency: currency.to_string(),
            }
            .display()
        };
        match self {
            Refusal::NotACharge => "only charges can be refunded".into(),
            Refusal::NotRefundable { status } => {
                format!("the charge is {}, so no money was taken to give back", status.as_str())
            }
            Refusal::NotPositive => "the amount must be more than zero".into(),
            Refusal::WrongCurrency { expected } => {
                format!("the refund must be in the charge's currency, {expected}")
            }
            Refusal::OverRefund { available } => {
                format!("only {} is left to refund on this charge", money(*available))
            }
            Refusal::TooOld { days, limit } => format!(
                "the charge was captured {days} days ago; refunds are allowed within {limit} days"
            ),
            Refusal::OpenDispute => {
                "the charge has an open dispute: answer the dispute instead (a refund now could pay the customer twice)".into()
            }
            Refusal::OverLineLimit { limit } => {
                format!("refunds on this business line are capped at {}", money(*limit))
            }
        }
    }
}

/// The policy's answer on one refund request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    /// Empty when the refund may be made.
    pub refusals: Vec<Refusal>,
    /// Whether a finance user other than the requester must approve first.
    pub needs_approval: bool,
    /// One sentence per refusal, or why it may go ahead.
    pub explanation: Vec<String>,
}

impl Eligibility {
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        self.refusals.is_empty()
    }
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The longest refund window a policy may set, in days (ten years).
pub const MAX_WINDOW_DAYS: i64 = 3_650;

/// The most caps a policy holds (each business line in twenty currencies).
pub const MAX_LINE_LIMITS: usize = 60;

impl RefundPolicy {
    /// Checks a policy before it is stored: a window of 1 to [`MAX_WINDOW_DAYS`] days, no
    /// negative amounts, at most [`MAX_LINE_LIMITS`] caps and one per business line and
    /// currency. Currencies are upper-cased on the way.
    pub fn validate(mut self) -> Result<Self, DomainError> {
        if !(1..=MAX_WINDOW_DAYS).contains(&self.max_days_since_capture) {
            return Err(DomainError::invalid(
                "max_days_since_capture",
                format!("between 1 and {MAX_WINDOW_DAYS} days"),
            ));
        }
        if self.approval_above < 0 {
            return Err(DomainError::invalid(
                "approval_above",
                "an amount in minor units, 0 or more (0: every refund needs approval)",
            ));
        }
        if self.line_limits.len() > MAX_LINE_LIMITS {
            return Err(DomainError::invalid(
                "line_limits",
                format!("at most {MAX_LINE_LIMITS} caps"),
            ));
        }
        for i in 0..self.line_limits.len() {
            let currency =
                super::normalize_currency(&self.line_limits[i].currency).map_err(|_| {
                    DomainError::invalid(
                        "line_limits",
                        "each currency is an ISO 4217 code such as 'USD'",
                    )
                })?;
            let limit = &mut self.line_limits[i];
            limit.currency = currency;
            if limit.max_amount < 0 {
                return Err(DomainError::invalid(
                    "line_limits",
                    "max_amount is an amount in minor units, 0 or more",
                ));
            }
            let (line, currency) = (limit.business_line, limit.currency.clone());
            if self.line_limits[..i]
                .iter()
                .any(|o| o.business_line == line && o.currency == currency)
            {
                return Err(DomainError::invalid(
                    "line_limits",
                    format!("two caps for {} in {currency}", line.as_str()),
                ));
            }
        }
        Ok(self)
    }

    /// Whether `amount` may be refunded on `charge` at `now`. `has_open_dispute`: a
    /// dispute on the charge that is not closed; `line`: the ticket's business line.
    #[must_use]
    pub fn check(
        &self,
        charge: &Transaction,
        amount: &Money,
        has_open_dispute: bool,
        line: BusinessLine,
        now: Timestamp,
    ) -> Eligibility {
        let mut refusals = Vec::new();
        if charge.kind != TransactionKind::Charge {
            refusals.push(Refusal::NotACharge);
        }
        if !matches!(
            charge.status,
            TransactionStatus::Captured | TransactionStatus::Settled
        ) {
            refusals.push(Refusal::NotRefundable {
                status: charge.status,
            });
        }
        if amount.amount <= 0 {
            refusals.push(Refusal::NotPositive);
        }
        if amount.currency != charge.money.currency {
            refusals.push(Refusal::WrongCurrency {
                expected: charge.money.currency.clone(),
            });
        }
        let available = charge
            .money
            .amount
            .saturating_sub(charge.amount_refunded)
            .max(0);
        if amount.amount > available {
            refusals.push(Refusal::OverRefund { available });
        }
        let days = now.since(charge.created_at).max(0) / DAY_MS;
        if days > self.max_days_since_capture {
            refusals.push(Refusal::TooOld {
                days,
                limit: self.max_days_since_capture,
            });
        }
        if has_open_dispute {
            refusals.push(Refusal::OpenDispute);
        }
        if let Some(limit) = self
            .line_limits
            .iter()
            .find(|l| l.business_line == line && l.currency == amount.currency)
            && amount.amount > limit.max_amount
        {
            refusals.push(Refusal::OverLineLimit {
                limit: limit.max_amount,
            });
        }
        let needs_approval = amount.amount > self.approval_above;
        let explanation = if refusals.is_empty() {
            vec![if needs_approval {
                format!(
                    "allowed; above {} it needs a finance approver other than the requester",
                    Money {
                        amount: self.approval_above,
                        currency: amount.currency.clone(),
                    }
                    .display()
                )
            } else {
                "allowed; it runs at once".into()
            }]
        } else {
            refusals
                .iter()
                .map(|r| r.explain(&charge.money.currency))
                .collect()
        };
        Eligibility {
            refusals,
            needs_approval,
            explanation,
        }
    }
}

crate::label_enum!(
    /// Where a refund stands.
    RefundState {
        /// Waiting for a finance approver.
        PendingApproval = "pending_approval",
        /// Approved (or needing no approval): ready to execute.
        Approved = "approved",
        Rejected = "rejected",
        /// Sent to the gateway; the answer is not in yet.
        Executing = "executing",
        Succeeded = "succeeded",
        Failed = "failed",
    }
);

impl RefundState {
    /// Whether a refund in this state still holds its amount on the charge: it may yet
    /// pay, so a second refund may not count that money as available.
    #[must_use]
    pub fn holds_amount(self) -> bool {
        matches!(
            self,
            Self::PendingApproval | Self::Approved | Self::Executing
        )
    }
}

/// A refund's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RefundId(pub i64);

/// A refund asked for on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub amount: Money,
    pub requested_by: UserId,
    pub state: RefundState,
    pub approved_by: Option<UserId>,
    /// Sent to the gateway with the refund, so a retried call is recognised there.
    pub idempotency_key: String,
}

/// A move the refund's rules refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error("the requester of a refund can never approve it")]
    SelfApproval,
    #[error("only finance users approve refunds")]
    NotFinance,
    #[error("the refund is {0}, not waiting for approval")]
    NotPending(&'static str),
    #[error("the refund is {0}; it runs once and only once approved")]
    NotExecutable(&'static str),
}

impl RefundError {
    /// The stable code of this failure.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::SelfApproval => "self_approval",
            Self::NotFinance => "not_finance",
            Self::NotPending(_) => "refund_not_pending",
            Self::NotExecutable(_) => "refund_not_executable",
        }
    }
}

impl Refund {
    /// A new refund as the policy's answer makes it: waiting for approval, or approved.
    #[must_use]
    pub fn requested(
        amount: Money,
        requested_by: UserId,
        eligibility: &Eligibility,
        idempotency_key: String,
    ) -> Self {
        Self {
            amount,
            requested_by,
            state: if eligibility.needs_approval {
                RefundState::PendingApproval
            } else {
                RefundState::Approved
            },
            approved_by: None,
            idempotency_key,
        }
    }

    /// Approves (or rejects) as `approver` with `role`: a finance user (or admin) who did
    /// not request it.
    pub fn decide(
        &mut self,
        approver: UserId,
        role: Role,
        approve: bool,
    ) -> Result<(), RefundError> {
        if self.state != RefundState::PendingApproval {
            return Err(RefundError::NotPending(self.state.as_str()));
        }
        if approver == self.requested_by {
            return Err(RefundError::SelfApproval);
        }
        if !matches!(role, Role::Finance | Role::Admin) {
            return Err(RefundError::NotFinance);
        }
        self.approved_by = Some(approver);
        self.state = if approve {
            RefundState::Approved
        } else {
            RefundState::Rejected
        };
        Ok(())
    }

    /// Marks the refund as sent to the gateway. Refused unless approved, so a double
    /// submit or a retry after a crash starts it once; the caller re-reads the gateway's
    /// answer by the idempotency key instead.
    pub fn begin_execution(&mut self) -> Result<(), RefundError> {
        if self.state != RefundState::Approved {
            return Err(RefundError::NotExecutable(self.state.as_str()));
        }
        self.state = RefundState::Executing;
        Ok(())
    }

    /// Records the gateway's answer.
    pub fn finish(&mut self, succeeded: bool) -> Result<(), RefundError> {
        if self.state != RefundState::Executing {
            return Err(RefundError::NotExecutable(self.state.as_str()));
        }
        self.state = if succeeded {
            RefundState::Succeeded
        } else {
            RefundState::Failed
        };
        Ok(())
    }
}
