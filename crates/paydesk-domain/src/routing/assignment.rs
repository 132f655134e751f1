//! What an assignment or a queue move records: the `field_changed` event the timeline has
//! always shown, and beside it an `assigned` / `queue_changed` event saying why.

use super::AssignReason;
use crate::Actor;
use crate::event::{Change, EventKind, NewEvent};
use crate::ticket::Ticket;
use crate::time::Timestamp;
use serde_json::json;

/// The events of `before` becoming `after` by routing (assignee and/or queue changed),
/// for `reason`. Empty when neither changed.
#[must_use]
pub fn routing_events(
    before: &Ticket,
    after: &Ticket,
    actor: &Actor,
    at: Timestamp,
    reason: AssignReason,
) -> Vec<NewEvent> {
    let mut events = Vec::new();
    let id = Some(after.id);
    if before.queue_id != after.queue_id {
        let change = Change::id(
            "queue_id",
            before.queue_id.map(|q| q.0),
            after.queue_id.map(|q| q.0),
        );
        events.extend(NewEvent::from_changes(after.id, actor, at, &[change]));
        events.push(NewEvent::ticket(
            id,
            actor,
            at,
            EventKind::QueueChanged,
            json!({ "from": before.queue_id, "to": after.queue_id, "reason": reason }),
        ));
    }
    if before.assignee_id != after.assignee_id {
        let change = Change::id(
            "assignee_id",
            before.assignee_id.map(|u| u.0),
            after.assignee_id.map(|u| u.0),
        );
        events.extend(NewEvent::from_changes(after.id, actor, at, &[change]));
        events.push(assigned_event(before, after, actor, at, reason));
    }
    events
}

/// The `assigned` event alone (for changes whose `field_changed` events exist already).
#[must_use]
pub fn assigned_event(
    before: &Ticket,
    after: &Ticket,
    actor: &Actor,
    at: Timestamp,
    reason: AssignReason,
) -> NewEvent {
    NewEvent::ticket(
        Some(after.id),
        actor,
        at,
        EventKind::Assigned,
        json!({
            "assignee_id": after.assignee_id,
            "previous_assignee_id": before.assignee_id,
            "reason": reason,
            "queue_id": after.queue_id,
        }),
    )
}
