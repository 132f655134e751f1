//! Query strings no client should send, and cursors the store never issued.

use crate::values::{strings, weird_texts};

/// Percent-encodes everything but unreserved characters.
fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn b64(text: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in text.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(
                ALPHABET[usize::try_from((n >> (18 - 6 * i)) & 63).unwrap()],
            ));
        }
    }
    out
}

/// Each cursor after each of `prefixes`.
fn with_cursors(prefixes: &[&str]) -> Vec<String> {
    cursors()
        .iter()
        .flat_map(|c| prefixes.iter().map(move |p| format!("{p}cursor={c}")))
        .collect()
}

/// `key=<text>` for each key with each of the first odd texts, percent-encoded.
fn with_weird_texts(keys: &[&str]) -> Vec<String> {
    weird_texts()
        .iter()
        .take(16)
        .flat_map(|w| keys.iter().map(move |k| format!("{k}={}", enc(w))))
        .collect()
}

/// `key=` and `part` again and again.
fn long(key: &str, part: &str, times: usize) -> String {
    format!("{key}={}", part.repeat(times))
}

/// Valid-looking cursors that the store never issued.
fn cursors() -> Vec<String> {
    let mut out = strings(&[
        "",
        "!!!",
        "%00",
        "%FF",
        "AAAA",
        "====",
        "not-a-cursor",
        "MQ",
        "eyJpZCI6MX0",
    ]);
    for raw in [
        &b"9223372036854775807.9223372036854775807"[..],
        b"-9223372036854775808.-9223372036854775808",
        b"1.2.3",
        b"1",
        b"",
        b"a.b",
        b"0.0",
        b"-1.-1",
        b"1.\0",
        b"\xff\xfe.1",
        b"99999999999999999999.1",
        b"1790000000000.1",
        b"1790000000000",
    ] {
        out.push(b64(raw));
    }
    out
}

pub fn ticket_queries() -> Vec<String> {
    let mut out = strings(&[
        "limit=-1",
        "limit=abc",
        "limit=0",
        "limit=",
        "limit=1e3",
        "limit=99999999999999999999999",
        "limit=18446744073709551615",
        "limit=1.5",
        "limit=%FF",
        "status=bogus",
        "status=,,,",
        "status=NEW",
        "status=open%00",
        "status=new&status=open",
        "status=%20",
        "business_line=bogus",
        "business_line=",
        "assignee_id=-1",
        "assignee_id=99999999999999999999",
        "assignee_id=NONE",
        "assignee_id=",
        "customer_id=abc",
        "customer_id=-5",
        "customer_id=99999999999999999999",
        "queue_id=1.5",
        "queue_id=-9223372036854775808",
        "created_from=notatime",
        "created_from=9999-99-99",
        "created_from=2026-02-30",
        "created_from=-009999-01-01T00:00:00Z",
        "created_from=99999-01-01",
        "created_to=1970-01-01",
        "created_to=0",
        "created_from=2026-13-01",
        "created_from=2026-01-01T25:00:00Z",
        "created_from=9999-12-31T23:59:59.999999999Z",
        "created_to=-009999-01-02",
        "created_from=%00",
        "created_to=%FF",
        "q=%00",
        "q=%26%7C!()%3A*",
        "q=%27%22%5C",
        "q=a%00b",
        "q=NOT",
        "q=AND%20OR",
        "q=%22*%22",
        "q=NEAR(a%20b)",
        "q=%FF%FE",
        "q=",
        "q=%E2%80%AE",
        "q=%F0%9F%98%80",
        "q=%D9%85%D8%B1%D8%AD%D8%A8%D8%A7",
        "tag=%00",
        "tag=",
        "tag=%20",
        "category=%00",
        "category=",
        "unknown=1",
        "%ZZ=1",
        "q=%ZZ",
        "===",
        "&&&",
        "=",
        "a[b]=c",
        "limit",
        "status",
        "LIMIT=1",
        "limit=1&limit=2",
        "cursor",
        "q=-payout",
        "q=%2Bpayout",
        "q=payout:*",
        "q=!payout",
    ]);
    out.extend([
        format!("q={}", enc(&"word ".repeat(5000))),
        long("tag", "t", 10_000),
        long("category", "c", 10_000),
        long("status", "open,", 2_000),
    ]);
    out.extend(with_cursors(&["", "limit=2&status=new,open&"]));
    out.extend(with_weird_texts(&["q", "tag", "category"]));
    out
}

pub fn customer_queries() -> Vec<String> {
    let mut out = strings(&[
        "email=%00",
        "email=",
        "name=%00",
        "name=%25",
        "name=_",
        "name=%5C",
        "name=%25%25%25",
        "name=%5C%25",
        "business_line=bogus",
        "limit=-1",
        "limit=abc",
        "limit=0",
        "unknown=1",
        "email=a%40b.c&email=d%40e.f",
        "name=%FF",
        "email=%FF",
        "tier=vip",
    ]);
    out.extend([long("email", "e", 10_000), long("name", "n", 10_000)]);
    out.extend(with_cursors(&[""]));
    out.extend(with_weird_texts(&["email", "name"]));
    out
}

/// For a ticket's timeline.
pub fn timeline_queries() -> Vec<String> {
    let mut out = strings(&[
        "limit=-1",
        "limit=abc",
        "limit=0",
        "limit=99999999999999999999",
        "status=new",
        "q=x",
        "%ZZ",
        "limit=%FF",
    ]);
    out.extend(with_cursors(&[""]));
    out
}
