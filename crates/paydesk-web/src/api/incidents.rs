//! `/incidents`: declare, read, change, accept or dismiss proposals, link tickets, post
//! updates, resolve; and `/tickets/{number}/incidents`. Leads change (`incident_manage`),
//! readers of payments read (`payment_read`).

use super::incident_dto::{
    DeclareIncident, DismissIncident, IncidentDetail, IncidentLinked, IncidentOut, IncidentPage,
    LinkOut, LinkTicket, LinkedTicketList, LinkedTicketOut, PatchIncident, PostUpdate,
    ResolveIncident, TicketIncidentList, TicketIncidentOut, UpdateOut,
};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use paydesk_app::App;
use paydesk_app::incidents::DeclareInput;
use paydesk_app::incidents::updates::UpdateInput;
use paydesk_domain::TicketId;
use paydesk_domain::incident::{IncidentId, IncidentStatus};
use paydesk_domain::ticket::{parse_ticket_number, ticket_number};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/incidents", get(list).post(declare))
        .route("/incidents/{id}", get(get_one).patch(change))
        .route("/incidents/{id}/match", post(run_match))
        .route("/incidents/{id}/accept", post(accept))
        .route("/incidents/{id}/dismiss", post(dismiss))
        .route("/incidents/{id}/resolve", post(resolve))
        .route("/incidents/{id}/updates", post(post_update))
        .route("/incidents/{id}/tickets", get(tickets).post(link))
        .route(
            "/incidents/{id}/tickets/{number}",
            axum::routing::delete(unlink),
        )
        .route("/tickets/{number}/incidents", get(ticket_incidents))
}

fn ticket_id(number: &str) -> Result<TicketId, ApiError> {
    parse_ticket_number(number).ok_or_else(|| ApiError::new("not_found", "ticket not found"))
}

/// Query of the incident list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Comma-separated statuses; `open` stands for every status but resolved and dismissed.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub cursor: Option<String>,
}

