//! What the macro suites share: drafts, a team with a member, a worked ticket with a
//! linked charge, and reads of a ticket's events.

#![allow(dead_code, reason = "each suite uses part of it")]

use super::incident_support::{at, failed_charge, person, ticket};
use paydesk_app::macros::MacroQuery;
use paydesk_app::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::macros::{MacroAction, MacroDraft, MacroReply, MacroScope, ReplyVisibility};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::routing::TeamKind;
use paydesk_domain::ticket::{Priority, Status};
use paydesk_domain::{Actor, TicketId, UserId};
use paydesk_store::{NewTeam, PageRequest, Store};
use serde_json::json;

pub fn draft(title: &str, scope: MacroScope, body: &str) -> MacroDraft {
    MacroDraft {
        title: title.into(),
        description: None,
        reply: Some(MacroReply {
            body: body.into(),
            visibility: ReplyVisibility::Public,
        }),
        actions: vec![],
        scope,
        is_active: true,
    }
}

pub fn user_id(caller: &Caller) -> UserId {
    match caller.principal {
        Principal::User { id, .. } => id,
        _ => panic!("not a person"),
    }
}

pub async fn titles(app: &App, caller: &Caller) -> Vec<String> {
    let mut t: Vec<String> = app
        .list_macros(caller, &MacroQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.title)
        .collect();
    t.sort();
    t
}

/// Puts `who` in a new team named `name`; returns the team's id.
pub async fn in_team(store: &Store, who: &Caller, name: &str) -> paydesk_domain::TeamId {
    let event = NewEvent {
        ticket_id: None,
        customer_id: None,
        actor: Actor::System,
        at: at(0),
        kind: EventKind::ConfigChanged,
        data: json!({ "what": "test set-up" }),
        ip: None,
    };
    let team = store
        .insert_team(
            &NewTeam {
                name: name.into(),
                kind: TeamKind::InHouse,
                vendor_id: None,
                calendar_id: None,
            },
            at(0),
            &event,
        )
        .await
        .unwrap();
    let mut profile = paydesk_domain::routing::AgentProfile {
        user_id: user_id(who),
        skills: paydesk_domain::routing::Skills::default(),
        capacity: 10,
        chat_capacity: 2,
        presence: paydesk_domain::routing::Presence::Offline,
        presence_at: at(0),
        team_id: None,
        calendar_id: None,
        last_assigned_at: None,
        version: 1,
    };
    profile.team_id = Some(team.id);
    store
        .save_agent_profile(&profile, None, &event, at(0))
        .await
        .unwrap();
    team.id
}

pub async fn events_of(
    store: &Store,
    ticket: TicketId,
    kind: EventKind,
) -> Vec<paydesk_domain::event::Event> {
    store
        .timeline(ticket, &PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.kind == kind)
        .collect()
}

/// A buyer's ticket with a linked charge, and an agent to work it.
pub async fn worked_ticket(app: &App, clock: &paydesk_app::ManualClock) -> (Caller, TicketId) {
    let agent = person(app, "ana@desk.test", Role::Agent).await;
    let maria = app
        .create_customer(
            &Caller::system(),
            paydesk_testkit::customer::customer(
                paydesk_domain::ticket::BusinessLine::Buyer,
                "Maria Santos",
                "maria@example.com",
            ),
        )
        .await
        .unwrap()
        .id;
    let t = ticket(app, clock, Some(maria), at(-10), "duplicate_charge").await;
    failed_charge(app.store(), "stripe", "none", Some(maria), at(-20), Some(t)).await;
    (agent, t)
}

pub fn full_macro() -> MacroDraft {
    MacroDraft {
        title: "Duplicate charge refunded".into(),
        description: Some("Refund one of two charges".into()),
        reply: Some(MacroReply {
            body: "Hi {{customer.first_name}}, we refunded {{transaction.amount}} for {{transaction.id}} ({{ticket.number}}). {{agent.name}}".into(),
            visibility: ReplyVisibility::Public,
        }),
        actions: vec![
            MacroAction::SetPriority { priority: Priority::High },
            MacroAction::AddTags { tags: vec!["refund".into(), "duplicate".into()] },
            MacroAction::RemoveTags { tags: vec!["duplicate".into()] },
            MacroAction::AssignToMe,
            MacroAction::AddNote { body: "Refunded {{transaction.id}}".into() },
            MacroAction::SetStatus { status: Status::Pending },
        ],
        scope: MacroScope::Shared,
        is_active: true,
    }
}
