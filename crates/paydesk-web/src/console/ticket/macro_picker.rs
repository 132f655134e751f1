//! The macro picker on the ticket page: choose a macro, preview what it does (the reply
//! as the customer will read it, the note and every change), then apply it. Both are
//! plain form posts, so it works without JavaScript.
//!
//! - `POST /desk/tickets/{number}/macros/preview`: `macro_id`; the page with the preview.
//! - `POST /desk/tickets/{number}/macros/apply`: `macro_id` and the `version` previewed;
//!   303 back to the page, or the page saying why it was not applied (409 with the
//!   conflict banner when the ticket changed since the preview).

use super::load;
use super::view::Choice;
use super::{Post, Refused, back_to};
use crate::console::desk::{Desk, Section};
use crate::console::page::{answer, failure};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use paydesk_app::macros::{MacroPreview, MacroQuery};
use paydesk_app::{App, AppError};
use paydesk_domain::id::MacroId;
use paydesk_domain::macros::ReplyVisibility;
use paydesk_domain::policy::Action;
use serde_json::Value;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/desk/tickets/{number}/macros/preview", post(preview))
        .route("/desk/tickets/{number}/macros/apply", post(apply))
}

/// The picker as the page shows it.
#[derive(Debug, Clone, Default)]
pub struct MacroPicker {
    pub choices: Vec<Choice>,
    pub preview: Option<PreviewPanel>,
}

/// A macro's preview on this ticket.
#[derive(Debug, Clone)]
pub struct PreviewPanel {
    pub macro_id: i64,
    pub title: String,
    pub version: i64,
    pub reply: Option<String>,
    pub reply_is_internal: bool,
    pub note: Option<String>,
    /// One sentence per change (`Status: new → pending`).
    pub changes: Vec<String>,
    /// Placeholders without a value on this ticket.
    pub missing: Vec<String>,
    pub blockers: Vec<String>,
}

/// The picker for this person (`None` without `macro_use`), `selected` chosen.
pub async fn picker(app: &App, desk: &Desk, selected: Option<MacroId>) -> Option<MacroPicker> {
    if !desk.may(Action::MacroUse) {
        return None;
    }
    let macros = app
        .list_macros(&desk.caller, &MacroQuery::default())
        .await
        .ok()?;
    let selected = selected.map(|m| m.0.to_string()).unwrap_or_default();
    Some(MacroPicker {
        choices: macros
            .iter()
            .map(|m| Choice {
                value: m.id.0.to_string(),
                label: format!("{} ({})", m.title, m.scope.kind()),
                is_selected: m.id.0.to_string() == selected,
            })
            .collect(),
        preview: None,
    })
}

fn shown(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => s.replace('_', " "),
        Value::Array(items) if items.is_empty() => "no tags".into(),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn panel(p: &MacroPreview) -> PreviewPanel {
    let changes = p
        .changes
        .iter()
        .filter(|c| c.field != "note")
        .map(|c| match c.field.as_str() {
            "sop" => format!("Link SOP {}", shown(&c.to)),
            "assignee_id" => format!("Assignee: {} → person {}", shown(&c.from), shown(&c.to)),
            f => {
                let name = f.replace('_', " ");
                let mut letters = name.chars();
                let name = letters
                    .next()
                    .map(|c| c.to_uppercase().collect::<String>() + letters.as_str())
                    .unwrap_or_default();
                format!("{name}: {} → {}", shown(&c.from), shown(&c.to))
            }
        })
        .collect();
    PreviewPanel {
        macro_id: p.macro_id.0,
        title: p.title.clone(),
        version: p.ticket_version,
        reply: p.reply.as_ref().map(|r| r.body.clone()),
        reply_is_internal: p
            .reply
            .as_ref()
            .is_some_and(|r| r.visibility == ReplyVisibility::Internal),
        note: p.note.clone(),
        changes,
        missing: p
            .missing
            .iter()
            .map(|m| format!("{{{{{}}}}}", m.as_str()))
            .collect(),
        blockers: p.blockers.clone(),
    }
}

fn chosen(post: &Post) -> Result<MacroId, String> {
    post.form
        .text("macro_id")
        .trim()
        .parse()
        .map(MacroId)
        .map_err(|_| "Choose a macro from the list first.".to_string())
}

/// `POST /desk/tickets/{number}/macros/preview`.
async fn preview(post: Post) -> Response {
    let id = match chosen(&post) {
        Ok(id) => id,
        Err(e) => return post.bad(vec![e], None).await,
    };
    let result = post.app.preview_macro(&post.desk.caller, post.id, id).await;
    let p = match result {
        Ok(p) => p,
        Err(e) => {
            return post
                .settle(Err::<(), AppError>(e), Refused::default())
                .await;
        }
    };
    let mut loaded = match load::load(&post.app, &post.desk, post.id).await {
        Ok(l) => l,
        Err(e) => return failure(&post.desk, Section::Work, e),
    };
    let mut picker = picker(&post.app, &post.desk, Some(id))
        .await
        .unwrap_or_default();
    picker.preview = Some(panel(&p));
    loaded.page.macros = Some(picker);
    answer(StatusCode::OK, &loaded.page)
}

/// `POST /desk/tickets/{number}/macros/apply`.
async fn apply(post: Post) -> Response {
    let id = match chosen(&post) {
        Ok(id) => id,
        Err(e) => return post.bad(vec![e], None).await,
    };
    let version = match post.form.version() {
        Ok(v) => v,
        Err(e) => return post.bad(vec![e], None).await,
    };
    let result = post
        .app
        .apply_macro(&post.desk.caller, post.id, id, Some(version))
        .await;
    match result {
        Ok(_) => back_to(post.id),
        Err(e) => {
            let kept = Refused {
                last_event: post.form.last_event(),
                yours: vec!["Apply the macro (nothing of it was saved)".to_string()],
                ..Refused::default()
            };
            post.settle(Err::<(), AppError>(e), kept).await
        }
    }
}
