//! The SOP library as stored: procedures, their numbered versions, links and search.
//!
//! A version's status only moves through [`Store::move_sop_version`], whose update names
//! the status it expects, so two publishers racing each other cannot both win. Publishing
//! retires the version published before, in the same transaction, and keeps the SOP's
//! `published_version`, `review_by` and `title` in step. Every write commits its
//! `config_changed` events with it. Runs on tickets live in [`crate::sop_run`].

use crate::error::StoreError;
use crate::event;
use crate::sql::{Engine, Row, Tx};
use crate::{Store, args};
use paydesk_domain::event::NewEvent;
use paydesk_domain::id::SopId;
use paydesk_domain::sop::{SopLinks, Step, VersionStatus};
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{Timestamp, UserId};

/// An SOP as listed: its newest version's title and status, and the published one.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSop {
    pub id: SopId,
    pub title: String,
    pub owner_id: UserId,
    /// The version agents follow now.
    pub published_version: Option<i64>,
    /// The published version's review date.
    pub review_by: Option<Timestamp>,
    pub links: SopLinks,
    pub latest_version: i64,
    pub latest_status: VersionStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One version of an SOP.
#[derive(Debug, Clone, PartialEq)]
pub struct SopVersion {
    pub sop_id: SopId,
    pub version: i64,
    pub title: String,
    pub body: String,
    pub steps: Vec<Step>,
    pub status: VersionStatus,
    pub author_id: Option<UserId>,
    pub submitted_by: Option<UserId>,
    pub submitted_at: Option<Timestamp>,
    /// Who published it or sent it back.
    pub reviewer_id: Option<UserId>,
    pub published_at: Option<Timestamp>,
    pub retired_by: Option<UserId>,
    pub retired_at: Option<Timestamp>,
    pub review_by: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The content of a version as written: checked, redacted and parsed by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionContent {
    pub title: String,
    pub body: String,
    pub steps: Vec<Step>,
    pub review_by: Option<Timestamp>,
}

/// A new SOP with its first version (a draft).
#[derive(Debug, Clone, PartialEq)]
pub struct NewSop {
    pub owner_id: UserId,
    pub links: SopLinks,
    pub content: VersionContent,
    pub author_id: Option<UserId>,
    pub at: Timestamp,
}

/// Which SOPs to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SopFilter {
    /// Text whose words the title or body of one of its versions must all contain.
    pub text: Option<String>,
    pub owner: Option<UserId>,
    /// Only published SOPs whose review date is before this instant.
    pub review_due_before: Option<Timestamp>,
    /// Also SOPs with no published version yet (for writers).
    pub include_unpublished: bool,
}

/// A move of a version: the status it must be in, the one it goes to, by whom, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionStep {
    pub from: VersionStatus,
    pub to: VersionStatus,
    pub by: Option<UserId>,
    pub at: Timestamp,
}

const SOP_COLUMNS: &str = "s.id, s.title, s.owner_id, s.published_version, s.review_by, s.created_at, s.updated_at, \
     (SELECT MAX(v.version) FROM sop_versions v WHERE v.sop_id = s.id) AS latest_version, \
     (SELECT v.status FROM sop_versions v WHERE v.sop_id = s.id ORDER BY v.version DESC LIMIT 1) AS latest_status";

const VERSION_COLUMNS: &str = "sop_id, version, title, body, steps, status, author_id, submitted_by, submitted_at, \
     reviewer_id, published_at, retired_by, retired_at, review_by, created_at, updated_at";

fn user(r: &Row, col: &str) -> Result<Option<UserId>, StoreError> {
    Ok(r.opt_i64(col)?.map(UserId))
}

fn at(r: &Row, col: &str) -> Result<Option<Timestamp>, StoreError> {
    Ok(r.opt_i64(col)?.map(Timestamp))
}

