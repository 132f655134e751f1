//! `/desk/admin/partner-teams`: the teams that answer escalations, with their kind,
//! calendar, response targets per severity, members and reasons; a form per team to
//! change it, and one to add a team. Members are typed as emails and reasons as lines,
//! so the forms work without JavaScript.

use super::{Problem, problem, split};
use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::escalations::teams::PartnerTeamInput;
use paydesk_app::{App, AppError};
use paydesk_domain::escalation::{PartnerKind, ResponseTargets};
use paydesk_domain::id::PartnerTeamId;
use paydesk_domain::policy::Action;
use paydesk_store::{StoredPartnerTeam, User};
use serde::Deserialize;

/// One option of a select.
#[derive(Debug, Clone)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A team's form (or the empty one that adds a team).
#[derive(Debug, Clone)]
pub struct TeamForm {
    pub action: String,
    /// The prefix of the fields' ids (`team-3`, `team-new`).
    pub prefix: String,
    pub title: String,
    pub name: String,
    pub kinds: Vec<SelectOption>,
    pub calendars: Vec<SelectOption>,
    pub targets: [i64; 4],
    pub members: String,
    pub reasons: String,
    pub retired: String,
    pub is_active: bool,
    pub version: i64,
}

/// The partner teams page.
#[derive(Template)]
#[template(path = "console/admin/partner_teams.html")]
pub struct PartnerTeamsPage {
    pub chrome: Chrome,
    pub teams: Vec<TeamForm>,
    pub add: TeamForm,
    pub problem: Option<Problem>,
}

/// What a team's form sends.
#[derive(Debug, Default, Deserialize)]
pub struct TeamFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    calendar_id: String,
    #[serde(default)]
    sev1_minutes: String,
    #[serde(default)]
    sev2_minutes: String,
    #[serde(default)]
    sev3_minutes: String,
    #[serde(default)]
    sev4_minutes: String,
    #[serde(default)]
    members: String,
    #[serde(default)]
    reasons: String,
    #[serde(default)]
    is_active: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

fn options<T: Copy + PartialEq>(
    all: &[(T, String, String)],
    chosen: Option<T>,
) -> Vec<SelectOption> {
    all.iter()
        .map(|(v, value, label)| SelectOption {
            value: value.clone(),
            label: label.clone(),
            selected: chosen == Some(*v),
        })
        .collect()
}

struct Lists {
    kinds: Vec<(PartnerKind, String, String)>,
    calendars: Vec<(Option<i64>, String, String)>,
    users: Vec<User>,
}

