//! The demo desk's routing: queue conditions and modes, members, and an online profile
//! for everyone who works a queue, so that the routing loop hands out the open tickets
//! as soon as the demo serves.
//!
//! Buyer refunds (Northwind, English and Tagalog) go round robin and overflow to buyer
//! payments after two hours; buyer payments and creator earnings go to the least loaded;
//! merchant payouts and disputes by skills; escalations are claimed by hand.

use super::people::{Desk, QueueKind};
use crate::error::AppError;
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::routing::{AgentProfile, Presence, QueueConditions, RoutingMode, Skills, Tier};
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{Actor, QueueId, Timestamp};
use paydesk_store::{QueueRouting, Store};
use serde_json::json;
use std::collections::BTreeSet;

/// Open tickets a demo agent holds at most.
const CAPACITY: i64 = 8;

fn conditions(lines: &[BusinessLine], languages: &[&str]) -> QueueConditions {
    QueueConditions {
        business_lines: Some(lines.to_vec()),
        languages: (!languages.is_empty())
            .then(|| languages.iter().map(|l| (*l).to_string()).collect()),
        ..QueueConditions::default()
    }
}

/// (position, mode, conditions, skills of its workers) of each kind of queue.
fn routing_of(kind: QueueKind) -> (i64, RoutingMode, QueueConditions, Skills) {
    use BusinessLine::{Buyer, Creator, Merchant};
    let skills = |lines: &[BusinessLine], languages: &[&str], tier| Skills {
        languages: languages.iter().map(|l| (*l).to_string()).collect(),
        business_lines: lines.to_vec(),
        categories: vec![],
        tier,
    };
    match kind {
        QueueKind::BuyerRefunds => (
            1,
            RoutingMode::RoundRobin,
            conditions(&[Buyer], &["en", "tl"]),
            skills(&[Buyer], &["en", "tl"], Tier::L1),
        ),
        QueueKind::BuyerPayments => (
            2,
            RoutingMode::LeastLoaded,
            conditions(&[Buyer], &[]),
            skills(&[Buyer], &["en", "es", "pt"], Tier::L1),
        ),
        QueueKind::MerchantPayouts => (
            3,
            RoutingMode::Skills,
            conditions(&[Merchant], &[]),
            skills(&[Merchant], &[], Tier::L1),
        ),
        QueueKind::CreatorEarnings => (
            4,
            RoutingMode::LeastLoaded,
            conditions(&[Creator], &[]),
            skills(&[Creator], &["en", "es", "pt"], Tier::L1),
        ),
        QueueKind::MerchantDisputes => (
            5,
            RoutingMode::Skills,
            QueueConditions::default(),
            skills(&[Merchant], &[], Tier::L2),
        ),
        QueueKind::Escalations => (
            6,
            RoutingMode::Manual,
            QueueConditions::default(),
            skills(&[], &[], Tier::L2),
        ),
    }
}

/// Sets up the desk's queues, members and agent profiles (see the module documentation).
pub(super) async fn set_up(store: &Store, desk: &Desk, at: Timestamp) -> Result<(), AppError> {
    let event = NewEvent {
        ticket_id: None,
        customer_id: None,
        actor: Actor::System,
        at,
        kind: EventKind::ConfigChanged,
        data: json!({ "what": "demo routing" }),
        ip: None,
    };
    let overflow = desk.queue(QueueKind::BuyerPayments).map(|q| q.id);
    let mut profiled = BTreeSet::new();
    for q in &desk.queues {
        let (position, routing, conditions, skills) = routing_of(q.kind);
        let spill: Option<QueueId> = overflow.filter(|_| q.kind == QueueKind::BuyerRefunds);
        let settings = QueueRouting {
            conditions,
            position,
            routing,
            overflow_after_minutes: spill.map(|_| 120),
            overflow_queue_id: spill,
            calendar_id: None,
        };
        store.set_queue_routing(q.id, &settings, &event).await?;
        for w in &q.workers {
            store.add_queue_member(q.id, w.id, &event).await?;
            if !profiled.insert(w.id) {
                continue;
            }
            let profile = AgentProfile {
                user_id: w.id,
                skills: skills.clone(),
                capacity: CAPACITY,
                chat_capacity: 2,
                presence: Presence::Offline,
                presence_at: at,
                team_id: None,
                calendar_id: None,
                last_assigned_at: None,
                version: 1,
            };
            store.save_agent_profile(&profile, None, &event, at).await?;
            store
                .set_presence(w.id, Presence::Online, &Actor::System, at, None)
                .await?;
        }
    }
    Ok(())
}
