use super::attempt::RawAttempt;
use super::*;
use crate::time::Timestamp;
use proptest::prelude::*;

const NOW: i64 = 1_790_000_000_000;

/// A tally of `attempts` of which `successes` succeeded, all taking `latency_ms`.
fn tally(attempts: i64, successes: i64, latency_ms: i64) -> Tally {
    let mut t = Tally::default();
    for i in 0..attempts {
        let result = if i < successes {
            AttemptResult::Success
        } else {
            AttemptResult::Decline
        };
        t.record(result, latency_ms);
    }
    t
}

/// A day made of a baseline and the recent window.
fn day(baseline: &Tally, recent: &Tally) -> Tally {
    let mut d = *baseline;
    d.add(recent);
    d
}

#[test]
fn a_sharp_drop_is_failing() {
    let baseline = tally(2_000, 1_800, 250);
    let recent = tally(100, 40, 250);
    let a = assess(&recent, &day(&baseline, &recent), &Objective::default());
    assert_eq!(a.state, HealthState::Failing);
    assert_eq!(a.drop, Some(Drop::SuccessRate));
    assert!(
        a.reasons.iter().any(|r| r.contains("40.0%")),
        "{:?}",
        a.reasons
    );
}

#[test]
fn a_normal_rate_is_ok() {
    let baseline = tally(2_000, 1_760, 250);
    let recent = tally(100, 87, 260);
    let a = assess(&recent, &day(&baseline, &recent), &Objective::default());
    assert_eq!(a.state, HealthState::Ok);
    assert_eq!(a.drop, None);
}

#[test]
fn below_objective_but_as_usual_is_degraded_not_failing() {
    // A gateway that always runs at 70%: under the 80% objective, but no drop.
    let baseline = tally(2_000, 1_400, 250);
    let recent = tally(100, 70, 250);
    let a = assess(&recent, &day(&baseline, &recent), &Objective::default());
    assert_eq!(a.state, HealthState::Degraded);
}

#[test]
fn too_few_attempts_or_no_baseline_judge_nothing_sharp() {
    let recent = tally(MIN_ATTEMPTS - 1, 0, 250);
    let a = assess(&recent, &recent, &Objective::default());
    assert_eq!(a.state, HealthState::Ok);
    assert!(!a.has_enough_attempts);
    let recent = tally(100, 10, 250);
    let a = assess(&recent, &recent, &Objective::default());
    assert_eq!(
        a.state,
        HealthState::Degraded,
        "no baseline: nothing to drop from"
    );
}

#[test]
fn a_latency_spike_is_failing() {
    let baseline = tally(2_000, 1_800, 400);
    let recent = tally(100, 90, 6_000);
    let a = assess(&recent, &day(&baseline, &recent), &Objective::default());
    assert_eq!(a.state, HealthState::Failing);
    assert_eq!(a.drop, Some(Drop::Latency));
}

#[test]
fn quantiles_interpolate_within_buckets() {
    let mut h = Histogram::default();
    assert_eq!(h.quantile(0.5), None);
    for _ in 0..100 {
        h.record(150);
    }
    // All in (100, 200]: the median halfway, p95 near the top.
    assert_eq!(h.quantile(0.5), Some(150));
    assert_eq!(h.quantile(0.95), Some(195));
    let mut slow = Histogram::default();
    slow.record(60_000);
    assert_eq!(slow.quantile(0.95), Some(10_000));
    assert_eq!(Histogram::bucket_of(0), 0);
    assert_eq!(Histogram::bucket_of(100), 0);
    assert_eq!(Histogram::bucket_of(101), 1);
    assert_eq!(Histogram::bucket_of(10_001), BUCKETS - 1);
}

#[test]
fn tallies_subtract_without_going_negative() {
    let a = tally(10, 5, 100);
    let b = tally(20, 20, 100);
    let d = a.minus(&b);
    assert_eq!((d.attempts, d.successes, d.latency.total()), (0, 0, 0));
}

