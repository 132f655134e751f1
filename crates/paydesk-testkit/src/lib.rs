//! Test support shared by every crate's tests.
//!
//! Each test gets its own fresh database: a new SQLite file in a temporary folder, or a
//! new schema in the PostgreSQL named by `PAYDESK_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). A missing PostgreSQL fails the test;
//! it is never skipped. [`on_both_engines!`] turns one async test into two, named
//! `<test>::sqlite` and `<test>::postgres`, so the output shows both ran.

pub mod customer;
pub mod routing;

use anyhow::Context as _;
use paydesk_store::{Engine, Store};
use std::sync::atomic::{AtomicU64, Ordering};

pub use paydesk_store::Engine as StoreEngine;

/// The PostgreSQL server tests use.
#[must_use]
pub fn postgres_url() -> String {
    std::env::var("PAYDESK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, migrated database for one test. Dropping it removes the SQLite folder; call
/// [`TestDb::finish`] to drop a PostgreSQL schema too.
pub struct TestDb {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
    /// The SQLite file or the PostgreSQL URL, for [`TestDb::another_instance`].
    location: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh, empty PostgreSQL schema and the URL that selects it (for [`fresh`], and for tests
/// that start paydesk as a process, which leave it behind).
pub async fn fresh_postgres_url() -> anyhow::Result<String> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .subsec_nanos();
    let schema = format!("t_{}_{}_{}", std::process::id(), n, nanos);
    let base = postgres_url();
    let mut admin = sqlx::PgConnection::connect_with_url(&base).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut admin)
        .await?;
    let sep = if base.contains('?') { '&' } else { '?' };
    Ok(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}

/// A migrated store on a fresh database of `engine`.
pub async fn fresh(engine: Engine) -> anyhow::Result<TestDb> {
    let db = match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("paydesk.db");
            let store = Store::open_sqlite(&path).await?;
            TestDb {
                store,
                _dir: Some(dir),
                schema: None,
                location: path.display().to_string(),
            }
        }
        Engine::Postgres => {
            let url = fresh_postgres_url().await?;
            let schema = url.rsplit("search_path%3D").next().map(str::to_string);
            let store = Store::connect_postgres(&url, 5).await?;
            TestDb {
                store,
                _dir: None,
                schema,
                location: url,
            }
        }
    };
    db.store.migrate(0).await?;
    Ok(db)
}

impl TestDb {
    /// Another store on the same database, as a second paydesk instance would open it.
    pub async fn another_instance(&self) -> anyhow::Result<Store> {
        Ok(match self.store.engine() {
            Engine::Sqlite => Store::open_sqlite(std::path::Path::new(&self.location)).await?,
            Engine::Postgres => Store::connect_postgres(&self.location, 5).await?,
        })
    }

    /// Closes the store and drops the PostgreSQL schema.
    pub async fn finish(self) -> anyhow::Result<()> {
        self.store.close().await;
        if let Some(schema) = &self.schema {
            let mut admin = sqlx::PgConnection::connect_with_url(&postgres_url()).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&mut admin)
                .await?;
        }
        Ok(())
    }
}

trait ConnectUrl: Sized {
    async fn connect_with_url(url: &str) -> anyhow::Result<Self>;
}

impl ConnectUrl for sqlx::PgConnection {
    async fn connect_with_url(url: &str) -> anyhow::Result<Self> {
        use sqlx::Connection as _;
        sqlx::PgConnection::connect(url).await.with_context(|| {
            format!(
                "PostgreSQL is not reachable at {url}; start one (scripts/test does) or set PAYDESK_TEST_POSTGRES_URL"
            )
        })
    }
}

/// Runs `test` against a fresh database of `engine`, then cleans up.
#[expect(
    clippy::panic,
    reason = "a test that cannot get its database must fail loudly, never skip"
)]
pub async fn run<F, Fut>(engine: Engine, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let db = match fresh(engine).await {
        Ok(db) => db,
        Err(e) => panic!("cannot prepare a {} test database: {e:#}", engine.name()),
    };
    test(db.store.clone()).await;
    if let Err(e) = db.finish().await {
        panic!("cannot clean up the {} test database: {e:#}", engine.name());
    }
}

/// Declares, for each named `async fn name(store: Store)`, a module `name` with two tests,
/// `sqlite` and `postgres`, each on its own fresh database.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::run($crate::StoreEngine::Sqlite, super::$name).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::run($crate::StoreEngine::Postgres, super::$name).await;
            }
        }
    )+};
}
