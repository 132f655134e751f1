//! The rules' ledger: which rule fired on which ticket, for which trigger event or sweep;
//! the trigger loop's cursor over the event log; and the facts a rule reads beside the
//! ticket (SLA, payments, reply times).

use crate::error::StoreError;
use crate::sql::Row;
use crate::{Store, args, event};
use paydesk_domain::event::NewEvent;
use paydesk_domain::id::RuleId;
use paydesk_domain::rules::PaymentFacts;
use paydesk_domain::{EventId, TicketId, Timestamp};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// A firing to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFiring {
    pub rule_id: RuleId,
    pub ticket_id: TicketId,
    pub fired_at: Timestamp,
    /// The trigger event answered; `None` for a time-rule sweep.
    pub source_event_id: Option<EventId>,
    pub ticket_version: i64,
    pub actions: Json,
    pub error: Option<String>,
}

/// A recorded firing: its id in the ledger and what was recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct FiringRecord {
    pub id: i64,
    pub firing: NewFiring,
}

/// An event that may start triggers.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerSource {
    pub event_id: EventId,
    pub ticket_id: TicketId,
    pub kind: String,
    pub actor_kind: String,
    pub at: Timestamp,
    pub data: Json,
}

/// What a rule reads about a ticket beyond the ticket row and its customer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleFactRow {
    pub sla_at_risk: bool,
    pub sla_breached: bool,
    /// The next clock's due time; far in the future when none runs.
    pub sla_due_at: i64,
    /// When the ticket entered its current status.
    pub status_since: Option<Timestamp>,
    pub last_public_reply_at: Option<Timestamp>,
    pub last_customer_message_at: Option<Timestamp>,
    /// The linked payments, summarised as rules read them.
    pub payment: PaymentFacts,
}

/// The two rule loops, each a row of `rule_trigger_cursor` held by lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLoop {
    /// Triggers: the cursor is the last evaluated event id.
    Triggers = 1,
    /// Time-rule sweeps: the cursor is unused.
    Sweep = 2,
}

/// The event kinds that can start triggers.
pub const TRIGGER_EVENT_KINDS: &[&str] = &[
    "ticket_created",
    "field_changed",
    "message_added",
    "sla_at_risk",
    "sla_breached",
    "escalation_changed",
];

fn firing_from(row: &Row) -> Result<FiringRecord, StoreError> {
    Ok(FiringRecord {
        id: row.i64("id")?,
        firing: NewFiring {
            rule_id: RuleId(row.i64("rule_id")?),
            ticket_id: TicketId(row.i64("ticket_id")?),
            fired_at: Timestamp(row.i64("fired_at")?),
            source_event_id: row.opt_i64("source_event_id")?.map(EventId),
            ticket_version: row.i64("ticket_version")?,
            actions: row.json("actions")?,
            error: row.opt_text("error")?,
        },
    })
}

impl Store {
    /// Records a firing and its `rule_fired` event in one transaction. A trigger event's
    /// firing is recorded once: a second record for the same rule and source event changes
    /// nothing and returns `Ok(false)`.
    pub async fn record_firing(
        &self,
        firing: &NewFiring,
        fired: &NewEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let inserted = tx
            .exec(
                "INSERT INTO rule_firings (rule_id, ticket_id, fired_at, source_event_id, sweep_at, \
                 ticket_version, actions, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (rule_id, source_event_id) DO NOTHING",
                &args![
                    firing.rule_id.0,
                    firing.ticket_id.0,
                    firing.fired_at.0,
                    firing.source_event_id.map(|e| e.0),
                    firing
                        .source_event_id
                        .map_or(Some(firing.fired_at.0), |_| None),
                    firing.ticket_version,
                    firing.actions.to_string(),
                    firing.error.clone()
                ],
            )
            .await?;
        if inserted == 0 {
            return Ok(false);
        }
        event::append(&mut tx, fired, fired.ip.as_deref()).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Whether `rule` already fired for trigger event `source`.
    pub async fn has_fired_for(&self, rule: RuleId, source: EventId) -> Result<bool, StoreError> {
        let mut tx = self.read().await?;
        Ok(tx
            .row(
                "SELECT 1 AS one FROM rule_firings WHERE rule_id = $1 AND source_event_id = $2",
                &args![rule.0, source.0],
            )
            .await?
            .is_some())
    }

    /// A rule's firings, newest first, `limit` at a time, before firing id `before`.
    pub async fn rule_firings(
        &self,
        rule: RuleId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<FiringRecord>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT id, rule_id, ticket_id, fired_at, source_event_id, ticket_version, actions, \
                 error FROM rule_firings WHERE rule_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                &args![rule.0, before.unwrap_or(i64::MAX), limit],
            )
            .await?;
        rows.iter().map(firing_from).collect()
    }

