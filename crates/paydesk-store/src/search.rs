//! Full-text search over ticket subjects and message bodies.
//!
//! The one place where the engines differ in SQL: SQLite uses an FTS5 table, PostgreSQL
//! a GIN index over `to_tsvector('simple', body)`. Both match whole words, all of them.

use crate::args;
use crate::error::StoreError;
use crate::sql::{Engine, Tx};
use paydesk_domain::TicketId;

/// Adds one text of a ticket to the index.
pub(crate) async fn index(tx: &mut Tx, ticket_id: TicketId, text: &str) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO ticket_search (body, ticket_id) VALUES ($1, $2)",
        &args![text, ticket_id.0],
    )
    .await?;
    Ok(())
}

/// The words of a user's query, stripped of anything the engines would read as syntax.
#[must_use]
pub fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_lowercase)
        .collect()
}

/// A condition on `tickets.id` matching tickets whose texts contain all `words`, with
/// its one bound value written as sea-query expects for the engine (`?` or `$1`), and that value (for sea-query's custom expressions).
#[must_use]
pub fn condition(engine: Engine, words: &[String]) -> (&'static str, String) {
    match engine {
        Engine::Sqlite => (
            "tickets.id IN (SELECT ticket_id FROM ticket_search WHERE ticket_search MATCH ?)",
            words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Engine::Postgres => (
            "tickets.id IN (SELECT ticket_id FROM ticket_search WHERE to_tsvector('simple', body) @@ plainto_tsquery('simple', $1))",
            words.join(" "),
        ),
    }
}
