//! Signed webhook deliveries, Stripe's scheme (which paydesk's own endpoint shares).
//!
//! The header is `t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=<hex>]`: items split on
//! `,`, each item on its first `=`, spaces around either ignored. The signature is
//! `hex(HMAC-SHA256(secret, "<t>.<raw body bytes>"))`. A delivery is accepted when any
//! `v1` matches (compared in constant time; several appear while a secret is rolled) and
//! `t` is within the tolerance of now. `v0` (Stripe's legacy test scheme) and unknown
//! items are ignored. Nothing here ever shows the secret or the expected signature.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use thiserror::Error;

type HmacSha256 = Hmac<Sha256>;

/// Headers longer than this are refused unread.
pub const HEADER_MAX: usize = 4_096;

/// At most this many `v1` candidates are tried.
pub const SIGNATURES_MAX: usize = 8;

/// Why a delivery's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("the signature header is not valid: {0}")]
    Malformed(&'static str),
    #[error("no v1 signature matches the body")]
    Mismatch,
    #[error(
        "the signature's timestamp is {skew_secs} s away from now; at most {tolerance_secs} s is accepted"
    )]
    Expired { skew_secs: i64, tolerance_secs: i64 },
}

impl SignatureError {
    /// The stable code: `signature_expired` for an old (or future) timestamp,
    /// `invalid_signature` for everything else.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Expired { .. } => "signature_expired",
            _ => "invalid_signature",
        }
    }
}

/// A parsed signature header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// Unix seconds.
    pub timestamp: i64,
    /// The `v1` values, decoded from hex (values that are not hex are left out: they
    /// could never match).
    pub v1: Vec<Vec<u8>>,
}

