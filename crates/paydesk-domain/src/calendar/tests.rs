//! Examples with exact instants: the Los Angeles desk across both daylight-saving weekends,
//! a Manila vendor's night shift over the holidays, midnight and closed days, and every
//! validation error.

use super::*;
use Weekday::{Friday, Monday, Saturday, Sunday, Thursday, Tuesday, Wednesday};

const LA: &str = "America/Los_Angeles";
const MANILA: &str = "Asia/Manila";
const HOUR: i64 = Timestamp::HOUR;

fn interval(day: Weekday, start: &str, end: &str) -> OpeningInterval {
    OpeningInterval {
        day,
        start: start.to_owned(),
        end: end.to_owned(),
    }
}

fn spec(zone: &str, hours: Vec<OpeningInterval>, holidays: Vec<Holiday>) -> CalendarSpec {
    CalendarSpec {
        time_zone: zone.to_owned(),
        hours,
        holidays,
    }
}

fn holiday(date: &str, yearly: bool, name: &str) -> Holiday {
    Holiday {
        date: date.to_owned(),
        yearly,
        name: name.to_owned(),
    }
}

/// The instant of a local wall time ("2026-03-06T15:00") in a zone.
fn local(zone: &str, wall: &str) -> Timestamp {
    let wall: jiff::civil::DateTime = wall.parse().unwrap();
    let instant = TimeZone::get(zone)
        .unwrap()
        .to_ambiguous_timestamp(wall)
        .compatible()
        .unwrap();
    Timestamp(instant.as_millisecond())
}

/// The instant of a UTC time written "2026-03-09T18:00:00Z".
fn utc(text: &str) -> Timestamp {
    Timestamp(text.parse::<jiff::Timestamp>().unwrap().as_millisecond())
}

fn weekdays(start: &str, end: &str) -> Vec<OpeningInterval> {
    [Monday, Tuesday, Wednesday, Thursday, Friday]
        .into_iter()
        .map(|day| interval(day, start, end))
        .collect()
}

fn los_angeles_nine_to_five() -> Calendar {
    Calendar::new(&spec(LA, weekdays("09:00", "17:00"), vec![])).unwrap()
}

/// A BPO night shift serving US customers: Mon-Fri evenings running on into Tue-Sat
/// mornings, closed on Rizal Day 2026 and every Christmas.
fn manila_night_shift() -> Calendar {
    let mut hours = weekdays("21:00", "24:00");
    hours.extend(
        [Tuesday, Wednesday, Thursday, Friday, Saturday]
            .into_iter()
            .map(|day| interval(day, "00:00", "06:00")),
    );
    let holidays = vec![
        holiday("2026-12-30", false, "Rizal Day"),
        holiday("2020-12-25", true, "Christmas"),
    ];
    Calendar::new(&spec(MANILA, hours, holidays)).unwrap()
}

#[test]
fn four_hours_from_friday_afternoon_land_monday_late_morning() {
    let desk = los_angeles_nine_to_five();
    let friday = local(LA, "2026-01-09T15:00");
    assert_eq!(
        desk.add(friday, 4 * HOUR),
        Some(local(LA, "2026-01-12T11:00"))
    );
    assert_eq!(
        desk.between(friday, local(LA, "2026-01-12T11:00")),
        4 * HOUR
    );
}

#[test]
fn spring_forward_weekend_keeps_monday_eleven_local() {
    let desk = los_angeles_nine_to_five();
    let friday = local(LA, "2026-03-06T15:00");
    assert_eq!(friday, utc("2026-03-06T23:00:00Z"));
    // Monday is on PDT (-07:00): 11:00 local is 18:00 UTC.
    assert_eq!(
        desk.add(friday, 4 * HOUR),
        Some(utc("2026-03-09T18:00:00Z"))
    );
    assert_eq!(
        desk.minutes_between(friday, utc("2026-03-09T18:00:00Z")),
        240
    );
}

#[test]
fn fall_back_weekend_keeps_monday_eleven_local() {
    let desk = los_angeles_nine_to_five();
    let friday = local(LA, "2026-10-30T15:00");
    assert_eq!(friday, utc("2026-10-30T22:00:00Z"));
    // Monday is on PST (-08:00): 11:00 local is 19:00 UTC.
    assert_eq!(
        desk.add(friday, 4 * HOUR),
        Some(utc("2026-11-02T19:00:00Z"))
    );
    assert_eq!(
        desk.add_minutes(friday, 240),
        Some(utc("2026-11-02T19:00:00Z"))
    );
}

#[test]
fn thirty_business_days_span_the_spring_change() {
    let desk = los_angeles_nine_to_five();
    let start = local(LA, "2026-03-02T09:00");
    // Thirty days of eight hours run out at Friday 17:00, so the deadline is the next opening.
    let deadline = desk.add(start, 30 * 8 * HOUR);
    assert_eq!(deadline, Some(local(LA, "2026-04-13T09:00")));
    assert_eq!(
        desk.between(start, local(LA, "2026-04-10T17:00")),
        240 * HOUR
    );
}

