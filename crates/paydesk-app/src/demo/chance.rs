//! Random draws shared by the generator's parts: weighted choices, picks from a list,
//! normal and log-normal variates.

use rand::Rng;
use rand::rngs::SmallRng;

/// A draw from `(item, weight)` pairs; `None` when all weights are zero.
pub(super) fn weighted<T: Copy>(rng: &mut SmallRng, items: &[(T, u32)]) -> Option<T> {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    if total == 0 {
        return None;
    }
    let mut x = rng.random_range(0..total);
    for (item, w) in items {
        if x < *w {
            return Some(*item);
        }
        x -= w;
    }
    None
}

/// One of `list` (the empty string for an empty list).
pub(super) fn one<'a>(rng: &mut SmallRng, list: &[&'a str]) -> &'a str {
    list.get(rng.random_range(0..list.len().max(1)))
        .copied()
        .unwrap_or_default()
}

/// A standard normal draw (Box-Muller).
pub(super) fn normal(rng: &mut SmallRng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A log-normal wait around `median_ms` (spread `sigma`), clamped to `min..=max` ms.
pub(super) fn wait(rng: &mut SmallRng, median_ms: f64, sigma: f64, min: i64, max: i64) -> i64 {
    ((median_ms * (sigma * normal(rng)).exp()) as i64).clamp(min, max)
}
