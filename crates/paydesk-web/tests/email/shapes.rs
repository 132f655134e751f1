//! Our own messages, one per shape: each lands as expected and card data never does.

use crate::common::{Api, Call};
use crate::mails;
use crate::{deliver, post_mail, ticket, ticket_count};
use axum::http::StatusCode;
use paydesk_store::Store;
use serde_json::Value;

const CARD: &str = "4111 1111 1111 1111";
const CARD_DIGITS: &str = "4111111111111111";

fn first_body(t: &Value) -> String {
    t["messages"][0]["body"].as_str().unwrap().to_string()
}

fn attachment<'a>(t: &'a Value, name: &str) -> &'a Value {
    t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().unwrap())
        .find(|a| a["filename"] == name)
        .unwrap_or_else(|| panic!("no attachment {name}: {t}"))
}

async fn download(api: &Api, number: &str, attachment: &Value) -> Vec<u8> {
    let id = attachment["id"].as_i64().unwrap();
    let reply = api
        .send(Call::get(format!("/api/v1/tickets/{number}/attachments/{id}")).into_request())
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.content_type(), "application/octet-stream");
    assert!(
        reply
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    reply.body.to_vec()
}

async fn opened(api: &Api, raw: impl Into<Vec<u8>>) -> Value {
    let receipt = deliver(api, raw).await;
    assert_eq!(receipt["outcome"], "opened", "{receipt}");
    ticket(api, receipt["ticket"].as_str().unwrap()).await
}

pub async fn each_shape_lands_as_expected(store: Store) {
    let api = Api::new(store);

    let t = opened(
        &api,
        mails::plain(
            "dana@example.com",
            "p1@x",
            "Charged twice",
            "I was charged twice.",
        ),
    )
    .await;
    assert_eq!(t["subject"], "Charged twice");
    assert_eq!(t["channel"], "email");
    assert!(
        t["customer_id"].is_i64(),
        "the sender becomes a customer: {t}"
    );
    assert!(first_body(&t).contains("charged twice"));

    let t = opened(&api, mails::alternative("alt@example.com", "a1@x")).await;
    assert!(first_body(&t).contains("Plain part"), "{t}");
    let html = attachment(&t, "message.html");
    let number = t["number"].as_str().unwrap();
    assert!(
        String::from_utf8(download(&api, number, html).await)
            .unwrap()
            .contains("<b>refund</b>")
    );

    let t = opened(&api, mails::html_only("html@example.com", "h1@x")).await;
    let body = first_body(&t);
    assert!(
        body.contains("never arrived") && !body.contains("<p>") && !body.contains("alert"),
        "{body}"
    );
    attachment(&t, "message.html");

    let t = opened(
        &api,
        mails::nested_with_attachments("nest@example.com", "n1@x", CARD),
    )
    .await;
    let number = t["number"].as_str().unwrap().to_string();
    let pdf = attachment(&t, "receipt.pdf");
    assert_eq!(pdf["size_bytes"], 27);
    assert_eq!(pdf["content_type"], "application/pdf");
    assert_eq!(
        download(&api, &number, pdf).await,
        b"%PDF-1.4 fake receipt bytes"
    );
    let notes =
        String::from_utf8(download(&api, &number, attachment(&t, "notes.txt")).await).unwrap();
    assert!(!notes.contains(CARD) && notes.contains("1111"), "{notes}");

    let t = opened(&api, mails::latin1("latin@example.com", "l1@x")).await;
    assert_eq!(t["subject"], "Café déjà payé");
    assert!(first_body(&t).contains("déjà payé deux fois"), "{t}");

    let t = opened(&api, mails::encoded_subject("enc@example.com", "e1@x")).await;
    assert_eq!(t["subject"], "Rückbuchung ✓");

    // A reply quoting the original, with a card number in it.
    let body = format!(
        "Here it is again.\r\n\r\n> On Monday you wrote:\r\n> my card {CARD} was charged twice"
    );
    let receipt = deliver(
        &api,
        mails::reply(
            "dana@example.com",
            "p2@x",
            "p1@x",
            "Re: Charged twice",
            &body,
        ),
    )
    .await;
    assert_eq!(receipt["outcome"], "replied", "{receipt}");
    let t = ticket(&api, receipt["ticket"].as_str().unwrap()).await;
    let last = t["messages"].as_array().unwrap().last().unwrap().clone();
    let text = last["body"].as_str().unwrap();
    assert!(
        text.contains("Here it is again")
            && !text.contains(CARD)
            && !text.replace(' ', "").contains(CARD_DIGITS),
        "{text}"
    );
    assert_eq!(last["author"]["kind"], "customer");
}

pub async fn unreadable_mail_is_kept_raw_on_a_ticket(store: Store) {
    let api = Api::new(store);
    let raw = b"\x00\x01binary junk 4111 1111 1111 1111 \xff\xfe".to_vec();
    let receipt = deliver(&api, raw.clone()).await;
    assert_eq!(receipt["outcome"], "kept_raw", "{receipt}");
    assert!(receipt["reason"].as_str().unwrap().len() > 3);
    let number = receipt["ticket"].as_str().unwrap().to_string();
    let t = ticket(&api, &number).await;
    assert!(
        t["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("mail-unreadable"))
    );
    assert!(first_body(&t).contains("could not read"));
    let original = download(&api, &number, attachment(&t, "original.eml")).await;
    let original = String::from_utf8(original).unwrap();
    assert!(
        original.contains("binary junk") && !original.contains(CARD),
        "{original}"
    );
    // Delivered again: the same ticket, nothing new.
    let again = deliver(&api, raw).await;
    assert_eq!(again["outcome"], "duplicate");
    assert_eq!(again["ticket"], Value::from(number));
    // An empty message is unreadable too, and kept.
    assert_eq!(deliver(&api, b"\r\n".to_vec()).await["outcome"], "kept_raw");
}

pub async fn intake_needs_credentials_and_a_mail(store: Store) {
    let api = Api::new(store);
    let before = ticket_count(&api).await;
    let wrong_type = api
        .send(
            axum::http::Request::post("/api/v1/intake/email")
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let bad_token = api
        .send(
            axum::http::Request::post("/api/v1/intake/email")
                .header("content-type", "message/rfc822")
                .header("authorization", "Bearer pd_nope_nope")
                .body(axum::body::Body::from(mails::plain(
                    "a@b.c", "x@y", "s", "b",
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(bad_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(ticket_count(&api).await, before);
    let ok = post_mail(&api, mails::plain("a@b.c", "x@y", "s", "b")).await;
    assert_eq!(ok.status, StatusCode::CREATED);
}
