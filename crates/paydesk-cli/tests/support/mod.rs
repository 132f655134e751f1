//! What the command tests share: a fresh database of either engine with the flags that
//! select it, and the figures of a command's summary.

#![allow(
    dead_code,
    reason = "each test binary uses its own part of these helpers"
)]

use paydesk_store::Store;
use std::path::PathBuf;
use std::process::Output;

/// A database for one test and the flags that select it.
pub struct Db {
    pub args: Vec<String>,
    pub dir: tempfile::TempDir,
    pub url: Option<String>,
}

impl Db {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data").to_string_lossy().to_string();
        Self {
            args: vec!["--data-dir".into(), data],
            dir,
            url: None,
        }
    }

    pub async fn postgres() -> Self {
        let url = paydesk_testkit::fresh_postgres_url().await.unwrap();
        Self {
            args: vec!["--database-url".into(), url.clone()],
            dir: tempfile::tempdir().unwrap(),
            url: Some(url),
        }
    }

    pub fn sqlite_file(&self) -> PathBuf {
        self.dir.path().join("data/paydesk.db")
    }

    pub async fn store(&self) -> Store {
        match &self.url {
            Some(url) => Store::connect_postgres(url, 2).await.unwrap(),
            None => Store::open_sqlite(&self.sqlite_file()).await.unwrap(),
        }
    }

    /// A file in the test's folder.
    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().to_string()
    }
}

/// A figure from a command's summary, such as `imported` or `skipped`.
pub fn figure(out: &Output, label: &str) -> u64 {
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(label))
        .find_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no '{label}' in {text}"))
}
