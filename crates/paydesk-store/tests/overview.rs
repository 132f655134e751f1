//! The lead overview's aggregate queries, on both engines: counts per queue and business
//! line (volume, backlog by age, SLA standing, unassigned), the volume per day, and the
//! filters by business line and vendor.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_domain::ticket::{BusinessLine, Status};
use paydesk_domain::{QueueId, Timestamp};
use paydesk_store::{OverviewFilter, Store, Tally, VendorChoice};
use paydesk_testkit::on_both_engines;
use paydesk_testkit::routing::{queue, set_sla, ticket};

const DAY: i64 = Timestamp::DAY;
const HOUR: i64 = Timestamp::HOUR;
/// Noon of day 30: midnight is 30 days.
const NOW: i64 = 30 * DAY + 12 * HOUR;

async fn add(
    store: &Store,
    q: Option<QueueId>,
    line: BusinessLine,
    age: i64,
    solved_at: Option<i64>,
) -> paydesk_domain::TicketId {
    let mut r = ticket(q, NOW - age);
    r.ticket.business_line = line;
    if let Some(s) = solved_at {
        r.ticket.status = Status::Solved;
        r.ticket.solved_at = Some(Timestamp(s));
    }
    store.insert_tickets(&[r]).await.unwrap()[0]
}

async fn overview_counts_per_queue_and_line(store: Store) {
    let vendor = store
        .insert_vendor("Manila BPO", Timestamp(1))
        .await
        .unwrap();
    let qa = queue(&store, "payments", None).await.unwrap();
    let qb = queue(&store, "vendor-desk", Some(vendor.id)).await.unwrap();
    use BusinessLine::{Buyer, Merchant};
    add(&store, Some(qa), Buyer, HOUR, None).await;
    add(&store, Some(qa), Buyer, 10 * HOUR, None).await;
    add(&store, Some(qa), Buyer, 2 * DAY, None).await;
    add(&store, Some(qa), Buyer, 3 * DAY, Some(NOW - HOUR)).await;
    let breached = add(&store, Some(qa), Merchant, 10 * DAY, None).await;
    set_sla(&store, breached, NOW - DAY, true, true)
        .await
        .unwrap();
    let at_risk = add(&store, Some(qb), Buyer, 5 * DAY, None).await;
    set_sla(&store, at_risk, NOW + HOUR, false, true)
        .await
        .unwrap();
    add(&store, None, Merchant, HOUR, None).await;
    add(&store, Some(qa), Buyer, 20 * DAY, Some(NOW - 15 * DAY)).await;

    let all = store
        .overview(&OverviewFilter::default(), Timestamp(NOW))
        .await
        .unwrap();
    let total = all.total();
    assert_eq!(
        total,
        Tally {
            created_24h: 3,
            created_7d: 6,
            new_today: 3,
            solved_today: 1,
            backlog_by_age: [2, 1, 1, 1, 1],
            at_risk: 1,
            breached: 1,
            unassigned: 6,
        }
    );
    assert_eq!(all.rows.len(), 4, "queue × line groups: {:?}", all.rows);
    let by_queue = all.by(|r| r.queue_id);
    let payments = by_queue.iter().find(|(q, _)| *q == Some(qa)).unwrap().1;
    assert_eq!(payments.backlog(), 4);
    assert_eq!(payments.breached, 1);
    let by_vendor = all.by(|r| r.vendor_id);
    let theirs = by_vendor
        .iter()
        .find(|(v, _)| *v == Some(vendor.id))
        .unwrap()
        .1;
    assert_eq!((theirs.backlog(), theirs.at_risk), (1, 1));
    let counts: Vec<i64> = all.per_day.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, [0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 3]);
    assert_eq!(
        all.per_day[13].0,
        Timestamp(30 * DAY),
        "the last day is today"
    );

    let only_vendor = OverviewFilter {
        business_line: None,
        vendor: Some(VendorChoice::Vendor(vendor.id)),
    };
    let theirs = store.overview(&only_vendor, Timestamp(NOW)).await.unwrap();
    assert_eq!(theirs.total().backlog(), 1);
    assert_eq!(theirs.per_day.iter().map(|d| d.1).sum::<i64>(), 1);
    let in_house = OverviewFilter {
        business_line: None,
        vendor: Some(VendorChoice::InHouse),
    };
    let ours = store.overview(&in_house, Timestamp(NOW)).await.unwrap();
    assert_eq!(
        ours.total().backlog(),
        5,
        "tickets in no queue are in-house"
    );
    let merchant = OverviewFilter {
        business_line: Some(Merchant),
        vendor: None,
    };
    let m = store
        .overview(&merchant, Timestamp(NOW))
        .await
        .unwrap()
        .total();
    assert_eq!((m.backlog(), m.breached, m.created_24h), (2, 1, 1));
    assert_eq!(store.vendors().await.unwrap(), vec![vendor]);
}

on_both_engines!(overview_counts_per_queue_and_line);
