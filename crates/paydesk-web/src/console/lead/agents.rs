//! `GET /desk/agents`: every agent with presence, team or vendor, load against capacity,
//! chats and skills, online first and the busiest first; and
//! `POST /desk/agents/{id}/presence`, where a lead sets someone's presence.

use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::App;
use paydesk_app::roster::RosterEntry;
use paydesk_domain::policy::Action;
use paydesk_domain::routing::Presence;
use paydesk_domain::{Timestamp, UserId};
use serde::Deserialize;

/// Width of the load bar, in SVG units.
const LOAD_WIDTH: i64 = 80;

/// One agent's row.
#[derive(Debug, Clone)]
pub struct AgentRow {
    pub id: UserId,
    pub name: String,
    pub presence: &'static str,
    pub presence_word: &'static str,
    /// How long the presence has held, in words.
    pub since: String,
    pub team: String,
    pub load: i64,
    pub capacity: i64,
    /// The load bar's filled width.
    pub load_width: i64,
    pub is_full: bool,
    pub chats: i64,
    pub chat_capacity: i64,
    pub skills: String,
}

/// The agents page.
#[derive(Template)]
#[template(path = "console/lead/agents.html")]
pub struct AgentsPage {
    pub chrome: Chrome,
    pub agents: Vec<AgentRow>,
    pub can_manage: bool,
    pub presences: &'static [Presence],
    pub load_width: i64,
}

/// `GET /desk/agents`.
pub async fn show(State(app): State<App>, desk: Desk) -> Response {
    let roster = match app.roster(&desk.caller).await {
        Ok(r) => r,
        Err(e) => return failure(&desk, Section::Agents, e),
    };
    let now = app.now();
    answer(
        StatusCode::OK,
        &AgentsPage {
            chrome: desk.chrome(Section::Agents),
            agents: roster.iter().map(|e| row(e, now)).collect(),
            can_manage: desk.may(Action::AgentManage),
            presences: Presence::ALL,
            load_width: LOAD_WIDTH,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct PresenceForm {
    #[serde(default)]
    presence: String,
}

/// `POST /desk/agents/{id}/presence`: sets the agent's presence, then shows the agents.
pub async fn set_presence(
    State(app): State<App>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<PresenceForm>,
) -> Response {
    let Ok(presence) = form.presence.parse::<Presence>() else {
        return failure(
            &desk,
            Section::Agents,
            paydesk_app::AppError::invalid("presence", "choose online, away or offline"),
        );
    };
    match app.set_presence(&desk.caller, UserId(id), presence).await {
        Ok(_) => Redirect::to("/desk/agents").into_response(),
        Err(e) => failure(&desk, Section::Agents, e),
    }
}

fn row(e: &RosterEntry, now: Timestamp) -> AgentRow {
    let p = &e.agent.profile;
    let (presence_word, presence) = match p.presence {
        Presence::Online => ("Online", "presence-online"),
        Presence::Away => ("Away", "presence-away"),
        Presence::Offline => ("Offline", "presence-offline"),
    };
    let team = match (&e.team, &e.vendor) {
        (Some(t), Some(v)) => format!("{} ({})", t.name, v.name),
        (Some(t), None) => t.name.clone(),
        (None, Some(v)) => v.name.clone(),
        (None, None) => "In-house".into(),
    };
    let any = |list: Vec<String>| {
        if list.is_empty() {
            "any".to_string()
        } else {
            list.join(", ")
        }
    };
    let skills = format!(
        "{}; languages: {}; lines: {}; categories: {}",
        p.skills.tier.as_str().to_uppercase(),
        any(p.skills.languages.clone()),
        any(p
            .skills
            .business_lines
            .iter()
            .map(|l| l.as_str().to_string())
            .collect()),
        any(p.skills.categories.clone()),
    );
    let load_width = if p.capacity > 0 {
        (e.agent.load.min(p.capacity) * LOAD_WIDTH) / p.capacity
    } else {
        0
    };
    AgentRow {
        id: e.user.id,
        name: e.user.name.clone(),
        presence,
        presence_word,
        since: duration(now.0 - p.presence_at.0),
        team,
        load: e.agent.load,
        capacity: p.capacity,
        load_width,
        is_full: e.agent.load >= p.capacity,
        chats: e.chats,
        chat_capacity: p.chat_capacity,
        skills,
    }
}

/// `ms` in words: "under a minute", "25 min", "3 h 5 min", "2 days".
fn duration(ms: i64) -> String {
    let minutes = ms.max(0) / Timestamp::MINUTE;
    match minutes {
        0 => "under a minute".into(),
        m if m < 60 => format!("{m} min"),
        m if m < 24 * 60 => format!("{} h {} min", m / 60, m % 60),
        m if m < 48 * 60 => "1 day".into(),
        m => format!("{} days", m / (24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::duration;
    use paydesk_domain::Timestamp;

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration(30_000), "under a minute");
        assert_eq!(duration(25 * Timestamp::MINUTE), "25 min");
        assert_eq!(duration(185 * Timestamp::MINUTE), "3 h 5 min");
        assert_eq!(duration(3 * Timestamp::DAY), "3 days");
    }
}
