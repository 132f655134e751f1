//! Decline and failure codes explained: for a failed payment's or payout's code, what it
//! means (for the agent), what the customer can do, and whether trying again may help.
//!
//! The catalogue is `data/decline_codes/decline_codes.csv` in the repository (the sources
//! are in its README), compiled into the binary and read once. A transaction's code is
//! looked up among card decline codes, then among ISO 8583 response codes; a payout's among
//! payout failure codes. A code the catalogue does not know gets a general explanation
//! that says so, so every failure shown has one.

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const CATALOGUE: &str = include_str!("../../../../data/decline_codes/decline_codes.csv");

crate::label_enum!(
    /// Which family of codes an entry belongs to.
    CodeKind {
        /// A gateway's decline code for a card payment (`insufficient_funds`).
        Card = "card",
        /// An issuer's ISO 8583 response code (`51`).
        Iso8583 = "iso8583",
        /// Why a payout failed (`account_closed`).
        Payout = "payout",
    }
);

crate::label_enum!(
    /// Whether trying again may help.
    Retry {
        /// Trying again as it is may go through (a timeout, a system error).
        Yes = "yes",
        /// Only after the customer changes something (details, funds, the bank's settings).
        AfterFix = "after_fix",
        /// Trying again will not help.
        No = "no",
    }
);

/// What a code means, for the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Explanation {
    /// The code as the gateway sent it.
    pub code: String,
    pub kind: CodeKind,
    /// What happened, for the agent.
    pub explanation: String,
    /// What the customer can do.
    pub customer_action: String,
    pub retry: Retry,
    /// Whether trying again may help at all (`retry` is not `no`).
    pub retry_may_help: bool,
    /// Whether the catalogue knows the code (otherwise the texts are general ones).
    pub is_known: bool,
}

type Catalogue = BTreeMap<(CodeKind, String), Explanation>;

/// Reads the catalogue's CSV text; errors name the line at fault.
fn parse(text: &str) -> Result<Catalogue, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Catalogue::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let r = record.map_err(|e| format!("line {line}: {e}"))?;
        let field = |n: usize| r.get(n).map(str::trim).unwrap_or_default();
        let kind: CodeKind = field(0).parse().map_err(|e| format!("line {line}: {e}"))?;
        let retry: Retry = field(4).parse().map_err(|e| format!("line {line}: {e}"))?;
        let code = field(1).to_string();
        if code.is_empty() || field(2).is_empty() || field(3).is_empty() {
            return Err(format!("line {line}: code and texts must not be empty"));
        }
        let entry = Explanation {
            code: code.clone(),
            kind,
            explanation: field(2).to_string(),
            customer_action: field(3).to_string(),
            retry,
            retry_may_help: retry != Retry::No,
            is_known: true,
        };
        if out.insert((kind, code), entry).is_some() {
            return Err(format!("line {line}: the code appears twice"));
        }
    }
    Ok(out)
}

fn catalogue() -> &'static Catalogue {
    static CELL: OnceLock<Catalogue> = OnceLock::new();
    // The file is compiled in and checked by the tests, so it always parses; an empty
    // catalogue would still answer every code with the general explanation.
    CELL.get_or_init(|| parse(CATALOGUE).unwrap_or_default())
}

fn unknown(kind: CodeKind, code: &str) -> Explanation {
    let (explanation, customer_action) = match kind {
        CodeKind::Payout => (
            "The payout failed with a code this desk does not know; the gateway's failure message, if any, says more.",
            "Check the bank details in the payout settings; the desk can ask the payments team.",
        ),
        CodeKind::Card | CodeKind::Iso8583 => (
            "The payment failed with a code this desk does not know; the gateway's failure message, if any, says more.",
            "Try another card or payment method, or ask the bank why the payment was declined.",
        ),
    };
    Explanation {
        code: code.to_string(),
        kind,
        explanation: explanation.to_string(),
        customer_action: customer_action.to_string(),
        retry: Retry::AfterFix,
        retry_may_help: true,
        is_known: false,
    }
}

