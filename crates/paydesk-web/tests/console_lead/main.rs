//! The console's lead and admin pages over HTTP, on both engines: the overview's charts
//! and counts, the agents page, and the settings pages with their forms.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

mod admin;
mod agents;
mod html;
mod overview;
