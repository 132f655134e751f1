//! The record of webhook deliveries whose signature held: one row per event (the event id
//! is unique per source, which is what makes a redelivery change nothing), and one per
//! malformed body, kept redacted with the reason it was refused.

use crate::error::StoreError;
use crate::sql::{Row, Tx};
use crate::{Store, args};
use paydesk_domain::payment::WebhookOutcome;
use paydesk_domain::{TicketId, Timestamp};

/// A delivery to record. Every text is already redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhookEvent {
    /// The endpoint or gateway (`stripe`, `adyen`, ...).
    pub source: String,
    /// `None` for a body that is not an event (nothing to deduplicate on).
    pub event_id: Option<String>,
    pub event_type: Option<String>,
    pub received_at: Timestamp,
    pub outcome: WebhookOutcome,
    pub reason: Option<String>,
    /// The event as redacted JSON, or a malformed body as redacted text.
    pub payload: String,
}

/// A recorded delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    pub id: i64,
    pub source: String,
    pub event_id: Option<String>,
    pub event_type: Option<String>,
    pub received_at: Timestamp,
    pub outcome: WebhookOutcome,
    pub reason: Option<String>,
    /// The ticket the event opened or noted, if any.
    pub ticket_id: Option<TicketId>,
    pub payload: String,
}

const COLUMNS: &str =
    "id, source, event_id, type, received_at, outcome, reason, ticket_id, payload";

fn from_row(row: &Row) -> Result<WebhookEvent, StoreError> {
    Ok(WebhookEvent {
        id: row.i64("id")?,
        source: row.text("source")?,
        event_id: row.opt_text("event_id")?,
        event_type: row.opt_text("type")?,
        received_at: Timestamp(row.i64("received_at")?),
        outcome: row.label("outcome")?,
        reason: row.opt_text("reason")?,
        ticket_id: row.opt_i64("ticket_id")?.map(TicketId),
        payload: row.text("payload")?,
    })
}

/// Records `e` unless its event was recorded before: returns the new row's id, or `None`
/// for a redelivery. On PostgreSQL a concurrent delivery of the same event waits for this
/// transaction and then finds it recorded.
pub(crate) async fn insert(tx: &mut Tx, e: &NewWebhookEvent) -> Result<Option<i64>, StoreError> {
    let row = tx
        .row(
            "INSERT INTO webhook_events (source, event_id, type, received_at, outcome, reason, payload) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source, event_id) DO NOTHING RETURNING id",
            &args![
                &e.source,
                e.event_id.as_deref(),
                e.event_type.as_deref(),
                e.received_at.0,
                e.outcome.as_str(),
                e.reason.as_deref(),
                &e.payload,
            ],
        )
        .await?;
    row.map(|r| r.i64("id")).transpose()
}

/// Notes which ticket a recorded event opened or noted.
pub(crate) async fn set_ticket(tx: &mut Tx, id: i64, ticket: TicketId) -> Result<(), StoreError> {
    tx.exec(
        "UPDATE webhook_events SET ticket_id = $1 WHERE id = $2",
        &args![ticket.0, id],
    )
    .await?;
    Ok(())
}

impl Store {
    /// The recorded delivery of `event_id` from `source`, if any.
    pub async fn webhook_event(
        &self,
        source: &str,
        event_id: &str,
    ) -> Result<Option<WebhookEvent>, StoreError> {
        let mut tx = self.read().await?;
        let sql =
            format!("SELECT {COLUMNS} FROM webhook_events WHERE source = $1 AND event_id = $2");
        tx.row(&sql, &args![source, event_id])
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    /// The latest `limit` recorded deliveries, newest first.
    pub async fn webhook_events(&self, limit: usize) -> Result<Vec<WebhookEvent>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!("SELECT {COLUMNS} FROM webhook_events ORDER BY id DESC LIMIT $1");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        tx.rows(&sql, &args![limit])
            .await?
            .iter()
            .map(from_row)
            .collect()
    }
}
