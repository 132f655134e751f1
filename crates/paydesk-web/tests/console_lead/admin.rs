//! The settings pages: an admin adds a user and a vendor through the forms, creates a
//! token that is shown once and revokes it; what was typed wrong comes back as a 400 with
//! the form; anyone else gets 403 on every page.

use crate::common::{Api, Call, person};
use crate::html::{page, post_form};
use axum::http::StatusCode;
use paydesk_app::App;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;

const PAGES: [&str; 7] = [
    "/desk/admin",
    "/desk/admin/queues",
    "/desk/admin/users",
    "/desk/admin/vendors",
    "/desk/admin/calendars",
    "/desk/admin/sla",
    "/desk/admin/tokens",
];

async fn admin_manages_users_vendors_and_tokens(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let admin = person(&api, &app, "sam", Role::Admin, None).await;
    for uri in PAGES {
        let reply = admin.send(&api, Call::get(uri)).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    }
    let index = page(&admin.send(&api, Call::get("/desk/admin")).await);
    assert!(index.contains("href=\"/desk/admin/tokens\""));

    let reply = post_form(
        &api,
        &admin,
        "/desk/admin/vendors",
        &[("name", "Manila <BPO>")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let vendors = page(&admin.send(&api, Call::get("/desk/admin/vendors")).await);
    assert!(vendors.contains("<th scope=\"row\">Manila &#60;BPO&#62;</th>"));
    let again = post_form(
        &api,
        &admin,
        "/desk/admin/vendors",
        &[("name", "Manila <BPO>")],
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a name is taken once");
    assert!(page(&again).contains("error-summary"));
    let vendor = store.vendors().await.unwrap()[0].id;

    let vendor_id = vendor.to_string();
    let user = [
        ("email", "bea@vendor.example"),
        ("name", "Bea"),
        ("role", "bpo_agent"),
        ("vendor", vendor_id.as_str()),
        ("password", "a long enough passphrase"),
    ];
    let reply = post_form(&api, &admin, "/desk/admin/users", &user).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.header("location"), Some("/desk/admin/users"));
    let users = page(&admin.send(&api, Call::get("/desk/admin/users")).await);
    assert!(users.contains("bea@vendor.example"));
    assert!(users.contains("<td>bpo agent</td><td>Manila &#60;BPO&#62;</td>"));
    let no_vendor = [
        ("email", "cy@vendor.example"),
        ("name", "Cy"),
        ("role", "bpo_agent"),
        ("vendor", ""),
    ];
    let reply = post_form(&api, &admin, "/desk/admin/users", &no_vendor).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let form = page(&reply);
    assert!(
        form.contains("href=\"#user-vendor\""),
        "the summary names the field"
    );
    assert!(
        form.contains("value=\"cy@vendor.example\""),
        "what was typed stays"
    );
    let odd = post_form(&api, &admin, "/desk/admin/users", &[("role", "emperor")]).await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST);

    let reply = post_form(
        &api,
        &admin,
        "/desk/admin/tokens",
        &[
            ("name", "Warehouse"),
            ("scopes", "tickets:read"),
            ("scopes", "intake"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let shown = page(&reply);
    let start = shown.find("<p class=\"secret\" id=\"new-token\">").unwrap() + 34;
    let token = &shown[start..start + shown[start..].find('<').unwrap()];
    assert!(token.len() > 20, "{token}");
    assert!(shown.contains("only time it is shown"));
    let listed = page(&admin.send(&api, Call::get("/desk/admin/tokens")).await);
    assert!(!listed.contains(token), "shown once");
    assert!(listed.contains("intake tickets:read") || listed.contains("tickets:read intake"));
    let id = store.api_tokens().await.unwrap()[0].id;
    let reply = post_form(
        &api,
        &admin,
        &format!("/desk/admin/tokens/{id}/revoke"),
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let listed = page(&admin.send(&api, Call::get("/desk/admin/tokens")).await);
    assert!(listed.contains("<td>Revoked</td>"));
    assert!(store.api_tokens().await.unwrap()[0].revoked_at.is_some());
    let bad = post_form(&api, &admin, "/desk/admin/tokens", &[("name", "None")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "no scope");
    let bad = post_form(
        &api,
        &admin,
        "/desk/admin/tokens",
        &[
            ("name", "X"),
            ("scopes", "intake"),
            ("expires_days", "soon"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

async fn others_may_not_open_settings(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let lead = person(&api, &app, "lea", Role::Lead, None).await;
    for uri in PAGES {
        let reply = agent.send(&api, Call::get(uri)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
    }
    for uri in &PAGES[2..] {
        let reply = lead.send(&api, Call::get(*uri)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri} (lead)");
    }
    let index = page(&lead.send(&api, Call::get("/desk/admin")).await);
    assert!(
        index.contains("href=\"/desk/admin/queues\""),
        "leads manage queues"
    );
    assert!(!index.contains("href=\"/desk/admin/tokens\""));
    let reply = post_form(&api, &agent, "/desk/admin/vendors", &[("name", "Sneaky")]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(store.vendors().await.unwrap().is_empty());
}

async fn queues_are_listed_and_created(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lea", Role::Lead, None).await;
    let hostile = [
        ("name", "<script>alert(1)</script>"),
        ("vendor", ""),
        ("line", "merchant"),
    ];
    let reply = post_form(&api, &lead, "/desk/admin/queues", &hostile).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let listed = page(&lead.send(&api, Call::get("/desk/admin/queues")).await);
    assert!(!listed.contains("<script>alert"), "escaped");
    assert!(listed.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(listed.contains("business lines: merchant"), "{listed}");
    let again = post_form(&api, &lead, "/desk/admin/queues", &hostile).await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "the key made from the name is taken"
    );
    let odd = [("name", "Refunds"), ("line", "pets")];
    let reply = post_form(&api, &lead, "/desk/admin/queues", &odd).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(page(&reply).contains("href=\"#queue-line\""));
    let queues = store.queues().await.unwrap();
    assert_eq!(queues.len(), 1);
}

on_both_engines!(
    admin_manages_users_vendors_and_tokens,
    others_may_not_open_settings,
    queues_are_listed_and_created
);
