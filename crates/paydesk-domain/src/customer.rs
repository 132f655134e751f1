//! Customers: buyers, merchants and creators of the platform.

use crate::error::DomainError;
use crate::id::CustomerId;
use crate::ticket::BusinessLine;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::label_enum!(
    /// Service tier, used by SLA policies and routing.
    Tier {
        Standard = "standard",
        Vip = "vip",
        Strategic = "strategic",
    }
);

/// A customer as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub business_line: BusinessLine,
    pub name: String,
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub country: Option<String>,
    pub locale: Option<String>,
    /// IANA time zone (`Asia/Manila`) that dates in replies are written in; when unset,
    /// the country's zone or UTC (see [`crate::macros::customer_time_zone`]).
    pub time_zone: Option<String>,
    pub tier: Tier,
    /// Ids of this customer on the platform, by system (for example `buyer_id`, `shop_id`).
    pub external_ids: BTreeMap<String, String>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Input for a new customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    pub business_line: BusinessLine,
    pub name: String,
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub country: Option<String>,
    pub locale: Option<String>,
    pub tier: Tier,
    pub external_ids: BTreeMap<String, String>,
}

/// What may change on a customer; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerPatch {
    pub name: Option<String>,
    pub emails: Option<Vec<String>>,
    pub phone: Option<Option<String>>,
    pub country: Option<Option<String>>,
    pub locale: Option<Option<String>>,
    pub time_zone: Option<Option<String>>,
    pub tier: Option<Tier>,
    pub external_ids: Option<BTreeMap<String, String>>,
}

/// Lower-cases and checks an email address (one '@', a dot in the domain, no spaces).
pub fn normalize_email(raw: &str) -> Result<String, DomainError> {
    let e = raw.trim().to_lowercase();
    let valid = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(e)
    } else {
        Err(DomainError::invalid(
            "emails",
            format!(
                "'{}' is not an email address",
                e.chars().take(80).collect::<String>()
            ),
        ))
    }
}

/// Upper-cases and checks an ISO 3166-1 alpha-2 country code.
pub fn normalize_country(raw: &str) -> Result<String, DomainError> {
    let c = raw.trim().to_ascii_uppercase();
    if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(DomainError::invalid(
            "country",
            "an ISO 3166-1 alpha-2 code such as 'US'",
        ))
    }
}

impl NewCustomer {
    /// Checks and normalises the fields.
    pub fn validated(mut self) -> Result<Self, DomainError> {
        self.name = self.name.trim().to_string();
        if self.name.is_empty() || self.name.chars().count() > 200 {
            return Err(DomainError::invalid("name", "1-200 characters"));
        }
        self.emails = normalize_emails(&self.emails)?;
        self.country = self.country.as_deref().map(normalize_country).transpose()?;
        self.phone = self.phone.as_deref().map(normalize_phone).transpose()?;
        self.locale = self.locale.as_deref().map(normalize_locale).transpose()?;
        check_external_ids(&self.external_ids)?;
        Ok(self)
    }
}

/// Trims a phone number; 3-40 characters of digits, spaces and `+-().`.
pub fn normalize_phone(raw: &str) -> Result<String, DomainError> {
    let p = raw.trim();
    let ok = (3..=40).contains(&p.len())
        && p.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        && p.chars().any(|c| c.is_ascii_digit());
    if ok {
        Ok(p.to_string())
    } else {
        Err(DomainError::invalid(
            "phone",
            "3-40 characters of digits, spaces and + - ( ) .",
        ))
    }
}

/// Checks a locale tag such as `en-US` (BCP 47 shape, at most 35 characters).
pub fn normalize_locale(raw: &str) -> Result<String, DomainError> {
    let l = raw.trim();
    let ok = (2..=35).contains(&l.len())
        && l.split(['-', '_'])
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if ok {
        Ok(l.replace('_', "-"))
    } else {
        Err(DomainError::invalid(
            "locale",
            "a BCP 47 tag such as 'en-US'",
        ))
    }
}

/// At most 20 platform ids; names 1-64 characters, values 1-256, no control characters.
pub fn check_external_ids(ids: &BTreeMap<String, String>) -> Result<(), DomainError> {
    let clean = |s: &str, max: usize| {
        !s.trim().is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
    };
    if ids.len() > 20 || !ids.iter().all(|(k, v)| clean(k, 64) && clean(v, 256)) {
        return Err(DomainError::invalid(
            "external_ids",
            "at most 20 ids; names 1-64 and values 1-256 characters",
        ));
    }
    Ok(())
}

