//! Listing tickets with filters and cursor pagination. The query is built once with
//! sea-query and rendered for the engine in use.

use crate::error::StoreError;
use crate::page::{Page, PageRequest, decode_cursor, encode_cursor};
use crate::sql::{Engine, Tx, from_sea_values, placeholders};
use crate::ticket::{TICKET_COLUMNS, ticket_from_row};
use crate::{Store, search};
use paydesk_domain::ticket::{BusinessLine, Status, Ticket};
use paydesk_domain::{CustomerId, QueueId, Timestamp, UserId, VendorId};
use sea_query::{
    Cond, Expr, ExprTrait, Order, PostgresQueryBuilder, Query, SelectStatement, SqliteQueryBuilder,
};
use std::collections::HashMap;

/// Which tickets to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    /// Any of these statuses.
    pub statuses: Vec<Status>,
    pub queue_id: Option<QueueId>,
    pub business_line: Option<BusinessLine>,
    /// `Some(None)` lists unassigned tickets.
    pub assignee_id: Option<Option<UserId>>,
    pub category: Option<String>,
    pub tag: Option<String>,
    pub customer_id: Option<CustomerId>,
    /// Created at or after.
    pub created_from: Option<Timestamp>,
    /// Created before.
    pub created_to: Option<Timestamp>,
    /// Words that must all appear in the subject or a message.
    pub text: Option<String>,
    /// Only tickets in queues served by this vendor (vendor isolation).
    pub vendor_id: Option<VendorId>,
    /// Only tickets linked to a transaction whose gateway reference or order id is this,
    /// or to a payout whose gateway reference is this.
    pub payment_ref: Option<String>,
}

/// A custom condition with one bound value, written with `?` and rendered the way
/// sea-query expects for the engine (`?` for SQLite, `$1` for PostgreSQL).
fn one_param(engine: Engine, cond: &'static str) -> String {
    match engine {
        Engine::Sqlite => cond.to_string(),
        Engine::Postgres => cond.replace('?', "$1"),
    }
}

fn build(
    engine: Engine,
    f: &TicketFilter,
    after: Option<(i64, i64)>,
    limit: usize,
) -> (String, Vec<crate::sql::Value>) {
    let mut q = Query::select();
    q.expr(Expr::cust(TICKET_COLUMNS)).from("tickets");
    filter_on(&mut q, engine, f);
    if let Some((created, id)) = after {
        q.cond_where(
            Cond::any().add(Expr::col("created_at").lt(created)).add(
                Cond::all()
                    .add(Expr::col("created_at").eq(created))
                    .add(Expr::col("id").lt(id)),
            ),
        );
    }
    q.order_by("created_at", Order::Desc)
        .order_by("id", Order::Desc)
        .limit(u64::try_from(limit).unwrap_or(50) + 1);
    built(engine, &q)
}

/// The statement as SQL for `engine`, with its values.
pub(crate) fn built(engine: Engine, q: &SelectStatement) -> (String, Vec<crate::sql::Value>) {
    let (sql, values) = match engine {
        Engine::Sqlite => q.build(SqliteQueryBuilder),
        Engine::Postgres => q.build(PostgresQueryBuilder),
    };
    (sql, from_sea_values(values))
}

