//! The leads' overview and the vendors through the services, on both engines: who may
//! read the overview, that its figures follow the filter, and adding vendors (rules,
//! permissions, duplicates).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::{App, AppError, Caller, ManualClock};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::{Timestamp, UserId, VendorId};
use paydesk_store::{OverviewFilter, Store, VendorChoice};
use paydesk_testkit::on_both_engines;
use paydesk_testkit::routing::{queue, tickets};
use std::sync::Arc;

fn person(role: Role, vendor_id: Option<VendorId>) -> Caller {
    Caller::new(
        Principal::User {
            id: UserId(1),
            role,
            vendor_id,
        },
        None,
    )
}

async fn overview_follows_permission_and_filter(store: Store) {
    let clock = Arc::new(ManualClock::at(Timestamp(1_790_000_000_000)));
    let app = App::new(store.clone(), clock);
    let vendor = store.insert_vendor("Acme", Timestamp(1)).await.unwrap();
    let ours = queue(&store, "ours", None).await.unwrap();
    let theirs = queue(&store, "theirs", Some(vendor.id)).await.unwrap();
    tickets(&store, ours, 2, 1_789_999_000_000).await.unwrap();
    tickets(&store, theirs, 1, 1_789_999_000_000).await.unwrap();

    let viewer = person(Role::Viewer, None);
    let all = app
        .overview(&viewer, OverviewFilter::default())
        .await
        .unwrap();
    assert_eq!(all.figures.total().backlog(), 3);
    assert_eq!(all.queues.len(), 2);
    assert!(!all.is_vendor_scoped);
    let only = OverviewFilter {
        business_line: None,
        vendor: Some(VendorChoice::Vendor(vendor.id)),
    };
    let theirs_only = app.overview(&viewer, only).await.unwrap();
    assert_eq!(theirs_only.figures.total().backlog(), 1);

    for role in [Role::Agent, Role::BpoAgent, Role::Partner] {
        let refused = app
            .overview(&person(role, Some(vendor.id)), OverviewFilter::default())
            .await;
        assert!(
            matches!(refused, Err(AppError::Forbidden { .. })),
            "{role:?}: {refused:?}"
        );
    }
}

async fn vendors_are_added_by_admins_once(store: Store) {
    let clock = Arc::new(ManualClock::at(Timestamp(1_790_000_000_000)));
    let app = App::new(store.clone(), clock);
    let admin = person(Role::Admin, None);
    let added = app.add_vendor(&admin, "  Manila BPO ").await.unwrap();
    assert_eq!(added.name, "Manila BPO");
    assert_eq!(app.vendors(&admin).await.unwrap(), vec![added]);
    let again = app.add_vendor(&admin, "Manila BPO").await;
    assert!(matches!(again, Err(AppError::Duplicate(_))), "{again:?}");
    let empty = app.add_vendor(&admin, "   ").await;
    assert!(matches!(empty, Err(AppError::Invalid { .. })), "{empty:?}");
    let lead = person(Role::Lead, None);
    let refused = app.add_vendor(&lead, "Cebu BPO").await;
    assert!(matches!(refused, Err(AppError::Forbidden { .. })));
    assert!(app.vendors(&lead).await.is_err());
    assert_eq!(store.vendors().await.unwrap().len(), 1);
}

on_both_engines!(
    overview_follows_permission_and_filter,
    vendors_are_added_by_admins_once
);
