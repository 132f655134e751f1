//! Matching rules: which tickets are about an incident.
//!
//! A rule is a set of optional conditions, at least one of them set. Ticket conditions
//! (business line, category) look at the ticket; payment conditions (failure codes,
//! gateways, card brands, methods) look at the ticket's transactions: those linked to it
//! and those of its customer. Whatever the conditions, the ticket must have been created
//! within the incident's window, and with payment conditions one transaction made within
//! the window must meet all of them at once. [`MatchRules::matches`] is the one decision,
//! pure, so the store only gathers facts and the rule is tested on its own.

use super::{PaymentMethod, Window};
use crate::error::DomainError;
use crate::ticket::BusinessLine;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The most values one condition may list.
pub const VALUES_MAX: usize = 50;

/// Which tickets an incident is about. Every list is a condition: empty matches anything,
/// otherwise the ticket's (or one transaction's) value must be in it. Codes, gateways,
/// brands and categories are compared without regard to case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MatchRules {
    /// Decline or failure codes as the gateway reports them (`card_declined`, `do_not_honor`, `05`).
    #[serde(default)]
    pub failure_codes: Vec<String>,
    /// Gateways (`stripe`, `adyen`).
    #[serde(default)]
    pub gateways: Vec<String>,
    /// Card brands (`visa`, `mastercard`).
    #[serde(default)]
    pub card_brands: Vec<String>,
    /// Payment methods; a transaction with a card brand is a card payment.
    #[serde(default)]
    pub methods: Vec<PaymentMethod>,
    #[serde(default)]
    pub business_lines: Vec<BusinessLine>,
    /// Ticket categories (`payment_declined`, `top_up`).
    #[serde(default)]
    pub categories: Vec<String>,
}

/// One transaction of a ticket, as far as matching goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionFacts {
    pub gateway: String,
    pub failure_code: Option<String>,
    pub card_brand: Option<String>,
    /// The method, when the transaction records one.
    pub method: Option<PaymentMethod>,
    pub created_at: Timestamp,
}

impl TransactionFacts {
    /// How it was paid: the recorded method, or `card` when it has a card brand.
    #[must_use]
    pub fn method(&self) -> Option<PaymentMethod> {
        self.method
            .or_else(|| self.card_brand.as_ref().map(|_| PaymentMethod::Card))
    }
}

/// What matching knows of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    pub business_line: BusinessLine,
    pub category: Option<String>,
    pub created_at: Timestamp,
    /// Transactions linked to the ticket or belonging to its customer (the caller may
    /// give more than the window holds; those outside it are not considered).
    pub transactions: Vec<TransactionFacts>,
}

fn label_list(
    field: &'static str,
    values: &[String],
    check: fn(&str) -> Option<String>,
    expected: &str,
) -> Result<Vec<String>, DomainError> {
    if values.len() > VALUES_MAX {
        return Err(DomainError::invalid(
            field,
            format!("at most {VALUES_MAX} values"),
        ));
    }
    let mut out = values
        .iter()
        .map(|v| check(v).ok_or_else(|| DomainError::invalid(field, expected.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

fn closed_list<T: Ord + Copy>(field: &'static str, values: &[T]) -> Result<Vec<T>, DomainError> {
    if values.len() > VALUES_MAX {
        return Err(DomainError::invalid(
            field,
            format!("at most {VALUES_MAX} values"),
        ));
    }
    let mut out = values.to_vec();
    out.sort();
    out.dedup();
    Ok(out)
}

/// A code, brand or category: trimmed and lower-cased, 1-80 characters of letters,
/// digits, `_`, `-` and `.`.
#[must_use]
pub fn label(raw: &str) -> Option<String> {
    let l = raw.trim().to_ascii_lowercase();
    let ok = (1..=80).contains(&l.len())
        && l.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    ok.then_some(l)
}

fn gateway(raw: &str) -> Option<String> {
    crate::payment::normalize_gateway(raw).ok()
}

fn within(list: &[String], value: Option<&str>) -> bool {
    list.is_empty() || value.is_some_and(|v| list.iter().any(|l| l.eq_ignore_ascii_case(v.trim())))
}

impl MatchRules {
    /// The rules with every value checked and normalised (lower-case, sorted, no
    /// repeats). Errors name the condition at fault; rules with no condition at all are
    /// refused (they would match every ticket of the window).
    pub fn validated(self) -> Result<Self, DomainError> {
        let label_rule = "1-80 characters of a-z, 0-9, '_', '-' or '.'";
        let rules = Self {
            failure_codes: label_list(
                "rules.failure_codes",
                &self.failure_codes,
                label,
                label_rule,
            )?,
            gateways: label_list(
                "rules.gateways",
                &self.gateways,
                gateway,
                "1-40 characters of a-z, 0-9, '_' or '-'",
            )?,
            card_brands: label_list("rules.card_brands", &self.card_brands, label, label_rule)?,
            methods: closed_list("rules.methods", &self.methods)?,
            business_lines: closed_list("rules.business_lines", &self.business_lines)?,
            categories: label_list("rules.categories", &self.categories, label, label_rule)?,
        };
        if rules.is_empty() {
            return Err(DomainError::invalid(
                "rules",
                "name at least one condition (failure_codes, gateways, card_brands, methods, business_lines or categories)",
            ));
        }
        Ok(rules)
    }

    /// Whether no condition is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        !self.has_payment_conditions()
            && self.business_lines.is_empty()
            && self.categories.is_empty()
    }

    /// Whether any condition looks at transactions.
    #[must_use]
    pub fn has_payment_conditions(&self) -> bool {
        !(self.failure_codes.is_empty()
            && self.gateways.is_empty()
            && self.card_brands.is_empty()
            && self.methods.is_empty())
    }

    /// Whether one transaction meets every payment condition inside `window`.
    #[must_use]
    pub fn matches_transaction(&self, window: Window, t: &TransactionFacts) -> bool {
        window.contains(t.created_at)
            && within(&self.failure_codes, t.failure_code.as_deref())
            && within(&self.gateways, Some(&t.gateway))
            && within(&self.card_brands, t.card_brand.as_deref())
            && (self.methods.is_empty() || t.method().is_some_and(|m| self.methods.contains(&m)))
    }

    /// Whether the ticket is about the incident: created within `window`, of a listed
    /// business line and category (when listed), and, with payment conditions, with at
    /// least one transaction within `window` meeting all of them. Rules without any
    /// condition match nothing.
    #[must_use]
    pub fn matches(&self, window: Window, ticket: &TicketFacts) -> bool {
        if self.is_empty() || !window.contains(ticket.created_at) {
            return false;
        }
        let line =
            self.business_lines.is_empty() || self.business_lines.contains(&ticket.business_line);
        let category = within(&self.categories, ticket.category.as_deref());
        let payment = !self.has_payment_conditions()
            || ticket
                .transactions
                .iter()
                .any(|t| self.matches_transaction(window, t));
        line && category && payment
    }
}
