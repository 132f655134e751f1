//! The shared corpus: every message is accepted (a ticket, a reply, noise or kept raw),
//! none gets a 5xx, and a second delivery of the whole corpus changes nothing.

use crate::common::Api;
use crate::{deliver, ticket_count};
use paydesk_store::Store;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/email");
    assert!(
        dir.is_dir(),
        "the email corpus is missing at {}; this test does not skip without it",
        dir.display()
    );
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    assert!(files.len() >= 100, "corpus incomplete: {}", files.len());
    files
}

fn is_delivery_report(name: &str) -> bool {
    [
        "sisimai__lhost-",
        "sisimai__rfc3464-",
        "sisimai__rhost-",
        "mail__multipart_report_emails__",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

pub async fn every_corpus_message_lands_once(store: Store) {
    let api = Api::new(store);
    let files = corpus();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut first = Vec::new();
    for (name, raw) in &files {
        let receipt = deliver(&api, raw.clone()).await;
        let outcome = receipt["outcome"].as_str().unwrap().to_string();
        assert!(
            ["opened", "replied", "noise", "kept_raw", "duplicate"].contains(&outcome.as_str()),
            "{name}: {receipt}"
        );
        if is_delivery_report(name) || name.starts_with("sisimai__rfc3834-") {
            assert_eq!(outcome, "noise", "{name} must not open a ticket: {receipt}");
        }
        if outcome != "noise" {
            assert!(receipt["ticket"].is_string(), "{name}: {receipt}");
        }
        *outcomes.entry(outcome).or_default() += 1;
        first.push(receipt);
    }
    let tickets = ticket_count(&api).await;
    assert!(
        outcomes.get("opened").copied().unwrap_or(0) >= 50,
        "{outcomes:?}"
    );
    assert!(
        outcomes.get("noise").copied().unwrap_or(0) >= 26,
        "{outcomes:?}"
    );
    // Again: every message was seen, so nothing lands twice.
    for ((name, raw), before) in files.iter().zip(&first) {
        let again = deliver(&api, raw.clone()).await;
        assert_eq!(again["outcome"], "duplicate", "{name}: {again}");
        if before["outcome"] != "noise" {
            assert_eq!(again["ticket"], before["ticket"], "{name}");
        }
    }
    assert_eq!(ticket_count(&api).await, tickets);
    eprintln!("corpus outcomes: {outcomes:?}, tickets: {tickets}");
}
