//! `paydesk import transactions`, run as the built binary on both engines: good rows go
//! in, refused rows land in the report with the raw row (card data masked) and the reason,
//! a card number is masked and counted and never stored, and a second run changes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod support;

use paydesk_app::{App, Caller, SystemClock};
use paydesk_domain::customer::{NewCustomer, Tier};
use paydesk_domain::ticket::BusinessLine;
use paydesk_store::Store;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use support::{Db, figure};

/// Runs `paydesk` on the test's database; fails the test when the command fails.
fn run(db: &Db, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .args(&db.args)
        .args(["--log", "warn"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

async fn count(store: &Store, sql: &str) -> i64 {
    let mut tx = store.read().await.unwrap();
    tx.row(sql, &[]).await.unwrap().unwrap().i64("n").unwrap()
}

const CSV: &str = "\
gateway,gateway_ref,status,amount,currency,order_id,customer_email,failure_code,failure_message,payment_method,wallet,card_last4,created_at
stripe,ch_3Ncsv0001,captured,1999,usd,ORD-CSV001,ana@example.com,,,card,,4242,2026-09-01T10:00:00Z
stripe,ch_3Ncsv0002,failed,500,usd,ORD-CSV002,ana@example.com,insufficient_funds,declined card 4111 1111 1111 1111,wallet,google_pay,,2026-09-02T10:00:00Z
stripe,ch_3Ncsv0003,exploded,500,usd,,,,,,,,
stripe,ch_3Ncsv0004,captured,500,usd,,,,,card,,5555555555554444,
stripe,ch_3Ncsv0005,captured,lots,usd,,,,,,,,
adyen,psp_0006,settled,700,EUR,ORD-CSV006,,,,bank_transfer,,,2026-09-03T10:00:00Z
";

async fn import_with_rejections_then_rerun(db: Db) {
    run(&db, &["migrate"]);
    let store = db.store().await;
    let app = App::new(store.clone(), Arc::new(SystemClock));
    let ana = NewCustomer {
        business_line: BusinessLine::Buyer,
        name: "Ana".into(),
        emails: vec!["ana@example.com".into()],
        phone: None,
        country: None,
        locale: None,
        tier: Tier::Standard,
        external_ids: Default::default(),
    };
    app.create_customer(&Caller::system(), ana).await.unwrap();
    let file = db.path("payments.csv");
    std::fs::write(&file, CSV).unwrap();
    let report = db.path("refused.csv");
    let args = ["import", "transactions", &file, "--report", &report];
    let first = run(&db, &args);
    assert_eq!(figure(&first, "read"), 6);
    assert_eq!(figure(&first, "created"), 3);
    assert_eq!(figure(&first, "rejected"), 3);
    assert_eq!(figure(&first, "masked"), 2, "one masked, one refused");
    check_report(Path::new(&report));

    assert_eq!(
        count(&store, "SELECT COUNT(*) AS n FROM transactions").await,
        3
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) AS n FROM transactions WHERE customer_id IS NOT NULL AND payment_method IS NOT NULL"
        )
        .await,
        2,
        "matched by email, with their methods"
    );
    let stored = count(
        &store,
        "SELECT COUNT(*) AS n FROM transactions WHERE failure_message LIKE '%4111 1111 1111 1111%' \
         OR card_last4 LIKE '%5555555555554444%'",
    )
    .await;
    assert_eq!(stored, 0, "no card number stored");
    let events = "SELECT COUNT(*) AS n FROM events";
    let before = count(&store, events).await;

    let second = run(&db, &args);
    assert_eq!(figure(&second, "created"), 0);
    assert_eq!(figure(&second, "updated"), 0);
    assert_eq!(figure(&second, "unchanged"), 3);
    assert_eq!(figure(&second, "rejected"), 3);
    assert_eq!(
        count(&store, events).await,
        before + 1,
        "a rerun records only what it masked again"
    );
    assert_eq!(
        count(&store, "SELECT COUNT(*) AS n FROM transactions").await,
        3
    );
    store.close().await;
}

fn check_report(report: &Path) {
    let text = std::fs::read_to_string(report).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let reasons: Vec<(&str, &str)> = rows.iter().map(|r| (&r[0], &r[2])).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert_eq!(reasons[0].0, "4");
    assert!(reasons[0].1.starts_with("status:"), "{reasons:?}");
    assert!(reasons[1].1.starts_with("card_last4:"), "{reasons:?}");
    assert!(reasons[2].1.starts_with("amount:"), "{reasons:?}");
    assert!(rows[0][3].contains("exploded"), "the raw row is kept");
    assert!(!text.contains("5555555555554444"), "{text}");
    assert!(text.contains("****4444"), "masked in the report: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_rejections_then_rerun_sqlite() {
    import_with_rejections_then_rerun(Db::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_rejections_then_rerun_postgres() {
    import_with_rejections_then_rerun(Db::postgres().await).await;
}
