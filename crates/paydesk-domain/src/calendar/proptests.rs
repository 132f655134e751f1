//! Property tests: for random calendars (zones with and without daylight saving, 24-hour
//! days, split shifts, night shifts touching at midnight, random holidays) and random
//! instants over 2025-2028, `add` and `between` stay each other's inverse, `between` is
//! additive and bounded by wall time, and `add` is monotonic.

use super::*;
use proptest::prelude::*;

const ZONES: &[&str] = &[
    "America/Los_Angeles",
    "Asia/Manila",
    "Europe/London",
    "Australia/Sydney",
    "UTC",
];
/// 2025-01-01T00:00:00Z and 2029-01-01T00:00:00Z.
const FROM: i64 = 1_735_689_600_000;
const UNTIL: i64 = 1_861_920_000_000;
const QUARTER_HOUR: i64 = 15 * Timestamp::MINUTE;

fn wall_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// One day's hours: closed, all day, or up to three disjoint intervals on quarter hours
/// (so some start or end exactly where clocks jump), possibly reaching 00:00 or 24:00,
/// sometimes crowded into 00:00-04:00, where most clock changes happen.
fn day_hours() -> impl Strategy<Value = Vec<(u16, u16)>> {
    prop_oneof![
        1 => Just(vec![]),
        1 => Just(vec![(0, MINUTES_PER_DAY)]),
        3 => quarter_hour_intervals(96),
        2 => quarter_hour_intervals(16),
    ]
}

/// Up to three disjoint intervals with edges on quarter hours up to `last` quarters.
fn quarter_hour_intervals(last: u16) -> impl Strategy<Value = Vec<(u16, u16)>> {
    prop::collection::vec(0..=last, 2..=6).prop_map(|mut cuts| {
        cuts.sort_unstable();
        cuts.dedup();
        cuts.chunks_exact(2)
            .filter_map(|pair| match *pair {
                [start, end] => Some((start * 15, end * 15)),
                _ => None,
            })
            .collect()
    })
}

fn holidays() -> impl Strategy<Value = Vec<Holiday>> {
    let one = (2025u16..=2028, 1u8..=12, 1u8..=28, any::<bool>()).prop_map(
        |(year, month, day, yearly)| Holiday {
            date: format!("{year}-{month:02}-{day:02}"),
            yearly,
            name: String::new(),
        },
    );
    prop::collection::vec(one, 0..6)
}

fn calendar() -> impl Strategy<Value = Calendar> {
    (
        prop::sample::select(ZONES),
        prop::collection::vec(day_hours(), 7),
        holidays(),
    )
        .prop_map(|(zone, week, holidays)| {
            let hours = week
                .iter()
                .zip(Weekday::ALL)
                .flat_map(|(day, &weekday)| {
                    day.iter().map(move |&(start, end)| OpeningInterval {
                        day: weekday,
                        start: wall_time(start),
                        end: wall_time(end),
                    })
                })
                .collect();
            let spec = CalendarSpec {
                time_zone: zone.to_owned(),
                hours,
                holidays,
            };
            Calendar::new(&spec).unwrap()
        })
}

/// Every clock change of the zones in [`ZONES`] over 2025-2028, in epoch milliseconds.
fn clock_changes() -> Vec<i64> {
    let from = jiff::Timestamp::from_millisecond(FROM).unwrap();
    ZONES
        .iter()
        .flat_map(|name| {
            let zone = TimeZone::get(name).unwrap();
            zone.following(from)
                .map(|change| change.timestamp().as_millisecond())
                .take_while(|&at| at < UNTIL)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// An instant in 2025-2028: anywhere, on a quarter hour to meet interval edges, or within
/// two days of a clock change.
fn instant() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        (FROM..UNTIL).prop_map(Timestamp),
        (FROM / QUARTER_HOUR..UNTIL / QUARTER_HOUR).prop_map(|q| Timestamp(q * QUARTER_HOUR)),
        (
            prop::sample::select(clock_changes()),
            -2 * Timestamp::DAY / QUARTER_HOUR..2 * Timestamp::DAY / QUARTER_HOUR,
        )
            .prop_map(|(change, q)| Timestamp(change + q * QUARTER_HOUR)),
    ]
}

/// Business time up to sixty days, sometimes whole quarter hours.
fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        0..60 * Timestamp::DAY,
        (0..60 * 96_i64).prop_map(|q| q * QUARTER_HOUR),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn between_undoes_add(cal in calendar(), a in instant(), m in amount()) {
        if let Some(reached) = cal.add(a, m) {
            prop_assert_eq!(cal.between(a, reached), m);
            prop_assert!(reached >= a);
            if m > 0 {
                prop_assert!(cal.is_open(reached));
            }
        }
    }

    #[test]
    fn add_undoes_between_up_to_an_open_instant(cal in calendar(), a in instant(), x in instant()) {
        let mut targets = Vec::new();
        if cal.is_open(x) {
            targets.push(x);
        }
        targets.extend(cal.next_open(x));
        for b in targets.into_iter().filter(|&b| b >= a) {
            prop_assert!(cal.is_open(b));
            let m = cal.between(a, b);
            if m > 0 {
                prop_assert_eq!(cal.add(a, m), Some(b));
            } else {
                // `add` keeps `from` for a zero amount; the open instant is the next opening.
                prop_assert_eq!(cal.next_open(a), Some(b));
            }
        }
    }

    #[test]
    fn between_is_additive(cal in calendar(), x in instant(), y in instant(), z in instant()) {
        let mut points = [x, y, z];
        points.sort_unstable();
        let [a, b, c] = points;
        prop_assert_eq!(cal.between(a, c), cal.between(a, b) + cal.between(b, c));
    }

    #[test]
    fn between_never_exceeds_wall_time(cal in calendar(), x in instant(), y in instant()) {
        let (a, b) = (x.min(y), x.max(y));
        prop_assert!(cal.between(a, b) <= b.since(a));
        prop_assert!(cal.between(a, b) >= 0);
        prop_assert_eq!(cal.between(b, a), 0);
    }

    #[test]
    fn always_is_wall_time(x in instant(), y in instant(), m in amount()) {
        let always = Calendar::always();
        let (a, b) = (x.min(y), x.max(y));
        prop_assert_eq!(always.between(a, b), b.since(a));
        prop_assert_eq!(always.add(x, m), Some(x.plus_millis(m)));
        prop_assert!(always.is_open(x));
    }

    #[test]
    fn add_is_monotonic(cal in calendar(), a in instant(), m in amount(), n in amount()) {
        let (less, more) = (m.min(n), m.max(n));
        if let (Some(near), Some(far)) = (cal.add(a, less), cal.add(a, more)) {
            prop_assert!(near <= far);
        }
    }

    #[test]
    fn spans_are_ordered_and_disjoint(cal in calendar(), x in instant()) {
        let spans: Vec<_> = cal.spans(x.0 - 3 * Timestamp::DAY, Some(x.0 + 3 * Timestamp::DAY)).collect();
        for span in &spans {
            prop_assert!(span.start < span.end, "{:?}", span);
        }
        for pair in spans.windows(2) {
            prop_assert!(pair[0].end <= pair[1].start, "{:?}", pair);
        }
    }

    #[test]
    fn next_open_is_the_first_open_instant(cal in calendar(), x in instant()) {
        match cal.next_open(x) {
            Some(open) => {
                prop_assert!(open >= x);
                prop_assert!(cal.is_open(open));
                prop_assert_eq!(cal.between(x, open), 0);
                prop_assert_eq!(open == x, cal.is_open(x));
            }
            None => prop_assert!(!cal.is_open(x)),
        }
    }
}