/// Normalises and de-duplicates a list of emails, keeping the first one first.
pub fn normalize_emails(raw: &[String]) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for e in raw {
        let e = normalize_email(e)?;
        if !out.contains(&e) {
            out.push(e);
        }
    }
    if out.len() > 20 {
        return Err(DomainError::invalid("emails", "at most 20 addresses"));
    }
    Ok(out)
}

impl Customer {
    /// This customer with personal data masked, for those who may not see it: names keep
    /// their first word and initials (`Ana M. Cruz` → `Ana M. C.`), emails their first
    /// letter and domain (`a•••@example.com`), phones their last two digits.
    #[must_use]
    pub fn masked(&self) -> Customer {
        let mut c = self.clone();
        c.name = mask_name(&c.name);
        c.emails = c.emails.iter().map(|e| mask_email(e)).collect();
        c.phone = c.phone.as_deref().map(mask_phone);
        c.external_ids = c
            .external_ids
            .keys()
            .map(|k| (k.clone(), "•••".to_string()))
            .collect();
        c
    }

    /// Applies a patch; returns the names of the fields that changed.
    pub fn apply(
        &mut self,
        patch: &CustomerPatch,
        now: Timestamp,
    ) -> Result<Vec<&'static str>, DomainError> {
        let mut next = self.clone();
        let mut changed = Vec::new();
        if let Some(name) = &patch.name {
            let name = name.trim().to_string();
            if name.is_empty() || name.chars().count() > 200 {
                return Err(DomainError::invalid("name", "1-200 characters"));
            }
            if name != next.name {
                next.name = name;
                changed.push("name");
            }
        }
        if let Some(emails) = &patch.emails {
            let emails = normalize_emails(emails)?;
            if emails != next.emails {
                next.emails = emails;
                changed.push("emails");
            }
        }
        if let Some(phone) = &patch.phone {
            let phone = phone.as_deref().map(normalize_phone).transpose()?;
            if phone != next.phone {
                next.phone = phone;
                changed.push("phone");
            }
        }
        if let Some(country) = &patch.country {
            let country = country.as_deref().map(normalize_country).transpose()?;
            if country != next.country {
                next.country = country;
                changed.push("country");
            }
        }
        if let Some(locale) = &patch.locale {
            let locale = locale.as_deref().map(normalize_locale).transpose()?;
            if locale != next.locale {
                next.locale = locale;
                changed.push("locale");
            }
        }
        if let Some(zone) = &patch.time_zone {
            let zone = zone
                .as_deref()
                .map(crate::macros::valid_time_zone)
                .transpose()?;
            if zone != next.time_zone {
                next.time_zone = zone;
                changed.push("time_zone");
            }
        }
        if let Some(tier) = patch.tier
            && tier != next.tier
        {
            next.tier = tier;
            changed.push("tier");
        }
        if let Some(ids) = &patch.external_ids
            && *ids != next.external_ids
        {
            check_external_ids(ids)?;
            next.external_ids.clone_from(ids);
            changed.push("external_ids");
        }
        if !changed.is_empty() {
            next.version += 1;
            next.updated_at = now;
        }
        *self = next;
        Ok(changed)
    }
}

/// `Ana Maria Cruz` → `Ana M. C.`
#[must_use]
pub fn mask_name(name: &str) -> String {
    let mut words = name.split_whitespace();
    let Some(first) = words.next() else {
        return String::new();
    };
    let mut out = first.to_string();
    for w in words {
        if let Some(c) = w.chars().next() {
            out.push(' ');
            out.push(c);
            out.push('.');
        }
    }
    out
}

/// `ana@example.com` → `a•••@example.com`
#[must_use]
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

/// `+1 555 0100` → `•••00`
#[must_use]
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
    format!("•••{tail}")
}

#[cfg(test)]
mod mask_tests {
    use super::*;

    #[test]
    fn masks_keep_only_hints() {
        assert_eq!(mask_name("Ana Maria Cruz"), "Ana M. C.");
        assert_eq!(mask_email("ana@example.com"), "a•••@example.com");
        assert_eq!(mask_phone("+1 555 0100"), "•••00");
        assert_eq!(mask_phone("7"), "•••7");
    }
}
