//! `/session`: signing in sets a hardened cookie; without credentials, 401; failed
//! sign-ins lock out with a back-off; signing out ends one session or all.

use crate::client::{AuthApi, Call, PASSWORD, Session};
use axum::http::StatusCode;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use serde_json::json;

const OK: StatusCode = StatusCode::OK;
const UNAUTHORIZED: StatusCode = StatusCode::UNAUTHORIZED;

fn sign_in_call(email: &str, password: &str) -> Call {
    Call::post(
        "/api/v1/session",
        json!({ "email": email, "password": password }),
    )
}

pub async fn sign_in_sets_a_hardened_cookie(store: Store) {
    let api = AuthApi::new(store);
    api.person("ada@example.com", Role::Lead).await;
    let reply = sign_in_call("Ada@Example.com", PASSWORD).send(&api).await;
    assert_eq!(reply.status, OK, "{}", reply.text());
    let cookie = reply.header("set-cookie").unwrap().to_string();
    let attributes: Vec<&str> = cookie.split("; ").collect();
    assert!(attributes[0].starts_with("paydesk_session="), "{cookie}");
    assert!(
        attributes[0].len() > "paydesk_session=".len() + 32,
        "{cookie}"
    );
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(attributes.contains(&flag), "{flag} missing: {cookie}");
    }
    assert!(!attributes.contains(&"Secure"), "plain HTTP: {cookie}");
    assert_eq!(reply.header("cache-control"), Some("no-store"));

    let session = Session::from_reply(&reply);
    let body = &session.body;
    assert_eq!(body["user"]["email"], "ada@example.com");
    assert_eq!(body["user"]["name"], "Person");
    assert_eq!(body["user"]["role"], "lead");
    assert!(body["user"]["id"].is_i64());
    assert_eq!(body["expires_at"], "2026-09-22T02:13:20.000Z");
    assert!(session.csrf.len() >= 32);
    assert!(
        !body.to_string().contains(session.value()),
        "cookie value in the body"
    );

    // Who am I, from the cookie alone.
    let me = session
        .cookie(Call::get("/api/v1/session"))
        .expect(&api, OK)
        .await;
    assert_eq!(me, session.body);

    // Behind a TLS-terminating proxy the cookie is Secure too.
    let secure = sign_in_call("ada@example.com", PASSWORD)
        .header("x-forwarded-proto", "https")
        .send(&api)
        .await;
    let cookie = secure.header("set-cookie").unwrap();
    assert!(cookie.split("; ").any(|a| a == "Secure"), "{cookie}");

    // The caller carries the TCP peer's address, not X-Forwarded-For.
    let probe = session
        .cookie(Call::get("/api/v1/probe"))
        .header("x-forwarded-for", "203.0.113.99")
        .expect(&api, OK)
        .await;
    assert_eq!(probe["ip"], "192.0.2.10");
    assert!(probe["actor"].as_str().unwrap().starts_with("User"));
}

pub async fn requests_without_credentials_are_refused(store: Store) {
    let api = AuthApi::new(store);
    api.person("ada@example.com", Role::Admin).await;
    for call in [
        Call::get("/api/v1/session"),
        Call::get("/api/v1/tokens"),
        Call::get("/api/v1/probe"),
        Call::delete("/api/v1/session"),
        Call::post(
            "/api/v1/tokens",
            json!({ "name": "x", "scopes": ["intake"] }),
        ),
    ] {
        call.refused(&api, UNAUTHORIZED, "unauthenticated").await;
    }

    // A malformed or unknown bearer token is refused at once, with RFC 6750's error.
    let basic = Call::get("/api/v1/probe")
        .header("authorization", "Basic YWRhOnB3")
        .refused(&api, UNAUTHORIZED, "unauthenticated")
        .await;
    assert!(
        basic
            .header("www-authenticate")
            .unwrap()
            .contains("invalid_request")
    );
    let unknown = Call::get("/api/v1/probe")
        .bearer("pd_abcdefgh_0123456789012345678901234567890123")
        .refused(&api, UNAUTHORIZED, "unauthenticated")
        .await;
    assert!(
        unknown
            .header("www-authenticate")
            .unwrap()
            .contains("invalid_token")
    );

    // Wrong passwords and unknown emails get the same answer.
    let wrong = sign_in_call("ada@example.com", "not the password at all")
        .refused(&api, UNAUTHORIZED, "sign_in_failed")
        .await;
    let nobody = sign_in_call("nobody@example.com", PASSWORD)
        .refused(&api, UNAUTHORIZED, "sign_in_failed")
        .await;
    assert_eq!(wrong.json(), nobody.json());
    assert!(wrong.header("set-cookie").is_none());

    // A stale cookie is ignored and cleared: signing in again still works.
    let stale = Call::get("/api/v1/session")
        .header("cookie", "paydesk_session=expired-or-forged")
        .refused(&api, UNAUTHORIZED, "unauthenticated")
        .await;
    let cleared = stale.header("set-cookie").unwrap();
    assert!(cleared.starts_with("paydesk_session=;") && cleared.contains("Max-Age=0"));
    let again = sign_in_call("ada@example.com", PASSWORD)
        .header("cookie", "paydesk_session=expired-or-forged")
        .send(&api)
        .await;
    assert_eq!(again.status, OK, "{}", again.text());
    assert!(!again.header("set-cookie").unwrap().contains("Max-Age=0"));
}

pub async fn brute_force_is_refused_with_retry_after(store: Store) {
    let api = AuthApi::new(store);
    api.person("ada@example.com", Role::Agent).await;
    for _ in 0..5 {
        sign_in_call("ada@example.com", "not the password at all")
            .refused(&api, UNAUTHORIZED, "sign_in_failed")
            .await;
    }
    let locked = sign_in_call("ada@example.com", PASSWORD)
        .refused(&api, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
        .await;
    assert_eq!(locked.header("retry-after"), Some("60"));
    assert!(locked.header("set-cookie").is_none());
    api.clock.advance(60_000);
    sign_in_call("ada@example.com", PASSWORD)
        .expect(&api, OK)
        .await;
}

pub async fn sign_out_ends_this_session_or_all(store: Store) {
    let api = AuthApi::new(store);
    api.person("ada@example.com", Role::Agent).await;
    api.person("bob@example.com", Role::Agent).await;
    let laptop = api.sign_in("ada@example.com").await;
    let phone = api.sign_in("ada@example.com").await;
    let tablet = api.sign_in("ada@example.com").await;
    let bob = api.sign_in("bob@example.com").await;
    let me = |s: &Session| s.cookie(Call::get("/api/v1/session"));

    let out = laptop
        .with_csrf(Call::delete("/api/v1/session"))
        .send(&api)
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text());
    let cleared = out.header("set-cookie").unwrap();
    assert!(cleared.starts_with("paydesk_session=;") && cleared.contains("Max-Age=0"));
    me(&laptop)
        .refused(&api, UNAUTHORIZED, "unauthenticated")
        .await;
    me(&phone).expect(&api, OK).await;

    phone
        .with_csrf(Call::delete("/api/v1/session?everywhere=true"))
        .expect(&api, StatusCode::NO_CONTENT)
        .await;
    for s in [&phone, &tablet] {
        me(s).refused(&api, UNAUTHORIZED, "unauthenticated").await;
    }
    me(&bob).expect(&api, OK).await;
}
