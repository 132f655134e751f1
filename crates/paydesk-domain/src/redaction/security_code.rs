//! Finds security codes: 3 or 4 digits shortly after a keyword such as "CVV" or
//! "código de seguridad". See the parent module for the rules. Every look-ahead from a
//! keyword is bounded, so the scan stays linear in the length of the text.

use super::Span;

/// Keywords in folded form (ASCII lowercase, accents dropped; a space stands for 1-3
/// whitespace characters or dashes). Where one keyword extends another ("cvv2", "cvv")
/// the longer comes first, and the shorter is tried when the longer finds no code.
const KEYWORDS: &[&str] = &[
    "card verification value",
    "card verification code",
    "codigo de seguridad",
    "codigo de seguranca",
    "code de securite",
    "cvv2",
    "cvc2",
    "cvn2",
    "cav2",
    "cvv",
    "cvc",
    "cvn",
    "cvd",
    "cid",
    "csc",
    "security code",
    "kode keamanan",
];

/// Words that may stand between a keyword and its digits ("is", "es", "est", "é",
/// "adalah": the copula of each keyword's language), in folded form.
const FILLERS: &[&str] = &[
    "is", "was", "are", "be", "number", "num", "no", "nr", "code", "value", "es", "era", "numero",
    "est", "e", "adalah", "ialah", "yaitu", "nomor",
];

/// The most characters allowed between a keyword and its digits.
const MAX_GAP_CHARS: usize = 20;
/// The most filler words allowed between a keyword and its digits.
const MAX_FILLERS: usize = 3;
/// The most whitespace characters standing for one space inside a keyword.
const MAX_INNER_SPACE: usize = 3;

/// The security codes in `text`, in order, skipping digits inside `cards` (sorted).
///
/// Allocates only once a code is found.
pub(super) fn find(text: &str, cards: &[Span]) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut codes = Vec::new();
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        // Every keyword starts with an ASCII letter, so `i` is then a char boundary.
        if matches!(byte.to_ascii_lowercase(), b'c' | b's' | b'k')
            && !follows_letter(text, i)
            && let Some(code) = code_after_keyword(text, i, cards)
        {
            codes.push(code);
            i = code.end;
            continue;
        }
        i += 1;
    }
    codes
}

/// Whether the character before byte `at` is a letter, which makes a keyword there part
/// of a longer word ("acid", "Lucid"). A digit before it does not: a masked card right
/// before a keyword must not change what a second pass sees.
fn follows_letter(text: &str, at: usize) -> bool {
    text.get(..at)
        .and_then(|before| before.chars().next_back())
        .is_some_and(char::is_alphabetic)
}

/// The code after a keyword starting at byte `at`, if any keyword starts there and is
/// followed by a code.
fn code_after_keyword(text: &str, at: usize, cards: &[Span]) -> Option<Span> {
    let first = text.as_bytes().get(at)?.to_ascii_lowercase();
    KEYWORDS
        .iter()
        .filter(|keyword| keyword.as_bytes().first() == Some(&first))
        .filter_map(|keyword| match_word(text, at, keyword))
        .find_map(|end| code_after_gap(text, end, cards))
}

/// Walks the gap after a keyword ending at byte `at` and returns the code behind it.
fn code_after_gap(text: &str, at: usize, cards: &[Span]) -> Option<Span> {
    let mut pos = at;
    let mut gap_chars = 0;
    let mut fillers = 0;
    loop {
        let c = text.get(pos..)?.chars().next()?;
        if c.is_ascii_digit() {
            return code_at(text, pos, cards);
        }
        if is_gap_punctuation(c) {
            pos += c.len_utf8();
            gap_chars += 1;
        } else if c.is_alphabetic() && fillers < MAX_FILLERS {
            let end = FILLERS
                .iter()
                .find_map(|filler| match_word(text, pos, filler))?;
            gap_chars += text.get(pos..end)?.chars().count();
            pos = end;
            fillers += 1;
        } else {
            return None;
        }
        if gap_chars > MAX_GAP_CHARS {
            return None;
        }
    }
}

/// Spaces and light punctuation people put between a keyword and a value. Deliberately
/// not `*`, `[` or `]`: the mask `[cvv ***]` contains a keyword, and its stars and
/// brackets are what stop it from claiming digits on a second pass.
fn is_gap_punctuation(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ':' | '=' | '#' | '-' | '.' | ',' | '(' | '/' | '"' | '\'' | '：' | '–' | '—'
        )
}

/// The code starting at byte `at` (an ASCII digit): exactly 3 or 4 digits with no digit
/// on either side, not part of a card number.
fn code_at(text: &str, at: usize, cards: &[Span]) -> Option<Span> {
    let bytes = text.as_bytes();
    let is_digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    // Only a keyword ending in a digit ("cvv2042") can put a digit right before the code.
    if at > 0 && is_digit(at - 1) {
        return None;
    }
    let len = (at..).take(5).take_while(|&i| is_digit(i)).count();
    if !(3..=4).contains(&len) {
        return None;
    }
    let code = Span {
        start: at,
        end: at + len,
    };
    // A code is a whole digit group; a card span holds whole groups, so containment of
    // the first digit is overlap.
    let next_card = cards.partition_point(|card| card.end <= code.start);
    match cards.get(next_card) {
        Some(card) if card.start <= code.start => None,
        _ => Some(code),
    }
}

/// Matches `word` (folded; a space stands for 1-3 whitespace characters or dashes) at
/// byte `at` of `text`, ignoring case and accents, and not followed by a letter. Returns
/// the byte offset just after the match.
fn match_word(text: &str, at: usize, word: &str) -> Option<usize> {
    let rest = text.get(at..)?;
    let mut chars = rest.char_indices().peekable();
    for wanted in word.chars() {
        if wanted == ' ' {
            let mut spaces = 0;
            while chars
                .next_if(|&(_, c)| c.is_whitespace() || c == '-')
                .is_some()
            {
                spaces += 1;
                if spaces > MAX_INNER_SPACE {
                    return None;
                }
            }
            if spaces == 0 {
                return None;
            }
        } else {
            let (_, c) = chars.next()?;
            if fold(c) != wanted {
                return None;
            }
            // Decomposed accents ("e" + U+0301) follow their letter.
            while chars.next_if(|&(_, c)| is_combining_mark(c)).is_some() {}
        }
    }
    match chars.peek() {
        Some(&(_, c)) if c.is_alphabetic() => None,
        Some(&(offset, _)) => Some(at + offset),
        None => Some(text.len()),
    }
}

/// Lowercases ASCII and strips the accents the keywords' languages use, so "CÓDIGO",
/// "código" and "codigo" all match.
fn fold(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        'à'..='å' | 'À'..='Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò'..='ö' | 'Ò'..='Ö' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        _ => c,
    }
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}