#[test]
fn early_hours_interval_is_two_hours_on_spring_forward_and_four_on_fall_back() {
    let sunday =
        Calendar::new(&spec(LA, vec![interval(Sunday, "01:00", "04:00")], vec![])).unwrap();
    let spring = sunday.between(local(LA, "2026-03-08T00:00"), local(LA, "2026-03-09T00:00"));
    assert_eq!(spring, 2 * HOUR);
    let fall = sunday.between(local(LA, "2026-11-01T00:00"), local(LA, "2026-11-02T00:00"));
    assert_eq!(fall, 4 * HOUR);
    let ordinary = sunday.between(local(LA, "2026-03-15T00:00"), local(LA, "2026-03-16T00:00"));
    assert_eq!(ordinary, 3 * HOUR);
    // 01:00 PST plus ninety minutes is past the jump: 03:30 PDT.
    let opening = local(LA, "2026-03-08T01:00");
    assert_eq!(
        sunday.add(opening, 90 * Timestamp::MINUTE),
        Some(utc("2026-03-08T10:30:00Z"))
    );
}

#[test]
fn interval_starting_in_the_skipped_hour_opens_when_the_clocks_jump() {
    let sunday =
        Calendar::new(&spec(LA, vec![interval(Sunday, "02:30", "05:00")], vec![])).unwrap();
    // 02:00 PST (10:00 UTC) becomes 03:00 PDT; wall 02:30 never happens.
    let jump = utc("2026-03-08T10:00:00Z");
    assert!(!sunday.is_open(jump.plus_millis(-1)));
    assert!(sunday.is_open(jump));
    assert_eq!(sunday.next_open(local(LA, "2026-03-07T12:00")), Some(jump));
    assert_eq!(
        sunday.between(jump.plus_millis(-HOUR), utc("2026-03-08T13:00:00Z")),
        2 * HOUR
    );
    assert_eq!(
        sunday.add(local(LA, "2026-03-07T12:00"), HOUR),
        Some(utc("2026-03-08T11:00:00Z"))
    );
}

#[test]
fn night_shift_runs_across_midnight_without_a_gap() {
    let vendor = manila_night_shift();
    let monday_late = local(MANILA, "2026-12-07T23:00");
    assert_eq!(
        vendor.add(monday_late, HOUR),
        Some(local(MANILA, "2026-12-08T00:00"))
    );
    assert_eq!(
        vendor.add(monday_late, 2 * HOUR),
        Some(local(MANILA, "2026-12-08T01:00"))
    );
    assert!(vendor.is_open(local(MANILA, "2026-12-08T00:00")));
    let tuesday_early = local(MANILA, "2026-12-08T02:00");
    assert_eq!(
        vendor.between(local(MANILA, "2026-12-07T22:00"), tuesday_early),
        4 * HOUR
    );
    // Saturday morning's shift ends at 06:00 and nothing opens again until Monday 21:00.
    let saturday = local(MANILA, "2026-12-12T05:00");
    assert_eq!(
        vendor.add(saturday, 2 * HOUR),
        Some(local(MANILA, "2026-12-14T22:00"))
    );
}

#[test]
fn night_shift_skips_dated_and_yearly_holidays() {
    let vendor = manila_night_shift();
    let before_rizal_day = local(MANILA, "2026-12-29T23:00");
    assert_eq!(
        vendor.add(before_rizal_day, 2 * HOUR),
        Some(local(MANILA, "2026-12-31T01:00"))
    );
    let christmas_eve = local(MANILA, "2026-12-24T23:00");
    assert_eq!(
        vendor.add(christmas_eve, 2 * HOUR),
        Some(local(MANILA, "2026-12-26T01:00"))
    );
    // Christmas is yearly: it falls on a Saturday morning shift in 2027 and closes that too.
    assert!(!vendor.is_open(local(MANILA, "2027-12-25T03:00")));
    assert!(vendor.is_open(local(MANILA, "2027-12-24T03:00")));
    // Rizal Day is dated: 2027-12-30 (a Thursday) is an ordinary shift.
    assert!(vendor.is_open(local(MANILA, "2027-12-30T03:00")));
}

