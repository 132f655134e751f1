//! `/calendars`, `/sla-policies` and `/tickets/{number}/sla`: business calendars and SLA
//! policies (admins change them, staff read them) and a ticket's clocks.

use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path};
use crate::time::{format, format_opt};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use paydesk_app::App;
use paydesk_app::sla::SettingInput;
use paydesk_domain::calendar::CalendarSpec;
use paydesk_domain::sla::{PolicySpec, SlaClock};
use paydesk_domain::ticket::parse_ticket_number;
use paydesk_store::{StoredCalendar, StoredPolicy};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/calendars", get(list_calendars).post(create_calendar))
        .route("/calendars/{id}", axum::routing::put(change_calendar))
        .route("/sla-policies", get(list_policies).post(create_policy))
        .route("/sla-policies/{id}", axum::routing::put(change_policy))
        .route("/tickets/{number}/sla", get(ticket_clocks))
}

/// A business calendar.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarOut {
    pub id: i64,
    pub name: String,
    pub spec: CalendarSpec,
    /// Send it back as `version` to change the calendar safely.
    pub version: i64,
    pub updated_at: String,
}

/// A calendar to create or change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarIn {
    pub name: String,
    pub spec: CalendarSpec,
    /// When changing: the version read; a calendar changed meanwhile is refused (409).
    #[serde(default)]
    pub version: Option<i64>,
}

/// An SLA policy. Policies are tried by `position`, lowest first; the first whose
/// conditions match a ticket sets its targets.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PolicyOut {
    pub id: i64,
    pub name: String,
    pub position: i64,
    pub is_active: bool,
    pub definition: PolicySpec,
    pub version: i64,
    pub updated_at: String,
}

/// A policy to create or change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyIn {
    pub name: String,
    /// Order among policies (lowest tried first); default 100.
    #[serde(default = "default_position")]
    pub position: i64,
    #[serde(default = "default_active")]
    pub is_active: bool,
    pub definition: PolicySpec,
    #[serde(default)]
    pub version: Option<i64>,
}

fn default_position() -> i64 {
    100
}

fn default_active() -> bool {
    true
}

/// One SLA clock of a ticket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClockOut {
    /// first_reply, next_reply, periodic_update or resolution.
    pub metric: String,
    /// running, paused, achieved or cancelled.
    pub state: String,
    pub policy_id: Option<i64>,
    pub target_minutes: i64,
    /// The business calendar the target counts in; null for calendar hours.
    pub calendar_id: Option<i64>,
    pub started_at: String,
    /// While running: when the target is used up.
    pub due_at: Option<String>,
    /// While running: when the clock becomes at risk.
    pub at_risk_at: Option<String>,
    pub breached_at: Option<String>,
    pub achieved_at: Option<String>,
    /// Target time counted so far (milliseconds), up to the last pause or change.
    pub elapsed_ms: i64,
    /// Wall time spent paused (milliseconds).
    pub paused_ms: i64,
    /// Times the clock started over (next reply and periodic updates restart).
    pub cycle: i64,
}

impl From<&SlaClock> for ClockOut {
    fn from(c: &SlaClock) -> Self {
        Self {
            metric: c.metric.as_str().into(),
            state: c.state.as_str().into(),
            policy_id: c.policy_id,
            target_minutes: c.target_ms / paydesk_domain::Timestamp::MINUTE,
            calendar_id: c.calendar_id,
            started_at: format(c.started_at),
            due_at: format_opt(c.due_at),
            at_risk_at: format_opt(c.warn_at),
            breached_at: format_opt(c.breached_at),
            achieved_at: format_opt(c.achieved_at),
            elapsed_ms: c.elapsed_ms,
            paused_ms: c.paused_ms,
            cycle: c.cycle,
        }
    }
}

/// A ticket's clocks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClockList {
    pub items: Vec<ClockOut>,
}

fn calendar_out(c: StoredCalendar) -> Result<CalendarOut, ApiError> {
    Ok(CalendarOut {
        id: c.id,
        name: c.name,
        spec: serde_json::from_value(c.spec).map_err(|e| {
            ApiError::new(
                "internal_error",
                format!("stored calendar does not parse: {e}"),
            )
        })?,
        version: c.version,
        updated_at: format(c.updated_at),
    })
}

fn policy_out(p: StoredPolicy) -> Result<PolicyOut, ApiError> {
    Ok(PolicyOut {
        id: p.id,
        name: p.name,
        position: p.position,
        is_active: p.is_active,
        definition: serde_json::from_value(p.definition).map_err(|e| {
            ApiError::new(
                "internal_error",
                format!("stored policy does not parse: {e}"),
            )
        })?,
        version: p.version,
        updated_at: format(p.updated_at),
    })
}

