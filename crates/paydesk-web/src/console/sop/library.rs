//! `/desk/sops`: the library, searched by words; writers start an SOP from a form.

use super::{review_date, typed_links, value};
use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure, sentence};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::sops::{SopInput, SopQuery};
use paydesk_app::{App, AppError};
use paydesk_domain::policy::Action;
use paydesk_domain::sop::SopLinks;
use paydesk_domain::ticket::BusinessLine;
use paydesk_store::StoredSop;
use serde::Deserialize;

/// One SOP's row.
#[derive(Debug, Clone)]
pub struct SopRow {
    pub id: i64,
    pub title: String,
    /// "published v3", "draft v1", ...
    pub status: String,
    pub owner: String,
    pub review: String,
    pub is_overdue: bool,
    pub links: String,
}

/// The library page.
#[derive(Template)]
#[template(path = "console/sop/library.html")]
pub struct LibraryPage {
    pub chrome: Chrome,
    pub q: String,
    pub is_due_only: bool,
    pub rows: Vec<SopRow>,
    pub may_write: bool,
    pub lines: &'static [BusinessLine],
    pub errors: Vec<String>,
    pub form: NewForm,
}

/// What the new-SOP form holds (kept when it is refused).
#[derive(Debug, Clone, Default)]
pub struct NewForm {
    pub title: String,
    pub body: String,
    pub categories: String,
    pub reason_codes: String,
    pub review_by: String,
}

/// The query of the library page.
#[derive(Debug, Default, Deserialize)]
pub struct LibraryQuery {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub due: Option<String>,
}

pub(crate) fn links_words(l: &SopLinks) -> String {
    let mut parts: Vec<String> = l.categories.clone();
    parts.extend(l.business_lines.iter().map(|b| b.as_str().to_string()));
    parts.extend(l.reason_codes.iter().map(|c| format!("reason {c}")));
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

async fn rows(app: &App, desk: &Desk, sops: &[StoredSop]) -> Result<Vec<SopRow>, AppError> {
    let ids: Vec<_> = sops.iter().map(|s| s.owner_id).collect();
    let names = app.staff_names(&desk.caller, &ids).await?;
    let now = app.now();
    Ok(sops
        .iter()
        .map(|s| {
            let is_overdue = s.published_version.is_some()
                && paydesk_domain::sop::is_review_overdue(s.review_by, now);
            SopRow {
                id: s.id.0,
                title: s.title.clone(),
                status: match s.published_version {
                    Some(v) if v == s.latest_version => format!("published v{v}"),
                    Some(v) => format!(
                        "published v{v}; v{} {}",
                        s.latest_version,
                        s.latest_status.as_str().replace('_', " ")
                    ),
                    None => format!(
                        "{} v{}",
                        s.latest_status.as_str().replace('_', " "),
                        s.latest_version
                    ),
                },
                owner: names
                    .get(&s.owner_id)
                    .cloned()
                    .unwrap_or_else(|| format!("user {}", s.owner_id.0)),
                review: super::date_value(s.review_by),
                is_overdue,
                links: links_words(&s.links),
            }
        })
        .collect())
}

async fn render(
    app: &App,
    desk: &Desk,
    query: LibraryQuery,
    status: StatusCode,
    errors: Vec<String>,
    form: NewForm,
) -> Response {
    let is_due_only = query.due.as_deref() == Some("1");
    let found = app
        .sops(
            &desk.caller,
            &SopQuery {
                q: query.q.clone().filter(|q| !q.trim().is_empty()),
                review_due: is_due_only,
                owner: None,
            },
        )
        .await;
    let listed = match found {
        Ok(s) => rows(app, desk, &s).await,
        Err(e) => Err(e),
    };
    match listed {
        Ok(rows) => answer(
            status,
            &LibraryPage {
                chrome: desk.chrome(Section::Sops),
                q: query.q.unwrap_or_default(),
                is_due_only,
                rows,
                may_write: desk.may(Action::SopWrite),
                lines: BusinessLine::ALL,
                errors,
                form,
            },
        ),
        Err(e) => failure(desk, Section::Sops, e),
    }
}

/// `GET /desk/sops?q=...&due=1`.
pub async fn show(
    State(app): State<App>,
    desk: Desk,
    Query(query): Query<LibraryQuery>,
) -> Response {
    render(
        &app,
        &desk,
        query,
        StatusCode::OK,
        vec![],
        NewForm::default(),
    )
    .await
}

/// `POST /desk/sops`: starts an SOP (version 1, a draft) and opens its page.
pub async fn create(
    State(app): State<App>,
    desk: Desk,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = NewForm {
        title: value(&fields, "title").to_string(),
        body: value(&fields, "body").to_string(),
        categories: value(&fields, "categories").to_string(),
        reason_codes: value(&fields, "reason_codes").to_string(),
        review_by: value(&fields, "review_by").to_string(),
    };
    let typed = typed_links(&fields).and_then(|links| Ok((links, review_date(&form.review_by)?)));
    let input = match typed {
        Ok((links, review_by)) => SopInput {
            title: form.title.clone(),
            body: form.body.clone(),
            links,
            owner_id: None,
            review_by,
        },
        Err(e) => return refused(&app, &desk, e, form).await,
    };
    match app.create_sop(&desk.caller, input).await {
        Ok(sop) => Redirect::to(&format!("/desk/sops/{}", sop.id.0)).into_response(),
        Err(e) => refused(&app, &desk, e, form).await,
    }
}

/// The library again with the refusal in words and the form as typed, or the failure page.
async fn refused(app: &App, desk: &Desk, e: AppError, form: NewForm) -> Response {
    let api = crate::error::ApiError::from(e);
    if matches!(api.status, StatusCode::BAD_REQUEST | StatusCode::CONFLICT) {
        let errors = vec![sentence(&api.detail)];
        return render(app, desk, LibraryQuery::default(), api.status, errors, form).await;
    }
    let back = match api.status {
        StatusCode::FORBIDDEN => AppError::Forbidden {
            action: Action::SopWrite,
        },
        _ => AppError::Store(paydesk_store::StoreError::Corrupt(api.detail)),
    };
    failure(desk, Section::Sops, back)
}
