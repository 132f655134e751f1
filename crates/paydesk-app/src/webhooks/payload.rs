//! Gateway JSON on the way in: redacted whole, once, before anything reads it (every
//! string, every object key, and every number whose digits could be a card), so whatever
//! is stored, noted or logged from it is already masked. Then fields are read by path,
//! and a missing one is named in the refusal.

use paydesk_domain::redaction::redact;
use serde_json::{Map, Value};

/// What redaction masked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Masked {
    pub card_numbers: usize,
    pub security_codes: usize,
}

impl Masked {
    fn add(&mut self, text: &str) -> String {
        // PostgreSQL cannot store NUL in text; nothing a gateway says needs it.
        let text = text.replace('\0', "\u{FFFD}");
        let r = redact(&text);
        self.card_numbers += r.card_numbers;
        self.security_codes += r.security_codes;
        r.text
    }

    /// Whether anything was masked.
    #[must_use]
    pub fn any(self) -> bool {
        self.card_numbers + self.security_codes > 0
    }
}

/// `value` with every text redacted. A number whose digits hold card data becomes its
/// masked text (a card number sent as a JSON number is still a card number).
pub fn redact_value(value: Value, masked: &mut Masked) -> Value {
    match value {
        Value::String(s) => Value::String(masked.add(&s)),
        Value::Number(n) => {
            let digits = n.to_string();
            let r = redact(&digits);
            if r.count() > 0 {
                Value::String(masked.add(&digits))
            } else {
                Value::Number(n)
            }
        }
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| redact_value(v, masked)).collect())
        }
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                let k = masked.add(&k);
                let v = redact_value(v, masked);
                out.insert(k, v);
            }
            Value::Object(out)
        }
        other @ (Value::Bool(_) | Value::Null) => other,
    }
}

/// Keys whose values are about a person (cardholder names, emails, phones, addresses,
/// IP addresses) rather than the payment.
const PERSONAL: &[&str] = &[
    "name",
    "email",
    "phone",
    "address",
    "receipt_email",
    "customer_name",
    "customer_email_address",
    "customer_purchase_ip",
    "billing_address",
    "shipping_address",
    "shipping",
    "ip",
    "ip_address",
];

/// What stands in for a personal value in a kept payload.
pub const REMOVED: &str = "[removed]";

/// `value` as it is kept in the webhook record: personal values (see [`PERSONAL`]) are
/// replaced, since the record outlives any erasure of the customer's identity. Matching a
/// customer reads the event before this.
#[must_use]
pub fn without_personal_data(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let personal =
                        PERSONAL.contains(&k.to_ascii_lowercase().as_str()) && !v.is_null();
                    let kept = if personal {
                        Value::String(REMOVED.into())
                    } else {
                        without_personal_data(v)
                    };
                    (k.clone(), kept)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_personal_data).collect()),
        other => other.clone(),
    }
}

/// A body that is not JSON, as redacted text (invalid UTF-8 replaced).
pub fn redact_body(body: &[u8], masked: &mut Masked) -> String {
    masked.add(&String::from_utf8_lossy(body))
}

/// The value at `path` (object keys), if every step is there.
#[must_use]
pub fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(*key))
}

/// The text at `path`.
#[must_use]
pub fn text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(value, path).and_then(Value::as_str)
}

/// The integer at `path`.
#[must_use]
pub fn int(value: &Value, path: &[&str]) -> Option<i64> {
    at(value, path).and_then(Value::as_i64)
}

/// The boolean at `path`.
#[must_use]
pub fn flag(value: &Value, path: &[&str]) -> Option<bool> {
    at(value, path).and_then(Value::as_bool)
}

/// The id at `path`: a text, or an object's `id` (an expanded reference).
#[must_use]
pub fn reference<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let v = at(value, path)?;
    v.as_str().or_else(|| v.get("id").and_then(Value::as_str))
}

fn named(path: &[&str]) -> String {
    path.join(".")
}

/// The text at `path`, or why not.
pub fn need_text<'a>(value: &'a Value, path: &[&str]) -> Result<&'a str, String> {
    text(value, path).ok_or_else(|| format!("{} is missing or not text", named(path)))
}

/// The integer at `path`, or why not.
pub fn need_int(value: &Value, path: &[&str]) -> Result<i64, String> {
    int(value, path).ok_or_else(|| format!("{} is missing or not a whole number", named(path)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_text_key_and_card_like_number_is_masked() {
        let mut masked = Masked::default();
        let v = redact_value(
            json!({
                "failure_message": "card 4111 1111 1111 1111 declined",
                "metadata": { "4242424242424242": "cvv: 123" },
                "amount": 4_000_056_655_665_556_i64,
                "small": 1000,
                "nul": "a\u{0}b",
                "list": ["5555555555554444", true, null],
            }),
            &mut masked,
        );
        assert_eq!(masked.card_numbers, 4);
        assert_eq!(masked.security_codes, 1);
        let text = v.to_string();
        for card in [
            "4111 1111 1111 1111",
            "4242424242424242",
            "4000056655665556",
            "5555555555554444",
        ] {
            assert!(!text.contains(card), "{card} in {text}");
        }
        assert_eq!(v["small"], 1000);
        assert_eq!(v["nul"], "a\u{FFFD}b");
        assert_eq!(v["amount"], "[card ****5556]");
    }

    #[test]
    fn personal_values_are_not_kept() {
        let kept = without_personal_data(&json!({
            "id": "ch_1",
            "billing_details": { "name": "Jenny Rosen", "email": "j@example.com", "phone": null,
                                 "address": { "line1": "1 Main St" } },
            "evidence": { "customer_email_address": "j@example.com", "product_description": "coins" },
            "refunds": [{ "Name": "x" }],
        }));
        let text = kept.to_string();
        for gone in ["Jenny", "j@example.com", "Main St", "\"x\""] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
        assert_eq!(kept["billing_details"]["phone"], Value::Null);
        assert_eq!(kept["evidence"]["product_description"], "coins");
        assert_eq!(kept["id"], "ch_1");
    }

    #[test]
    fn fields_by_path() {
        let v = json!({ "data": { "object": { "id": "dp_1", "amount": 5, "charge": { "id": "ch_1" } } } });
        assert_eq!(text(&v, &["data", "object", "id"]), Some("dp_1"));
        assert_eq!(need_int(&v, &["data", "object", "amount"]), Ok(5));
        assert_eq!(reference(&v, &["data", "object", "charge"]), Some("ch_1"));
        assert_eq!(
            need_text(&v, &["data", "object", "currency"]),
            Err("data.object.currency is missing or not text".to_string())
        );
    }
}
