//! The SOP library's use cases: write, review, publish and retire versions; read, list
//! and search. Following SOPs on tickets is in [`runs`], the solve guard in [`guard`].
//!
//! Readers (`sop_read`) see SOPs that have been published, and only their published and
//! retired versions; writers (`sop_write`) also see drafts and versions in review, write
//! drafts and send them for review; publishers (`sop_publish`) publish, send back and
//! retire versions, and set which categories need a completed checklist. Nobody
//! publishes a version they wrote. Every change commits a `config_changed` event
//! (`{"what": "sop", ...}`) with it.

pub mod guard;
pub mod runs;

use crate::error::AppError;
use crate::tickets::refuse_unstorable;
use crate::{App, Caller};
use paydesk_domain::id::SopId;
use paydesk_domain::policy::{Action, Principal};
use paydesk_domain::redaction::redact;
use paydesk_domain::sop::{self, SopLinks, VersionMove};
use paydesk_domain::{Timestamp, UserId};
use paydesk_store::{
    NewSop, SopFilter, SopVersion, StoreError, StoredSop, VersionContent, VersionStep,
};
use serde_json::{Value, json};

/// The most SOPs one list returns.
pub const LIST_MAX: usize = 200;

/// A new SOP as a writer sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct SopInput {
    pub title: String,
    pub body: String,
    pub links: SopLinks,
    /// Who keeps it current; the caller when not given.
    pub owner_id: Option<UserId>,
    pub review_by: Option<Timestamp>,
}

/// A draft's new content.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftInput {
    pub title: String,
    pub body: String,
    pub review_by: Option<Timestamp>,
}

/// What to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SopQuery {
    /// Words to search titles and bodies for.
    pub q: Option<String>,
    /// Only SOPs past their review date.
    pub review_due: bool,
    pub owner: Option<UserId>,
}

/// An SOP with the versions the caller may read, newest first, and the published one.
#[derive(Debug, Clone, PartialEq)]
pub struct SopView {
    pub sop: StoredSop,
    pub published: Option<SopVersion>,
    pub versions: Vec<SopVersion>,
    /// Whether its review date has passed.
    pub is_review_overdue: bool,
}

/// The user behind a caller, if a person.
pub(crate) fn caller_user(caller: &Caller) -> Option<UserId> {
    match caller.principal {
        Principal::User { id, .. } => Some(id),
        _ => None,
    }
}

/// A version a reader without `sop_write` may see: one that was published.
fn readable_by(caller: &Caller, v: &SopVersion) -> bool {
    v.published_at.is_some() || caller.principal.may(Action::SopWrite)
}

/// Title and body checked, with card data masked, and the steps parsed.
fn content(
    title: &str,
    body: &str,
    review_by: Option<Timestamp>,
) -> Result<VersionContent, AppError> {
    let title = redact(&sop::title(title)?).text;
    sop::body_steps(body)?;
    let body = redact(body).text;
    let steps = sop::body_steps(&body)?;
    Ok(VersionContent {
        title,
        body,
        steps,
        review_by,
    })
}

/// Links checked for card data and normalised.
fn checked_links(links: SopLinks) -> Result<SopLinks, AppError> {
    for (field, values) in [
        ("links.categories", &links.categories),
        ("links.reason_codes", &links.reason_codes),
    ] {
        for v in values {
            refuse_unstorable(field, v)?;
        }
    }
    Ok(links.validated()?)
}

/// A store conflict on a version, said so that the caller knows what to do.
fn version_conflict(e: StoreError, version: i64) -> AppError {
    match e {
        StoreError::VersionConflict { .. } => AppError::invalid(
            "version",
            format!("version {version} was moved meanwhile; reload the SOP and try again"),
        ),
        other => other.into(),
    }
}