fn version_from(r: &Row) -> Result<SopVersion, StoreError> {
    Ok(SopVersion {
        sop_id: SopId(r.i64("sop_id")?),
        version: r.i64("version")?,
        title: r.text("title")?,
        body: r.text("body")?,
        steps: r.json("steps")?,
        status: r.label("status")?,
        author_id: user(r, "author_id")?,
        submitted_by: user(r, "submitted_by")?,
        submitted_at: at(r, "submitted_at")?,
        reviewer_id: user(r, "reviewer_id")?,
        published_at: at(r, "published_at")?,
        retired_by: user(r, "retired_by")?,
        retired_at: at(r, "retired_at")?,
        review_by: at(r, "review_by")?,
        created_at: Timestamp(r.i64("created_at")?),
        updated_at: Timestamp(r.i64("updated_at")?),
    })
}

async fn links_of(tx: &mut Tx, id: SopId) -> Result<SopLinks, StoreError> {
    let rows = tx
        .rows(
            "SELECT kind, value FROM sop_links WHERE sop_id = $1 ORDER BY kind, value",
            &args![id.0],
        )
        .await?;
    let mut links = SopLinks::default();
    for r in rows {
        let value = r.text("value")?;
        match r.text("kind")?.as_str() {
            "category" => links.categories.push(value),
            "business_line" => links.business_lines.push(
                value
                    .parse::<BusinessLine>()
                    .map_err(|e| StoreError::Corrupt(format!("sop link: {e}")))?,
            ),
            "reason_code" => links.reason_codes.push(value),
            other => return Err(StoreError::Corrupt(format!("sop link kind '{other}'"))),
        }
    }
    Ok(links)
}

async fn sop_from(tx: &mut Tx, r: &Row) -> Result<StoredSop, StoreError> {
    let id = SopId(r.i64("id")?);
    Ok(StoredSop {
        id,
        title: r.text("title")?,
        owner_id: UserId(r.i64("owner_id")?),
        published_version: r.opt_i64("published_version")?,
        review_by: at(r, "review_by")?,
        links: links_of(tx, id).await?,
        latest_version: r.i64("latest_version")?,
        latest_status: r.label("latest_status")?,
        created_at: Timestamp(r.i64("created_at")?),
        updated_at: Timestamp(r.i64("updated_at")?),
    })
}

pub(crate) async fn load(tx: &mut Tx, id: SopId) -> Result<StoredSop, StoreError> {
    let sql = format!("SELECT {SOP_COLUMNS} FROM sops s WHERE s.id = $1");
    let row = tx
        .row(&sql, &args![id.0])
        .await?
        .ok_or(StoreError::NotFound { entity: "SOP" })?;
    sop_from(tx, &row).await
}

pub(crate) async fn load_version(
    tx: &mut Tx,
    id: SopId,
    version: i64,
) -> Result<SopVersion, StoreError> {
    let sql =
        format!("SELECT {VERSION_COLUMNS} FROM sop_versions WHERE sop_id = $1 AND version = $2");
    let row = tx
        .row(&sql, &args![id.0, version])
        .await?
        .ok_or(StoreError::NotFound {
            entity: "SOP version",
        })?;
    version_from(&row)
}

async fn write_links(tx: &mut Tx, id: SopId, links: &SopLinks) -> Result<(), StoreError> {
    tx.exec("DELETE FROM sop_links WHERE sop_id = $1", &args![id.0])
        .await?;
    let rows = links
        .categories
        .iter()
        .map(|c| ("category", c.as_str()))
        .chain(
            links
                .business_lines
                .iter()
                .map(|l| ("business_line", l.as_str())),
        )
        .chain(
            links
                .reason_codes
                .iter()
                .map(|c| ("reason_code", c.as_str())),
        );
    for (kind, value) in rows {
        tx.exec(
            "INSERT INTO sop_links (sop_id, kind, value) VALUES ($1, $2, $3)",
            &args![id.0, kind, value],
        )
        .await?;
    }
    Ok(())
}

