//! Unit tests for the redactor. Property tests live in `tests/property.rs`; both check
//! outputs against the brute-force oracle in `tests/oracle.rs`.

use super::*;
use oracle::{surviving_card_runs, textbook_luhn};

mod oracle;
mod property;

/// Test PANs published by the card networks and processors, by brand.
const TEST_PANS: &[(&str, &str)] = &[
    ("visa", "4111111111111111"),
    ("visa", "4012888888881881"),
    ("visa 13", "4222222222222"),
    ("visa", "4242424242424242"),
    ("visa 19", "4111111111111111110"),
    ("mastercard", "5555555555554444"),
    ("mastercard", "5105105105105100"),
    ("mastercard 2-series", "2223003122003222"),
    ("mastercard 2-series", "2221000000000009"),
    ("amex", "378282246310005"),
    ("amex", "371449635398431"),
    ("discover", "6011111111111117"),
    ("discover", "6011000990139424"),
    ("discover 19", "6011496233608973938"),
    ("jcb", "3530111333300000"),
    ("jcb", "3566002020360505"),
    ("diners 14", "30569309025904"),
    ("diners 14", "38520000023237"),
    ("maestro", "6759649826438453"),
    ("maestro 12", "501800000009"),
    ("maestro 19", "6799990100000000019"),
    ("unionpay 19", "6205500000000000004"),
];

fn last_four(pan: &str) -> &str {
    &pan[pan.len() - 4..]
}

fn assert_masks_one_card(text: &str, pan: &str) {
    let out = redact(text);
    assert_eq!(out.card_numbers, 1, "{text:?} -> {:?}", out.text);
    assert_eq!(out.security_codes, 0, "{text:?} -> {:?}", out.text);
    assert!(
        out.text.contains(&format!("[card ****{}]", last_four(pan))),
        "{:?}",
        out.text
    );
    let digits_left: String = out.text.chars().filter(char::is_ascii_digit).collect();
    assert!(
        !digits_left.contains(&pan[..pan.len() - 4]),
        "{text:?} -> {:?}",
        out.text
    );
}

fn assert_unchanged(text: &str) {
    let out = redact(text);
    assert_eq!(out.text, text);
    assert_eq!(out.count(), 0, "{text:?}");
    assert!(!contains_card_data(text), "{text:?}");
}

/// `pan` split into groups of the given sizes, joined by `sep`.
fn grouped(pan: &str, sizes: &[usize], sep: &str) -> String {
    let mut parts = Vec::new();
    let mut at = 0;
    for &size in sizes {
        parts.push(&pan[at..at + size]);
        at += size;
    }
    parts.push(&pan[at..]);
    parts.retain(|p| !p.is_empty());
    parts.join(sep)
}

#[test]
fn luhn_valid_matches_known_numbers() {
    assert!(luhn_valid(b"4111111111111111"));
    assert!(luhn_valid(b"378282246310005"));
    assert!(luhn_valid(b"0"));
    assert!(!luhn_valid(b"4111111111111112"));
    assert!(!luhn_valid(b""));
    assert!(!luhn_valid(b"4111 1111 1111 1111"));
    assert!(!luhn_valid(&[4, 1, 1, 1]));
}

#[test]
fn test_pans_are_valid_and_masked_plain() {
    for (brand, pan) in TEST_PANS {
        assert!(luhn_valid(pan.as_bytes()), "{brand} {pan}");
        assert!(textbook_luhn(pan), "{brand} {pan}");
        let out = redact(pan);
        assert_eq!(
            out.text,
            format!("[card ****{}]", last_four(pan)),
            "{brand}"
        );
        assert_eq!(out.card_numbers, 1);
    }
}

#[test]
fn test_pans_are_masked_in_many_layouts() {
    for (brand, pan) in TEST_PANS {
        let layouts = [
            grouped(pan, &[4, 4, 4], " "),
            grouped(pan, &[4, 4, 4], "-"),
            grouped(pan, &[4, 6], " "),
            grouped(pan, &[4, 6], "-"),
            grouped(pan, &[5, 5], " "),
            grouped(pan, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "-"),
            format!("{}-{} {}", &pan[..4], &pan[4..8], &pan[8..]),
        ];
        for layout in &layouts {
            for text in [
                layout.clone(),
                format!("My card is {layout}, please refund."),
                format!("card:{layout}."),
                format!("abc{layout}xyz"),
                format!("€{layout}é"),
                format!("line one\n{layout}\nline three"),
                format!("(«{layout}»)"),
            ] {
                assert_masks_one_card(&text, pan);
            }
            assert!(
                surviving_card_runs(&redact(layout).text).is_empty(),
                "{brand} {layout}"
            );
        }
    }
}

