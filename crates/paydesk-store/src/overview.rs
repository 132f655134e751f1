//! What leads glance at: volume, backlog by age and SLA standing, counted per queue and
//! business line in one aggregate query (CASE buckets, the same text on both engines),
//! and tickets created per day in a second one. Everything else (per queue, per vendor,
//! per business line, the totals) is folded from those rows, without further queries.

use crate::error::StoreError;
use crate::sql::Value;
use crate::{Store, args};
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{QueueId, Timestamp, UserId, VendorId};

/// Which tickets an overview counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OverviewFilter {
    pub business_line: Option<BusinessLine>,
    pub vendor: Option<VendorChoice>,
}

/// Tickets of in-house queues (or none), or of one vendor's queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorChoice {
    InHouse,
    Vendor(VendorId),
}

/// Unsolved tickets by age, youngest first: under 4 hours, 4 to 24 hours, 1 to 3 days,
/// 3 to 7 days, over 7 days.
pub const AGE_BUCKETS: [&str; 5] = ["under 4 h", "4–24 h", "1–3 days", "3–7 days", "over 7 days"];

/// The upper bounds of [`AGE_BUCKETS`] in milliseconds (the last has none).
const AGE_LIMITS: [i64; 4] = [
    4 * Timestamp::HOUR,
    Timestamp::DAY,
    3 * Timestamp::DAY,
    7 * Timestamp::DAY,
];

/// Counts over a set of tickets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Created in the last 24 hours.
    pub created_24h: i64,
    /// Created in the last 7 days.
    pub created_7d: i64,
    /// Created since midnight (UTC).
    pub new_today: i64,
    /// Solved since midnight (UTC).
    pub solved_today: i64,
    /// Unsolved (new, open, pending, on hold), by [`AGE_BUCKETS`].
    pub backlog_by_age: [i64; 5],
    /// Unsolved with a running clock near its due time, not yet breached.
    pub at_risk: i64,
    /// Unsolved with a breached clock.
    pub breached: i64,
    /// New or open with nobody assigned.
    pub unassigned: i64,
}

impl Tally {
    /// All unsolved tickets.
    #[must_use]
    pub fn backlog(&self) -> i64 {
        self.backlog_by_age.iter().sum()
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Tally) {
        self.created_24h += other.created_24h;
        self.created_7d += other.created_7d;
        self.new_today += other.new_today;
        self.solved_today += other.solved_today;
        for (a, b) in self.backlog_by_age.iter_mut().zip(other.backlog_by_age) {
            *a += b;
        }
        self.at_risk += other.at_risk;
        self.breached += other.breached;
        self.unassigned += other.unassigned;
    }
}

/// The counts of one queue (or of tickets in none) and one business line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverviewRow {
    pub queue_id: Option<QueueId>,
    /// The queue's vendor; `None` for in-house queues and tickets in no queue.
    pub vendor_id: Option<VendorId>,
    pub business_line: BusinessLine,
    pub tally: Tally,
}

/// The overview's figures at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub rows: Vec<OverviewRow>,
    /// Tickets created per UTC day over the last [`VOLUME_DAYS`] days, oldest first: the
    /// day's start and the count (days without tickets count zero).
    pub per_day: Vec<(Timestamp, i64)>,
}

/// How many days the per-day volume covers, today included.
pub const VOLUME_DAYS: i64 = 14;

impl Overview {
    /// Everything counted.
    #[must_use]
    pub fn total(&self) -> Tally {
        let mut t = Tally::default();
        for r in &self.rows {
            t.add(&r.tally);
        }
        t
    }

    /// The counts folded by `key`, in the order keys first appear.
    pub fn by<K: PartialEq + Copy>(&self, key: impl Fn(&OverviewRow) -> K) -> Vec<(K, Tally)> {
        let mut out: Vec<(K, Tally)> = Vec::new();
        for r in &self.rows {
            let k = key(r);
            match out.iter_mut().find(|(x, _)| *x == k) {
                Some((_, t)) => t.add(&r.tally),
                None => out.push((k, r.tally)),
            }
        }
        out
    }
}

