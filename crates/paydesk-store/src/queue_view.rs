//! What agents look at: a queue's unsolved tickets and their own, most urgent first, and
//! the counts per queue.
//!
//! Urgency order is `sla_due_at, priority_rank, id`, ascending (breached tickets have the
//! earliest due times, tickets without a running clock the largest). Each query repeats
//! the `WHERE` predicate of its partial index word for word (`tickets_queue_urgency`,
//! `tickets_assignee_urgency`, `tickets_unassigned_urgency`), so both engines read the
//! first page straight from the index, without sorting. Pages continue with a keyset
//! cursor over the three columns.

use crate::error::StoreError;
use crate::page::{Page, PageRequest, decode_cursor, encode_cursor};
use crate::sql::{Row, Value};
use crate::ticket::{TICKET_COLUMNS, ticket_from_row};
use crate::ticket_list::tags_of;
use crate::{Store, args};
use paydesk_domain::customer::Tier;
use paydesk_domain::routing::SlaStanding;
use paydesk_domain::ticket::{BusinessLine, Priority, Status, Ticket};
use paydesk_domain::{QueueId, TicketId, Timestamp, UserId, VendorId};
use std::collections::BTreeMap;

/// One row of a queue view or of "my work".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkRow {
    pub id: TicketId,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub business_line: BusinessLine,
    pub category: Option<String>,
    pub language: String,
    pub queue_id: Option<QueueId>,
    pub assignee_id: Option<UserId>,
    pub created_at: Timestamp,
    /// The customer's tier, when the ticket has a customer.
    pub customer_tier: Option<Tier>,
    /// When the earliest running SLA clock is due; `None` when none runs.
    pub sla_due_at: Option<Timestamp>,
    pub sla: SlaStanding,
}

pub(crate) const WORK_COLUMNS: &str = "id, subject, status, priority, business_line, category, language, queue_id, \
     assignee_id, created_at, sla_due_at, priority_rank, sla_breached, sla_at_risk, \
     (SELECT c.tier FROM customers c WHERE c.id = tickets.customer_id) AS customer_tier";

/// What urgency order a row has: `(sla_due_at, priority_rank, id)`.
type Position = [i64; 3];

fn work_from(row: &Row) -> Result<(WorkRow, Position), StoreError> {
    let due = row.i64("sla_due_at")?;
    let id = row.i64("id")?;
    let rank = row.i64("priority_rank")?;
    let item = WorkRow {
        id: TicketId(id),
        subject: row.text("subject")?,
        status: row.label("status")?,
        priority: row.label("priority")?,
        business_line: row.label("business_line")?,
        category: row.opt_text("category")?,
        language: row.text("language")?,
        queue_id: row.opt_i64("queue_id")?.map(QueueId),
        assignee_id: row.opt_i64("assignee_id")?.map(UserId),
        created_at: Timestamp(row.i64("created_at")?),
        customer_tier: row
            .opt_text("customer_tier")?
            .map(|t| t.parse())
            .transpose()
            .map_err(|e: paydesk_domain::DomainError| {
                StoreError::Corrupt(format!("customer_tier: {e}"))
            })?,
        sla_due_at: (due != paydesk_domain::sla::NO_DUE).then_some(Timestamp(due)),
        sla: SlaStanding::of(
            due,
            row.i64("sla_breached")? != 0,
            row.i64("sla_at_risk")? != 0,
        ),
    };
    Ok((item, [due, rank, id]))
}

/// One page of work rows from a query that read up to `limit + 1` rows in urgency order;
/// the extra row, if any, says that a next page exists.
pub(crate) fn work_rows_page(rows: &[Row], limit: usize) -> Result<Page<WorkRow>, StoreError> {
    let mut items = rows.iter().map(work_from).collect::<Result<Vec<_>, _>>()?;
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|(_, p)| encode_cursor(p))
    } else {
        None
    };
    Ok(Page {
        items: items.into_iter().map(|(w, _)| w).collect(),
        next_cursor,
    })
}

/// A queue's unsolved tickets: the predicate of `tickets_queue_urgency`.
const QUEUE_VIEW: &str = "queue_id = $1 AND status IN ('new', 'open', 'pending', 'on_hold')";

/// The query of one page of a work list (see [`Store::work_page`]).
fn work_query(
    filter: &str,
    key: i64,
    vendor: Option<VendorId>,
    page: &PageRequest,
) -> Result<(String, Vec<Value>), StoreError> {
    let mut values: Vec<Value> = args![key].to_vec();
    let mut sql = format!("SELECT {WORK_COLUMNS} FROM tickets WHERE {filter}");
    if let Some(v) = vendor {
        values.push(v.0.into());
        sql.push_str(" AND queue_id IN (SELECT id FROM queues WHERE vendor_id = $2)");
    }
    if let Some(c) = &page.cursor {
        let p = decode_cursor(c, 3).ok_or(StoreError::BadCursor)?;
        let n = values.len();
        values.extend(p.into_iter().map(Value::from));
        sql.push_str(&format!(
            " AND (sla_due_at, priority_rank, id) > (${}, ${}, ${})",
            n + 1,
            n + 2,
            n + 3
        ));
    }
    let limit = i64::try_from(page.limit).unwrap_or(50);
    values.push((limit + 1).into());
    sql.push_str(&format!(
        " ORDER BY sla_due_at, priority_rank, id LIMIT ${}",
        values.len()
    ));
    Ok((sql, values))
}

