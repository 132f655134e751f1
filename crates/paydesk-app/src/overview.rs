//! The leads' overview: how much work there is, how old it is and how the SLAs stand, per
//! queue, vendor and business line. A caller scoped to one vendor sees only that vendor's
//! queues, whatever the filter asks.

use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::policy::Action;
use paydesk_store::{Overview, OverviewFilter, Queue, Vendor, VendorChoice};

/// The overview's figures with the names its rows refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadOverview {
    pub figures: Overview,
    /// The filter applied (narrowed to the caller's vendor when they are scoped).
    pub filter: OverviewFilter,
    /// The queues the caller may see, by id.
    pub queues: Vec<Queue>,
    /// The vendors the caller may see, by name.
    pub vendors: Vec<Vendor>,
    /// Whether the caller sees one vendor only (the vendor filter is fixed).
    pub is_vendor_scoped: bool,
}

impl App {
    /// The overview of the tickets `filter` selects, as of now. Needs `report_read`.
    pub async fn overview(
        &self,
        caller: &Caller,
        filter: OverviewFilter,
    ) -> Result<LeadOverview, AppError> {
        caller.require(Action::ReportRead)?;
        let Some(scope) = caller.list_scope() else {
            return Err(AppError::Forbidden {
                action: Action::ReportRead,
            });
        };
        let filter = match scope {
            Some(v) => OverviewFilter {
                vendor: Some(VendorChoice::Vendor(v)),
                ..filter
            },
            None => filter,
        };
        let figures = self.store.overview(&filter, self.clock.now()).await?;
        let mut queues = self.store.queues().await?;
        let mut vendors = self.store.vendors().await?;
        if let Some(v) = scope {
            queues.retain(|q| q.vendor_id == Some(v));
            vendors.retain(|x| x.id == v);
        }
        Ok(LeadOverview {
            figures,
            filter,
            queues,
            vendors,
            is_vendor_scoped: scope.is_some(),
        })
    }
}
