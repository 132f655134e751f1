//! One authorisation attempt as a gateway or the payment service reports it, checked
//! field by field so that a batch can keep its good items and say what is wrong with
//! each bad one.

use crate::error::DomainError;
use crate::incident::PaymentMethod;
use crate::ticket::BusinessLine;
use crate::time::Timestamp;

crate::label_enum!(
    /// How an attempt ended.
    AttemptResult {
        Success = "success",
        /// The gateway or the network failed (timeout, error, unavailable).
        Failure = "failure",
        /// The issuer or the gateway's risk checks said no.
        Decline = "decline",
    }
);

/// The slowest latency taken: ten minutes.
pub const LATENCY_MAX_MS: i64 = 600_000;

/// How far in the future an attempt's time may be (clocks differ a little).
pub const FUTURE_SKEW_MS: i64 = 5 * Timestamp::MINUTE;

/// How old an attempt may be: older ones cannot change any window paydesk shows.
pub const MAX_AGE_MS: i64 = super::BASELINE_MINUTES * Timestamp::MINUTE;

/// An attempt as sent, before checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAttempt<'a> {
    pub gateway: &'a str,
    pub method: &'a str,
    pub result: &'a str,
    pub code: Option<&'a str>,
    pub latency_ms: i64,
    pub at: Timestamp,
    pub region: Option<&'a str>,
    pub business_line: Option<&'a str>,
}

/// A closed value's error, naming the field it came from.
fn named<T>(field: &'static str, parsed: Result<T, DomainError>) -> Result<T, DomainError> {
    parsed.map_err(|e| DomainError::invalid(field, e.to_string()))
}

/// A checked attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentAttempt {
    pub gateway: String,
    pub method: PaymentMethod,
    pub result: AttemptResult,
    /// The decline or failure code, lower-case (none on a success).
    pub code: Option<String>,
    pub latency_ms: i64,
    pub at: Timestamp,
    pub region: Option<String>,
    pub business_line: Option<BusinessLine>,
}

impl PaymentAttempt {
    /// Checks every field of `raw` as received at `now`. Errors name the field: an unknown
    /// gateway name, method or result, a code on a success or a malformed code, a latency
    /// below 0 or above [`LATENCY_MAX_MS`], a time more than [`FUTURE_SKEW_MS`] ahead or
    /// older than [`MAX_AGE_MS`], a malformed region or business line.
    pub fn check(raw: &RawAttempt<'_>, now: Timestamp) -> Result<Self, DomainError> {
        let gateway = crate::payment::normalize_gateway(raw.gateway)?;
        let method: PaymentMethod = named("method", raw.method.trim().parse())?;
        let result: AttemptResult = named("result", raw.result.trim().parse())?;
        let code = match raw.code.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(_) if result == AttemptResult::Success => {
                return Err(DomainError::invalid(
                    "code",
                    "a successful attempt has no decline or failure code",
                ));
            }
            Some(c) => Some(crate::incident::rules::label(c).ok_or_else(|| {
                DomainError::invalid("code", "1-80 characters of a-z, 0-9, '_', '-' or '.'")
            })?),
        };
        if !(0..=LATENCY_MAX_MS).contains(&raw.latency_ms) {
            return Err(DomainError::invalid(
                "latency_ms",
                format!("0 to {LATENCY_MAX_MS} milliseconds"),
            ));
        }
        if raw.at.since(now) > FUTURE_SKEW_MS {
            return Err(DomainError::invalid(
                "at",
                "more than 5 minutes in the future; check the sender's clock",
            ));
        }
        if now.since(raw.at) > MAX_AGE_MS {
            return Err(DomainError::invalid(
                "at",
                "older than 24 hours; such attempts no longer count in any window",
            ));
        }
        let region = raw
            .region
            .map(|r| {
                crate::incident::region(r).ok_or_else(|| {
                    DomainError::invalid("region", "1-40 characters of letters, digits, '_' or '-'")
                })
            })
            .transpose()?;
        let business_line = raw
            .business_line
            .map(|l| named("business_line", l.trim().parse::<BusinessLine>()))
            .transpose()?;
        Ok(Self {
            gateway,
            method,
            result,
            code,
            latency_ms: raw.latency_ms,
            at: raw.at,
            region,
            business_line,
        })
    }

    /// The start of the minute the attempt falls in.
    #[must_use]
    pub fn minute(&self) -> Timestamp {
        Timestamp(self.at.0 - self.at.0.rem_euclid(Timestamp::MINUTE))
    }
}
