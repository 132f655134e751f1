//! Which words of a ticket could name a payment object: order ids (`ORD-7F3K2Q`) and gateway
//! references (`ch_3N...`, `po_1P...`). A cheap scan, run on every ticket write: the text is
//! cut at every character that is not a letter, a digit, `_` or `-`, and a piece is a
//! candidate when it is 6 to 64 characters long and holds at least one digit (so words and
//! short numbers never are). The store then looks all candidates up at once.

use std::collections::BTreeSet;

/// The shortest candidate.
pub const TOKEN_MIN: usize = 6;
/// The longest candidate.
pub const TOKEN_MAX: usize = 64;
/// At most this many candidates are taken from one write (a pasted log could hold
/// thousands; the first ones are what a customer typed).
pub const TOKENS_MAX: usize = 200;

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Whether `piece` could be an order id or a gateway reference.
#[must_use]
pub fn is_candidate(piece: &str) -> bool {
    (TOKEN_MIN..=TOKEN_MAX).contains(&piece.len())
        && piece.bytes().any(|b| b.is_ascii_digit())
        && piece.chars().all(is_token_char)
}

/// Adds the candidates of `text` to `out`, in order of first appearance, until `out`
/// holds [`TOKENS_MAX`]. Leading and trailing `-` and `_` are trimmed (`(ORD-123456)`,
/// `ORD-123456.` and `--ORD-123456--` all name `ORD-123456`).
pub fn collect(text: &str, out: &mut BTreeSet<String>) {
    for piece in text.split(|c: char| !is_token_char(c)) {
        if out.len() >= TOKENS_MAX {
            return;
        }
        let piece = piece.trim_matches(|c| c == '-' || c == '_');
        if is_candidate(piece) {
            out.insert(piece.to_string());
        }
    }
}

/// The candidates of several texts together (a subject and its messages).
#[must_use]
pub fn tokens<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for text in texts {
        collect(text, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn order_ids_and_references_are_candidates() {
        let found = tokens([
            "Refund for order ORD-7F3K2Q",
            "The charge ch_3NxYz12AbCd on my receipt (ORD-7F3K2Q), payout po_1PabC9.",
        ]);
        let found: Vec<_> = found.iter().map(String::as_str).collect();
        assert_eq!(found, ["ORD-7F3K2Q", "ch_3NxYz12AbCd", "po_1PabC9"]);
    }

    #[test]
    fn words_short_numbers_and_long_runs_are_not() {
        let long = format!("a1{}", "b".repeat(70));
        let found = tokens([
            "hello refunded 12345 $9.99 1,000 coins",
            long.as_str(),
            "ab-12",
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn punctuation_around_a_reference_is_cut() {
        let found = tokens(["see [ORD-123456], --po_9AbCdE-- or \"re_3N1aB2\"."]);
        assert!(found.contains("ORD-123456"), "{found:?}");
        assert!(found.contains("po_9AbCdE"), "{found:?}");
        assert!(found.contains("re_3N1aB2"), "{found:?}");
    }

    #[test]
    fn a_long_text_yields_at_most_the_cap() {
        let text: String = (0..1_000).map(|i| format!("REF{i:06} ")).collect();
        assert_eq!(tokens([text.as_str()]).len(), TOKENS_MAX);
    }

    proptest! {
        #[test]
        fn every_candidate_is_well_formed(text in "\\PC{0,300}") {
            for t in tokens([text.as_str()]) {
                prop_assert!(is_candidate(&t), "{}", t);
                prop_assert!(text.contains(&t));
            }
        }
    }
}
