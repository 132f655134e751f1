//! The console's escalation pages: the ticket page's panel and escalate form, the partner
//! queue, the escalation page and its forms, as a browser without JavaScript uses them.

use crate::common::{Api, Call, person};
use crate::desk::{get, hidden, html, post};
use axum::http::StatusCode;
use paydesk_app::App;
use paydesk_domain::role::Role;
use paydesk_store::Store;
use serde_json::json;

pub async fn the_console_escalates_and_answers(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let admin = person(&api, &app, "ada", Role::Admin, None).await;
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let specialist = person(&api, &app, "sam", Role::Partner, None).await;
    let team = json!({
        "name": "Finance ops", "kind": "finance",
        "targets": {"sev1_minutes": 60, "sev2_minutes": 240, "sev3_minutes": 480, "sev4_minutes": 960},
        "members": [specialist.id.0], "reasons": ["Payout missing"]
    });
    let reply = admin
        .send(&api, Call::post("/api/v1/partner-teams", team))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let team = reply.json();
    let choice = format!("{}:{}", team["id"], team["reasons"][0]["id"]);
    let reply = agent
        .send(
            &api,
            Call::post(
                "/api/v1/tickets",
                json!({ "subject": "Payout late", "body": "My payout is three days late", "business_line": "merchant" }),
            ),
        )
        .await;
    let number = reply.json()["number"].as_str().unwrap().to_owned();
    let ticket_path = format!("/desk/tickets/{number}");

    // The ticket page offers the form, with labels and the CSRF field.
    let page = html(&api, &agent, &ticket_path).await;
    assert!(page.contains("id=\"escalations-title\""), "no panel");
    assert!(page.contains("Not escalated."));
    assert!(page.contains("<label for=\"esc-question\">"));
    assert!(page.contains("Payout missing"));
    let fields = [
        ("team_reason", choice.as_str()),
        ("severity", "sev2"),
        ("summary", "Payout not in the bank file"),
        ("question", "Was the payout in yesterday's file?"),
        ("hold", "1"),
    ];
    let escalate = format!("{ticket_path}/escalations");
    let refused = post(&api, &agent, &escalate, &fields, false).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let sent = post(&api, &agent, &escalate, &fields, true).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    let mut empty = fields;
    empty[3] = ("question", "");
    let bad = post(&api, &agent, &escalate, &empty, true).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let page = html(&api, &agent, &ticket_path).await;
    assert!(page.contains("Finance ops</a>: Payout missing"), "{page}");
    assert!(page.contains("sla-on_track"), "the clock shows time left");
    assert!(
        page.contains("escalated to Finance ops: Payout missing."),
        "the timeline says it"
    );

    // The specialist's queue and the escalation page.
    let queue = html(&api, &specialist, "/desk/escalations").await;
    assert!(
        queue.contains("href=\"/desk/escalations\""),
        "in the navigation"
    );
    assert!(queue.contains("Payout not in the bank file"));
    assert!(queue.contains(&number));
    let id = app
        .escalation_queue(
            &paydesk_app::Caller::system(),
            &paydesk_app::escalations::QueueQuery::default(),
        )
        .await
        .unwrap()[0]
        .id
        .0;
    let esc_path = format!("/desk/escalations/{id}");
    let page = html(&api, &specialist, &esc_path).await;
    assert!(page.contains("Was the payout in yesterday"));
    let version = hidden(&page, "version");
    let taken = post(
        &api,
        &specialist,
        &format!("{esc_path}/take"),
        &[("version", &version)],
        true,
    )
    .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.text());
    let stale = post(
        &api,
        &specialist,
        &format!("{esc_path}/wait"),
        &[("version", &version)],
        true,
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let link = post(
        &api,
        &specialist,
        &format!("{esc_path}/link"),
        &[("external_ref", "FIN-12")],
        true,
    )
    .await;
    assert_eq!(link.status, StatusCode::SEE_OTHER);
    let answered = post(
        &api,
        &specialist,
        &format!("{esc_path}/answer"),
        &[("text", "It was held for review; released today.")],
        true,
    )
    .await;
    assert_eq!(
        answered.status,
        StatusCode::SEE_OTHER,
        "{}",
        answered.text()
    );
    let page = html(&api, &specialist, &esc_path).await;
    assert!(page.contains("FIN-12"));
    assert!(page.contains("released today"));
    assert!(!page.contains("/answer\""), "no answer form once answered");
    let ticket_page = html(&api, &agent, &ticket_path).await;
    assert!(
        ticket_page.contains("released today"),
        "the note is on the ticket"
    );
    // An agent without a team has the section but an empty queue; a viewer has neither.
    let viewer = person(&api, &app, "vic", Role::Viewer, None).await;
    let nav = html(&api, &viewer, "/desk/shortcuts").await;
    assert!(!nav.contains("href=\"/desk/escalations\""));
    let refused = get(&api, &viewer, "/desk/escalations").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

pub async fn admins_keep_partner_teams_in_the_console(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let admin = person(&api, &app, "ada", Role::Admin, None).await;
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let index = html(&api, &admin, "/desk/admin").await;
    assert!(index.contains("href=\"/desk/admin/partner-teams\""));
    let page = html(&api, &admin, "/desk/admin/partner-teams").await;
    assert!(page.contains("<h1>Partner teams</h1>"));
    assert!(page.contains("<label for=\"team-new-reasons\">"));
    let fields = [
        ("name", "Legal"),
        ("kind", "legal"),
        ("calendar_id", ""),
        ("sev1_minutes", "240"),
        ("sev2_minutes", "120"),
        ("sev3_minutes", "2880"),
        ("sev4_minutes", "7200"),
        ("members", "ana@desk.example"),
        ("reasons", "Regulator complaint\nTerms dispute"),
        ("is_active", "1"),
    ];
    let refused = post(&api, &admin, "/desk/admin/partner-teams", &fields, true).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let text = String::from_utf8_lossy(&refused.body).into_owned();
    assert!(text.contains("error-summary"), "{text}");
    assert!(text.contains("#team-new-targets"), "{text}");
    assert!(
        text.contains("Regulator complaint"),
        "what was typed is kept"
    );
    let mut good = fields;
    good[3] = ("sev1_minutes", "60");
    let saved = post(&api, &admin, "/desk/admin/partner-teams", &good, true).await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{}",
        String::from_utf8_lossy(&saved.body)
    );
    let teams = app
        .partner_teams(&paydesk_app::Caller::system())
        .await
        .unwrap();
    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0].members, vec![agent.id]);
    assert_eq!(teams[0].reasons.len(), 2);
    let page = html(&api, &admin, "/desk/admin/partner-teams").await;
    assert!(
        page.contains("action=\"/desk/admin/partner-teams/"),
        "an edit form per team"
    );
    assert!(page.contains("Terms dispute"));
    let forbidden = get(&api, &agent, "/desk/admin/partner-teams").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}
