use super::*;
use crate::calendar::{Calendar, CalendarSpec, OpeningInterval, Weekday};
use crate::sla::AlwaysOpen;
use crate::time::Timestamp;
use proptest::prelude::*;

/// Monday 2026-03-02T00:00:00Z.
const MONDAY: i64 = 1_772_409_600_000;
const HOUR: i64 = 3_600_000;

fn weekdays_nine_to_five() -> Calendar {
    let hours = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ]
    .iter()
    .map(|&day| OpeningInterval {
        day,
        start: "09:00".into(),
        end: "17:00".into(),
    })
    .collect();
    let spec = CalendarSpec {
        time_zone: "UTC".into(),
        hours,
        holidays: vec![],
    };
    Calendar::new(&spec).unwrap()
}

#[test]
fn the_status_machine_allows_only_its_moves() {
    use EscalationAction as A;
    use EscalationStatus as S;
    assert_eq!(S::Open.step(A::Taken).unwrap(), S::InProgress);
    assert_eq!(S::InProgress.step(A::Waiting).unwrap(), S::Waiting);
    assert_eq!(S::Waiting.step(A::Taken).unwrap(), S::InProgress);
    assert_eq!(S::Waiting.step(A::Answered).unwrap(), S::Answered);
    assert_eq!(S::Open.step(A::Declined).unwrap(), S::Declined);
    assert!(S::InProgress.step(A::Taken).is_err());
    assert!(S::Waiting.step(A::Waiting).is_err());
    let err = S::Answered.step(A::Taken).unwrap_err();
    assert_eq!(err.code(), "invalid_transition");
    assert!(err.to_string().contains("answered"), "{err}");
    for action in [A::Taken, A::Waiting, A::Answered, A::Declined] {
        assert!(S::Answered.step(action).is_err());
        assert!(S::Declined.step(action).is_err());
    }
}

proptest! {
    #[test]
    fn no_walk_leaves_a_final_status(steps in proptest::collection::vec(0usize..4, 0..20)) {
        let actions = [
            EscalationAction::Taken,
            EscalationAction::Waiting,
            EscalationAction::Answered,
            EscalationAction::Declined,
        ];
        let mut status = EscalationStatus::Open;
        for i in steps {
            match status.step(actions[i]) {
                Ok(next) => {
                    prop_assert!(status.is_live());
                    status = next;
                }
                Err(_) => prop_assert!(
                    !status.is_live() || matches!(
                        (status, actions[i]),
                        (EscalationStatus::InProgress, EscalationAction::Taken)
                            | (EscalationStatus::Waiting, EscalationAction::Waiting)
                    )
                ),
            }
        }
    }

    #[test]
    fn pausing_never_changes_the_counted_time(
        target_min in 1i64..10_000,
        cuts in proptest::collection::vec(1i64..50 * HOUR, 1..6),
    ) {
        let calendar = weekdays_nine_to_five();
        let start = Timestamp(MONDAY);
        let mut clock = PartnerClock::start(&calendar, target_min, start);
        let mut now = start;
        let mut running = true;
        let mut counted = 0;
        for cut in cuts {
            let next = now.plus_millis(cut);
            if running {
                counted += calendar.between(now, next);
                clock.pause(&calendar, next);
            } else {
                clock.resume(&calendar, next);
            }
            running = !running;
            now = next;
        }
        prop_assert_eq!(clock.elapsed_at(&calendar, now), counted);
        if running {
            let left = clock.target_ms - counted;
            prop_assert_eq!(clock.due_at, calendar.add(now, left));
        } else {
            prop_assert_eq!(clock.due_at, None);
        }
    }
}

#[test]
fn the_clock_counts_the_teams_business_hours() {
    let calendar = weekdays_nine_to_five();
    // Friday 16:00 with a four-hour target: one hour on Friday, three on Monday.
    let friday_four_pm = Timestamp(MONDAY + 4 * 24 * HOUR + 16 * HOUR);
    let clock = PartnerClock::start(&calendar, 240, friday_four_pm);
    let next_monday_noon = Timestamp(MONDAY + 7 * 24 * HOUR + 12 * HOUR);
    assert_eq!(clock.due_at, Some(next_monday_noon));
    // 75% of 4 hours: 3 hours, so Monday 11:00.
    assert_eq!(
        clock.at_risk_at,
        Some(Timestamp(MONDAY + 7 * 24 * HOUR + 11 * HOUR))
    );
}

