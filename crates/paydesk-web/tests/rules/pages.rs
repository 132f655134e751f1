//! The rules pages: a lead lists, creates (conditions as rows), edits, tries (dry run),
//! activates and reorders rules through forms with the CSRF field; what was typed wrong
//! comes back as a 400 with the form; an agent has no Rules link and gets 403.

use crate::common::{Api, Call, person};
use crate::html::{page, post_form};
use axum::http::StatusCode;
use paydesk_app::App;
use paydesk_domain::role::Role;
use paydesk_store::Store;

pub async fn lead_manages_rules_in_the_console(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lena", Role::Lead, None).await;
    let ticket = json_ticket(&api, &lead).await;

    let empty = page(&lead.send(&api, Call::get("/desk/rules")).await);
    assert!(
        empty.contains("href=\"/desk/rules\""),
        "the nav links the rules"
    );
    assert!(empty.contains("No rule yet."));
    let form = page(&lead.send(&api, Call::get("/desk/rules/new")).await);
    assert!(form.contains("name=\"csrf_token\""));
    assert!(form.contains("<label for=\"rule-name\">Name</label>"));

    let fields = [
        ("name", "Declined cards to high"),
        ("kind", "trigger"),
        ("on", "ticket_created"),
        ("group", "all"),
        ("field", "ticket.category"),
        ("op", "is"),
        ("value", "payment_declined"),
        ("group", "any"),
        ("field", ""),
        ("op", "is"),
        ("value", ""),
        (
            "actions",
            r#"[{"type": "set_priority", "priority": "high"}]"#,
        ),
    ];
    let saved = post_form(&api, &lead, "/desk/rules", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", page(&saved));
    let rules = store.rules().await.unwrap();
    assert_eq!(rules.len(), 1);
    let id = rules[0].rule.id.0;
    assert!(!rules[0].rule.is_active, "new rules start off");
    assert_eq!(rules[0].rule.spec.conditions.all.len(), 1);

    let mut wrong = fields.to_vec();
    wrong[5] = ("op", "greater_than");
    let refused = post_form(&api, &lead, "/desk/rules", &wrong).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let body = page(&refused);
    assert!(
        body.contains("error-summary") && body.contains("href=\"#rule-conditions\""),
        "{body}"
    );
    assert!(
        body.contains("Declined cards to high"),
        "what was typed is kept"
    );

    let list = page(&lead.send(&api, Call::get("/desk/rules")).await);
    assert!(list.contains("Declined cards to high") && list.contains(">Off<"));
    let dry = page(
        &lead
            .send(&api, Call::get(format!("/desk/rules/{id}/dry-run")))
            .await,
    );
    assert!(dry.contains(&format!(">{ticket}</a>")), "{dry}");
    assert!(dry.contains("ticket.category is"));

    let on = post_form(
        &api,
        &lead,
        &format!("/desk/rules/{id}/active"),
        &[("active", "on")],
    )
    .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    assert!(store.rule(rules[0].rule.id).await.unwrap().rule.is_active);

    let edit = page(
        &lead
            .send(&api, Call::get(format!("/desk/rules/{id}")))
            .await,
    );
    assert!(
        edit.contains("value=\"payment_declined\""),
        "rows are filled from the rule"
    );
    let mut renamed = fields.to_vec();
    renamed[0] = ("name", "Declined cards, renamed");
    renamed.push(("version", "2"));
    renamed.push(("is_active", "on"));
    let saved = post_form(&api, &lead, &format!("/desk/rules/{id}"), &renamed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", page(&saved));
    assert_eq!(
        store.rule(rules[0].rule.id).await.unwrap().rule.name,
        "Declined cards, renamed"
    );

    let mut second = fields.to_vec();
    second[0] = ("name", "Second");
    post_form(&api, &lead, "/desk/rules", &second).await;
    let second_id = store.rules().await.unwrap()[1].rule.id;
    let moved = post_form(
        &api,
        &lead,
        &format!("/desk/rules/{}/move", second_id.0),
        &[("direction", "up")],
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert_eq!(store.rules().await.unwrap()[0].rule.id, second_id);

    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let home = page(&agent.send(&api, Call::get("/desk")).await);
    assert!(
        !home.contains("href=\"/desk/rules\""),
        "agents have no Rules link"
    );
    for uri in [
        "/desk/rules",
        "/desk/rules/new",
        &format!("/desk/rules/{id}/dry-run"),
    ] {
        assert_eq!(
            agent.send(&api, Call::get(uri)).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }
}

async fn json_ticket(api: &Api, who: &crate::common::Person) -> String {
    let body = serde_json::json!({ "subject": "Card declined", "body": "My card was declined twice",
                       "business_line": "buyer", "category": "payment_declined" });
    let reply = who.send(api, Call::post("/api/v1/tickets", body)).await;
    reply.json()["number"].as_str().unwrap().to_string()
}
