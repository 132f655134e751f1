//! Mail kept as it arrived (unparseable mail, noise): a text rendering of the raw bytes
//! that card data cannot survive, not even inside a base64-encoded part.

use base64::Engine as _;
use paydesk_domain::redaction::{contains_card_data, redact};

/// The largest rendering kept of one mail, in bytes.
pub(crate) const KEPT_MAX: usize = 1024 * 1024;

/// The raw mail as redacted text: invalid UTF-8 and NUL become U+FFFD, base64 blocks
/// that decode to card data are withheld, and the rest passes the card redactor.
pub(crate) fn redacted_rendering(raw: &[u8]) -> String {
    let text = clean_text(&String::from_utf8_lossy(raw));
    let text = withhold_encoded_card_data(&text);
    let mut out = redact(&text).text;
    if out.len() > KEPT_MAX {
        let mut cut = KEPT_MAX;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("\n[... cut: the rest of the message was longer than 1 MiB]");
    }
    out
}

/// Replaces NUL (which PostgreSQL cannot store) with U+FFFD.
pub(crate) fn clean_text(text: &str) -> String {
    if text.contains('\0') {
        text.replace('\0', "\u{fffd}")
    } else {
        text.to_string()
    }
}

fn is_base64_line(line: &str) -> bool {
    let l = line.trim_end_matches('\r');
    l.len() >= 16
        && l.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// Withholds every run of base64 lines whose decoded bytes hold a card number or a
/// security code: the redactor reads text, and base64 hides digits from it.
fn withhold_encoded_card_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut block: Vec<&str> = Vec::new();
    let flush = |block: &mut Vec<&str>, out: &mut String| {
        if block.is_empty() {
            return;
        }
        let joined: String = block.iter().map(|l| l.trim_end_matches('\r')).collect();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(joined.as_bytes())
            .or_else(|_| {
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(joined.trim_end_matches('='))
            });
        let holds_card = decoded
            .map(|d| contains_card_data(&String::from_utf8_lossy(&d)))
            .unwrap_or(false);
        if holds_card {
            out.push_str("[encoded part withheld: it held card data]\n");
        } else {
            for l in block.iter() {
                out.push_str(l);
                out.push('\n');
            }
        }
        block.clear();
    };
    for line in text.split('\n') {
        if is_base64_line(line) {
            block.push(line);
        } else {
            flush(&mut block, &mut out);
            out.push_str(line);
            out.push('\n');
        }
    }
    flush(&mut block, &mut out);
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]
    use super::*;

    #[test]
    fn a_card_number_in_a_base64_part_is_withheld() {
        let secret = base64::engine::general_purpose::STANDARD
            .encode("my card is 4111 1111 1111 1111 exp 12/29, please refund");
        let raw = format!("Subject: x\r\nContent-Transfer-Encoding: base64\r\n\r\n{secret}\r\n");
        let kept = redacted_rendering(raw.as_bytes());
        assert!(!kept.contains(&secret), "{kept}");
        assert!(kept.contains("withheld"));
    }

    #[test]
    fn plain_card_numbers_are_masked_and_other_base64_kept() {
        let harmless =
            base64::engine::general_purpose::STANDARD.encode("hello there, general kenobi");
        let raw = format!("Subject: 4111111111111111\r\n\r\n{harmless}\r\nend\0");
        let kept = redacted_rendering(raw.as_bytes());
        assert!(!kept.contains("4111111111111111"));
        assert!(kept.contains(&harmless));
        assert!(!kept.contains('\0'));
    }
}
