//! `/desk/agents`: a lead sees every agent, online first, and sets someone's presence.

use crate::common::{Api, Call, person};
use crate::html::{page, post_form};
use axum::http::StatusCode;
use paydesk_app::App;
use paydesk_domain::role::Role;
use paydesk_domain::routing::Presence;
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use paydesk_testkit::routing::{in_house, queue};

async fn lead_sees_agents_and_sets_presence(store: Store) {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let lead = person(&api, &app, "lea", Role::Lead, None).await;
    let agent = person(&api, &app, "ana", Role::Agent, None).await;
    let q = queue(&store, "payments", None).await.unwrap();
    let ben = in_house(&store, "ben", 3, q).await.unwrap();
    let cid = in_house(&store, "cid", 3, q).await.unwrap();
    store
        .set_presence(
            cid,
            Presence::Away,
            &paydesk_domain::Actor::System,
            paydesk_domain::Timestamp(1),
            None,
        )
        .await
        .unwrap();

    let reply = lead.send(&api, Call::get("/desk/agents")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let html = page(&reply);
    let ben_at = html.find("ben@desk.example").unwrap();
    let cid_at = html.find("cid@desk.example").unwrap();
    assert!(ben_at < cid_at, "online before away");
    assert!(html.contains(">Online</span>") && html.contains(">Away</span>"));
    assert!(html.contains("0 of 3"), "load against capacity");

    let reply = post_form(
        &api,
        &lead,
        &format!("/desk/agents/{}/presence", ben.0),
        &[("presence", "offline")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.header("location"), Some("/desk/agents"));
    let profile = store.agent_profile(ben).await.unwrap();
    assert_eq!(profile.profile.presence, Presence::Offline);
    let reply = post_form(
        &api,
        &lead,
        &format!("/desk/agents/{}/presence", ben.0),
        &[("presence", "asleep")],
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "typed nonsense is a 400"
    );

    let refused = agent.send(&api, Call::get("/desk/agents")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = post_form(
        &api,
        &agent,
        &format!("/desk/agents/{}/presence", cid.0),
        &[("presence", "online")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

on_both_engines!(lead_sees_agents_and_sets_presence);
