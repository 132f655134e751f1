//! An agent's own work: `/me/work`, `/me/next-ticket`, `/me/presence`, and claiming a
//! ticket with `/tickets/{number}/claim`.

use super::dto::TicketOut;
use super::queues::{PageParams, work_page};
use super::routing_dto::{AgentOut, PresenceIn, WorkPage};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use paydesk_app::App;
use paydesk_domain::policy::Principal;
use paydesk_domain::ticket::parse_ticket_number;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/me/work", get(my_work))
        .route("/me/next-ticket", post(next_ticket))
        .route("/me/presence", put(my_presence))
        .route("/tickets/{number}/claim", post(claim))
}

/// Your unsolved tickets, most urgent first.
#[utoipa::path(get, path = "/api/v1/me/work", tag = "work", params(PageParams),
    responses((status = 200, body = WorkPage), (status = 400, body = Problem)))]
pub async fn my_work(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(p): Query<PageParams>,
) -> Result<axum::Json<WorkPage>, ApiError> {
    let page = app.my_work(&caller, &p.page()).await?;
    Ok(axum::Json(work_page(&page)))
}

/// Take the most urgent unassigned ticket of your queues that your skills cover. Answers
/// 200 with the ticket, now yours, or 204 with no body when there is nothing to take; 409
/// `at_capacity` when you hold as many open tickets as your capacity.
#[utoipa::path(post, path = "/api/v1/me/next-ticket", tag = "work",
    responses((status = 200, body = TicketOut), (status = 204, description = "Nothing to take now"), (status = 409, body = Problem)))]
pub async fn next_ticket(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<Response, ApiError> {
    Ok(match app.next_ticket(&caller).await? {
        Some(t) => axum::Json(TicketOut::from(&t)).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// Set your presence. Going offline hands your new and open tickets back to their queues.
#[utoipa::path(put, path = "/api/v1/me/presence", tag = "work", request_body = PresenceIn,
    responses((status = 200, body = AgentOut), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn my_presence(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<PresenceIn>,
) -> Result<axum::Json<AgentOut>, ApiError> {
    let Principal::User { id, .. } = caller.principal else {
        return Err(ApiError::new(
            "invalid_field",
            "only a signed-in person has a presence; sign in as the agent",
        )
        .with_field("caller"));
    };
    app.set_presence(&caller, id, body.presence).await?;
    let agent = app.agent(&caller, id).await?;
    Ok(axum::Json(AgentOut::from(&agent)))
}

/// Take an unassigned ticket. 409 `already_assigned` when someone holds it, 409
/// `at_capacity` when you are full; 404 for a ticket you may not see.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/claim", tag = "work", params(("number" = String, Path)),
    responses((status = 200, body = TicketOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn claim(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
) -> Result<axum::Json<TicketOut>, ApiError> {
    let id = parse_ticket_number(&number)
        .ok_or_else(|| ApiError::new("not_found", "ticket not found"))?;
    Ok(axum::Json(TicketOut::from(
        &app.claim_ticket(&caller, id).await?,
    )))
}
