//! `/tokens`: made by admins, shown once, stored hashed, used as bearer tokens, revoked.

use crate::client::{AuthApi, Call};
use axum::http::StatusCode;
use paydesk_app::access::secret_hash;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use serde_json::json;

const OK: StatusCode = StatusCode::OK;
const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;

/// Every text the access tables hold, to look for secrets in.
async fn stored_texts(store: &Store) -> Vec<String> {
    let mut tx = store.read().await.unwrap();
    let mut texts = vec![];
    for (sql, cols) in [
        (
            "SELECT name, prefix, token_hash, scopes FROM api_tokens",
            &["name", "prefix", "token_hash", "scopes"][..],
        ),
        (
            "SELECT token_hash, csrf_token, ip, user_agent FROM sessions",
            &["token_hash", "csrf_token", "ip", "user_agent"][..],
        ),
    ] {
        for row in tx.rows(sql, &[]).await.unwrap() {
            for col in cols {
                texts.extend(row.opt_text(col).unwrap());
            }
        }
    }
    texts
}

pub async fn tokens_are_shown_once_and_stored_hashed(store: Store) {
    let api = AuthApi::new(store.clone());
    api.person("root@example.com", Role::Admin).await;
    let admin = api.sign_in("root@example.com").await;

    let reply = admin
        .with_csrf(Call::post(
            "/api/v1/tokens",
            json!({
                "name": "mail gateway",
                "scopes": ["intake", "tickets:read"],
                "expires_at": "2026-12-31T00:00:00Z",
            }),
        ))
        .send(&api)
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let made = reply.json();
    let token = made["token"].as_str().unwrap().to_string();
    let meta = &made["api_token"];
    let prefix = meta["prefix"].as_str().unwrap();
    assert!(
        token.starts_with(&format!("{prefix}_")),
        "{token} / {prefix}"
    );
    assert!(token.len() >= "pd_12345678_".len() + 32);
    assert_eq!(meta["name"], "mail gateway");
    assert_eq!(meta["scopes"], json!(["tickets:read", "intake"]));
    assert_eq!(meta["expires_at"], "2026-12-31T00:00:00.000Z");
    assert_eq!(meta["revoked_at"], json!(null));
    assert!(meta["created_by"].is_i64());

    // Shown once: not in the list, not in the database; only its hash is stored.
    let list = admin.cookie(Call::get("/api/v1/tokens")).send(&api).await;
    assert_eq!(list.status, OK);
    assert!(!list.text().contains(&token));
    assert_eq!(list.json()["items"][0], *meta);
    let secret = token.rsplit_once('_').unwrap().1;
    let texts = stored_texts(&store).await;
    assert!(texts.contains(&secret_hash(&token)));
    assert!(
        texts.iter().all(|t| !t.contains(secret)),
        "the clear token is stored: {texts:?}"
    );
    assert!(
        texts.iter().all(|t| !t.contains(admin.value())),
        "a session cookie value is stored"
    );

    // The token works as a bearer token, within its scopes and nothing more.
    let probe = Call::get("/api/v1/probe")
        .bearer(&token)
        .expect(&api, OK)
        .await;
    assert_eq!(probe["actor"], "Api { client: \"mail gateway\" }");
    Call::get("/api/v1/tokens")
        .bearer(&token)
        .refused(&api, FORBIDDEN, "forbidden")
        .await;
    let used = admin
        .cookie(Call::get("/api/v1/tokens"))
        .expect(&api, OK)
        .await;
    assert_eq!(used["items"][0]["last_used_at"], "2026-09-21T14:13:20.000Z");

    // Revoked: refused at once; revoking again changes nothing.
    let id = meta["id"].as_i64().unwrap();
    let url = format!("/api/v1/tokens/{id}");
    let revoked = admin.with_csrf(Call::delete(&url)).expect(&api, OK).await;
    assert_eq!(revoked["revoked_at"], "2026-09-21T14:13:20.000Z");
    api.clock.advance(1_000);
    let again = admin.with_csrf(Call::delete(&url)).expect(&api, OK).await;
    assert_eq!(again["revoked_at"], revoked["revoked_at"]);
    Call::get("/api/v1/probe")
        .bearer(&token)
        .refused(&api, StatusCode::UNAUTHORIZED, "unauthenticated")
        .await;
    for bad in ["/api/v1/tokens/999", "/api/v1/tokens/abc"] {
        admin
            .with_csrf(Call::delete(bad))
            .refused(&api, StatusCode::NOT_FOUND, "not_found")
            .await;
    }
}

pub async fn tokens_are_admin_only(store: Store) {
    let api = AuthApi::new(store);
    api.person("root@example.com", Role::Admin).await;
    api.person("lead@example.com", Role::Lead).await;
    let admin = api.sign_in("root@example.com").await;
    let lead = api.sign_in("lead@example.com").await;
    let body = json!({ "name": "ci", "scopes": ["tickets:read"] });

    lead.with_csrf(Call::post("/api/v1/tokens", body.clone()))
        .refused(&api, FORBIDDEN, "forbidden")
        .await;
    lead.cookie(Call::get("/api/v1/tokens"))
        .refused(&api, FORBIDDEN, "forbidden")
        .await;
    lead.with_csrf(Call::delete("/api/v1/tokens/1"))
        .refused(&api, FORBIDDEN, "forbidden")
        .await;

    // Bad input names the field.
    for (bad, field) in [
        (json!({ "name": "", "scopes": ["intake"] }), "name"),
        (json!({ "name": "ci", "scopes": [] }), "scopes"),
        (
            json!({ "name": "ci", "scopes": ["intake"], "expires_at": "2020-01-01" }),
            "expires_at",
        ),
        (
            json!({ "name": "ci", "scopes": ["intake"], "expires_at": "soon" }),
            "expires_at",
        ),
    ] {
        let r = admin
            .with_csrf(Call::post("/api/v1/tokens", bad))
            .refused(&api, StatusCode::BAD_REQUEST, "invalid_field")
            .await;
        assert_eq!(r.json()["field"], field);
    }
    let unknown = admin
        .with_csrf(Call::post(
            "/api/v1/tokens",
            json!({ "name": "ci", "scopes": ["everything"] }),
        ))
        .refused(&api, StatusCode::BAD_REQUEST, "invalid_json")
        .await;
    assert_eq!(unknown.json()["field"], "scopes[0]");
}
