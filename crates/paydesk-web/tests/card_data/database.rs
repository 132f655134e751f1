//! Reading the database back for card numbers: every text column of every table through
//! SQL (both engines), the events' JSON decoded, and, on SQLite, the raw bytes of the
//! database file and its `-wal` and `-shm` files.
//!
//! One kind of value is checked by shape rather than scanned: the SHA-256 digests of the
//! audit chain and of idempotency keys (64 lower-case hex characters), because 64 random
//! hex characters hold a Luhn-valid window of 13 to 19 digits about once in sixty digests. A digest column whose value is not a digest is a finding; in the raw files,
//! a hit is set aside only when every one of its digits lies within a copy of a digest
//! that the database holds in those columns.

use crate::scan::{Finding, find, luhn};
use paydesk_store::Store;
use paydesk_store::sql::Engine;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Columns that hold SHA-256 digests in hex.
const DIGEST_COLUMNS: &[(&str, &str)] = &[
    ("events", "prev_hash"),
    ("events", "hash"),
    ("idempotency_keys", "key"),
    ("idempotency_keys", "request_hash"),
    ("sessions", "token_hash"),
    ("api_tokens", "token_hash"),
];

fn is_digest(value: &str) -> bool {
    value.len() == 64
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What a scan read and found.
#[derive(Debug, Default)]
pub struct Report {
    pub columns: usize,
    pub values: usize,
    pub bytes: usize,
    /// Digest values checked for shape.
    pub digests: usize,
    /// Hits in raw files set aside as lying within known digests.
    pub hits_in_digests: usize,
    /// Raw files: each one's name and size (`None` when it does not exist).
    pub files: Vec<(String, Option<usize>)>,
    pub findings: Vec<Finding>,
}

async fn texts(store: &Store, sql: &str) -> Vec<Option<String>> {
    let mut tx = store.read().await.unwrap();
    tx.rows(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.opt_text("v").unwrap())
        .collect()
}

/// `(table, column)` for every text-like column of the store's tables.
async fn text_columns(store: &Store) -> Vec<(String, String)> {
    let mut out = vec![];
    match store.engine() {
        Engine::Sqlite => {
            let tables = texts(
                store,
                "SELECT name AS v FROM sqlite_master WHERE type = 'table' ORDER BY name",
            )
            .await;
            for table in tables.into_iter().flatten() {
                let mut tx = store.read().await.unwrap();
                let sql = format!(
                    "SELECT name, type FROM pragma_table_info('{}')",
                    table.replace('\'', "''")
                );
                for row in tx.rows(&sql, &[]).await.unwrap() {
                    let kind = row.text("type").unwrap().to_ascii_uppercase();
                    // Untyped columns (the full-text table's) may hold text too; blobs are
                    // left to the raw file scan.
                    if kind.is_empty()
                        || kind.contains("TEXT")
                        || kind.contains("CHAR")
                        || kind.contains("CLOB")
                    {
                        out.push((table.clone(), row.text("name").unwrap()));
                    }
                }
            }
        }
        Engine::Postgres => {
            let mut tx = store.read().await.unwrap();
            let rows = tx
                .rows(
                    "SELECT table_name::text AS t, column_name::text AS c
                     FROM information_schema.columns
                     WHERE table_schema = current_schema()
                       AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
                     ORDER BY table_name, ordinal_position",
                    &[],
                )
                .await
                .unwrap();
            for row in rows {
                out.push((row.text("t").unwrap(), row.text("c").unwrap()));
            }
        }
    }
    out
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// Every value of every text column, scanned.
pub async fn scan_columns(store: &Store) -> Report {
    let mut report = Report::default();
    let columns = text_columns(store).await;
    assert!(
        columns.iter().any(|(t, c)| t == "messages" && c == "body"),
        "no messages.body among {columns:?}"
    );
    for (table, column) in columns {
        report.columns += 1;
        let cast = match store.engine() {
            Engine::Sqlite => format!("CAST({} AS TEXT)", quoted(&column)),
            Engine::Postgres => format!("{}::text", quoted(&column)),
        };
        let sql = format!("SELECT {cast} AS v FROM {}", quoted(&table));
        let is_digest_column = DIGEST_COLUMNS.contains(&(table.as_str(), column.as_str()));
        for (row, value) in texts(store, &sql).await.into_iter().enumerate() {
            let Some(value) = value else { continue };
            report.values += 1;
            report.bytes += value.len();
            if is_digest_column && is_digest(&value) {
                report.digests += 1;
                continue;
            }
            for hit in find(value.as_bytes()) {
                let place = format!("{table}.{column} (row {row})");
                report
                    .findings
                    .push(Finding::new(place, value.as_bytes(), &hit));
            }
        }
    }
    report
}

/// Every event's `data`, decoded: each string and each number scanned on its own.
pub async fn scan_event_data(store: &Store) -> Report {
    let mut report = Report::default();
    let mut tx = store.read().await.unwrap();
    let rows = tx
        .rows("SELECT id, kind, data FROM events ORDER BY id", &[])
        .await
        .unwrap();
    for row in rows {
        let id = row.i64("id").unwrap();
        let kind = row.text("kind").unwrap();
        let data: Value = serde_json::from_str(&row.text("data").unwrap()).unwrap();
        report.values += 1;
        let mut leaves = vec![];
        walk(&data, String::new(), &mut leaves);
        for (path, text) in leaves {
            report.bytes += text.len();
            for hit in find(text.as_bytes()) {
                let place = format!("events #{id} ({kind}) data{path}");
                report
                    .findings
                    .push(Finding::new(place, text.as_bytes(), &hit));
            }
        }
    }
    report
}

/// The string and number leaves of a JSON value, with their paths (keys included, as
/// leaves of their own).
fn walk(value: &Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((path, s.clone())),
        Value::Number(n) => out.push((path, n.to_string())),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                out.push((format!("{path} key"), k.clone()));
                walk(v, format!("{path}.{k}"), out);
            }
        }
        Value::Bool(_) | Value::Null => {}
    }
}

