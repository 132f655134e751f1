//! The lock-out rule for failed sign-ins: pure arithmetic over the times of failures.

use super::millis;
use paydesk_domain::Timestamp;
use std::time::Duration;

/// When failed sign-ins lock further tries out.
///
/// `max_failures` failures within `window` start a lock-out of `first_backoff` from the
/// last failure. Each failure after a lock-out has passed (tries during one are refused
/// unchecked and not counted) doubles the back-off, up to `max_backoff`. A streak ends when
/// no failure comes within `window` after its lock-out has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    pub max_failures: u32,
    pub window: Duration,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
}

impl Lockout {
    /// When tries may start again after these failures (oldest first), or `None` when the
    /// failures lock nothing out. Compare with now: a time in the past is no lock-out.
    #[must_use]
    pub fn locked_until(&self, failures: &[Timestamp]) -> Option<Timestamp> {
        let window = millis(self.window);
        let threshold = usize::try_from(self.max_failures.max(1)).unwrap_or(usize::MAX);
        // (until, how many failures after the one that started the lock-out)
        let mut lock: Option<(Timestamp, u32)> = None;
        let mut streak_start = 0;
        for (i, &at) in failures.iter().enumerate() {
            match lock {
                Some((until, extra)) if at.0 <= until.0.saturating_add(window) => {
                    let extra = extra.saturating_add(1);
                    lock = Some((at.plus_millis(self.backoff(extra)), extra));
                }
                _ => {
                    if lock.take().is_some() {
                        streak_start = i;
                    }
                    let recent = failures[streak_start..=i]
                        .iter()
                        .filter(|t| at.since(**t) < window)
                        .count();
                    if recent >= threshold {
                        lock = Some((at.plus_millis(self.backoff(0)), 0));
                    }
                }
            }
        }
        lock.map(|(until, _)| until)
    }

    /// The back-off after `extra` failures beyond the one that started the lock-out.
    fn backoff(&self, extra: u32) -> i64 {
        let first = millis(self.first_backoff);
        let max = millis(self.max_backoff);
        first.saturating_mul(1_i64 << extra.min(40)).min(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{AccessSettings, retry_after_secs, secret_hash};
    use paydesk_domain::Timestamp;

    const M: i64 = Timestamp::MINUTE;

    fn at(minutes: &[i64]) -> Vec<Timestamp> {
        minutes.iter().map(|m| Timestamp(m * M)).collect()
    }

    fn rule() -> Lockout {
        AccessSettings::default().email_lockout
    }

    #[test]
    fn four_failures_lock_nothing() {
        assert_eq!(rule().locked_until(&at(&[0, 1, 2, 3])), None);
    }

    #[test]
    fn five_within_the_window_lock_for_a_minute_from_the_last() {
        assert_eq!(
            rule().locked_until(&at(&[0, 1, 2, 3, 4])),
            Some(Timestamp(5 * M))
        );
    }

    #[test]
    fn five_spread_wider_than_the_window_lock_nothing() {
        assert_eq!(rule().locked_until(&at(&[0, 4, 8, 12, 16])), None);
    }

    #[test]
    fn each_further_failure_doubles_up_to_an_hour() {
        let mut failures = at(&[0, 0, 0, 0, 0]);
        let mut expected = M;
        let mut last = 0;
        for _ in 0..9 {
            assert_eq!(
                rule().locked_until(&failures),
                Some(Timestamp(last + expected))
            );
            // The next failure comes just as the lock-out ends.
            last += expected;
            failures.push(Timestamp(last));
            expected = (expected * 2).min(60 * M);
        }
        assert_eq!(expected, 60 * M);
    }

    #[test]
    fn a_quiet_window_after_the_lock_out_ends_the_streak() {
        // Locked until 1; nothing until 17 (more than 15 minutes after 1).
        assert_eq!(rule().locked_until(&at(&[0, 0, 0, 0, 0, 17])), None);
        // Within the window after the lock-out: the streak goes on (2 minutes).
        assert_eq!(
            rule().locked_until(&at(&[0, 0, 0, 0, 0, 15])),
            Some(Timestamp(17 * M))
        );
    }

    #[test]
    fn hashes_are_sha256_hex() {
        assert_eq!(
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Timestamp(0), Timestamp(1)), 1);
        assert_eq!(retry_after_secs(Timestamp(0), Timestamp(60_000)), 60);
        assert_eq!(retry_after_secs(Timestamp(5), Timestamp(0)), 0);
    }
}
