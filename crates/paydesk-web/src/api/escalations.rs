//! `/tickets/{number}/escalations`, `/escalations` and `/partner-teams`: escalate a ticket
//! to a partner team, work the team's queue, keep the teams. Permissions are checked in
//! the app layer: `escalation_create`, `escalation_work` (members of the team, leads,
//! admins) and `config_manage`.

use super::escalation_dto::{
    AnswerEscalation, CreateEscalation, EscalationList, EscalationOut, MoveEscalation,
    PartnerTeamIn, PartnerTeamList, PartnerTeamOut, PatchEscalation,
};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use paydesk_app::escalations::teams::PartnerTeamInput;
use paydesk_app::escalations::{NewEscalation, QueueQuery};
use paydesk_app::{App, Caller};
use paydesk_domain::escalation::EscalationStatus;
use paydesk_domain::id::{EscalationId, PartnerTeamId};
use paydesk_domain::ticket::parse_ticket_number;
use paydesk_domain::{TicketId, UserId};
use paydesk_store::StoredEscalation;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/tickets/{number}/escalations",
            get(ticket_list).post(create),
        )
        .route("/escalations", get(queue))
        .route("/escalations/{id}", get(get_one).patch(change))
        .route("/escalations/{id}/take", post(take))
        .route("/escalations/{id}/wait", post(wait))
        .route("/escalations/{id}/answer", post(answer))
        .route("/escalations/{id}/decline", post(decline))
        .route("/partner-teams", get(teams).post(create_team))
        .route("/partner-teams/{id}", get(team).put(change_team))
}

fn ticket_id(number: &str) -> Result<TicketId, ApiError> {
    parse_ticket_number(number).ok_or_else(|| ApiError::new("not_found", "ticket not found"))
}

fn out(app: &App, e: &StoredEscalation) -> EscalationOut {
    EscalationOut::of(e, app.escalation_standing(e))
}

/// Escalates the ticket to a partner team; with `hold_ticket` the ticket goes on hold.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/escalations", tag = "escalations",
    request_body = CreateEscalation, params(("number" = String, Path)),
    responses((status = 201, body = EscalationOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
    Json(body): Json<CreateEscalation>,
) -> Result<(StatusCode, axum::Json<EscalationOut>), ApiError> {
    let input = NewEscalation {
        team_id: PartnerTeamId(body.team_id),
        reason_id: body.reason_id,
        severity: body.severity,
        summary: body.summary,
        question: body.question,
        hold_ticket: body.hold_ticket,
    };
    let e = app.escalate(&caller, ticket_id(&number)?, input).await?;
    Ok((StatusCode::CREATED, axum::Json(out(&app, &e))))
}

/// The ticket's escalations, oldest first, with their clocks.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/escalations", tag = "escalations",
    params(("number" = String, Path)),
    responses((status = 200, body = EscalationList), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn ticket_list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
) -> Result<axum::Json<EscalationList>, ApiError> {
    let items = app.ticket_escalations(&caller, ticket_id(&number)?).await?;
    Ok(axum::Json(EscalationList {
        items: items.iter().map(|e| out(&app, e)).collect(),
    }))
}

/// Query of the escalation queue.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueParams {
    #[serde(default)]
    pub team: Option<i64>,
    /// Comma-separated statuses; `live` stands for open, in_progress and waiting.
    #[serde(default)]
    pub status: Option<String>,
}

pub(crate) fn statuses(raw: Option<&str>) -> Result<Vec<EscalationStatus>, ApiError> {
    let mut all = Vec::new();
    for part in raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if part == "live" {
            all.extend(EscalationStatus::ALL.iter().filter(|s| s.is_live()));
            continue;
        }
        all.push(
            part.parse::<EscalationStatus>()
                .map_err(|e| ApiError::new("invalid_query", e.to_string()).with_field("status"))?,
        );
    }
    all.sort();
    all.dedup();
    Ok(all)
}

