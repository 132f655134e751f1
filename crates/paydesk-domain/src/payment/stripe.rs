//! Stripe's vocabulary mapped onto paydesk's: event types, dispute statuses and stages,
//! charge and payout statuses. Pure functions; the webhook intake reads the JSON and asks
//! these what the values mean.

use super::fact::GatewayEventKind;
use super::{
    DisputeStage, DisputeStatus, PaymentMethod, PayoutSchedule, PayoutStatus, TransactionStatus,
};

/// The gateway name Stripe's objects are stored under.
pub const GATEWAY: &str = "stripe";

/// The `external_ids` name under which a customer's Stripe customer id (`cus_...`) is kept.
pub const CUSTOMER_ID_KEY: &str = "stripe_customer_id";

/// The `external_ids` name under which a merchant's or creator's Stripe connected account
/// (`acct_...`) is kept; payouts are matched by it.
pub const ACCOUNT_ID_KEY: &str = "stripe_account_id";

/// What a Stripe event type means, or `None` for a type paydesk does not handle.
#[must_use]
pub fn event_kind(event_type: &str) -> Option<GatewayEventKind> {
    Some(match event_type {
        "charge.dispute.created" => GatewayEventKind::DisputeCreated,
        "charge.dispute.updated" => GatewayEventKind::DisputeUpdated,
        "charge.dispute.closed" => GatewayEventKind::DisputeClosed,
        "charge.dispute.funds_withdrawn" => GatewayEventKind::DisputeFundsWithdrawn,
        "charge.dispute.funds_reinstated" => GatewayEventKind::DisputeFundsReinstated,
        "charge.failed" => GatewayEventKind::TransactionFailed,
        "charge.refunded" => GatewayEventKind::TransactionRefunded,
        "payout.failed" => GatewayEventKind::PayoutFailed,
        _ => return None,
    })
}

/// A Stripe dispute status. Stripe has no `accepted`: a dispute the merchant accepts
/// closes as `lost`; the legacy `charge_refunded` (refunded during an inquiry) is taken as
/// accepted. `None` for a status Stripe may add later.
#[must_use]
pub fn dispute_status(status: &str) -> Option<DisputeStatus> {
    Some(match status {
        "warning_needs_response" => DisputeStatus::WarningNeedsResponse,
        "warning_under_review" => DisputeStatus::WarningUnderReview,
        "warning_closed" => DisputeStatus::WarningClosed,
        "needs_response" => DisputeStatus::NeedsResponse,
        "under_review" => DisputeStatus::UnderReview,
        "won" => DisputeStatus::Won,
        "lost" => DisputeStatus::Lost,
        "charge_refunded" => DisputeStatus::Accepted,
        "prevented" => DisputeStatus::Prevented,
        _ => return None,
    })
}

/// A dispute's stage from `payment_method_details.card.case_type` when Stripe sends one,
/// otherwise from the status (see [`DisputeStage::implied_by`]).
#[must_use]
pub fn dispute_stage(case_type: Option<&str>, status: Option<DisputeStatus>) -> DisputeStage {
    match case_type {
        Some("inquiry") => DisputeStage::Inquiry,
        Some("chargeback") => DisputeStage::Chargeback,
        Some("pre_arbitration" | "prearbitration") => DisputeStage::PreArbitration,
        Some("arbitration" | "compliance") => DisputeStage::Arbitration,
        _ => status.map_or(DisputeStage::Chargeback, DisputeStage::implied_by),
    }
}

/// What Stripe says about a charge, as far as its status goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChargeState<'a> {
    /// `succeeded`, `pending` or `failed`; absent on legacy charges.
    pub status: Option<&'a str>,
    /// Legacy charges' `paid`.
    pub paid: Option<bool>,
    pub captured: Option<bool>,
    pub refunded: bool,
    pub amount: i64,
    pub amount_refunded: i64,
}

/// A charge's status: failed when Stripe says so (or, on a legacy charge, when it was not
/// paid); refunded when refunded in full; otherwise captured, or only authorised when
/// Stripe says it was not captured. A partial refund stays captured.
#[must_use]
pub fn charge_status(c: ChargeState<'_>) -> TransactionStatus {
    let failed = match c.status {
        Some(s) => s == "failed",
        None => c.paid == Some(false),
    };
    if failed {
        return TransactionStatus::Failed;
    }
    if c.refunded || (c.amount > 0 && c.amount_refunded >= c.amount) {
        return TransactionStatus::Refunded;
    }
    match (c.status, c.captured) {
        (Some("pending"), _) => TransactionStatus::Pending,
        (_, Some(false)) => TransactionStatus::Authorised,
        _ => TransactionStatus::Captured,
    }
}