#[test]
fn night_shift_counts_a_holiday_week() {
    let vendor = manila_night_shift();
    // An ordinary week: Monday evening 3h, Tuesday-Friday 9h each, Saturday morning 6h.
    let ordinary = vendor.between(
        local(MANILA, "2026-12-07T00:00"),
        local(MANILA, "2026-12-14T00:00"),
    );
    assert_eq!(ordinary, 45 * HOUR);
    // Christmas Friday loses its morning and evening: 9h fewer.
    let christmas = vendor.between(
        local(MANILA, "2026-12-21T00:00"),
        local(MANILA, "2026-12-28T00:00"),
    );
    assert_eq!(christmas, 36 * HOUR);
    // Rizal Day Wednesday likewise, though the week runs into 2027.
    let rizal = vendor.between(
        local(MANILA, "2026-12-28T00:00"),
        local(MANILA, "2027-01-04T00:00"),
    );
    assert_eq!(rizal, 36 * HOUR);
}

/// UTC: Monday open all day, Tuesday closed, Wednesday 09:00-17:00.
fn monday_all_day_tuesday_closed() -> Calendar {
    let hours = vec![
        interval(Monday, "00:00", "24:00"),
        interval(Wednesday, "09:00", "17:00"),
    ];
    Calendar::new(&spec("UTC", hours, vec![])).unwrap()
}

#[test]
fn all_day_and_closed_days_meet_at_midnight() {
    let cal = monday_all_day_tuesday_closed();
    assert!(cal.is_open(utc("2026-01-05T00:00:00Z")));
    assert!(cal.is_open(utc("2026-01-05T23:59:59.999Z")));
    assert!(!cal.is_open(utc("2026-01-06T00:00:00Z")));
    assert!(!cal.is_open(utc("2026-01-06T12:00:00Z")));
    let noon = utc("2026-01-05T12:00:00Z");
    assert_eq!(cal.add(noon, 12 * HOUR), Some(utc("2026-01-07T09:00:00Z")));
    assert_eq!(cal.add(noon, 13 * HOUR), Some(utc("2026-01-07T10:00:00Z")));
    assert_eq!(cal.between(noon, utc("2026-01-08T00:00:00Z")), 20 * HOUR);
}

#[test]
fn counting_from_closed_hours_starts_at_the_next_opening() {
    let cal = monday_all_day_tuesday_closed();
    let tuesday = utc("2026-01-06T10:00:00Z");
    assert_eq!(cal.next_open(tuesday), Some(utc("2026-01-07T09:00:00Z")));
    assert_eq!(cal.add(tuesday, HOUR), Some(utc("2026-01-07T10:00:00Z")));
    let monday = utc("2026-01-05T10:00:00Z");
    assert_eq!(cal.next_open(monday), Some(monday));
}

#[test]
fn adding_nothing_returns_the_same_instant() {
    let cal = monday_all_day_tuesday_closed();
    for at in [utc("2026-01-05T10:00:00Z"), utc("2026-01-06T10:00:00Z")] {
        assert_eq!(cal.add(at, 0), Some(at));
        assert_eq!(cal.add(at, -HOUR), Some(at));
        assert_eq!(cal.between(at, at), 0);
        assert_eq!(cal.between(at, at.plus_millis(-HOUR)), 0);
    }
}

#[test]
fn always_counts_wall_time() {
    let always = Calendar::always();
    let at = utc("2026-03-08T09:30:00Z");
    assert!(always.is_open(at));
    assert_eq!(
        always.add(at, 45 * Timestamp::DAY),
        Some(at.plus_millis(45 * Timestamp::DAY))
    );
    assert_eq!(
        always.between(at, at.plus_millis(Timestamp::DAY + 7)),
        Timestamp::DAY + 7
    );
    assert_eq!(always.spec().time_zone, "UTC");
    assert_eq!(always.spec().hours.len(), 7);
    assert!(
        always
            .spec()
            .hours
            .iter()
            .all(|i| i.start == "00:00" && i.end == "24:00")
    );
    let rebuilt = Calendar::new(always.spec()).unwrap();
    assert_eq!(rebuilt.add(at, 3 * HOUR), always.add(at, 3 * HOUR));
}

#[test]
fn yearly_leap_day_closes_only_leap_years() {
    let hours = Weekday::ALL
        .iter()
        .map(|&day| interval(day, "00:00", "24:00"))
        .collect();
    let cal = Calendar::new(&spec(
        "UTC",
        hours,
        vec![holiday("2024-02-29", true, "Leap day")],
    ))
    .unwrap();
    assert!(!cal.is_open(utc("2028-02-29T12:00:00Z")));
    assert!(cal.is_open(utc("2027-02-28T12:00:00Z")));
    assert!(cal.is_open(utc("2027-03-01T12:00:00Z")));
}

#[test]
fn calendar_without_opening_hours_gives_none_promptly() {
    let closed = Calendar::new(&spec(LA, vec![], vec![])).unwrap();
    let at = utc("2026-01-05T12:00:00Z");
    assert_eq!(closed.add(at, HOUR), None);
    assert_eq!(closed.next_open(at), None);
    assert!(!closed.is_open(at));
    assert_eq!(closed.between(at, at.plus_millis(365 * Timestamp::DAY)), 0);
}

