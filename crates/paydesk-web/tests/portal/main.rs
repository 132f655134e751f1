//! The public support portal and the chat API end to end, in-process, on both engines:
//! the form and its protections (form token, honeypot, rate limit, file limits), the
//! signed status link and answering through it, and chat sessions over the API.
//!
//! [`site`] holds the router, a browser with its cookies and address, and multipart forms.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

mod chat;
mod form;
mod multipart;
mod protection;
mod site;
mod status;

use chat::{chat_sessions_over_the_api, idle_sessions_refuse_messages};
use form::{form_renders_with_a_token, sending_opens_one_ticket, wrong_input_keeps_what_was_typed};
use paydesk_testkit::on_both_engines;
use protection::{
    a_staff_session_does_not_break_the_form, form_token_is_required, honeypot_creates_nothing,
    submissions_are_rate_limited,
};
use status::{
    a_closed_request_offers_a_new_one, answering_reopens_a_solved_ticket,
    status_link_shows_public_messages_only, tampered_links_reveal_nothing,
};

on_both_engines!(
    form_renders_with_a_token,
    sending_opens_one_ticket,
    wrong_input_keeps_what_was_typed,
    form_token_is_required,
    honeypot_creates_nothing,
    submissions_are_rate_limited,
    a_staff_session_does_not_break_the_form,
    status_link_shows_public_messages_only,
    answering_reopens_a_solved_ticket,
    tampered_links_reveal_nothing,
    a_closed_request_offers_a_new_one,
    chat_sessions_over_the_api,
    idle_sessions_refuse_messages,
);
