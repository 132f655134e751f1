//! A customer's activity: their tickets and money movements (transactions, payouts,
//! disputes) in one timeline, newest first, cursor-paginated.
//!
//! Each kind is read by its own indexed query (`<table>(customer_id, created_at)`), each
//! at most one page long and already past the cursor, and the four are merged. Order:
//! time, then kind (ticket, transaction, payout, dispute), then id, all descending; the
//! cursor is that triple, so a page never repeats or skips an item.

use crate::error::StoreError;
use crate::page::{Page, PageRequest, decode_cursor, encode_cursor};
use crate::payment_object::{
    DISPUTE_COLUMNS, PAYOUT_COLUMNS, TRANSACTION_COLUMNS, dispute_from, payout_from,
    transaction_from,
};
use crate::sql::{Row, Value};
use crate::{Store, args};
use paydesk_domain::payment::{Dispute, Payout, Transaction};
use paydesk_domain::ticket::{Channel, Priority, Status};
use paydesk_domain::{CustomerId, TicketId, Timestamp, VendorId};

/// A ticket as the activity shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSummary {
    pub id: TicketId,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub channel: Channel,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One item of a customer's activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    Ticket(TicketSummary),
    Transaction(Transaction),
    Payout(Payout),
    Dispute(Dispute),
}

impl Activity {
    /// When it happened (created).
    #[must_use]
    pub fn at(&self) -> Timestamp {
        match self {
            Self::Ticket(t) => t.created_at,
            Self::Transaction(t) => t.created_at,
            Self::Payout(p) => p.created_at,
            Self::Dispute(d) => d.created_at,
        }
    }

    /// Its place among items of the same instant (higher first).
    fn rank(&self) -> i64 {
        match self {
            Self::Ticket(_) => 3,
            Self::Transaction(_) => 2,
            Self::Payout(_) => 1,
            Self::Dispute(_) => 0,
        }
    }

    fn id(&self) -> i64 {
        match self {
            Self::Ticket(t) => t.id.0,
            Self::Transaction(t) => t.id.0,
            Self::Payout(p) => p.id.0,
            Self::Dispute(d) => d.id.0,
        }
    }

    fn key(&self) -> (i64, i64, i64) {
        (self.at().0, self.rank(), self.id())
    }
}

fn ticket_summary(row: &Row) -> Result<Activity, StoreError> {
    Ok(Activity::Ticket(TicketSummary {
        id: TicketId(row.i64("id")?),
        subject: row.text("subject")?,
        status: row.label("status")?,
        priority: row.label("priority")?,
        channel: row.label("channel")?,
        created_at: Timestamp(row.i64("created_at")?),
        updated_at: Timestamp(row.i64("updated_at")?),
    }))
}

/// One kind's query: its table, columns, rank and reader.
struct Source {
    table: &'static str,
    columns: &'static str,
    rank: i64,
    read: fn(&Row) -> Result<Activity, StoreError>,
}

const SOURCES: [Source; 4] = [
    Source {
        table: "tickets",
        columns: "id, subject, status, priority, channel, created_at, updated_at",
        rank: 3,
        read: ticket_summary,
    },
    Source {
        table: "transactions",
        columns: TRANSACTION_COLUMNS,
        rank: 2,
        read: |r| transaction_from(r).map(Activity::Transaction),
    },
    Source {
        table: "payouts",
        columns: PAYOUT_COLUMNS,
        rank: 1,
        read: |r| payout_from(r).map(Activity::Payout),
    },
    Source {
        table: "disputes",
        columns: DISPUTE_COLUMNS,
        rank: 0,
        read: |r| dispute_from(r).map(Activity::Dispute),
    },
];

/// Items of `source` past the cursor `(at, rank, id)`, in timeline order.
fn past(source: &Source, cursor: Option<(i64, i64, i64)>, values: &mut Vec<Value>) -> String {
    let Some((at, rank, id)) = cursor else {
        return String::new();
    };
    values.push(at.into());
    let n = values.len();
    if source.rank < rank {
        format!(" AND created_at <= ${n}")
    } else if source.rank > rank {
        format!(" AND created_at < ${n}")
    } else {
        values.push(id.into());
        format!(
            " AND (created_at < ${n} OR (created_at = ${n} AND id < ${}))",
            n + 1
        )
    }
}

impl Store {
    /// A customer's tickets and, with `has_money`, money movements, newest first (see the
    /// module documentation). With a vendor, only the tickets in queues it serves are shown
    /// (the caller checks that the customer is one the vendor serves).
    ///
    /// Errors: [`StoreError::BadCursor`].
    pub async fn customer_activity(
        &self,
        customer: CustomerId,
        vendor: Option<VendorId>,
        has_money: bool,
        page: &PageRequest,
    ) -> Result<Page<Activity>, StoreError> {
        let cursor = match &page.cursor {
            Some(c) => {
                let v = decode_cursor(c, 3).ok_or(StoreError::BadCursor)?;
                Some((v[0], v[1], v[2]))
            }
            None => None,
        };
        let limit = page.limit.clamp(1, PageRequest::MAX_LIMIT);
        let mut items = Vec::new();
        let mut tx = self.read().await?;
        let sources = if has_money {
            &SOURCES[..]
        } else {
            &SOURCES[..1]
        };
        for source in sources {
            let mut values = args![customer.0].to_vec();
            let mut sql = format!(
                "SELECT {} FROM {} WHERE customer_id = $1",
                source.columns, source.table
            );
            sql.push_str(&past(source, cursor, &mut values));
            if let (Some(v), "tickets") = (vendor, source.table) {
                values.push(v.0.into());
                sql.push_str(&format!(
                    " AND queue_id IN (SELECT id FROM queues WHERE vendor_id = ${})",
                    values.len()
                ));
            }
            sql.push_str(&format!(
                " ORDER BY created_at DESC, id DESC LIMIT {}",
                limit + 1
            ));
            for row in tx.rows(&sql, &values).await? {
                items.push((source.read)(&row)?);
            }
        }
        items.sort_by_key(|i| std::cmp::Reverse(i.key()));
        let more = items.len() > limit;
        items.truncate(limit);
        let next_cursor = match (more, items.last()) {
            (true, Some(last)) => {
                let (at, rank, id) = last.key();
                Some(encode_cursor(&[at, rank, id]))
            }
            _ => None,
        };
        Ok(Page { items, next_cursor })
    }
}
