//! Email intake: a customer's mail with card data in its subject, body and a text
//! attachment, sometimes followed by a reply that quotes the card numbers again.

use crate::client::{Call, Client};
use crate::pan;
use axum::http::{Method, StatusCode};
use rand::Rng as _;

fn post(raw: String) -> Call {
    Call::new(Method::POST, "/api/v1/intake/email").raw("message/rfc822", raw.into_bytes())
}

pub async fn ingest(c: &mut Client) {
    // Letters only: a long number in an address or id would itself pass for a card.
    let n: String = (0..12)
        .map(|_| char::from(b'a' + c.rng.random_range(0..26u8)))
        .collect();
    let id = format!("cd{n}@mail.example");
    let subject = if c.rng.random_bool(0.5) {
        let s = pan::subject(&mut c.rng);
        c.tally.masked("subject", &s);
        s.text
    } else {
        pan::plain_subject(&mut c.rng)
    };
    let body = pan::customer_text(&mut c.rng);
    c.tally.masked("body", &body);
    let head = format!(
        "From: buyer{n}@example.com\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n"
    );
    let raw = if c.rng.random_bool(0.3) {
        let notes = pan::customer_text(&mut c.rng);
        c.tally.masked("attachment_content", &notes);
        format!(
            "{head}Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n--b\r\n\
             Content-Type: text/plain; charset=utf-8; name=notes.txt\r\n\
             Content-Disposition: attachment; filename=notes.txt\r\n\r\n{}\r\n--b--\r\n",
            body.text, notes.text
        )
    } else {
        format!(
            "{head}Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            body.text
        )
    };
    c.expect(post(raw), StatusCode::CREATED).await;
    c.tally.tickets += 1;
    if c.rng.random_bool(0.5) {
        let quoted = pan::customer_text(&mut c.rng);
        c.tally.masked("body", &quoted);
        let quote: String = quoted.text.lines().map(|l| format!("> {l}\r\n")).collect();
        let reply = format!(
            "From: buyer{n}@example.com\r\nSubject: Re: your ticket\r\nMessage-ID: <re{id}>\r\n\
             In-Reply-To: <{id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
             Any news?\r\n\r\nOn Monday I wrote:\r\n{quote}"
        );
        c.expect(post(reply), StatusCode::OK).await;
    }
}
