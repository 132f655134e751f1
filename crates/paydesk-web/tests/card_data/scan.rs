//! The test's own card-number finder, written apart from the product's redactor so that a
//! bug there cannot hide itself here.
//!
//! A *run* is a maximal stretch of ASCII digits in which a single space or a single dash
//! may sit between two digits. Every window of 13 to 19 consecutive digits of a run is
//! checked with Luhn, whatever the grouping, so this finder is stricter than the redactor
//! (which never splits a group): it reports any card-like number, however it is written
//! or wherever it starts.

use std::fmt;

/// The shortest and longest card numbers looked for.
pub const PAN_MIN: usize = 13;
pub const PAN_MAX: usize = 19;

/// One card-like number found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Byte offset of the first digit of the Luhn-valid window.
    pub start: usize,
    /// Byte offset just past its last digit.
    pub end: usize,
}

/// Whether `digits` (ASCII digits only) passes the Luhn check.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum % 10 == 0
}

fn is_separator(b: u8) -> bool {
    b == b' ' || b == b'-'
}

/// Every card-like number in `bytes` (one hit per run: the first valid window).
pub fn find(bytes: &[u8]) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut digits: Vec<u8> = Vec::with_capacity(64);
    let mut offsets: Vec<usize> = Vec::with_capacity(64);
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        digits.clear();
        offsets.clear();
        loop {
            digits.push(bytes[i]);
            offsets.push(i);
            let next = bytes.get(i + 1).copied();
            match next {
                Some(b) if b.is_ascii_digit() => i += 1,
                Some(b) if is_separator(b) && bytes.get(i + 2).is_some_and(u8::is_ascii_digit) => {
                    i += 2;
                }
                _ => break,
            }
        }
        i += 1;
        if let Some(hit) = first_valid_window(&digits, &offsets) {
            hits.push(hit);
        }
    }
    hits
}

fn first_valid_window(digits: &[u8], offsets: &[usize]) -> Option<Hit> {
    if digits.len() < PAN_MIN {
        return None;
    }
    for start in 0..=digits.len() - PAN_MIN {
        for len in PAN_MIN..=PAN_MAX.min(digits.len() - start) {
            if luhn(&digits[start..start + len]) {
                return Some(Hit {
                    start: offsets[start],
                    end: offsets[start + len - 1] + 1,
                });
            }
        }
    }
    None
}

/// Where a hit was found and what surrounds it, with the number itself masked down to its
/// last four digits so that a failing run does not print card numbers.
#[derive(Debug, Clone)]
pub struct Finding {
    pub place: String,
    pub offset: usize,
    pub excerpt: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {}: {}",
            self.place, self.offset, self.excerpt
        )
    }
}

impl Finding {
    pub fn new(place: impl Into<String>, bytes: &[u8], hit: &Hit) -> Self {
        Self {
            place: place.into(),
            offset: hit.start,
            excerpt: excerpt(bytes, hit),
        }
    }
}

/// Up to 40 bytes either side of the hit, digits masked but the last four of the hit, and
/// anything outside printable ASCII shown as `·`.
pub fn excerpt(bytes: &[u8], hit: &Hit) -> String {
    let from = hit.start.saturating_sub(40);
    let to = (hit.end + 40).min(bytes.len());
    let keep_from = last_digits_start(bytes, hit, 4);
    let mut out = String::new();
    for (i, &b) in bytes.iter().enumerate().take(to).skip(from) {
        let in_hit = (hit.start..hit.end).contains(&i);
        out.push(match b {
            b'0'..=b'9' if !in_hit || i < keep_from => '#',
            b' '..=b'~' => char::from(b),
            _ => '·',
        });
    }
    format!("«{out}»")
}

fn last_digits_start(bytes: &[u8], hit: &Hit, n: usize) -> usize {
    let mut seen = 0;
    for i in (hit.start..hit.end).rev() {
        if bytes[i].is_ascii_digit() {
            seen += 1;
            if seen == n {
                return i;
            }
        }
    }
    hit.start
}

/// `text` with every card-like number masked, for failure messages.
pub fn masked(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for hit in find(bytes) {
        let (start, end) = run_around(bytes, &hit);
        out.push_str(&String::from_utf8_lossy(&bytes[pos..start]));
        out.push_str("[masked by the test]");
        pos = end;
    }
    out.push_str(&String::from_utf8_lossy(&bytes[pos..]));
    out
}

/// The whole run a hit lies in.
fn run_around(bytes: &[u8], hit: &Hit) -> (usize, usize) {
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let (mut start, mut end) = (hit.start, hit.end);
    loop {
        if start >= 1 && digit(start - 1) {
            start -= 1;
        } else if start >= 2 && is_separator(bytes[start - 1]) && digit(start - 2) {
            start -= 2;
        } else {
            break;
        }
    }
    loop {
        if digit(end) {
            end += 1;
        } else if bytes.get(end).is_some_and(|&b| is_separator(b)) && digit(end + 1) {
            end += 2;
        } else {
            break;
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        find(text.as_bytes())
            .iter()
            .map(|h| &text[h.start..h.end])
            .collect()
    }

    #[test]
    fn finds_cards_however_written() {
        assert_eq!(found("card:4111111111111111."), ["4111111111111111"]);
        assert_eq!(found("a 4111 1111 1111 1111 b"), ["4111 1111 1111 1111"]);
        assert_eq!(found("x4111-1111-1111-1111y"), ["4111-1111-1111-1111"]);
        assert_eq!(found("3782 822463 10005"), ["3782 822463 10005"]);
        assert_eq!(found("41 11-111 1111111 11"), ["41 11-111 1111111 11"]);
        // Inside a longer run, at any digit: here a 13-digit window of it passes first.
        assert_eq!(found("99 4111111111111111"), ["99 4111111111111"]);
        assert_eq!(found("0004111111111111111"), ["0004111111111111111"]);
    }

    #[test]
    fn leaves_what_is_not_a_card() {
        assert!(found("4111111111112").is_empty());
        assert!(found("4111  1111 1111 1111").is_empty());
        assert!(found("4111.1111.1111.1111").is_empty());
        assert!(found("[card ****1111] CVV [cvv ***] 2026-11-23T19:01:00.000Z").is_empty());
        assert!(found("411111111111").is_empty());
    }

    #[test]
    fn excerpts_keep_only_the_last_four() {
        let text = b"pay 4111 1111 1111 1111 now";
        let hits = find(text);
        assert_eq!(hits.len(), 1);
        assert_eq!(excerpt(text, &hits[0]), "«pay #### #### #### 1111 now»");
    }
}
