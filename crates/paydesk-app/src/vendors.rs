//! BPO vendors: the outside companies whose agents work some queues.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::event::EventKind;
use paydesk_domain::policy::Action;
use paydesk_store::{StoreError, Vendor};

/// Longest vendor name, in characters.
const NAME_MAX: usize = 100;

impl App {
    /// Every vendor, by name: for those who manage users or settings.
    pub async fn vendors(&self, caller: &Caller) -> Result<Vec<Vendor>, AppError> {
        Self::require_vendor_access(caller)?;
        Ok(self.store.vendors().await?)
    }

    /// Adds a vendor, recorded on the audit trail. Errors: [`AppError::Invalid`] for an
    /// empty or over-long name; [`AppError::Duplicate`] when the name is taken.
    pub async fn add_vendor(&self, caller: &Caller, name: &str) -> Result<Vendor, AppError> {
        Self::require_vendor_access(caller)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX {
            return Err(AppError::invalid(
                "name",
                format!("1-{NAME_MAX} characters"),
            ));
        }
        crate::tickets::refuse_unstorable("name", name)?;
        let vendor = match self.store.insert_vendor(name, self.clock.now()).await {
            Err(StoreError::Duplicate) => Err(AppError::Duplicate(format!(
                "a vendor named {name} already exists"
            ))),
            other => other.map_err(AppError::from),
        }?;
        let data = serde_json::json!({ "what": "vendor", "change": "created", "id": vendor.id });
        self.audit(caller, EventKind::ConfigChanged, None, data)
            .await?;
        Ok(vendor)
    }

    /// Vendors are settings (`config_manage`) and people belong to them (`user_manage`):
    /// either permission opens them.
    fn require_vendor_access(caller: &Caller) -> Result<(), AppError> {
        if caller.principal.may(Action::UserManage) {
            Ok(())
        } else {
            caller.require(Action::ConfigManage)
        }
    }
}
