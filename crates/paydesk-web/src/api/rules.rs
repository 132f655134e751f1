//! `/rules`: trigger and time rules. Leads and admins (`rule_manage`) list, create,
//! replace, delete, order, activate and deactivate them, try them with a dry run, and
//! read their firings.

use super::rule_dto::{DryRunOut, FiringOut, RuleIn, RuleOrder, RuleOut};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use paydesk_app::App;
use paydesk_app::rules::RuleInput;
use paydesk_domain::id::RuleId;
use paydesk_domain::ticket::parse_ticket_number;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/rules", get(list).post(create))
        .route("/rules/order", put(reorder))
        .route("/rules/{id}", get(get_one).put(replace).delete(remove))
        .route("/rules/{id}/activate", post(activate))
        .route("/rules/{id}/deactivate", post(deactivate))
        .route("/rules/{id}/dry-run", post(dry_run))
        .route("/rules/{id}/firings", get(firings))
}

fn input(body: RuleIn) -> (RuleInput, Option<i64>) {
    (
        RuleInput {
            name: body.name,
            spec: body.spec,
            is_active: body.is_active,
        },
        body.version,
    )
}

/// Every rule, in the order they run.
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules",
    responses((status = 200, body = [RuleOut]), (status = 403, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<Vec<RuleOut>>, ApiError> {
    let rules = app.rules(&caller).await?;
    Ok(axum::Json(rules.iter().map(RuleOut::from).collect()))
}

/// Creates a rule at the end of the order. Unknown fields, an operator a field does not
/// take and values of the wrong type are refused naming their place in `spec`.
#[utoipa::path(post, path = "/api/v1/rules", tag = "rules", request_body = RuleIn,
    responses((status = 201, body = RuleOut), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<RuleIn>,
) -> Result<(StatusCode, axum::Json<RuleOut>), ApiError> {
    let (rule, _) = input(body);
    let saved = app.create_rule(&caller, &rule).await?;
    Ok((StatusCode::CREATED, axum::Json((&saved).into())))
}

/// One rule.
#[utoipa::path(get, path = "/api/v1/rules/{id}", tag = "rules", params(("id" = i64, Path)),
    responses((status = 200, body = RuleOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<RuleOut>, ApiError> {
    Ok(axum::Json((&app.rule(&caller, RuleId(id)).await?).into()))
}

/// Replaces a rule's name, spec and active state; send `version` to refuse overwriting a
/// change made meanwhile (409).
#[utoipa::path(put, path = "/api/v1/rules/{id}", tag = "rules", request_body = RuleIn,
    params(("id" = i64, Path)),
    responses((status = 200, body = RuleOut), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn replace(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<RuleIn>,
) -> Result<axum::Json<RuleOut>, ApiError> {
    let (rule, version) = input(body);
    let saved = app.update_rule(&caller, RuleId(id), &rule, version).await?;
    Ok(axum::Json((&saved).into()))
}

/// Deletes a rule; its past firings stay on the tickets' timelines.
#[utoipa::path(delete, path = "/api/v1/rules/{id}", tag = "rules", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    app.delete_rule(&caller, RuleId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turns a rule on.
#[utoipa::path(post, path = "/api/v1/rules/{id}/activate", tag = "rules", params(("id" = i64, Path)),
    responses((status = 200, body = RuleOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn activate(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<RuleOut>, ApiError> {
    let saved = app.set_rule_active(&caller, RuleId(id), true).await?;
    Ok(axum::Json((&saved).into()))
}

/// Turns a rule off.
#[utoipa::path(post, path = "/api/v1/rules/{id}/deactivate", tag = "rules", params(("id" = i64, Path)),
    responses((status = 200, body = RuleOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn deactivate(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<RuleOut>, ApiError> {
    let saved = app.set_rule_active(&caller, RuleId(id), false).await?;
    Ok(axum::Json((&saved).into()))
}

/// Puts the rules in a new order; `ids` must name every rule once.
#[utoipa::path(put, path = "/api/v1/rules/order", tag = "rules", request_body = RuleOrder,
    responses((status = 200, body = [RuleOut]), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn reorder(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<RuleOrder>,
) -> Result<axum::Json<Vec<RuleOut>>, ApiError> {
    let ids: Vec<RuleId> = body.ids.into_iter().map(RuleId).collect();
    app.reorder_rules(&caller, &ids).await?;
    let rules = app.rules(&caller).await?;
    Ok(axum::Json(rules.iter().map(RuleOut::from).collect()))
}

/// Where a dry run goes on from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DryRunQuery {
    /// A ticket number from `next_after`.
    #[serde(default)]
    pub after: Option<String>,
}

/// Which unresolved tickets the rule (active or not) would touch now, and why; up to
/// 2,000 tickets are looked at per call. Writes nothing.
#[utoipa::path(post, path = "/api/v1/rules/{id}/dry-run", tag = "rules",
    params(("id" = i64, Path), ("after" = Option<String>, Query, description = "`next_after` of the previous page")),
    responses((status = 200, body = DryRunOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn dry_run(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Query(q): Query<DryRunQuery>,
) -> Result<axum::Json<DryRunOut>, ApiError> {
    let after = match q.after.as_deref() {
        Some(raw) => Some(parse_ticket_number(raw).ok_or_else(|| {
            ApiError::new("invalid_query", "after: give a ticket number such as PD-42")
                .with_field("after")
        })?),
        None => None,
    };
    let page = app.dry_run_rule(&caller, RuleId(id), after).await?;
    Ok(axum::Json(page.into()))
}

/// Where a firing list goes on from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiringQuery {
    /// Firings older than this firing id.
    #[serde(default)]
    pub before: Option<i64>,
    /// At most this many (1 to 200, 50 by default).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// A rule's firings, newest first.
#[utoipa::path(get, path = "/api/v1/rules/{id}/firings", tag = "rules",
    params(("id" = i64, Path), ("before" = Option<i64>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = [FiringOut]), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn firings(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Query(q): Query<FiringQuery>,
) -> Result<axum::Json<Vec<FiringOut>>, ApiError> {
    let list = app
        .rule_firings(&caller, RuleId(id), q.before, q.limit.unwrap_or(50))
        .await?;
    Ok(axum::Json(list.iter().map(FiringOut::from).collect()))
}
