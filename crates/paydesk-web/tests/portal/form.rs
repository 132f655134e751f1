//! The support form: how it renders, what sending it stores, and how wrong input is shown.

use crate::site::{Browser, Form, Site, csrf_token, html, request, send_request, status_path};
use axum::http::StatusCode;
use paydesk_app::portal::CATEGORIES;
use paydesk_domain::Actor;
use paydesk_domain::event::EventKind;
use paydesk_domain::message::Author;
use paydesk_domain::ticket::{BusinessLine, Channel, ticket_number};
use paydesk_store::{CustomerFilter, PageRequest, Store};

const PAGE: PageRequest = PageRequest {
    limit: 50,
    cursor: None,
};

/// The ids of the form controls a person fills in (every one needs a label).
fn control_ids(page: &str) -> Vec<String> {
    let mut ids = vec![];
    for tag in ["<input", "<select", "<textarea"] {
        for part in page.split(tag).skip(1) {
            let element = part.split('>').next().unwrap();
            if element.contains("type=\"hidden\"") {
                continue;
            }
            let id = element
                .split("id=\"")
                .nth(1)
                .unwrap_or_else(|| panic!("a control without an id: {tag}{element}>"));
            ids.push(id.split('"').next().unwrap().to_string());
        }
    }
    ids
}

pub async fn form_renders_with_a_token(store: Store) {
    let site = Site::new(store);
    let mut browser = Browser::new(&site, "198.51.100.7:40000");
    let reply = browser.get("/support").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "text/html; charset=utf-8");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let cookie = reply.header("set-cookie").unwrap();
    for part in [
        "paydesk_form=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/support",
    ] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let token = csrf_token(&reply);
    assert!(token.len() > 20, "{token}");
    let page = html(&reply);

    let ids = control_ids(&page);
    for id in [
        "email",
        "name",
        "line-buyer",
        "line-merchant",
        "line-creator",
        "category",
        "order_ref",
        "description",
        "attachments",
        "website",
    ] {
        assert!(ids.contains(&id.to_string()), "no control {id}");
    }
    for id in &ids {
        assert!(
            page.contains(&format!("<label for=\"{id}\"")),
            "no label for {id}"
        );
    }
    assert!(
        page.contains("<legend>You are"),
        "the business line is a fieldset"
    );
    assert!(page.contains("enctype=\"multipart/form-data\""));
    assert!(page.contains("<html lang=\"en\">") && page.contains("name=\"viewport\""));
    for c in CATEGORIES {
        assert!(
            page.contains(&format!(
                "<option value=\"{}\">{}</option>",
                c.key,
                c.label.replace('\'', "&#39;")
            )),
            "{}",
            c.key
        );
    }
    // The honeypot is out of sight and out of the tab order.
    let trap = page.split("class=\"trap\"").nth(1).unwrap();
    assert!(trap.starts_with(" aria-hidden=\"true\""));
    assert!(
        trap.split("</div>")
            .next()
            .unwrap()
            .contains("tabindex=\"-1\"")
    );
    // Nothing is loaded from elsewhere, and nothing needs a script.
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("<script"));
    assert!(page.contains("href=\"/support/portal.css\""));

    let style = browser.get("/support/portal.css").await;
    assert_eq!(style.status, StatusCode::OK);
    assert_eq!(style.content_type(), "text/css; charset=utf-8");
    assert!(html(&style).contains(":focus-visible"));

    // The browser keeps its cookie: no new one on the next visit.
    let again = browser.get("/support").await;
    assert!(again.header("set-cookie").is_none());
}

