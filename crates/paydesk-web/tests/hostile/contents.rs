//! Field contents no client should send: odd text in every free-text field, and bodies,
//! strings and lists far past any sensible size.

use crate::run::Run;
use crate::target::{TARGETS, Target};
use crate::values::weird_texts;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The first characters of `text`, quoted, to name it in a label.
fn short(text: &str) -> String {
    format!("{:?}", text.chars().take(20).collect::<String>())
}

fn attachment(name: &str, kind: &str) -> Value {
    json!([{ "filename": name, "content_type": kind, "size_bytes": 0 }])
}

impl Run {
    /// Odd text in every free-text field.
    pub async fn unicode(&mut self) {
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
                    let label = format!("{target:?}.{name} = {}", short(text));
                    self.send_with(target, label, name, json!(text)).await;
                }
            }
        }
        // Inside lists and maps, and in attachment names, one place at a time.
        for text in &texts {
            let mut edits: Vec<(Target, &str, Value)> = vec![
                (Target::CreateTicket, "tags", json!([text])),
                (Target::PatchTicket, "tags", json!([text, "ok"])),
            ];
            for target in [Target::CreateTicket, Target::AddMessage] {
                edits.push((target, "attachments", attachment(text, "application/pdf")));
                edits.push((target, "attachments", attachment("a.pdf", text)));
            }
            for target in [Target::CreateCustomer, Target::PatchCustomer] {
                edits.push((target, "emails", json!([text])));
                edits.push((target, "emails", json!([format!("{text}@example.com")])));
                edits.push((target, "external_ids", json!({ text.clone(): "v" })));
                edits.push((target, "external_ids", json!({ "k": text })));
            }
            for (target, field, value) in edits {
                let label = format!("{target:?}: {field} = {}", short(text));
                self.send_with(target, label, field, value).await;
            }
        }
    }

    /// Huge bodies, long strings, many items.
    pub async fn sizes(&mut self) {
        let over = "x".repeat(paydesk_web::BODY_LIMIT + 10);
        for target in TARGETS {
            let field = match target {
                Target::CreateTicket | Target::AddMessage => "body",
                Target::PatchTicket => "subject",
                Target::CreateCustomer | Target::PatchCustomer => "name",
            };
            let label = format!("{target:?}: body over the limit");
            self.send_with(target, label, field, json!(over)).await;
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
                let label = format!("{target:?}: {} byte text", text.len());
                self.send_with(target, label, "body", json!(text)).await;
            }
        }
        let many_tags: Vec<String> = (0..10_000).map(|i| format!("tag{i}")).collect();
        let same_tags = vec!["same".to_string(); 10_000];
        let long_tags = vec!["t".repeat(10_000); 3];
        for tags in [&many_tags, &same_tags, &long_tags] {
            for target in [Target::CreateTicket, Target::PatchTicket] {
                let label = format!("{target:?}: {} tags", tags.len());
                self.send_with(target, label, "tags", json!(tags)).await;
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
                let label = format!("{target:?}: {label}");
                self.send_with(target, label, key, value).await;
            }
        }
        let one =
            json!({ "filename": "a.pdf", "content_type": "application/pdf", "size_bytes": 1 });
        let many = json!(vec![one; 5_000]);
        let long_type = json!([{ "filename": "a.pdf", "content_type": "c".repeat(100_000), "size_bytes": i64::MAX }]);
        for target in [Target::CreateTicket, Target::AddMessage] {
            for list in [many.clone(), long_type.clone()] {
                let label = format!("{target:?}: many or long attachments");
                self.send_with(target, label, "attachments", list).await;
            }
        }
    }
}
