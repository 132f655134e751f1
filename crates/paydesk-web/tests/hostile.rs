//! Hostile input, generated: well over a thousand malformed or adversarial requests across
//! every route and method, on both engines. Whatever a client sends, the answer is never a
//! 5xx, and every refusal is a problem document with a stable `code` and a `detail`.
//!
//! The generator is seeded, so a failure names a request that the next run sends again.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request};
use common::{Api, Reply};
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

/// Requests per engine must reach this many.
const AT_LEAST: usize = 1_500;

/// SplitMix64: small, seeded, the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Percent-encodes everything but unreserved characters.
fn enc(text: &str) -> String {
    enc_bytes(text.as_bytes())
}

fn enc_bytes(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(*b).to_string()
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

/// Text that has broken parsers, databases and renderers before.
fn weird_texts() -> Vec<String> {
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
fn raw_values() -> Vec<&'static str> {
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

#[derive(Clone, Copy, Debug)]
enum Target {
    CreateTicket,
    PatchTicket,
    AddMessage,
    CreateCustomer,
    PatchCustomer,
}

const TARGETS: [Target; 5] = [
    Target::CreateTicket,
    Target::PatchTicket,
    Target::AddMessage,
    Target::CreateCustomer,
    Target::PatchCustomer,
];

/// One request to send, with a label naming it in failure messages.
struct Case {
    label: String,
    method: Method,
    uri: String,
    headers: Vec<(&'static str, HeaderValue)>,
    body: Vec<u8>,
}

impl Case {
    fn new(label: impl Into<String>, method: Method, uri: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            method,
            uri: uri.into(),
            headers: vec![],
            body: vec![],
        }
    }

    fn json(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.headers
            .push(("content-type", HeaderValue::from_static("application/json")));
        self.body = body.into();
        self
    }

    fn header(mut self, name: &'static str, value: HeaderValue) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value));
        self
    }

    fn without(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self
    }
}

/// What a run saw.
#[derive(Default)]
struct Tally {
    sent: usize,
    statuses: BTreeMap<u16, usize>,
    failures: Vec<String>,
}

struct Run {
    api: Arc<Api>,
    rng: Rng,
    tally: Tally,
    /// Ticket numbers that exist, in various states.
    tickets: Vec<String>,
    customers: Vec<i64>,
}

impl Run {
    async fn send(&mut self, case: Case) -> Option<Reply> {
        let request = self.build(&case)?;
        let reply = self.api.send(request).await;
        self.check(&case, &reply);
        Some(reply)
    }

    fn build(&mut self, case: &Case) -> Option<Request<Body>> {
        let mut builder = Request::builder()
            .method(case.method.clone())
            .uri(case.uri.as_str());
        for (name, value) in &case.headers {
            builder = builder.header(*name, value.clone());
        }
        match builder.body(Body::from(case.body.clone())) {
            Ok(r) => Some(r),
            Err(e) => {
                self.tally.failures.push(format!(
                    "{}: could not build {} {} ({e})",
                    case.label, case.method, case.uri
                ));
                None
            }
        }
    }

    /// Counts a reply and records what is wrong with it.
    fn check(&mut self, case: &Case, reply: &Reply) {
        self.tally.sent += 1;
        *self
            .tally
            .statuses
            .entry(reply.status.as_u16())
            .or_default() += 1;
        let uri: String = case.uri.chars().take(160).collect();
        let what = format!("{} [{} {uri}]", case.label, case.method);
        if reply.status.is_server_error() {
            self.tally
                .failures
                .push(format!("{what}: {} {}", reply.status, reply.text()));
        } else if reply.status.is_client_error() {
            if reply.content_type() != "application/problem+json" {
                self.tally.failures.push(format!(
                    "{what}: {} with content-type {:?}: {}",
                    reply.status,
                    reply.content_type(),
                    reply.text()
                ));
            } else if case.method != Method::HEAD {
                let problem: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
                let is_filled = |k: &str| problem[k].as_str().is_some_and(|s| !s.is_empty());
                if !is_filled("code")
                    || !is_filled("detail")
                    || problem["status"] != reply.status.as_u16()
                {
                    self.tally.failures.push(format!(
                        "{what}: {} with a poor problem document: {}",
                        reply.status,
                        reply.text()
                    ));
                }
            }
        }
    }

    /// Sends all `cases` at once, as a retry storm or racing clients would.
    async fn send_together(&mut self, cases: Vec<Case>) -> Vec<Reply> {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, case) in cases.iter().enumerate() {
            if let Some(request) = self.build(case) {
                let api = self.api.clone();
                tasks.spawn(async move { (i, api.send(request).await) });
            }
        }
        let mut replies: Vec<(usize, Reply)> = tasks.join_all().await;
        replies.sort_by_key(|(i, _)| *i);
        for (i, reply) in &replies {
            self.check(&cases[*i], reply);
        }
        replies.into_iter().map(|(_, r)| r).collect()
    }

    /// A ticket number: mostly one that exists, sometimes a hostile one.
    fn number(&mut self) -> String {
        if self.rng.chance(85) {
            self.rng.pick(&self.tickets).clone()
        } else {
            self.rng.pick(&hostile_numbers()).clone()
        }
    }

    fn customer(&mut self) -> String {
        if self.rng.chance(85) {
            self.rng.pick(&self.customers).to_string()
        } else {
            self.rng.pick(&hostile_ids()).clone()
        }
    }

    fn uri(&mut self, target: Target) -> (Method, String) {
        match target {
            Target::CreateTicket => (Method::POST, "/api/v1/tickets".into()),
            Target::PatchTicket => (Method::PATCH, format!("/api/v1/tickets/{}", self.number())),
            Target::AddMessage => (
                Method::POST,
                format!("/api/v1/tickets/{}/messages", self.number()),
            ),
            Target::CreateCustomer => (Method::POST, "/api/v1/customers".into()),
            Target::PatchCustomer => (
                Method::PATCH,
                format!("/api/v1/customers/{}", self.customer()),
            ),
        }
    }

    /// A body the route would accept, with every field it knows.
    fn valid_body(&mut self, target: Target) -> Value {
        let n = self.rng.next() % 1000;
        match target {
            Target::CreateTicket => json!({
                "subject": format!("Charge {n} disputed"),
                "body": "The buyer says the charge is unknown.",
                "business_line": *self.rng.pick(&["buyer", "merchant", "creator"]),
                "priority": *self.rng.pick(&["low", "normal", "high", "urgent"]),
                "channel": *self.rng.pick(&["email", "web", "chat", "api", "phone", "social", "gateway"]),
                "category": "chargeback",
                "tags": ["dispute", format!("t{n}")],
                "queue_id": null,
                "assignee_id": null,
                "customer_id": self.customers.first().copied(),
                "language": "pt-BR",
                "attachments": [{ "filename": "receipt.pdf", "content_type": "application/pdf", "size_bytes": 1234 }],
            }),
            Target::PatchTicket => json!({
                "version": null,
                "status": *self.rng.pick(&["new", "open", "pending", "on_hold", "solved", "closed"]),
                "priority": "high",
                "subject": format!("Renamed {n}"),
                "category": null,
                "tags": ["a", "b"],
                "queue_id": null,
                "assignee_id": null,
            }),
            Target::AddMessage => json!({
                "body": format!("Reply {n}"),
                "visibility": *self.rng.pick(&["public", "internal"]),
                "from": *self.rng.pick(&["staff", "customer"]),
                "attachments": [],
                "version": null,
            }),
            Target::CreateCustomer => json!({
                "business_line": "merchant",
                "name": format!("Shop {n}"),
                "emails": [format!("shop{n}@example.com")],
                "phone": "+1 555 0100",
                "country": "BR",
                "locale": "pt-BR",
                "tier": *self.rng.pick(&["standard", "vip", "strategic"]),
                "external_ids": { "shop_id": format!("s-{n}") },
            }),
            Target::PatchCustomer => json!({
                "version": null,
                "name": format!("Renamed {n}"),
                "emails": ["a@example.com"],
                "phone": null,
                "country": "US",
                "locale": null,
                "tier": "vip",
                "external_ids": {},
            }),
        }
    }

    fn request(&mut self, target: Target, label: String, body: impl Into<Vec<u8>>) -> Case {
        let (method, uri) = self.uri(target);
        Case::new(label, method, uri).json(body)
    }
}

fn hostile_numbers() -> Vec<String> {
    let mut out: Vec<String> = [
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
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    out.push("9".repeat(5000));
    out
}

fn hostile_ids() -> Vec<String> {
    [
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
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect()
}

/// Valid-looking cursors that the store never issued.
fn cursors() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        "!!!",
        "%00",
        "%FF",
        "AAAA",
        "====",
        "not-a-cursor",
        "MQ",
        "eyJpZCI6MX0",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
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

fn ticket_queries() -> Vec<String> {
    let long_q = enc(&"word ".repeat(5000));
    let mut out: Vec<String> = [
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
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    out.push(format!("q={long_q}"));
    out.push(format!("tag={}", "t".repeat(10_000)));
    out.push(format!("category={}", "c".repeat(10_000)));
    out.push(format!("status={}", "open,".repeat(2_000)));
    for c in cursors() {
        out.push(format!("cursor={c}"));
        out.push(format!("limit=2&status=new,open&cursor={c}"));
    }
    for w in weird_texts().iter().take(16) {
        out.push(format!("q={}", enc(w)));
        out.push(format!("tag={}", enc(w)));
        out.push(format!("category={}", enc(w)));
    }
    out
}

fn customer_queries() -> Vec<String> {
    let mut out: Vec<String> = [
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
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    out.push(format!("email={}", "e".repeat(10_000)));
    out.push(format!("name={}", "n".repeat(10_000)));
    for c in cursors() {
        out.push(format!("cursor={c}"));
    }
    for w in weird_texts().iter().take(16) {
        out.push(format!("email={}", enc(w)));
        out.push(format!("name={}", enc(w)));
    }
    out
}

fn content_types() -> Vec<HeaderValue> {
    let mut out: Vec<HeaderValue> = [
        "text/plain",
        "application/xml",
        "application/json; charset=latin1",
        "application/json; charset=utf-16",
        "application/problem+json",
        "application/ld+json",
        "APPLICATION/JSON",
        "application/jsonx",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "",
        ";",
        "application/",
        "+json",
        "json",
        "*/*",
    ]
    .iter()
    .map(|s| HeaderValue::from_static(s))
    .collect();
    out.push(HeaderValue::from_bytes(b"application/json\xff").unwrap());
    out.push(HeaderValue::from_bytes("application/jsön".as_bytes()).unwrap());
    out
}

fn idempotency_keys() -> Vec<HeaderValue> {
    let mut out: Vec<HeaderValue> = ["", " ", "a b", "\t", "k1", "K1", "x"]
        .iter()
        .map(|s| HeaderValue::from_static(s))
        .collect();
    out.push(HeaderValue::from_str(&"k".repeat(300)).unwrap());
    out.push(HeaderValue::from_str(&"k".repeat(255)).unwrap());
    out.push(HeaderValue::from_bytes(b"\xff\xfe").unwrap());
    out.push(HeaderValue::from_bytes("ключ".as_bytes()).unwrap());
    out.push(HeaderValue::from_bytes(b"key\x80").unwrap());
    out
}

fn if_matches() -> Vec<HeaderValue> {
    let mut out: Vec<HeaderValue> = [
        "abc",
        "\"\"",
        "*",
        "W/\"1\"",
        "\"99999999999999999999\"",
        "\"-1\"",
        "\"0\"",
        "1, 2",
        "\"1\"",
        "1",
        "",
        "\"9223372036854775807\"",
        "\"-9223372036854775808\"",
        "\"1.0\"",
        "W/",
    ]
    .iter()
    .map(|s| HeaderValue::from_static(s))
    .collect();
    out.push(HeaderValue::from_bytes(b"\"\xff\"").unwrap());
    out.push(HeaderValue::from_bytes("\"١\"".as_bytes()).unwrap());
    out
}

/// Breaks a JSON text: each variant is a different way a client gets it wrong.
fn mangle(rng: &mut Rng, text: &[u8]) -> (String, Vec<u8>) {
    let mut bytes = text.to_vec();
    match rng.below(14) {
        0 => {
            let at = rng.below(bytes.len().max(1));
            bytes.truncate(at);
            (format!("truncated at {at}"), bytes)
        }
        1 => {
            bytes.extend_from_slice(rng.pick::<&[u8]>(&[
                &b"}"[..],
                b"garbage",
                b",",
                b"{}",
                b"\0",
                b" x",
                b"]",
            ]));
            ("trailing garbage".into(), bytes)
        }
        2 => {
            let at = rng.below(bytes.len().max(1));
            let bad = *rng.pick::<&[u8]>(&[
                &b"\xff"[..],
                b"\xc3",
                b"\xed\xa0\x80",
                b"\xf8\x88\x80\x80\x80",
                b"\xc0\xaf",
                b"\x00",
            ]);
            bytes.splice(at..at, bad.iter().copied());
            ("invalid UTF-8 bytes".into(), bytes)
        }
        3 => {
            let mut out = b"[".to_vec();
            out.extend_from_slice(&bytes);
            out.push(b']');
            ("wrapped in an array".into(), out)
        }
        4 => {
            let mut out = b"{\"ticket\":".to_vec();
            out.extend_from_slice(&bytes);
            out.push(b'}');
            ("nested one level down".into(), out)
        }
        5 => {
            let mut out = b"\xef\xbb\xbf".to_vec();
            out.extend_from_slice(&bytes);
            ("byte order mark".into(), out)
        }
        6 => (
            "single quotes".into(),
            String::from_utf8_lossy(&bytes)
                .replace('"', "'")
                .into_bytes(),
        ),
        7 => {
            let at = bytes.iter().position(|b| *b == b',').unwrap_or(0);
            bytes.insert(at, b',');
            ("double comma".into(), bytes)
        }
        8 => {
            let text = String::from_utf8_lossy(&bytes).replacen('{', "{/* comment */", 1);
            ("comment".into(), text.into_bytes())
        }
        9 => {
            let doc = *rng.pick::<&[u8]>(&[
                &b""[..],
                b" ",
                b"null",
                b"[]",
                b"\"text\"",
                b"0",
                b"true",
                b"{",
                b"}",
                b"{}{}",
                b"{\"a\":}",
                b"{,}",
                b"\xff",
            ]);
            (
                format!("document {:?}", String::from_utf8_lossy(doc)),
                doc.to_vec(),
            )
        }
        10 => {
            let depth = *rng.pick(&[64usize, 129, 1_000, 100_000]);
            let mut out = "[".repeat(depth).into_bytes();
            out.extend(std::iter::repeat_n(b']', depth));
            (format!("nested {depth} deep"), out)
        }
        11 => {
            let text = String::from_utf8_lossy(&bytes);
            let dup = text.replacen(
                '{',
                "{\"subject\":\"dup\",\"name\":\"dup\",\"body\":\"dup\",",
                1,
            );
            ("duplicate keys".into(), dup.into_bytes())
        }
        12 => {
            let text = String::from_utf8_lossy(&bytes).replace(':', ": \u{a0}");
            (
                "non-breaking space between tokens".into(),
                text.into_bytes(),
            )
        }
        _ => {
            let at = rng.below(bytes.len().max(1));
            if let Some(b) = bytes.get_mut(at) {
                *b ^= 1 << rng.below(8);
            }
            (format!("bit flip at {at}"), bytes)
        }
    }
}

/// Sets `field` (or `attachments[0].<field>`) to a raw JSON text.
fn with_raw(body: &Value, field: &str, raw: &str) -> Vec<u8> {
    let mut body = body.clone();
    let marker = "\u{1}RAW\u{1}";
    match field.strip_prefix("attachments.") {
        Some(inner) => {
            body["attachments"] = json!([{ "filename": "a.pdf", "content_type": "application/pdf", "size_bytes": 1 }]);
            body["attachments"][0][inner] = json!(marker);
        }
        None => body[field] = json!(marker),
    }
    body.to_string()
        .replace(&json!(marker).to_string(), raw)
        .into_bytes()
}

fn fields(body: &Value) -> Vec<String> {
    body.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

async fn setup(api: Api) -> Run {
    let mut run = Run {
        api: Arc::new(api),
        rng: Rng(0x5EED_F0DE_5C00),
        tally: Tally::default(),
        tickets: vec![],
        customers: vec![],
    };
    for name in ["Ada", "Bea"] {
        let case = Case::new("setup customer", Method::POST, "/api/v1/customers")
            .json(json!({ "business_line": "buyer", "name": name, "emails": [format!("{name}@example.com")] }).to_string());
        let reply = run.send(case).await.unwrap();
        run.customers.push(reply.json()["id"].as_i64().unwrap());
    }
    // Tickets in each state: new, open, pending, on_hold, solved, closed.
    for path in [
        &[][..],
        &["open"],
        &["pending"],
        &["on_hold"],
        &["solved"],
        &["solved", "closed"],
    ] {
        run.add_ticket(path).await;
    }
    run
}

impl Run {
    async fn add_ticket(&mut self, statuses: &[&str]) {
        self.api.clock.advance(1_000);
        let body = json!({ "subject": "Seed", "body": "Seed ticket.", "business_line": "buyer", "customer_id": self.customers[0] });
        let reply = self
            .send(Case::new("seed ticket", Method::POST, "/api/v1/tickets").json(body.to_string()))
            .await
            .unwrap();
        let number = reply.json()["number"].as_str().unwrap().to_string();
        for status in statuses {
            let case = Case::new(
                "seed status",
                Method::PATCH,
                format!("/api/v1/tickets/{number}"),
            )
            .json(json!({ "status": status }).to_string());
            self.send(case).await;
        }
        self.tickets.push(number);
    }

    /// Every route and path shape with every method, including ones nobody routes.
    async fn methods(&mut self) {
        let n = self.tickets[0].clone();
        let c = self.customers[0];
        let paths = [
            "/healthz".to_string(),
            "/readyz".into(),
            "/api/v1/openapi.json".into(),
            "/api/v1/tickets".into(),
            format!("/api/v1/tickets/{n}"),
            format!("/api/v1/tickets/{n}/messages"),
            format!("/api/v1/tickets/{n}/timeline"),
            "/api/v1/customers".into(),
            format!("/api/v1/customers/{c}"),
            "/api/v1/tickets/".into(),
            "/api/v1/".into(),
            "/".into(),
            "/api/v2/tickets".into(),
            format!("/api/v1/tickets/{n}/messages/1"),
            "//api//v1//tickets".into(),
            "/api/v1/tickets?".into(),
            "/API/V1/TICKETS".into(),
            "/api/v1/tickets%2F1".into(),
        ];
        let methods = [
            "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PURGE", "CONNECT",
        ];
        for path in &paths {
            for m in methods {
                let method = Method::from_bytes(m.as_bytes()).unwrap();
                let mut case = Case::new(format!("method {m}"), method.clone(), path.clone());
                if self.rng.chance(50) && method != Method::CONNECT {
                    let body = self
                        .rng
                        .pick(&[&b"{}"[..], b"{\"subject\":1}", b"not json", b"\xff\xfe"])
                        .to_vec();
                    case = case.json(body);
                }
                self.send(case).await;
            }
        }
    }

    /// Each field of each body set to each wrong kind of value.
    async fn wrong_types(&mut self) {
        let raws = raw_values();
        for target in TARGETS {
            let base = self.valid_body(target);
            let mut names = fields(&base);
            names.extend(
                [
                    "attachments.size_bytes",
                    "attachments.filename",
                    "attachments.content_type",
                ]
                .map(String::from),
            );
            if matches!(
                target,
                Target::CreateCustomer | Target::PatchCustomer | Target::PatchTicket
            ) {
                names.retain(|n| !n.starts_with("attachments."));
            }
            for field in names {
                // Every field gets a spread of the wrong values; not all of them, to keep the run short.
                let chosen: Vec<&str> = raws
                    .iter()
                    .copied()
                    .filter(|_| self.rng.chance(45))
                    .collect();
                for raw in chosen {
                    let body = with_raw(&base, &field, raw);
                    let case = self.request(target, format!("{target:?}.{field} = {raw}"), body);
                    self.send(case).await;
                }
            }
        }
    }

    /// Unknown fields, missing fields, unknown enum values, broken JSON.
    async fn shapes(&mut self) {
        for round in 0..60 {
            let target = TARGETS[round % TARGETS.len()];
            let mut body = self.valid_body(target);
            let names = fields(&body);
            let (label, bytes) = match self.rng.below(5) {
                0 => {
                    let extra = *self.rng.pick(&[
                        "id",
                        "created_at",
                        "Subject",
                        "subject ",
                        "__proto__",
                        "",
                        "\u{0}",
                        "status\u{200b}",
                        "version2",
                    ]);
                    body[extra] = json!(1);
                    (
                        format!("unknown field {extra:?}"),
                        body.to_string().into_bytes(),
                    )
                }
                1 => {
                    let gone = self.rng.pick(&names).clone();
                    body.as_object_mut().unwrap().remove(&gone);
                    (format!("missing {gone}"), body.to_string().into_bytes())
                }
                2 => {
                    body.as_object_mut().unwrap().clear();
                    ("empty object".into(), body.to_string().into_bytes())
                }
                3 => {
                    let field = *self.rng.pick(&[
                        "status",
                        "priority",
                        "channel",
                        "business_line",
                        "visibility",
                        "from",
                        "tier",
                    ]);
                    let value = *self.rng.pick(&[
                        "bogus",
                        "NEW",
                        "Open",
                        "on-hold",
                        "onhold",
                        " open",
                        "open\u{0}",
                        "",
                        "deleted",
                        "agent",
                        "gold",
                    ]);
                    body[field] = json!(value);
                    (
                        format!("{field} = {value:?}"),
                        body.to_string().into_bytes(),
                    )
                }
                _ => {
                    let text = body.to_string();
                    mangle(&mut self.rng, text.as_bytes())
                }
            };
            let case = self.request(target, format!("{target:?}: {label}"), bytes);
            self.send(case).await;
        }
        for _ in 0..240 {
            let target = *self.rng.pick(&TARGETS);
            let text = self.valid_body(target).to_string();
            let (label, bytes) = mangle(&mut self.rng, text.as_bytes());
            let case = self.request(target, format!("{target:?}: {label}"), bytes);
            self.send(case).await;
        }
    }

    /// Odd text in every free-text field.
    async fn unicode(&mut self) {
        let texts = weird_texts();
        let text_fields: [(Target, &[&str]); 5] = [
            (
                Target::CreateTicket,
                &["subject", "body", "category", "language"],
            ),
            (Target::PatchTicket, &["subject", "category"]),
            (Target::AddMessage, &["body"]),
            (
                Target::CreateCustomer,
                &["name", "phone", "country", "locale"],
            ),
            (
                Target::PatchCustomer,
                &["name", "phone", "country", "locale"],
            ),
        ];
        for (target, names) in text_fields {
            for name in names {
                for text in &texts {
                    let mut body = self.valid_body(target);
                    body[*name] = json!(text);
                    let case = self.request(
                        target,
                        format!(
                            "{target:?}.{name} = {:?}",
                            text.chars().take(20).collect::<String>()
                        ),
                        body.to_string(),
                    );
                    self.send(case).await;
                }
            }
        }
        // Inside lists and maps, and in attachment names, one place at a time.
        for text in &texts {
            let label =
                |what: &str| format!("{what} = {:?}", text.chars().take(20).collect::<String>());
            let attachment = |name: &str, kind: &str| json!([{ "filename": name, "content_type": kind, "size_bytes": 0 }]);
            let mut edits: Vec<(Target, &str, Value)> = vec![
                (Target::CreateTicket, "tags", json!([text])),
                (Target::PatchTicket, "tags", json!([text, "ok"])),
                (
                    Target::CreateTicket,
                    "attachments",
                    attachment(text, "application/pdf"),
                ),
                (
                    Target::CreateTicket,
                    "attachments",
                    attachment("a.pdf", text),
                ),
                (
                    Target::AddMessage,
                    "attachments",
                    attachment(text, "application/pdf"),
                ),
                (Target::AddMessage, "attachments", attachment("a.pdf", text)),
            ];
            for target in [Target::CreateCustomer, Target::PatchCustomer] {
                edits.push((target, "emails", json!([text])));
                edits.push((target, "emails", json!([format!("{text}@example.com")])));
                edits.push((target, "external_ids", json!({ text.clone(): "v" })));
                edits.push((target, "external_ids", json!({ "k": text })));
            }
            for (target, field, value) in edits {
                let mut body = self.valid_body(target);
                body[field] = value;
                let case = self.request(
                    target,
                    format!("{target:?}: {}", label(field)),
                    body.to_string(),
                );
                self.send(case).await;
            }
        }
    }

    /// Huge bodies, long strings, many items.
    async fn sizes(&mut self) {
        let over = "x".repeat(paydesk_web::BODY_LIMIT + 10);
        for target in TARGETS {
            let mut body = self.valid_body(target);
            let field = match target {
                Target::CreateTicket | Target::AddMessage => "body",
                Target::PatchTicket => "subject",
                Target::CreateCustomer | Target::PatchCustomer => "name",
            };
            body[field] = json!(over);
            let case = self.request(
                target,
                format!("{target:?}: body over the limit"),
                body.to_string(),
            );
            self.send(case).await;
            let case = self.request(
                target,
                format!("{target:?}: raw bytes over the limit"),
                vec![b' '; paydesk_web::BODY_LIMIT + 1],
            );
            self.send(case).await;
        }
        let big = "Lorem ipsum dolor sit amet, 4111 1111 1111 1111 CVV 123. ".repeat(300_000 / 58);
        for target in [Target::CreateTicket, Target::AddMessage] {
            for text in [
                big.clone(),
                "y".repeat(300_000),
                "z ".repeat(150_000),
                "é".repeat(150_000),
                "x".repeat(paydesk_domain::message::BODY_MAX),
            ] {
                let mut body = self.valid_body(target);
                body["body"] = json!(text);
                let case = self.request(
                    target,
                    format!("{target:?}: {} byte text", text.len()),
                    body.to_string(),
                );
                self.send(case).await;
            }
        }
        let many_tags: Vec<String> = (0..10_000).map(|i| format!("tag{i}")).collect();
        let same_tags = vec!["same".to_string(); 10_000];
        let long_tags = vec!["t".repeat(10_000); 3];
        for tags in [&many_tags, &same_tags, &long_tags] {
            for target in [Target::CreateTicket, Target::PatchTicket] {
                let mut body = self.valid_body(target);
                body["tags"] = json!(tags);
                let case = self.request(
                    target,
                    format!("{target:?}: {} tags", tags.len()),
                    body.to_string(),
                );
                self.send(case).await;
            }
        }
        let many_emails: Vec<String> = (0..10_000).map(|i| format!("u{i}@example.com")).collect();
        let many_ids: BTreeMap<String, String> = (0..10_000)
            .map(|i| (format!("k{i}"), format!("v{i}")))
            .collect();
        let long_ids: BTreeMap<String, String> =
            [("k".repeat(100_000), "v".repeat(100_000))].into();
        for target in [Target::CreateCustomer, Target::PatchCustomer] {
            for (label, key, value) in [
                ("10k emails", "emails", json!(many_emails)),
                ("10k external ids", "external_ids", json!(many_ids)),
                ("100 KB external id", "external_ids", json!(long_ids)),
                ("100 KB phone", "phone", json!("5".repeat(100_000))),
                ("100 KB locale", "locale", json!("l".repeat(100_000))),
                (
                    "long email",
                    "emails",
                    json!([format!("{}@example.com", "a".repeat(300))]),
                ),
            ] {
                let mut body = self.valid_body(target);
                body[key] = value;
                let case = self.request(target, format!("{target:?}: {label}"), body.to_string());
                self.send(case).await;
            }
        }
        let attachment =
            json!({ "filename": "a.pdf", "content_type": "application/pdf", "size_bytes": 1 });
        let many = vec![attachment; 5_000];
        let long_type = json!([{ "filename": "a.pdf", "content_type": "c".repeat(100_000), "size_bytes": i64::MAX }]);
        for target in [Target::CreateTicket, Target::AddMessage] {
            for list in [json!(many), long_type.clone()] {
                let mut body = self.valid_body(target);
                body["attachments"] = list;
                let case = self.request(
                    target,
                    format!("{target:?}: many or long attachments"),
                    body.to_string(),
                );
                self.send(case).await;
            }
        }
    }

    /// Content types, idempotency keys, version preconditions.
    async fn headers(&mut self) {
        for ct in content_types() {
            for target in TARGETS {
                let body = self.valid_body(target).to_string();
                let case = self
                    .request(target, format!("{target:?}: content-type {ct:?}"), body)
                    .header("content-type", ct.clone());
                self.send(case).await;
            }
        }
        for target in TARGETS {
            let body = self.valid_body(target).to_string();
            let case = self
                .request(target, format!("{target:?}: no content-type"), body)
                .without("content-type");
            self.send(case).await;
        }
        for key in idempotency_keys() {
            for _ in 0..2 {
                let body = self.valid_body(Target::CreateTicket).to_string();
                let case = self
                    .request(
                        Target::CreateTicket,
                        format!("idempotency-key {key:?}"),
                        body,
                    )
                    .header("idempotency-key", key.clone());
                self.send(case).await;
            }
        }
        for value in if_matches() {
            for target in [Target::PatchTicket, Target::AddMessage] {
                let mut body = self.valid_body(target);
                body.as_object_mut().unwrap().remove("version");
                body["status"] = json!("pending");
                if matches!(target, Target::AddMessage) {
                    body.as_object_mut().unwrap().remove("status");
                }
                let case = self
                    .request(
                        target,
                        format!("{target:?}: if-match {value:?}"),
                        body.to_string(),
                    )
                    .header("if-match", value.clone());
                self.send(case).await;
            }
        }
    }

    /// Path segments that are not ticket numbers or customer ids.
    async fn paths(&mut self) {
        for n in hostile_numbers() {
            self.send(Case::new(
                "hostile number",
                Method::GET,
                format!("/api/v1/tickets/{n}"),
            ))
            .await;
            self.send(Case::new(
                "hostile number",
                Method::GET,
                format!("/api/v1/tickets/{n}/timeline"),
            ))
            .await;
            let case = Case::new(
                "hostile number",
                Method::PATCH,
                format!("/api/v1/tickets/{n}"),
            )
            .json(r#"{"priority":"low"}"#);
            self.send(case).await;
            let case = Case::new(
                "hostile number",
                Method::POST,
                format!("/api/v1/tickets/{n}/messages"),
            )
            .json(r#"{"body":"hi"}"#);
            self.send(case).await;
        }
        for id in hostile_ids() {
            self.send(Case::new(
                "hostile customer id",
                Method::GET,
                format!("/api/v1/customers/{id}"),
            ))
            .await;
            let case = Case::new(
                "hostile customer id",
                Method::PATCH,
                format!("/api/v1/customers/{id}"),
            )
            .json(r#"{"name":"x"}"#);
            self.send(case).await;
        }
    }

    /// Query strings no client should send.
    async fn queries(&mut self) {
        for q in ticket_queries() {
            self.send(Case::new(
                "ticket query",
                Method::GET,
                format!("/api/v1/tickets?{q}"),
            ))
            .await;
        }
        for q in customer_queries() {
            self.send(Case::new(
                "customer query",
                Method::GET,
                format!("/api/v1/customers?{q}"),
            ))
            .await;
        }
        let n = self.tickets[1].clone();
        for q in [
            "limit=-1",
            "limit=abc",
            "limit=0",
            "limit=99999999999999999999",
            "status=new",
            "q=x",
            "%ZZ",
            "limit=%FF",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .chain(cursors().into_iter().map(|c| format!("cursor={c}")))
        {
            self.send(Case::new(
                "timeline query",
                Method::GET,
                format!("/api/v1/tickets/{n}/timeline?{q}"),
            ))
            .await;
        }
    }

    /// Every status to every status, with right, stale and absurd versions; replies to each state.
    async fn transitions(&mut self) {
        let statuses = ["new", "open", "pending", "on_hold", "solved", "closed"];
        for from in statuses {
            for to in statuses {
                let path: Vec<&str> = match from {
                    "new" => vec![],
                    "closed" => vec!["solved", "closed"],
                    other => vec![other],
                };
                self.add_ticket(&path).await;
                let number = self.tickets.last().unwrap().clone();
                let url = format!("/api/v1/tickets/{number}");
                let current = self
                    .send(Case::new("read", Method::GET, url.clone()))
                    .await
                    .unwrap()
                    .json()["version"]
                    .as_i64()
                    .unwrap();
                let version =
                    *self
                        .rng
                        .pick(&[current, current - 1, current + 1, 0, -1, i64::MAX, i64::MIN]);
                let case = Case::new(
                    format!("{from} -> {to} at version {version}"),
                    Method::PATCH,
                    url.clone(),
                )
                .json(json!({ "status": to, "version": version }).to_string());
                self.send(case).await;
                let case = Case::new(format!("{from} -> {to}"), Method::PATCH, url.clone())
                    .json(json!({ "status": to }).to_string());
                self.send(case).await;
                for (from_who, visibility) in [
                    ("customer", "public"),
                    ("staff", "public"),
                    ("staff", "internal"),
                    ("customer", "internal"),
                ] {
                    let case = Case::new(
                        format!("{from_who} {visibility} message after {to}"),
                        Method::POST,
                        format!("{url}/messages"),
                    )
                    .json(
                        json!({ "body": "hello", "from": from_who, "visibility": visibility })
                            .to_string(),
                    );
                    self.send(case).await;
                }
            }
        }
        // References to rows that do not exist.
        for (field, value) in [
            ("queue_id", json!(1)),
            ("assignee_id", json!(1)),
            ("customer_id", json!(999_999)),
            ("queue_id", json!(-1)),
            ("assignee_id", json!(0)),
            ("customer_id", json!(i64::MAX)),
            ("customer_id", json!(i64::MIN)),
        ] {
            let mut body = self.valid_body(Target::CreateTicket);
            body[field] = value.clone();
            let case = self.request(
                Target::CreateTicket,
                format!("create with {field} {value}"),
                body.to_string(),
            );
            self.send(case).await;
            if field != "customer_id" {
                let n = self.tickets[0].clone();
                let case = Case::new(
                    format!("patch {field} {value}"),
                    Method::PATCH,
                    format!("/api/v1/tickets/{n}"),
                )
                .json(json!({ field: value }).to_string());
                self.send(case).await;
            }
        }
    }

    /// Racing clients: a retry storm on one idempotency key, stale-version races on one
    /// ticket and one customer, replies racing a close.
    async fn races(&mut self) {
        const N: usize = 24;
        let body = self.valid_body(Target::CreateTicket).to_string();
        let key = HeaderValue::from_static("storm-1");
        let cases = (0..N)
            .map(|_| {
                Case::new("retry storm", Method::POST, "/api/v1/tickets")
                    .json(body.clone())
                    .header("idempotency-key", key.clone())
            })
            .collect();
        let replies = self.send_together(cases).await;
        assert!(
            replies.iter().all(|r| r.status.is_success()),
            "every retry succeeds"
        );
        let ids: std::collections::BTreeSet<i64> = replies
            .iter()
            .filter_map(|r| r.json()["id"].as_i64())
            .collect();
        assert_eq!(ids.len(), 1, "one ticket for one key, got {ids:?}");
        assert_eq!(
            replies.iter().filter(|r| r.status.as_u16() == 201).count(),
            1
        );

        self.add_ticket(&["open"]).await;
        let number = self.tickets.last().unwrap().clone();
        let url = format!("/api/v1/tickets/{number}");
        let version = self
            .send(Case::new("read", Method::GET, url.clone()))
            .await
            .unwrap()
            .json()["version"]
            .as_i64()
            .unwrap();
        let priorities = ["low", "normal", "high", "urgent"];
        let cases = (0..N)
            .map(|i| Case::new("racing change", Method::PATCH, url.clone()).json(json!({ "version": version, "priority": priorities[i % 4], "tags": [format!("r{i}")] }).to_string()))
            .collect();
        let replies = self.send_together(cases).await;
        assert_eq!(
            replies.iter().filter(|r| r.status.is_success()).count(),
            1,
            "one racing change wins"
        );

        let mut cases: Vec<Case> = (0..N)
            .map(|i| Case::new("reply racing a close", Method::POST, format!("{url}/messages")).json(json!({ "body": format!("r{i}"), "from": if i % 2 == 0 { "customer" } else { "staff" } }).to_string()))
            .collect();
        cases.insert(
            N / 2,
            Case::new("close racing replies", Method::PATCH, url.clone())
                .json(r#"{"status":"solved"}"#),
        );
        self.send_together(cases).await;

        let c = self.customers[1];
        let url = format!("/api/v1/customers/{c}");
        let version = self
            .send(Case::new("read", Method::GET, url.clone()))
            .await
            .unwrap()
            .json()["version"]
            .as_i64()
            .unwrap();
        let cases = (0..N)
            .map(|i| {
                Case::new("racing customer change", Method::PATCH, url.clone())
                    .json(json!({ "version": version, "name": format!("N{i}") }).to_string())
            })
            .collect();
        let replies = self.send_together(cases).await;
        assert_eq!(
            replies.iter().filter(|r| r.status.is_success()).count(),
            1,
            "one racing customer change wins"
        );
    }

    /// Random requests mixing all of the above, until `until` requests have been sent.
    async fn random(&mut self, until: usize) {
        let texts = weird_texts();
        while self.tally.sent < until {
            let target = *self.rng.pick(&TARGETS);
            let mut body = self.valid_body(target);
            let names = fields(&body);
            for _ in 0..=self.rng.below(3) {
                let field = self.rng.pick(&names).clone();
                body[&field] = match self.rng.below(4) {
                    0 => json!(self.rng.pick(&texts)),
                    1 => json!(self.rng.next() as i64),
                    2 => Value::Null,
                    _ => json!([self.rng.pick(&texts)]),
                };
            }
            let mut bytes = body.to_string().into_bytes();
            let mut label = format!("random {target:?}");
            if self.rng.chance(30) {
                let (how, b) = mangle(&mut self.rng, &bytes);
                label = format!("{label}, {how}");
                bytes = b;
            }
            let mut case = self.request(target, label, bytes);
            if self.rng.chance(10) {
                case = case.header("content-type", self.rng.pick(&content_types()).clone());
            }
            if self.rng.chance(10) {
                case = case.header(
                    "idempotency-key",
                    self.rng.pick(&idempotency_keys()).clone(),
                );
            }
            if self.rng.chance(10) {
                case = case.header("if-match", self.rng.pick(&if_matches()).clone());
            }
            self.send(case).await;
        }
    }
}

async fn hostile_requests_never_get_a_5xx(store: Store) {
    let started = Instant::now();
    let engine = store.engine().name();
    let mut run = setup(Api::new(store)).await;
    run.methods().await;
    run.wrong_types().await;
    run.shapes().await;
    run.unicode().await;
    run.sizes().await;
    run.headers().await;
    run.paths().await;
    run.queries().await;
    run.transitions().await;
    run.races().await;
    let budget = run.tally.sent.max(AT_LEAST) + 300;
    run.random(budget).await;

    let tally = &run.tally;
    let server_errors: usize = tally
        .statuses
        .iter()
        .filter(|(s, _)| **s >= 500)
        .map(|(_, n)| n)
        .sum();
    let statuses = tally
        .statuses
        .iter()
        .map(|(s, n)| format!("{s}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    println!(
        "hostile ({engine}): {} requests, {server_errors} server errors, statuses {{{statuses}}} in {:.1} s",
        tally.sent,
        started.elapsed().as_secs_f64()
    );
    assert!(tally.sent >= AT_LEAST, "only {} requests sent", tally.sent);
    assert!(
        tally.failures.is_empty(),
        "{} bad answers:\n{}",
        tally.failures.len(),
        tally
            .failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(server_errors, 0);
    // The hostile run must not have made the service unusable.
    let ok = run
        .send(Case::new("after", Method::GET, "/api/v1/tickets?limit=1"))
        .await
        .unwrap();
    assert!(ok.status.is_success());
}

on_both_engines!(hostile_requests_never_get_a_5xx);
