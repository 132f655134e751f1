//! `paydesk import mbox` and `paydesk import maildir` on both engines: the messages land
//! through the email intake, and running the same import again adds nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs paydesk on SQLite in `data`, or on PostgreSQL at `url`.
fn paydesk(data: &Path, url: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paydesk"));
    cmd.arg("--data-dir").arg(data).args(["--log", "warn"]);
    if let Some(url) = url {
        cmd.args(["--database-url", url]);
    }
    cmd.args(args)
        .env_remove("PAYDESK_DATABASE_URL")
        .env_remove("PAYDESK_CONFIG")
        .output()
        .expect("paydesk runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn mail(n: usize, extra: &str) -> String {
    format!(
        "From: customer{n}@example.com\nSubject: Payment problem {n}\nMessage-ID: <m{n}@example.com>\n{extra}\n\
         My payment {n} failed.\n>From the bank: declined.\n"
    )
}

fn import_twice(url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let mut mbox = String::new();
    for n in 0..5 {
        mbox.push_str(&format!(
            "From customer{n}@example.com Mon Nov 16 10:00:00 2026\n"
        ));
        mbox.push_str(&mail(n, "").replace("\n>From", "\n>>From"));
        mbox.push('\n');
    }
    // An auto-reply: kept, no ticket.
    mbox.push_str("From daemon Mon Nov 16 10:00:00 2026\n");
    mbox.push_str(&mail(5, "Auto-Submitted: auto-replied\n"));
    let path = dir.path().join("backlog.mbox");
    std::fs::write(&path, mbox).unwrap();
    let data = dir.path().join("data");
    let path = path.to_str().unwrap();

    let first = stdout(&paydesk(&data, url, &["import", "mbox", path]));
    assert!(first.contains("imported 6 messages"), "{first}");
    assert!(first.contains("new tickets                  5"), "{first}");
    assert!(first.contains("auto-replies and bounces kept 1"), "{first}");
    let again = stdout(&paydesk(&data, url, &["import", "mbox", path]));
    assert!(again.contains("already imported (skipped)   6"), "{again}");

    let maildir = dir.path().join("Maildir");
    std::fs::create_dir_all(maildir.join("cur")).unwrap();
    std::fs::create_dir_all(maildir.join("new")).unwrap();
    std::fs::write(maildir.join("cur/1.eml"), mail(10, "")).unwrap();
    std::fs::write(maildir.join("new/2.eml"), mail(0, "")).unwrap();
    let md = maildir.to_str().unwrap();
    let out = stdout(&paydesk(&data, url, &["import", "maildir", md]));
    assert!(out.contains("new tickets                  1"), "{out}");
    assert!(out.contains("already imported (skipped)   1"), "{out}");
}

#[test]
fn mbox_and_maildir_import_once_on_sqlite() {
    import_twice(None);
}

#[tokio::test(flavor = "multi_thread")]
async fn mbox_and_maildir_import_once_on_postgres() {
    let url = paydesk_testkit::fresh_postgres_url().await.unwrap();
    tokio::task::spawn_blocking(move || import_twice(Some(&url)))
        .await
        .unwrap();
}

#[test]
fn a_missing_mbox_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = paydesk(
        dir.path(),
        None,
        &["import", "mbox", "/nonexistent/box.mbox"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot open the mbox file"), "{err}");
}