/// Replaces the search text of one version.
async fn index(tx: &mut Tx, id: SopId, version: i64, c: &VersionContent) -> Result<(), StoreError> {
    tx.exec(
        "DELETE FROM sop_search WHERE sop_id = $1 AND version = $2",
        &args![id.0, version],
    )
    .await?;
    tx.exec(
        "INSERT INTO sop_search (body, sop_id, version) VALUES ($1, $2, $3)",
        &args![format!("{}\n{}", c.title, c.body), id.0, version],
    )
    .await?;
    Ok(())
}

async fn insert_version(
    tx: &mut Tx,
    id: SopId,
    version: i64,
    c: &VersionContent,
    author: Option<UserId>,
    at: Timestamp,
) -> Result<(), StoreError> {
    let steps =
        serde_json::to_string(&c.steps).map_err(|e| StoreError::Corrupt(format!("steps: {e}")))?;
    tx.exec(
        "INSERT INTO sop_versions (sop_id, version, title, body, steps, status, author_id, review_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $8)",
        &args![
            id.0,
            version,
            &c.title,
            &c.body,
            steps,
            author.map(|u| u.0),
            c.review_by.map(|t| t.0),
            at.0
        ],
    )
    .await?;
    index(tx, id, version, c).await
}

/// The search condition on `s.id` for one engine, with its bound value at `$n`.
fn search_condition(engine: Engine, words: &[String], n: usize) -> (String, String) {
    match engine {
        Engine::Sqlite => (
            format!("s.id IN (SELECT sop_id FROM sop_search WHERE sop_search MATCH ${n})"),
            words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Engine::Postgres => (
            format!(
                "s.id IN (SELECT sop_id FROM sop_search WHERE to_tsvector('simple', body) @@ plainto_tsquery('simple', ${n}))"
            ),
            words.join(" "),
        ),
    }
}

async fn finish(mut tx: Tx, events: &[NewEvent]) -> Result<(), StoreError> {
    event::append_all(&mut tx, events, None).await?;
    tx.commit().await
}

impl Store {
    /// Inserts an SOP with version 1 as a draft, its links and events.
    /// Errors: [`StoreError::MissingReference`] for an unknown owner or author.
    pub async fn insert_sop(
        &self,
        new: &NewSop,
        events: &[NewEvent],
    ) -> Result<StoredSop, StoreError> {
        let mut tx = self.write().await?;
        let id = SopId(
            tx.insert_id(
                "INSERT INTO sops (title, owner_id, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
                &args![&new.content.title, new.owner_id.0, new.at.0],
            )
            .await?,
        );
        insert_version(&mut tx, id, 1, &new.content, new.author_id, new.at).await?;
        write_links(&mut tx, id, &new.links).await?;
        let stored = load(&mut tx, id).await?;
        finish(tx, events).await?;
        Ok(stored)
    }

    /// One SOP. Errors: [`StoreError::NotFound`].
    pub async fn sop(&self, id: SopId) -> Result<StoredSop, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// SOPs matching `filter`, by title, at most `limit`.
    pub async fn sops(
        &self,
        filter: &SopFilter,
        limit: usize,
    ) -> Result<Vec<StoredSop>, StoreError> {
        let mut tx = self.read().await?;
        let mut conditions = Vec::new();
        let mut values = Vec::new();
        let words = filter
            .text
            .as_deref()
            .map(crate::search::words)
            .unwrap_or_default();
        if !words.is_empty() {
            let (cond, value) = search_condition(tx.engine(), &words, values.len() + 1);
            conditions.push(cond);
            values.push(value.into());
        }
        if let Some(owner) = filter.owner {
            values.push(owner.0.into());
            conditions.push(format!("s.owner_id = ${}", values.len()));
        }
        if let Some(before) = filter.review_due_before {
            values.push(before.0.into());
            conditions.push(format!(
                "s.published_version IS NOT NULL AND s.review_by < ${}",
                values.len()
            ));
        }
        if !filter.include_unpublished {
            conditions.push(
                "EXISTS (SELECT 1 FROM sop_versions v WHERE v.sop_id = s.id AND v.published_at IS NOT NULL)"
                    .into(),
            );
        }
        values.push(i64::try_from(limit).unwrap_or(200).into());
        let limit_at = values.len();
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {SOP_COLUMNS} FROM sops s{filter_sql} ORDER BY s.title, s.id LIMIT ${limit_at}"
        );
        let rows = tx.rows(&sql, &values).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(sop_from(&mut tx, r).await?);
        }
        Ok(out)
    }

    /// Every SOP with a published version (what matching reads), by id.
    pub async fn published_sops(&self) -> Result<Vec<StoredSop>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {SOP_COLUMNS} FROM sops s WHERE s.published_version IS NOT NULL ORDER BY s.id"
        );
        let rows = tx.rows(&sql, &[]).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(sop_from(&mut tx, r).await?);
        }
        Ok(out)
    }

    /// An SOP's versions, newest first.
    pub async fn sop_versions(&self, id: SopId) -> Result<Vec<SopVersion>, StoreError> {
        let mut tx = self.read().await?;
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM sop_versions WHERE sop_id = $1 ORDER BY version DESC"
        );
        tx.rows(&sql, &args![id.0])
            .await?
            .iter()
            .map(version_from)
            .collect()
    }

    /// One version. Errors: [`StoreError::NotFound`].
    pub async fn sop_version(&self, id: SopId, version: i64) -> Result<SopVersion, StoreError> {
        let mut tx = self.read().await?;
        load_version(&mut tx, id, version).await
    }

    /// Rewrites a draft's content. Errors: [`StoreError::VersionConflict`] when the
    /// version is no longer a draft; [`StoreError::NotFound`].
    pub async fn save_sop_draft(
        &self,
        id: SopId,
        version: i64,
        content: &VersionContent,
        at: Timestamp,
        events: &[NewEvent],
    ) -> Result<SopVersion, StoreError> {
        let mut tx = self.write().await?;
        let steps = serde_json::to_string(&content.steps)
            .map_err(|e| StoreError::Corrupt(format!("steps: {e}")))?;
        let n = tx
            .exec(
                "UPDATE sop_versions SET title = $1, body = $2, steps = $3, review_by = $4, updated_at = $5 \
                 WHERE sop_id = $6 AND version = $7 AND status = 'draft'",
                &args![
                    &content.title,
                    &content.body,
                    steps,
                    content.review_by.map(|t| t.0),
                    at.0,
                    id.0,
                    version
                ],
            )
            .await?;
        if n == 0 {
            load_version(&mut tx, id, version).await?;
            return Err(StoreError::VersionConflict {
                entity: "SOP version",
                expected: version,
            });
        }
        index(&mut tx, id, version, content).await?;
        tx.exec(
            "UPDATE sops SET title = $1, updated_at = $2 WHERE id = $3 \
             AND $4 = (SELECT MAX(version) FROM sop_versions WHERE sop_id = $3)",
            &args![&content.title, at.0, id.0, version],
        )
        .await?;
        let saved = load_version(&mut tx, id, version).await?;
        finish(tx, events).await?;
        Ok(saved)
    }

    /// Adds the next version as a draft. Errors: [`StoreError::Duplicate`] when a draft or
    /// a version in review exists already; [`StoreError::NotFound`].
    pub async fn add_sop_version(
        &self,
        id: SopId,
        content: &VersionContent,
        author: Option<UserId>,
        at: Timestamp,
        events: &[NewEvent],
    ) -> Result<SopVersion, StoreError> {
        let mut tx = self.write().await?;
        let sop = load(&mut tx, id).await?;
        if matches!(
            sop.latest_status,
            VersionStatus::Draft | VersionStatus::InReview
        ) {
            return Err(StoreError::Duplicate);
        }
        let version = sop.latest_version + 1;
        insert_version(&mut tx, id, version, content, author, at).await?;
        tx.exec(
            "UPDATE sops SET title = $1, updated_at = $2 WHERE id = $3",
            &args![&content.title, at.0, id.0],
        )
        .await?;
        let added = load_version(&mut tx, id, version).await?;
        finish(tx, events).await?;
        Ok(added)
    }

    /// Moves a version from `step.from` to `step.to`, recording who and when. Publishing
    /// retires the version published before and makes this one the SOP's.
    /// Errors: [`StoreError::VersionConflict`] when it is no longer in `step.from`.
    pub async fn move_sop_version(
        &self,
        id: SopId,
        version: i64,
        step: VersionStep,
        events: &[NewEvent],
    ) -> Result<SopVersion, StoreError> {
        let mut tx = self.write().await?;
        let by = step.by.map(|u| u.0);
        let who_col = match step.to {
            VersionStatus::InReview => "submitted_by = $5, submitted_at = $6",
            VersionStatus::Draft => "reviewer_id = $5",
            VersionStatus::Published => "reviewer_id = $5, published_at = $6",
            VersionStatus::Retired => "retired_by = $5, retired_at = $6",
        };
        if step.to == VersionStatus::Published {
            tx.exec(
                "UPDATE sop_versions SET status = 'retired', retired_by = $1, retired_at = $2, updated_at = $2 \
                 WHERE sop_id = $3 AND status = 'published'",
                &args![by, step.at.0, id.0],
            )
            .await?;
        }
        let sql = format!(
            "UPDATE sop_versions SET status = $1, updated_at = $6, {who_col} \
             WHERE sop_id = $2 AND version = $3 AND status = $4"
        );
        let n = tx
            .exec(
                &sql,
                &args![
                    step.to.as_str(),
                    id.0,
                    version,
                    step.from.as_str(),
                    by,
                    step.at.0
                ],
            )
            .await?;
        if n == 0 {
            load_version(&mut tx, id, version).await?;
            return Err(StoreError::VersionConflict {
                entity: "SOP version",
                expected: version,
            });
        }
        let moved = load_version(&mut tx, id, version).await?;
        match step.to {
            VersionStatus::Published => {
                tx.exec(
                    "UPDATE sops SET published_version = $1, review_by = $2, title = $3, updated_at = $4 WHERE id = $5",
                    &args![version, moved.review_by.map(|t| t.0), &moved.title, step.at.0, id.0],
                )
                .await?;
            }
            VersionStatus::Retired => {
                tx.exec(
                    "UPDATE sops SET published_version = NULL, review_by = NULL, updated_at = $1 \
                     WHERE id = $2 AND published_version = $3",
                    &args![step.at.0, id.0, version],
                )
                .await?;
            }
            VersionStatus::Draft | VersionStatus::InReview => {
                tx.exec(
                    "UPDATE sops SET updated_at = $1 WHERE id = $2",
                    &args![step.at.0, id.0],
                )
                .await?;
            }
        }
        finish(tx, events).await?;
        Ok(moved)
    }

    /// Replaces an SOP's links and, when given, its owner.
    /// Errors: [`StoreError::NotFound`]; [`StoreError::MissingReference`] for an unknown owner.
    pub async fn set_sop_links(
        &self,
        id: SopId,
        links: &SopLinks,
        owner: Option<UserId>,
        at: Timestamp,
        events: &[NewEvent],
    ) -> Result<StoredSop, StoreError> {
        let mut tx = self.write().await?;
        load(&mut tx, id).await?;
        write_links(&mut tx, id, links).await?;
        tx.exec(
            "UPDATE sops SET owner_id = COALESCE($1, owner_id), updated_at = $2 WHERE id = $3",
            &args![owner.map(|u| u.0), at.0, id.0],
        )
        .await?;
        let stored = load(&mut tx, id).await?;
        finish(tx, events).await?;
        Ok(stored)
    }
}
