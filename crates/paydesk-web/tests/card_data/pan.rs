//! Card numbers as people type them, and the sentences they type them in.
//!
//! Every number is freshly drawn: a real brand prefix, random digits, a Luhn check digit,
//! 13 to 19 digits long, then laid out plainly, in fours, with dashes or in odd groups.
//! Every text says how many card numbers and security codes it carries, so the test
//! knows exactly how many the redactor must have masked.
//!
//! No other digits in these texts can join a card number (a word or punctuation always
//! sits between them), and no security-code keyword appears without its code, so the
//! counts are exact.

use crate::scan::luhn;
use rand::Rng;
use rand::rngs::StdRng;

/// Issuer prefixes as inclusive ranges of equal width, and the lengths the brand issues.
struct Brand {
    prefixes: &'static [(u32, u32)],
    lengths: &'static [usize],
}

const BRANDS: &[Brand] = &[
    // Visa
    Brand {
        prefixes: &[(4, 4)],
        lengths: &[13, 16, 19],
    },
    // Mastercard, old and 2-series ranges
    Brand {
        prefixes: &[(51, 55), (2221, 2720)],
        lengths: &[16],
    },
    // American Express
    Brand {
        prefixes: &[(34, 34), (37, 37)],
        lengths: &[15],
    },
    // Discover
    Brand {
        prefixes: &[(6011, 6011), (65, 65)],
        lengths: &[16, 19],
    },
    // JCB
    Brand {
        prefixes: &[(35, 35)],
        lengths: &[16, 17, 18, 19],
    },
    // Diners Club
    Brand {
        prefixes: &[(36, 36)],
        lengths: &[14, 16],
    },
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn one(rng: &mut StdRng, items: &[&'static str]) -> &'static str {
    items[rng.random_range(0..items.len())]
}

/// [`fill`] with a template drawn from `templates`.
fn fill_one(rng: &mut StdRng, templates: &[&'static str]) -> Text {
    let template = one(rng, templates);
    fill(rng, template)
}

/// A fresh Luhn-valid card number, as ASCII digits.
pub fn digits(rng: &mut StdRng) -> Vec<u8> {
    let brand = pick(rng, BRANDS);
    let &(lo, hi) = pick(rng, brand.prefixes);
    let len = *pick(rng, brand.lengths);
    let mut out: Vec<u8> = rng.random_range(lo..=hi).to_string().into_bytes();
    while out.len() < len - 1 {
        out.push(b'0' + rng.random_range(0..10u8));
    }
    out.push(b'0');
    let check = (0..10u8)
        .find(|d| {
            out[len - 1] = b'0' + d;
            luhn(&out)
        })
        .unwrap();
    out[len - 1] = b'0' + check;
    out
}

fn grouped(
    digits: &[u8],
    sizes: impl IntoIterator<Item = usize>,
    seps: &mut dyn FnMut() -> char,
) -> String {
    let mut out = String::new();
    let mut pos = 0;
    for size in sizes {
        if pos >= digits.len() {
            break;
        }
        if pos > 0 {
            out.push(seps());
        }
        let end = (pos + size).min(digits.len());
        out.extend(digits[pos..end].iter().map(|&d| char::from(d)));
        pos = end;
    }
    if pos < digits.len() {
        if pos > 0 {
            out.push(seps());
        }
        out.extend(digits[pos..].iter().map(|&d| char::from(d)));
    }
    out
}

/// `digits` laid out as a person might write them.
pub fn layout(rng: &mut StdRng, digits: &[u8]) -> String {
    match rng.random_range(0..6) {
        0 => String::from_utf8_lossy(digits).into_owned(),
        1 => grouped(digits, std::iter::repeat(4), &mut || ' '),
        2 => grouped(digits, std::iter::repeat(4), &mut || '-'),
        // What the brand prints on the card: 4-6-5 (Amex), 4-6-4 (Diners), else fours.
        3 => match digits.len() {
            15 => grouped(digits, [4, 6, 5], &mut || ' '),
            14 => grouped(digits, [4, 6, 4], &mut || ' '),
            _ => grouped(digits, std::iter::repeat(4), &mut || ' '),
        },
        // Odd groups, separators mixed.
        4 => {
            let sizes: Vec<usize> = (0..digits.len()).map(|_| rng.random_range(2..=7)).collect();
            let seps: Vec<char> = (0..digits.len())
                .map(|_| if rng.random_bool(0.5) { ' ' } else { '-' })
                .collect();
            let mut seps = seps.into_iter();
            grouped(digits, sizes, &mut || seps.next().unwrap_or(' '))
        }
        // Fives, as some people read numbers aloud.
        _ => grouped(digits, std::iter::repeat(5), &mut || ' '),
    }
}

/// A fresh card number, laid out.
pub fn card(rng: &mut StdRng) -> String {
    let d = digits(rng);
    layout(rng, &d)
}

/// A card number in groups of four joined by spaces, as printed on most cards.
pub fn card_in_fours(rng: &mut StdRng) -> String {
    let d = digits(rng);
    grouped(&d, std::iter::repeat(4), &mut || ' ')
}

/// A card number laid out without spaces, for places that take no spaces (header values).
pub fn card_without_spaces(rng: &mut StdRng) -> String {
    let d = digits(rng);
    if rng.random_bool(0.5) {
        String::from_utf8_lossy(&d).into_owned()
    } else {
        grouped(&d, std::iter::repeat(4), &mut || '-')
    }
}

/// A security code written after one of its names.
fn code_phrase(rng: &mut StdRng) -> String {
    let code = if rng.random_bool(0.3) {
        format!("{:04}", rng.random_range(0..10_000))
    } else {
        format!("{:03}", rng.random_range(0..1_000))
    };
    let phrase = one(
        rng,
        &[
            "CVV {}",
            "CVV: {}",
            "cvv {}",
            "security code: {}",
            "Security code {}",
            "CVC is {}",
            "CVV2 {}",
            "cvc2={}",
            "CID #{}",
            "card verification code {}",
            "código de seguridad {}",
            "code de sécurité : {}",
        ],
    );
    phrase.replace("{}", &code)
}

/// A text and what it carries.
#[derive(Debug, Clone, Default)]
pub struct Text {
    pub text: String,
    pub cards: usize,
    pub codes: usize,
}

/// Fills `{pan}` slots with fresh card numbers and `{code}` with a security-code phrase.
fn fill(rng: &mut StdRng, template: &str) -> Text {
    let mut out = Text::default();
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.text.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{pan}") {
            out.text.push_str(&card(rng));
            out.cards += 1;
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{code}") {
            out.text.push_str(&code_phrase(rng));
            out.codes += 1;
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{order}") {
            out.text
                .push_str(&format!("A{:05}", rng.random_range(0..100_000)));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{amount}") {
            out.text.push_str(&format!(
                "${}.{:02}",
                rng.random_range(1..2_000),
                rng.random_range(0..100)
            ));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{date}") {
            out.text.push_str(&format!(
                "2026-{:02}-{:02}",
                rng.random_range(1..=12),
                rng.random_range(1..=28)
            ));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{name}") {
            out.text.push_str(one(rng, FIRST_NAMES));
            rest = after;
        } else {
            out.text.push('{');
            rest = &tail[1..];
        }
    }
    out.text.push_str(rest);
    out
}

fn join(parts: Vec<Text>, sep: &str) -> Text {
    let mut out = Text::default();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            out.text.push_str(sep);
        }
        out.text.push_str(&p.text);
        out.cards += p.cards;
        out.codes += p.codes;
    }
    out
}

