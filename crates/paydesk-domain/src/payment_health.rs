//! Payment service health: how the gateways' authorisations are going, per gateway and
//! method, against objectives, and the check that decides a sharp drop.
//!
//! Gateways (or the platform's payment service) report each authorisation attempt
//! ([`attempt`]); paydesk keeps them only as counts per minute, gateway and method, with
//! latencies in a histogram of fixed bounds ([`LATENCY_BOUNDS_MS`]), so any window's
//! success rate and percentiles are sums over a few rows. [`assess`] compares the last
//! minutes with the objective and with the gateway's own baseline and says whether things
//! are ok, degraded or failing; a failing gateway and method gets an incident proposed.

pub mod attempt;

pub use attempt::{AttemptResult, PaymentAttempt};

use crate::incident::PaymentMethod;
use serde::{Deserialize, Serialize};

/// Upper bounds (inclusive, milliseconds) of the latency histogram's buckets; a last
/// bucket takes everything slower than the last bound.
pub const LATENCY_BOUNDS_MS: [i64; 11] = [
    100, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000,
];

/// Buckets of the latency histogram.
pub const BUCKETS: usize = LATENCY_BOUNDS_MS.len() + 1;

/// The recent window assessed: the last 15 minutes.
pub const RECENT_MINUTES: i64 = 15;

/// The baseline window: the last 24 hours.
pub const BASELINE_MINUTES: i64 = 24 * 60;

/// Attempts the recent window needs before anything is judged.
pub const MIN_ATTEMPTS: i64 = 30;

/// Attempts the baseline (the day before the recent window) needs to be a baseline.
pub const MIN_BASELINE_ATTEMPTS: i64 = 200;

/// How far (in shares: 0.15 is 15 points) the recent success rate must fall below the
/// baseline's to be a sharp drop.
pub const SHARP_DROP: f64 = 0.15;

/// How many times the baseline's p95 latency the recent p95 must reach to be a spike.
pub const LATENCY_SPIKE_FACTOR: i64 = 2;

/// Counts of latencies per bucket of [`LATENCY_BOUNDS_MS`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histogram(pub [i64; BUCKETS]);

impl Histogram {
    /// The bucket a latency falls in.
    #[must_use]
    pub fn bucket_of(latency_ms: i64) -> usize {
        LATENCY_BOUNDS_MS
            .iter()
            .position(|bound| latency_ms <= *bound)
            .unwrap_or(BUCKETS - 1)
    }

    /// Counts one latency.
    pub fn record(&mut self, latency_ms: i64) {
        self.0[Self::bucket_of(latency_ms)] += 1;
    }

    /// Adds another histogram's counts.
    pub fn add(&mut self, other: &Histogram) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a = a.saturating_add(b);
        }
    }

    /// This histogram less `other` (counts never below zero).
    #[must_use]
    pub fn minus(&self, other: &Histogram) -> Histogram {
        let mut out = *self;
        for (a, b) in out.0.iter_mut().zip(other.0) {
            *a = a.saturating_sub(b).max(0);
        }
        out
    }

    /// How many latencies were counted.
    #[must_use]
    pub fn total(&self) -> i64 {
        self.0.iter().sum()
    }

    /// The latency below which a share `q` (0 to 1) of the counted ones fall, interpolated
    /// within its bucket (the slowest bucket answers with its lower bound, the last
    /// bound). `None` when nothing was counted.
    #[must_use]
    pub fn quantile(&self, q: f64) -> Option<i64> {
        let total = self.total();
        if total <= 0 {
            return None;
        }
        #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
        let rank = q.clamp(0.0, 1.0) * total as f64;
        let mut below = 0_i64;
        for (i, count) in self.0.iter().enumerate() {
            let after = below + count;
            #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
            if *count > 0 && after as f64 >= rank {
                let low = if i == 0 { 0 } else { LATENCY_BOUNDS_MS[i - 1] };
                let Some(high) = LATENCY_BOUNDS_MS.get(i) else {
                    return Some(low);
                };
                let within = (rank - below as f64) / *count as f64;
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "between two bounds of at most 10 s"
                )]
                return Some(low + ((high - low) as f64 * within.clamp(0.0, 1.0)).round() as i64);
            }
            below = after;
        }
        Some(LATENCY_BOUNDS_MS[BUCKETS - 2])
    }
}

