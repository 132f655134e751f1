//! Extractors that turn bad input into problem documents naming the field at fault.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON body, strictly read: the right media type, valid JSON, the right types, no
/// unknown fields; errors name the JSON path of the field.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::new(
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = bytes::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    "body_too_large",
                    format!("the body is larger than {} bytes", crate::BODY_LIMIT),
                )
            } else {
                ApiError::new("invalid_json", format!("the body could not be read: {e}"))
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// Parses JSON with the path of any failing field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let err = ApiError::new("invalid_json", format!("{inner}"));
        if path.is_empty() || path == "." {
            err
        } else {
            err.with_field(path)
        }
    })?;
    de.end().map_err(|e| {
        ApiError::new(
            "invalid_json",
            format!("trailing characters after the JSON value: {e}"),
        )
    })?;
    Ok(value)
}

/// A path parameter. A segment that cannot be read (not UTF-8 once percent-decoded) names
/// nothing, so it is a 404 problem like any unknown id, never axum's plain-text rejection.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(e) if e.status().is_server_error() => Err(ApiError::new("internal", e.body_text())),
            Err(e) => Err(ApiError::new(
                "not_found",
                format!("nothing is found at this path: {}", e.body_text()),
            )),
        }
    }
}

/// Query parameters, strictly read (unknown parameters are refused).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded_de(query);
        match de {
            Ok(v) => Ok(Query(v)),
            Err(e) => Err(ApiError::new("invalid_query", e)),
        }
    }
}

fn serde_urlencoded_de<T: DeserializeOwned>(query: &str) -> Result<T, String> {
    axum::extract::Query::<T>::try_from_uri(
        &format!("/?{query}")
            .parse()
            .map_err(|_| "the query string is not valid".to_string())?,
    )
    .map(|q| q.0)
    .map_err(|e| e.body_text())
}