fn form_of(lists: &Lists, team: Option<&StoredPartnerTeam>) -> TeamForm {
    let targets = team.map_or_else(ResponseTargets::default, |t| t.targets);
    let emails = |ids: &[paydesk_domain::UserId]| {
        ids.iter()
            .filter_map(|id| lists.users.iter().find(|u| u.id == *id))
            .map(|u| u.email.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let labels = |active: bool| {
        team.map(|t| {
            t.reasons
                .iter()
                .filter(|r| r.is_active == active)
                .map(|r| r.label.clone())
                .collect::<Vec<_>>()
                .join(if active { "\n" } else { ", " })
        })
        .unwrap_or_default()
    };
    TeamForm {
        action: team.map_or_else(
            || "/desk/admin/partner-teams".to_string(),
            |t| format!("/desk/admin/partner-teams/{}", t.id.0),
        ),
        prefix: team.map_or_else(|| "team-new".into(), |t| format!("team-{}", t.id.0)),
        title: team.map_or_else(|| "Add a partner team".into(), |t| t.name.clone()),
        name: team.map(|t| t.name.clone()).unwrap_or_default(),
        kinds: options(&lists.kinds, team.map(|t| t.kind)),
        calendars: options(&lists.calendars, Some(team.and_then(|t| t.calendar_id))),
        targets: [
            targets.sev1_minutes,
            targets.sev2_minutes,
            targets.sev3_minutes,
            targets.sev4_minutes,
        ],
        members: team.map(|t| emails(&t.members)).unwrap_or_default(),
        reasons: labels(true),
        retired: labels(false),
        is_active: team.is_none_or(|t| t.is_active),
        version: team.map_or(0, |t| t.version),
    }
}

async fn render(
    app: &App,
    desk: &Desk,
    kept: Option<(Option<PartnerTeamId>, TeamFields)>,
    problem: Option<(StatusCode, Problem)>,
) -> Response {
    if !desk.may(Action::ConfigManage) {
        let refused = AppError::Forbidden {
            action: Action::ConfigManage,
        };
        return failure(desk, Section::Admin, refused);
    }
    let loaded = tokio::join!(
        app.partner_teams(&desk.caller),
        app.store().calendars(),
        app.store().users()
    );
    let (teams, calendars, users) = match loaded {
        (Ok(t), Ok(c), Ok(u)) => (t, c, u),
        (Err(e), _, _) => return failure(desk, Section::Admin, e),
        (_, Err(e), _) | (_, _, Err(e)) => return failure(desk, Section::Admin, e.into()),
    };
    let mut calendar_list = vec![(None, String::new(), "Calendar hours (always open)".into())];
    calendar_list.extend(
        calendars
            .iter()
            .map(|c| (Some(c.id), c.id.to_string(), c.name.clone())),
    );
    let lists = Lists {
        kinds: PartnerKind::ALL
            .iter()
            .map(|k| (*k, k.as_str().to_string(), k.as_str().to_string()))
            .collect(),
        calendars: calendar_list,
        users,
    };
    let mut forms: Vec<TeamForm> = teams.iter().map(|t| form_of(&lists, Some(t))).collect();
    let mut add = form_of(&lists, None);
    if let Some((id, fields)) = kept {
        let target = match id {
            Some(id) => forms
                .iter_mut()
                .find(|f| f.prefix == format!("team-{}", id.0)),
            None => Some(&mut add),
        };
        if let Some(form) = target {
            form.name = fields.name;
            form.members = fields.members;
            form.reasons = fields.reasons;
        }
    }
    let (status, problem) = split(problem);
    answer(
        status,
        &PartnerTeamsPage {
            chrome: desk.chrome(Section::Admin),
            teams: forms,
            add,
            problem,
        },
    )
}

/// `GET /desk/admin/partner-teams`.
pub async fn show(State(app): State<App>, desk: Desk) -> Response {
    render(&app, &desk, None, None).await
}

fn minutes(field: &str, text: &str) -> Result<i64, AppError> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid(format!("targets.{field}"), "a whole number of minutes"))
}

async fn input_of(
    app: &App,
    id: Option<PartnerTeamId>,
    f: &TeamFields,
) -> Result<PartnerTeamInput, AppError> {
    let kind = f
        .kind
        .parse::<PartnerKind>()
        .map_err(|_| AppError::invalid("kind", "choose what kind of team this is"))?;
    let calendar_id = match f.calendar_id.trim() {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| AppError::invalid("calendar_id", "choose a calendar"))?,
        ),
    };
    let users = app.store().users().await?;
    let mut members = Vec::new();
    for email in f.members.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let user = users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
            .ok_or_else(|| {
                AppError::invalid("members", format!("no user has the email {email}"))
            })?;
        members.push(user.id);
    }
    Ok(PartnerTeamInput {
        id,
        expected_version: id.and(f.version),
        name: f.name.clone(),
        kind,
        calendar_id,
        targets: ResponseTargets {
            sev1_minutes: minutes("sev1_minutes", &f.sev1_minutes)?,
            sev2_minutes: minutes("sev2_minutes", &f.sev2_minutes)?,
            sev3_minutes: minutes("sev3_minutes", &f.sev3_minutes)?,
            sev4_minutes: minutes("sev4_minutes", &f.sev4_minutes)?,
        },
        is_active: f.is_active.is_some(),
        members,
        reasons: f
            .reasons
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

async fn save(app: App, desk: Desk, id: Option<PartnerTeamId>, fields: TeamFields) -> Response {
    let saved = match input_of(&app, id, &fields).await {
        Ok(input) => app.save_partner_team(&desk.caller, input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Redirect::to("/desk/admin/partner-teams").into_response(),
        Err(e) => {
            let prefix = id.map_or_else(|| "team-new".into(), |i| format!("team-{}", i.0));
            match problem(&prefix, &e) {
                Some(p) => render(&app, &desk, Some((id, fields)), Some(p)).await,
                None => failure(&desk, Section::Admin, e),
            }
        }
    }
}

/// `POST /desk/admin/partner-teams`: adds a team.
pub async fn add(State(app): State<App>, desk: Desk, Form(f): Form<TeamFields>) -> Response {
    save(app, desk, None, f).await
}

/// `POST /desk/admin/partner-teams/{id}`: changes a team.
pub async fn change(
    State(app): State<App>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<TeamFields>,
) -> Response {
    save(app, desk, Some(PartnerTeamId(id)), f).await
}
