//! Card-data redaction: masks card numbers (PANs) and card security codes in free text
//! before it is stored, logged or sent anywhere, because PCI DSS forbids keeping either.
//!
//! # What is masked
//!
//! - **Card numbers**: 12 to 19 ASCII digits that pass the Luhn check, written plainly or
//!   in groups joined by a single space or a single dash (`4111 1111 1111 1111`,
//!   `3782-822463-10005`, `41111 11111 111111`; the two separators may be mixed). They
//!   become `[card ****1111]`, keeping only the last four digits. Letters and punctuation
//!   around a number do not protect it (`card:4111111111111111.` is masked).
//! - **Security codes**: a group of exactly 3 or 4 digits written shortly after a keyword
//!   (CVV, CVV2, CVC, CVC2, CID, CSC, CVN, CVN2, CVD, CAV2, "security code",
//!   "card verification code/value", "code de sécurité", "código de seguridad",
//!   "código de segurança", "kode keamanan"; case-insensitive, accents optional). Between
//!   the keyword and the digits there may be up to 20 characters of spaces and punctuation
//!   (`: = # - . , ( / "`) and up to three filler words such as "is", "was", "number",
//!   "code", "es", "est", "é", "adalah". Only the digits are replaced, by `[cvv ***]`:
//!   `CVV: 123` becomes `CVV: [cvv ***]`.
//!
//! # Choices in ambiguous cases
//!
//! - A *run* is a maximal sequence of digit groups joined by single separators. A group
//!   is never split: a plain run of more than 19 digits (a long reference) stays as it is.
//! - When a run's groups hold more than one possible card (say `4111 1111 1111 1111 2024`,
//!   a card followed by a year), the candidates are the sequences of whole consecutive
//!   groups with 12-19 digits that pass the Luhn check, and the redactor masks the set of
//!   non-overlapping candidates that covers the most digits; on a tie it prefers the
//!   earlier and the longer candidates. So `4111 1111 1111 1111 2024` keeps the year and
//!   `2024 4111 1111 1111 1111` (where `2024 4111 1111` alone also passes Luhn) still masks
//!   the whole card. Because the cover is maximal, no complete candidate is ever left
//!   visible: each one overlaps a mask.
//! - Digits that belong to a masked card are never also counted as a security code. A
//!   3-4 digit group after a keyword is a code even when a separator joins it to more
//!   digits that are not a card (`CVV: 123 456` masks `123`).
//! - A Luhn-valid 12-19 digit number that is not a card (an order number, a timestamp)
//!   is masked too: about one such number in ten passes Luhn by chance, and over-masking
//!   is the safe side of this trade.
//!
//! # Guarantees
//!
//! - Redacting twice changes nothing more: both masks contain no run of card-like digits
//!   and no digits that can follow a keyword, so a second pass counts zero.
//! - One linear pass over the text per kind of data, whatever its length (no backtracking:
//!   every look-ahead is bounded by the 19-digit and 20-character limits).
//! - No panics on any UTF-8 input: the scanners only cut the text next to ASCII bytes,
//!   which are always character boundaries.
//! - Text with nothing to mask costs one `String` copy and no other allocation.

mod card;
mod security_code;

#[cfg(test)]
mod tests;

/// The outcome of redacting one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    /// The text with card numbers and security codes masked.
    pub text: String,
    /// How many card numbers were masked.
    pub card_numbers: usize,
    /// How many security codes were masked.
    pub security_codes: usize,
}

impl Redaction {
    /// Total items masked.
    #[must_use]
    pub fn count(&self) -> usize {
        self.card_numbers + self.security_codes
    }
}

/// Masks card numbers and security codes in `input`.
///
/// See the module documentation for the rules and the mask formats. Idempotent:
/// redacting the output again returns it unchanged with both counts at zero.
#[must_use]
pub fn redact(input: &str) -> Redaction {
    let cards = card::find(input);
    let codes = security_code::find(input, &cards);
    if cards.is_empty() && codes.is_empty() {
        return Redaction {
            text: input.to_owned(),
            card_numbers: 0,
            security_codes: 0,
        };
    }
    Redaction {
        text: render(input, &cards, &codes),
        card_numbers: cards.len(),
        security_codes: codes.len(),
    }
}

/// Whether `input` holds anything [`redact`] would mask, without building the masked text.
#[must_use]
pub fn contains_card_data(input: &str) -> bool {
    let cards = card::find(input);
    !cards.is_empty() || !security_code::find(input, &cards).is_empty()
}

/// Whether `digits` (ASCII `b'0'..=b'9'`, most significant first) passes the Luhn check.
///
/// Empty input and input holding any other byte are not valid.
#[must_use]
pub fn luhn_valid(digits: &[u8]) -> bool {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut sum = LuhnSum::default();
    for &digit in digits.iter().rev() {
        sum.push_left(digit);
    }
    sum.is_valid()
}

/// A Luhn checksum built from the rightmost digit leftwards, so a scanner can test every
/// prefix extension of a number as it walks back through the text.
#[derive(Debug, Default, Clone, Copy)]
struct LuhnSum {
    sum: u32,
    digits: usize,
}

impl LuhnSum {
    /// Adds `digit` (an ASCII digit) to the left of the digits seen so far.
    fn push_left(&mut self, digit: u8) {
        let mut value = u32::from(digit.wrapping_sub(b'0') % 10);
        if self.digits % 2 == 1 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        self.sum += value;
        self.digits += 1;
    }

    fn is_valid(self) -> bool {
        self.digits > 0 && self.sum.is_multiple_of(10)
    }
}

/// A stretch of the input to replace: byte offsets, both next to ASCII bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

const CODE_MASK: &str = "[cvv ***]";

/// Builds the masked text. `cards` and `codes` are each sorted and never overlap.
fn render(input: &str, cards: &[Span], codes: &[Span]) -> String {
    let mut out = String::with_capacity(input.len() + 16 * (cards.len() + codes.len()));
    let mut cards = cards.iter().peekable();
    let mut codes = codes.iter().peekable();
    let mut pos = 0;
    loop {
        let (span, is_card) = match (cards.peek(), codes.peek()) {
            (Some(card), Some(code)) if card.start < code.start => (cards.next(), true),
            (Some(_), None) => (cards.next(), true),
            (_, Some(_)) => (codes.next(), false),
            (None, None) => break,
        };
        let Some(span) = span else { break };
        // Both offsets sit next to ASCII bytes (see `Span`), hence on char boundaries.
        out.push_str(input.get(pos..span.start).unwrap_or_default());
        if is_card {
            push_card_mask(
                &mut out,
                input.get(span.start..span.end).unwrap_or_default(),
            );
        } else {
            out.push_str(CODE_MASK);
        }
        pos = span.end;
    }
    out.push_str(input.get(pos..).unwrap_or_default());
    out
}

/// Appends `[card ****1234]`: the brackets and stars keep the four digits from joining
/// any neighbouring digits into a new card-like run on a second pass.
fn push_card_mask(out: &mut String, number: &str) {
    let mut last_four = ['0'; 4];
    let mut filled = 0;
    for digit in number.chars().rev().filter(char::is_ascii_digit).take(4) {
        filled += 1;
        if let Some(slot) = last_four.get_mut(4 - filled) {
            *slot = digit;
        }
    }
    out.push_str("[card ****");
    out.extend(last_four.iter().skip(4 - filled));
    out.push(']');
}
