//! The support form: a request with card numbers in the customer's name, the order id,
//! the description, a file's name and a text file's content; then the customer's answer
//! on the status page. Each submission comes from its own address (the form allows a few
//! per address and hour).

use crate::client::{Call, Client};
use crate::pan;
use axum::http::{Method, StatusCode};
use rand::Rng as _;

#[path = "../../portal/multipart.rs"]
mod multipart;

/// A page's form token and the form cookie it set (or the one sent).
fn token_and_cookie(page: &[u8], set_cookie: Option<&str>, cookie: &str) -> (String, String) {
    let html = String::from_utf8_lossy(page);
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a form token") + marker.len();
    let token = html[start..].split('"').next().unwrap().to_string();
    let cookie = set_cookie
        .map(|c| c.split(';').next().unwrap().to_string())
        .unwrap_or_else(|| cookie.to_string());
    (token, cookie)
}

/// `Call::raw` takes a `&'static str`; this is [`multipart::content_type`].
const CONTENT_TYPE: &str = "multipart/form-data; boundary=----paydesk-test-form";

fn post(uri: &str, body: Vec<u8>, cookie: &str, peer: std::net::SocketAddr) -> Call {
    let mut call = Call::new(Method::POST, uri)
        .raw(CONTENT_TYPE, body)
        .header("cookie", cookie.to_string());
    call.peer = Some(peer);
    call
}

pub async fn ingest(c: &mut Client) {
    debug_assert_eq!(multipart::content_type(), CONTENT_TYPE);
    let peer = std::net::SocketAddr::from((
        [
            198,
            18 + c.rng.random_range(0..2u8),
            c.rng.random(),
            c.rng.random(),
        ],
        443,
    ));
    // Letters only, so that no address holds a long run of digits.
    let email: String = (0..16)
        .map(|_| char::from(b'a' + c.rng.random_range(0..26u8)))
        .collect();
    let email = format!("{email}@example.com");

    let page = c.send(Call::get("/support")).await;
    assert_eq!(page.status, StatusCode::OK);
    let (token, cookie) = token_and_cookie(&page.body, page.header("set-cookie"), "");

    let name = pan::customer_name(&mut c.rng);
    c.tally.masked_in_names += name.cards + name.codes;
    let order = pan::card_in_fours(&mut c.rng);
    let description = pan::customer_text(&mut c.rng);
    // The order id goes into the subject and under the description.
    *c.tally.masked_cards.entry("subject").or_default() += 1;
    *c.tally.masked_cards.entry("body").or_default() += 1;
    c.tally.masked("body", &description);
    let file_name = pan::filename(&mut c.rng);
    c.tally.masked("attachment_name", &file_name);
    let statement = pan::customer_text(&mut c.rng);
    c.tally.masked("attachment_content", &statement);
    let binary = [0xff_u8, 0xd8, 0xff, 0x00, 0x10, 0xfe, 0x80];
    let body = multipart::body(
        &[
            ("csrf_token", &token),
            ("email", &email),
            ("name", &name.text),
            ("business_line", "buyer"),
            ("category", "duplicate_charge"),
            ("order_ref", &order),
            ("description", &description.text),
        ],
        &[
            (&file_name.text, "image/png", &binary),
            ("statement.txt", "text/plain", statement.text.as_bytes()),
        ],
    );
    let sent = c.send(post("/support", body, &cookie, peer)).await;
    assert_eq!(sent.status, StatusCode::OK, "the form was refused");
    c.tally.tickets += 1;
    let html = String::from_utf8_lossy(&sent.body).into_owned();
    let at = html.find("/support/status/").expect("a status link");
    let link = html[at..].split('"').next().unwrap().to_string();

    let status = c
        .send(Call::get(&link).header("cookie", cookie.clone()))
        .await;
    assert_eq!(status.status, StatusCode::OK);
    let (token, cookie) = token_and_cookie(&status.body, status.header("set-cookie"), &cookie);
    let answer = pan::customer_text(&mut c.rng);
    c.tally.masked("body", &answer);
    let body = multipart::body(&[("csrf_token", &token), ("body", &answer.text)], &[]);
    let answered = c.send(post(&link, body, &cookie, peer)).await;
    assert_eq!(
        answered.status,
        StatusCode::SEE_OTHER,
        "the answer was refused"
    );
}
