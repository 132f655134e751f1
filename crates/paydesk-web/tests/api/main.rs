//! The JSON API end to end, in-process, on both engines: what a client sees for tickets,
//! messages, the status machine, optimistic concurrency, idempotent creates, listing,
//! card-data masking, customers, health checks and the OpenAPI document.
//!
//! [`client`] holds the requests and assertions every module shares; each other module is
//! one part of the API.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

mod client;
mod customers;
mod health;
mod lifecycle;
mod listing;
mod masking;
mod tickets;

use customers::customers_round_trip;
use health::health_and_openapi;
use lifecycle::ticket_lifecycle;
use listing::listing_filters_and_pages;
use masking::card_data_is_masked;
use paydesk_testkit::on_both_engines;
use tickets::{create_is_idempotent_by_key, unstorable_input_is_refused};

on_both_engines!(
    unstorable_input_is_refused,
    create_is_idempotent_by_key,
    ticket_lifecycle,
    listing_filters_and_pages,
    card_data_is_masked,
    customers_round_trip,
    health_and_openapi,
);
