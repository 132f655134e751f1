//! When tickets arrive: a daily volume with weekly seasonality, a slow growth trend and
//! two campaign peaks (a shopping festival and a holiday) at about three times the
//! baseline, with a tail of late complaints for two days after each, spread over the
//! hours of the day along a curve.
//!
//! The total is exact: each day gets its share of the tickets by largest remainder, so the
//! shape shows even in a small run.

use paydesk_domain::Timestamp;
use rand::Rng;
use rand::rngs::SmallRng;

/// A campaign peak: its tag and its days (indexes into the window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Campaign {
    pub tag: &'static str,
    pub first_day: i64,
    pub days: i64,
}

/// One ticket's arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Arrival {
    pub at: Timestamp,
    pub campaign: Option<&'static str>,
}

/// How much busier a campaign day is than the same weekday without one.
const CAMPAIGN_FACTOR: f64 = 3.0;
/// How much busier the two days after a campaign are (refunds, late deliveries).
const TAIL_FACTORS: [f64; 2] = [1.6, 1.25];

/// Relative volume by weekday, Monday first: people write after a weekend of problems.
const WEEKDAY: [f64; 7] = [1.18, 1.10, 1.05, 1.0, 0.95, 0.68, 0.62];

/// Relative volume by hour of the day, UTC: Asia's day, a trough, then the Americas'.
const HOUR: [f64; 24] = [
    7.0, 7.0, 7.5, 7.5, 7.0, 6.0, 5.0, 4.0, 3.0, 2.5, 2.5, 3.0, 4.0, 5.5, 7.0, 8.0, 9.0, 9.5, 9.5,
    9.0, 8.5, 8.0, 7.5, 7.0,
];

/// The two campaigns placed inside a window of `days` days; none in windows under 10 days.
pub(super) fn campaigns(days: i64) -> Vec<Campaign> {
    if days < 10 {
        return Vec::new();
    }
    vec![
        Campaign {
            tag: "mega-sale",
            first_day: days * 45 / 100,
            days: 3,
        },
        Campaign {
            tag: "holiday-season",
            first_day: days * 75 / 100,
            days: 5,
        },
    ]
}

/// Monday = 0.
fn weekday(day_start: Timestamp) -> usize {
    usize::try_from((day_start.0.div_euclid(Timestamp::DAY) + 3).rem_euclid(7)).unwrap_or(0)
}

/// Share of the hour curve (in hour weights) that lies before `cutoff` ms into a day.
fn day_share_before(cutoff: i64) -> f64 {
    HOUR.iter()
        .enumerate()
        .map(|(h, w)| {
            let start = i64::try_from(h).unwrap_or(0) * Timestamp::HOUR;
            let covered =
                (cutoff - start).clamp(0, Timestamp::HOUR) as f64 / Timestamp::HOUR as f64;
            w * covered
        })
        .sum::<f64>()
}

