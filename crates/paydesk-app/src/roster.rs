//! The agents as a lead sees them: who they are, their presence, load and skills.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::routing::{Candidate, Presence};
use paydesk_store::{Team, User, Vendor};

/// One agent with what a lead looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub user: User,
    pub agent: Candidate,
    pub team: Option<Team>,
    pub vendor: Option<Vendor>,
    /// Live chats the agent holds.
    pub chats: i64,
}

impl RosterEntry {
    /// Sorting weight of the presence: online first, then away, then offline.
    fn presence_rank(&self) -> u8 {
        match self.agent.profile.presence {
            Presence::Online => 0,
            Presence::Away => 1,
            Presence::Offline => 2,
        }
    }
}

impl App {
    /// Every agent the caller may see (a vendor-scoped caller: its vendor's), online first,
    /// then the most loaded first, then by name. Needs `agent_read`.
    pub async fn roster(&self, caller: &Caller) -> Result<Vec<RosterEntry>, AppError> {
        let agents = self.agents(caller).await?;
        let users = self.store.users().await?;
        let teams = self.store.teams().await?;
        let vendors = self.store.vendors().await?;
        let chats = self.store.chat_loads().await?;
        let mut out: Vec<RosterEntry> = agents
            .into_iter()
            .filter_map(|agent| {
                let user = users.iter().find(|u| u.id == agent.user_id())?.clone();
                Some(RosterEntry {
                    team: agent
                        .profile
                        .team_id
                        .and_then(|t| teams.iter().find(|x| x.id == t).cloned()),
                    vendor: user
                        .vendor_id
                        .and_then(|v| vendors.iter().find(|x| x.id == v).cloned()),
                    chats: chats
                        .iter()
                        .find(|(u, _)| *u == user.id)
                        .map_or(0, |(_, n)| *n),
                    user,
                    agent,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            a.presence_rank()
                .cmp(&b.presence_rank())
                .then_with(|| b.agent.load.cmp(&a.agent.load))
                .then_with(|| a.user.name.cmp(&b.user.name))
        });
        Ok(out)
    }
}
