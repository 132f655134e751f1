//! The console's macros page and the ticket page's macro picker, as a browser without
//! JavaScript uses them.

use crate::common::{Api, Call, person};
use crate::desk::{get, hidden, html, post, text};
use axum::http::StatusCode;
use paydesk_app::App;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use serde_json::json;

pub async fn the_macros_page_writes_lists_and_explains(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead, None).await;
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let viewer = person(&api, &app, "vic", Role::Viewer, None).await;

    let page = html(&api, &lead, "/desk/macros").await;
    assert!(
        page.contains("href=\"/desk/macros\""),
        "the nav links the page"
    );
    assert!(
        page.contains("<code>{{customer.first_name}}</code>"),
        "placeholder reference"
    );
    assert!(page.contains("name=\"csrf_token\""));
    assert!(page.contains("<label for=\"macro-title\">"));

    let fields = [
        ("title", "Refund issued"),
        ("reply_visibility", "public"),
        (
            "reply_body",
            "Hi {{customer.first_name}}, your refund is on its way.",
        ),
        ("scope", "shared"),
        ("status", "pending"),
        ("tags_add", "refund, macro"),
        ("note", "Refund macro used"),
        ("is_active", "on"),
    ];
    let reply = post(&api, &lead, "/desk/macros", &fields, false).await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "no CSRF field, no change"
    );
    let reply = post(&api, &lead, "/desk/macros", &fields, true).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", text(&reply));
    let page = html(&api, &lead, "/desk/macros").await;
    let row = page.split("class=\"macro-row\"").nth(1).unwrap();
    assert!(
        row.contains("Refund issued") && row.contains("Shared"),
        "{row}"
    );
    assert!(row.contains("<td class=\"num\">0</td>"), "{row}");

    let mut typo = fields.to_vec();
    typo[2] = ("reply_body", "Hi {{customer.nmae}}");
    let reply = post(&api, &lead, "/desk/macros", &typo, true).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let page = text(&reply);
    assert!(
        page.contains("{{customer.nmae}}"),
        "the unknown placeholder is named"
    );
    assert!(
        page.contains("value=\"Refund issued\""),
        "what was typed is kept"
    );

    // An agent keeps personal macros only.
    let page = html(&api, &agent, "/desk/macros").await;
    assert!(!page.contains("value=\"shared\""));
    let reply = post(&api, &agent, "/desk/macros", &fields, true).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", text(&reply));

    // Someone who may not use macros has no Macros page.
    let reply = get(&api, &viewer, "/desk/macros").await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

pub async fn the_ticket_picker_previews_then_applies(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead, None).await;
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let body = json!({ "title": "Ask for the transaction id",
        "reply": { "body": "Please send the transaction id for {{ticket.number}}.", "visibility": "public" },
        "actions": [{ "type": "set_status", "status": "pending" }],
        "scope": { "kind": "shared" } });
    let reply = lead.send(&api, Call::post("/api/v1/macros", body)).await;
    let id = reply.json()["id"].as_i64().unwrap().to_string();
    let t = json!({ "subject": "Unknown charge", "body": "What is this charge?", "business_line": "buyer" });
    let reply = agent.send(&api, Call::post("/api/v1/tickets", t)).await;
    let number = reply.json()["number"].as_str().unwrap().to_string();
    let path = format!("/desk/tickets/{number}");

    let page = html(&api, &agent, &path).await;
    assert!(page.contains("<label for=\"macro-id\">Macro</label>"));
    assert!(page.contains("Ask for the transaction id (shared)"));

    let reply = post(
        &api,
        &agent,
        &format!("{path}/macros/preview"),
        &[("macro_id", &id)],
        true,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", text(&reply));
    let page = text(&reply);
    assert!(page.contains(&format!("Please send the transaction id for {number}.")));
    assert!(
        page.contains("Status: new → pending"),
        "the changes are listed"
    );
    let version = hidden(page.split("id=\"macro-apply\"").nth(1).unwrap(), "version");
    let stored = store
        .ticket(paydesk_domain::ticket::parse_ticket_number(&number).unwrap())
        .await
        .unwrap();
    assert_eq!(
        stored.version.to_string(),
        version,
        "the preview wrote nothing"
    );

    let reply = post(
        &api,
        &agent,
        &format!("{path}/macros/apply"),
        &[("macro_id", &id), ("version", &version)],
        true,
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", text(&reply));
    let page = html(&api, &agent, &path).await;
    assert!(page.contains(&format!("Please send the transaction id for {number}.")));
    // The same preview applied again meets a changed ticket.
    let reply = post(
        &api,
        &agent,
        &format!("{path}/macros/apply"),
        &[("macro_id", &id), ("version", &version)],
        true,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", text(&reply));
    assert!(text(&reply).contains("id=\"conflict\""));
    let reply = post(
        &api,
        &agent,
        &format!("{path}/macros/apply"),
        &[("macro_id", "")],
        true,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);

    let page = html(&api, &lead, "/desk/macros").await;
    let row = page.split("class=\"macro-row\"").nth(1).unwrap();
    assert!(row.contains("<td class=\"num\">1</td>"), "{row}");
}