/// `total` arrivals over the `days` days ending at `end` (the last, partial day included),
/// oldest first.
pub(super) fn arrivals(
    rng: &mut SmallRng,
    total: usize,
    days: i64,
    end: Timestamp,
) -> Vec<Arrival> {
    let last_day = Timestamp((end.0 - 1).div_euclid(Timestamp::DAY) * Timestamp::DAY);
    let first_day = last_day.plus_millis(-(days - 1) * Timestamp::DAY);
    let peaks = campaigns(days);
    let full_day: f64 = HOUR.iter().sum();
    let campaign_of = |d: i64| {
        peaks
            .iter()
            .find(|c| d >= c.first_day && d < c.first_day + c.days)
            .map(|c| c.tag)
    };
    let tail_of = |d: i64| {
        peaks
            .iter()
            .find_map(|c| {
                usize::try_from(d - c.first_day - c.days)
                    .ok()
                    .and_then(|i| TAIL_FACTORS.get(i))
            })
            .copied()
            .unwrap_or(1.0)
    };

    let weights: Vec<f64> = (0..days)
        .map(|d| {
            let start = first_day.plus_millis(d * Timestamp::DAY);
            let cutoff = end.since(start).min(Timestamp::DAY);
            let share = day_share_before(cutoff) / full_day;
            let trend = 1.0 + 0.15 * d as f64 / days as f64;
            let peak = if campaign_of(d).is_some() {
                CAMPAIGN_FACTOR
            } else {
                tail_of(d)
            };
            let noise = rng.random_range(0.92..1.08);
            WEEKDAY[weekday(start)] * trend * peak * noise * share
        })
        .collect();
    let counts = largest_remainder(&weights, total);

    let mut out = Vec::with_capacity(total);
    for (d, count) in (0_i64..).zip(counts) {
        let start = first_day.plus_millis(d * Timestamp::DAY);
        let cutoff = end.since(start).min(Timestamp::DAY);
        let campaign = campaign_of(d);
        for _ in 0..count {
            let offset = time_of_day(rng, cutoff);
            out.push(Arrival {
                at: start.plus_millis(offset),
                campaign,
            });
        }
    }
    out.sort_by_key(|a| a.at);
    out
}

/// A moment in the day, in ms, following the hour curve and before `cutoff`.
fn time_of_day(rng: &mut SmallRng, cutoff: i64) -> i64 {
    let available = day_share_before(cutoff);
    let mut x = rng.random_range(0.0..available.max(f64::MIN_POSITIVE));
    for (h, w) in (0_i64..).zip(HOUR) {
        let start = h * Timestamp::HOUR;
        let span = (cutoff - start).clamp(0, Timestamp::HOUR);
        let weight = w * span as f64 / Timestamp::HOUR as f64;
        if x < weight && span > 0 {
            return start + rng.random_range(0..span);
        }
        x -= weight;
    }
    (cutoff - 1).max(0)
}

/// Splits `total` in proportion to `weights`, exactly.
fn largest_remainder(weights: &[f64], total: usize) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        let mut counts = vec![0; weights.len()];
        if let Some(last) = counts.last_mut() {
            *last = total;
        }
        return counts;
    }
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * total as f64).collect();
    let mut counts: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    let missing = total.saturating_sub(counts.iter().sum());
    for &i in order.iter().cycle().take(missing) {
        counts[i] += 1;
    }
    counts
}

/// Whether a moment falls on a weekend (Saturday or Sunday, UTC).
pub(super) fn is_weekend(t: Timestamp) -> bool {
    weekday(t) >= 5
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    const END: Timestamp = Timestamp(1_782_864_000_000 + 15 * Timestamp::HOUR);

    #[test]
    fn totals_are_exact_and_inside_the_window() {
        let mut rng = SmallRng::seed_from_u64(3);
        let a = arrivals(&mut rng, 5_000, 180, END);
        assert_eq!(a.len(), 5_000);
        assert!(a.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(
            a.iter()
                .all(|x| x.at < END && x.at >= END.plus_millis(-181 * Timestamp::DAY))
        );
    }

    #[test]
    fn campaigns_triple_the_volume_and_weekdays_beat_weekends() {
        let mut rng = SmallRng::seed_from_u64(4);
        let a = arrivals(&mut rng, 50_000, 180, END);
        let in_peak = a.iter().filter(|x| x.campaign.is_some()).count() as f64 / 8.0;
        let per_day = a.len() as f64 / 180.0;
        assert!(in_peak > 2.3 * per_day, "{in_peak} vs {per_day}");
        let weekend = a.iter().filter(|x| is_weekend(x.at)).count() as f64 / 2.0;
        let weekday = a.iter().filter(|x| !is_weekend(x.at)).count() as f64 / 5.0;
        assert!(weekday > weekend * 1.3, "{weekday} vs {weekend}");
    }

    #[test]
    fn weekday_of_the_epoch_is_thursday() {
        assert_eq!(weekday(Timestamp(0)), 3);
    }
}
