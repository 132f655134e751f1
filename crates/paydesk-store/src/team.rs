//! Teams: the in-house, vendor and partner groups agents belong to.

use crate::error::StoreError;
use crate::sql::Row;
use crate::{Store, args, event};
use paydesk_domain::event::NewEvent;
use paydesk_domain::routing::TeamKind;
use paydesk_domain::{TeamId, Timestamp, VendorId};

/// A team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub kind: TeamKind,
    pub vendor_id: Option<VendorId>,
    pub calendar_id: Option<i64>,
}

/// Input for a new team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTeam {
    pub name: String,
    pub kind: TeamKind,
    pub vendor_id: Option<VendorId>,
    pub calendar_id: Option<i64>,
}

fn team_from(row: &Row) -> Result<Team, StoreError> {
    Ok(Team {
        id: TeamId(row.i64("id")?),
        name: row.text("name")?,
        kind: row.label("kind")?,
        vendor_id: row.opt_i64("vendor_id")?.map(VendorId),
        calendar_id: row.opt_i64("calendar_id")?,
    })
}

impl Store {
    /// Creates a team, appending `event` in the same transaction. Errors:
    /// [`StoreError::Duplicate`] when the name is taken; [`StoreError::MissingReference`]
    /// for an unknown vendor or calendar.
    pub async fn insert_team(
        &self,
        t: &NewTeam,
        at: Timestamp,
        event: &NewEvent,
    ) -> Result<Team, StoreError> {
        let mut tx = self.write().await?;
        let id = tx
            .insert_id(
                "INSERT INTO teams (name, kind, vendor_id, calendar_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &args![&t.name, t.kind.as_str(), t.vendor_id.map(VendorId::get), t.calendar_id, at.0],
            )
            .await?;
        event::append(&mut tx, event, None).await?;
        tx.commit().await?;
        Ok(Team {
            id: TeamId(id),
            name: t.name.clone(),
            kind: t.kind,
            vendor_id: t.vendor_id,
            calendar_id: t.calendar_id,
        })
    }

    /// Every team, by name.
    pub async fn teams(&self) -> Result<Vec<Team>, StoreError> {
        let mut tx = self.read().await?;
        tx.rows(
            "SELECT id, name, kind, vendor_id, calendar_id FROM teams ORDER BY name",
            &[],
        )
        .await?
        .iter()
        .map(team_from)
        .collect()
    }
}
