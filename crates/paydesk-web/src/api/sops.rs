//! `/sops`: the SOP library (list and search, create, read, versions and their moves),
//! `/tickets/{number}/sops` (the SOPs that apply, runs, ticks) and `/sop-requirements`
//! (categories that need a completed checklist before solving). Permissions are checked
//! by the use cases: `sop_read`, `sop_write`, `sop_publish`.

use super::sop_dto::{
    CreateSop, EditDraft, MarkStep, RequirementList, RequirementOut, RunOut, SetLinks, SopDetail,
    SopList, SopOut, StartSop, StartedOut, TicketSopsOut, VersionOut,
};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use paydesk_app::App;
use paydesk_app::sops::SopQuery;
use paydesk_domain::id::SopId;
use paydesk_domain::sop::VersionMove;
use paydesk_domain::ticket::parse_ticket_number;
use paydesk_domain::{TicketId, UserId};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/sops", get(list).post(create))
        .route("/sops/{id}", get(get_one))
        .route("/sops/{id}/links", put(set_links))
        .route("/sops/{id}/versions", post(new_version))
        .route("/sops/{id}/versions/{n}", get(version).patch(edit_draft))
        .route("/sops/{id}/versions/{n}/{step}", post(move_version))
        .route("/tickets/{number}/sops", get(ticket_sops).post(start))
        .route(
            "/tickets/{number}/sops/runs/{run}/steps/{key}",
            put(mark_step),
        )
        .route("/sop-requirements", get(requirements))
        .route(
            "/sop-requirements/{category}",
            put(require_checklist).delete(lift_requirement),
        )
}

fn ticket_id(number: &str) -> Result<TicketId, ApiError> {
    parse_ticket_number(number).ok_or_else(|| ApiError::new("not_found", "ticket not found"))
}

/// Query of the SOP list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Words to find in titles and bodies.
    #[serde(default)]
    pub q: Option<String>,
    /// `true`: only SOPs past their review date.
    #[serde(default)]
    pub review_due: Option<bool>,
    /// Only SOPs this user owns.
    #[serde(default)]
    pub owner: Option<i64>,
}

/// SOPs by title; `q` searches titles and bodies, `review_due=true` keeps those past
/// their review date. Readers see published SOPs; writers also unpublished ones.
#[utoipa::path(get, path = "/api/v1/sops", tag = "sops",
    params(("q" = Option<String>, Query), ("review_due" = Option<bool>, Query), ("owner" = Option<i64>, Query)),
    responses((status = 200, body = SopList), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<SopList>, ApiError> {
    let query = SopQuery {
        q: q.q,
        review_due: q.review_due.unwrap_or(false),
        owner: q.owner.map(UserId),
    };
    let now = app.now();
    let items = app.sops(&caller, &query).await?;
    Ok(axum::Json(SopList {
        items: items.iter().map(|s| SopOut::new(s, now)).collect(),
    }))
}

/// Creates an SOP; version 1 is a draft (`sop_write`).
#[utoipa::path(post, path = "/api/v1/sops", tag = "sops", request_body = CreateSop,
    responses((status = 201, body = SopOut), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<CreateSop>,
) -> Result<(StatusCode, axum::Json<SopOut>), ApiError> {
    let sop = app.create_sop(&caller, body.into_input()?).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(SopOut::new(&sop, app.now())),
    ))
}

