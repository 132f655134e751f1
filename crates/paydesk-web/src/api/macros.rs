//! `/macros`: keep personal (`macro_use`), team and shared (`macro_manage`) macros; and
//! `/tickets/{number}/macros/{id}/preview` and `/apply`. Permissions are the app's.

use super::macro_dto::{AppliedOut, ApplyIn, MacroIn, MacroList, MacroOut, PreviewOut};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use paydesk_app::App;
use paydesk_app::macros::MacroQuery;
use paydesk_domain::TicketId;
use paydesk_domain::id::MacroId;
use paydesk_domain::ticket::parse_ticket_number;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/macros", get(list).post(create))
        .route("/macros/{id}", get(get_one).put(replace).delete(remove))
        .route("/tickets/{number}/macros/{id}/preview", post(preview))
        .route("/tickets/{number}/macros/{id}/apply", post(apply))
}

fn ticket_id(number: &str) -> Result<TicketId, ApiError> {
    parse_ticket_number(number).ok_or_else(|| ApiError::new("not_found", "ticket not found"))
}

/// Query of the macro list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Words the title holds.
    #[serde(default)]
    pub q: Option<String>,
    /// Also switched-off macros.
    #[serde(default)]
    pub include_inactive: Option<bool>,
}

/// The macros you may use: shared ones, your team's and your own, most used first.
#[utoipa::path(get, path = "/api/v1/macros", tag = "macros",
    params(("q" = Option<String>, Query, description = "Words the title holds"),
           ("include_inactive" = Option<bool>, Query)),
    responses((status = 200, body = MacroList), (status = 403, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<MacroList>, ApiError> {
    let macros = app
        .list_macros(
            &caller,
            &MacroQuery {
                title: q.q,
                with_inactive: q.include_inactive.unwrap_or(false),
            },
        )
        .await?;
    Ok(axum::Json(MacroList {
        items: macros.iter().map(MacroOut::from).collect(),
    }))
}

/// Creates a macro. Unknown placeholders are refused (400) by name.
#[utoipa::path(post, path = "/api/v1/macros", tag = "macros", request_body = MacroIn,
    responses((status = 201, body = MacroOut), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<MacroIn>,
) -> Result<(StatusCode, axum::Json<MacroOut>), ApiError> {
    let (draft, _) = body.into_draft(&caller)?;
    let m = app.create_macro(&caller, draft).await?;
    Ok((StatusCode::CREATED, axum::Json((&m).into())))
}

/// One macro you may use.
#[utoipa::path(get, path = "/api/v1/macros/{id}", tag = "macros", params(("id" = i64, Path)),
    responses((status = 200, body = MacroOut), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<axum::Json<MacroOut>, ApiError> {
    let m = app.macro_detail(&caller, MacroId(id)).await?;
    Ok(axum::Json((&m).into()))
}

/// Replaces a macro (usage counts stay). Send the `version` you read.
#[utoipa::path(put, path = "/api/v1/macros/{id}", tag = "macros", params(("id" = i64, Path)), request_body = MacroIn,
    responses((status = 200, body = MacroOut), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn replace(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<MacroIn>,
) -> Result<axum::Json<MacroOut>, ApiError> {
    let (draft, version) = body.into_draft(&caller)?;
    let m = app
        .update_macro(&caller, MacroId(id), draft, version)
        .await?;
    Ok(axum::Json((&m).into()))
}

/// Deletes a macro.
#[utoipa::path(delete, path = "/api/v1/macros/{id}", tag = "macros", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    app.delete_macro(&caller, MacroId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What applying the macro would do to this ticket: the rendered reply and note and the
/// changes, with nothing written.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/macros/{id}/preview", tag = "macros",
    params(("number" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = PreviewOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn preview(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((number, id)): Path<(String, i64)>,
) -> Result<axum::Json<PreviewOut>, ApiError> {
    let p = app
        .preview_macro(&caller, ticket_id(&number)?, MacroId(id))
        .await?;
    Ok(axum::Json((&p).into()))
}

/// Applies the macro: its reply, actions and note in one change, counted. Send the
/// ticket `version` you previewed; a ticket changed since answers 409.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/macros/{id}/apply", tag = "macros",
    params(("number" = String, Path), ("id" = i64, Path)), request_body = ApplyIn,
    responses((status = 200, body = AppliedOut), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn apply(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path((number, id)): Path<(String, i64)>,
    body: axum::body::Bytes,
) -> Result<axum::Json<AppliedOut>, ApiError> {
    // The body is optional: without one, the macro applies to the ticket as it is.
    let version = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<ApplyIn>(&body)
            .map_err(|e| {
                ApiError::new(
                    "invalid_json",
                    format!("send {{\"version\": <the ticket version>}} or nothing: {e}"),
                )
            })?
            .version
    };
    let applied = app
        .apply_macro(&caller, ticket_id(&number)?, MacroId(id), version)
        .await?;
    Ok(axum::Json((&applied).into()))
}