#[test]
fn odd_groupings_and_exact_outputs() {
    let cases = [
        ("4111 1111 1111 1111", "[card ****1111]"),
        ("4111-1111-1111-1111", "[card ****1111]"),
        ("41111 11111 111111", "[card ****1111]"),
        ("4111 1111-1111 1111", "[card ****1111]"),
        ("3782 822463 10005", "[card ****0005]"),
        ("card:4111111111111111.", "card:[card ****1111]."),
        ("abc4111111111111111xyz", "abc[card ****1111]xyz"),
        (
            "5555 5555 5555 4444 and 378282246310005",
            "[card ****4444] and [card ****0005]",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(redact(text).text, want, "{text:?}");
    }
    assert_eq!(
        redact("5555 5555 5555 4444 and 378282246310005").card_numbers,
        2
    );
}

#[test]
fn card_next_to_a_year_masks_the_card_only() {
    // "1111 1111 1111 2024" also passes Luhn: the tie goes to the earlier candidate.
    let out = redact("4111 1111 1111 1111 2024");
    assert_eq!(out.text, "[card ****1111] 2024");
    assert_eq!(out.card_numbers, 1);
    // "2024 4111 1111" passes Luhn too, but the whole card covers more digits.
    assert_eq!(
        redact("2024 4111 1111 1111 1111").text,
        "2024 [card ****1111]"
    );
    assert_eq!(
        redact("paid 4111-1111-1111-1111 2024-05-01").text,
        "paid [card ****1111] 2024-05-01"
    );
}

#[test]
fn long_references_are_left_alone_unless_grouped() {
    assert_unchanged("ref 12345678901234567890123");
    // A card followed by a year with no separator is one 20-digit reference.
    assert_unchanged("ref 41111111111111112024");
    assert_unchanged("ARN 74537604221431003881712");
    // A space makes two groups, and the second is a card.
    assert_eq!(
        redact("12345678901234567890 4111111111111111").text,
        "12345678901234567890 [card ****1111]"
    );
}

#[test]
fn non_card_numbers_are_left_alone() {
    for text in [
        "4111111111111112",
        "4111 1111 1111 1112",
        "call +1 (415) 555-2671 or +44 20 7946 0958",
        "0800 123 4567",
        "+1-415-555-2671",
        "total $1,234.56 then €1 234,56 and USD 1234567.89",
        "due 2024-01-15, paid 15/01/2024 at 2024-01-15T10:30:00Z, exp 12/25",
        "order ORD-58213, ticket #123456, invoice INV-2024-000123",
        "12345678901",
        "[card ****1111] and [cvv ***]",
        "",
    ] {
        assert_unchanged(text);
    }
}

#[test]
fn security_codes_after_keywords_are_masked() {
    let cases = [
        ("CVV: 123", "CVV: [cvv ***]"),
        ("cvc=1234", "cvc=[cvv ***]"),
        ("my security code is 987", "my security code is [cvv ***]"),
        ("CVV2 #042", "CVV2 #[cvv ***]"),
        ("CID 1234.", "CID [cvv ***]."),
        ("csc - 555", "csc - [cvv ***]"),
        ("the CVN was 321", "the CVN was [cvv ***]"),
        ("cvv:\n123", "cvv:\n[cvv ***]"),
        ("cvv123", "cvv[cvv ***]"),
        ("CVV/CVC: 123", "CVV/CVC: [cvv ***]"),
        ("CVV code number is: 123", "CVV code number is: [cvv ***]"),
        (
            "Card Verification Value: 123",
            "Card Verification Value: [cvv ***]",
        ),
        (
            "card verification code (456)",
            "card verification code ([cvv ***])",
        ),
        ("security-code=123", "security-code=[cvv ***]"),
        ("Código de seguridad: 456", "Código de seguridad: [cvv ***]"),
        (
            "CODIGO DE SEGURIDAD es 456",
            "CODIGO DE SEGURIDAD es [cvv ***]",
        ),
        (
            "código de segurança é 789",
            "código de segurança é [cvv ***]",
        ),
        ("code de sécurité : 321", "code de sécurité : [cvv ***]"),
        (
            "code de se\u{301}curite\u{301}: 321",
            "code de se\u{301}curite\u{301}: [cvv ***]",
        ),
        ("kode keamanan adalah 654", "kode keamanan adalah [cvv ***]"),
        ("4111111111111111cvv 123", "[card ****1111]cvv [cvv ***]"),
    ];
    for (text, want) in cases {
        let out = redact(text);
        assert_eq!(out.text, want, "{text:?}");
        assert_eq!(out.security_codes, 1, "{text:?}");
    }
}

#[test]
fn digits_that_are_not_security_codes_are_left_alone() {
    for text in [
        "cvv 12345",
        "cvv 12",
        "CVV 1",
        "acid 123",
        "cvv on the back 123",
        "the cvv is printed on the back",
        "security code: ****",
        "scid 123",
    ] {
        assert_unchanged(text);
    }
}

#[test]
fn card_and_code_together() {
    let out = redact("Card 4111 1111 1111 1111 exp 12/25 CVV 123");
    assert_eq!(out.text, "Card [card ****1111] exp 12/25 CVV [cvv ***]");
    assert_eq!(
        (out.card_numbers, out.security_codes, out.count()),
        (1, 1, 2)
    );
    // A code joined to more digits by a separator still counts: over-masking is safe.
    assert_eq!(
        redact("CVV: 4111 1111 1111 1112").text,
        "CVV: [cvv ***] 1111 1111 1112"
    );
    // Digits of a card after a keyword are a card, not a code.
    let out = redact("CVV 4111 1111 1111 1111");
    assert_eq!(out.text, "CVV [card ****1111]");
    assert_eq!((out.card_numbers, out.security_codes), (1, 0));
}

#[test]
fn redaction_is_idempotent_on_samples() {
    for text in [
        "Card 4111 1111 1111 1111 exp 12/25 CVV 123",
        "CVV: 123 456",
        "cvv 123 4567 8901 2345 6789",
        "4111111111111111cvv 123",
        "2024 4111 1111 1111 1111 2024",
        "cvv2042 and cvv cvc 123",
    ] {
        let once = redact(text);
        let twice = redact(&once.text);
        assert_eq!(twice.text, once.text, "{text:?}");
        assert_eq!(twice.count(), 0, "{text:?}");
        assert!(!contains_card_data(&once.text), "{text:?}");
    }
}

#[test]
fn contains_card_data_agrees_with_redact() {
    assert!(contains_card_data("pan 4111111111111111"));
    assert!(contains_card_data("cvv 123"));
    assert!(!contains_card_data("order ORD-58213"));
}

#[test]
fn long_inputs_are_scanned_in_linear_time() {
    let megabyte = 1 << 20;
    // Pseudo-random digits in groups of four: one huge run with many Luhn-valid
    // candidates, which exercises the cover search rather than the quick rejection.
    let mut state: u32 = 12345;
    let random_groups: String = (0..megabyte / 5)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            format!("{:04} ", (state >> 8) % 10_000)
        })
        .collect();
    let inputs = [
        random_groups.trim_end().to_owned(),
        "7".repeat(megabyte),
        "4111 ".repeat(megabyte / 5),
        "1 ".repeat(megabyte / 2),
        "9-".repeat(megabyte / 2),
        "cvv ".repeat(megabyte / 4),
        "security ".repeat(megabyte / 9),
        "cvv 12 ".repeat(megabyte / 7),
        "é4111111111111111".repeat(megabyte / 18),
    ];
    assert!(redact(&inputs[0]).card_numbers > 1000);
    for input in &inputs {
        let out = redact(input);
        assert_eq!(redact(&out.text).text, out.text);
        if out.card_numbers > 0 {
            // The oracle is slow on huge runs in debug builds; run it where it matters.
            assert!(surviving_card_runs(&out.text).is_empty());
        }
    }
}

#[test]
fn oracle_finds_what_it_should() {
    assert_eq!(
        surviving_card_runs("x 4111-1111-1111-1111 y"),
        vec!["4111111111111111"]
    );
    assert_eq!(surviving_card_runs("4111 1111 1111 1111 2024").len(), 2);
    assert!(surviving_card_runs("4111  1111 1111 1111").is_empty());
    assert!(surviving_card_runs("4111111111111112 and 41111111111111112024").is_empty());
}
