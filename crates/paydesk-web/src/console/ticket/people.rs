//! Who the ticket page names: staff by name, the customer, integrations and paydesk
//! itself, from one lookup of every staff member the page mentions.

use paydesk_domain::event::{Event, EventKind};
use paydesk_domain::message::{Author, Message};
use paydesk_domain::{Actor, UserId};
use std::collections::BTreeMap;

/// Staff names by id, as read once for the page, and the customer's name as the
/// person's role may see it.
#[derive(Debug, Clone, Default)]
pub struct People {
    pub names: BTreeMap<UserId, String>,
    pub customer: Option<String>,
}

impl People {
    /// A staff member's name, or a plain description when the id is unknown.
    #[must_use]
    pub fn user(&self, id: UserId) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("staff member #{}", id.0))
    }

    /// Who did something.
    #[must_use]
    pub fn actor(&self, actor: &Actor) -> String {
        match actor {
            Actor::User { id } => self.user(*id),
            Actor::Customer { .. } => self.customer_name("The customer"),
            Actor::Api { client } => format!("The {client} integration"),
            Actor::System => "paydesk".to_string(),
            Actor::Rule { name, .. } => format!("The rule “{name}”"),
        }
    }

    /// `Maria Lopez (customer)`, or `unnamed` when the page does not know the name.
    fn customer_name(&self, unnamed: &str) -> String {
        self.customer
            .as_ref()
            .map_or_else(|| unnamed.to_string(), |n| format!("{n} (customer)"))
    }

    /// Who wrote a message.
    #[must_use]
    pub fn author(&self, author: &Author) -> String {
        match author {
            Author::User { id } => self.user(*id),
            Author::Customer { .. } => self.customer_name("Customer"),
            Author::System => "System".to_string(),
        }
    }
}

/// Every staff member the page may name: authors, actors, people assigned in events.
#[must_use]
pub fn mentioned(messages: &[Message], events: &[Event], more: &[UserId]) -> Vec<UserId> {
    let mut ids: Vec<UserId> = more.to_vec();
    ids.extend(messages.iter().filter_map(|m| match m.author {
        Author::User { id } => Some(id),
        _ => None,
    }));
    for e in events {
        if let Actor::User { id } = e.actor {
            ids.push(id);
        }
        let keys: &[&str] = match e.kind {
            EventKind::Assigned => &["assignee_id", "previous_assignee_id"],
            EventKind::FieldChanged if e.data["field"] == "assignee_id" => &["from", "to"],
            _ => &[],
        };
        ids.extend(keys.iter().filter_map(|k| e.data[*k].as_i64().map(UserId)));
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}
