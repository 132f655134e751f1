//! Applies the schema migrations of the engine in order, each in its own transaction.
//!
//! Migrations are embedded in the binary. On PostgreSQL an advisory lock keeps two
//! instances starting at once from applying the same migration twice.

use crate::error::StoreError;
use crate::sql::{Engine, Tx};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "access",
        sqlite: include_str!("../../migrations/sqlite/0002_access.sql"),
        postgres: include_str!("../../migrations/postgres/0002_access.sql"),
    },
    Migration {
        version: 3,
        name: "jobs",
        sqlite: include_str!("../../migrations/sqlite/0003_jobs.sql"),
        postgres: include_str!("../../migrations/postgres/0003_jobs.sql"),
    },
    Migration {
        version: 4,
        name: "mail",
        sqlite: include_str!("../../migrations/sqlite/0004_mail.sql"),
        postgres: include_str!("../../migrations/postgres/0004_mail.sql"),
    },
    Migration {
        version: 5,
        name: "payments",
        sqlite: include_str!("../../migrations/sqlite/0005_payments.sql"),
        postgres: include_str!("../../migrations/postgres/0005_payments.sql"),
    },
    Migration {
        version: 6,
        name: "portal",
        sqlite: include_str!("../../migrations/sqlite/0006_portal.sql"),
        postgres: include_str!("../../migrations/postgres/0006_portal.sql"),
    },
    Migration {
        version: 7,
        name: "sla",
        sqlite: include_str!("../../migrations/sqlite/0007_sla.sql"),
        postgres: include_str!("../../migrations/postgres/0007_sla.sql"),
    },
    Migration {
        version: 8,
        name: "routing",
        sqlite: include_str!("../../migrations/sqlite/0008_routing.sql"),
        postgres: include_str!("../../migrations/postgres/0008_routing.sql"),
    },
    Migration {
        version: 9,
        name: "refunds",
        sqlite: include_str!("../../migrations/sqlite/0009_refunds.sql"),
        postgres: include_str!("../../migrations/postgres/0009_refunds.sql"),
    },
    Migration {
        version: 10,
        name: "incidents",
        sqlite: include_str!("../../migrations/sqlite/0010_incidents.sql"),
        postgres: include_str!("../../migrations/postgres/0010_incidents.sql"),
    },
    Migration {
        version: 11,
        name: "transaction_details",
        sqlite: include_str!("../../migrations/sqlite/0011_transaction_details.sql"),
        postgres: include_str!("../../migrations/postgres/0011_transaction_details.sql"),
    },
    Migration {
        version: 12,
        name: "dispute_work",
        sqlite: include_str!("../../migrations/sqlite/0012_dispute_work.sql"),
        postgres: include_str!("../../migrations/postgres/0012_dispute_work.sql"),
    },
    Migration {
        version: 13,
        name: "saved_views",
        sqlite: include_str!("../../migrations/sqlite/0013_saved_views.sql"),
        postgres: include_str!("../../migrations/postgres/0013_saved_views.sql"),
    },
    Migration {
        version: 14,
        name: "escalations",
        sqlite: include_str!("../../migrations/sqlite/0014_escalations.sql"),
        postgres: include_str!("../../migrations/postgres/0014_escalations.sql"),
    },
    Migration {
        version: 15,
        name: "sops",
        sqlite: include_str!("../../migrations/sqlite/0015_sops.sql"),
        postgres: include_str!("../../migrations/postgres/0015_sops.sql"),
    },
    Migration {
        version: 16,
        name: "macros",
        sqlite: include_str!("../../migrations/sqlite/0016_macros.sql"),
        postgres: include_str!("../../migrations/postgres/0016_macros.sql"),
    },
    Migration {
        version: 17,
        name: "rules",
        sqlite: include_str!("../../migrations/sqlite/0017_rules.sql"),
        postgres: include_str!("../../migrations/postgres/0017_rules.sql"),
    },
];

/// How many migrations this build knows.
pub const MIGRATION_COUNT: usize = MIGRATIONS.len();

/// A migration applied by this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i64,
    pub name: &'static str,
}

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// Applies what is missing, using `begin` for each transaction.
pub(crate) async fn run<F, Fut>(begin: F, now_ms: i64) -> Result<Vec<AppliedMigration>, StoreError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Tx, StoreError>>,
{
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        let mut tx = begin().await?;
        if tx.engine() == Engine::Postgres {
            tx.exec("SELECT pg_advisory_xact_lock(7262837)", &[])
                .await?;
        }
        tx.exec(LEDGER, &[]).await?;
        let done = tx
            .row(
                "SELECT version FROM schema_migrations WHERE version = $1",
                &crate::args![m.version],
            )
            .await?;
        if done.is_some() {
            continue;
        }
        let script = match tx.engine() {
            Engine::Sqlite => m.sqlite,
            Engine::Postgres => m.postgres,
        };
        tx.exec_script(script)
            .await
            .map_err(|e| StoreError::Migration {
                version: m.version,
                cause: e.to_string(),
            })?;
        tx.exec(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            &crate::args![m.version, m.name, now_ms],
        )
        .await?;
        tx.commit().await?;
        applied.push(AppliedMigration {
            version: m.version,
            name: m.name,
        });
    }
    Ok(applied)
}
