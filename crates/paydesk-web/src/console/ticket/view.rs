//! The ticket page as the template reads it: the heading facts, the conversation, the
//! forms with their choices, the panels, and what a refused change has to say.

use super::conflict::Conflict;
use super::customer::CustomerPanel;
use super::payments::PaymentsPanel;
use super::people::People;
use super::sla::ClockRow;
use super::timeline::EventRow;
use crate::console::desk::Chrome;
use crate::console::when::When;
use askama::Template;
use paydesk_domain::message::{Author, Message, Visibility};
use paydesk_domain::ticket::{Priority, Status, Ticket, ticket_number};
use paydesk_domain::{Timestamp, UserId};

/// One message of the conversation.
#[derive(Debug, Clone)]
pub struct MessageRow {
    /// `public` or `internal`: the article's class.
    pub visibility: &'static str,
    pub is_internal: bool,
    pub author: String,
    /// `customer`, `staff` or `system`.
    pub author_kind: &'static str,
    pub when: When,
    pub body: String,
    pub attachments: Vec<AttachmentRow>,
}

/// A file attached to a message; `href` when paydesk holds its bytes.
#[derive(Debug, Clone)]
pub struct AttachmentRow {
    pub name: String,
    pub href: Option<String>,
    pub size: String,
}

/// One option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub is_selected: bool,
}

impl Choice {
    fn new(value: impl Into<String>, label: impl Into<String>, selected: &str) -> Self {
        let value = value.into();
        Self {
            is_selected: value == selected,
            label: label.into(),
            value,
        }
    }
}

/// What the reply box offers and keeps after a refused send.
#[derive(Debug, Clone, Default)]
pub struct ReplyBox {
    pub may_reply: bool,
    pub may_note: bool,
    pub may_set_status: bool,
    /// The text typed, kept when the send was refused.
    pub body: String,
    pub is_internal: bool,
}

/// What the person may do from the page.
#[derive(Debug, Clone, Copy, Default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one flag per button the page shows or hides"
)]
pub struct Abilities {
    pub may_update: bool,
    pub may_assign_me: bool,
    pub may_solve: bool,
    pub may_see_customer: bool,
    pub may_see_payments: bool,
}

/// The ticket page.
#[derive(Template)]
#[template(path = "console/ticket/page.html")]
pub struct TicketPage {
    pub chrome: Chrome,
    pub number: String,
    /// `/desk/tickets/PD-N`: where the page's forms post.
    pub path: String,
    pub ticket: Ticket,
    pub queue: String,
    pub assignee: String,
    /// Whether the person holds the ticket.
    pub is_mine: bool,
    pub created: When,
    pub updated: When,
    pub messages: Vec<MessageRow>,
    pub reply: ReplyBox,
    pub can: Abilities,
    pub statuses: Vec<Choice>,
    pub priorities: Vec<Choice>,
    pub assignees: Vec<Choice>,
    /// The assignee field's value as shown (`""` when unassigned).
    pub assignee_value: String,
    /// The tags as the field shows them, comma separated.
    pub tags_value: String,
    /// The newest event shown: changes after it are someone else's (the conflict banner).
    pub last_event: i64,
    pub clocks: Vec<ClockRow>,
    pub customer: Option<CustomerPanel>,
    pub payments: Option<PaymentsPanel>,
    /// The SOPs panel, for those who may read SOPs.
    pub sops: Option<super::sops::SopsPanel>,
    /// The ticket's escalations, and the teams with reasons the escalate form offers
    /// (empty when the person may not escalate).
    pub escalations: Vec<crate::console::escalations::rows::EscalationRow>,
    pub escalate_to: Vec<crate::console::escalations::rows::TeamChoices>,
    pub timeline: Vec<EventRow>,
    pub conflict: Option<Conflict>,
    /// Why a change was refused, one sentence each (the error summary).
    pub errors: Vec<String>,
    /// The macro picker, for those who use macros.
    pub macros: Option<super::macro_picker::MacroPicker>,
}

impl TicketPage {
    /// The path of a ticket's page.
    #[must_use]
    pub fn path_of(ticket: &Ticket) -> String {
        format!("/desk/tickets/{}", ticket_number(ticket.id))
    }

    /// The status in words (`on hold`).
    #[must_use]
    pub fn status_words(&self) -> String {
        self.ticket.status.as_str().replace('_', " ")
    }

    /// The page's title: `PD-N subject`.
    #[must_use]
    pub fn title(&self) -> String {
        format!("{} {}", self.number, self.ticket.subject)
    }
}

/// The conversation rows, oldest first.
#[must_use]
pub fn messages(
    ticket: &Ticket,
    messages: &[Message],
    people: &People,
    now: Timestamp,
) -> Vec<MessageRow> {
    messages
        .iter()
        .map(|m| MessageRow {
            visibility: m.visibility.as_str(),
            is_internal: m.visibility == Visibility::Internal,
            author: people.author(&m.author),
            author_kind: match m.author {
                Author::Customer { .. } => "customer",
                Author::User { .. } => "staff",
                Author::System => "system",
            },
            when: When::at(m.created_at, now),
            body: m.body.clone(),
            attachments: m
                .attachments
                .iter()
                .map(|a| AttachmentRow {
                    name: a.filename.clone(),
                    href: a.id.filter(|_| a.has_content).map(|id| {
                        format!(
                            "/api/v1/tickets/{}/attachments/{id}",
                            ticket_number(ticket.id)
                        )
                    }),
                    size: size(a.size_bytes),
                })
                .collect(),
        })
        .collect()
}

fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1_024 => format!("{b} bytes"),
        b if b < 1_024 * 1_024 => format!("{} KB", b / 1_024),
        b => format!("{} MB", b / (1_024 * 1_024)),
    }
}

/// The statuses the ticket may move to, with its own first.
#[must_use]
pub fn statuses(ticket: &Ticket) -> Vec<Choice> {
    Status::ALL
        .iter()
        .filter(|s| **s == ticket.status || ticket.status.can_move_to(**s))
        .map(|s| {
            Choice::new(
                s.as_str(),
                s.as_str().replace('_', " "),
                ticket.status.as_str(),
            )
        })
        .collect()
}

/// Every priority.
#[must_use]
pub fn priorities(ticket: &Ticket) -> Vec<Choice> {
    Priority::ALL
        .iter()
        .map(|p| Choice::new(p.as_str(), p.as_str(), ticket.priority.as_str()))
        .collect()
}

/// The people the ticket may be given to: `agents` when the person may see them, else
/// the person themselves and whoever holds it now; "Nobody" first.
#[must_use]
pub fn assignees(
    ticket: &Ticket,
    me: UserId,
    agents: Option<&[UserId]>,
    people: &People,
) -> Vec<Choice> {
    let current = ticket
        .assignee_id
        .map(|u| u.0.to_string())
        .unwrap_or_default();
    let mut ids: Vec<UserId> = agents.map_or_else(|| vec![me], <[UserId]>::to_vec);
    if !ids.contains(&me) {
        ids.push(me);
    }
    if let Some(a) = ticket.assignee_id
        && !ids.contains(&a)
    {
        ids.push(a);
    }
    let mut out = vec![Choice::new("", "Nobody", &current)];
    out.extend(ids.into_iter().map(|id| {
        let name = if id == me {
            format!("Me ({})", people.user(id))
        } else {
            people.user(id)
        };
        Choice::new(id.0.to_string(), name, &current)
    }));
    out
}
