//! Bodies of the wrong shape: wrong kinds of value, unknown and missing fields, unknown
//! enum values, broken JSON.

use crate::mangle::mangle;
use crate::run::Run;
use crate::target::{TARGETS, Target, fields};
use crate::values::raw_values;
use serde_json::{Value, json};

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

impl Run {
    /// Each field of each body set to each wrong kind of value.
    pub async fn wrong_types(&mut self) {
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
    pub async fn shapes(&mut self) {
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
}
