//! Filling templates: the facts one ticket talks about (amounts, order and gateway ids,
//! dates, products, shops) and the `{placeholder}` substitution.
//!
//! Every id and reference made here mixes letters into its digits, so none of them can
//! pass for a card number; only [`super::card`] makes card data, on purpose.

use super::chance::normal;
use super::customer::Person;
use super::locale::{Currency, date_text};
use paydesk_domain::Timestamp;
use paydesk_domain::ticket::BusinessLine;
use rand::Rng;
use rand::rngs::SmallRng;

const ID_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const REF_CHARS: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
const REF_DIGITS: &[u8] = b"0123456789";

/// `n` characters of `alphabet`.
pub(super) fn code(rng: &mut SmallRng, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// A gateway reference like `ch_3NxK2b...`: letters and digits alternate in short runs,
/// so no run of digits is ever long enough to look like a card number.
fn gateway_ref(rng: &mut SmallRng, prefix: &str) -> String {
    let mut s = String::with_capacity(28);
    s.push_str(prefix);
    for i in 0..22 {
        let set = if i % 3 == 1 { REF_DIGITS } else { REF_CHARS };
        s.push(char::from(set[rng.random_range(0..set.len())]));
    }
    s
}

/// What kind of purchase a template talks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ProductKind {
    Any,
    Coins,
    Gift,
    Subscription,
}

impl ProductKind {
    /// The kind a template asks for by its placeholder (`{coins}`, `{gift}`,
    /// `{subscription}`; `{product}` takes any).
    pub(super) fn of(template: &str) -> Self {
        if template.contains("{coins}") {
            Self::Coins
        } else if template.contains("{gift}") {
            Self::Gift
        } else if template.contains("{subscription}") {
            Self::Subscription
        } else {
            Self::Any
        }
    }
}

/// Buyer purchases: (kind, what, price in US cents).
const PRODUCTS: &[(ProductKind, &str, i64)] = &[
    (ProductKind::Coins, "70 coins", 99),
    (ProductKind::Coins, "350 coins", 499),
    (ProductKind::Coins, "700 coins", 999),
    (ProductKind::Coins, "1,000 coins", 1_399),
    (ProductKind::Coins, "1,400 coins", 1_999),
    (ProductKind::Coins, "3,500 coins", 4_999),
    (ProductKind::Coins, "7,000 coins", 9_999),
    (ProductKind::Gift, "Gift: Galaxy", 1_099),
    (ProductKind::Gift, "Gift: Rose bundle", 199),
    (ProductKind::Gift, "Gift: Lion", 2_999),
    (ProductKind::Gift, "Gift: Universe", 4_499),
    (
        ProductKind::Subscription,
        "Premium monthly subscription",
        799,
    ),
    (ProductKind::Subscription, "LIVE subscription", 499),
    (ProductKind::Subscription, "Super fan club membership", 299),
];

const SHOP_FIRST: &[&str] = &[
    "Ate Nena's",
    "Lumen",
    "Casa",
    "Kopi",
    "Bright",
    "Nordic",
    "Tienda",
    "Loja",
    "Sari",
    "Urban",
    "Little",
    "Mango",
    "Blue Harbor",
    "Kalye",
    "Verde",
    "Toko",
];
const SHOP_SECOND: &[&str] = &[
    "Kakanin",
    "Audio Co.",
    "Beauty",
    "Kitchen",
    "Threads",
    "Gadgets",
    "Crafts",
    "Sneakers",
    "Home",
    "Snacks",
    "Phone Cases",
    "Skincare",
    "Books",
    "Toys",
    "Coffee",
    "Pets",
];

/// A shop name such as "Lumen Audio Co.".
pub(super) fn shop_name(rng: &mut SmallRng) -> String {
    let a = SHOP_FIRST[rng.random_range(0..SHOP_FIRST.len())];
    let b = SHOP_SECOND[rng.random_range(0..SHOP_SECOND.len())];
    format!("{a} {b}")
}

