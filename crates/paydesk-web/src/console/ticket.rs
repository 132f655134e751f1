//! The agent's ticket page, `/desk/tickets/{number}` (`PD-123` or `123`): the
//! conversation in the middle, the ticket's fields, SLA clocks, customer, payments and
//! timeline beside it, and the forms that work it.
//!
//! - `GET /desk/tickets/{number}`: the page.
//! - `POST /desk/tickets/{number}`: save the fields form (only what the person changed).
//! - `POST /desk/tickets/{number}/messages`: a public reply or an internal note, and
//!   optionally a new status.
//! - `POST /desk/tickets/{number}/assign`: assign the ticket to oneself.
//! - `POST /desk/tickets/{number}/solve`: solve it.
//! - `POST /desk/tickets/{number}/sops`, `.../sops/{run}`: start an SOP, save its ticks.
//! - `POST /desk/tickets/{number}/macros/preview` and `/apply`: the macro picker (see
//!   [`macro_picker`]).
//!
//! A saved change answers 303 back to the page. A change that meets a ticket someone
//! else changed meanwhile is never saved over theirs: it answers 409 with the page as
//! it is now and a banner saying what they changed. Bad input answers 400 with the page
//! and a summary of what to fix; a ticket the person may not see answers the 404 page.

mod conflict;
mod customer;
mod form;
mod load;
mod macro_picker;
mod payments;
mod people;
mod sla;
mod sops;
mod timeline;
mod view;

use super::desk::{Desk, Section};
use super::page::{answer, failure, sentence};
use crate::error::ApiError;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use form::{Fields, Shown};
use paydesk_app::tickets::{NewReply, TicketChange};
use paydesk_app::{App, AppError};
use paydesk_domain::TicketId;
use paydesk_domain::message::Visibility;
use paydesk_domain::policy::Action;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{Status, TicketPatch, parse_ticket_number};

/// The routes of the ticket page.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/desk/tickets/{number}", get(show).post(save_fields))
        .route("/desk/tickets/{number}/messages", post(reply))
        .route("/desk/tickets/{number}/assign", post(assign_me))
        .route("/desk/tickets/{number}/solve", post(solve))
        .route("/desk/tickets/{number}/sops", post(sops::start))
        .route("/desk/tickets/{number}/sops/{run}", post(sops::save_ticks))
        .merge(macro_picker::routes())
}

fn ticket_id(number: &str) -> Result<TicketId, AppError> {
    parse_ticket_number(number).ok_or(AppError::NotFound { entity: "ticket" })
}

/// `GET /desk/tickets/{number}`.
async fn show(State(app): State<App>, desk: Desk, Path(number): Path<String>) -> Response {
    let id = match ticket_id(&number) {
        Ok(id) => id,
        Err(e) => return failure(&desk, Section::Work, e),
    };
    match load::load(&app, &desk, id).await {
        Ok(loaded) => answer(StatusCode::OK, &loaded.page),
        Err(e) => failure(&desk, Section::Work, e),
    }
}

/// What a refused change keeps for the page that explains it.
#[derive(Default)]
struct Refused {
    /// What the fields form showed, when the fields form was sent.
    shown: Option<Shown>,
    last_event: i64,
    /// What the person asked for, for the conflict banner.
    yours: Vec<String>,
    /// The fields form's change, described with the page's names.
    patch: Option<TicketPatch>,
    /// The reply box's text and kind, kept so nothing typed is lost.
    reply: Option<(String, bool)>,
}

/// The page explaining why a change was not saved: 409 with the conflict banner, 400 (or
/// the refusal's own 4xx) with an error summary, or the 403/404/5xx page.
async fn refused(app: &App, desk: &Desk, id: TicketId, e: AppError, kept: Refused) -> Response {
    let api = ApiError::from(e);
    let status = match api.code {
        "invalid_field" | "unknown_value" | "invalid_transition" => StatusCode::BAD_REQUEST,
        _ => api.status,
    };
    if !status.is_client_error() || matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN)
    {
        return failure(desk, Section::Work, api_to_app(api));
    }
    let mut loaded = match load::load(app, desk, id).await {
        Ok(l) => l,
        Err(e) => return failure(desk, Section::Work, e),
    };
    let page = &mut loaded.page;
    if api.code == "version_conflict" {
        let mut yours = kept.yours;
        if let Some(patch) = &kept.patch {
            yours.extend(conflict::asked(patch, &loaded.people));
        }
        page.conflict = Some(conflict::conflict(
            &page.ticket,
            kept.shown.as_ref(),
            kept.last_event,
            &loaded.events,
            &loaded.people,
            yours,
        ));
    } else {
        page.errors.push(sentence(&api.detail));
    }
    if let Some((body, is_internal)) = kept.reply {
        page.reply.body = body;
        page.reply.is_internal = is_internal || !page.reply.may_reply;
    }
    answer(status, page)
}