#[test]
fn objectives_are_checked_and_stored_in_basis_points() {
    let o = Objective {
        success_rate: 0.925,
        p95_latency_ms: 1_500,
    };
    assert_eq!(o.success_rate_bp(), 9_250);
    assert_eq!(Objective::from_bp(9_250, 1_500), o);
    let bad = Objective {
        success_rate: 1.5,
        ..o
    };
    assert!(matches!(
        bad.validated(),
        Err(crate::DomainError::Invalid {
            field: "success_rate",
            ..
        })
    ));
    let nan = Objective {
        success_rate: f64::NAN,
        ..o
    };
    assert!(nan.validated().is_err());
}

fn raw<'a>() -> RawAttempt<'a> {
    RawAttempt {
        gateway: "Adyen",
        method: "card",
        result: "decline",
        code: Some("Do_Not_Honor"),
        latency_ms: 420,
        at: Timestamp(NOW - 1_000),
        region: Some("EU"),
        business_line: Some("buyer"),
    }
}

#[test]
fn attempts_are_checked_field_by_field() {
    let ok = PaymentAttempt::check(&raw(), Timestamp(NOW)).unwrap();
    assert_eq!(ok.gateway, "adyen");
    assert_eq!(ok.code.as_deref(), Some("do_not_honor"));
    assert_eq!(ok.minute().0 % Timestamp::MINUTE, 0);
    let field = |r: RawAttempt<'_>| match PaymentAttempt::check(&r, Timestamp(NOW)) {
        Err(crate::DomainError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(RawAttempt {
            gateway: "no way",
            ..raw()
        }),
        "gateway"
    );
    assert_eq!(
        field(RawAttempt {
            method: "cash",
            ..raw()
        }),
        "method"
    );
    assert_eq!(
        field(RawAttempt {
            result: "maybe",
            ..raw()
        }),
        "result"
    );
    assert_eq!(
        field(RawAttempt {
            result: "success",
            ..raw()
        }),
        "code"
    );
    assert_eq!(
        field(RawAttempt {
            latency_ms: -1,
            ..raw()
        }),
        "latency_ms"
    );
    assert_eq!(
        field(RawAttempt {
            at: Timestamp(NOW + 6 * Timestamp::MINUTE),
            ..raw()
        }),
        "at"
    );
    assert_eq!(
        field(RawAttempt {
            at: Timestamp(NOW - 25 * Timestamp::HOUR),
            ..raw()
        }),
        "at"
    );
    assert_eq!(
        field(RawAttempt {
            region: Some("e u"),
            ..raw()
        }),
        "region"
    );
    assert_eq!(
        field(RawAttempt {
            business_line: Some("seller"),
            ..raw()
        }),
        "business_line"
    );
}

proptest! {
    #[test]
    fn quantiles_stay_ordered_and_bounded(latencies in prop::collection::vec(0_i64..20_000, 1..200)) {
        let mut h = Histogram::default();
        for l in &latencies {
            h.record(*l);
        }
        let p50 = h.quantile(0.5).unwrap();
        let p95 = h.quantile(0.95).unwrap();
        prop_assert!(p50 <= p95);
        prop_assert!(p95 <= LATENCY_BOUNDS_MS[BUCKETS - 2]);
        prop_assert_eq!(h.total(), i64::try_from(latencies.len()).unwrap());
    }

    #[test]
    fn a_rate_at_or_above_objective_is_never_failing_on_success(
        attempts in MIN_ATTEMPTS..500, share in 0.8_f64..=1.0, base_share in 0.0_f64..=1.0,
    ) {
        #[expect(clippy::cast_possible_truncation, clippy::cast_precision_loss, reason = "small counts")]
        let successes = (attempts as f64 * share).ceil() as i64;
        #[expect(clippy::cast_possible_truncation, reason = "small counts")]
        let base_successes = (2_000.0 * base_share) as i64;
        let recent = tally(attempts, successes.min(attempts), 200);
        let baseline = tally(2_000, base_successes, 200);
        let a = assess(&recent, &day(&baseline, &recent), &Objective::default());
        prop_assert_ne!(a.drop, Some(Drop::SuccessRate));
    }
}