/// `s` folded to lower-case ASCII letters and digits, accents dropped, spaces as `space`
/// (or dropped when `None`): "Juan Pablo Díaz" → "juan.pablo.diaz".
pub(super) fn ascii_slug(s: &str, space: Option<char>) -> String {
    s.chars()
        .filter_map(|c| match c {
            ' ' => space,
            'á' | 'à' | 'â' | 'ã' | 'ä' | 'Á' => Some('a'),
            'é' | 'ê' | 'É' => Some('e'),
            'í' | 'Í' => Some('i'),
            'ó' | 'ô' | 'õ' | 'ö' | 'Ó' => Some('o'),
            'ú' | 'ü' | 'Ú' => Some('u'),
            'ñ' => Some('n'),
            'ç' => Some('c'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// `s` as one lower-case ASCII word.
pub(super) fn slug(s: &str) -> String {
    ascii_slug(s, None)
}

/// What one ticket talks about, drawn once so that every message of it agrees.
#[derive(Debug, Clone)]
pub(super) struct Facts {
    pub currency: Currency,
    pub amount: i64,
    /// A second amount: the expected one, the list price, the gross before fees.
    pub amount2: i64,
    pub product: &'static str,
    pub order: String,
    pub charge: String,
    pub refund: String,
    pub payout: String,
    pub dispute: String,
    /// When the payment happened: a few days before the ticket.
    pub date: Timestamp,
    pub shop: String,
    pub last4: String,
    pub bank: &'static str,
    pub days: u32,
    /// The customer's first name, for signatures.
    pub name: String,
    /// The agent's first name, for signatures.
    pub agent: String,
}

impl Facts {
    /// Draws the facts of a ticket of `line` from `person` created at `created`, about a
    /// purchase of `kind`.
    pub(super) fn draw(
        rng: &mut SmallRng,
        line: BusinessLine,
        kind: ProductKind,
        person: &Person,
        created: Timestamp,
    ) -> Self {
        let currency = person.currency;
        let fitting: Vec<_> = PRODUCTS
            .iter()
            .filter(|p| kind == ProductKind::Any || p.0 == kind)
            .collect();
        let (_, product, price) = fitting
            .get(rng.random_range(0..fitting.len().max(1)))
            .map_or(PRODUCTS[0], |p| **p);
        let (cents, is_price) = match line {
            BusinessLine::Buyer => (price * i64::from(rng.random_range(1..=2u8)), true),
            BusinessLine::Merchant => (lognormal_cents(rng, 85_000.0, 1.0), false),
            BusinessLine::Creator => (lognormal_cents(rng, 32_000.0, 0.9), false),
        };
        let amount = currency.minor_units(cents, is_price);
        let ratio = 1.0 + rng.random_range(0.08..0.6);
        let amount2 = currency.minor_units((cents as f64 * ratio) as i64, is_price);
        let days_before =
            rng.random_range(0..6) * Timestamp::DAY + rng.random_range(0..Timestamp::DAY);
        Self {
            currency,
            amount,
            amount2,
            product,
            order: format!("ORD-{}", code(rng, ID_CHARS, 6)),
            charge: gateway_ref(rng, "ch_3N"),
            refund: gateway_ref(rng, "re_3N"),
            payout: gateway_ref(rng, "po_1P"),
            dispute: gateway_ref(rng, "dp_1O"),
            date: created.plus_millis(-days_before),
            shop: person.shop.clone().unwrap_or_else(|| shop_name(rng)),
            last4: format!("{:04}", rng.random_range(0..10_000)),
            bank: person.bank,
            days: rng.random_range(2..=12),
            name: person.first_name.clone(),
            agent: String::new(),
        }
    }

    /// The text of `key` in `lang`, or `None` for an unknown key.
    fn value(&self, key: &str, lang: &str) -> Option<String> {
        Some(match key {
            "amount" => self.currency.format(self.amount),
            "amount2" => self.currency.format(self.amount2),
            "product" | "coins" | "gift" | "subscription" => self.product.to_string(),
            "order" => self.order.clone(),
            "charge" => self.charge.clone(),
            "refund" => self.refund.clone(),
            "payout" => self.payout.clone(),
            "dispute" => self.dispute.clone(),
            "date" => date_text(self.date, lang),
            "shop" => self.shop.clone(),
            "last4" => self.last4.clone(),
            "bank" => self.bank.to_string(),
            "days" => self.days.to_string(),
            "name" => self.name.clone(),
            "agent" => self.agent.clone(),
            _ => return None,
        })
    }
}

/// `template` with each `{key}` replaced by the fact it names (unknown keys stay as written).
pub(super) fn fill(template: &str, facts: &Facts, lang: &str) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| Some((close, facts.value(&after[..close], lang)?)))
        {
            Some((close, value)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A log-normal amount in US cents around `median`.
fn lognormal_cents(rng: &mut SmallRng, median: f64, sigma: f64) -> i64 {
    (median * (sigma * normal(rng)).exp()).clamp(500.0, 5_000_000.0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::customer::Person;
    use paydesk_domain::CustomerId;
    use paydesk_domain::customer::Tier;
    use rand::SeedableRng;

    fn person() -> Person {
        Person {
            id: CustomerId(1),
            tier: Tier::Standard,
            lang: "en",
            currency: Currency::Usd,
            bank: "Chase",
            first_name: "Ana".into(),
            shop: None,
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        let mut rng = SmallRng::seed_from_u64(1);
        let facts = Facts::draw(
            &mut rng,
            BusinessLine::Buyer,
            ProductKind::Coins,
            &person(),
            Timestamp(1_773_446_400_000),
        );
        let out = fill(
            "Hi {name}, {coins} for {amount} on {order}; {nope} {",
            &facts,
            "en",
        );
        assert!(out.starts_with("Hi Ana, "), "{out}");
        assert!(out.contains(" coins for $"), "{out}");
        assert!(out.contains("ORD-"), "{out}");
        assert!(out.ends_with("{nope} {"), "{out}");
    }

    #[test]
    fn templates_ask_for_a_kind_of_purchase() {
        assert_eq!(ProductKind::of("I bought {gift} twice"), ProductKind::Gift);
        assert_eq!(ProductKind::of("I bought {product}"), ProductKind::Any);
    }

    #[test]
    fn references_never_look_like_card_numbers() {
        let mut rng = SmallRng::seed_from_u64(2);
        for _ in 0..2_000 {
            let facts = Facts::draw(
                &mut rng,
                BusinessLine::Merchant,
                ProductKind::Any,
                &person(),
                Timestamp(0),
            );
            let all = [
                &facts.charge,
                &facts.refund,
                &facts.payout,
                &facts.dispute,
                &facts.order,
            ]
            .map(|s| s.as_str());
            assert!(
                !paydesk_domain::redaction::contains_card_data(&all.join(" ")),
                "{all:?}"
            );
        }
    }
}