/// The escalation queue of the caller's teams (or one team): those still owed first, by
/// due time.
#[utoipa::path(get, path = "/api/v1/escalations", tag = "escalations",
    params(("team" = Option<i64>, Query), ("status" = Option<String>, Query, description = "Comma-separated statuses, or `live`")),
    responses((status = 200, body = EscalationList), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn queue(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(q): Query<QueueParams>,
) -> Result<axum::Json<EscalationList>, ApiError> {
    let query = QueueQuery {
        team_id: q.team.map(PartnerTeamId),
        statuses: statuses(q.status.as_deref())?,
    };
    let items = app.escalation_queue(&caller, &query).await?;
    Ok(axum::Json(EscalationList {
        items: items.iter().map(|e| out(&app, e)).collect(),
    }))
}

/// One escalation.
#[utoipa::path(get, path = "/api/v1/escalations/{id}", tag = "escalations", params(("id" = i64, Path)),
    responses((status = 200, body = EscalationOut), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<EscalationOut>, ApiError> {
    let e = app.escalation(&caller, EscalationId(id)).await?;
    Ok(axum::Json(out(&app, &e)))
}

/// Sets or clears the external tracker link (`PAY-123` or an http(s) URL).
#[utoipa::path(patch, path = "/api/v1/escalations/{id}", tag = "escalations", request_body = PatchEscalation,
    params(("id" = i64, Path)),
    responses((status = 200, body = EscalationOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn change(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<PatchEscalation>,
) -> Result<axum::Json<EscalationOut>, ApiError> {
    let e = app
        .set_escalation_external_ref(
            &caller,
            EscalationId(id),
            &body.external_ref,
            body.expected_version,
        )
        .await?;
    Ok(axum::Json(out(&app, &e)))
}

/// Takes an open or waiting escalation (in progress, assigned to the caller).
#[utoipa::path(post, path = "/api/v1/escalations/{id}/take", tag = "escalations",
    params(("id" = i64, Path), ("expected_version" = Option<i64>, Query, description = "Refuse with 409 if the escalation changed since this version")),
    responses((status = 200, body = EscalationOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn take(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Query(q): Query<MoveEscalation>,
) -> Result<axum::Json<EscalationOut>, ApiError> {
    let version = q.expected_version;
    let e = app
        .take_escalation(&caller, EscalationId(id), version)
        .await?;
    Ok(axum::Json(out(&app, &e)))
}

/// Sets an escalation waiting on the requester (its clock pauses).
#[utoipa::path(post, path = "/api/v1/escalations/{id}/wait", tag = "escalations",
    params(("id" = i64, Path), ("expected_version" = Option<i64>, Query, description = "Refuse with 409 if the escalation changed since this version")),
    responses((status = 200, body = EscalationOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn wait(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Query(q): Query<MoveEscalation>,
) -> Result<axum::Json<EscalationOut>, ApiError> {
    let version = q.expected_version;
    let e = app
        .wait_escalation(&caller, EscalationId(id), version)
        .await?;
    Ok(axum::Json(out(&app, &e)))
}

/// Answers an escalation; the answer lands on the ticket as an internal note.
#[utoipa::path(post, path = "/api/v1/escalations/{id}/answer", tag = "escalations", request_body = AnswerEscalation,
    params(("id" = i64, Path)),
    responses((status = 200, body = EscalationOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn answer(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<AnswerEscalation>,
) -> Result<axum::Json<EscalationOut>, ApiError> {
    let e = app
        .answer_escalation(&caller, EscalationId(id), &body.text, body.expected_version)
        .await?;
    Ok(axum::Json(out(&app, &e)))
}

/// Declines an escalation with a reason, which lands on the ticket as an internal note.
#[utoipa::path(post, path = "/api/v1/escalations/{id}/decline", tag = "escalations", request_body = AnswerEscalation,
    params(("id" = i64, Path)),
    responses((status = 200, body = EscalationOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn decline(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<AnswerEscalation>,
) -> Result<axum::Json<EscalationOut>, ApiError> {
    let e = app
        .decline_escalation(&caller, EscalationId(id), &body.text, body.expected_version)
        .await?;
    Ok(axum::Json(out(&app, &e)))
}

/// Every partner team with its targets, members and reasons.
#[utoipa::path(get, path = "/api/v1/partner-teams", tag = "escalations",
    responses((status = 200, body = PartnerTeamList), (status = 403, body = Problem)))]
pub async fn teams(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<PartnerTeamList>, ApiError> {
    let items = app.partner_teams(&caller).await?;
    Ok(axum::Json(PartnerTeamList {
        items: items.iter().map(PartnerTeamOut::from).collect(),
    }))
}

/// One partner team.
#[utoipa::path(get, path = "/api/v1/partner-teams/{id}", tag = "escalations", params(("id" = i64, Path)),
    responses((status = 200, body = PartnerTeamOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn team(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<PartnerTeamOut>, ApiError> {
    let t = app.partner_team(&caller, PartnerTeamId(id)).await?;
    Ok(axum::Json((&t).into()))
}

fn team_input(id: Option<PartnerTeamId>, body: PartnerTeamIn) -> PartnerTeamInput {
    PartnerTeamInput {
        id,
        expected_version: body.expected_version,
        name: body.name,
        kind: body.kind,
        calendar_id: body.calendar_id,
        targets: body.targets,
        is_active: body.is_active,
        members: body.members.into_iter().map(UserId).collect(),
        reasons: body.reasons,
    }
}

async fn save(
    app: &App,
    caller: &Caller,
    input: PartnerTeamInput,
) -> Result<PartnerTeamOut, ApiError> {
    Ok((&app.save_partner_team(caller, input).await?).into())
}

/// Creates a partner team (admins).
#[utoipa::path(post, path = "/api/v1/partner-teams", tag = "escalations", request_body = PartnerTeamIn,
    responses((status = 201, body = PartnerTeamOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn create_team(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<PartnerTeamIn>,
) -> Result<(StatusCode, axum::Json<PartnerTeamOut>), ApiError> {
    let saved = save(&app, &caller, team_input(None, body)).await?;
    Ok((StatusCode::CREATED, axum::Json(saved)))
}

/// Changes a partner team (admins): settings, members and reasons.
#[utoipa::path(put, path = "/api/v1/partner-teams/{id}", tag = "escalations", request_body = PartnerTeamIn,
    params(("id" = i64, Path)),
    responses((status = 200, body = PartnerTeamOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn change_team(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<PartnerTeamIn>,
) -> Result<axum::Json<PartnerTeamOut>, ApiError> {
    let saved = save(&app, &caller, team_input(Some(PartnerTeamId(id)), body)).await?;
    Ok(axum::Json(saved))
}
