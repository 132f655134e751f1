//! The demo desk's macros: a dozen payment-support replies as a desk would keep them,
//! shared, for the payments team and personal, each with the use it has had.

use super::people::Desk;
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::event::{EventKind, NewEvent};
use paydesk_domain::macros::{MacroAction, MacroDraft, MacroReply, MacroScope, ReplyVisibility};
use paydesk_domain::routing::TeamKind;
use paydesk_domain::ticket::{Priority, Status};
use paydesk_domain::{Actor, Timestamp};
use paydesk_store::NewTeam;
use serde_json::json;

/// Who a demo macro is for.
#[derive(Clone, Copy)]
enum For {
    Everybody,
    Team,
    /// The first agent of the first queue.
    Agent,
}

struct Entry {
    title: &'static str,
    body: &'static str,
    visibility: ReplyVisibility,
    actions: fn() -> Vec<MacroAction>,
    scope: For,
    uses: i64,
}

fn tags(t: &[&str]) -> Vec<String> {
    t.iter().map(|s| (*s).to_string()).collect()
}

const LIBRARY: &[Entry] = &[
    Entry {
        title: "Refund issued",
        body: "Hi {{customer.first_name}},\n\nWe have refunded {{refund.amount}} for transaction {{transaction.id}}. Refunds reach most cards in 5 to 10 business days; your bank may show it as a credit from us.\n\nReference: {{ticket.number}}\n\n{{agent.first_name}}",
        visibility: ReplyVisibility::Public,
        actions: || {
            vec![
                MacroAction::AddTags {
                    tags: tags(&["refund_issued"]),
                },
                MacroAction::SetStatus {
                    status: Status::Solved,
                },
            ]
        },
        scope: For::Everybody,
        uses: 412,
    },
    Entry {
        title: "Duplicate charge: one refunded",
        body: "Hi {{customer.first_name}},\n\nYou were charged twice for the same purchase on {{transaction.date}}. We have refunded one of the two charges ({{refund.amount}}); the other stays as the payment for your order.\n\n{{agent.first_name}}",
        visibility: ReplyVisibility::Public,
        actions: || {
            vec![
                MacroAction::SetCategory {
                    category: Some("duplicate_charge".into()),
                },
                MacroAction::AddTags {
                    tags: tags(&["refund_issued", "duplicate"]),
                },
                MacroAction::SetStatus {
                    status: Status::Solved,
                },
            ]
        },
        scope: For::Everybody,
        uses: 268,
    },
    Entry {
        title: "Ask for the transaction id",
        body: "Hi {{customer.first_name}},\n\nTo find this payment, please send us the transaction id from your receipt or bank statement (it starts with ch_ or pi_), the amount and the date. Please never send your full card number.\n\n{{agent.first_name}}",
        visibility: ReplyVisibility::Public,
        actions: || {
            vec![
                MacroAction::AddTags {
                    tags: tags(&["needs_info"]),
                },
                MacroAction::SetStatus {
                    status: Status::Pending,
                },
            ]
        },
        scope: For::Everybody,
        uses: 530,
    },
    Entry {
        title: "Chargeback explained",
        body: "Hi {{customer.first_name}},\n\nYour bank has opened a chargeback on {{dispute.amount}}. The card network gives us until {{dispute.due_date}} to answer. While it is open the amount is held; we will tell you as soon as the bank decides.\n\n{{agent.first_name}}",
        visibility: ReplyVisibility::Public,
        actions: || {
            vec![
                MacroAction::SetCategory {
                    category: Some("chargeback".into()),
                },
                MacroAction::AddNote {
                    body:
                        "Chargeback explained to the customer; response due {{dispute.due_date}}."
                            .into(),
                },
            ]
        },
        scope: For::Everybody,
        uses: 97,
    },
    Entry {
        title: "Payout delayed: bank processing",
        body: "Hi {{customer.first_name}},\n\nYour payout left us and is with your bank, which can take up to 5 business days to credit it. If it has not arrived by then, reply here and we will trace it with the bank.\n\n{{agent.first_name}}",
        visibility: ReplyVisibility::Public,
        actions: || {
            vec![
                MacroAction::AddTags {
                    tags: tags(&["payout_delay"]),
                },
                MacroAction::SetStatus {
                    status: Status::Pending,
                },
            ]
        },
        scope: For::Everybody,
        uses: 184,
    },
    Entry {
        title: "Unauthorised charge: card blocked and refunded",
        body: "Hi {{customer.first_name}},\n\nWe are sorry about the charge of {{transaction.amount}} you did not make. We have refunded it ({{refund.amount}}), closed the session it came from and asked you to set a new password. Please also ask your bank for a new card.\n\n{{agent.first_name}}",
        visibility: ReplyVisibility::Public,
        actions: || {
            vec![
                MacroAction::SetPriority {
                    priority: Priority::High,
                },
                MacroAction::AddTags {
                    tags: tags(&["unauthorised", "refund_issued"]),
                },
                MacroAction::AddNote {
                    body: "Account secured; refund of {{refund.amount}} on {{transaction.id}}."
                        .into(),
                },
            ]
        },
        scope: For::Everybody,
        uses: 76,
    },
    Entry {
        title: "Card declined: try again",
        body: "Hi {{customer.first_name}},\n\nYour bank declined the payment of {{transaction.amount}}. Nothing was taken. Please check the card details and that it allows online payments, or try another card or wallet.\n\n{{agent.first_name}}",
        visibility: ReplyVisibility::Public,
        actions: || {
            vec![
                MacroAction::SetCategory {
                    category: Some("payment_declined".into()),
                },
                MacroAction::SetStatus {
                    status: Status::Solved,
                },
            ]
        },
        scope: For::Everybody,
        uses: 351,
    },
    Entry {
        title: "Escalate to finance: payout returned?",
        body: "Finance: was the payout on {{ticket.number}} returned by the bank? The creator has waited more than five business days.",
        visibility: ReplyVisibility::Internal,
        actions: || {
            vec![
                MacroAction::SetStatus {
                    status: Status::OnHold,
                },
                MacroAction::AddTags {
                    tags: tags(&["finance"]),
                },
            ]
        },
        scope: For::Team,
        uses: 41,
    },
    Entry {
        title: "Subscription cancelled and prorated refund",
        body: "Hi {{customer.first_name}},\n\nWe have cancelled your subscription today ({{today}}) and refunded {{refund.amount}} for the unused days.\n\n{{agent.first_name}}",
        visibility: ReplyVisibility::Public,
        actions: || {
            vec![
                MacroAction::AddTags {
                    tags: tags(&["subscription"]),
                },
                MacroAction::SetStatus {
                    status: Status::Solved,
                },
            ]
        },
        scope: For::Team,
        uses: 58,
    },
    Entry {
        title: "Merchant fees explained",
        body: "Hi {{customer.first_name}},\n\nThe fee on this settlement is the payment fee of the card network plus our platform fee; the statement in your seller dashboard lists both per order.\n\n{{agent.first_name}}",
        visibility: ReplyVisibility::Public,
        actions: || {
            vec![MacroAction::SetCategory {
                category: Some("fees".into()),
            }]
        },
        scope: For::Team,
        uses: 33,
    },
    Entry {
        title: "My sign-off: follow up tomorrow",
        body: "Hi {{customer.first_name}}, I am on it and will write again tomorrow with an update on {{ticket.number}}.",
        visibility: ReplyVisibility::Public,
        actions: || {
            vec![
                MacroAction::AssignToMe,
                MacroAction::SetStatus {
                    status: Status::Pending,
                },
            ]
        },
        scope: For::Agent,
        uses: 22,
    },
    Entry {
        title: "Note: customer called",
        body: "The customer called about {{ticket.number}}; told them the status.",
        visibility: ReplyVisibility::Internal,
        actions: Vec::new,
        scope: For::Agent,
        uses: 9,
    },
];

