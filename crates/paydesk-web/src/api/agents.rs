//! `/agents`: routing profiles (skills, capacity, team, calendar), presence set by leads,
//! and `/teams`.

use super::queues::path_id;
use super::routing_dto::{
    AgentList, AgentOut, CreateTeam, PresenceIn, PutAgent, TeamList, TeamOut,
};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use paydesk_app::App;
use paydesk_app::routing::AgentInput;
use paydesk_domain::{TeamId, UserId, VendorId};
use paydesk_store::NewTeam;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/agents", get(list))
        .route("/agents/{user_id}", get(get_one).put(save))
        .route("/agents/{user_id}/presence", put(presence))
        .route("/teams", get(teams).post(create_team))
}

fn user_id(raw: &str) -> Result<UserId, ApiError> {
    path_id(raw, "agent").map(UserId)
}

/// Every agent's profile with their open load.
#[utoipa::path(get, path = "/api/v1/agents", tag = "agents",
    responses((status = 200, body = AgentList), (status = 403, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<AgentList>, ApiError> {
    let agents = app.agents(&caller).await?;
    Ok(axum::Json(AgentList {
        items: agents.iter().map(AgentOut::from).collect(),
    }))
}

/// One agent's profile (leads, admins, and the agent themselves).
#[utoipa::path(get, path = "/api/v1/agents/{user_id}", tag = "agents", params(("user_id" = i64, Path)),
    responses((status = 200, body = AgentOut), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<AgentOut>, ApiError> {
    let agent = app.agent(&caller, user_id(&id)?).await?;
    Ok(axum::Json(AgentOut::from(&agent)))
}

/// Create or replace an agent's routing profile (a new profile starts offline).
#[utoipa::path(put, path = "/api/v1/agents/{user_id}", tag = "agents", params(("user_id" = i64, Path)), request_body = PutAgent,
    responses((status = 200, body = AgentOut), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn save(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    Json(body): Json<PutAgent>,
) -> Result<axum::Json<AgentOut>, ApiError> {
    let id = user_id(&id)?;
    let input = AgentInput {
        skills: body.skills,
        capacity: body.capacity,
        chat_capacity: body.chat_capacity.unwrap_or(1),
        team_id: body.team_id.map(TeamId),
        calendar_id: body.calendar_id,
        expected_version: body.version,
    };
    app.save_agent(&caller, id, input).await?;
    Ok(axum::Json(AgentOut::from(&app.agent(&caller, id).await?)))
}

/// Set an agent's presence (leads and admins; anyone may set their own at `/me/presence`).
#[utoipa::path(put, path = "/api/v1/agents/{user_id}/presence", tag = "agents", params(("user_id" = i64, Path)), request_body = PresenceIn,
    responses((status = 200, body = AgentOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn presence(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    Json(body): Json<PresenceIn>,
) -> Result<axum::Json<AgentOut>, ApiError> {
    let id = user_id(&id)?;
    app.set_presence(&caller, id, body.presence).await?;
    Ok(axum::Json(AgentOut::from(&app.agent(&caller, id).await?)))
}

/// Every team.
#[utoipa::path(get, path = "/api/v1/teams", tag = "agents",
    responses((status = 200, body = TeamList), (status = 403, body = Problem)))]
pub async fn teams(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<TeamList>, ApiError> {
    let teams = app.teams(&caller).await?;
    Ok(axum::Json(TeamList {
        items: teams.iter().map(TeamOut::from).collect(),
    }))
}

/// Create a team.
#[utoipa::path(post, path = "/api/v1/teams", tag = "agents", request_body = CreateTeam,
    responses((status = 201, body = TeamOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn create_team(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<CreateTeam>,
) -> Result<(StatusCode, axum::Json<TeamOut>), ApiError> {
    let team = NewTeam {
        name: body.name,
        kind: body.kind,
        vendor_id: body.vendor_id.map(VendorId),
        calendar_id: body.calendar_id,
    };
    let t = app.create_team(&caller, team).await?;
    Ok((StatusCode::CREATED, axum::Json(TeamOut::from(&t))))
}
