//! A fresh, migrated database for each phase, and its removal afterwards.
//!
//! SQLite: a new file in its own temporary folder, opened exactly as production opens it
//! (`Store::open_sqlite`: WAL, `synchronous = FULL`). PostgreSQL: a new schema
//! `bench_<pid>_<n>` on the given server, reached through `search_path`, dropped at the end.

use anyhow::Context as _;
use paydesk_store::{Engine, Store};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static SCHEMAS: AtomicU64 = AtomicU64::new(0);

/// Where the fresh databases are made.
#[derive(Debug, Clone)]
pub struct Place {
    /// Parent of the SQLite temporary folders (`None`: the system temporary folder).
    pub sqlite_dir: Option<PathBuf>,
    pub postgres_url: String,
    pub postgres_max_connections: u32,
}

/// One fresh database. Call [`FreshDb::remove`] when done, also after a failure.
pub struct FreshDb {
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(tempfile::TempDir),
    Schema { admin: Store, schema: String },
}

impl FreshDb {
    pub async fn create(engine: Engine, place: &Place) -> anyhow::Result<Self> {
        let db = match engine {
            Engine::Sqlite => {
                let builder = tempfile::Builder::new()
                    .prefix("paydesk-bench-")
                    .tempdir_in(place.sqlite_dir.clone().unwrap_or_else(std::env::temp_dir));
                let dir =
                    builder.context("cannot make a temporary folder for the SQLite database")?;
                let store = Store::open_sqlite(&dir.path().join("paydesk.db")).await?;
                FreshDb {
                    store,
                    cleanup: Cleanup::Folder(dir),
                }
            }
            Engine::Postgres => {
                let base = &place.postgres_url;
                let shown = paydesk_store::engine::redact_url(base);
                let admin = Store::connect_postgres(base, 1).await.with_context(|| {
                    format!(
                        "PostgreSQL is not reachable at {shown}; start one or pass --postgres-url"
                    )
                })?;
                let schema = format!(
                    "bench_{}_{}",
                    std::process::id(),
                    SCHEMAS.fetch_add(1, Ordering::Relaxed)
                );
                let mut tx = admin.write().await?;
                tx.exec_script(&format!("CREATE SCHEMA {schema}"))
                    .await
                    .with_context(|| format!("cannot create the schema {schema} on {shown}"))?;
                tx.commit().await?;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                match Store::connect_postgres(&url, place.postgres_max_connections).await {
                    Ok(store) => FreshDb {
                        store,
                        cleanup: Cleanup::Schema { admin, schema },
                    },
                    Err(e) => {
                        drop_schema(&admin, &schema).await?;
                        return Err(e.into());
                    }
                }
            }
        };
        let now = paydesk_app::Clock::now(&paydesk_app::SystemClock).0;
        if let Err(e) = db.store.migrate(now).await {
            db.remove().await?;
            return Err(anyhow::Error::new(e).context("cannot migrate the fresh database"));
        }
        Ok(db)
    }

    /// How many tickets the database holds.
    pub async fn ticket_count(&self) -> anyhow::Result<i64> {
        let mut tx = self.store.read().await?;
        let row = tx
            .row("SELECT COUNT(*) AS n FROM tickets", &[])
            .await?
            .context("COUNT(*) returned no row")?;
        Ok(row.i64("n")?)
    }

    /// Fails loudly unless the database holds exactly `expected` tickets.
    pub async fn check_count(&self, phase: &str, expected: usize) -> anyhow::Result<()> {
        let found = self.ticket_count().await?;
        if usize::try_from(found).ok() != Some(expected) {
            anyhow::bail!(
                "{} {phase}: the database holds {found} tickets, expected {expected}; the measurement is void",
                self.store.engine().name()
            );
        }
        Ok(())
    }

    /// How durable a commit is on this database, read from the database itself.
    pub async fn durability(&self) -> anyhow::Result<String> {
        let mut tx = self.store.read().await?;
        Ok(match self.store.engine() {
            Engine::Sqlite => {
                let mode = tx
                    .row("PRAGMA journal_mode", &[])
                    .await?
                    .context("no journal_mode")?
                    .text("journal_mode")?;
                let sync = tx
                    .row("PRAGMA synchronous", &[])
                    .await?
                    .context("no synchronous")?
                    .i64("synchronous")?;
                let sync = match sync {
                    0 => "OFF",
                    1 => "NORMAL",
                    2 => "FULL",
                    3 => "EXTRA",
                    _ => "?",
                };
                let fs = match &self.cleanup {
                    Cleanup::Folder(dir) => {
                        format!(", {} on {}", dir.path().display(), filesystem(dir.path()))
                    }
                    Cleanup::Schema { .. } => String::new(),
                };
                format!("journal_mode={mode}, synchronous={sync}{fs}")
            }
            Engine::Postgres => {
                let fsync = show(&mut tx, "fsync").await?;
                let commit = show(&mut tx, "synchronous_commit").await?;
                let version = show(&mut tx, "server_version").await?;
                format!("PostgreSQL {version}, fsync={fsync}, synchronous_commit={commit}")
            }
        })
    }

    /// Closes the store and removes the database (folder or schema).
    pub async fn remove(self) -> anyhow::Result<()> {
        self.store.close().await;
        match self.cleanup {
            Cleanup::Folder(dir) => dir
                .close()
                .context("cannot remove the SQLite temporary folder")?,
            Cleanup::Schema { admin, schema } => {
                drop_schema(&admin, &schema).await?;
                admin.close().await;
            }
        }
        Ok(())
    }
}

async fn show(tx: &mut paydesk_store::sql::Tx, setting: &str) -> anyhow::Result<String> {
    let row = tx
        .row(&format!("SHOW {setting}"), &[])
        .await?
        .context("SHOW returned no row")?;
    Ok(row.text(setting)?)
}

async fn drop_schema(admin: &Store, schema: &str) -> anyhow::Result<()> {
    let mut tx = admin.write().await?;
    // The quiet level keeps the server's "drop cascades to N objects" notice out of the log.
    tx.exec_script(&format!(
        "SET LOCAL client_min_messages = warning; DROP SCHEMA {schema} CASCADE"
    ))
    .await
    .with_context(|| format!("cannot drop the schema {schema}"))?;
    tx.commit().await?;
    Ok(())
}

/// The file system type holding `path` (from /proc/mounts), so a tmpfs, where fsync
/// costs nothing, is visible in the report.
pub fn filesystem(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let Ok(mounts) = std::fs::read_to_string("/proc/mounts") else {
        return "unknown file system".into();
    };
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_, point, kind) = (f.next()?, f.next()?, f.next()?);
            path.starts_with(point)
                .then(|| (point.len(), kind.to_string()))
        })
        .max_by_key(|(len, _)| *len)
        .map_or_else(|| "unknown file system".into(), |(_, kind)| kind)
}