    /// For each time rule that fired on `ticket`, the ticket version recorded with its
    /// latest firing there.
    pub async fn time_rule_ledger(
        &self,
        ticket: TicketId,
    ) -> Result<BTreeMap<RuleId, i64>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT rule_id, ticket_version FROM rule_firings f WHERE ticket_id = $1 \
                 AND source_event_id IS NULL AND id = (SELECT MAX(g.id) FROM rule_firings g \
                 WHERE g.rule_id = f.rule_id AND g.ticket_id = f.ticket_id AND g.source_event_id IS NULL)",
                &args![ticket.0],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((RuleId(r.i64("rule_id")?), r.i64("ticket_version")?)))
            .collect()
    }

    /// Takes a rule loop's lease for `owner` until `now + lease_ms` when nobody else
    /// holds it; returns the loop's cursor (for triggers, the last evaluated event id), or
    /// `None` when another instance holds it.
    pub async fn lease_rule_loop(
        &self,
        rule_loop: RuleLoop,
        owner: &str,
        now: Timestamp,
        lease_ms: i64,
    ) -> Result<Option<EventId>, StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec(
                "UPDATE rule_trigger_cursor SET leased_by = $1, leased_until = $2 WHERE id = $4 \
                 AND (leased_until IS NULL OR leased_until < $3 OR leased_by = $1)",
                &args![owner, now.0 + lease_ms, now.0, rule_loop as i64],
            )
            .await?;
        let row = tx
            .row(
                "SELECT last_event_id FROM rule_trigger_cursor WHERE id = $1",
                &args![rule_loop as i64],
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt("rule_trigger_cursor has no row".into()))?;
        tx.commit().await?;
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(EventId(row.i64("last_event_id")?)))
    }

    /// Moves a rule loop's cursor to `to` (never back) while `owner` holds the lease;
    /// `release` gives the lease up. Returns whether the owner still held it.
    pub async fn advance_rule_loop(
        &self,
        rule_loop: RuleLoop,
        owner: &str,
        to: EventId,
        release: bool,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let n = tx
            .exec(
                "UPDATE rule_trigger_cursor SET last_event_id = CASE WHEN last_event_id < $1 \
                 THEN $1 ELSE last_event_id END, \
                 leased_until = CASE WHEN $2 = 1 THEN NULL ELSE leased_until END, \
                 leased_by = CASE WHEN $2 = 1 THEN NULL ELSE leased_by END \
                 WHERE id = $4 AND leased_by = $3",
                &args![to.0, i64::from(release), owner, rule_loop as i64],
            )
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Ticket events after `after` that may start triggers, oldest first, at most `limit`.
    pub async fn trigger_sources(
        &self,
        after: EventId,
        limit: i64,
    ) -> Result<Vec<TriggerSource>, StoreError> {
        let mut tx = self.read().await?;
        let kinds = TRIGGER_EVENT_KINDS
            .iter()
            .map(|k| format!("'{k}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = tx
            .rows(
                &format!(
                    "SELECT id, ticket_id, kind, actor_kind, at, data FROM events \
                     WHERE id > $1 AND ticket_id IS NOT NULL AND kind IN ({kinds}) \
                     ORDER BY id LIMIT $2"
                ),
                &args![after.0, limit],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(TriggerSource {
                    event_id: EventId(r.i64("id")?),
                    ticket_id: TicketId(r.i64("ticket_id")?),
                    kind: r.text("kind")?,
                    actor_kind: r.text("actor_kind")?,
                    at: Timestamp(r.i64("at")?),
                    data: r.json("data")?,
                })
            })
            .collect()
    }

    /// The id of the newest event, or 0 (where the trigger loop can stop reading).
    pub async fn last_event_id(&self) -> Result<EventId, StoreError> {
        let mut tx = self.read().await?;
        let row = tx
            .row("SELECT COALESCE(MAX(id), 0) AS id FROM events", &[])
            .await?;
        Ok(EventId(row.map_or(Ok(0), |r| r.i64("id"))?))
    }

    /// Unresolved tickets (new, open, pending, on hold) after id `after`, by id, at most
    /// `limit`: the pages time-rule sweeps and dry runs walk.
    pub async fn unresolved_ticket_ids(
        &self,
        after: TicketId,
        limit: i64,
    ) -> Result<Vec<TicketId>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT id FROM tickets WHERE id > $1 \
                 AND status IN ('new', 'open', 'pending', 'on_hold') ORDER BY id LIMIT $2",
                &args![after.0, limit],
            )
            .await?;
        rows.iter().map(|r| Ok(TicketId(r.i64("id")?))).collect()
    }

    /// The facts about `ticket` a rule reads beside the ticket and its customer.
    pub async fn rule_fact_row(&self, ticket: TicketId) -> Result<RuleFactRow, StoreError> {
        let mut tx = self.read().await?;
        let t = ticket.0;
        let sla = tx
            .row(
                "SELECT sla_at_risk, sla_breached, sla_due_at FROM tickets WHERE id = $1",
                &args![t],
            )
            .await?
            .ok_or(StoreError::NotFound { entity: "ticket" })?;
        let times = tx
            .row(
                "SELECT \
                 (SELECT MAX(at) FROM events WHERE ticket_id = $1 AND kind = 'field_changed' \
                  AND data LIKE '%\"field\":\"status\"%') AS status_since, \
                 (SELECT MAX(created_at) FROM messages WHERE ticket_id = $1 \
                  AND visibility = 'public' AND author_kind <> 'customer') AS last_public_reply_at, \
                 (SELECT MAX(created_at) FROM messages WHERE ticket_id = $1 \
                  AND author_kind = 'customer') AS last_customer_message_at, \
                 (SELECT MAX(amount) FROM transactions WHERE id IN (SELECT object_id FROM \
                  ticket_payment_links WHERE ticket_id = $1 AND kind = 'transaction')) AS largest_amount, \
                 (SELECT COUNT(*) FROM disputes WHERE (ticket_id = $1 OR id IN (SELECT object_id FROM \
                  ticket_payment_links WHERE ticket_id = $1 AND kind = 'dispute')) AND status IN \
                  ('warning_needs_response', 'warning_under_review', 'needs_response', 'under_review')) \
                  AS open_disputes, \
                 (SELECT COUNT(*) FROM refunds WHERE ticket_id = $1 \
                  AND state IN ('pending_approval', 'approved', 'executing')) AS pending_refunds",
                &args![t],
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt("rule facts returned no row".into()))?;
        let payments = tx
            .rows(
                "SELECT failure_code, gateway, payment_method FROM transactions WHERE id IN \
                 (SELECT object_id FROM ticket_payment_links WHERE ticket_id = $1 \
                 AND kind = 'transaction') ORDER BY id",
                &args![t],
            )
            .await?;
        let mut facts = RuleFactRow {
            sla_at_risk: sla.i64("sla_at_risk")? != 0,
            sla_breached: sla.i64("sla_breached")? != 0,
            sla_due_at: sla.i64("sla_due_at")?,
            status_since: times.opt_i64("status_since")?.map(Timestamp),
            last_public_reply_at: times.opt_i64("last_public_reply_at")?.map(Timestamp),
            last_customer_message_at: times.opt_i64("last_customer_message_at")?.map(Timestamp),
            payment: PaymentFacts {
                largest_amount: times.opt_i64("largest_amount")?,
                has_open_dispute: times.i64("open_disputes")? > 0,
                has_refund_pending: times.i64("pending_refunds")? > 0,
                ..PaymentFacts::default()
            },
        };
        let p = &mut facts.payment;
        for row in &payments {
            push_unique(&mut p.failure_codes, row.opt_text("failure_code")?);
            push_unique(&mut p.gateways, Some(row.text("gateway")?));
            push_unique(&mut p.methods, row.opt_text("payment_method")?);
        }
        Ok(facts)
    }
}

fn push_unique(list: &mut Vec<String>, value: Option<String>) {
    if let Some(v) = value
        && !list.contains(&v)
    {
        list.push(v);
    }
}