/// Every digest value the database holds, for the raw file scan.
pub async fn digests(store: &Store) -> HashSet<Vec<u8>> {
    let mut out = HashSet::new();
    for (table, column) in DIGEST_COLUMNS {
        let sql = format!("SELECT {} AS v FROM {}", quoted(column), quoted(table));
        for value in texts(store, &sql).await.into_iter().flatten() {
            if is_digest(&value) {
                out.insert(value.into_bytes());
            }
        }
    }
    out
}

/// The SQLite file and its companions.
pub fn sqlite_files(store: &Store) -> [PathBuf; 3] {
    let Store::Sqlite(engine) = store else {
        panic!("not a SQLite store")
    };
    let db = engine.path().to_path_buf();
    let with = |suffix: &str| {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [db.clone(), with("-wal"), with("-shm")]
}

/// Scans the raw bytes of each file that exists.
pub fn scan_files(files: &[PathBuf], digests: &HashSet<Vec<u8>>, when: &str) -> Report {
    let mut report = Report::default();
    for path in files {
        let name = file_name(path);
        let Ok(bytes) = std::fs::read(path) else {
            report.files.push((name, None));
            continue;
        };
        report.files.push((name.clone(), Some(bytes.len())));
        report.bytes += bytes.len();
        for hit in find(&bytes) {
            if within_digests(&bytes, hit.start, hit.end, digests) {
                report.hits_in_digests += 1;
                continue;
            }
            let place = format!("{name} ({when})");
            report.findings.push(Finding::new(place, &bytes, &hit));
        }
    }
    report
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Whether every byte of `start..end` lies within some copy of a known digest.
fn within_digests(bytes: &[u8], start: usize, end: usize, digests: &HashSet<Vec<u8>>) -> bool {
    let mut covered_to = start;
    let from = start.saturating_sub(63);
    for p in from..end {
        if p > covered_to {
            return false;
        }
        if let Some(candidate) = bytes.get(p..p + 64)
            && digests.contains(candidate)
        {
            covered_to = covered_to.max(p + 64);
            if covered_to >= end {
                return true;
            }
        }
    }
    covered_to >= end
}

/// The masking the product recorded: card numbers and security codes summed from the
/// `redacted` events by field (fields with none left out), and the count customer events
/// record for names.
pub async fn redactions(
    store: &Store,
) -> (BTreeMap<String, usize>, BTreeMap<String, usize>, usize) {
    let mut cards = BTreeMap::new();
    let mut codes = BTreeMap::new();
    let mut names = 0;
    let mut tx = store.read().await.unwrap();
    let rows = tx
        .rows(
            "SELECT kind, data FROM events
             WHERE kind IN ('redacted', 'customer_created', 'customer_updated')",
            &[],
        )
        .await
        .unwrap();
    let count = |v: &Value| usize::try_from(v.as_u64().unwrap()).unwrap();
    for row in rows {
        let data: Value = serde_json::from_str(&row.text("data").unwrap()).unwrap();
        if row.text("kind").unwrap() == "redacted" {
            let field = data["field"].as_str().unwrap();
            for (sums, n) in [
                (&mut cards, count(&data["card_numbers"])),
                (&mut codes, count(&data["security_codes"])),
            ] {
                if n > 0 {
                    *sums.entry(field.to_string()).or_default() += n;
                }
            }
        } else {
            names += count(&data["redacted"]);
        }
    }
    (cards, codes, names)
}

/// The instant every request runs at is stored as epoch milliseconds (13 digits). As an
/// integer it never reaches text; this makes sure that, should it ever be rendered into
/// text, it could not pass for a card number and is not excluded by anything here.
pub fn clock_is_not_card_like(t0: i64) -> bool {
    !luhn(t0.to_string().as_bytes())
}