#[test]
fn waiting_pauses_and_taking_back_moves_the_due_time() {
    let time = AlwaysOpen;
    let start = Timestamp(MONDAY);
    let mut clock = PartnerClock::start(&time, 60, start);
    assert_eq!(clock.due_at, Some(start.plus_millis(HOUR)));
    clock.follow(
        EscalationStatus::Waiting,
        &time,
        start.plus_millis(HOUR / 2),
    );
    assert_eq!(clock.due_at, None);
    assert_eq!(
        clock.standing(
            EscalationStatus::Waiting,
            false,
            start.plus_millis(5 * HOUR)
        ),
        ClockStanding::Paused { left_ms: HOUR / 2 }
    );
    clock.follow(
        EscalationStatus::InProgress,
        &time,
        start.plus_millis(2 * HOUR),
    );
    assert_eq!(clock.due_at, Some(start.plus_millis(2 * HOUR + HOUR / 2)));
    assert_eq!(
        clock.standing(
            EscalationStatus::InProgress,
            false,
            start.plus_millis(3 * HOUR)
        ),
        ClockStanding::Overdue { ms: HOUR / 2 }
    );
    clock.follow(
        EscalationStatus::Answered,
        &time,
        start.plus_millis(3 * HOUR),
    );
    assert_eq!(
        clock.standing(
            EscalationStatus::Answered,
            true,
            start.plus_millis(4 * HOUR)
        ),
        ClockStanding::Stopped
    );
}

#[test]
fn standing_says_at_risk_after_three_quarters() {
    let start = Timestamp(MONDAY);
    let clock = PartnerClock::start(&AlwaysOpen, 100, start);
    let early = clock.standing(EscalationStatus::Open, false, start.plus_millis(60_000));
    assert!(matches!(early, ClockStanding::Left { at_risk: false, .. }));
    let late = clock.standing(
        EscalationStatus::Open,
        false,
        start.plus_millis(80 * 60_000),
    );
    assert_eq!(
        late,
        ClockStanding::Left {
            ms: 20 * 60_000,
            at_risk: true
        }
    );
}

#[test]
fn tracker_links_are_keys_or_web_addresses() {
    assert_eq!(external_ref("PAY-123").unwrap().as_deref(), Some("PAY-123"));
    assert_eq!(
        external_ref(" https://jira.example.com/browse/PAY-9 ")
            .unwrap()
            .as_deref(),
        Some("https://jira.example.com/browse/PAY-9")
    );
    assert_eq!(external_ref("  ").unwrap(), None);
    for bad in [
        "pay-123",
        "PAY-",
        "PAY123",
        "-123",
        "ftp://x/y",
        "https://",
        "https://a b",
        "javascript:alert(1)",
    ] {
        let err = external_ref(bad).unwrap_err();
        assert!(err.to_string().contains("PAY-123"), "{bad}: {err}");
    }
    assert!(external_ref(&format!("https://x/{}", "a".repeat(600))).is_err());
}

#[test]
fn summary_and_question_are_required() {
    assert_eq!(summary("  Refund stuck  ").unwrap(), "Refund stuck");
    assert!(summary("").unwrap_err().to_string().contains("summary"));
    assert!(summary("two\nlines").is_err());
    assert!(summary(&"x".repeat(SUMMARY_MAX + 1)).is_err());
    assert!(
        question(" \n ")
            .unwrap_err()
            .to_string()
            .contains("question")
    );
    assert!(question(&"q".repeat(QUESTION_MAX + 1)).is_err());
    assert!(answer("answer", "a\0b").is_err());
}

#[test]
fn targets_must_be_positive_and_ordered_by_severity() {
    let good = ResponseTargets::default();
    assert_eq!(good.validated().unwrap().minutes(Severity::Sev2), 240);
    let zero = ResponseTargets {
        sev1_minutes: 0,
        ..good
    };
    assert!(zero.validated().unwrap_err().to_string().contains("sev1"));
    let inverted = ResponseTargets {
        sev2_minutes: 10 * 24 * 60,
        ..good
    };
    assert!(
        inverted
            .validated()
            .unwrap_err()
            .to_string()
            .contains("sev2")
    );
}
