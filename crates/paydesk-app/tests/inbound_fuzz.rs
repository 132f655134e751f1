//! Arbitrary bytes into the email intake, on both engines: it never panics and never
//! fails, every input becomes a ticket, a reply, noise, a kept raw mail or a duplicate, and
//! a card number in the input never reaches a stored message.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::inbound::{InboundOptions, MailOutcome};
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use proptest::prelude::*;
use proptest::strategy::ValueTree as _;
use proptest::test_runner::{Config, TestRunner};
use std::sync::Arc;

const PAN: &str = "4111111111111111";

fn template(n: u32) -> Vec<u8> {
    format!(
        "From: fuzz{n}@example.com\r\nSubject: help [PD-1]\r\nMessage-ID: <f{n}@x>\r\n\
         In-Reply-To: <f{}@x>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
         my card {PAN} was charged =E2=82=AC 10\r\n--b\r\nContent-Type: text/plain; name=a.txt\r\n\
         Content-Disposition: attachment; filename=a.txt\r\n\r\ncard {PAN}\r\n--b--\r\n",
        n.saturating_sub(1)
    )
    .into_bytes()
}

/// Arbitrary bytes, or a real mail with bytes cut, inserted and overwritten.
fn inputs() -> impl Strategy<Value = Vec<u8>> {
    let mutated = (
        0u32..50,
        proptest::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 0..12),
    )
        .prop_map(|(n, edits)| {
            let mut raw = template(n);
            for (at, byte, op) in edits {
                let at = usize::from(at) % (raw.len() + 1);
                match op {
                    0 => raw.insert(at, byte),
                    1 if at < raw.len() => raw[at] = byte,
                    _ => raw.truncate(at.max(raw.len() / 2)),
                }
            }
            raw
        });
    prop_oneof![proptest::collection::vec(any::<u8>(), 0..1500), mutated]
}

async fn arbitrary_bytes_always_land_somewhere(store: Store) {
    let app = App::new(
        store,
        Arc::new(ManualClock::at(Timestamp(1_790_000_000_000))),
    );
    let caller = Caller::system();
    let mut runner = TestRunner::new(Config {
        cases: 96,
        ..Config::default()
    });
    let strategy = inputs();
    let mut outcomes = std::collections::BTreeMap::<&str, usize>::new();
    for _ in 0..96 {
        let raw = strategy.new_tree(&mut runner).unwrap().current();
        let outcome = app
            .receive_email(&caller, &raw, &InboundOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{e} for {:?}", String::from_utf8_lossy(&raw)));
        *outcomes.entry(outcome.as_str()).or_default() += 1;
        match &outcome {
            MailOutcome::Noise { kept_id, .. } => assert!(*kept_id > 0),
            MailOutcome::KeptRaw { reason, .. } => assert!(!reason.is_empty()),
            _ => {}
        }
        if let Some(ticket) = outcome.ticket() {
            let view = app.ticket(&caller, ticket).await.unwrap();
            for m in &view.messages {
                // The redactor's own test: no whole digit run that is a card number. (A
                // mutation can glue digits onto one, making a longer run that is not.)
                assert!(
                    !paydesk_domain::redaction::contains_card_data(&m.body),
                    "a card number landed: {}",
                    m.body
                );
            }
        }
    }
    assert!(
        outcomes.len() >= 2,
        "the inputs should reach several outcomes: {outcomes:?}"
    );
}

on_both_engines!(arbitrary_bytes_always_land_somewhere);
