#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use super::*;
use crate::payment::{PaymentMethod, TransactionId};
use proptest::prelude::*;

const DAY: i64 = 24 * 60 * 60 * 1000;
const NOW: Timestamp = Timestamp(1_800_000_000_000);

fn usd(amount: i64) -> Money {
    Money::new(amount, "usd").unwrap()
}

fn charge(amount: i64, refunded: i64, days_ago: i64) -> Transaction {
    Transaction {
        id: TransactionId(1),
        gateway: "stripe".into(),
        gateway_ref: "ch_1".into(),
        kind: TransactionKind::Charge,
        status: TransactionStatus::Captured,
        money: usd(amount),
        amount_refunded: refunded,
        customer_id: None,
        order_id: Some("ORD-1".into()),
        failure_code: None,
        failure_message: None,
        card_brand: Some("visa".into()),
        card_last4: Some("4242".into()),
        method: Some(PaymentMethod::Card),
        wallet: None,
        created_at: NOW.plus_millis(-days_ago * DAY),
        updated_at: NOW,
    }
}

fn check(c: &Transaction, amount: i64, dispute: bool) -> Eligibility {
    RefundPolicy::default().check(c, &usd(amount), dispute, BusinessLine::Buyer, NOW)
}

#[test]
fn a_small_refund_of_a_recent_charge_runs_at_once() {
    let e = check(&charge(999, 0, 3), 999, false);
    assert!(e.is_allowed());
    assert!(!e.needs_approval);
    assert_eq!(e.explanation, ["allowed; it runs at once"]);
}

#[test]
fn every_reason_is_given_at_once_and_explained() {
    let mut c = charge(5_000, 4_000, 200);
    c.status = TransactionStatus::Authorised;
    let e = check(&c, 2_000, true);
    assert_eq!(
        e.refusals,
        vec![
            Refusal::NotRefundable {
                status: TransactionStatus::Authorised
            },
            Refusal::OverRefund { available: 1_000 },
            Refusal::TooOld {
                days: 200,
                limit: 180
            },
            Refusal::OpenDispute,
        ]
    );
    assert_eq!(e.explanation.len(), 4);
    assert!(e.explanation[1].contains("10.00"), "{}", e.explanation[1]);
    assert!(e.explanation[3].contains("dispute"));
}

#[test]
fn payouts_other_currencies_and_nothing_are_refused() {
    let mut payout = charge(1_000, 0, 1);
    payout.kind = TransactionKind::Payout;
    assert!(
        check(&payout, 100, false)
            .refusals
            .contains(&Refusal::NotACharge)
    );
    let e = RefundPolicy::default().check(
        &charge(1_000, 0, 1),
        &Money::new(100, "eur").unwrap(),
        false,
        BusinessLine::Buyer,
        NOW,
    );
    assert!(matches!(e.refusals[..], [Refusal::WrongCurrency { .. }]));
    assert_eq!(
        check(&charge(1_000, 0, 1), 0, false).refusals,
        [Refusal::NotPositive]
    );
}

#[test]
fn above_the_threshold_a_refund_needs_approval_and_line_caps_hold() {
    let policy = RefundPolicy {
        line_limits: vec![LineLimit {
            business_line: BusinessLine::Creator,
            max_amount: 50_000,
            currency: "USD".into(),
        }],
        ..RefundPolicy::default()
    };
    let big = charge(100_000, 0, 1);
    let buyer = policy.check(&big, &usd(60_000), false, BusinessLine::Buyer, NOW);
    assert!(buyer.is_allowed() && buyer.needs_approval);
    let creator = policy.check(&big, &usd(60_000), false, BusinessLine::Creator, NOW);
    assert_eq!(creator.refusals, [Refusal::OverLineLimit { limit: 50_000 }]);
}

fn pending(requester: UserId) -> Refund {
    let e = check(&charge(50_000, 0, 1), 20_000, false);
    assert!(e.needs_approval);
    Refund::requested(usd(20_000), requester, &e, "rf-1".into())
}

#[test]
fn the_requester_never_approves_their_own_refund() {
    let mut r = pending(UserId(7));
    for role in Role::ALL {
        assert_eq!(
            r.decide(UserId(7), *role, true),
            Err(RefundError::SelfApproval)
        );
    }
    assert_eq!(
        r.decide(UserId(8), Role::Agent, true),
        Err(RefundError::NotFinance)
    );
    assert_eq!(r.state, RefundState::PendingApproval);
    assert_eq!(
        r.begin_execution(),
        Err(RefundError::NotExecutable("pending_approval"))
    );
    r.decide(UserId(8), Role::Finance, true).unwrap();
    assert_eq!(r.approved_by, Some(UserId(8)));
    assert_eq!(
        r.decide(UserId(9), Role::Finance, false),
        Err(RefundError::NotPending("approved"))
    );
}