/// The unsolved statuses, as SQL.
const UNSOLVED: &str = "t.status IN ('new', 'open', 'pending', 'on_hold')";

/// The aggregate query's text: `$1` midnight, `$2` 24 hours ago, `$3` 7 days ago,
/// `$4..$7` the age limits' instants, then the filter's values.
fn tally_sql(conditions: &str) -> String {
    let age = |lo: Option<usize>, hi: Option<usize>| {
        let mut c = UNSOLVED.to_string();
        if let Some(lo) = lo {
            c.push_str(&format!(" AND t.created_at <= ${lo}"));
        }
        if let Some(hi) = hi {
            c.push_str(&format!(" AND t.created_at > ${hi}"));
        }
        format!("COUNT(CASE WHEN {c} THEN 1 END)")
    };
    format!(
        "SELECT t.queue_id, q.vendor_id, t.business_line, \
         COUNT(CASE WHEN t.created_at > $2 THEN 1 END) AS created_24h, \
         COUNT(CASE WHEN t.created_at > $3 THEN 1 END) AS created_7d, \
         COUNT(CASE WHEN t.created_at >= $1 THEN 1 END) AS new_today, \
         COUNT(CASE WHEN t.solved_at >= $1 THEN 1 END) AS solved_today, \
         {} AS age_0, {} AS age_1, {} AS age_2, {} AS age_3, {} AS age_4, \
         COUNT(CASE WHEN {UNSOLVED} AND t.sla_breached = 0 AND t.sla_at_risk <> 0 THEN 1 END) AS at_risk, \
         COUNT(CASE WHEN {UNSOLVED} AND t.sla_breached <> 0 THEN 1 END) AS breached, \
         COUNT(CASE WHEN t.status IN ('new', 'open') AND t.assignee_id IS NULL THEN 1 END) AS unassigned \
         FROM tickets t LEFT JOIN queues q ON q.id = t.queue_id \
         WHERE ({UNSOLVED} OR t.created_at > $3 OR t.solved_at >= $1){conditions} \
         GROUP BY t.queue_id, q.vendor_id, t.business_line \
         ORDER BY t.queue_id, t.business_line",
        age(None, Some(4)),
        age(Some(4), Some(5)),
        age(Some(5), Some(6)),
        age(Some(6), Some(7)),
        age(Some(7), None),
    )
}

/// The filter as SQL conditions on `t` and `q`, numbered from `$first`, with their values.
fn filter_sql(filter: &OverviewFilter, first: usize) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut values: Vec<Value> = Vec::new();
    if let Some(line) = filter.business_line {
        values.push(line.as_str().into());
        sql.push_str(&format!(
            " AND t.business_line = ${}",
            first + values.len() - 1
        ));
    }
    match filter.vendor {
        Some(VendorChoice::InHouse) => sql.push_str(" AND q.vendor_id IS NULL"),
        Some(VendorChoice::Vendor(v)) => {
            values.push(v.0.into());
            sql.push_str(&format!(" AND q.vendor_id = ${}", first + values.len() - 1));
        }
        None => {}
    }
    (sql, values)
}