/// A refusal read back into the error the failure page takes.
fn api_to_app(api: ApiError) -> AppError {
    match api.status {
        StatusCode::NOT_FOUND => AppError::NotFound { entity: "ticket" },
        StatusCode::FORBIDDEN => AppError::Forbidden {
            action: Action::TicketUpdate,
        },
        _ => AppError::Store(paydesk_store::StoreError::Corrupt(api.detail)),
    }
}

/// Bad input: the page with the sentences, answered 400.
async fn bad_input(
    app: &App,
    desk: &Desk,
    id: TicketId,
    errors: Vec<String>,
    reply: Option<(String, bool)>,
) -> Response {
    let mut loaded = match load::load(app, desk, id).await {
        Ok(l) => l,
        Err(e) => return failure(desk, Section::Work, e),
    };
    loaded.page.errors = errors;
    if let Some((body, is_internal)) = reply {
        loaded.page.reply.body = body;
        loaded.page.reply.is_internal = is_internal || !loaded.page.reply.may_reply;
    }
    answer(StatusCode::BAD_REQUEST, &loaded.page)
}

/// A POST to a ticket: the person, the ticket and the form they sent. A ticket number
/// that cannot be one answers the 404 page; an unreadable form the page with a summary.
struct Post {
    app: App,
    desk: Desk,
    id: TicketId,
    form: Fields,
}

impl FromRequest<App> for Post {
    type Rejection = Response;

    async fn from_request(request: Request, app: &App) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let desk = Desk::from_request_parts(&mut parts, app).await?;
        let Path(number) = Path::<String>::from_request_parts(&mut parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let id = ticket_id(&number).map_err(|e| failure(&desk, Section::Work, e))?;
        let body = Bytes::from_request(Request::from_parts(parts, body), app)
            .await
            .map_err(IntoResponse::into_response)?;
        match Fields::parse(&body) {
            Ok(form) => Ok(Post {
                app: app.clone(),
                desk,
                id,
                form,
            }),
            Err(e) => Err(bad_input(app, &desk, id, vec![e], None).await),
        }
    }
}

impl Post {
    /// After a change: back to the page, or the page saying why it was not saved.
    async fn settle<T>(&self, result: Result<T, AppError>, kept: Refused) -> Response {
        match result {
            Ok(_) => back_to(self.id),
            Err(e) => refused(&self.app, &self.desk, self.id, e, kept).await,
        }
    }

    /// The page with `errors`, answered 400.
    async fn bad(&self, errors: Vec<String>, reply: Option<(String, bool)>) -> Response {
        bad_input(&self.app, &self.desk, self.id, errors, reply).await
    }

    /// Saves `patch` at `version`; `yours` says what it asked for, should it be refused.
    async fn change(&self, patch: TicketPatch, version: i64, yours: String) -> Response {
        let sent = TicketChange {
            patch,
            expected_version: Some(version),
        };
        let result = self
            .app
            .change_ticket(&self.desk.caller, self.id, sent)
            .await;
        let kept = Refused {
            last_event: self.form.last_event(),
            yours: vec![yours],
            ..Refused::default()
        };
        self.settle(result, kept).await
    }

    /// Saves `patch` at the `version` the form was shown at.
    async fn change_at_shown(&self, patch: TicketPatch, yours: String) -> Response {
        match self.form.version() {
            Ok(version) => self.change(patch, version, yours).await,
            Err(e) => self.bad(vec![e], None).await,
        }
    }
}

fn back_to(number: TicketId) -> Response {
    Redirect::to(&format!(
        "/desk/tickets/{}",
        paydesk_domain::ticket::ticket_number(number)
    ))
    .into_response()
}