impl App {
    fn sop_event(
        &self,
        caller: &Caller,
        id: SopId,
        action: &str,
        extra: Value,
    ) -> paydesk_domain::event::NewEvent {
        let mut data = json!({ "what": "sop", "sop_id": id.0, "action": action });
        if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
            d.extend(e.clone());
        }
        self.config_event(caller, data)
    }

    /// Creates an SOP with version 1 as a draft. Errors: [`AppError::Invalid`] naming the
    /// field; [`AppError::Forbidden`].
    pub async fn create_sop(
        &self,
        caller: &Caller,
        input: SopInput,
    ) -> Result<StoredSop, AppError> {
        caller.require(Action::SopWrite)?;
        let owner_id = input
            .owner_id
            .or_else(|| caller_user(caller))
            .ok_or_else(|| {
                AppError::invalid("owner_id", "name the person who keeps this SOP current")
            })?;
        let new = NewSop {
            owner_id,
            links: checked_links(input.links)?,
            content: content(&input.title, &input.body, input.review_by)?,
            author_id: caller_user(caller),
            at: self.now(),
        };
        // The id is not known before the insert; the event names the title instead.
        let event = self.config_event(
            caller,
            json!({ "what": "sop", "action": "created", "title": new.content.title }),
        );
        match self.store.insert_sop(&new, &[event]).await {
            Err(StoreError::MissingReference) => Err(AppError::invalid(
                "owner_id",
                "no such user; name an existing person as the owner",
            )),
            other => Ok(other?),
        }
    }

    /// Rewrites a draft. Errors: [`AppError::Invalid`] (`version` when it is no longer a
    /// draft); [`AppError::NotFound`]; [`AppError::Forbidden`].
    pub async fn edit_sop_draft(
        &self,
        caller: &Caller,
        id: SopId,
        version: i64,
        input: DraftInput,
    ) -> Result<SopVersion, AppError> {
        caller.require(Action::SopWrite)?;
        let current = self.store.sop_version(id, version).await?;
        if current.status != sop::VersionStatus::Draft {
            return Err(AppError::invalid(
                "version",
                format!(
                    "version {version} is {}; only drafts change (start a new version from the published one)",
                    current.status
                ),
            ));
        }
        let c = content(&input.title, &input.body, input.review_by)?;
        let event = self.sop_event(caller, id, "draft_saved", json!({ "version": version }));
        self.store
            .save_sop_draft(id, version, &c, self.now(), &[event])
            .await
            .map_err(|e| version_conflict(e, version))
    }

    /// Replaces an SOP's links and, when given, its owner.
    pub async fn set_sop_links(
        &self,
        caller: &Caller,
        id: SopId,
        links: SopLinks,
        owner: Option<UserId>,
    ) -> Result<StoredSop, AppError> {
        caller.require(Action::SopWrite)?;
        let links = checked_links(links)?;
        let event = self.sop_event(
            caller,
            id,
            "links_set",
            json!({ "links": links, "owner_id": owner.map(|u| u.0) }),
        );
        match self
            .store
            .set_sop_links(id, &links, owner, self.now(), &[event])
            .await
        {
            Err(StoreError::MissingReference) => Err(AppError::invalid(
                "owner_id",
                "no such user; name an existing person as the owner",
            )),
            other => Ok(other?),
        }
    }

    /// Starts the next version as a draft, from the published version (or the newest).
    /// Errors: [`AppError::Duplicate`] when a draft or a version in review exists.
    pub async fn new_sop_version(
        &self,
        caller: &Caller,
        id: SopId,
    ) -> Result<SopVersion, AppError> {
        caller.require(Action::SopWrite)?;
        let sop = self.store.sop(id).await?;
        let from = self
            .store
            .sop_version(id, sop.published_version.unwrap_or(sop.latest_version))
            .await?;
        let c = VersionContent {
            title: from.title,
            body: from.body,
            steps: from.steps,
            review_by: from.review_by,
        };
        let event = self.sop_event(
            caller,
            id,
            "version_started",
            json!({ "version": sop.latest_version + 1, "from": from.version }),
        );
        match self
            .store
            .add_sop_version(id, &c, caller_user(caller), self.now(), &[event])
            .await
        {
            Err(StoreError::Duplicate) => Err(AppError::Duplicate(format!(
                "version {} of this SOP is still a draft or in review; finish or edit it first",
                sop.latest_version
            ))),
            other => Ok(other?),
        }
    }

    /// Moves a version: submit (`sop_write`), return, publish or retire (`sop_publish`).
    /// Publishing retires the version published before.
    /// Errors: [`AppError::SopMove`] (wrong status, or publishing one's own version);
    /// [`AppError::NotFound`]; [`AppError::Forbidden`].
    pub async fn move_sop_version(
        &self,
        caller: &Caller,
        id: SopId,
        version: i64,
        step: VersionMove,
    ) -> Result<SopVersion, AppError> {
        caller.require(step.action())?;
        let current = self.store.sop_version(id, version).await?;
        let mover = caller_user(caller);
        let to = sop::check_move(step, version, current.status, current.author_id, mover)?;
        let event = self.sop_event(
            caller,
            id,
            step.as_str(),
            json!({ "version": version, "from": current.status, "to": to }),
        );
        let moved = VersionStep {
            from: current.status,
            to,
            by: mover,
            at: self.now(),
        };
        self.store
            .move_sop_version(id, version, moved, &[event])
            .await
            .map_err(|e| version_conflict(e, version))
    }

    /// One SOP with the versions the caller may read. Errors: [`AppError::NotFound`]
    /// (also for an SOP never published, to a reader without `sop_write`).
    pub async fn sop(&self, caller: &Caller, id: SopId) -> Result<SopView, AppError> {
        caller.require(Action::SopRead)?;
        let sop = self.store.sop(id).await?;
        let versions: Vec<SopVersion> = self
            .store
            .sop_versions(id)
            .await?
            .into_iter()
            .filter(|v| readable_by(caller, v))
            .collect();
        if versions.is_empty() {
            return Err(AppError::NotFound { entity: "SOP" });
        }
        let published = versions
            .iter()
            .find(|v| Some(v.version) == sop.published_version)
            .cloned();
        Ok(SopView {
            is_review_overdue: published.is_some()
                && sop::is_review_overdue(sop.review_by, self.now()),
            sop,
            published,
            versions,
        })
    }

    /// One version. Errors: [`AppError::NotFound`] (also for a draft, to a reader
    /// without `sop_write`).
    pub async fn sop_version(
        &self,
        caller: &Caller,
        id: SopId,
        version: i64,
    ) -> Result<SopVersion, AppError> {
        caller.require(Action::SopRead)?;
        let v = self.store.sop_version(id, version).await?;
        if readable_by(caller, &v) {
            Ok(v)
        } else {
            Err(AppError::NotFound {
                entity: "SOP version",
            })
        }
    }

    /// SOPs by title: all the caller may read, or those matching `query`.
    pub async fn sops(
        &self,
        caller: &Caller,
        query: &SopQuery,
    ) -> Result<Vec<StoredSop>, AppError> {
        caller.require(Action::SopRead)?;
        if let Some(q) = &query.q {
            crate::tickets::refuse_nul("q", q)?;
        }
        let filter = SopFilter {
            text: query.q.clone(),
            owner: query.owner,
            review_due_before: query.review_due.then(|| self.now()),
            include_unpublished: caller.principal.may(Action::SopWrite),
        };
        Ok(self.store.sops(&filter, LIST_MAX).await?)
    }

    /// The SOPs the caller owns whose review date has passed (the console home lists
    /// them for their owner).
    pub async fn my_sops_due_for_review(
        &self,
        caller: &Caller,
    ) -> Result<Vec<StoredSop>, AppError> {
        let Some(me) = caller_user(caller) else {
            return Ok(vec![]);
        };
        if !caller.principal.may(Action::SopRead) {
            return Ok(vec![]);
        }
        self.sops(
            caller,
            &SopQuery {
                review_due: true,
                owner: Some(me),
                ..SopQuery::default()
            },
        )
        .await
    }
}