/// Counts of one queue's unsolved tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCounts {
    pub queue_id: QueueId,
    /// By status (new, open, pending, on_hold); absent statuses count zero.
    pub by_status: BTreeMap<Status, i64>,
    /// By SLA standing.
    pub by_sla: BTreeMap<SlaStanding, i64>,
    /// New or open with nobody assigned.
    pub unassigned: i64,
}

impl Store {
    /// One page of a work list: `filter` is the index's column condition and predicate
    /// (with `$1`, and `$2` for the vendor when `vendor` is given).
    async fn work_page(
        &self,
        filter: &str,
        key: i64,
        vendor: Option<VendorId>,
        page: &PageRequest,
    ) -> Result<Page<WorkRow>, StoreError> {
        let (sql, values) = work_query(filter, key, vendor, page)?;
        let mut tx = self.read().await?;
        let rows = tx.rows(&sql, &values).await?;
        work_rows_page(&rows, page.limit)
    }

    /// The engine's plan for a page of a queue view (`EXPLAIN QUERY PLAN` on SQLite,
    /// `EXPLAIN` on PostgreSQL), one line per step: shows that the index is read in order
    /// and nothing is sorted.
    pub async fn queue_view_plan(
        &self,
        queue: QueueId,
        page: &PageRequest,
    ) -> Result<String, StoreError> {
        let (sql, values) = work_query(QUEUE_VIEW, queue.0, None, page)?;
        let (explain, column) = match self.engine() {
            crate::Engine::Sqlite => ("EXPLAIN QUERY PLAN", "detail"),
            crate::Engine::Postgres => ("EXPLAIN", "QUERY PLAN"),
        };
        let mut tx = self.read().await?;
        let rows = tx.rows(&format!("{explain} {sql}"), &values).await?;
        let lines = rows
            .iter()
            .map(|r| r.text(column))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(lines.join("\n"))
    }

    /// A queue's unsolved tickets (new, open, pending, on hold), most urgent first.
    /// Errors: [`StoreError::BadCursor`].
    pub async fn queue_tickets(
        &self,
        queue: QueueId,
        page: &PageRequest,
    ) -> Result<Page<WorkRow>, StoreError> {
        self.work_page(QUEUE_VIEW, queue.0, None, page).await
    }

    /// The unsolved tickets assigned to `user`, most urgent first; with `vendor`, only
    /// those in that vendor's queues. Errors: [`StoreError::BadCursor`].
    pub async fn assigned_work(
        &self,
        user: UserId,
        vendor: Option<VendorId>,
        page: &PageRequest,
    ) -> Result<Page<WorkRow>, StoreError> {
        self.work_page(
            "assignee_id = $1 AND status IN ('new', 'open', 'pending', 'on_hold')",
            user.0,
            vendor,
            page,
        )
        .await
    }

    /// Up to `limit` unassigned new or open tickets of `queue`, most urgent first (what
    /// automatic assignment hands out), read from `tickets_unassigned_urgency`.
    pub async fn unassigned_tickets(
        &self,
        queue: QueueId,
        limit: usize,
    ) -> Result<Vec<Ticket>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE queue_id = $1 \
             AND assignee_id IS NULL AND status IN ('new', 'open') \
             ORDER BY sla_due_at, priority_rank, id LIMIT $2"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = tx.rows(&sql, &args![queue.0, limit]).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.i64("id")).collect::<Result<_, _>>()?;
        let mut tags = tags_of(&mut tx, &ids).await?;
        rows.iter()
            .map(|r| {
                let id = r.i64("id")?;
                ticket_from_row(r, tags.remove(&id).unwrap_or_default())
            })
            .collect()
    }

    /// Counts of unsolved tickets per queue (queues without any are left out); with
    /// `vendor`, only that vendor's queues.
    pub async fn queue_counts(
        &self,
        vendor: Option<VendorId>,
    ) -> Result<Vec<QueueCounts>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT queue_id, status, \
                 CASE WHEN sla_breached <> 0 THEN 'breached' WHEN sla_at_risk <> 0 THEN 'at_risk' \
                 WHEN sla_due_at = $2 THEN 'none' ELSE 'on_track' END AS sla, \
                 CAST(CASE WHEN assignee_id IS NULL AND status IN ('new', 'open') THEN 1 ELSE 0 END AS BIGINT) AS unassigned, \
                 COUNT(*) AS n FROM tickets \
                 WHERE queue_id IS NOT NULL AND status IN ('new', 'open', 'pending', 'on_hold') \
                 AND ($1 IS NULL OR queue_id IN (SELECT id FROM queues WHERE vendor_id = $1)) \
                 GROUP BY queue_id, status, sla, unassigned ORDER BY queue_id",
                // No running clock is NO_DUE, bound like every value.
                &args![vendor.map(|v| v.0), paydesk_domain::sla::NO_DUE],
            )
            .await?;
        let mut out: Vec<QueueCounts> = Vec::new();
        for r in rows {
            let queue_id = QueueId(r.i64("queue_id")?);
            let n = r.i64("n")?;
            if out.last().is_none_or(|c| c.queue_id != queue_id) {
                out.push(QueueCounts {
                    queue_id,
                    by_status: BTreeMap::new(),
                    by_sla: BTreeMap::new(),
                    unassigned: 0,
                });
            }
            if let Some(c) = out.last_mut() {
                *c.by_status.entry(r.label("status")?).or_default() += n;
                *c.by_sla.entry(r.label("sla")?).or_default() += n;
                if r.i64("unassigned")? != 0 {
                    c.unassigned += n;
                }
            }
        }
        Ok(out)
    }
}