/// Reads the reply box: the visibility and the status to set after, or what is wrong.
fn reply_choices(post: &Post) -> Result<(Visibility, Option<Status>), Vec<String>> {
    let mut errors = Vec::new();
    let visibility = match post.form.text("visibility") {
        "public" if post.desk.session.user.role == Role::BpoAgent => {
            errors.push(
                "You may write internal notes only; a lead replies to the customer.".to_string(),
            );
            Visibility::Public
        }
        "public" => Visibility::Public,
        "internal" => Visibility::Internal,
        _ => {
            errors.push(
                "Choose whether this is a reply to the customer or an internal note.".to_string(),
            );
            Visibility::Internal
        }
    };
    let status_after = match post.form.text("status_after") {
        "" | "keep" => None,
        "pending" => Some(Status::Pending),
        "solved" => Some(Status::Solved),
        _ => {
            errors.push("Choose a status from the list, or keep it as it is.".to_string());
            None
        }
    };
    if errors.is_empty() {
        Ok((visibility, status_after))
    } else {
        Err(errors)
    }
}

/// `POST /desk/tickets/{number}/messages`: `body`, `visibility` (public or internal) and
/// `status_after` (empty to keep the status, `pending` or `solved`).
async fn reply(post: Post) -> Response {
    let text = post.form.text("body").to_string();
    let is_note = post.form.text("visibility") != "public";
    let (visibility, status_after) = match reply_choices(&post) {
        Ok(c) => c,
        Err(errors) => return post.bad(errors, Some((text, is_note))).await,
    };
    // A reply that would solve a ticket whose checklist is not complete is refused
    // before it is sent, so the customer never hears "solved" from a refused change.
    if status_after == Some(Status::Solved)
        && let Err(e) = post.app.check_solvable(&post.desk.caller, post.id).await
    {
        let kept = Refused {
            reply: Some((text, is_note)),
            ..Refused::default()
        };
        return post.settle(Err::<(), _>(e), kept).await;
    }
    let sent = NewReply {
        visibility,
        from_customer: false,
        body: text.clone(),
        attachments: vec![],
        expected_version: None,
    };
    let ticket = match post.app.add_message(&post.desk.caller, post.id, sent).await {
        Ok((ticket, _)) => ticket,
        Err(e) => {
            let kept = Refused {
                reply: Some((text, is_note)),
                ..Refused::default()
            };
            return post.settle(Err::<(), _>(e), kept).await;
        }
    };
    let Some(status) = status_after else {
        return back_to(post.id);
    };
    let patch = TicketPatch {
        status: Some(status),
        ..TicketPatch::default()
    };
    let yours = format!("Status to {} (your message was sent)", status.as_str());
    post.change(patch, ticket.version, yours).await
}

/// `POST /desk/tickets/{number}`: the fields form.
async fn save_fields(post: Post) -> Response {
    let change = match form::fields_change(&post.form) {
        Ok(c) => c,
        Err(errors) => return post.bad(errors, None).await,
    };
    let kept = Refused {
        shown: Some(change.shown),
        last_event: post.form.last_event(),
        patch: Some(change.patch.clone()),
        ..Refused::default()
    };
    let sent = TicketChange {
        patch: change.patch,
        expected_version: Some(change.version),
    };
    let result = post
        .app
        .change_ticket(&post.desk.caller, post.id, sent)
        .await;
    post.settle(result, kept).await
}

/// `POST /desk/tickets/{number}/assign`: takes an unassigned ticket (a claim), or
/// moves it to the person from whoever holds it, at the `version` shown.
async fn assign_me(post: Post) -> Response {
    let yours = "Assignee to you".to_string();
    if post.form.text("was_assignee").is_empty() && post.desk.may(Action::TicketClaim) {
        let result = post.app.claim_ticket(&post.desk.caller, post.id).await;
        let kept = Refused {
            last_event: post.form.last_event(),
            yours: vec![yours],
            ..Refused::default()
        };
        return post.settle(result, kept).await;
    }
    let patch = TicketPatch {
        assignee_id: Some(Some(post.desk.session.user.id)),
        ..TicketPatch::default()
    };
    post.change_at_shown(patch, yours).await
}

/// `POST /desk/tickets/{number}/solve`: solves the ticket at the `version` shown.
async fn solve(post: Post) -> Response {
    let patch = TicketPatch {
        status: Some(Status::Solved),
        ..TicketPatch::default()
    };
    post.change_at_shown(patch, "Status to solved".to_string())
        .await
}
