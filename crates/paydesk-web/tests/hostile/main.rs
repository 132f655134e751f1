//! Hostile input, generated: well over a thousand malformed or adversarial requests across
//! every route and method, on both engines. Whatever a client sends, the answer is never a
//! 5xx, and every refusal is a problem document with a stable `code` and a `detail`.
//!
//! The generator is seeded, so a failure names a request that the next run sends again.
//!
//! [`run`] sends and checks; [`target`] knows each writing route and a body it accepts;
//! [`values`], [`queries`] and [`mangle`] are the hostile material; each family of attack
//! lives in its own module ([`routes`], [`bodies`], [`contents`], [`headers`], [`state`],
//! [`random`]).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

mod bodies;
mod contents;
mod headers;
mod mangle;
mod queries;
mod random;
mod rng;
mod routes;
mod run;
mod state;
mod target;
mod values;

use axum::http::Method;
use common::Api;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use run::{Case, setup};
use std::time::Instant;

/// Requests per engine must reach this many.
const AT_LEAST: usize = 1_500;

async fn hostile_requests_never_get_a_5xx(store: Store) {
    let started = Instant::now();
    let engine = store.engine().name();
    let mut run = setup(Api::new(store)).await;
    run.methods().await;
    run.wrong_types().await;
    run.shapes().await;
    run.unicode().await;
    run.sizes().await;
    run.headers().await;
    run.paths().await;
    run.queries().await;
    run.transitions().await;
    run.races().await;
    let budget = run.tally.sent.max(AT_LEAST) + 300;
    run.random(budget).await;

    let tally = &run.tally;
    let server_errors = tally.server_errors();
    println!(
        "hostile ({engine}): {} requests, {server_errors} server errors, statuses {{{}}} in {:.1} s",
        tally.sent,
        tally.statuses(),
        started.elapsed().as_secs_f64()
    );
    assert!(tally.sent >= AT_LEAST, "only {} requests sent", tally.sent);
    assert!(
        tally.failures.is_empty(),
        "{} bad answers:\n{}",
        tally.failures.len(),
        tally
            .failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(server_errors, 0);
    // The hostile run must not have made the service unusable.
    let ok = run
        .send(Case::new("after", Method::GET, "/api/v1/tickets?limit=1"))
        .await
        .unwrap();
    assert!(ok.status.is_success());
}

on_both_engines!(hostile_requests_never_get_a_5xx);
