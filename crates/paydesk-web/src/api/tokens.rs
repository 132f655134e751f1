//! `/tokens`: API tokens for systems, made, listed and revoked by admins (`token_manage`).
//! A token is in the answer that makes it and nowhere else: only its hash is stored.

use crate::auth::{self, Authenticated};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Path};
use crate::time::{format, format_opt, parse};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use paydesk_app::App;
use paydesk_domain::policy::Scope;
use paydesk_store::ApiToken;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET`, `POST /tokens` and `DELETE /tokens/{id}`, to nest under `/api/v1`.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/tokens", get(list).post(create))
        .route("/tokens/{id}", delete(revoke))
}

/// A new token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// What uses it, e.g. `mail gateway`.
    pub name: String,
    /// At least one.
    pub scopes: Vec<Scope>,
    /// RFC 3339 instant or date; absent: valid until revoked.
    pub expires_at: Option<String>,
}

/// A token, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    /// The admin who made it; `null` when made at the command line.
    pub created_by: Option<i64>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    /// Updated at most once a minute.
    pub last_used_at: Option<String>,
}

impl From<&ApiToken> for TokenOut {
    fn from(t: &ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            scopes: t.scopes.clone(),
            created_by: t.created_by.map(|u| u.0),
            created_at: format(t.created_at),
            expires_at: format_opt(t.expires_at),
            revoked_at: format_opt(t.revoked_at),
            last_used_at: format_opt(t.last_used_at),
        }
    }
}

/// A token just made, with its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTokenOut {
    /// The token, `pd_<prefix>_<secret>`, for `Authorization: Bearer`. Shown this once:
    /// it is not stored and cannot be shown again.
    pub token: String,
    pub api_token: TokenOut,
}

/// All tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenOut>,
}

/// Make an API token (admins). The token is in this answer only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = CreateToken,
    responses((status = 201, body = CreatedTokenOut), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Json(body): Json<CreateToken>,
) -> Result<Response, Response> {
    let expires_at = body
        .expires_at
        .as_deref()
        .map(parse)
        .transpose()
        .map_err(|e| {
            ApiError::new("invalid_field", e)
                .with_field("expires_at")
                .into_response()
        })?;
    let made = app
        .create_token(&caller, &body.name, &body.scopes, expires_at)
        .await
        .map_err(auth::problem)?;
    let out = CreatedTokenOut {
        token: made.token,
        api_token: TokenOut::from(&made.record),
    };
    let mut response = (StatusCode::CREATED, axum::Json(out)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Every token, revoked and expired ones included, oldest first (admins).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = TokenList), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<TokenList>, Response> {
    let tokens = app.tokens(&caller).await.map_err(auth::problem)?;
    Ok(axum::Json(TokenList {
        items: tokens.iter().map(TokenOut::from).collect(),
    }))
}

/// Revoke a token at once (admins). Idempotent; answers the token.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = i64, Path)),
    responses((status = 200, body = TokenOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke(
    State(app): State<App>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<TokenOut>, Response> {
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::new("not_found", "api token not found").into_response())?;
    let token = app.revoke_token(&caller, id).await.map_err(auth::problem)?;
    Ok(axum::Json(TokenOut::from(&token)))
}
