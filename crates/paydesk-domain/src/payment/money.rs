//! Money: an integer amount in minor units and its ISO 4217 currency code. Never a float.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};

/// An amount in the currency's minor units (cents for USD, yen for JPY).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Minor units, never negative.
    pub amount: i64,
    /// Upper-case ISO 4217 code.
    pub currency: String,
}

/// Currencies without minor units.
const ZERO_DECIMAL: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND",
    "VUV", "XAF", "XOF", "XPF",
];

/// Currencies with thousandths.
const THREE_DECIMAL: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

/// Upper-cases and checks a currency code: three ASCII letters (`usd` → `USD`).
pub fn normalize_currency(raw: &str) -> Result<String, DomainError> {
    let c = raw.trim().to_ascii_uppercase();
    if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(DomainError::invalid(
            "currency",
            "an ISO 4217 code of three letters such as 'USD'",
        ))
    }
}

impl Money {
    /// Checks the amount (not negative) and the currency code.
    pub fn new(amount: i64, currency: &str) -> Result<Self, DomainError> {
        if amount < 0 {
            return Err(DomainError::invalid("amount", "must not be negative"));
        }
        Ok(Self {
            amount,
            currency: normalize_currency(currency)?,
        })
    }

    /// How many minor-unit digits the currency has (2 unless it is known otherwise).
    #[must_use]
    pub fn exponent(&self) -> u32 {
        let c = self.currency.as_str();
        if ZERO_DECIMAL.contains(&c) {
            0
        } else if THREE_DECIMAL.contains(&c) {
            3
        } else {
            2
        }
    }

    /// `USD 10.00`, `JPY 500`, `KWD 1.250`: for people to read.
    #[must_use]
    pub fn display(&self) -> String {
        let exp = self.exponent();
        if exp == 0 {
            return format!("{} {}", self.currency, self.amount);
        }
        let unit = 10_i64.pow(exp);
        format!(
            "{} {}.{:0width$}",
            self.currency,
            self.amount / unit,
            self.amount % unit,
            width = exp as usize
        )
    }
}