/// Reads a signature header. Refuses one without `t`, with a `t` that is not an integer
/// or given twice, or without any `v1`.
pub fn parse_header(header: &str) -> Result<SignatureHeader, SignatureError> {
    if header.len() > HEADER_MAX {
        return Err(SignatureError::Malformed("longer than 4096 bytes"));
    }
    let mut timestamp = None;
    let mut v1 = Vec::new();
    let mut any_v1 = false;
    for item in header.split(',') {
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        match key.trim() {
            "t" => {
                if timestamp.is_some() {
                    return Err(SignatureError::Malformed("t is given more than once"));
                }
                let t = value
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| SignatureError::Malformed("t is not a whole number of seconds"))?;
                timestamp = Some(t);
            }
            "v1" => {
                any_v1 = true;
                if v1.len() < SIGNATURES_MAX
                    && let Ok(bytes) = hex::decode(value.trim())
                {
                    v1.push(bytes);
                }
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed("t is missing"))?;
    if !any_v1 {
        return Err(SignatureError::Malformed("no v1 signature"));
    }
    Ok(SignatureHeader { timestamp, v1 })
}

/// The MAC over `"<t>.<body>"`. HMAC takes keys of any length, so this is always `Some`.
fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Option<HmacSha256> {
    let mut mac = HmacSha256::new_from_slice(secret).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

/// The `v1` value for `body` signed at `timestamp`: what a sender puts in the header.
#[must_use]
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    mac(secret, timestamp, body)
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default()
}

/// Checks `header` against `body`: some `v1` must match and `t` must be within
/// `tolerance_secs` of `now_secs` (either side).
pub fn verify(
    secret: &[u8],
    header: &str,
    body: &[u8],
    now_secs: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let parsed = parse_header(header)?;
    let expected = mac(secret, parsed.timestamp, body).ok_or(SignatureError::Mismatch)?;
    let matches = parsed
        .v1
        .iter()
        .any(|candidate| expected.clone().verify_slice(candidate).is_ok());
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    let skew_secs = now_secs.saturating_sub(parsed.timestamp).saturating_abs();
    if skew_secs > tolerance_secs {
        return Err(SignatureError::Expired {
            skew_secs,
            tolerance_secs,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test_secret";

    #[test]
    fn the_shared_test_vector() {
        // From the README of the shared Stripe examples: this body signed at 1700000000.
        let body = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/stripe/events_stripe_ruby_mock/charge.dispute.created.json"
        ))
        .expect("shared/data/stripe beside the repository");
        assert_eq!(body.len(), 1861);
        assert_eq!(
            sign(SECRET, 1_700_000_000, &body),
            "4f878a3f513ec084f6f42dfb0cc82ede4fa46583aeb0be18c01c759173450617"
        );
        // An answer computed apart (Python's hmac), so the test holds without the folder.
        assert_eq!(
            sign(b"key", 0, b"body"),
            "e0af04d5c83b24373ff89f540d0c8fd9a4e097e2b3ee8318ab5541047697626d"
        );
    }

    #[test]
    fn several_v1_any_may_match() {
        let good = sign(SECRET, 100, b"{}");
        let header = format!("t=100,v1={},v1={good},v0=abc", "00".repeat(32));
        assert_eq!(verify(SECRET, &header, b"{}", 100, 300), Ok(()));
        let parsed = parse_header(&header).unwrap();
        assert_eq!(parsed.timestamp, 100);
        assert_eq!(parsed.v1.len(), 2);
    }

    #[test]
    fn spaces_around_items_are_ignored() {
        let good = sign(SECRET, 100, b"{}");
        let header = format!(" t = 100 , v1 = {good} ");
        assert_eq!(verify(SECRET, &header, b"{}", 100, 300), Ok(()));
    }

    #[test]
    fn v0_alone_is_no_signature() {
        let good = sign(SECRET, 100, b"{}");
        assert_eq!(
            parse_header(&format!("t=100,v0={good}")),
            Err(SignatureError::Malformed("no v1 signature"))
        );
    }

    #[test]
    fn t_must_be_there_once_and_numeric() {
        let good = sign(SECRET, 100, b"{}");
        assert_eq!(
            parse_header(&format!("v1={good}")),
            Err(SignatureError::Malformed("t is missing"))
        );
        for t in ["abc", "", "1.5", "10s", "99999999999999999999"] {
            assert_eq!(
                parse_header(&format!("t={t},v1={good}")),
                Err(SignatureError::Malformed(
                    "t is not a whole number of seconds"
                )),
                "{t}"
            );
        }
        assert_eq!(
            parse_header(&format!("t=100,t=101,v1={good}")),
            Err(SignatureError::Malformed("t is given more than once"))
        );
        assert!(parse_header("").is_err());
        assert!(parse_header(&"t=1,".repeat(2_000)).is_err());
    }

    #[test]
    fn wrong_secret_tampered_body_or_garbage_do_not_match() {
        let good = sign(SECRET, 100, b"{\"a\":1}");
        let header = format!("t=100,v1={good}");
        assert_eq!(
            verify(b"whsec_other", &header, b"{\"a\":1}", 100, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, &header, b"{\"a\":2}", 100, 300),
            Err(SignatureError::Mismatch)
        );
        // The timestamp is signed too.
        assert_eq!(
            verify(SECRET, &format!("t=101,v1={good}"), b"{\"a\":1}", 100, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, "t=100,v1=zz,v1=", b"{\"a\":1}", 100, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                SECRET,
                &format!("t=100,v1={}", &good[..10]),
                b"{\"a\":1}",
                100,
                300
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn timestamps_outside_the_tolerance_expire() {
        let body = b"{}";
        let at = |t: i64| format!("t={t},v1={}", sign(SECRET, t, body));
        assert_eq!(verify(SECRET, &at(1_000), body, 1_300, 300), Ok(()));
        assert_eq!(
            verify(SECRET, &at(1_000), body, 1_301, 300),
            Err(SignatureError::Expired {
                skew_secs: 301,
                tolerance_secs: 300
            })
        );
        assert_eq!(
            verify(SECRET, &at(2_000), body, 1_000, 300).map_err(|e| e.code()),
            Err("signature_expired")
        );
        assert_eq!(
            verify(SECRET, &at(i64::MIN), body, i64::MAX, 300).map_err(|e| e.code()),
            Err("signature_expired")
        );
    }
}