/// Every business calendar, by name.
#[utoipa::path(get, path = "/api/v1/calendars", tag = "sla",
    responses((status = 200, body = [CalendarOut]), (status = 403, body = Problem)))]
pub async fn list_calendars(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<Vec<CalendarOut>>, ApiError> {
    let all = app.calendars(&caller).await?;
    Ok(axum::Json(
        all.into_iter()
            .map(calendar_out)
            .collect::<Result<_, _>>()?,
    ))
}

/// Creates a business calendar: an IANA time zone, weekly opening hours, holidays.
#[utoipa::path(post, path = "/api/v1/calendars", tag = "sla", request_body = CalendarIn,
    responses((status = 201, body = CalendarOut), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn create_calendar(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<CalendarIn>,
) -> Result<(StatusCode, axum::Json<CalendarOut>), ApiError> {
    let saved = app
        .save_calendar(&caller, calendar_input(None, body))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(calendar_out(saved)?)))
}

/// Changes a calendar; open tickets whose targets count in it get new due times.
#[utoipa::path(put, path = "/api/v1/calendars/{id}", tag = "sla", request_body = CalendarIn,
    params(("id" = i64, Path)),
    responses((status = 200, body = CalendarOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn change_calendar(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<CalendarIn>,
) -> Result<axum::Json<CalendarOut>, ApiError> {
    let saved = app
        .save_calendar(&caller, calendar_input(Some(id), body))
        .await?;
    Ok(axum::Json(calendar_out(saved)?))
}

fn calendar_input(id: Option<i64>, body: CalendarIn) -> SettingInput<CalendarSpec> {
    SettingInput {
        id,
        expected_version: body.version,
        name: body.name,
        position: 0,
        is_active: true,
        definition: body.spec,
    }
}

fn policy_input(id: Option<i64>, body: PolicyIn) -> SettingInput<PolicySpec> {
    SettingInput {
        id,
        expected_version: body.version,
        name: body.name,
        position: body.position,
        is_active: body.is_active,
        definition: body.definition,
    }
}

/// Every SLA policy, in the order they are tried.
#[utoipa::path(get, path = "/api/v1/sla-policies", tag = "sla",
    responses((status = 200, body = [PolicyOut]), (status = 403, body = Problem)))]
pub async fn list_policies(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<Vec<PolicyOut>>, ApiError> {
    let all = app.sla_policies(&caller).await?;
    Ok(axum::Json(
        all.into_iter().map(policy_out).collect::<Result<_, _>>()?,
    ))
}

/// Creates an SLA policy: conditions, targets per metric and priority, pauses by status.
#[utoipa::path(post, path = "/api/v1/sla-policies", tag = "sla", request_body = PolicyIn,
    responses((status = 201, body = PolicyOut), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn create_policy(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<PolicyIn>,
) -> Result<(StatusCode, axum::Json<PolicyOut>), ApiError> {
    let saved = app
        .save_sla_policy(&caller, policy_input(None, body))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(policy_out(saved)?)))
}

/// Changes a policy: new tickets follow it at once, open ones from the moment of the
/// change (a background job brings them under it; the event log records the change).
#[utoipa::path(put, path = "/api/v1/sla-policies/{id}", tag = "sla", request_body = PolicyIn,
    params(("id" = i64, Path)),
    responses((status = 200, body = PolicyOut), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn change_policy(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<PolicyIn>,
) -> Result<axum::Json<PolicyOut>, ApiError> {
    let saved = app
        .save_sla_policy(&caller, policy_input(Some(id), body))
        .await?;
    Ok(axum::Json(policy_out(saved)?))
}

/// A ticket's SLA clocks: target, due time, pauses, breach and achievement per metric.
#[utoipa::path(get, path = "/api/v1/tickets/{number}/sla", tag = "tickets",
    params(("number" = String, Path, description = "PD-123 or 123")),
    responses((status = 200, body = ClockList), (status = 404, body = Problem)))]
pub async fn ticket_clocks(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(number): Path<String>,
) -> Result<axum::Json<ClockList>, ApiError> {
    let id = parse_ticket_number(&number)
        .ok_or_else(|| ApiError::new("not_found", "ticket not found"))?;
    let clocks = app.ticket_sla(&caller, id).await?;
    Ok(axum::Json(ClockList {
        items: clocks.iter().map(ClockOut::from).collect(),
    }))
}