/// A window's counts for one gateway and method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub attempts: i64,
    pub successes: i64,
    pub declines: i64,
    pub failures: i64,
    pub latency: Histogram,
}

impl Tally {
    /// Counts one attempt.
    pub fn record(&mut self, result: AttemptResult, latency_ms: i64) {
        self.attempts += 1;
        match result {
            AttemptResult::Success => self.successes += 1,
            AttemptResult::Decline => self.declines += 1,
            AttemptResult::Failure => self.failures += 1,
        }
        self.latency.record(latency_ms);
    }

    /// Adds another tally.
    pub fn add(&mut self, other: &Tally) {
        self.attempts = self.attempts.saturating_add(other.attempts);
        self.successes = self.successes.saturating_add(other.successes);
        self.declines = self.declines.saturating_add(other.declines);
        self.failures = self.failures.saturating_add(other.failures);
        self.latency.add(&other.latency);
    }

    /// This tally less a part of it (the day less its last minutes: the baseline).
    #[must_use]
    pub fn minus(&self, part: &Tally) -> Tally {
        let sub = |a: i64, b: i64| a.saturating_sub(b).max(0);
        Tally {
            attempts: sub(self.attempts, part.attempts),
            successes: sub(self.successes, part.successes),
            declines: sub(self.declines, part.declines),
            failures: sub(self.failures, part.failures),
            latency: self.latency.minus(&part.latency),
        }
    }

    /// Successes per attempt, 0 to 1; `None` without attempts.
    #[must_use]
    pub fn success_rate(&self) -> Option<f64> {
        #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
        (self.attempts > 0).then(|| self.successes as f64 / self.attempts as f64)
    }

    /// The median latency.
    #[must_use]
    pub fn p50(&self) -> Option<i64> {
        self.latency.quantile(0.5)
    }

    /// The 95th percentile latency.
    #[must_use]
    pub fn p95(&self) -> Option<i64> {
        self.latency.quantile(0.95)
    }
}

/// What a gateway and method should achieve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// The lowest acceptable share of successful attempts, 0 to 1 (declines count
    /// against it, since a wave of declines is what customers write in about).
    pub success_rate: f64,
    /// The highest acceptable 95th percentile latency, in milliseconds.
    pub p95_latency_ms: i64,
}

impl Default for Objective {
    /// 80% of attempts succeed (card authorisations run at 85-95% with issuers' declines
    /// counted), 95% answer within 3 s.
    fn default() -> Self {
        Self {
            success_rate: 0.80,
            p95_latency_ms: 3_000,
        }
    }
}

impl Objective {
    /// Checks the objective: a success rate from 0 to 1, a latency of 1 ms to 10 minutes.
    /// Errors name the field (`success_rate`, `p95_latency_ms`).
    pub fn validated(self) -> Result<Self, crate::DomainError> {
        if !(0.0..=1.0).contains(&self.success_rate) {
            return Err(crate::DomainError::invalid(
                "success_rate",
                "a share from 0 to 1, such as 0.9",
            ));
        }
        if !(1..=600_000).contains(&self.p95_latency_ms) {
            return Err(crate::DomainError::invalid(
                "p95_latency_ms",
                "1 to 600000 milliseconds",
            ));
        }
        Ok(self)
    }

    /// The success rate in basis points (0.9 is 9000), as stored.
    #[must_use]
    pub fn success_rate_bp(&self) -> i64 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a checked share times 10,000"
        )]
        let bp = (self.success_rate * 10_000.0).round() as i64;
        bp
    }

    /// An objective from its stored form.
    #[must_use]
    pub fn from_bp(success_rate_bp: i64, p95_latency_ms: i64) -> Self {
        #[expect(clippy::cast_precision_loss, reason = "at most 10,000")]
        let rate = success_rate_bp as f64 / 10_000.0;
        Self {
            success_rate: rate,
            p95_latency_ms,
        }
    }
}