/// Adds the conditions of `f` to `q` (a select from `tickets`).
pub(crate) fn filter_on(q: &mut SelectStatement, engine: Engine, f: &TicketFilter) {
    if !f.statuses.is_empty() {
        q.and_where(Expr::col("status").is_in(f.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(id) = f.queue_id {
        q.and_where(Expr::col("queue_id").eq(id.0));
    }
    if let Some(line) = f.business_line {
        q.and_where(Expr::col("business_line").eq(line.as_str()));
    }
    match f.assignee_id {
        Some(Some(id)) => {
            q.and_where(Expr::col("assignee_id").eq(id.0));
        }
        Some(None) => {
            q.and_where(Expr::col("assignee_id").is_null());
        }
        None => {}
    }
    if let Some(c) = &f.category {
        q.and_where(Expr::col("category").eq(c.as_str()));
    }
    if let Some(tag) = &f.tag {
        q.and_where(Expr::cust_with_values(
            one_param(
                engine,
                "tickets.id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ?)",
            ),
            [tag.clone()],
        ));
    }
    if let Some(id) = f.customer_id {
        q.and_where(Expr::col("customer_id").eq(id.0));
    }
    if let Some(t) = f.created_from {
        q.and_where(Expr::col("created_at").gte(t.0));
    }
    if let Some(t) = f.created_to {
        q.and_where(Expr::col("created_at").lt(t.0));
    }
    if let Some(vendor) = f.vendor_id {
        q.and_where(Expr::cust_with_values(
            one_param(
                engine,
                "tickets.queue_id IN (SELECT id FROM queues WHERE vendor_id = ?)",
            ),
            [vendor.0],
        ));
    }
    if let Some(text) = &f.text {
        let words = search::words(text);
        if !words.is_empty() {
            let (cond, value) = search::condition(engine, &words);
            q.and_where(Expr::cust_with_values(cond, [value]));
        }
    }
    if let Some(reference) = &f.payment_ref {
        let mut any = Cond::any();
        for cond in PAYMENT_REF_CONDITIONS {
            any = any.add(Expr::cust_with_values(
                one_param(engine, cond),
                [reference.clone()],
            ));
        }
        q.cond_where(any);
    }
}

/// Tickets linked to a payment named by a reference: a transaction's gateway reference or
/// order id, or a payout's gateway reference (each with one `?`).
const PAYMENT_REF_CONDITIONS: [&str; 3] = [
    "tickets.id IN (SELECT l.ticket_id FROM ticket_payment_links l \
     JOIN transactions x ON l.kind = 'transaction' AND x.id = l.object_id WHERE x.gateway_ref = ?)",
    "tickets.id IN (SELECT l.ticket_id FROM ticket_payment_links l \
     JOIN transactions x ON l.kind = 'transaction' AND x.id = l.object_id WHERE x.order_id = ?)",
    "tickets.id IN (SELECT l.ticket_id FROM ticket_payment_links l \
     JOIN payouts p ON l.kind = 'payout' AND p.id = l.object_id WHERE p.gateway_ref = ?)",
];

pub(crate) async fn tags_of(
    tx: &mut Tx,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT ticket_id, tag FROM ticket_tags WHERE ticket_id IN ({}) ORDER BY ticket_id, tag",
        placeholders(1, ids.len())
    );
    let values: Vec<_> = ids.iter().map(|i| (*i).into()).collect();
    for r in tx.rows(&sql, &values).await? {
        out.entry(r.i64("ticket_id")?)
            .or_default()
            .push(r.text("tag")?);
    }
    Ok(out)
}

impl Store {
    /// Tickets matching `filter`, newest first, one page at a time.
    /// Errors: [`StoreError::BadCursor`] for a cursor this store did not issue.
    pub async fn list_tickets(
        &self,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> Result<Page<Ticket>, StoreError> {
        let after = match &page.cursor {
            Some(c) => {
                let v = decode_cursor(c, 2).ok_or(StoreError::BadCursor)?;
                Some((v[0], v[1]))
            }
            None => None,
        };
        let (sql, values) = build(self.engine(), filter, after, page.limit);
        let mut tx = self.read().await?;
        let rows = tx.rows(&sql, &values).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.i64("id")).collect::<Result<_, _>>()?;
        let mut tags = tags_of(&mut tx, &ids).await?;
        let mut items = rows
            .iter()
            .map(|r| {
                let id = r.i64("id")?;
                ticket_from_row(r, tags.remove(&id).unwrap_or_default())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > page.limit {
            items.truncate(page.limit);
            items
                .last()
                .map(|t| encode_cursor(&[t.created_at.0, t.id.0]))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }
}
