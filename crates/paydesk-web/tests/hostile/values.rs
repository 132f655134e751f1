//! Hostile material for bodies and paths: odd text, wrong JSON values, and path segments
//! that are not ticket numbers or customer ids.

/// Owned copies of `items`.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// Text that has broken parsers, databases and renderers before.
pub fn weird_texts() -> Vec<String> {
    vec![
        "\u{202E}gnp.exe\u{202C} right-to-left".into(),
        "\u{200B}\u{200C}\u{200D}\u{FEFF}".into(),
        "zero\u{200B}width\u{2060}joiner".into(),
        "family 👩‍👩‍👧‍👦 flag 🏳️‍🌈 skin 👍🏿".into(),
        "nul\u{0}byte".into(),
        "\u{0}".into(),
        "\u{0}\u{0}\u{0}trailing".into(),
        "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301} zalgo".into(),
        "مرحبا بالعالم שלום".into(),
        "😀".repeat(300),
        "\r\n\t\u{b}\u{c}".into(),
        "\u{FFFF}\u{FFFE}\u{E000}\u{10FFFF}".into(),
        "İSTANBUL ﬀ ß ǅ".into(),
        "\u{1}\u{7}\u{1b}[31mred\u{7f}".into(),
        "   ".into(),
        String::new(),
        "x".repeat(100_000),
        "'; DROP TABLE tickets; --".into(),
        "\" OR 1=1 --".into(),
        "%s%n%x{0}${jndi:ldap://x}".into(),
        "<script>alert(1)</script>".into(),
        "a\u{2028}b\u{2029}c\u{85}d".into(),
        "NOT AND OR NEAR(a b) * ^ \"".into(),
    ]
}

/// JSON number-ish and string-ish values that are not what a field wants.
pub fn raw_values() -> Vec<&'static str> {
    vec![
        "null",
        "true",
        "0",
        "-1",
        "1.5",
        "-0",
        "1e400",
        "-1e400",
        "99999999999999999999",
        "9223372036854775807",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "\"NaN\"",
        "\"Infinity\"",
        "\"-Infinity\"",
        "\"\"",
        "\"x\"",
        "\"\\ud800\"",
        "\"\\u0000\"",
        "[]",
        "{}",
        "[1,2]",
        "[\"a\",null]",
        "{\"a\":1}",
        "[[[[[[[[]]]]]]]]",
    ]
}

pub fn hostile_numbers() -> Vec<String> {
    let mut out = strings(&[
        "PD-0",
        "PD-99999999999999999999",
        "%00",
        "..",
        "...",
        "PD-",
        "PD--1",
        "-1",
        "0",
        "PD-1%00",
        "%FF",
        "%C0%AF",
        "PD-1.5",
        "PD-1e3",
        "%2B1",
        "PD-%2B1",
        "%201",
        "PD-9223372036854775807",
        "PD-9223372036854775808",
        "PD-%F0%9F%92%A9",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f",
        "%E2%80%AE1",
        "null",
        "PD-1%3BDROP%20TABLE%20tickets",
        "1%0A",
        "PD%2D1",
        "pd-0001",
        "PD-%D9%A3",
        "%EF%BB%BF1",
        "PD-1%20",
        "%09",
        "PD-18446744073709551616",
        "-9223372036854775808",
    ]);
    out.push("9".repeat(5000));
    out
}

pub fn hostile_ids() -> Vec<String> {
    strings(&[
        "0",
        "-1",
        "99999999999999999999",
        "abc",
        "%00",
        "1.0",
        "%FF",
        "9223372036854775807",
        "1e3",
        "%2B1",
        "0x10",
        "..",
        "%E2%80%AE1",
        "-9223372036854775808",
    ])
}
