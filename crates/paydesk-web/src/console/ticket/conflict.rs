//! The banner of a change refused because someone else changed the ticket first: what
//! they changed (the values the form showed against the ticket now, and the events since
//! the page was read), who and when, and what of the person's change was not saved.
//! Nothing is ever saved over the other person's change.

use super::form::Shown;
use super::people::People;
use super::timeline::{sentence, words};
use crate::console::when::exact;
use paydesk_domain::event::{Event, EventKind};
use paydesk_domain::ticket::{Ticket, TicketPatch};

/// What the banner says.
#[derive(Debug, Clone, Default)]
pub struct Conflict {
    /// "Changed by Bo Lind at 2026-11-24 09:30 UTC."
    pub who: String,
    /// What the other person changed, one sentence each.
    pub theirs: Vec<String>,
    /// What the person asked for that was not saved.
    pub yours: Vec<String>,
}

/// The banner for a change refused at `ticket` (as it is now). `shown` is what the form
/// showed, when it was the fields form; `last_event` the newest event the page showed.
#[must_use]
pub fn conflict(
    ticket: &Ticket,
    shown: Option<&Shown>,
    last_event: i64,
    events: &[Event],
    people: &People,
    yours: Vec<String>,
) -> Conflict {
    let since: Vec<&Event> = events
        .iter()
        .filter(|e| e.id.0 > last_event && is_change(e.kind))
        .collect();
    let mut theirs: Vec<String> = shown
        .map(|s| differences(s, ticket, people))
        .unwrap_or_default();
    if theirs.is_empty() {
        theirs = since.iter().map(|e| sentence(e, people)).collect();
    }
    let mut names: Vec<String> = Vec::new();
    for e in &since {
        let name = people.actor(&e.actor);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let who = match since.last() {
        Some(last) => format!("Changed by {} at {}.", names.join(" and "), exact(last.at)),
        None => format!("Changed by someone else at {}.", exact(ticket.updated_at)),
    };
    Conflict { who, theirs, yours }
}

fn is_change(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::FieldChanged
            | EventKind::MessageAdded
            | EventKind::Assigned
            | EventKind::Reopened
            | EventKind::QueueChanged
    )
}

/// The fields whose value now differs from what the form showed.
fn differences(shown: &Shown, now: &Ticket, people: &People) -> Vec<String> {
    let mut out = Vec::new();
    let mut differ = |field: &str, was: String, is: String| {
        if was != is {
            out.push(format!("{field} is now {is} (you saw {was})."));
        }
    };
    let none = |s: &str| {
        if s.is_empty() {
            "nothing".to_string()
        } else {
            words(s)
        }
    };
    differ("Status", none(&shown.status), words(now.status.as_str()));
    differ(
        "Priority",
        none(&shown.priority),
        now.priority.as_str().to_string(),
    );
    differ(
        "Category",
        none(&shown.category),
        none(now.category.as_deref().unwrap_or_default()),
    );
    differ(
        "Tags",
        none(&shown.tags.join(", ")),
        none(&now.tags.join(", ")),
    );
    let assignee = |id: Option<paydesk_domain::UserId>| {
        id.map_or_else(|| "nobody".to_string(), |u| people.user(u))
    };
    let was_assignee = super::form::assignee(&shown.assignee).ok().flatten();
    differ(
        "Assignee",
        assignee(was_assignee),
        assignee(now.assignee_id),
    );
    out
}

/// What a patch asked for, one line per field.
#[must_use]
pub fn asked(patch: &TicketPatch, people: &People) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(s) = patch.status {
        out.push(format!("Status to {}", words(s.as_str())));
    }
    if let Some(p) = patch.priority {
        out.push(format!("Priority to {}", p.as_str()));
    }
    if let Some(c) = &patch.category {
        out.push(format!("Category to {}", c.as_deref().unwrap_or("nothing")));
    }
    if let Some(t) = &patch.tags {
        out.push(format!(
            "Tags to {}",
            if t.is_empty() {
                "none".to_string()
            } else {
                t.join(", ")
            }
        ));
    }
    if let Some(a) = patch.assignee_id {
        out.push(format!(
            "Assignee to {}",
            a.map_or_else(|| "nobody".to_string(), |u| people.user(u))
        ));
    }
    out
}
