//! The refund policy as configuration: every version kept, the highest in force. A change
//! is a new version written with its `config_changed` event in one transaction; without
//! any, the domain's defaults apply as version 0.

use crate::error::StoreError;
use crate::sql::Tx;
use crate::{PaymentWork, Store, args, event};
use paydesk_domain::Timestamp;
use paydesk_domain::event::NewEvent;
use paydesk_domain::payment::refund::RefundPolicy;

/// The refund policy in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRefundPolicy {
    /// 0 for the built-in defaults, then 1, 2, ... per change.
    pub version: i64,
    pub policy: RefundPolicy,
    /// When this version was set; `None` for the defaults.
    pub updated_at: Option<Timestamp>,
}

/// The policy in force, read inside `tx`.
pub(crate) async fn current(tx: &mut Tx) -> Result<StoredRefundPolicy, StoreError> {
    let row = tx
        .row(
            "SELECT version, definition, created_at FROM refund_policies ORDER BY version DESC LIMIT 1",
            &[],
        )
        .await?;
    match row {
        None => Ok(StoredRefundPolicy {
            version: 0,
            policy: RefundPolicy::default(),
            updated_at: None,
        }),
        Some(r) => Ok(StoredRefundPolicy {
            version: r.i64("version")?,
            policy: r.json("definition")?,
            updated_at: Some(Timestamp(r.i64("created_at")?)),
        }),
    }
}

impl Store {
    /// The refund policy in force.
    pub async fn refund_policy(&self) -> Result<StoredRefundPolicy, StoreError> {
        let mut tx = self.read().await?;
        current(&mut tx).await
    }

    /// Sets a new version of the refund policy (already validated) with its
    /// `config_changed` event, whose data gains the new `version`. With
    /// `expected_version`, a policy changed since is refused.
    ///
    /// Errors: [`StoreError::VersionConflict`] when the policy in force is not at
    /// `expected_version`, or another change was saved at the same moment.
    pub async fn save_refund_policy(
        &self,
        policy: &RefundPolicy,
        expected_version: Option<i64>,
        event: &NewEvent,
        now: Timestamp,
    ) -> Result<StoredRefundPolicy, StoreError> {
        let mut tx = self.write().await?;
        let in_force = current(&mut tx).await?;
        if let Some(expected) = expected_version
            && expected != in_force.version
        {
            return Err(StoreError::VersionConflict {
                entity: "refund_policy",
                expected,
            });
        }
        let version = in_force.version + 1;
        let definition =
            serde_json::to_string(policy).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let inserted = tx
            .exec(
                "INSERT INTO refund_policies (version, definition, created_at) VALUES ($1, $2, $3)",
                &args![version, definition, now.0],
            )
            .await;
        match inserted {
            Err(StoreError::Duplicate) => {
                return Err(StoreError::VersionConflict {
                    entity: "refund_policy",
                    expected: in_force.version,
                });
            }
            other => other?,
        };
        let mut event = event.clone();
        if let Some(data) = event.data.as_object_mut() {
            data.insert("version".into(), version.into());
        }
        event::append(&mut tx, &event, None).await?;
        tx.commit().await?;
        Ok(StoredRefundPolicy {
            version,
            policy: policy.clone(),
            updated_at: Some(now),
        })
    }
}

impl PaymentWork {
    /// The refund policy in force, as this work sees it.
    pub async fn refund_policy(&mut self) -> Result<StoredRefundPolicy, StoreError> {
        current(&mut self.tx).await
    }
}