#[test]
fn a_double_submitted_refund_executes_once() {
    let mut r = pending(UserId(7));
    r.decide(UserId(8), Role::Finance, true).unwrap();
    assert_eq!(r.begin_execution(), Ok(()));
    assert_eq!(
        r.begin_execution(),
        Err(RefundError::NotExecutable("executing"))
    );
    r.finish(true).unwrap();
    assert_eq!(
        r.begin_execution(),
        Err(RefundError::NotExecutable("succeeded"))
    );
    assert_eq!(
        r.finish(false),
        Err(RefundError::NotExecutable("succeeded"))
    );
}

#[test]
fn a_rejected_refund_never_runs() {
    let mut r = pending(UserId(7));
    r.decide(UserId(8), Role::Admin, false).unwrap();
    assert_eq!(r.state, RefundState::Rejected);
    assert!(r.begin_execution().is_err());
}

#[test]
fn each_refusal_code_is_its_serialised_code() {
    let all = [
        Refusal::NotACharge,
        Refusal::NotRefundable {
            status: TransactionStatus::Failed,
        },
        Refusal::NotPositive,
        Refusal::WrongCurrency {
            expected: "USD".into(),
        },
        Refusal::OverRefund { available: 1 },
        Refusal::TooOld { days: 2, limit: 1 },
        Refusal::OpenDispute,
        Refusal::OverLineLimit { limit: 5 },
    ];
    for r in all {
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["code"], r.code(), "{json}");
    }
}

#[test]
fn a_policy_is_checked_before_it_is_stored() {
    let cap = |line, currency: &str, max_amount| LineLimit {
        business_line: line,
        max_amount,
        currency: currency.into(),
    };
    let ok = RefundPolicy {
        line_limits: vec![cap(BusinessLine::Creator, "usd", 500)],
        ..RefundPolicy::default()
    }
    .validate()
    .unwrap();
    assert_eq!(ok.line_limits[0].currency, "USD");
    let field = |p: RefundPolicy| match p.validate() {
        Err(crate::DomainError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let window = RefundPolicy {
        max_days_since_capture: 0,
        ..RefundPolicy::default()
    };
    assert_eq!(field(window), "max_days_since_capture");
    let negative = RefundPolicy {
        approval_above: -1,
        ..RefundPolicy::default()
    };
    assert_eq!(field(negative), "approval_above");
    let twice = RefundPolicy {
        line_limits: vec![
            cap(BusinessLine::Buyer, "EUR", 1),
            cap(BusinessLine::Buyer, "eur", 2),
        ],
        ..RefundPolicy::default()
    };
    assert_eq!(field(twice), "line_limits");
    let bad_currency = RefundPolicy {
        line_limits: vec![cap(BusinessLine::Buyer, "euro", 1)],
        ..RefundPolicy::default()
    };
    assert_eq!(field(bad_currency), "line_limits");
    let currency = |i: usize| {
        let letter = |n: usize| char::from(b'A' + u8::try_from(n % 26).unwrap());
        format!("{}{}Q", letter(i / 26), letter(i))
    };
    let caps = |n: usize| RefundPolicy {
        line_limits: (0..n)
            .map(|i| cap(BusinessLine::Buyer, &currency(i), 1))
            .collect(),
        ..RefundPolicy::default()
    };
    assert!(caps(MAX_LINE_LIMITS).validate().is_ok());
    assert!(matches!(
        caps(MAX_LINE_LIMITS + 1).validate(),
        Err(crate::DomainError::Invalid { field: "line_limits", reason }) if reason.contains("at most")
    ));
}

#[test]
fn only_unfinished_refunds_hold_their_amount() {
    let holding: Vec<_> = RefundState::ALL
        .iter()
        .filter(|s| s.holds_amount())
        .collect();
    assert_eq!(
        holding,
        [
            &RefundState::PendingApproval,
            &RefundState::Approved,
            &RefundState::Executing
        ]
    );
}

proptest! {
    /// Whatever the order of approvals and execution attempts, the requester never
    /// approves, and the refund starts executing at most once.
    #[test]
    fn maker_checker_holds_under_any_sequence(
        steps in prop::collection::vec((0_i64..4, 0_usize..8, any::<bool>(), any::<bool>()), 1..30)
    ) {
        let mut r = pending(UserId(0));
        let mut starts = 0;
        for (user, role, approve, execute) in steps {
            let role = Role::ALL[role % Role::ALL.len()];
            if execute {
                if r.begin_execution().is_ok() {
                    starts += 1;
                }
            } else if r.decide(UserId(user), role, approve).is_ok() {
                prop_assert_ne!(user, 0);
                prop_assert!(matches!(role, Role::Finance | Role::Admin));
            }
        }
        prop_assert!(starts <= 1);
        prop_assert_ne!(r.approved_by, Some(UserId(0)));
    }

    /// The refund allowed is never more than what is left on the charge.
    #[test]
    fn never_more_than_what_is_left(amount in 1_i64..20_000, refunded in 0_i64..10_000) {
        let c = charge(10_000, refunded, 1);
        let e = check(&c, amount, false);
        prop_assert_eq!(e.is_allowed(), amount <= (10_000 - refunded).max(0));
    }
}