fn lookup(kind: CodeKind, code: &str) -> Option<Explanation> {
    catalogue().get(&(kind, code.to_string())).cloned()
}

/// The explanation of a failed payment's code: a card decline code first (lower-cased),
/// then an ISO 8583 response code; a general one when neither knows it.
#[must_use]
pub fn for_transaction(code: &str) -> Explanation {
    let code = code.trim();
    lookup(CodeKind::Card, &code.to_ascii_lowercase())
        .or_else(|| lookup(CodeKind::Iso8583, code))
        .unwrap_or_else(|| unknown(CodeKind::Card, code))
}

/// The explanation of a failed payout's code; a general one when it is unknown.
#[must_use]
pub fn for_payout(code: &str) -> Explanation {
    let code = code.trim();
    lookup(CodeKind::Payout, &code.to_ascii_lowercase())
        .unwrap_or_else(|| unknown(CodeKind::Payout, code))
}

/// Every entry of the catalogue, by kind and code.
#[must_use]
pub fn all() -> Vec<Explanation> {
    catalogue().values().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_reads_whole() {
        let parsed = parse(CATALOGUE).unwrap();
        assert_eq!(parsed.len(), all().len());
        assert!(parsed.len() > 80, "{}", parsed.len());
        for kind in CodeKind::ALL {
            assert!(
                parsed.keys().any(|(k, _)| k == kind),
                "no {kind} codes in the catalogue"
            );
        }
    }

    #[test]
    fn a_card_decline_is_explained_with_what_to_do() {
        let e = for_transaction("insufficient_funds");
        assert!(e.is_known);
        assert_eq!(e.kind, CodeKind::Card);
        assert!(e.explanation.contains("not enough"), "{}", e.explanation);
        assert!(e.customer_action.contains("another card"));
        assert_eq!(e.retry, Retry::AfterFix);
        assert!(e.retry_may_help);
        let hard = for_transaction("Stolen_Card");
        assert_eq!(hard.code, "stolen_card");
        assert_eq!(hard.retry, Retry::No);
        assert!(!hard.retry_may_help);
        assert_eq!(for_transaction("processing_error").retry, Retry::Yes);
    }

    #[test]
    fn iso_response_codes_are_explained() {
        let e = for_transaction("51");
        assert_eq!(e.kind, CodeKind::Iso8583);
        assert!(e.explanation.contains("Not enough"), "{}", e.explanation);
        assert_eq!(for_transaction(" 05 ").code, "05");
        assert_eq!(for_transaction("91").retry, Retry::Yes);
    }

    #[test]
    fn payout_failures_differ_from_card_declines_of_the_same_name() {
        let payout = for_payout("insufficient_funds");
        let card = for_transaction("insufficient_funds");
        assert_eq!(payout.kind, CodeKind::Payout);
        assert_ne!(payout.explanation, card.explanation);
        assert!(
            for_payout("account_closed")
                .customer_action
                .contains("bank account")
        );
    }

    #[test]
    fn unknown_codes_get_a_general_explanation() {
        let e = for_transaction("zz_new_code");
        assert!(!e.is_known);
        assert_eq!(e.code, "zz_new_code");
        assert!(e.explanation.contains("does not know"));
        assert!(!for_payout("mystery").is_known);
    }

    #[test]
    fn bad_rows_are_refused_with_their_line() {
        let header = "kind,code,explanation,customer_action,retry,source\n";
        let e = parse(&format!("{header}card,x,a,b,maybe,S1\n")).unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
        let e = parse(&format!("{header}card,x,a,b,no,S1\ncard,x,c,d,no,S1\n")).unwrap_err();
        assert!(e.contains("twice"), "{e}");
        let e = parse(&format!("{header}atm,x,a,b,no,S1\n")).unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
    }
}
