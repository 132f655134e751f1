//! The SOP pages of the console as a browser without JavaScript uses them.

use crate::common::{Api, Call, Person, Reply};
use crate::{a_ticket, desk, published_claim};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use paydesk_store::Store;

async fn get(api: &Api, who: &Person, path: &str) -> Reply {
    let request = Request::get(path)
        .header(header::COOKIE, who.cookie.clone())
        .body(Body::empty())
        .unwrap();
    api.send(request).await
}

async fn html(api: &Api, who: &Person, path: &str) -> String {
    let reply = get(api, who, path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    body(&reply)
}

/// The whole body as text.
fn body(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}

async fn post(
    api: &Api,
    who: &Person,
    path: &str,
    fields: &[(&str, &str)],
    with_csrf: bool,
) -> Reply {
    let mut pairs: Vec<(&str, &str)> = fields.to_vec();
    if with_csrf {
        pairs.push(("csrf_token", who.csrf.as_str()));
    }
    let body = serde_urlencoded::to_string(&pairs).unwrap();
    let request = Request::post(path)
        .header(header::COOKIE, who.cookie.clone())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    api.send(request).await
}

fn location(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    reply.header("location").unwrap().to_string()
}

pub async fn library_and_sop_pages(store: Store) {
    let d = desk(store).await;
    let claim = published_claim(&d).await;

    // The agent sees the SOPs section, the library with the overdue review, and the SOP.
    let home = html(&d.api, &d.agent, "/desk").await;
    assert!(home.contains(">SOPs</a>"), "no SOPs in the nav");
    let library = html(&d.api, &d.agent, "/desk/sops").await;
    assert!(library.contains("Unauthorised charge claim"));
    assert!(library.contains("Review overdue"));
    assert!(
        !library.contains("Write a new SOP"),
        "an agent may not write SOPs"
    );
    let found = html(&d.api, &d.agent, "/desk/sops?q=ledger").await;
    assert!(found.contains("Unauthorised charge claim"));
    let none = html(&d.api, &d.agent, "/desk/sops?q=payout").await;
    assert!(none.contains("No SOP matches."));
    let page = html(&d.api, &d.agent, &format!("/desk/sops/{claim}")).await;
    assert!(
        page.contains("<ol>") && page.contains("Confirm the customer"),
        "{page}"
    );
    assert!(!page.contains("Edit draft"));

    // The lead writes an SOP by form; raw HTML in it is shown as text.
    let reply = post(
        &d.api,
        &d.lead,
        "/desk/sops",
        &[
            ("title", "Payout delayed"),
            (
                "body",
                "<script>alert(1)</script>\n\n1. Check the payout schedule",
            ),
            ("categories", "payout_delayed"),
            ("business_lines", "creator"),
            ("review_by", "2027-01-31"),
        ],
        true,
    )
    .await;
    let at = location(&reply);
    let page = html(&d.api, &d.lead, &at).await;
    assert!(
        page.contains("&lt;script&gt;") && !page.contains("<script>alert"),
        "{page}"
    );
    assert!(page.contains("Edit draft version 1"));
    let no_csrf = post(
        &d.api,
        &d.lead,
        "/desk/sops",
        &[("title", "x"), ("body", "1. y")],
        false,
    )
    .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let empty = post(
        &d.api,
        &d.lead,
        "/desk/sops",
        &[("title", " "), ("body", "1. y")],
        true,
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(body(&empty).contains("Not saved"));
    let bad_date = post(
        &d.api,
        &d.lead,
        "/desk/sops",
        &[("title", "x"), ("body", "1. y"), ("review_by", "soon")],
        true,
    )
    .await;
    assert_eq!(bad_date.status, StatusCode::BAD_REQUEST);
    assert!(body(&bad_date).contains("YYYY-MM-DD"));

    // The links are changed by form.
    let id = at.trim_start_matches("/desk/sops/").to_string();
    let linked = post(
        &d.api,
        &d.lead,
        &format!("/desk/sops/{id}/links"),
        &[
            ("categories", "payout_delayed, transfer_or_payout"),
            ("business_lines", "merchant"),
        ],
        true,
    )
    .await;
    location(&linked);
    let page = html(&d.api, &d.lead, &format!("/desk/sops/{id}")).await;
    assert!(
        page.contains("payout_delayed, transfer_or_payout, merchant"),
        "{page}"
    );
    let bad_line = post(
        &d.api,
        &d.lead,
        &format!("/desk/sops/{id}/links"),
        &[("business_lines", "martian")],
        true,
    )
    .await;
    assert_eq!(bad_line.status, StatusCode::BAD_REQUEST);

    // Sending for review, then the author cannot publish; the second lead can.
    let sent = post(
        &d.api,
        &d.lead,
        &format!("/desk/sops/{id}/versions/1/submit"),
        &[],
        true,
    )
    .await;
    location(&sent);
    let page = html(&d.api, &d.lead, &format!("/desk/sops/{id}")).await;
    assert!(page.contains("another lead or admin reviews and publishes it"));
    let own = post(
        &d.api,
        &d.lead,
        &format!("/desk/sops/{id}/versions/1/publish"),
        &[],
        true,
    )
    .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    location(
        &post(
            &d.api,
            &d.lead2,
            &format!("/desk/sops/{id}/versions/1/publish"),
            &[],
            true,
        )
        .await,
    );
    let page = html(&d.api, &d.agent, &format!("/desk/sops/{id}")).await;
    assert!(page.contains("Version 1 (published)"));

    // The owner sees the overdue review on their home; someone else does not.
    let mine = html(&d.api, &d.lead, "/desk").await;
    assert!(mine.contains("SOPs due for review") && mine.contains("Unauthorised charge claim"));
    assert!(!home.contains("SOPs due for review"));

    // A viewer has no SOPs section.
    let viewer = crate::common::person(
        &d.api,
        &d.app,
        "vic",
        paydesk_domain::role::Role::Viewer,
        None,
    )
    .await;
    let reply = get(&d.api, &viewer, "/desk/sops").await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

pub async fn ticket_panel_ticks_by_form_and_blocks_solving(store: Store) {
    let d = desk(store).await;
    let claim = published_claim(&d).await;
    let r = d
        .lead
        .send(
            &d.api,
            Call::new(
                axum::http::Method::PUT,
                "/api/v1/sop-requirements/unauthorised_charge",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let number = a_ticket(&d, "unauthorised_charge").await;
    let path = format!("/desk/tickets/{number}");

    let page = html(&d.api, &d.agent, &path).await;
    assert!(page.contains("id=\"sops\""));
    assert!(page.contains("Solving is blocked."), "{page}");
    assert!(page.contains("Unauthorised charge claim"));

    let version = |page: &str| {
        let marker = "name=\"version\" value=\"";
        let start = page.find(marker).unwrap() + marker.len();
        page[start..].split('"').next().unwrap().to_string()
    };
    let v = version(&page);
    let blocked = post(
        &d.api,
        &d.agent,
        &format!("{path}/solve"),
        &[("version", &v), ("last_event", "0")],
        true,
    )
    .await;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    assert!(body(&blocked).contains("Not saved"));
    assert!(body(&blocked).contains("Confirm the customer"));

    let reply_and_solve = post(
        &d.api,
        &d.agent,
        &format!("{path}/messages"),
        &[
            ("body", "We have blocked your card."),
            ("visibility", "public"),
            ("status_after", "solved"),
        ],
        true,
    )
    .await;
    assert_eq!(reply_and_solve.status, StatusCode::CONFLICT);
    assert!(
        body(&reply_and_solve).contains("We have blocked your card."),
        "the typed reply is kept"
    );

    let started = post(
        &d.api,
        &d.agent,
        &format!("{path}/sops"),
        &[("sop_id", &claim.to_string())],
        true,
    )
    .await;
    assert!(location(&started).ends_with("#sops"));
    let panel = d
        .agent
        .send(&d.api, Call::get(format!("/api/v1/tickets/{number}/sops")))
        .await
        .json();
    let run_id = panel["runs"][0]["id"].as_i64().unwrap();
    let run_path = format!("{path}/sops/{run_id}");
    let keys = [
        "confirm-the-customer-s-identity",
        "check-the-transaction-in-the-ledger",
        "block-the-card",
    ];
    let ticked = post(
        &d.api,
        &d.agent,
        &run_path,
        &[("done", keys[0]), ("done", keys[1])],
        true,
    )
    .await;
    location(&ticked);
    let page = html(&d.api, &d.agent, &path).await;
    assert!(
        page.contains(&format!("value=\"{}\" checked", keys[0])),
        "{page}"
    );
    assert!(page.contains("1 left"));
    assert!(
        page.contains("started following SOP"),
        "the timeline tells the run"
    );
    assert!(page.contains("ticked the step confirm-the-customer-s-identity"));
    let no_csrf = post(&d.api, &d.agent, &run_path, &[("done", keys[2])], false).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    location(
        &post(
            &d.api,
            &d.agent,
            &run_path,
            &[("done", keys[0]), ("done", keys[1]), ("done", keys[2])],
            true,
        )
        .await,
    );
    let page = html(&d.api, &d.agent, &path).await;
    assert!(page.contains("Checklist complete"));
    assert!(!page.contains("Solving is blocked."));
    let v = version(&page);
    let solved = post(
        &d.api,
        &d.agent,
        &format!("{path}/solve"),
        &[("version", &v), ("last_event", "0")],
        true,
    )
    .await;
    location(&solved);
}