/// An SOP: its published version (rendered) and the versions you may read.
#[utoipa::path(get, path = "/api/v1/sops/{id}", tag = "sops", params(("id" = i64, Path)),
    responses((status = 200, body = SopDetail), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<SopDetail>, ApiError> {
    let view = app.sop(&caller, SopId(id)).await?;
    Ok(axum::Json(SopDetail::new(&view, app.now())))
}

/// Replaces the links (categories, business lines, reason codes) and optionally the owner.
#[utoipa::path(put, path = "/api/v1/sops/{id}/links", tag = "sops", request_body = SetLinks,
    params(("id" = i64, Path)),
    responses((status = 200, body = SopOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_links(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<SetLinks>,
) -> Result<axum::Json<SopOut>, ApiError> {
    let sop = app
        .set_sop_links(&caller, SopId(id), body.links, body.owner_id.map(UserId))
        .await?;
    Ok(axum::Json(SopOut::new(&sop, app.now())))
}

/// Starts the next version as a draft, copied from the published one.
#[utoipa::path(post, path = "/api/v1/sops/{id}/versions", tag = "sops", params(("id" = i64, Path)),
    responses((status = 201, body = VersionOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn new_version(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<(StatusCode, axum::Json<VersionOut>), ApiError> {
    let v = app.new_sop_version(&caller, SopId(id)).await?;
    Ok((StatusCode::CREATED, axum::Json((&v).into())))
}

/// One version, with its body rendered as HTML (drafts only for writers).
#[utoipa::path(get, path = "/api/v1/sops/{id}/versions/{n}", tag = "sops",
    params(("id" = i64, Path), ("n" = i64, Path)),
    responses((status = 200, body = VersionOut), (status = 404, body = Problem)))]
pub async fn version(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((id, n)): Path<(i64, i64)>,
) -> Result<axum::Json<VersionOut>, ApiError> {
    let v = app.sop_version(&caller, SopId(id), n).await?;
    Ok(axum::Json((&v).into()))
}

/// Rewrites a draft.
#[utoipa::path(patch, path = "/api/v1/sops/{id}/versions/{n}", tag = "sops", request_body = EditDraft,
    params(("id" = i64, Path), ("n" = i64, Path)),
    responses((status = 200, body = VersionOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn edit_draft(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((id, n)): Path<(i64, i64)>,
    Json(body): Json<EditDraft>,
) -> Result<axum::Json<VersionOut>, ApiError> {
    let v = app
        .edit_sop_draft(&caller, SopId(id), n, body.into_input()?)
        .await?;
    Ok(axum::Json((&v).into()))
}

/// Moves a version: `submit` (draft → in review, `sop_write`), `return` (in review →
/// draft), `publish` (in review → published, retiring the one before; not by its
/// author) or `retire` (published → retired), the last three with `sop_publish`.
#[utoipa::path(post, path = "/api/v1/sops/{id}/versions/{n}/{step}", tag = "sops",
    params(("id" = i64, Path), ("n" = i64, Path), ("step" = String, Path, description = "submit, return, publish or retire")),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn move_version(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((id, n, step)): Path<(i64, i64, String)>,
) -> Result<axum::Json<VersionOut>, ApiError> {
    let step: VersionMove = step.parse().map_err(|_| {
        ApiError::new(
            "route_not_found",
            "no such move; use submit, return, publish or retire",
        )
    })?;
    let v = app.move_sop_version(&caller, SopId(id), n, step).await?;
    Ok(axum::Json((&v).into()))
}

/// The published SOPs that apply to the ticket, the runs on it and whether its checklist
/// requirement is met.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/sops", tag = "sops", params(("number" = String, Path)),
    responses((status = 200, body = TicketSopsOut), (status = 404, body = Problem)))]
pub async fn ticket_sops(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
) -> Result<axum::Json<TicketSopsOut>, ApiError> {
    let sops = app.ticket_sops(&caller, ticket_id(&number)?).await?;
    Ok(axum::Json((&sops).into()))
}

/// Starts following an SOP's published version on the ticket; starting it again returns
/// the run already there.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/sops", tag = "sops", request_body = StartSop,
    params(("number" = String, Path)),
    responses((status = 201, body = StartedOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn start(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
    Json(body): Json<StartSop>,
) -> Result<(StatusCode, axum::Json<StartedOut>), ApiError> {
    let run = app
        .start_sop(&caller, ticket_id(&number)?, SopId(body.sop_id))
        .await?;
    Ok((StatusCode::CREATED, axum::Json((&run).into())))
}

/// Ticks or unticks one step of a run.
#[utoipa::path(put, path = "/api/v1/tickets/{number}/sops/runs/{run}/steps/{key}", tag = "sops",
    request_body = MarkStep,
    params(("number" = String, Path), ("run" = i64, Path), ("key" = String, Path)),
    responses((status = 200, body = RunOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn mark_step(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((number, run, key)): Path<(String, i64, String)>,
    Json(body): Json<MarkStep>,
) -> Result<axum::Json<RunOut>, ApiError> {
    let view = app
        .mark_sop_step(&caller, ticket_id(&number)?, run, &key, body.done)
        .await?;
    Ok(axum::Json((&view).into()))
}

/// The categories whose tickets need a completed SOP checklist before they are solved.
#[utoipa::path(get, path = "/api/v1/sop-requirements", tag = "sops",
    responses((status = 200, body = RequirementList), (status = 403, body = Problem)))]
pub async fn requirements(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<RequirementList>, ApiError> {
    let items = app.sop_requirements(&caller).await?;
    Ok(axum::Json(RequirementList {
        items: items.iter().map(RequirementOut::from).collect(),
    }))
}

/// Whether a requirement changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequirementChanged {
    pub category: String,
    pub is_required: bool,
    pub changed: bool,
}

/// Makes tickets of the category need a completed checklist before solving (`sop_publish`).
#[utoipa::path(put, path = "/api/v1/sop-requirements/{category}", tag = "sops",
    params(("category" = String, Path)),
    responses((status = 200, body = RequirementChanged), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn require_checklist(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(category): Path<String>,
) -> Result<axum::Json<RequirementChanged>, ApiError> {
    let changed = app.set_sop_requirement(&caller, &category, true).await?;
    Ok(axum::Json(RequirementChanged {
        category: category.trim().to_lowercase(),
        is_required: true,
        changed,
    }))
}

/// Lifts the requirement for the category (`sop_publish`).
#[utoipa::path(delete, path = "/api/v1/sop-requirements/{category}", tag = "sops",
    params(("category" = String, Path)),
    responses((status = 200, body = RequirementChanged), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn lift_requirement(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(category): Path<String>,
) -> Result<axum::Json<RequirementChanged>, ApiError> {
    let changed = app.set_sop_requirement(&caller, &category, false).await?;
    Ok(axum::Json(RequirementChanged {
        category: category.trim().to_lowercase(),
        is_required: false,
        changed,
    }))
}
