//! `/desk/sops/{id}`: one SOP. Shows the published version rendered (or the version
//! asked for with `?version=n`), the version history with each readable version a link,
//! the draft's form for writers and the moves the person may make.

use super::{date_value, review_date, typed_links, value};
use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure, sentence};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::sops::{DraftInput, SopView};
use paydesk_app::{App, AppError};
use paydesk_domain::id::SopId;
use paydesk_domain::policy::Action;
use paydesk_domain::sop::{VersionMove, VersionStatus, to_safe_html};
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{Actor, UserId};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The version shown.
#[derive(Debug, Clone)]
pub struct Shown {
    pub version: i64,
    pub title: String,
    pub status: String,
    /// The body as safe HTML (raw HTML escaped by the renderer).
    pub html: String,
    pub steps: usize,
    pub author: String,
    pub published: String,
}

/// One row of the history.
#[derive(Debug, Clone)]
pub struct VersionRow {
    pub version: i64,
    pub status: String,
    pub title: String,
    pub author: String,
    pub published: String,
    pub is_shown: bool,
}

/// A move button.
#[derive(Debug, Clone)]
pub struct MoveButton {
    pub version: i64,
    pub step: &'static str,
    pub label: String,
    pub is_danger: bool,
}

/// The draft's form.
#[derive(Debug, Clone)]
pub struct DraftForm {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub review_by: String,
}

/// The links form, for writers.
#[derive(Debug, Clone)]
pub struct LinksForm {
    pub categories: String,
    pub reason_codes: String,
    /// Each business line and whether it is linked.
    pub lines: Vec<(&'static str, bool)>,
}

/// The page of one SOP.
#[derive(Template)]
#[template(path = "console/sop/page.html")]
pub struct SopPage {
    pub chrome: Chrome,
    pub id: i64,
    pub title: String,
    pub owner: String,
    pub links: String,
    pub review: String,
    pub is_overdue: bool,
    pub shown: Option<Shown>,
    pub versions: Vec<VersionRow>,
    pub draft: Option<DraftForm>,
    pub moves: Vec<MoveButton>,
    /// Why a version in review waits for someone else.
    pub notes: Vec<String>,
    pub may_new_version: bool,
    pub links_form: Option<LinksForm>,
    pub errors: Vec<String>,
}

/// `?version=n`.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub version: Option<i64>,
}

fn name(names: &BTreeMap<UserId, String>, id: Option<UserId>) -> String {
    id.map_or_else(
        || "paydesk".to_string(),
        |u| {
            names
                .get(&u)
                .cloned()
                .unwrap_or_else(|| format!("user {}", u.0))
        },
    )
}

fn words(s: VersionStatus) -> String {
    s.as_str().replace('_', " ")
}

/// The moves `desk` may make on `view`'s versions, and why a review waits.
fn moves(desk: &Desk, view: &SopView) -> (Vec<MoveButton>, Vec<String>) {
    let me = match desk.caller.actor() {
        Actor::User { id } => Some(id),
        _ => None,
    };
    let (write, publish) = (desk.may(Action::SopWrite), desk.may(Action::SopPublish));
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for v in &view.versions {
        let b = |step: VersionMove, label: &str, is_danger: bool| MoveButton {
            version: v.version,
            step: step.as_str(),
            label: format!("{label} version {}", v.version),
            is_danger,
        };
        match v.status {
            VersionStatus::Draft if write => {
                out.push(b(VersionMove::Submit, "Send for review:", false))
            }
            VersionStatus::InReview if publish => {
                if v.author_id.is_some() && v.author_id == me {
                    notes.push(format!(
                        "You wrote version {}; another lead or admin reviews and publishes it.",
                        v.version
                    ));
                } else {
                    out.push(b(VersionMove::Publish, "Publish", false));
                }
                out.push(b(VersionMove::Return, "Send back for changes:", false));
            }
            VersionStatus::Published if publish => out.push(b(VersionMove::Retire, "Retire", true)),
            _ => {}
        }
    }
    (out, notes)
}

