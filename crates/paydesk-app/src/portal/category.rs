//! The payment categories a customer picks from on the support form: the ticket's
//! `category` label and the words a person reads.

/// A category: its stored label and how the form names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    pub key: &'static str,
    pub label: &'static str,
}

/// Every category, in the order the form lists them.
pub const CATEGORIES: &[Category] = &[
    Category {
        key: "refund",
        label: "A refund",
    },
    Category {
        key: "duplicate_charge",
        label: "I was charged twice",
    },
    Category {
        key: "payment_declined",
        label: "My payment was declined",
    },
    Category {
        key: "pending_payment",
        label: "A payment is still pending",
    },
    Category {
        key: "wrong_amount",
        label: "The amount is wrong",
    },
    Category {
        key: "unrecognised_or_fraud",
        label: "A charge I don't recognise",
    },
    Category {
        key: "top_up",
        label: "Coins or a top-up",
    },
    Category {
        key: "transfer_or_payout",
        label: "A payout or transfer",
    },
    Category {
        key: "fees",
        label: "Fees",
    },
    Category {
        key: "exchange_rate",
        label: "Currency or exchange rate",
    },
    Category {
        key: "identity_verification",
        label: "Identity or tax checks",
    },
    Category {
        key: "card_management",
        label: "Adding or removing a card",
    },
    Category {
        key: "account_security",
        label: "Account security",
    },
    Category {
        key: "account_other",
        label: "Something else",
    },
];

/// The category stored under `key`.
#[must_use]
pub fn category(key: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_labels() {
        for (i, c) in CATEGORIES.iter().enumerate() {
            assert_eq!(category(c.key), Some(c));
            assert!(CATEGORIES[..i].iter().all(|o| o.key != c.key));
            assert!(c.key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
    }
}
