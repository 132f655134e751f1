//! Builders for routing tests: queues, agents with profiles, and tickets waiting in a queue,
//! written through the store as the services would write them.

use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::role::Role;
use paydesk_domain::routing::{AgentProfile, Presence, Skills};
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status, Ticket};
use paydesk_domain::{Actor, QueueId, TicketId, Timestamp, UserId, VendorId};
use paydesk_store::{NewQueue, NewUser, Store, StoreError, TicketRecord};
use serde_json::json;

fn audit(at: Timestamp) -> NewEvent {
    NewEvent {
        ticket_id: None,
        customer_id: None,
        actor: Actor::System,
        at,
        kind: EventKind::ConfigChanged,
        data: json!({ "what": "test set-up" }),
        ip: None,
    }
}

/// A queue with `key` (served by `vendor`, if any), routing manually.
pub async fn queue(
    store: &Store,
    key: &str,
    vendor: Option<VendorId>,
) -> Result<QueueId, StoreError> {
    let q = NewQueue {
        key: key.into(),
        name: key.into(),
        business_line: None,
        vendor_id: vendor,
    };
    Ok(store.insert_queue(&q, Timestamp(1)).await?.id)
}

/// A user of `role` with an online profile of `capacity` and `skills`, member of `queues`.
pub async fn agent(
    store: &Store,
    email: &str,
    role: Role,
    vendor: Option<VendorId>,
    capacity: i64,
    skills: Skills,
    queues: &[QueueId],
) -> Result<UserId, StoreError> {
    let user = NewUser {
        email: email.into(),
        name: email.into(),
        role,
        vendor_id: vendor,
        password_hash: None,
    };
    let id = store.insert_user(&user, Timestamp(1)).await?.id;
    let profile = AgentProfile {
        user_id: id,
        skills,
        capacity,
        chat_capacity: 2,
        presence: Presence::Offline,
        presence_at: Timestamp(1),
        team_id: None,
        calendar_id: None,
        last_assigned_at: None,
        version: 1,
    };
    store
        .save_agent_profile(&profile, None, &audit(Timestamp(1)), Timestamp(1))
        .await?;
    for q in queues {
        store.add_queue_member(*q, id, &audit(Timestamp(1))).await?;
    }
    store
        .set_presence(id, Presence::Online, &Actor::System, Timestamp(1), None)
        .await?;
    Ok(id)
}

/// A new unassigned ticket in `queue`, created at `at`, to insert with
/// [`Store::insert_tickets`].
#[must_use]
pub fn ticket(queue: Option<QueueId>, at: i64) -> TicketRecord {
    let at = Timestamp(at);
    TicketRecord {
        ticket: Ticket {
            id: TicketId(0),
            subject: "Charged twice".into(),
            status: Status::New,
            priority: Priority::Normal,
            channel: Channel::Email,
            business_line: BusinessLine::Buyer,
            category: None,
            tags: vec![],
            queue_id: queue,
            assignee_id: None,
            customer_id: None,
            language: "en".into(),
            version: 1,
            created_at: at,
            updated_at: at,
            solved_at: None,
            closed_at: None,
        },
        messages: vec![],
        events: vec![NewEvent::ticket(
            None,
            &Actor::System,
            at,
            EventKind::TicketCreated,
            json!({ "queue_id": queue }),
        )],
    }
}

/// `n` new tickets in `queue`, created at `at`.
pub async fn tickets(
    store: &Store,
    queue: QueueId,
    n: usize,
    at: i64,
) -> Result<Vec<TicketId>, StoreError> {
    let records: Vec<_> = (0..n).map(|_| ticket(Some(queue), at)).collect();
    store.insert_tickets(&records).await
}

/// Sets a ticket's SLA columns as the SLA clocks would keep them (`due_at`: the earliest
/// running clock's due time, `NO_DUE` when none runs).
pub async fn set_sla(
    store: &Store,
    id: TicketId,
    due_at: i64,
    is_breached: bool,
    is_at_risk: bool,
) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    tx.exec(
        "UPDATE tickets SET sla_due_at = $2, sla_breached = $3, sla_at_risk = $4 WHERE id = $1",
        &paydesk_store::args![id.0, due_at, i64::from(is_breached), i64::from(is_at_risk)],
    )
    .await?;
    tx.commit().await
}

/// An in-house agent `<name>@desk.example` of `capacity`, skilled for anything, online,
/// working `queue`.
pub async fn in_house(
    store: &Store,
    name: &str,
    capacity: i64,
    queue: QueueId,
) -> Result<UserId, StoreError> {
    let email = format!("{name}@desk.example");
    agent(
        store,
        &email,
        Role::Agent,
        None,
        capacity,
        Skills::default(),
        &[queue],
    )
    .await
}
