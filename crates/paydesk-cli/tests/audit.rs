//! `paydesk audit verify` on a demo database: intact, then, after one audit record is edited
//! directly in the database, broken at exactly that record.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_store::{Store, args};
use std::path::Path;
use std::process::{Command, Output};

fn paydesk(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .arg("--data-dir")
        .arg(data)
        .args(["--log", "warn"])
        .args(args)
        .env_remove("PAYDESK_DATABASE_URL")
        .env_remove("PAYDESK_CONFIG")
        .output()
        .expect("paydesk runs")
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn verify_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = paydesk(dir.path(), &["audit", "verify", "--help"]);
    assert!(out.status.success(), "{}", text(&out));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Usage:") && help.contains("BROKEN"), "{help}");
    let top = paydesk(dir.path(), &["--help"]);
    assert!(String::from_utf8_lossy(&top.stdout).contains("audit"));
}

#[tokio::test]
async fn verify_names_the_record_edited_in_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let out = paydesk(data, &["demo", "--tickets", "200", "--no-serve"]);
    assert!(out.status.success(), "{}", text(&out));

    let out = paydesk(data, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.starts_with("audit chain intact: "), "{stdout}");
    let records: i64 = stdout
        .trim_start_matches("audit chain intact: ")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no record count in {stdout}"));
    assert!(records > 200, "{stdout}");

    // Someone with access to the file edits one record, around the append-only trigger.
    let target = records / 2;
    let store = Store::open_sqlite(&data.join("paydesk.db")).await.unwrap();
    let mut tx = store.write().await.unwrap();
    tx.exec("DROP TRIGGER events_no_update", &[]).await.unwrap();
    let touched = tx
        .exec(
            "UPDATE events SET data = '{\"note\":\"nothing happened\"}' WHERE id = $1",
            &args![target],
        )
        .await
        .unwrap();
    assert_eq!(touched, 1);
    tx.commit().await.unwrap();
    store.close().await;

    let out = paydesk(data, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("audit chain BROKEN at event #{target}: ")),
        "{}",
        text(&out)
    );
    assert!(stdout.contains("edited"), "{}", text(&out));
}
