//! Partner teams as stored: who answers escalations, on which calendar, how fast per
//! severity, who works their queue and the reasons tickets are escalated to them.
//!
//! Every change writes its `config_changed` event in the same transaction.

use crate::error::StoreError;
use crate::sql::{Row, Tx, placeholders};
use crate::{Store, args, event};
use paydesk_domain::escalation::{PartnerKind, ResponseTargets};
use paydesk_domain::event::NewEvent;
use paydesk_domain::id::PartnerTeamId;
use paydesk_domain::{Timestamp, UserId};

/// A partner team with its members and reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPartnerTeam {
    pub id: PartnerTeamId,
    pub name: String,
    pub kind: PartnerKind,
    pub calendar_id: Option<i64>,
    pub targets: ResponseTargets,
    pub is_active: bool,
    pub version: i64,
    pub members: Vec<UserId>,
    pub reasons: Vec<StoredReason>,
    pub updated_at: Timestamp,
}

/// One escalation reason of a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReason {
    pub id: i64,
    pub label: String,
    pub is_active: bool,
}

/// A team's settings as an admin saves them. `id` None creates the team; otherwise
/// `expected_version` must match. Members and active reasons are replaced by these lists
/// (reasons no longer listed are retired, never deleted).
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerTeamSetting {
    pub id: Option<PartnerTeamId>,
    pub expected_version: Option<i64>,
    pub name: String,
    pub kind: PartnerKind,
    pub calendar_id: Option<i64>,
    pub targets: ResponseTargets,
    pub is_active: bool,
    pub members: Vec<UserId>,
    pub reasons: Vec<String>,
}

const COLUMNS: &str = "id, name, kind, calendar_id, sev1_minutes, sev2_minutes, sev3_minutes, \
     sev4_minutes, is_active, version, updated_at";

fn team_from_row(r: &Row) -> Result<StoredPartnerTeam, StoreError> {
    Ok(StoredPartnerTeam {
        id: PartnerTeamId(r.i64("id")?),
        name: r.text("name")?,
        kind: r.label("kind")?,
        calendar_id: r.opt_i64("calendar_id")?,
        targets: ResponseTargets {
            sev1_minutes: r.i64("sev1_minutes")?,
            sev2_minutes: r.i64("sev2_minutes")?,
            sev3_minutes: r.i64("sev3_minutes")?,
            sev4_minutes: r.i64("sev4_minutes")?,
        },
        is_active: r.i64("is_active")? == 1,
        version: r.i64("version")?,
        members: Vec::new(),
        reasons: Vec::new(),
        updated_at: Timestamp(r.i64("updated_at")?),
    })
}

/// Fills in members and reasons of `teams`.
async fn complete(tx: &mut Tx, teams: &mut [StoredPartnerTeam]) -> Result<(), StoreError> {
    if teams.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = teams.iter().map(|t| t.id.0).collect();
    let list = placeholders(1, ids.len());
    let values: Vec<_> = ids.iter().flat_map(|id| args![*id]).collect();
    let members = tx
        .rows(
            &format!("SELECT team_id, user_id FROM partner_team_members WHERE team_id IN ({list}) ORDER BY user_id"),
            &values,
        )
        .await?;
    let reasons = tx
        .rows(
            &format!("SELECT id, team_id, label, is_active FROM escalation_reasons WHERE team_id IN ({list}) ORDER BY label, id"),
            &values,
        )
        .await?;
    for team in teams.iter_mut() {
        for m in &members {
            if m.i64("team_id")? == team.id.0 {
                team.members.push(UserId(m.i64("user_id")?));
            }
        }
        for r in &reasons {
            if r.i64("team_id")? == team.id.0 {
                team.reasons.push(StoredReason {
                    id: r.i64("id")?,
                    label: r.text("label")?,
                    is_active: r.i64("is_active")? == 1,
                });
            }
        }
    }
    Ok(())
}

/// One team read inside `tx`. Errors: [`StoreError::NotFound`].
pub(crate) async fn load(tx: &mut Tx, id: PartnerTeamId) -> Result<StoredPartnerTeam, StoreError> {
    let row = tx
        .row(
            &format!("SELECT {COLUMNS} FROM partner_teams WHERE id = $1"),
            &args![id.0],
        )
        .await?
        .ok_or(StoreError::NotFound {
            entity: "partner team",
        })?;
    let mut teams = [team_from_row(&row)?];
    complete(tx, &mut teams).await?;
    let [team] = teams;
    Ok(team)
}