fn statuses(raw: Option<&str>) -> Result<Vec<IncidentStatus>, ApiError> {
    let mut out = Vec::new();
    for part in raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if part == "open" {
            out.extend(IncidentStatus::ALL.iter().filter(|s| s.is_open()));
            continue;
        }
        let status = part
            .parse::<IncidentStatus>()
            .map_err(|e| ApiError::new("invalid_query", e.to_string()).with_field("status"))?;
        out.push(status);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Incidents, newest first; `status=open` or a list such as `investigating,monitoring`.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents",
    params(("status" = Option<String>, Query, description = "Comma-separated statuses, or `open`"),
           ("limit" = Option<usize>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = IncidentPage), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<IncidentPage>, ApiError> {
    let statuses = statuses(q.status.as_deref())?;
    let page = app
        .incidents(
            &caller,
            &statuses,
            q.limit.unwrap_or(50),
            q.cursor.as_deref(),
        )
        .await?;
    Ok(axum::Json(IncidentPage {
        items: page.items.iter().map(IncidentOut::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Declares an incident (investigating); its rules link every matching unresolved ticket.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", request_body = DeclareIncident,
    responses((status = 201, body = IncidentLinked), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn declare(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<DeclareIncident>,
) -> Result<(StatusCode, axum::Json<IncidentLinked>), ApiError> {
    let input = DeclareInput {
        title: body.title,
        severity: body.severity,
        scope: body.scope.into_input()?,
        rules: body.rules,
        public_summary: body.public_summary,
    };
    let (incident, linked) = app.declare_incident(&caller, input).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(IncidentLinked {
            incident: (&incident).into(),
            linked,
        }),
    ))
}

/// An incident with its updates (and their delivery progress) and timeline.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = i64, Path)),
    responses((status = 200, body = IncidentDetail), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<IncidentDetail>, ApiError> {
    let view = app.incident(&caller, IncidentId(id)).await?;
    Ok(axum::Json((&view).into()))
}

/// Changes title, severity, status (investigating, identified, monitoring), public
/// summary, rules or scope. New rules run at once.
#[utoipa::path(patch, path = "/api/v1/incidents/{id}", tag = "incidents", request_body = PatchIncident,
    params(("id" = i64, Path)),
    responses((status = 200, body = IncidentOut), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn change(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<PatchIncident>,
) -> Result<axum::Json<IncidentOut>, ApiError> {
    let incident = app
        .change_incident(&caller, IncidentId(id), body.into_patch()?)
        .await?;
    Ok(axum::Json((&incident).into()))
}

/// How many tickets a run of the rules linked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchOut {
    pub linked: usize,
}

/// Runs the incident's matching rules now (the workers also do every minute).
#[utoipa::path(post, path = "/api/v1/incidents/{id}/match", tag = "incidents", params(("id" = i64, Path)),
    responses((status = 200, body = MatchOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn run_match(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<MatchOut>, ApiError> {
    let linked = app.match_incident(&caller, IncidentId(id)).await?;
    Ok(axum::Json(MatchOut { linked }))
}

/// Accepts a proposed incident: it becomes investigating and its rules link tickets.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/accept", tag = "incidents", params(("id" = i64, Path)),
    responses((status = 200, body = IncidentLinked), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn accept(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<IncidentLinked>, ApiError> {
    let (incident, linked) = app.accept_incident(&caller, IncidentId(id)).await?;
    Ok(axum::Json(IncidentLinked {
        incident: (&incident).into(),
        linked,
    }))
}

/// Dismisses a proposed incident (none is proposed again for that gateway and method
/// within the hour).
#[utoipa::path(post, path = "/api/v1/incidents/{id}/dismiss", tag = "incidents", request_body = DismissIncident,
    params(("id" = i64, Path)),
    responses((status = 200, body = IncidentOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn dismiss(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<DismissIncident>,
) -> Result<axum::Json<IncidentOut>, ApiError> {
    let incident = app
        .dismiss_incident(&caller, IncidentId(id), body.reason.as_deref())
        .await?;
    Ok(axum::Json((&incident).into()))
}

/// A resolved incident, with the resolution update when there is one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResolvedOut {
    pub incident: IncidentOut,
    pub update: Option<UpdateOut>,
}

/// Resolves the incident; with `solve_tickets`, every linked unresolved ticket gets the
/// message and is solved (delivered by a job; follow `update`).
#[utoipa::path(post, path = "/api/v1/incidents/{id}/resolve", tag = "incidents", request_body = ResolveIncident,
    params(("id" = i64, Path)),
    responses((status = 200, body = ResolvedOut), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn resolve(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<ResolveIncident>,
) -> Result<axum::Json<ResolvedOut>, ApiError> {
    let (incident, update) = app
        .resolve_incident(
            &caller,
            IncidentId(id),
            body.message.as_deref(),
            body.solve_tickets,
        )
        .await?;
    Ok(axum::Json(ResolvedOut {
        incident: (&incident).into(),
        update: update.as_ref().map(UpdateOut::from),
    }))
}

/// Posts an update. Public updates reply once to every linked unresolved ticket (by a
/// job: follow `status`, `sent` and `total`). Needs an `Idempotency-Key`: a repeat returns
/// the first update (200) instead of posting again.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/updates", tag = "incidents", request_body = PostUpdate,
    params(("id" = i64, Path),
           ("Idempotency-Key" = String, Header, description = "Required: the same key and body return the same update")),
    responses((status = 201, body = UpdateOut), (status = 200, description = "Replayed by Idempotency-Key", body = UpdateOut),
              (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn post_update(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<PostUpdate>,
) -> Result<(StatusCode, axum::Json<UpdateOut>), ApiError> {
    let key = headers
        .get("idempotency-key")
        .ok_or_else(|| {
            ApiError::new(
                "invalid_header",
                "send an Idempotency-Key header (any unique text, such as a UUID), so a repeated request posts once",
            )
            .with_field("Idempotency-Key")
        })?
        .to_str()
        .map_err(|_| {
            ApiError::new("invalid_header", "Idempotency-Key must be visible ASCII")
                .with_field("Idempotency-Key")
        })?;
    let input = UpdateInput {
        body: body.body,
        is_public: body.public,
        solve_tickets: body.solve_tickets,
    };
    let (update, is_new) = app
        .post_incident_update(&caller, IncidentId(id), input, key)
        .await?;
    let status = if is_new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json((&update).into())))
}

/// The tickets linked to the incident (those the caller may see).
#[utoipa::path(get, path = "/api/v1/incidents/{id}/tickets", tag = "incidents", params(("id" = i64, Path)),
    responses((status = 200, body = LinkedTicketList), (status = 404, body = Problem)))]
pub async fn tickets(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<LinkedTicketList>, ApiError> {
    let items = app.incident_tickets(&caller, IncidentId(id)).await?;
    Ok(axum::Json(LinkedTicketList {
        items: items.iter().map(LinkedTicketOut::from).collect(),
    }))
}

/// Links a ticket by hand (201; 200 when it was linked already).
#[utoipa::path(post, path = "/api/v1/incidents/{id}/tickets", tag = "incidents", request_body = LinkTicket,
    params(("id" = i64, Path)),
    responses((status = 201, body = LinkOut), (status = 200, body = LinkOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn link(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<LinkTicket>,
) -> Result<(StatusCode, axum::Json<LinkOut>), ApiError> {
    let ticket = parse_ticket_number(&body.ticket).ok_or_else(|| {
        ApiError::new("invalid_field", "a ticket number such as PD-123").with_field("ticket")
    })?;
    let changed = app
        .link_incident_ticket(&caller, IncidentId(id), ticket)
        .await?;
    let status = if changed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        axum::Json(LinkOut {
            ticket: ticket_number(ticket),
            changed,
        }),
    ))
}

/// Unlinks a ticket by hand; the rules will not link it again.
#[utoipa::path(delete, path = "/api/v1/incidents/{id}/tickets/{number}", tag = "incidents",
    params(("id" = i64, Path), ("number" = String, Path, description = "PD-123 or 123")),
    responses((status = 200, body = LinkOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn unlink(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((id, number)): Path<(i64, String)>,
) -> Result<axum::Json<LinkOut>, ApiError> {
    let ticket = ticket_id(&number)?;
    let changed = app
        .unlink_incident_ticket(&caller, IncidentId(id), ticket)
        .await?;
    Ok(axum::Json(LinkOut {
        ticket: ticket_number(ticket),
        changed,
    }))
}

/// The incidents a ticket is linked to, newest first.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/incidents", tag = "tickets",
    params(("number" = String, Path, description = "PD-123 or 123")),
    responses((status = 200, body = TicketIncidentList), (status = 404, body = Problem)))]
pub async fn ticket_incidents(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
) -> Result<axum::Json<TicketIncidentList>, ApiError> {
    let items = app.ticket_incidents(&caller, ticket_id(&number)?).await?;
    Ok(axum::Json(TicketIncidentList {
        items: items.iter().map(TicketIncidentOut::from).collect(),
    }))
}