pub async fn sending_opens_one_ticket(store: Store) {
    let site = Site::new(store.clone());
    let mut browser = Browser::new(&site, "198.51.100.7:40000");
    let text = b"Receipt: paid with 5500 0000 0000 0004 on 1 Sep.".to_vec();
    let png: Vec<u8> = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]
        .into_iter()
        .chain((0..292u16).map(|i| (i % 251) as u8))
        .collect();
    let form = request("Ana@Example.com")
        .field(
            "description",
            "Refunded twice. The card was 4111 1111 1111 1111, exp 12/29.",
        )
        .file("receipt.txt", "text/plain", text.clone())
        .file("screen.png", "image/png", png.clone());
    let reply = send_request(&mut browser, form).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(site.count("tickets").await, 1);
    assert_eq!(site.count("customers").await, 1);

    let ticket = site.only_ticket().await;
    let customers = store
        .list_customers(
            &CustomerFilter {
                email: Some("ana@example.com".into()),
                ..CustomerFilter::default()
            },
            &PAGE,
        )
        .await
        .unwrap()
        .items;
    assert_eq!(customers.len(), 1);
    let customer = &customers[0];
    assert_eq!(customer.name, "Ana Souza");
    assert_eq!(customer.business_line, BusinessLine::Merchant);
    assert_eq!(ticket.customer_id, Some(customer.id));
    assert_eq!(ticket.channel, Channel::Web);
    assert_eq!(ticket.business_line, BusinessLine::Merchant);
    assert_eq!(ticket.category.as_deref(), Some("refund"));
    assert_eq!(ticket.subject, "A refund: order ORD-2026-77");

    let page = html(&reply);
    assert!(page.contains(&ticket_number(ticket.id)), "{page}");
    let link = status_path(&reply);
    assert!(
        link.starts_with(&format!("/support/status/{}.", ticket.id.0)),
        "{link}"
    );

    let messages = store.messages(ticket.id).await.unwrap();
    assert_eq!(messages.len(), 1);
    let first = &messages[0];
    assert_eq!(
        first.author,
        Author::Customer {
            id: Some(customer.id)
        }
    );
    assert!(
        !first.body.contains("4111 1111 1111 1111"),
        "{}",
        first.body
    );
    assert!(first.body.contains("Refunded twice."));
    assert!(first.body.ends_with("Order or transaction id: ORD-2026-77"));
    assert_eq!(first.attachments.len(), 2);
    for a in &first.attachments {
        assert!(a.has_content);
        assert!(
            page.contains(&format!(
                "{} <span class=\"size\">({} bytes)</span>",
                a.filename, a.size_bytes
            )),
            "{} not listed with its size",
            a.filename
        );
        let (_, bytes) = store
            .attachment_content(ticket.id, a.id.unwrap())
            .await
            .unwrap()
            .unwrap();
        match a.filename.as_str() {
            "screen.png" => assert_eq!(bytes, png),
            "receipt.txt" => {
                let kept = String::from_utf8(bytes).unwrap();
                assert!(!kept.contains("5500 0000 0000 0004"), "{kept}");
                assert!(kept.starts_with("Receipt: paid with "));
            }
            other => panic!("unexpected attachment {other}"),
        }
    }

    let events = site.events(ticket.id).await;
    let created = events
        .iter()
        .find(|e| e.kind == EventKind::TicketCreated)
        .unwrap();
    assert_eq!(created.actor, Actor::Customer { id: customer.id });
    assert!(events.iter().any(|e| e.kind == EventKind::Redacted));

    // The same email, written otherwise, is the same customer.
    let again = send_request(&mut browser, request(" ANA@example.com ")).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert_eq!(site.count("tickets").await, 2);
    assert_eq!(site.count("customers").await, 1);
}

pub async fn wrong_input_keeps_what_was_typed(store: Store) {
    let site = Site::new(store);
    let mut browser = Browser::new(&site, "198.51.100.8:40000");

    let reply = send_request(
        &mut browser,
        request("ana@example.com").without("description"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let page = html(&reply);
    assert!(page.contains("There is a problem"));
    assert!(
        page.contains("<a href=\"#description\">Tell us what happened.</a>"),
        "{page}"
    );
    assert!(
        page.contains("aria-invalid=\"true\">"),
        "the field is marked"
    );
    assert!(
        page.contains("value=\"ana@example.com\""),
        "the email is kept"
    );
    assert!(
        page.contains("value=\"merchant\" checked"),
        "the choice is kept"
    );
    assert!(page.contains("<option value=\"refund\" selected>"));

    let reply = send_request(&mut browser, request("ana-at-example")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(html(&reply).contains("Enter an email address like name@example.com."));

    let reply = send_request(
        &mut browser,
        request("ana@example.com").without("business_line"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(html(&reply).contains("<a href=\"#business_line\">"));

    let big = vec![b'x'; 5 * 1024 * 1024 + 1];
    let reply = send_request(
        &mut browser,
        request("ana@example.com").file("scan.pdf", "application/pdf", big),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let page = html(&reply);
    assert!(page.contains("“scan.pdf” is larger than 5 MB"), "{page}");
    assert!(page.contains("attach them again"));

    let mut six = request("ana@example.com");
    for i in 0..6 {
        six = six.file(&format!("f{i}.txt"), "text/plain", b"hello".to_vec());
    }
    let reply = send_request(&mut browser, six).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(html(&reply).contains("Attach at most 5 files."));

    let mut heavy = request("ana@example.com");
    for i in 0..3 {
        heavy = heavy.file(
            &format!("p{i}.pdf"),
            "application/pdf",
            vec![b'y'; 4 * 1024 * 1024],
        );
    }
    let reply = send_request(&mut browser, heavy).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(html(&reply).contains("larger than 10 MB"));

    let huge = Form::new().file(
        "all.bin",
        "application/octet-stream",
        vec![0; 25 * 1024 * 1024],
    );
    let reply = browser.post("/support", &huge, &[]).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(html(&reply).contains("too large"));

    let reply = site
        .send_from(
            "198.51.100.8:40000",
            axum::http::Request::post("/support")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from("email=a%40b.c"))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(html(&reply).contains("The form could not be read"));
    for (content_type, body) in [
        ("multipart/form-data", &b"--x\r\n"[..]),
        ("multipart/form-data; boundary=x", &b"\xff\xfe garbage"[..]),
        (
            "multipart/form-data; boundary=x",
            &b"--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--x"[..],
        ),
    ] {
        let request = axum::http::Request::post("/support")
            .header("content-type", content_type)
            .body(axum::body::Body::from(body))
            .unwrap();
        let reply = site.send_from("198.51.100.8:40000", request).await;
        assert!(
            reply.status.is_client_error(),
            "{content_type}: {}",
            reply.status
        );
    }
    for method in ["PUT", "DELETE", "PATCH"] {
        let request = axum::http::Request::builder()
            .method(method)
            .uri("/support")
            .body(axum::body::Body::empty())
            .unwrap();
        let reply = site.send_from("198.51.100.8:40000", request).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }

    assert_eq!(site.count("tickets").await, 0);
    assert_eq!(site.count("customers").await, 0);
}
