//! `paydesk import tickets`, run as the built binary: an import stopped part way (by
//! `--limit`, by Ctrl-C, or killed with SIGKILL mid-batch) resumes on the next run with no duplicates
//! and nothing missing; a second run imports nothing; bad rows land in the report with card
//! data masked; a bad header is refused before anything is written; a dry run writes no
//! ticket.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod support;

use paydesk_store::Store;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::{Db, figure};

impl Db {
    fn command(&self, extra: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_paydesk"));
        c.args(&self.args)
            .args(["--log", "warn", "import", "tickets"])
            .args(extra);
        c
    }

    fn import(&self, extra: &[&str]) -> Output {
        let out = self.command(extra).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// A CSV of `rows` tickets: every 25th has a status the desk does not know, every
    /// 10th carries a card number in its description.
    fn generate(&self, rows: usize) -> (String, usize) {
        let mut csv = String::from(
            "external_id,subject,description,requester_email,business_line,status,created_at,tags\n",
        );
        let mut good = 0;
        for i in 1..=rows {
            let status = if i % 25 == 0 {
                "bogus"
            } else {
                good += 1;
                ["new", "open", "pending", "solved"][i % 4]
            };
            let card = if i % 10 == 0 {
                " paid with 4111 1111 1111 1111"
            } else {
                ""
            };
            writeln!(
                csv,
                "G-{i},Ticket {i},Something went wrong{card},user{}@example.com,{},{status},2024-01-01T00:00:{:02}Z,generated",
                i % 40,
                ["buyer", "merchant", "creator"][i % 3],
                i % 60
            )
            .unwrap();
        }
        let path = self.path("generated.csv");
        std::fs::write(&path, csv).unwrap();
        (path, good)
    }
}

async fn count(store: &Store, sql: &str) -> i64 {
    try_count(store, sql).await.unwrap()
}

async fn try_count(store: &Store, sql: &str) -> Result<i64, paydesk_store::StoreError> {
    let mut tx = store.read().await?;
    tx.row(sql, &[]).await?.map_or(Ok(0), |r| r.i64("n"))
}

/// Every good row is in exactly once, under its own id, and no card number was stored.
async fn check_complete(db: &Db, good: usize) {
    let store = db.store().await;
    let good = i64::try_from(good).unwrap();
    assert_eq!(
        count(&store, "SELECT COUNT(*) AS n FROM tickets").await,
        good
    );
    let keys = "SELECT COUNT(DISTINCT key) AS n FROM idempotency_keys \
                WHERE scope = 'import:csv:generated.csv'";
    assert_eq!(count(&store, keys).await, good);
    let linked = "SELECT COUNT(DISTINCT ticket_id) AS n FROM idempotency_keys";
    assert_eq!(count(&store, linked).await, good);
    let leaked = "SELECT COUNT(*) AS n FROM messages WHERE body LIKE '%4111 1111%'";
    assert_eq!(count(&store, leaked).await, 0);
    let masked = "SELECT COUNT(*) AS n FROM messages WHERE body LIKE '%[card ****1111]%'";
    assert!(count(&store, masked).await > 0);
    store.close().await;
}

async fn limit_then_resume(db: Db) {
    let (file, good) = db.generate(120);
    let first = db.import(&[&file, "--batch-size", "7", "--limit", "50"]);
    assert_eq!(figure(&first, "read"), 50);
    assert_eq!(figure(&first, "imported"), 48, "rows 25 and 50 are bad");
    assert!(String::from_utf8_lossy(&first.stdout).contains("run the same command again"));

    let rest = db.import(&[&file, "--batch-size", "7"]);
    assert_eq!(figure(&rest, "skipped"), 48);
    assert_eq!(figure(&rest, "imported"), u64::try_from(good).unwrap() - 48);
    assert_eq!(figure(&rest, "rejected"), 4);
    check_complete(&db, good).await;

    let again = db.import(&[&file]);
    assert_eq!(figure(&again, "imported"), 0);
    assert_eq!(figure(&again, "skipped"), u64::try_from(good).unwrap());
    check_complete(&db, good).await;

    let report = std::fs::read_to_string(format!("{file}.rejected.csv")).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "row,external_id,reason,raw");
    assert_eq!(lines.len(), 5, "{report}");
    assert!(
        lines[1].starts_with("26,G-25,\"status: 'bogus' is not a status"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_then_resume_sqlite() {
    limit_then_resume(Db::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_then_resume_postgres() {
    limit_then_resume(Db::postgres().await).await;
}

/// How a run is stopped part way.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// SIGKILL: no chance to finish anything.
    Kill,
    /// SIGINT, as Ctrl-C sends: the batch in flight finishes, then the summary.
    Interrupt,
}

async fn stopped_then_resumed(db: Db, stop: Stop) {
    let (file, good) = db.generate(1_000);
    let mut child = db
        .command(&[&file, "--batch-size", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Stopped once some batches have landed: mid-file, most likely mid-transaction.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            break;
        }
        if db.url.is_some() || db.sqlite_file().exists() {
            let store = db.store().await;
            // Fails until the migrations have run.
            let landed = try_count(&store, "SELECT COUNT(*) AS n FROM idempotency_keys").await;
            store.close().await;
            if landed.unwrap_or(0) >= 30 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let is_done_already = child.try_wait().unwrap().is_some();
    match stop {
        Stop::Kill => child.kill().unwrap_or(()),
        Stop::Interrupt => {
            let pid = child.id().to_string();
            Command::new("kill").args(["-INT", &pid]).status().unwrap();
        }
    }
    let stopped = child.wait_with_output().unwrap();
    if stop == Stop::Interrupt && !is_done_already {
        assert!(!stopped.status.success(), "an interrupted import says so");
        let err = String::from_utf8_lossy(&stopped.stderr);
        assert!(
            err.contains("interrupted: run the same command again"),
            "{err}"
        );
        assert!(figure(&stopped, "imported") > 0, "the summary is printed");
    }

    let rerun = db.import(&[&file, "--batch-size", "50"]);
    let (imported, skipped) = (figure(&rerun, "imported"), figure(&rerun, "skipped"));
    println!("stopped after {skipped} rows had landed; the rerun imported {imported}");
    assert_eq!(imported + skipped, u64::try_from(good).unwrap());
    check_complete(&db, good).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_then_resumed_sqlite() {
    stopped_then_resumed(Db::sqlite(), Stop::Kill).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_then_resumed_postgres() {
    stopped_then_resumed(Db::postgres().await, Stop::Kill).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_then_resumed_sqlite() {
    stopped_then_resumed(Db::sqlite(), Stop::Interrupt).await;
}

#[test]
fn an_unknown_column_is_refused_before_anything_is_written() {
    let db = Db::sqlite();
    let file = db.path("bad.csv");
    std::fs::write(&file, "external_id,subject,description,assignee\n1,a,b,c\n").unwrap();
    let out = db.command(&[&file]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown column 'assignee'"), "{err}");
    assert!(!db.sqlite_file().exists(), "no database was even opened");
    assert!(!Path::new(&format!("{file}.rejected.csv")).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zendesk_dry_run_then_import() {
    let db = Db::sqlite();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../paydesk-app/tests/fixtures/import/tickets.json")
        .to_string_lossy()
        .to_string();
    let report = db.path("zendesk-report.csv");
    let dry = db.import(&[
        &fixture,
        "--dry-run",
        "--business-line",
        "creator",
        "--report",
        &report,
    ]);
    assert_eq!(figure(&dry, "would import"), 3);
    assert_eq!(figure(&dry, "rejected"), 3);
    assert_eq!(std::fs::read_to_string(&report).unwrap().lines().count(), 4);
    let store = db.store().await;
    assert_eq!(count(&store, "SELECT COUNT(*) AS n FROM tickets").await, 0);
    store.close().await;

    let real = db.import(&[&fixture, "--business-line", "creator", "--report", &report]);
    assert_eq!(figure(&real, "imported"), 3);
    let store = db.store().await;
    assert_eq!(count(&store, "SELECT COUNT(*) AS n FROM tickets").await, 3);
    assert_eq!(count(&store, "SELECT COUNT(*) AS n FROM messages").await, 6);
    store.close().await;
}
