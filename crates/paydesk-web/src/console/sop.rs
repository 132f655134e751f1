//! The SOP library in the console: `/desk/sops` (search, list with status, owner, review
//! date and overdue warnings; a form for writers to start an SOP) and `/desk/sops/{id}`
//! (the published version rendered, every version readable, forms to edit a draft and
//! move versions for those allowed). The SOPs panel of the ticket page is in
//! `ticket::sops`. Permissions are the use cases' (`sop_read`, `sop_write`, `sop_publish`).

mod library;
mod page;

use axum::Router;
use axum::routing::{get, post};
use paydesk_app::App;

/// The library's routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/desk/sops", get(library::show).post(library::create))
        .route("/desk/sops/{id}", get(page::show))
        .route("/desk/sops/{id}/versions", post(page::new_version))
        .route("/desk/sops/{id}/links", post(page::save_links))
        .route("/desk/sops/{id}/versions/{n}", post(page::save_draft))
        .route(
            "/desk/sops/{id}/versions/{n}/{step}",
            post(page::move_version),
        )
}

/// A date typed in a form (`YYYY-MM-DD`, the end of that day in UTC), or none when empty.
fn review_date(text: &str) -> Result<Option<paydesk_domain::Timestamp>, paydesk_app::AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    crate::time::parse(&format!("{t}T23:59:59Z"))
        .map(Some)
        .map_err(|_| paydesk_app::AppError::invalid("review_by", "give a date as YYYY-MM-DD"))
}

/// A date as a form shows it.
fn date_value(t: Option<paydesk_domain::Timestamp>) -> String {
    crate::time::format_opt(t)
        .map(|s| s.chars().take(10).collect())
        .unwrap_or_default()
}

/// The links typed in a form: comma-separated categories and reason codes, and the
/// checked business lines.
fn typed_links(
    fields: &[(String, String)],
) -> Result<paydesk_domain::sop::SopLinks, paydesk_app::AppError> {
    let list = |name: &str| -> Vec<String> {
        value(fields, name)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut lines = Vec::new();
    for l in values(fields, "business_lines") {
        lines.push(l.parse::<paydesk_domain::ticket::BusinessLine>()?);
    }
    Ok(paydesk_domain::sop::SopLinks {
        categories: list("categories"),
        business_lines: lines,
        reason_codes: list("reason_codes"),
    })
}

/// The values of `name` in a posted form, in order.
fn values<'a>(fields: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The first value of `name`, or "".
fn value<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    values(fields, name).first().copied().unwrap_or("")
}
