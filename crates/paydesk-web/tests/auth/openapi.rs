//! The session and token routes describe themselves for the OpenAPI document.

use paydesk_web::api::{session, tokens};
use paydesk_web::error::Problem;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        session::sign_in,
        session::current,
        session::sign_out,
        tokens::create,
        tokens::list,
        tokens::revoke,
    ),
    components(schemas(
        Problem,
        session::SignIn,
        session::SessionOut,
        session::SessionUser,
        tokens::CreateToken,
        tokens::TokenOut,
        tokens::CreatedTokenOut,
        tokens::TokenList,
    ))
)]
struct AuthDoc;

#[test]
fn session_and_token_routes_are_documented() {
    let doc = serde_json::to_value(AuthDoc::openapi()).unwrap();
    let paths = &doc["paths"];
    for (path, methods) in [
        ("/api/v1/session", &["get", "post", "delete"][..]),
        ("/api/v1/tokens", &["get", "post"][..]),
        ("/api/v1/tokens/{id}", &["delete"][..]),
    ] {
        for m in methods {
            assert!(paths[path][m].is_object(), "{m} {path} is not documented");
        }
    }
    let schemas = &doc["components"]["schemas"];
    for name in [
        "SessionOut",
        "CreatedTokenOut",
        "TokenOut",
        "CreateToken",
        "SignIn",
    ] {
        assert!(schemas[name].is_object(), "schema {name} missing");
    }
    let scopes = &schemas["CreateToken"]["properties"]["scopes"];
    assert!(scopes.to_string().contains("Scope"), "{scopes}");
    for name in ["Scope", "Role"] {
        assert!(schemas[name].is_object(), "schema {name} missing");
    }
}
