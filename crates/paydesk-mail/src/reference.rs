//! Finds the paydesk ticket reference that replies carry in their subject.

/// Finds a paydesk reference token such as `[PD-1042]` or `[#PD-1042]`
/// (case-insensitive) in a subject and returns its number, `1042`.
///
/// The first well-formed token wins; tokens whose number does not fit an
/// `i64` are skipped.
#[must_use]
pub fn ticket_reference(subject: &str) -> Option<i64> {
    let bytes = subject.as_bytes();
    let mut start = 0;
    while let Some(offset) = bytes.get(start..)?.iter().position(|&b| b == b'[') {
        let open = start + offset;
        if let Some(number) = token_at(bytes.get(open + 1..)?) {
            return Some(number);
        }
        start = open + 1;
    }
    None
}

/// Reads `#?PD-<digits>]` at the start of `rest`.
fn token_at(rest: &[u8]) -> Option<i64> {
    let rest = rest.strip_prefix(b"#").unwrap_or(rest);
    let prefix = rest.get(..3)?;
    if !prefix.eq_ignore_ascii_case(b"pd-") {
        return None;
    }
    let rest = rest.get(3..)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || rest.get(digits) != Some(&b']') {
        return None;
    }
    std::str::from_utf8(rest.get(..digits)?).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::ticket_reference;

    #[test]
    fn finds_the_reference() {
        assert_eq!(ticket_reference("Re: refund [PD-1042]"), Some(1042));
        assert_eq!(ticket_reference("[#pd-7] hello"), Some(7));
        assert_eq!(ticket_reference("[x] [Pd-12]"), Some(12));
        assert_eq!(ticket_reference("Re: [PD-] [PD-12a] PD-5 [PD-5"), None);
        assert_eq!(
            ticket_reference("[PD-99999999999999999999] [PD-3]"),
            Some(3)
        );
        assert_eq!(ticket_reference("über [PD-8]"), Some(8));
        assert_eq!(ticket_reference(""), None);
    }
}