impl Store {
    /// The overview of the tickets `filter` selects, as of `now`: one aggregate query
    /// grouped by queue and business line, and one for the volume per day, read in one
    /// snapshot.
    pub async fn overview(
        &self,
        filter: &OverviewFilter,
        now: Timestamp,
    ) -> Result<Overview, StoreError> {
        let midnight = now.0 - now.0.rem_euclid(Timestamp::DAY);
        let mut values: Vec<Value> =
            args![midnight, now.0 - Timestamp::DAY, now.0 - 7 * Timestamp::DAY].to_vec();
        values.extend(AGE_LIMITS.iter().map(|l| Value::from(now.0 - l)));
        let (conditions, filter_values) = filter_sql(filter, values.len() + 1);
        values.extend(filter_values);
        let mut tx = self.read().await?;
        let rows = tx.rows(&tally_sql(&conditions), &values).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let age = |i: usize| r.i64(&format!("age_{i}"));
            out.push(OverviewRow {
                queue_id: r.opt_i64("queue_id")?.map(QueueId),
                vendor_id: r.opt_i64("vendor_id")?.map(VendorId),
                business_line: r.label("business_line")?,
                tally: Tally {
                    created_24h: r.i64("created_24h")?,
                    created_7d: r.i64("created_7d")?,
                    new_today: r.i64("new_today")?,
                    solved_today: r.i64("solved_today")?,
                    backlog_by_age: [age(0)?, age(1)?, age(2)?, age(3)?, age(4)?],
                    at_risk: r.i64("at_risk")?,
                    breached: r.i64("breached")?,
                    unassigned: r.i64("unassigned")?,
                },
            });
        }
        let first_day = midnight - (VOLUME_DAYS - 1) * Timestamp::DAY;
        let mut values: Vec<Value> = args![first_day, Timestamp::DAY].to_vec();
        let (conditions, filter_values) = filter_sql(filter, 3);
        values.extend(filter_values);
        let sql = format!(
            "SELECT (t.created_at - $1) / $2 AS day_index, COUNT(*) AS n \
             FROM tickets t LEFT JOIN queues q ON q.id = t.queue_id \
             WHERE t.created_at >= $1{conditions} GROUP BY day_index ORDER BY day_index"
        );
        let mut per_day: Vec<(Timestamp, i64)> = (0..VOLUME_DAYS)
            .map(|d| (Timestamp(first_day + d * Timestamp::DAY), 0))
            .collect();
        for r in tx.rows(&sql, &values).await? {
            let day = usize::try_from(r.i64("day_index")?).unwrap_or(usize::MAX);
            if let Some(slot) = per_day.get_mut(day) {
                slot.1 = r.i64("n")?;
            }
        }
        Ok(Overview { rows: out, per_day })
    }
}

impl Store {
    /// How many live chats each agent holds (the agent of a chat is its ticket's assignee);
    /// agents without one are left out.
    pub async fn chat_loads(&self) -> Result<Vec<(UserId, i64)>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT t.assignee_id, COUNT(*) AS n FROM chat_sessions c \
             JOIN tickets t ON t.id = c.ticket_id \
             WHERE c.status = 'active' AND t.assignee_id IS NOT NULL \
             GROUP BY t.assignee_id",
            &[],
        )
        .await?
        .iter()
        .map(|r| Ok((UserId(r.i64("assignee_id")?), r.i64("n")?)))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(queue: i64, line: BusinessLine, backlog: i64) -> OverviewRow {
        OverviewRow {
            queue_id: Some(QueueId(queue)),
            vendor_id: None,
            business_line: line,
            tally: Tally {
                backlog_by_age: [backlog, 0, 0, 0, 1],
                breached: 1,
                ..Tally::default()
            },
        }
    }

    #[test]
    fn folds_rows_by_a_key_in_first_seen_order() {
        let o = Overview {
            rows: vec![
                row(2, BusinessLine::Buyer, 3),
                row(1, BusinessLine::Merchant, 2),
                row(2, BusinessLine::Merchant, 5),
            ],
            per_day: vec![],
        };
        let by_queue = o.by(|r| r.queue_id);
        assert_eq!(by_queue.len(), 2);
        assert_eq!(by_queue[0].0, Some(QueueId(2)));
        assert_eq!(by_queue[0].1.backlog(), 10);
        assert_eq!(by_queue[0].1.breached, 2);
        let by_line = o.by(|r| r.business_line);
        assert_eq!(by_line[1], (BusinessLine::Merchant, by_line[1].1));
        assert_eq!(by_line[1].1.backlog(), 9);
        assert_eq!(o.total().backlog(), 13);
    }
}