async fn write_team(
    tx: &mut Tx,
    s: &PartnerTeamSetting,
    now: Timestamp,
) -> Result<i64, StoreError> {
    let t = &s.targets;
    let common = args![
        &s.name,
        s.kind.as_str(),
        s.calendar_id,
        t.sev1_minutes,
        t.sev2_minutes,
        t.sev3_minutes,
        t.sev4_minutes,
        i64::from(s.is_active),
        now.0
    ];
    let Some(id) = s.id else {
        return tx
            .insert_id(
                "INSERT INTO partner_teams (name, kind, calendar_id, sev1_minutes, sev2_minutes, sev3_minutes, \
                 sev4_minutes, is_active, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id",
                &common,
            )
            .await;
    };
    let mut values = common.to_vec();
    values.extend(args![id.0]);
    let version_check = match s.expected_version {
        Some(v) => {
            values.extend(args![v]);
            " AND version = $11"
        }
        None => "",
    };
    let sql = format!(
        "UPDATE partner_teams SET name = $1, kind = $2, calendar_id = $3, sev1_minutes = $4, \
         sev2_minutes = $5, sev3_minutes = $6, sev4_minutes = $7, is_active = $8, \
         version = version + 1, updated_at = $9 WHERE id = $10{version_check}"
    );
    let touched = tx.exec(&sql, &values).await?;
    if touched == 0 {
        load(tx, id).await?;
        return Err(StoreError::VersionConflict {
            entity: "partner team",
            expected: s.expected_version.unwrap_or_default(),
        });
    }
    Ok(id.0)
}

async fn write_members_and_reasons(
    tx: &mut Tx,
    id: i64,
    s: &PartnerTeamSetting,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.exec(
        "DELETE FROM partner_team_members WHERE team_id = $1",
        &args![id],
    )
    .await?;
    let mut members = s.members.clone();
    members.sort_unstable();
    members.dedup();
    for user in members {
        tx.exec(
            "INSERT INTO partner_team_members (team_id, user_id) VALUES ($1, $2)",
            &args![id, user.0],
        )
        .await?;
    }
    tx.exec(
        "UPDATE escalation_reasons SET is_active = 0 WHERE team_id = $1",
        &args![id],
    )
    .await?;
    for label in &s.reasons {
        let touched = tx
            .exec(
                "UPDATE escalation_reasons SET is_active = 1 WHERE team_id = $1 AND label = $2",
                &args![id, label],
            )
            .await?;
        if touched == 0 {
            tx.exec(
                "INSERT INTO escalation_reasons (team_id, label, is_active, created_at) VALUES ($1, $2, 1, $3)",
                &args![id, label, now.0],
            )
            .await?;
        }
    }
    Ok(())
}

impl Store {
    /// Creates or changes a partner team with its members and reasons, and appends
    /// `event`. Errors: [`StoreError::Duplicate`] for a name in use,
    /// [`StoreError::VersionConflict`], [`StoreError::NotFound`].
    pub async fn save_partner_team(
        &self,
        setting: &PartnerTeamSetting,
        event: &NewEvent,
        now: Timestamp,
    ) -> Result<StoredPartnerTeam, StoreError> {
        let mut tx = self.write().await?;
        let id = write_team(&mut tx, setting, now).await?;
        write_members_and_reasons(&mut tx, id, setting, now).await?;
        let stored = load(&mut tx, PartnerTeamId(id)).await?;
        event::append(&mut tx, event, None).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Every partner team, by name, with members and reasons.
    pub async fn partner_teams(&self) -> Result<Vec<StoredPartnerTeam>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                &format!("SELECT {COLUMNS} FROM partner_teams ORDER BY name, id"),
                &[],
            )
            .await?;
        let mut teams = rows
            .iter()
            .map(team_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        complete(&mut tx, &mut teams).await?;
        Ok(teams)
    }

    /// One partner team. Errors: [`StoreError::NotFound`].
    pub async fn partner_team(&self, id: PartnerTeamId) -> Result<StoredPartnerTeam, StoreError> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// The teams `user` is a member of.
    pub async fn partner_teams_of(&self, user: UserId) -> Result<Vec<PartnerTeamId>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT team_id FROM partner_team_members WHERE user_id = $1 ORDER BY team_id",
            &args![user.0],
        )
        .await?
        .iter()
        .map(|r| r.i64("team_id").map(PartnerTeamId))
        .collect()
    }
}