#[test]
fn calendar_whose_every_day_is_a_holiday_gives_none() {
    let mut holidays = Vec::new();
    let mut date = jiff::civil::date(2024, 1, 1);
    while date.year() == 2024 {
        holidays.push(holiday(&date.to_string(), true, ""));
        date = date.tomorrow().unwrap();
    }
    let cal = Calendar::new(&spec(MANILA, weekdays("09:00", "17:00"), holidays)).unwrap();
    assert_eq!(cal.add(utc("2026-01-05T12:00:00Z"), HOUR), None);
    assert_eq!(cal.next_open(utc("2026-01-05T12:00:00Z")), None);
}

#[test]
fn spec_reads_lowercase_days_and_defaults() {
    let json =
        r#"{"time_zone":"Europe/London","hours":[{"day":"monday","start":"09:00","end":"17:30"}]}"#;
    let read: CalendarSpec = serde_json::from_str(json).unwrap();
    assert_eq!(read.hours[0].day, Monday);
    assert!(read.holidays.is_empty());
    let cal = Calendar::new(&read).unwrap();
    assert_eq!(cal.spec(), &read);
    let written = serde_json::to_value(&read.hours[0]).unwrap();
    assert_eq!(written["day"], "monday");
}

fn refusal(spec: &CalendarSpec) -> (&'static str, String) {
    let error = Calendar::new(spec).unwrap_err();
    (error.code(), error.field().to_owned())
}

#[test]
fn unknown_time_zone_is_refused() {
    let bad = spec("Mars/Olympus_Mons", weekdays("09:00", "17:00"), vec![]);
    assert_eq!(refusal(&bad), ("unknown_time_zone", "time_zone".to_owned()));
}

#[test]
fn malformed_times_are_refused() {
    for (start, end, field) in [
        ("25:00", "26:00", "hours[0].start"),
        ("24:00", "24:00", "hours[0].start"),
        ("9:00", "17:00", "hours[0].start"),
        ("09:00", "17:60", "hours[0].end"),
        ("09:00", "24:01", "hours[0].end"),
        ("09:00", "5pm", "hours[0].end"),
    ] {
        let bad = spec(LA, vec![interval(Monday, start, end)], vec![]);
        assert_eq!(
            refusal(&bad),
            ("invalid_time", field.to_owned()),
            "{start}-{end}"
        );
    }
}

#[test]
fn end_not_after_start_is_refused() {
    for (start, end) in [("17:00", "09:00"), ("09:00", "09:00")] {
        let bad = spec(LA, vec![interval(Monday, start, end)], vec![]);
        let (code, field) = refusal(&bad);
        assert_eq!(
            (code, field.as_str()),
            ("end_not_after_start", "hours[0].end")
        );
    }
}

#[test]
fn overlapping_intervals_are_refused_but_touching_ones_are_not() {
    let overlapping = vec![
        interval(Monday, "09:00", "12:00"),
        interval(Tuesday, "10:00", "11:00"),
        interval(Monday, "11:00", "13:00"),
    ];
    let error = Calendar::new(&spec(LA, overlapping, vec![])).unwrap_err();
    assert_eq!(error.code(), "overlapping_hours");
    assert_eq!(error.field(), "hours[2]");
    assert_eq!(error.to_string(), "hours[2]: overlaps hours[0] on monday");
    let touching = vec![
        interval(Monday, "09:00", "12:00"),
        interval(Monday, "12:00", "13:00"),
    ];
    let cal = Calendar::new(&spec(LA, touching, vec![])).unwrap();
    let noon = local(LA, "2026-01-05T11:00");
    assert_eq!(cal.add(noon, 2 * HOUR), Some(local(LA, "2026-01-12T09:00")));
}

#[test]
fn bad_holiday_dates_are_refused() {
    for date in [
        "2026-02-30",
        "2026-1-05",
        "26-01-05",
        "2026/01/05",
        "2025-02-29",
        "",
    ] {
        let bad = spec(
            LA,
            vec![],
            vec![holiday("2026-01-01", false, "ok"), holiday(date, true, "")],
        );
        assert_eq!(
            refusal(&bad),
            ("invalid_date", "holidays[1].date".to_owned()),
            "{date}"
        );
    }
}

#[test]
fn instants_beyond_the_representable_years_do_not_panic() {
    let desk = los_angeles_nine_to_five();
    let (min, max) = (Timestamp(i64::MIN), Timestamp(i64::MAX));
    assert_eq!(desk.add(max, HOUR), None);
    assert_eq!(desk.next_open(max), None);
    assert!(!desk.is_open(max));
    assert!(!desk.is_open(min));
    assert_eq!(desk.between(min, min.plus_millis(HOUR)), 0);
    assert_eq!(desk.add(local(LA, "2026-01-05T09:00"), i64::MAX), None);
}
