//! Health checks, the OpenAPI document, and routes or methods nobody serves.

use crate::client::{Call, all_refused, expect, get};
use crate::common::Api;
use axum::http::{Method, StatusCode};
use paydesk_store::Store;

pub async fn health_and_openapi(store: Store) {
    let api = Api::new(store);
    for (uri, status) in [("/healthz", "ok"), ("/readyz", "ready")] {
        let health = Call::get(uri).expect(&api, StatusCode::OK).await;
        assert_eq!(health["status"], status);
    }

    let doc = get(&api, "/api/v1/openapi.json").await;
    expect(&doc, StatusCode::OK);
    assert!(doc.content_type().starts_with("application/json"));
    let doc = doc.json();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/messages",
        "/api/v1/tickets/{number}/timeline",
        "/api/v1/customers",
        "/api/v1/customers/{id}",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    assert!(paths["/api/v1/tickets"]["post"].is_object());
    assert!(paths["/api/v1/tickets/{number}"]["patch"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());

    Call::get("/api/v2/nothing")
        .refused(&api, StatusCode::NOT_FOUND, "route_not_found")
        .await;
    all_refused(
        &api,
        [
            Call::new(Method::DELETE, "/api/v1/tickets"),
            Call::new(Method::POST, "/healthz"),
            Call::new(Method::POST, "/readyz"),
        ],
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}