crate::label_enum!(
    /// How a gateway and method are doing.
    HealthState {
        /// Within objectives (or too few attempts to say otherwise).
        Ok = "ok",
        /// Below the success objective or above the latency one.
        Degraded = "degraded",
        /// A sharp drop: below the objective and far below its own baseline (or far
        /// slower). An incident is proposed.
        Failing = "failing",
    }
);

/// Why a gateway and method are failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drop {
    /// The success rate fell sharply.
    SuccessRate,
    /// Latency shot up.
    Latency,
}

/// What [`assess`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub state: HealthState,
    /// Whether the recent window had enough attempts to judge.
    pub has_enough_attempts: bool,
    /// Set when failing: what dropped.
    pub drop: Option<Drop>,
    /// Short sentences for people: what is off and by how much.
    pub reasons: Vec<String>,
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Judges one gateway and method: `recent` holds the last [`RECENT_MINUTES`], `day` the
/// last [`BASELINE_MINUTES`] (recent included; the baseline is the day without them).
///
/// - Fewer than [`MIN_ATTEMPTS`] recent attempts: ok, nothing judged.
/// - Degraded: the recent success rate is below the objective, or the recent p95 latency
///   above it.
/// - Failing (a sharp drop): the success rate is below the objective and at least
///   [`SHARP_DROP`] below the baseline's; or the p95 is above the objective and at least
///   [`LATENCY_SPIKE_FACTOR`] times the baseline's. Without a baseline of
///   [`MIN_BASELINE_ATTEMPTS`], nothing is failing (there is nothing to drop from).
#[must_use]
pub fn assess(recent: &Tally, day: &Tally, objective: &Objective) -> Assessment {
    let mut reasons = Vec::new();
    if recent.attempts < MIN_ATTEMPTS {
        return Assessment {
            state: HealthState::Ok,
            has_enough_attempts: false,
            drop: None,
            reasons: vec![format!(
                "{} attempts in the last {RECENT_MINUTES} minutes; {MIN_ATTEMPTS} are needed to judge",
                recent.attempts
            )],
        };
    }
    let baseline = day.minus(recent);
    let has_baseline = baseline.attempts >= MIN_BASELINE_ATTEMPTS;
    let rate = recent.success_rate().unwrap_or(0.0);
    let low_rate = rate < objective.success_rate;
    if low_rate {
        reasons.push(format!(
            "success rate {} is below the objective {}",
            percent(rate),
            percent(objective.success_rate)
        ));
    }
    let p95 = recent.p95().unwrap_or(0);
    let slow = p95 > objective.p95_latency_ms;
    if slow {
        reasons.push(format!(
            "p95 latency {p95} ms is above the objective {} ms",
            objective.p95_latency_ms
        ));
    }
    let mut drop = None;
    if has_baseline {
        let base_rate = baseline.success_rate().unwrap_or(0.0);
        if low_rate && rate <= base_rate - SHARP_DROP {
            reasons.push(format!(
                "down from {} over the day before",
                percent(base_rate)
            ));
            drop = Some(Drop::SuccessRate);
        }
        let base_p95 = baseline.p95().unwrap_or(0);
        if slow && base_p95 > 0 && p95 >= base_p95.saturating_mul(LATENCY_SPIKE_FACTOR) {
            reasons.push(format!("up from {base_p95} ms over the day before"));
            drop = drop.or(Some(Drop::Latency));
        }
    }
    let state = match (drop, low_rate || slow) {
        (Some(_), _) => HealthState::Failing,
        (None, true) => HealthState::Degraded,
        (None, false) => HealthState::Ok,
    };
    Assessment {
        state,
        has_enough_attempts: true,
        drop,
        reasons,
    }
}

/// The title of the incident proposed for a failing gateway and method.
#[must_use]
pub fn proposal_title(gateway: &str, method: PaymentMethod, drop: Drop) -> String {
    let method = method.as_str().replace('_', " ");
    match drop {
        Drop::SuccessRate => format!("Payments failing: {gateway} {method} success rate dropped"),
        Drop::Latency => format!("Payments slow: {gateway} {method} latency spiked"),
    }
}

#[cfg(test)]
mod tests;