async fn render(
    app: &App,
    desk: &Desk,
    id: SopId,
    asked: Option<i64>,
    status: StatusCode,
    errors: Vec<String>,
    kept: Option<DraftForm>,
) -> Response {
    let view = match app.sop(&desk.caller, id).await {
        Ok(v) => v,
        Err(e) => return failure(desk, Section::Sops, e),
    };
    let mut ids: Vec<UserId> = view.versions.iter().filter_map(|v| v.author_id).collect();
    ids.push(view.sop.owner_id);
    let names = match app.staff_names(&desk.caller, &ids).await {
        Ok(n) => n,
        Err(e) => return failure(desk, Section::Sops, e),
    };
    let shown_version = asked
        .and_then(|n| view.versions.iter().find(|v| v.version == n))
        .or(view.published.as_ref())
        .or(view.versions.first());
    let shown = shown_version.map(|v| Shown {
        version: v.version,
        title: v.title.clone(),
        status: words(v.status),
        html: to_safe_html(&v.body),
        steps: v.steps.len(),
        author: name(&names, v.author_id),
        published: date_value(v.published_at),
    });
    let draft = kept.or_else(|| {
        view.versions
            .iter()
            .find(|v| v.status == VersionStatus::Draft && desk.may(Action::SopWrite))
            .map(|v| DraftForm {
                version: v.version,
                title: v.title.clone(),
                body: v.body.clone(),
                review_by: date_value(v.review_by),
            })
    });
    let (moves, notes) = moves(desk, &view);
    let page = SopPage {
        chrome: desk.chrome(Section::Sops),
        id: view.sop.id.0,
        title: view.sop.title.clone(),
        owner: name(&names, Some(view.sop.owner_id)),
        links: super::library::links_words(&view.sop.links),
        review: date_value(view.sop.review_by),
        is_overdue: view.is_review_overdue,
        versions: view
            .versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                status: words(v.status),
                title: v.title.clone(),
                author: name(&names, v.author_id),
                published: date_value(v.published_at),
                is_shown: shown.as_ref().is_some_and(|s| s.version == v.version),
            })
            .collect(),
        shown,
        may_new_version: desk.may(Action::SopWrite)
            && !view
                .versions
                .iter()
                .any(|v| matches!(v.status, VersionStatus::Draft | VersionStatus::InReview)),
        links_form: desk.may(Action::SopWrite).then(|| LinksForm {
            categories: view.sop.links.categories.join(", "),
            reason_codes: view.sop.links.reason_codes.join(", "),
            lines: BusinessLine::ALL
                .iter()
                .map(|l| (l.as_str(), view.sop.links.business_lines.contains(l)))
                .collect(),
        }),
        draft,
        moves,
        notes,
        errors,
    };
    answer(status, &page)
}

/// `GET /desk/sops/{id}?version=n`.
pub async fn show(
    State(app): State<App>,
    desk: Desk,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Response {
    render(
        &app,
        &desk,
        SopId(id),
        q.version,
        StatusCode::OK,
        vec![],
        None,
    )
    .await
}

fn back(id: i64, version: i64) -> Response {
    Redirect::to(&format!("/desk/sops/{id}?version={version}")).into_response()
}

/// The page again with the refusal in words (and the draft as typed), or the failure page.
async fn refused(
    app: &App,
    desk: &Desk,
    id: i64,
    version: i64,
    e: AppError,
    kept: Option<DraftForm>,
) -> Response {
    let api = crate::error::ApiError::from(e);
    if matches!(api.status, StatusCode::BAD_REQUEST | StatusCode::CONFLICT) {
        let errors = vec![sentence(&api.detail)];
        return render(
            app,
            desk,
            SopId(id),
            Some(version),
            api.status,
            errors,
            kept,
        )
        .await;
    }
    let back = match api.status {
        StatusCode::FORBIDDEN => AppError::Forbidden {
            action: Action::SopPublish,
        },
        StatusCode::NOT_FOUND => AppError::NotFound { entity: "SOP" },
        _ => AppError::Store(paydesk_store::StoreError::Corrupt(api.detail)),
    };
    failure(desk, Section::Sops, back)
}

/// `POST /desk/sops/{id}/versions/{n}`: saves the draft.
pub async fn save_draft(
    State(app): State<App>,
    desk: Desk,
    Path((id, n)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let kept = DraftForm {
        version: n,
        title: value(&fields, "title").to_string(),
        body: value(&fields, "body").to_string(),
        review_by: value(&fields, "review_by").to_string(),
    };
    let input = match review_date(&kept.review_by) {
        Ok(review_by) => DraftInput {
            title: kept.title.clone(),
            body: kept.body.clone(),
            review_by,
        },
        Err(e) => return refused(&app, &desk, id, n, e, Some(kept)).await,
    };
    match app.edit_sop_draft(&desk.caller, SopId(id), n, input).await {
        Ok(_) => back(id, n),
        Err(e) => refused(&app, &desk, id, n, e, Some(kept)).await,
    }
}

/// `POST /desk/sops/{id}/versions/{n}/{step}`: submit, return, publish or retire.
pub async fn move_version(
    State(app): State<App>,
    desk: Desk,
    Path((id, n, step)): Path<(i64, i64, String)>,
) -> Response {
    let Ok(step) = step.parse::<VersionMove>() else {
        return failure(&desk, Section::Sops, AppError::NotFound { entity: "page" });
    };
    match app.move_sop_version(&desk.caller, SopId(id), n, step).await {
        Ok(_) => back(id, n),
        Err(e) => refused(&app, &desk, id, n, e, None).await,
    }
}

/// `POST /desk/sops/{id}/versions`: starts the next version as a draft.
pub async fn new_version(State(app): State<App>, desk: Desk, Path(id): Path<i64>) -> Response {
    match app.new_sop_version(&desk.caller, SopId(id)).await {
        Ok(v) => back(id, v.version),
        Err(e) => refused(&app, &desk, id, 0, e, None).await,
    }
}

/// `POST /desk/sops/{id}/links`: replaces the categories, business lines and reason codes.
pub async fn save_links(
    State(app): State<App>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let saved = match typed_links(&fields) {
        Ok(links) => app
            .set_sop_links(&desk.caller, SopId(id), links, None)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Redirect::to(&format!("/desk/sops/{id}")).into_response(),
        Err(e) => refused(&app, &desk, id, 0, e, None).await,
    }
}
