//! Both engines' migrations must define the same tables with the same columns.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_store::Store;
use paydesk_testkit::{StoreEngine, fresh};
use std::collections::BTreeMap;

type Schema = BTreeMap<String, Vec<String>>;

async fn schema(store: &Store) -> Schema {
    let mut tx = store.read().await.unwrap();
    let sql = match store.engine() {
        StoreEngine::Sqlite => {
            "SELECT m.name AS tbl, p.name AS col FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'ticket_search_%' AND m.name NOT LIKE 'sop_search_%' ORDER BY m.name, p.name"
        }
        StoreEngine::Postgres => {
            "SELECT table_name::text AS tbl, column_name::text AS col FROM information_schema.columns \
             WHERE table_schema = current_schema() ORDER BY table_name, column_name"
        }
    };
    let mut out = Schema::new();
    for row in tx.rows(sql, &[]).await.unwrap() {
        out.entry(row.text("tbl").unwrap())
            .or_default()
            .push(row.text("col").unwrap());
    }
    out
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let lite = fresh(StoreEngine::Sqlite).await.unwrap();
    let pg = fresh(StoreEngine::Postgres).await.unwrap();
    let a = schema(&lite.store).await;
    let b = schema(&pg.store).await;
    assert!(a.contains_key("tickets") && a.contains_key("events"));
    assert_eq!(a, b);
    lite.finish().await.unwrap();
    pg.finish().await.unwrap();
}
