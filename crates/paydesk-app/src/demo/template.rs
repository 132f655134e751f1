//! What customers write first: subject and body templates per category, business line
//! and language, with `{placeholders}` that [`super::text::fill`] replaces.

mod business;
mod buyer;
mod intl;

use paydesk_domain::ticket::BusinessLine;
use rand::Rng;
use rand::rngs::SmallRng;
use std::collections::BTreeMap;

/// Business lines a template fits, as bits.
pub(super) type Lines = u8;
pub(super) const B: Lines = 1;
pub(super) const M: Lines = 2;
pub(super) const C: Lines = 4;
pub(super) const ALL: Lines = B | M | C;

/// One first message.
#[derive(Debug, Clone, Copy)]
pub(super) struct Template {
    pub category: &'static str,
    pub lines: Lines,
    pub lang: &'static str,
    pub subject: &'static str,
    pub body: &'static str,
}

/// Shorthand for the tables.
pub(super) const fn t(
    category: &'static str,
    lines: Lines,
    lang: &'static str,
    subject: &'static str,
    body: &'static str,
) -> Template {
    Template {
        category,
        lines,
        lang,
        subject,
        body,
    }
}

/// Notices a payment gateway sends by webhook: (category, subject, body). Merchant tickets only.
pub(super) const GATEWAY: &[(&str, &str, &str)] = &[
    (
        "unrecognised_or_fraud",
        "Dispute opened: {dispute} (10.4 fraud, card absent)",
        "Event dispute.created\nDispute: {dispute}\nCharge: {charge}\nOrder: {order}\nAmount: {amount}\nNetwork reason: 10.4 Other fraud, card-absent environment\nStatus: needs_response\nEvidence due within {days} days.",
    ),
    (
        "refund",
        "Dispute opened: {dispute} (13.1 merchandise not received)",
        "Event dispute.created\nDispute: {dispute}\nCharge: {charge}\nOrder: {order}\nAmount: {amount}\nNetwork reason: 13.1 Merchandise/services not received\nStatus: needs_response",
    ),
    (
        "unrecognised_or_fraud",
        "Inquiry opened: {dispute} (retrieval request)",
        "Event dispute.created\nDispute: {dispute}\nCharge: {charge}\nAmount: {amount}\nStatus: warning_needs_response (inquiry)\nThe issuer asks for the transaction receipt of {date}.",
    ),
    (
        "transfer_or_payout",
        "Payout failed: {payout}",
        "Event payout.failed\nPayout: {payout}\nAmount: {amount}\nDestination: {bank} account ending {last4}\nFailure code: account_closed\nThe funds were returned to the merchant balance.",
    ),
];

/// The templates, indexed by (line, category, language).
pub(super) struct Library {
    by_key: BTreeMap<(u8, &'static str, &'static str), Vec<Template>>,
}

fn bit(line: BusinessLine) -> u8 {
    match line {
        BusinessLine::Buyer => B,
        BusinessLine::Merchant => M,
        BusinessLine::Creator => C,
    }
}

impl Library {
    pub(super) fn new() -> Self {
        let mut by_key: BTreeMap<(u8, &'static str, &'static str), Vec<Template>> = BTreeMap::new();
        for tpl in buyer::TEMPLATES
            .iter()
            .chain(business::TEMPLATES)
            .chain(intl::TEMPLATES)
        {
            for line in [B, M, C] {
                if tpl.lines & line != 0 {
                    by_key
                        .entry((line, tpl.category, tpl.lang))
                        .or_default()
                        .push(*tpl);
                }
            }
        }
        Self { by_key }
    }

    /// A template for this line and category, in `lang` when one exists, else in English.
    /// `None` only if the category has no English template for the line.
    pub(super) fn pick(
        &self,
        rng: &mut SmallRng,
        line: BusinessLine,
        category: &'static str,
        lang: &'static str,
    ) -> Option<Template> {
        let b = bit(line);
        let list = self
            .by_key
            .get(&(b, category, lang))
            .or_else(|| self.by_key.get(&(b, category, "en")))?;
        list.get(rng.random_range(0..list.len())).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_category_of_every_line_mix_has_an_english_template() {
        let lib = Library::new();
        let mut rng = SmallRng::seed_from_u64(1);
        for line in [
            BusinessLine::Buyer,
            BusinessLine::Merchant,
            BusinessLine::Creator,
        ] {
            for (category, _) in super::super::category_mix(line) {
                assert!(
                    lib.pick(&mut rng, line, category, "en").is_some(),
                    "{line:?} {category}"
                );
            }
        }
    }

    const KEYS: [&str; 18] = [
        "amount",
        "amount2",
        "product",
        "coins",
        "gift",
        "subscription",
        "order",
        "charge",
        "refund",
        "payout",
        "dispute",
        "date",
        "shop",
        "last4",
        "bank",
        "days",
        "name",
        "agent",
    ];

    #[test]
    fn templates_name_known_categories_and_placeholders() {
        let all = buyer::TEMPLATES
            .iter()
            .chain(business::TEMPLATES)
            .chain(intl::TEMPLATES);
        for tpl in all {
            assert!(
                super::super::CATEGORIES.contains(&tpl.category),
                "{}",
                tpl.category
            );
            for text in [tpl.subject, tpl.body] {
                for piece in text.split('{').skip(1) {
                    let key = piece.split('}').next().unwrap_or_default();
                    assert!(KEYS.contains(&key), "unknown placeholder {key} in {text}");
                }
            }
        }
    }
}
