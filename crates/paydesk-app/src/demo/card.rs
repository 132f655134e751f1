//! The card numbers some customers paste into their messages anyway: published test
//! numbers and made-up Luhn-valid ones, in the layouts people type, sometimes with the
//! security code. Exactly what the redactor must catch before anything is stored.

use rand::Rng;
use rand::rngs::SmallRng;

/// Published test card numbers (Visa, Mastercard, Amex, Discover, JCB, Diners).
const TEST_PANS: &[&str] = &[
    "4111111111111111",
    "4242424242424242",
    "4012888888881881",
    "5555555555554444",
    "5105105105105100",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "3566002020360505",
    "30569309025904",
];

/// A Luhn-valid card number: a published test number, or a Visa-like one made up here.
fn pan(rng: &mut SmallRng) -> String {
    if rng.random_bool(0.6) {
        return TEST_PANS[rng.random_range(0..TEST_PANS.len())].to_string();
    }
    let mut digits: Vec<u8> = vec![4];
    digits.extend((0..14).map(|_| rng.random_range(0..10u8)));
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    digits.push(u8::try_from((10 - sum % 10) % 10).unwrap_or(0));
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// `pan` written as people type it: plain, in groups of four, with dashes, or as Amex groups.
fn layout(rng: &mut SmallRng, pan: &str) -> String {
    let sep = match rng.random_range(0..4) {
        0 => return pan.to_string(),
        1 => '-',
        _ => ' ',
    };
    let groups: &[usize] = if pan.len() == 15 {
        &[4, 6, 5]
    } else {
        &[4, 4, 4, 4, 4]
    };
    let mut out = String::with_capacity(pan.len() + 5);
    let mut pos = 0;
    for g in groups {
        if pos >= pan.len() {
            break;
        }
        if pos > 0 {
            out.push(sep);
        }
        let end = (pos + g).min(pan.len());
        out.push_str(&pan[pos..end]);
        pos = end;
    }
    out
}

/// A sentence in which a customer pastes a full card number, sometimes with its
/// security code: exactly what the redactor must catch.
pub(super) fn card_sentence(rng: &mut SmallRng, lang: &str) -> String {
    let digits = pan(rng);
    let number = layout(rng, &digits);
    let cvv = rng.random_range(100..1_000);
    let with_code = rng.random_bool(0.4);
    let month = rng.random_range(1..=12);
    let year = rng.random_range(26..=31);
    match (lang, with_code) {
        ("es", true) => format!("Mi tarjeta es {number}, vence {month:02}/{year}, CVV {cvv}."),
        ("es", false) => format!("Pagué con la tarjeta {number}."),
        ("pt", true) => format!("Meu cartão: {number} validade {month:02}/{year} CVV: {cvv}"),
        ("pt", false) => format!("Usei o cartão {number}."),
        ("tl", _) => format!("Ito po yung card ko {number} para ma-check niyo."),
        ("id", _) => format!("Kartu saya {number}, tolong dicek."),
        (_, true) => {
            format!("My card number is {number} exp {month:02}/{year} CVV {cvv} if you need it.")
        }
        (_, false) => match rng.random_range(0..3) {
            0 => format!("The card I used is {number}."),
            1 => format!("card: {number}"),
            _ => format!("In case it helps, my Visa is {number}, please check it."),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn made_up_pans_pass_luhn_and_sentences_get_masked() {
        let mut rng = SmallRng::seed_from_u64(7);
        for _ in 0..200 {
            let p = pan(&mut rng);
            assert!(paydesk_domain::redaction::luhn_valid(p.as_bytes()), "{p}");
            for lang in ["en", "es", "pt", "tl", "id"] {
                let s = card_sentence(&mut rng, lang);
                assert_eq!(paydesk_domain::redaction::redact(&s).card_numbers, 1, "{s}");
            }
        }
    }
}
