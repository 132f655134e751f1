//! Property tests: whatever surrounds a card, no Luhn-valid 13-19 digit run survives and
//! the last four digits stay visible; redaction is idempotent, leaves digit-free text
//! alone and never panics.

use super::super::{contains_card_data, redact};
use super::{surviving_card_runs, textbook_luhn};
use proptest::prelude::*;

/// A Luhn-valid number of 13-19 digits.
fn card_number() -> impl Strategy<Value = String> {
    (13usize..=19)
        .prop_flat_map(|len| prop::collection::vec(0u32..10, len - 1))
        .prop_map(|body| {
            let body: String = body
                .iter()
                .filter_map(|&d| char::from_digit(d, 10))
                .collect();
            (0..10)
                .filter_map(|d| char::from_digit(d, 10))
                .map(|check| format!("{body}{check}"))
                .find(|number| textbook_luhn(number))
                .unwrap_or_default()
        })
}

/// `number` with a random single space or dash (or nothing) between any two digits.
fn grouped_card_number() -> impl Strategy<Value = (String, String)> {
    card_number().prop_flat_map(|number| {
        let gaps = prop::collection::vec(
            prop::sample::select(vec!["", "", "", " ", "-"]),
            number.len(),
        );
        (Just(number), gaps).prop_map(|(number, gaps)| {
            let grouped = number
                .chars()
                .zip(&gaps)
                .fold(String::new(), |mut out, (digit, gap)| {
                    if !out.is_empty() {
                        out.push_str(gap);
                    }
                    out.push(digit);
                    out
                });
            (number, grouped)
        })
    })
}

/// Text of any kind, often with digits, separators and keywords.
fn surrounding() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9 .:,#€é\\-\n]{0,40}",
        "[0-9 \\-]{0,80}",
        token_soup(),
    ]
}

/// Strings assembled from pieces that exercise the scanners' edge cases.
fn token_soup() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "cvv",
        "CVV2",
        "cvc",
        "security code",
        "código de seguridad",
        "is",
        ": ",
        " ",
        "-",
        "--",
        "#",
        "123",
        "4567",
        "12345",
        "2024",
        "1",
        "0",
        "4111111111111111",
        "4111 1111 1111 1111",
        "378282246310005",
        "[card ****1111]",
        "[cvv ***]",
        "*",
        "[",
        "]",
        "é",
        "\u{301}",
        "€",
        "\n",
        "x",
        "card",
        "5555-5555-5555-4444",
    ];
    prop::collection::vec(prop::sample::select(PIECES), 0..24).prop_map(|pieces| pieces.concat())
}

/// A character that is neither a digit nor a separator, to fence a card off.
fn fence() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        'x', '.', ':', ',', '\n', 'é', '€', '/', '(', ')', '#', '😀', '_',
    ])
}

fn assert_card_masked(
    before: &str,
    number: &str,
    written: &str,
    after: &str,
    fences: (char, char),
) {
    let text = format!("{before}{}{written}{}{after}", fences.0, fences.1);
    let out = redact(&text);
    let survivors = surviving_card_runs(&out.text);
    assert!(
        survivors.is_empty(),
        "{text:?} -> {:?} leaves {survivors:?}",
        out.text
    );
    let mask = format!("[card ****{}]", &number[number.len() - 4..]);
    assert!(out.text.contains(&mask), "{text:?} -> {:?}", out.text);
    assert!(out.card_numbers >= 1);
}

proptest! {
    #[test]
    fn embedded_cards_are_masked(
        before in surrounding(),
        number in card_number(),
        after in surrounding(),
        fences in (fence(), fence()),
    ) {
        assert_card_masked(&before, &number, &number, &after, fences);
    }

    #[test]
    fn embedded_grouped_cards_are_masked(
        before in surrounding(),
        (number, written) in grouped_card_number(),
        after in surrounding(),
        fences in (fence(), fence()),
    ) {
        assert_card_masked(&before, &number, &written, &after, fences);
    }

    #[test]
    fn redaction_is_idempotent(text in surrounding()) {
        let once = redact(&text);
        let twice = redact(&once.text);
        prop_assert_eq!(&twice.text, &once.text);
        prop_assert_eq!(twice.count(), 0);
        prop_assert!(surviving_card_runs(&once.text).is_empty());
    }

    #[test]
    fn text_without_digits_is_unchanged(text in "[^0-9]{0,200}") {
        let out = redact(&text);
        prop_assert_eq!(&out.text, &text);
        prop_assert_eq!(out.count(), 0);
    }

    #[test]
    fn any_text_is_handled(text in any::<String>()) {
        let out = redact(&text);
        prop_assert_eq!(contains_card_data(&text), out.count() > 0);
        prop_assert!(surviving_card_runs(&out.text).is_empty());
        if out.count() == 0 {
            prop_assert_eq!(out.text, text);
        }
    }
}
