//! Staff user use cases.

use crate::error::AppError;
use crate::password;
use crate::{App, Caller};
use paydesk_domain::VendorId;
use paydesk_domain::customer::normalize_email;
use paydesk_domain::policy::Action;
use paydesk_domain::role::Role;
use paydesk_store::{NewUser, StoreError, User};

impl App {
    /// Adds a staff user with a password (hashed with Argon2id). A BPO agent must name its
    /// vendor. Errors: [`AppError::Invalid`], [`AppError::Duplicate`] for a taken email.
    pub async fn add_user(
        &self,
        caller: &Caller,
        email: &str,
        name: &str,
        role: Role,
        vendor_id: Option<VendorId>,
        password: Option<&str>,
    ) -> Result<User, AppError> {
        caller.require(Action::UserManage)?;
        let email = normalize_email(email)
            .map_err(|_| AppError::invalid("email", "not an email address"))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("name", "must not be empty"));
        }
        if role == Role::BpoAgent && vendor_id.is_none() {
            return Err(AppError::invalid(
                "vendor",
                "a bpo_agent belongs to a vendor; name it",
            ));
        }
        let password_hash = match password {
            Some(p) => {
                password::check_strength(p)?;
                Some(password::hash(p)?)
            }
            None => None,
        };
        let user = NewUser {
            email: email.clone(),
            name: name.to_string(),
            role,
            vendor_id,
            password_hash,
        };
        let user = match self.store.insert_user(&user, self.clock.now()).await {
            Err(StoreError::Duplicate) => Err(AppError::Duplicate(format!(
                "a user with email {email} already exists"
            ))),
            other => other.map_err(AppError::from),
        }?;
        let data = serde_json::json!({ "what": "user", "change": "created", "id": user.id, "role": user.role, "vendor": user.vendor_id });
        self.audit(
            caller,
            paydesk_domain::event::EventKind::ConfigChanged,
            None,
            data,
        )
        .await?;
        Ok(user)
    }
}

impl App {
    /// Every staff user, by id. Errors: [`AppError::Forbidden`] without `user_manage`.
    pub async fn users(&self, caller: &Caller) -> Result<Vec<User>, AppError> {
        caller.require(Action::UserManage)?;
        Ok(self.store.users().await?)
    }
}