/// A Stripe payout status (legacy transfers share these). `None` for one Stripe may add.
#[must_use]
pub fn payout_status(status: &str) -> Option<PayoutStatus> {
    Some(match status {
        "pending" => PayoutStatus::Scheduled,
        "in_transit" => PayoutStatus::InTransit,
        "paid" => PayoutStatus::Paid,
        "failed" => PayoutStatus::Failed,
        "canceled" => PayoutStatus::Canceled,
        _ => return None,
    })
}

/// Stripe's `payment_method_details.type` values that move money from a bank account.
const BANK_TYPES: &[&str] = &[
    "ach_credit_transfer",
    "ach_debit",
    "acss_debit",
    "au_becs_debit",
    "bacs_debit",
    "bank_transfer",
    "customer_balance",
    "sepa_credit_transfer",
    "sepa_debit",
    "sofort",
    "us_bank_account",
    "ideal",
    "bancontact",
    "eps",
    "giropay",
    "p24",
    "fpx",
];

/// Stripe's `payment_method_details.type` values that are wallets in their own right.
const WALLET_TYPES: &[&str] = &[
    "paypal",
    "link",
    "cashapp",
    "alipay",
    "wechat_pay",
    "amazon_pay",
    "revolut_pay",
    "mobilepay",
    "swish",
    "grabpay",
    "kakao_pay",
    "naver_pay",
];

/// How a charge was paid, from `payment_method_details.type` and, for cards, the card's
/// `wallet.type` (`apple_pay`, `google_pay`, ...): the method and the wallet's name.
/// A legacy charge without details but with a card is a card payment.
#[must_use]
pub fn payment_method(
    kind: Option<&str>,
    card_wallet: Option<&str>,
    has_card: bool,
) -> (Option<PaymentMethod>, Option<String>) {
    let kind = kind.map(str::to_ascii_lowercase);
    let wallet = card_wallet
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase);
    match kind.as_deref() {
        Some("card" | "card_present" | "interac_present") | None if wallet.is_some() => {
            (Some(PaymentMethod::Wallet), wallet)
        }
        Some("card" | "card_present" | "interac_present") => (Some(PaymentMethod::Card), None),
        Some(k) if WALLET_TYPES.contains(&k) => (Some(PaymentMethod::Wallet), Some(k.to_string())),
        Some(k) if BANK_TYPES.contains(&k) => (Some(PaymentMethod::BankTransfer), None),
        Some(_) => (Some(PaymentMethod::Other), None),
        None if has_card => (Some(PaymentMethod::Card), None),
        None => (None, None),
    }
}