/// Creates the team and the macros, with their usage as of `now`.
pub(super) async fn set_up(app: &App, desk: &Desk, now: Timestamp) -> Result<(), AppError> {
    let store = app.store();
    let event = NewEvent {
        ticket_id: None,
        customer_id: None,
        actor: Actor::System,
        at: now,
        kind: EventKind::ConfigChanged,
        data: json!({ "demo": "macros" }),
        ip: None,
    };
    let team = store
        .insert_team(
            &NewTeam {
                name: "Payments desk".into(),
                kind: TeamKind::InHouse,
                vendor_id: None,
                calendar_id: None,
            },
            now,
            &event,
        )
        .await?;
    for q in &desk.queues {
        for w in &q.workers {
            let Ok(mut profile) = store.agent_profile(w.id).await.map(|c| c.profile) else {
                continue;
            };
            if profile.team_id.is_none() {
                let version = profile.version;
                profile.team_id = Some(team.id);
                store
                    .save_agent_profile(&profile, Some(version), &event, now)
                    .await?;
            }
        }
    }
    let agent = desk
        .queues
        .first()
        .and_then(|q| q.workers.first())
        .map(|w| w.id);
    for (i, e) in LIBRARY.iter().enumerate() {
        let scope = match (e.scope, agent) {
            (For::Everybody, _) | (For::Agent, None) => MacroScope::Shared,
            (For::Team, _) => MacroScope::Team { team_id: team.id },
            (For::Agent, Some(owner_id)) => MacroScope::Personal { owner_id },
        };
        let draft = MacroDraft {
            title: e.title.into(),
            description: None,
            reply: Some(MacroReply {
                body: e.body.into(),
                visibility: e.visibility,
            }),
            actions: (e.actions)(),
            scope,
            is_active: true,
        };
        let m = app.create_macro(&Caller::system(), draft).await?;
        let hours = i64::try_from(i).unwrap_or(0) * 7 + 1;
        store
            .set_macro_usage(
                m.id,
                e.uses,
                Some(now.plus_millis(-hours * Timestamp::HOUR)),
            )
            .await?;
    }
    Ok(())
}
