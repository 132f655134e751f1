//! Work lists as the console shows them: any ticket filter, most urgent first, within
//! what the caller may see; and each person's saved views of them.

use super::person;
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::policy::Action;
use paydesk_domain::redaction::redact;
use paydesk_store::{Page, PageRequest, SavedView, TicketFilter, WorkRow};

/// Longest name of a saved view, in characters.
const VIEW_NAME_MAX: usize = 60;
/// Longest query of a saved view, in bytes.
const VIEW_QUERY_MAX: usize = 2_000;
/// Most saved views per person.
const VIEWS_MAX: usize = 50;

impl App {
    /// Tickets matching `filter`, most urgent first (a BPO agent: only in their vendor's
    /// queues).
    pub async fn work_list(
        &self,
        caller: &Caller,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> Result<Page<WorkRow>, AppError> {
        caller.require(Action::TicketRead)?;
        let Some(vendor) = caller.list_scope() else {
            return Ok(Page {
                items: vec![],
                next_cursor: None,
            });
        };
        let mut filter = filter.clone();
        if vendor.is_some() {
            filter.vendor_id = vendor;
        }
        for (field, text) in [
            ("category", filter.category.as_deref()),
            ("q", filter.text.as_deref()),
            ("q", filter.payment_ref.as_deref()),
        ] {
            if text.is_some_and(|t| t.contains('\0')) {
                return Err(AppError::invalid(field, "must not contain NUL characters"));
            }
        }
        Ok(self.store.urgent_tickets(&filter, page).await?)
    }

    /// The caller's saved views, by name.
    pub async fn saved_views(&self, caller: &Caller) -> Result<Vec<SavedView>, AppError> {
        caller.require(Action::TicketRead)?;
        Ok(self.store.saved_views(person(caller)?).await?)
    }

    /// Saves the caller's view `name` (replacing one of the same name). Card data in the
    /// name or query is masked before it is kept.
    pub async fn save_view(
        &self,
        caller: &Caller,
        name: &str,
        query: &str,
    ) -> Result<SavedView, AppError> {
        caller.require(Action::TicketRead)?;
        let me = person(caller)?;
        let name = redact(name.trim()).text;
        if name.is_empty() || name.chars().count() > VIEW_NAME_MAX || name.contains('\0') {
            return Err(AppError::invalid(
                "name",
                format!("give the view a name of 1 to {VIEW_NAME_MAX} characters"),
            ));
        }
        let query = redact(query.trim().trim_start_matches('?')).text;
        if query.len() > VIEW_QUERY_MAX || query.contains('\0') {
            return Err(AppError::invalid(
                "query",
                format!("a view's filter is at most {VIEW_QUERY_MAX} characters"),
            ));
        }
        let existing = self.store.saved_views(me).await?;
        if existing.len() >= VIEWS_MAX && !existing.iter().any(|v| v.name == name) {
            return Err(AppError::invalid(
                "name",
                format!("you have {VIEWS_MAX} saved views; delete one first"),
            ));
        }
        Ok(self
            .store
            .save_view(me, &name, &query, self.clock.now())
            .await?)
    }

    /// Deletes the caller's view `id`. Errors: [`AppError::NotFound`] when the caller
    /// has no such view.
    pub async fn delete_view(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        caller.require(Action::TicketRead)?;
        if self.store.delete_view(person(caller)?, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound {
                entity: "saved view",
            })
        }
    }
}