const FIRST_NAMES: &[&str] = &[
    "Ana", "Bruno", "Chen", "Dewi", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemal",
    "Lucía", "Marta", "Noah", "Olu", "Priya",
];
const LAST_NAMES: &[&str] = &[
    "Silva", "Okafor", "Müller", "Nguyen", "Santoso", "Dubois", "García", "Kowalski", "Haddad",
];

const OPENINGS: &[&str] = &[
    "Hi team,",
    "Hello,",
    "Good morning.",
    "Hola,",
    "Bonjour,",
    "I was charged twice for the same order {order}.",
    "The amount was {amount} and it shows up twice on my statement.",
    "This happened on {date}.",
    "My order {order} never arrived.",
];

const CARD_SENTENCES: &[&str] = &[
    "My card number is {pan} and it was charged twice.",
    "I paid with {pan} on {date} but the order never arrived.",
    "Please refund to card {pan}, it expires 09/29.",
    "Card: {pan}",
    "The payment on my card ({pan}) failed with error 05.",
    "Tried {pan} and then {pan}, both declined.",
    "Mi tarjeta {pan} fue cobrada dos veces.",
    "Ma carte {pan} a été débitée deux fois.",
    "Kartu saya {pan} ditagih dua kali.",
    "card:{pan}.",
    "number\n{pan}\nthanks",
    "You can charge {pan} instead.",
];

const CODE_SENTENCES: &[&str] = &[
    "The {code}.",
    "In case you need it, {code}.",
    "({code})",
    "{code}, exp 11/28.",
];

const CLOSINGS: &[&str] = &[
    "Thanks, {name}",
    "Please help, this is urgent.",
    "Regards,\n{name}",
    "Gracias.",
    "",
];

