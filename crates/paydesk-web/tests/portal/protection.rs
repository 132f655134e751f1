//! What keeps the public form from being abused: the form token bound to the browser's
//! cookie, the honeypot, the rate limit per address; and the staff session cookie that
//! must not get in the way.

use crate::site::{Browser, PER_HOUR, Site, csrf_token, html, request, send_request};
use axum::http::{Method, StatusCode};
use paydesk_app::portal::FORM_TOKEN_TTL_MS;
use paydesk_domain::Actor;
use paydesk_domain::Timestamp;
use paydesk_domain::event::EventKind;
use paydesk_store::Store;
use serde_json::json;

fn refused_form(reply: &crate::common::Reply) {
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());
    let page = html(reply);
    assert!(
        page.contains("The form expired or was not sent from this site"),
        "{page}"
    );
    assert!(
        page.contains("value=\"ana@example.com\""),
        "what was typed is kept"
    );
}

pub async fn form_token_is_required(store: Store) {
    let site = Site::new(store);
    let mut browser = Browser::new(&site, "198.51.100.20:40000");
    let page = browser.get("/support").await;
    let token = csrf_token(&page);

    refused_form(
        &browser
            .post("/support", &request("ana@example.com"), &[])
            .await,
    );
    let garbage =
        request("ana@example.com").field("csrf_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    refused_form(&browser.post("/support", &garbage, &[]).await);

    // Another browser's token does not fit this browser's cookie.
    let mut other = Browser::new(&site, "198.51.100.21:40000");
    let theirs = csrf_token(&other.get("/support").await);
    let borrowed = request("ana@example.com").field("csrf_token", &theirs);
    refused_form(&browser.post("/support", &borrowed, &[]).await);

    // Without the cookie the token proves nothing; the answer gives a new cookie and form.
    let saved = browser.cookie("paydesk_form").unwrap().to_string();
    browser.forget_cookies();
    let with_token = request("ana@example.com").field("csrf_token", &token);
    let reply = browser.post("/support", &with_token, &[]).await;
    refused_form(&reply);
    let fresh = csrf_token(&reply);
    assert_ne!(browser.cookie("paydesk_form").unwrap(), saved);

    // Tokens expire.
    browser.set_cookie("paydesk_form", &saved);
    site.clock.advance(FORM_TOKEN_TTL_MS + 1);
    refused_form(&browser.post("/support", &with_token, &[]).await);
    assert_eq!(site.count("tickets").await, 0);
    assert_eq!(
        site.count("portal_submissions").await,
        0,
        "refused posts are not counted"
    );

    // The form shown again with the refusal works.
    browser.forget_cookies();
    let reply = browser.post("/support", &with_token, &[]).await;
    let fresh_again = csrf_token(&reply);
    let ok = request("ana@example.com").field("csrf_token", &fresh_again);
    let reply = browser.post("/support", &ok, &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_ne!(fresh, fresh_again);
    assert_eq!(site.count("tickets").await, 1);
}

pub async fn honeypot_creates_nothing(store: Store) {
    let site = Site::new(store.clone());
    let mut browser = Browser::new(&site, "198.51.100.30:40000");
    let bot = request("bot@example.com").field("website", "https://cheap-pills.example");
    let reply = send_request(&mut browser, bot).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let page = html(&reply);
    assert!(page.contains("We have your request"));
    assert!(!page.contains("PD-") && !page.contains("/support/status/"));
    assert_eq!(site.count("tickets").await, 0);
    assert_eq!(site.count("customers").await, 0);
    assert_eq!(
        store
            .portal_submissions("honeypot", Timestamp(0))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .portal_submissions("ticket", Timestamp(0))
            .await
            .unwrap(),
        0
    );
}

pub async fn submissions_are_rate_limited(store: Store) {
    let site = Site::new(store);
    let mut browser = Browser::new(&site, "198.51.100.40:40000");
    for _ in 0..PER_HOUR {
        let reply = send_request(&mut browser, request("ana@example.com")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let reply = send_request(&mut browser, request("ana@example.com")).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.header("retry-after"), Some("3600"));
    assert!(
        html(&reply).contains("Please try again in 60 minutes."),
        "{}",
        reply.text()
    );
    assert_eq!(site.count("tickets").await, i64::from(PER_HOUR));

    site.clock.advance(30 * 60_000);
    let reply = send_request(&mut browser, request("ana@example.com")).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.header("retry-after"), Some("1800"));

    // Another address has its own count.
    let mut neighbour = Browser::new(&site, "203.0.113.9:40000");
    let reply = send_request(&mut neighbour, request("bo@example.com")).await;
    assert_eq!(reply.status, StatusCode::OK);

    // An hour after the first, a place is free again.
    site.clock.advance(30 * 60_000 + 1);
    let reply = send_request(&mut browser, request("ana@example.com")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(site.count("tickets").await, i64::from(PER_HOUR) + 2);
    assert_eq!(
        site.count("portal_submissions").await,
        i64::from(PER_HOUR) + 2
    );

    // Submissions are forgotten after a week.
    site.clock.advance(8 * Timestamp::DAY);
    let reply = send_request(&mut browser, request("ana@example.com")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(site.count("portal_submissions").await, 1);
}

pub async fn a_staff_session_does_not_break_the_form(store: Store) {
    let site = Site::new(store);
    let mut browser = Browser::new(&site, "198.51.100.50:40000");
    site.signed_in_agent(&mut browser).await;

    // The form works with the session cookie along, and without the session's CSRF header.
    let reply = send_request(&mut browser, request("ana@example.com")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(site.count("tickets").await, 1);
    let ticket = site.only_ticket().await;
    let events = site.events(ticket.id).await;
    let created = events
        .iter()
        .find(|e| e.kind == EventKind::TicketCreated)
        .unwrap();
    assert!(
        matches!(created.actor, Actor::Customer { .. }),
        "the form never acts as the staff member: {:?}",
        created.actor
    );
    assert!(
        browser.cookie("paydesk_session").is_some(),
        "the session is left alone"
    );

    // Elsewhere the session's CSRF rule still holds.
    let api = browser
        .json(
            Method::POST,
            "/api/v1/tickets",
            &json!({ "subject": "x", "body": "y", "business_line": "buyer" }),
            &[],
        )
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert_eq!(api.json()["code"], "csrf_failed");
}