/// A payout's schedule: the interval when the payload names one (`daily`, `weekly`,
/// `monthly`, `manual`), otherwise manual for a payout Stripe did not make on its own
/// (`automatic: false`); `None` when nothing says.
#[must_use]
pub fn payout_schedule(interval: Option<&str>, automatic: Option<bool>) -> Option<PayoutSchedule> {
    match interval.map(str::to_ascii_lowercase).as_deref() {
        Some("daily") => Some(PayoutSchedule::Daily),
        Some("weekly") => Some(PayoutSchedule::Weekly),
        Some("monthly") => Some(PayoutSchedule::Monthly),
        Some("manual") => Some(PayoutSchedule::Manual),
        _ => (automatic == Some(false)).then_some(PayoutSchedule::Manual),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handled_event_types() {
        assert_eq!(
            event_kind("charge.dispute.created"),
            Some(GatewayEventKind::DisputeCreated)
        );
        assert_eq!(
            event_kind("charge.dispute.funds_withdrawn"),
            Some(GatewayEventKind::DisputeFundsWithdrawn)
        );
        assert_eq!(
            event_kind("payout.failed"),
            Some(GatewayEventKind::PayoutFailed)
        );
        assert_eq!(event_kind("plan.created"), None);
        assert_eq!(event_kind("charge.dispute"), None);
        assert_eq!(event_kind("CHARGE.FAILED"), None);
    }

    #[test]
    fn every_stripe_dispute_status_maps() {
        for (stripe, ours) in [
            (
                "warning_needs_response",
                DisputeStatus::WarningNeedsResponse,
            ),
            ("warning_under_review", DisputeStatus::WarningUnderReview),
            ("warning_closed", DisputeStatus::WarningClosed),
            ("needs_response", DisputeStatus::NeedsResponse),
            ("under_review", DisputeStatus::UnderReview),
            ("won", DisputeStatus::Won),
            ("lost", DisputeStatus::Lost),
            ("charge_refunded", DisputeStatus::Accepted),
            ("prevented", DisputeStatus::Prevented),
        ] {
            assert_eq!(dispute_status(stripe), Some(ours), "{stripe}");
        }
        assert_eq!(dispute_status("escalated"), None);
        assert_eq!(dispute_status(""), None);
    }

    #[test]
    fn closed_and_open_dispute_statuses() {
        assert!(DisputeStatus::Won.is_closed() && DisputeStatus::Lost.is_closed());
        assert!(DisputeStatus::WarningClosed.is_closed());
        assert!(!DisputeStatus::UnderReview.is_closed());
        assert!(DisputeStatus::NeedsResponse.needs_response());
        assert!(!DisputeStatus::UnderReview.needs_response());
    }

    #[test]
    fn stage_from_case_type_or_status() {
        assert_eq!(
            dispute_stage(Some("inquiry"), Some(DisputeStatus::NeedsResponse)),
            DisputeStage::Inquiry
        );
        assert_eq!(
            dispute_stage(Some("compliance"), None),
            DisputeStage::Arbitration
        );
        assert_eq!(
            dispute_stage(None, Some(DisputeStatus::WarningNeedsResponse)),
            DisputeStage::Inquiry
        );
        assert_eq!(
            dispute_stage(None, Some(DisputeStatus::Lost)),
            DisputeStage::Chargeback
        );
        assert_eq!(dispute_stage(Some("odd"), None), DisputeStage::Chargeback);
    }

    #[test]
    fn charge_statuses() {
        let base = ChargeState {
            status: Some("succeeded"),
            captured: Some(true),
            amount: 1000,
            ..ChargeState::default()
        };
        assert_eq!(charge_status(base), TransactionStatus::Captured);
        assert_eq!(
            charge_status(ChargeState {
                captured: Some(false),
                ..base
            }),
            TransactionStatus::Authorised
        );
        assert_eq!(
            charge_status(ChargeState {
                status: Some("failed"),
                ..base
            }),
            TransactionStatus::Failed
        );
        assert_eq!(
            charge_status(ChargeState {
                status: Some("pending"),
                ..base
            }),
            TransactionStatus::Pending
        );
        // A partial refund keeps the charge captured; a full one marks it refunded.
        assert_eq!(
            charge_status(ChargeState {
                amount_refunded: 400,
                ..base
            }),
            TransactionStatus::Captured
        );
        assert_eq!(
            charge_status(ChargeState {
                amount_refunded: 1000,
                ..base
            }),
            TransactionStatus::Refunded
        );
        assert_eq!(
            charge_status(ChargeState {
                refunded: true,
                ..base
            }),
            TransactionStatus::Refunded
        );
        // Legacy charges say `paid` instead of `status`.
        let legacy = ChargeState {
            status: None,
            paid: Some(false),
            amount: 1000,
            ..ChargeState::default()
        };
        assert_eq!(charge_status(legacy), TransactionStatus::Failed);
        assert_eq!(
            charge_status(ChargeState {
                paid: Some(true),
                ..legacy
            }),
            TransactionStatus::Captured
        );
    }

    #[test]
    fn payment_methods() {
        assert_eq!(
            payment_method(Some("card"), None, true),
            (Some(PaymentMethod::Card), None)
        );
        assert_eq!(
            payment_method(Some("card"), Some("apple_pay"), true),
            (Some(PaymentMethod::Wallet), Some("apple_pay".into()))
        );
        assert_eq!(
            payment_method(Some("paypal"), None, false),
            (Some(PaymentMethod::Wallet), Some("paypal".into()))
        );
        assert_eq!(
            payment_method(Some("sepa_debit"), None, false),
            (Some(PaymentMethod::BankTransfer), None)
        );
        assert_eq!(
            payment_method(Some("klarna"), None, false),
            (Some(PaymentMethod::Other), None)
        );
        assert_eq!(
            payment_method(None, None, true),
            (Some(PaymentMethod::Card), None)
        );
        assert_eq!(payment_method(None, None, false), (None, None));
    }

    #[test]
    fn payout_schedules() {
        assert_eq!(
            payout_schedule(Some("weekly"), Some(true)),
            Some(PayoutSchedule::Weekly)
        );
        assert_eq!(
            payout_schedule(None, Some(false)),
            Some(PayoutSchedule::Manual)
        );
        assert_eq!(payout_schedule(None, Some(true)), None);
        assert_eq!(payout_schedule(Some("hourly"), None), None);
    }

    #[test]
    fn payout_statuses() {
        assert_eq!(payout_status("pending"), Some(PayoutStatus::Scheduled));
        assert_eq!(payout_status("in_transit"), Some(PayoutStatus::InTransit));
        assert_eq!(payout_status("paid"), Some(PayoutStatus::Paid));
        assert_eq!(payout_status("failed"), Some(PayoutStatus::Failed));
        assert_eq!(payout_status("canceled"), Some(PayoutStatus::Canceled));
        assert_eq!(payout_status("held"), None);
    }
}
