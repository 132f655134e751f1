//! The signed status link: what it shows, answering through it, and what a wrong link
//! shows (nothing).

use crate::site::{Browser, Form, Site, csrf_token, html, request, send_request, status_path};
use axum::http::StatusCode;
use paydesk_app::Caller;
use paydesk_app::portal::SigningKey;
use paydesk_app::tickets::{NewReply, TicketChange};
use paydesk_domain::TicketId;
use paydesk_domain::event::EventKind;
use paydesk_domain::message::{Author, Visibility};
use paydesk_domain::ticket::{Status, TicketPatch};
use paydesk_store::Store;

const PUBLIC_REPLY: &str = "We have refunded the duplicate charge.";
const INTERNAL_NOTE: &str = "Merchant under risk review, do not tell.";

/// Sends a request; returns its status path and ticket id.
async fn opened(browser: &mut Browser<'_>) -> (String, TicketId) {
    let reply = send_request(browser, request("ana@example.com")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let path = status_path(&reply);
    let id = path
        .trim_start_matches("/support/status/")
        .split('.')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (path, TicketId(id))
}

async fn staff_says(site: &Site, id: TicketId, body: &str, visibility: Visibility) {
    let reply = NewReply {
        visibility,
        from_customer: false,
        body: body.into(),
        attachments: vec![],
        expected_version: None,
    };
    site.app
        .add_message(&Caller::system(), id, reply)
        .await
        .unwrap();
}

async fn set_status(site: &Site, id: TicketId, status: Status) {
    let change = TicketChange {
        patch: TicketPatch {
            status: Some(status),
            ..TicketPatch::default()
        },
        expected_version: None,
    };
    site.app
        .change_ticket(&Caller::system(), id, change)
        .await
        .unwrap();
}

pub async fn status_link_shows_public_messages_only(store: Store) {
    let site = Site::new(store);
    let mut browser = Browser::new(&site, "198.51.100.60:40000");
    let (path, id) = opened(&mut browser).await;
    staff_says(&site, id, PUBLIC_REPLY, Visibility::Public).await;
    staff_says(&site, id, INTERNAL_NOTE, Visibility::Internal).await;

    // Read from another browser: the link alone is enough.
    let mut elsewhere = Browser::new(&site, "203.0.113.60:40000");
    let reply = elsewhere.get(&path).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let page = html(&reply);
    assert!(page.contains(&format!("Request PD-{}", id.0)));
    assert!(page.contains("A refund: order ORD-2026-77"));
    assert!(page.contains("My customer was refunded twice for one order."));
    assert!(page.contains(PUBLIC_REPLY));
    assert!(!page.contains(INTERNAL_NOTE), "an internal note is shown");
    assert!(!page.contains("risk review"));
    assert!(
        page.contains("<strong>You</strong>") && page.contains("<strong>Payments Support</strong>")
    );
    assert!(
        page.contains("In progress"),
        "after an answer the request is open"
    );
    assert!(page.contains("name=\"body\""), "the answer form");
    assert_eq!(page.matches("<li class=\"message").count(), 2);
}

pub async fn answering_reopens_a_solved_ticket(store: Store) {
    let site = Site::new(store.clone());
    let mut browser = Browser::new(&site, "198.51.100.61:40000");
    let (path, id) = opened(&mut browser).await;
    staff_says(&site, id, PUBLIC_REPLY, Visibility::Public).await;
    set_status(&site, id, Status::Solved).await;

    let page = browser.get(&path).await;
    assert!(html(&page).contains("Solved"));
    let token = csrf_token(&page);

    // The support form's token does not fit a status page, nor does a missing one.
    let form_token = csrf_token(&browser.get("/support").await);
    for form in [
        Form::new()
            .field("body", "x")
            .field("csrf_token", &form_token),
        Form::new().field("body", "x"),
    ] {
        let reply = browser.post(&path, &form, &[]).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());
    }
    let empty = Form::new().field("body", "  ").field("csrf_token", &token);
    let reply = browser.post(&path, &empty, &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(html(&reply).contains("Write your answer."));
    assert_eq!(store.messages(id).await.unwrap().len(), 2);

    let answer = Form::new()
        .field(
            "body",
            "Still not refunded. My card is 4111 1111 1111 1111.",
        )
        .field("csrf_token", &token)
        .file("bank.txt", "text/plain", b"statement line".to_vec());
    let reply = browser.post(&path, &answer, &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let location = reply.header("location").unwrap().to_string();
    assert_eq!(location, format!("{path}?answered=1"));

    let ticket = store.ticket(id).await.unwrap();
    assert_eq!(
        ticket.status,
        Status::Open,
        "a customer's answer reopens a solved ticket"
    );
    let messages = store.messages(id).await.unwrap();
    let last = messages.last().unwrap();
    assert_eq!(last.visibility, Visibility::Public);
    assert_eq!(
        last.author,
        Author::Customer {
            id: ticket.customer_id
        }
    );
    assert!(last.body.starts_with("Still not refunded."));
    assert!(!last.body.contains("4111 1111 1111 1111"));
    assert_eq!(last.attachments.len(), 1);
    let events = site.events(id).await;
    assert!(events.iter().any(|e| e.kind == EventKind::Reopened));

    let after = browser.get(&location).await;
    assert_eq!(after.status, StatusCode::OK);
    let shown = html(&after);
    assert!(shown.contains("your message was added"));
    assert!(shown.contains("Still not refunded.") && shown.contains("bank.txt"));
}

pub async fn tampered_links_reveal_nothing(store: Store) {
    let site = Site::new(store.clone());
    let mut browser = Browser::new(&site, "198.51.100.62:40000");
    let (path, id) = opened(&mut browser).await;
    let (_, other) = opened(&mut browser).await;
    let token = path.trim_start_matches("/support/status/").to_string();
    let (_, tag) = token.split_once('.').unwrap();
    let mut flipped = tag.to_string();
    let last = flipped.pop().unwrap();
    flipped.push(if last == 'A' { 'B' } else { 'A' });
    let foreign = SigningKey::new(b"some other desk")
        .unwrap()
        .status_token(id);
    let answer_token = csrf_token(&browser.get(&path).await);

    for bad in [
        format!("{}.{flipped}", id.0),
        format!("{}.{tag}", other.0),
        format!("{}", id.0),
        format!("{}.", id.0),
        format!("0{token}"),
        foreign,
        "%FF%FE".to_string(),
        "x".repeat(500),
    ] {
        let uri = format!("/support/status/{bad}");
        let reply = browser.get(&uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        let page = html(&reply);
        assert!(page.contains("This link does not work"), "{uri}");
        assert!(
            !page.contains("PD-") && !page.contains("refund"),
            "{uri} reveals something"
        );
        let form = Form::new()
            .field("body", "hello")
            .field("csrf_token", &answer_token);
        let posted = browser.post(&uri, &form, &[]).await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND, "POST {uri}");
    }
    assert_eq!(store.messages(id).await.unwrap().len(), 1);
    assert_eq!(store.messages(other).await.unwrap().len(), 1);

    // The link outlives the process: the key is kept in the database.
    let restarted = Site::new(store);
    let mut later = Browser::new(&restarted, "198.51.100.62:40000");
    assert_eq!(later.get(&path).await.status, StatusCode::OK);
}

pub async fn a_closed_request_offers_a_new_one(store: Store) {
    let site = Site::new(store.clone());
    let mut browser = Browser::new(&site, "198.51.100.63:40000");
    let (path, id) = opened(&mut browser).await;
    let token = csrf_token(&browser.get(&path).await);
    set_status(&site, id, Status::Solved).await;
    set_status(&site, id, Status::Closed).await;

    let reply = browser.get(&path).await;
    assert_eq!(reply.status, StatusCode::OK);
    let page = html(&reply);
    assert!(page.contains("This request is closed"));
    assert!(page.contains("<a class=\"button\" href=\"/support\">Open a new request</a>"));
    assert!(
        !page.contains("name=\"body\""),
        "no answer form on a closed request"
    );

    let answer = Form::new()
        .field("body", "one more thing")
        .field("csrf_token", &token);
    let reply = browser.post(&path, &answer, &[]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(html(&reply).contains("This request is closed"));
    assert_eq!(store.messages(id).await.unwrap().len(), 1);
}
