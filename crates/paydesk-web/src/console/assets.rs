//! The console's style sheet and script, compiled into the binary. The style sheet is
//! the concatenation of one file per area, so each area keeps its rules apart.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const STYLE: &str = concat!(
    include_str!("../../assets/console/base.css"),
    include_str!("../../assets/console/ticket.css"),
    include_str!("../../assets/console/lead.css"),
);
const SCRIPT: &str = include_str!("../../assets/console/console.js");

/// `GET /desk/assets/{name}`: `console.css` or `console.js`.
pub async fn serve(Path(name): Path<String>) -> Response {
    let (kind, body) = match name.as_str() {
        "console.css" => ("text/css; charset=utf-8", STYLE),
        "console.js" => ("text/javascript; charset=utf-8", SCRIPT),
        _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}
