//! `/queues`: list with counts, create, read, change routing settings, the queue view in
//! urgency order, and members.

use super::routing_dto::{CreateQueue, PatchQueue, QueueList, QueueOut, WorkPage, WorkRowOut};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use paydesk_app::App;
use paydesk_domain::{QueueId, UserId, VendorId};
use paydesk_store::{NewQueue, Page, PageRequest, WorkRow};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/queues", get(list).post(create))
        .route("/queues/{id}", get(get_one).patch(change))
        .route("/queues/{id}/tickets", get(tickets))
        .route(
            "/queues/{id}/members/{user_id}",
            put(add_member).delete(remove_member),
        )
}

/// A positive integer id from a path, or 404 naming `entity`.
pub(super) fn path_id(raw: &str, entity: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::new("not_found", format!("{entity} not found")))
}

fn queue_id(raw: &str) -> Result<QueueId, ApiError> {
    path_id(raw, "queue").map(QueueId)
}

/// A page of work rows as the API answers it.
pub(super) fn work_page(page: &Page<WorkRow>) -> WorkPage {
    WorkPage {
        items: page.items.iter().map(WorkRowOut::from).collect(),
        next_cursor: page.next_cursor.clone(),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    /// 1-200, default 50.
    limit: Option<usize>,
    /// From `next_cursor` of the previous page.
    cursor: Option<String>,
}

impl PageParams {
    pub(super) fn page(self) -> PageRequest {
        PageRequest::asked(self.limit, self.cursor)
    }
}

/// The queues you may see, in placement order, with counts by status and SLA standing.
#[utoipa::path(get, path = "/api/v1/queues", tag = "queues",
    responses((status = 200, body = QueueList), (status = 403, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<QueueList>, ApiError> {
    let queues = app.queues(&caller).await?;
    Ok(axum::Json(QueueList {
        items: queues.iter().map(QueueOut::from).collect(),
    }))
}

/// Create a queue, with its routing settings.
#[utoipa::path(post, path = "/api/v1/queues", tag = "queues", request_body = CreateQueue,
    responses((status = 201, body = QueueOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<CreateQueue>,
) -> Result<(StatusCode, axum::Json<QueueOut>), ApiError> {
    let new = NewQueue {
        key: body.key,
        name: body.name,
        business_line: body.business_line,
        vendor_id: body.vendor_id.map(VendorId),
    };
    let settings = app.create_queue(&caller, new, body.routing.into()).await?;
    let out = app.queue(&caller, settings.queue.id).await?;
    Ok((StatusCode::CREATED, axum::Json(QueueOut::from(&out))))
}

/// One queue with its settings, members and counts.
#[utoipa::path(get, path = "/api/v1/queues/{id}", tag = "queues", params(("id" = i64, Path)),
    responses((status = 200, body = QueueOut), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<QueueOut>, ApiError> {
    let out = app.queue(&caller, queue_id(&id)?).await?;
    Ok(axum::Json(QueueOut::from(&out)))
}

/// Change a queue's conditions, position, routing mode, overflow or calendar.
#[utoipa::path(patch, path = "/api/v1/queues/{id}", tag = "queues", params(("id" = i64, Path)), request_body = PatchQueue,
    responses((status = 200, body = QueueOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn change(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    Json(body): Json<PatchQueue>,
) -> Result<axum::Json<QueueOut>, ApiError> {
    let id = queue_id(&id)?;
    app.change_queue(&caller, id, body.into()).await?;
    Ok(axum::Json(QueueOut::from(&app.queue(&caller, id).await?)))
}

/// A queue's unsolved tickets, most urgent first (SLA due time, then priority).
#[utoipa::path(get, path = "/api/v1/queues/{id}/tickets", tag = "queues", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = WorkPage), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn tickets(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    Query(p): Query<PageParams>,
) -> Result<axum::Json<WorkPage>, ApiError> {
    let page = app
        .queue_tickets(&caller, queue_id(&id)?, &p.page())
        .await?;
    Ok(axum::Json(work_page(&page)))
}

/// Make a user a member of the queue (nothing changes when they are one).
#[utoipa::path(put, path = "/api/v1/queues/{id}/members/{user_id}", tag = "queues",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn add_member(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((id, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let user = UserId(path_id(&user, "user")?);
    app.add_queue_member(&caller, queue_id(&id)?, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a user from the queue.
#[utoipa::path(delete, path = "/api/v1/queues/{id}/members/{user_id}", tag = "queues",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn remove_member(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((id, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let user = UserId(path_id(&user, "user")?);
    if app
        .remove_queue_member(&caller, queue_id(&id)?, user)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            "not_found",
            "the user is not a member of this queue",
        ))
    }
}
