//! `/customers`: create, list, read, change.

use super::dto::{CreateCustomer, CustomerOut, CustomerPage, PatchCustomer};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use paydesk_app::App;
use paydesk_domain::CustomerId;
use paydesk_domain::customer::{CustomerPatch, NewCustomer, Tier};
use paydesk_domain::ticket::BusinessLine;
use paydesk_store::{CustomerFilter, PageRequest};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/customers", get(list).post(create))
        .route("/customers/{id}", get(get_one).patch(change))
}

pub(super) fn customer_id(raw: &str) -> Result<CustomerId, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(CustomerId)
        .ok_or_else(|| ApiError::new("not_found", "customer not found"))
}

/// Create a customer.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = CreateCustomer,
    responses((status = 201, body = CustomerOut), (status = 400, body = Problem)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<CreateCustomer>,
) -> Result<(StatusCode, axum::Json<CustomerOut>), ApiError> {
    let input = NewCustomer {
        business_line: body.business_line,
        name: body.name,
        emails: body.emails,
        phone: body.phone,
        country: body.country,
        locale: body.locale,
        tier: body.tier.unwrap_or(Tier::Standard),
        external_ids: body.external_ids,
    };
    let c = app.create_customer(&caller, input).await?;
    Ok((StatusCode::CREATED, axum::Json(CustomerOut::from(&c))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    business_line: Option<BusinessLine>,
    /// Exact email address.
    email: Option<String>,
    /// Part of the name.
    name: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

/// List customers, newest first.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(ListParams),
    responses((status = 200, body = CustomerPage), (status = 400, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(p): Query<ListParams>,
) -> Result<axum::Json<CustomerPage>, ApiError> {
    let filter = CustomerFilter {
        business_line: p.business_line,
        email: p.email,
        name: p.name,
        vendor_id: None,
    };
    let page = PageRequest::asked(p.limit, p.cursor);
    let result = app.list_customers(&caller, &filter, &page).await?;
    Ok(axum::Json(CustomerPage {
        items: result.items.iter().map(CustomerOut::from).collect(),
        next_cursor: result.next_cursor,
    }))
}

/// One customer.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = CustomerOut), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<CustomerOut>, ApiError> {
    Ok(axum::Json(CustomerOut::from(
        &app.customer(&caller, customer_id(&id)?).await?,
    )))
}

/// Change a customer; send `version` to be told (409) when someone changed it first.
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path)), request_body = PatchCustomer,
    responses((status = 200, body = CustomerOut), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn change(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    Json(body): Json<PatchCustomer>,
) -> Result<axum::Json<CustomerOut>, ApiError> {
    let patch = CustomerPatch {
        name: body.name,
        emails: body.emails,
        phone: body.phone,
        country: body.country,
        locale: body.locale,
        time_zone: body.time_zone,
        tier: body.tier,
        external_ids: body.external_ids,
    };
    let c = app
        .update_customer(&caller, customer_id(&id)?, patch, body.version)
        .await?;
    Ok(axum::Json(CustomerOut::from(&c)))
}
