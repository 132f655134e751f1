//! Sign-in, sessions, CSRF and API tokens over HTTP, in-process, on both engines.
//!
//! The routes and the authentication layer are mounted on a router built here ([`client`])
//! rather than the application's, so these tests pin the layer's own behaviour: cookie
//! flags, CSRF on unsafe cookie requests, 401s without credentials, lock-out answers,
//! tokens shown once and stored hashed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

mod client;
mod csrf;
mod openapi;
mod session;
mod tokens;

use csrf::{bearer_requests_need_no_csrf, csrf_is_required_on_unsafe_cookie_requests};
use paydesk_testkit::on_both_engines;
use session::{
    brute_force_is_refused_with_retry_after, requests_without_credentials_are_refused,
    sign_in_sets_a_hardened_cookie, sign_out_ends_this_session_or_all,
};
use tokens::{tokens_are_admin_only, tokens_are_shown_once_and_stored_hashed};

on_both_engines!(
    sign_in_sets_a_hardened_cookie,
    requests_without_credentials_are_refused,
    brute_force_is_refused_with_retry_after,
    sign_out_ends_this_session_or_all,
    csrf_is_required_on_unsafe_cookie_requests,
    bearer_requests_need_no_csrf,
    tokens_are_shown_once_and_stored_hashed,
    tokens_are_admin_only,
);
