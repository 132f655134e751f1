//! CSRF: with the session cookie, every unsafe method needs the session's token in
//! `X-CSRF-Token`; safe methods and bearer-token requests do not.

use crate::client::{AuthApi, Call};
use axum::http::{Method, StatusCode};
use paydesk_domain::role::Role;
use paydesk_store::Store;
use serde_json::json;

const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;

pub async fn csrf_is_required_on_unsafe_cookie_requests(store: Store) {
    let api = AuthApi::new(store);
    api.person("root@example.com", Role::Admin).await;
    let admin = api.sign_in("root@example.com").await;
    let other = api.sign_in("root@example.com").await;
    let new_token = || {
        Call::post(
            "/api/v1/tokens",
            json!({ "name": "ci", "scopes": ["tickets:read"] }),
        )
    };

    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        admin
            .cookie(Call::new(method.clone(), "/api/v1/probe"))
            .refused(&api, FORBIDDEN, "csrf_failed")
            .await;
    }
    admin
        .cookie(new_token())
        .refused(&api, FORBIDDEN, "csrf_failed")
        .await;
    // Another session's token, or a wrong one, will not do.
    admin
        .cookie(new_token())
        .header("x-csrf-token", other.csrf.clone())
        .refused(&api, FORBIDDEN, "csrf_failed")
        .await;
    admin
        .cookie(new_token())
        .header("x-csrf-token", "")
        .refused(&api, FORBIDDEN, "csrf_failed")
        .await;
    admin
        .cookie(Call::delete("/api/v1/session"))
        .refused(&api, FORBIDDEN, "csrf_failed")
        .await;
    assert!(
        api.app
            .tokens(&paydesk_app::Caller::system())
            .await
            .unwrap()
            .is_empty(),
        "a refused request changed nothing"
    );

    // Safe methods need none; with the token, changes go through.
    admin
        .cookie(Call::get("/api/v1/tokens"))
        .expect(&api, StatusCode::OK)
        .await;
    admin
        .with_csrf(new_token())
        .expect(&api, StatusCode::CREATED)
        .await;
    admin
        .with_csrf(Call::post("/api/v1/probe", json!({})))
        .expect(&api, StatusCode::OK)
        .await;
}

pub async fn bearer_requests_need_no_csrf(store: Store) {
    let api = AuthApi::new(store);
    let made = api
        .app
        .create_token(
            &paydesk_app::Caller::system(),
            "intake",
            &[paydesk_domain::policy::Scope::Intake],
            None,
        )
        .await
        .unwrap();
    let echoed = Call::post("/api/v1/probe", json!({}))
        .bearer(&made.token)
        .expect(&api, StatusCode::OK)
        .await;
    assert_eq!(echoed["actor"], "Api { client: \"intake\" }");
    assert_eq!(echoed["ip"], "192.0.2.10");
}