/// What a customer writes: a greeting, a card sentence, maybe a code, a sign-off.
pub fn customer_text(rng: &mut StdRng) -> Text {
    let mut parts = vec![fill_one(rng, OPENINGS)];
    parts.push(fill_one(rng, CARD_SENTENCES));
    if rng.random_bool(0.4) {
        parts.push(fill_one(rng, CODE_SENTENCES));
    }
    if rng.random_bool(0.2) {
        parts.push(fill_one(rng, CARD_SENTENCES));
    }
    parts.push(fill_one(rng, CLOSINGS));
    join(parts, if rng.random_bool(0.5) { " " } else { "\n" })
}

/// A subject line with a card number in it.
pub fn subject(rng: &mut StdRng) -> Text {
    fill_one(
        rng,
        &[
            "Charged twice on card {pan}",
            "Refund to {pan}",
            "Card {pan} declined",
            "{pan} blocked?",
            "Problem with payment (card {pan})",
            "Chargeback {pan} / order {order}",
            "Cobro duplicado tarjeta {pan}",
        ],
    )
}

/// A new subject line, never one [`subject`] makes (an unchanged subject records nothing).
pub fn changed_subject(rng: &mut StdRng) -> Text {
    fill_one(
        rng,
        &[
            "Update: please use {pan}",
            "Re: card {pan} still charged",
            "[escalated] {pan}",
        ],
    )
}

/// A subject line without card data.
pub fn plain_subject(rng: &mut StdRng) -> String {
    fill_one(
        rng,
        &[
            "Charged twice for order {order}",
            "Refund not received",
            "Payment declined",
            "Where is my payout?",
        ],
    )
    .text
}

/// A first message without card data.
pub fn plain_body(rng: &mut StdRng) -> String {
    let parts = vec![fill_one(rng, OPENINGS), fill_one(rng, CLOSINGS)];
    let text = join(parts, " ").text;
    if text.trim().is_empty() {
        "Please help.".into()
    } else {
        text
    }
}

/// An attachment name with a card number in it.
pub fn filename(rng: &mut StdRng) -> Text {
    fill_one(
        rng,
        &[
            "statement_{pan}.pdf",
            "card {pan}.png",
            "{pan}-receipt.jpg",
            "scan-{pan}.jpeg",
            "IMG {pan} front.heic",
        ],
    )
}

/// What a staff member writes back, quoting the number the customer sent.
pub fn staff_reply(rng: &mut StdRng) -> Text {
    fill_one(
        rng,
        &[
            "Thanks {name}. We found the charge on {pan}. Please never send full card numbers by email.",
            "We have refunded {amount} to the card {pan}; it can take 5 to 10 days.",
            "Hola, hemos revisado la tarjeta {pan} y el cobro duplicado.",
        ],
    )
}

/// An internal note, where agents paste what they should not.
pub fn internal_note(rng: &mut StdRng) -> Text {
    fill_one(
        rng,
        &[
            "Customer pasted the full card {pan} in chat, asked them not to.",
            "Gateway shows two captures on {pan} for {amount}.",
            "Checked {pan}: issuer says {code} was entered correctly.",
            "FYI card {pan}",
        ],
    )
}

/// A customer's name with a card number typed into it.
pub fn customer_name(rng: &mut StdRng) -> Text {
    let first = one(rng, FIRST_NAMES);
    let last = one(rng, LAST_NAMES);
    let template = one(
        rng,
        &[
            "{first} {last} {pan}",
            "{first} {last} (card {pan})",
            "{pan}",
            "{first} {pan}",
        ],
    );
    fill(
        rng,
        &template.replace("{first}", first).replace("{last}", last),
    )
}

/// A new name, never one [`customer_name`] makes (an unchanged name records nothing).
pub fn changed_name(rng: &mut StdRng) -> Text {
    let first = one(rng, FIRST_NAMES);
    let last = one(rng, LAST_NAMES);
    fill(rng, &format!("{first} {last}, card {{pan}}"))
}

/// A customer's name without card data.
pub fn plain_name(rng: &mut StdRng) -> String {
    format!("{} {}", one(rng, FIRST_NAMES), one(rng, LAST_NAMES))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::find;
    use rand::SeedableRng as _;

    #[test]
    fn numbers_are_valid_and_found_once_each() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut lengths = std::collections::BTreeSet::new();
        for _ in 0..5_000 {
            let d = digits(&mut rng);
            assert!(luhn(&d));
            lengths.insert(d.len());
            let text = customer_text(&mut rng);
            assert_eq!(
                find(text.text.as_bytes()).len(),
                text.cards,
                "{}",
                text.text
            );
        }
        assert_eq!(lengths, (13..=19).collect());
    }
}
