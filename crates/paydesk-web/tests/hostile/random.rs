//! Random requests mixing every kind of damage the other families do one at a time.

use crate::headers::{content_types, idempotency_keys, if_matches};
use crate::mangle::mangle;
use crate::run::Run;
use crate::target::{TARGETS, fields};
use crate::values::weird_texts;
use serde_json::{Value, json};

impl Run {
    /// Random requests mixing all of the above, until `until` requests have been sent.
    pub async fn random(&mut self, until: usize) {
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
